"""The image pipeline: responsive variants, card thumbnails and photo share cards, cached.

Every raster image a story uses (its front-matter ``image`` and each ``<img>`` of its body) is
decoded once and written as WebP plus its own format (JPEG, PNG; a still GIF becomes PNG) at the
configured widths, never upscaled, plus 16:9 thumbnails for story cards and, when it is large
enough, a 1200 × 630 share card. Outputs are keyed by the source's bytes and the settings, kept
in a cache folder outside Git (``.cache/masthead/images/`` by default) so a rebuild redoes only
what changed, and published under ``assets/img/<digest>-<name>``.

SVG files are never rasterised: they are published as they are, and only their width and height
are read, by a parser that refuses XML entities and stops at the root element. Animated GIFs are
published as they are too.

Nothing here knows MkDocs: the hook calls ``ImageStore`` and renders ``Picture`` values in Jinja.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import json
import os
import posixpath
import re
import shutil
import struct
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import PIL
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .errors import Fault, MastheadError
from .settings import CONFIG_FILE, ROOT

# Bump when a change here changes the bytes written: every cached image is then made again.
PIPELINE_VERSION = 2
OUTPUT_DIR = "assets/img"
CARD_SIZE = (1200, 630)
THUMB_RATIO = (16, 9)
RASTER_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif"})
SVG_SUFFIX = ".svg"
MAX_FILE_BYTES = 60 * 1024 * 1024
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
EXTENSION = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# The format each source is published in besides WebP.
OWN_FORMAT = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}
SETTINGS_KEY = f"{ROOT}.images"
# Our own limit (max_pixels, at most 170 MP) decides and names the file; Pillow's warning above
# 89 MP would only print a second, anonymous message. Its hard error (above 179 MP) still stands.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


class ImageProblem(Exception):
    """A source image that cannot be published: what is wrong and how to fix it."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.message, self.fix = message, fix


# -- settings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageSettings:
    """``extra.masthead.images`` in mkdocs.yml."""

    widths: tuple[int, ...] = (480, 960, 1600)
    thumb_widths: tuple[int, ...] = (320, 640)
    jpeg_quality: int = 82
    webp_quality: int = 80
    max_pixels: int = 40_000_000
    process: bool = True  # false: publish the originals as they are (quick previews)
    card_logo: str = ""  # a PNG/JPEG below docs/ drawn on share cards; default: `logo` if raster
    cache_dir: str = ".cache/masthead/images"

    def fingerprint(self) -> str:
        """Everything that changes the bytes of a variant (not where the cache lives)."""
        return json.dumps({
            "pipeline": PIPELINE_VERSION, "pillow": PIL.__version__, "widths": self.widths,
            "thumbs": self.thumb_widths, "jpeg": self.jpeg_quality, "webp": self.webp_quality,
        }, sort_keys=True)


_KNOWN_KEYS = {f.name for f in fields(ImageSettings)}


def load_image_settings(raw: object, *, docs_dir: Path | None = None) -> ImageSettings:
    """Validate ``extra.masthead.images``; raise MastheadError naming every bad key."""
    if raw is None:
        return ImageSettings()
    faults: list[Fault] = []

    def fault(key: str, message: str, fix: str) -> None:
        faults.append(Fault(CONFIG_FILE, None, f"{SETTINGS_KEY}.{key}" if key else SETTINGS_KEY,
                            message, fix))

    if not isinstance(raw, Mapping):
        fault("", f"expected a mapping, got {type(raw).__name__}",
              "write e.g. images: {widths: [480, 960, 1600], jpeg_quality: 82}")
        raise MastheadError(faults)
    base = ImageSettings()
    values: dict[str, Any] = {}
    for key in sorted(set(raw) - _KNOWN_KEYS):
        fault(str(key), "is not a setting of the image pipeline",
              f"use one of {', '.join(sorted(_KNOWN_KEYS))}")

    def widths(key: str, low: int) -> None:
        value = raw.get(key)
        if value is None:
            return
        if not isinstance(value, list) or not value or not all(
                isinstance(w, int) and not isinstance(w, bool) and low <= w <= 8000 for w in value):
            fault(key, f"expected a list of widths in pixels from {low} to 8000, got {value!r:.60}",
                  f"write e.g. {key}: {list(getattr(base, key))}")
            return
        values[key] = tuple(sorted(set(value)))

    def integer(key: str, low: int, high: int) -> None:
        value = raw.get(key)
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            fault(key, f"expected a whole number from {low} to {high}, got {value!r:.40}",
                  f"write e.g. {key}: {getattr(base, key)}")
            return
        values[key] = value

    widths("widths", 16)
    widths("thumb_widths", 16)
    integer("jpeg_quality", 30, 100)
    integer("webp_quality", 30, 100)
    integer("max_pixels", 1_000_000, 170_000_000)
    process = raw.get("process")
    if process is not None:
        if isinstance(process, bool):
            values["process"] = process
        else:
            fault("process", f"expected true or false, got {process!r:.40}", "write process: true")
    for key in ("card_logo", "cache_dir"):
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            example = getattr(base, key) or "assets/logo.png"
            fault(key, f"expected a path, got {value!r:.40}", f"write e.g. {key}: {example}")
            continue
        values[key] = value.strip()
    logo = values.get("card_logo", "")
    if logo:
        suffix = PurePosixPath(logo).suffix.lower()
        if logo.startswith("/") or ".." in PurePosixPath(logo).parts or ":" in logo:
            fault("card_logo", f"{logo!r} must be a path inside docs/",
                  "write e.g. card_logo: assets/logo.png")
        elif suffix not in (".png", ".jpg", ".jpeg", ".webp"):
            fault("card_logo", f"{logo!r} is not a PNG, JPEG or WebP file",
                  "share cards are drawn from a raster logo: export the logo as PNG (e.g. 256 × 256)")
        elif docs_dir is not None and not (docs_dir / logo).is_file():
            fault("card_logo", f"file {logo!r} does not exist in docs/", "add the file or fix the path")
    if faults:
        raise MastheadError(faults)
    return ImageSettings(**{**{f.name: getattr(base, f.name) for f in fields(base)}, **values})


# -- what templates draw ------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One published file: its site-relative path and size."""

    path: str
    width: int
    height: int
    mime: str


@dataclass(frozen=True)
class Source:
    """A ``<source>`` of a ``<picture>``: one format at several widths, smallest first."""

    mime: str
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class Picture:
    """How to show one image: ``src`` and its size, and the formats' srcsets (own format last).

    ``sources`` is empty for a file published as it is (SVG, animated GIF, pipeline off); width
    and height are then those of the file, or 0 when unknown.
    """

    src: str
    width: int
    height: int
    sources: tuple[Source, ...] = ()

    @property
    def responsive(self) -> bool:
        return bool(self.sources)

    @property
    def alternates(self) -> tuple[Source, ...]:
        """The ``<source>`` elements: every format but the image's own, which the ``<img>`` has."""
        return self.sources[:-1]

    @property
    def own(self) -> Source | None:
        return self.sources[-1] if self.sources else None

    @property
    def smallest(self) -> str:
        """Site-relative path of the smallest file in the image's own format (``src`` when it is
        published as it is): what a search result's thumbnail fetches."""
        own = self.own
        return own.variants[0].path if own and own.variants else self.src


@dataclass(frozen=True)
class ImageSet:
    """Everything made from one source file."""

    source: str  # site-relative path of the original
    full: Picture  # article figure, lead story, body images
    thumb: Picture  # story cards: 16:9 crops
    card: Variant | None = None  # 1200 × 630 share card, when the source is large enough


# -- reading sources ------------------------------------------------------------------------------

_LENGTH_RE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px|in|cm|mm|pt|pc)?\s*$")
_PX_PER = {None: 1.0, "px": 1.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4, "pt": 96 / 72, "pc": 16.0}


def svg_size(data: bytes) -> tuple[int, int]:
    """Width and height of an SVG from its root element (width/height, else the viewBox).

    The parser refuses entity declarations and external references and stops at the root
    element's start tag: the drawing itself is never read, let alone rendered. (0, 0) when the
    file states no usable size.
    """
    try:
        for _event, element in iterparse(io.BytesIO(data), events=("start",)):
            if not element.tag.endswith("svg"):
                raise ImageProblem("is not an SVG drawing (its root element is not <svg>)",
                                   "export the image again as SVG, or use a PNG or JPEG")
            return _svg_root_size(element.attrib)
    except DefusedXmlException:
        raise ImageProblem("declares XML entities or external references, which are not read",
                           "export it again without a DOCTYPE/ENTITY block (e.g. through svgo)") from None
    except Exception as exc:  # ParseError and friends
        if isinstance(exc, ImageProblem):
            raise
        raise ImageProblem(f"cannot be read as SVG ({str(exc).splitlines()[0]:.80})",
                           "export the image again as SVG, or use a PNG or JPEG") from None
    raise ImageProblem("is empty", "export the image again")


def _svg_root_size(attrib: Mapping[str, str]) -> tuple[int, int]:
    def length(value: str | None) -> float | None:
        match = _LENGTH_RE.match(value or "")
        return float(match.group(1)) * _PX_PER[match.group(2)] if match else None

    width, height = length(attrib.get("width")), length(attrib.get("height"))
    box = [float(v) for v in re.findall(r"-?[0-9]*\.?[0-9]+(?:e-?\d+)?", attrib.get("viewBox", ""))]
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        if width and not height:
            height = width * box[3] / box[2]
        elif height and not width:
            width = height * box[2] / box[3]
        elif not width and not height:
            width, height = box[2], box[3]
    if not width or not height:
        return 0, 0
    return max(1, round(width)), max(1, round(height))


def open_image(data: bytes, cfg: ImageSettings) -> Image.Image:
    """Open a raster image, refusing decompression bombs before any pixel is decoded."""
    if len(data) > MAX_FILE_BYTES:
        raise ImageProblem(f"is {len(data) / 1e6:.0f} MB, more than {MAX_FILE_BYTES // 2**20} MB",
                           "save a smaller version (web pictures rarely need more than 4000 px)")
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise ImageProblem(
            f"declares more than {2 * (Image.MAX_IMAGE_PIXELS or 0) / 1e6:.0f} million pixels, too many "
            "to decode safely (a decompression-bomb guard)",
            "resize it to at most 4000 px on the long side before adding it") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error):
        raise ImageProblem("cannot be read as an image (damaged, or not the format its name says)",
                           "open it in an image editor and save it again as JPEG or PNG") from None
    width, height = image.size
    if width * height > cfg.max_pixels:
        raise ImageProblem(
            f"is {width} × {height} px ({width * height / 1e6:.0f} megapixels), more than the limit of "
            f"{cfg.max_pixels / 1e6:.0f} (a decompression-bomb guard)",
            f"resize it to at most 4000 px on the long side, or raise {SETTINGS_KEY}.max_pixels")
    if image.format not in MIME:
        raise ImageProblem(f"is a {image.format} file, which browsers do not all show",
                           "save it as JPEG (photos) or PNG (drawings, charts)")
    return image


def _decode(image: Image.Image, largest: int) -> Image.Image:
    """Pixels, upright, in sRGB, with no metadata: what every output is made from."""
    if image.format == "JPEG":
        # Let libjpeg decode at a reduced scale when the largest output is much smaller.
        ratio = largest / min(image.size)  # the short side: EXIF may turn the picture
        image.draft(None, (max(1, round(image.size[0] * ratio)),
                           max(1, round(image.size[1] * ratio))))
    try:
        image.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageProblem(f"is damaged and cannot be decoded ({exc!s:.80})",
                           "open it in an image editor and save it again") from None
    icc = image.info.get("icc_profile")
    upright: Image.Image = ImageOps.exif_transpose(image) or image
    if upright.mode == "P":
        upright = upright.convert("RGBA" if "transparency" in upright.info else "RGB")
    elif upright.mode in ("CMYK", "YCbCr", "LAB", "HSV", "I", "F", "I;16", "1", "LA", "PA"):
        upright = upright.convert("RGBA" if upright.mode in ("LA", "PA") else "RGB")
    if icc:
        # An unreadable profile: keep the pixels as they are.
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError):
            upright = ImageCms.profileToProfile(
                upright, ImageCms.ImageCmsProfile(io.BytesIO(icc)), ImageCms.createProfile("sRGB"),
                outputMode=upright.mode) or upright
    upright.info = {}
    return upright


# -- making variants ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    """One file to publish, named within its image's set: "480.webp", "t320.jpg", "card.jpg"."""

    name: str
    group: str  # "full" | "thumb" | "card"
    width: int
    height: int
    mime: str
    data: bytes = field(repr=False)


def target_widths(source_width: int, wanted: Iterable[int]) -> list[int]:
    """The widths to make: each wanted width below the source's, and the largest wanted one
    capped at the source's own width. Never wider than the source (no upscaling)."""
    wanted = sorted(set(wanted))
    widths = [w for w in wanted if w < source_width]
    top = min(source_width, wanted[-1])
    if top not in widths:
        widths.append(top)
    return sorted(widths)


def _encode(image: Image.Image, fmt: str, cfg: ImageSettings, *, lossless: bool = False) -> bytes:
    """Fixed encoder parameters and no metadata, so the same pixels give the same bytes."""
    out = io.BytesIO()
    image.info = {}
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = _flatten(image)
        image.save(out, "JPEG", quality=cfg.jpeg_quality, optimize=True, progressive=True,
                   subsampling="4:2:0")
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    elif fmt == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.mode else "RGB")
        if lossless:
            image.save(out, "WEBP", lossless=True, quality=100, method=4, exact=False)
        else:
            image.save(out, "WEBP", quality=cfg.webp_quality, method=4)
    else:  # pragma: no cover - OWN_FORMAT only names the three above
        raise ValueError(fmt)
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """On white: JPEG has no transparency."""
    if image.mode in ("RGBA", "LA"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _resize(image: Image.Image, width: int, height: int) -> Image.Image:
    if image.size == (width, height):
        return image.copy()
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _crop_to(image: Image.Image, ratio_w: int, ratio_h: int) -> Image.Image:
    """The centred crop of ``image`` with the given aspect ratio."""
    width, height = image.size
    if width * ratio_h > height * ratio_w:  # too wide
        new_w = max(1, round(height * ratio_w / ratio_h))
        left = (width - new_w) // 2
        return image.crop((left, 0, left + new_w, height))
    new_h = max(1, round(width * ratio_h / ratio_w))
    top = (height - new_h) // 2
    return image.crop((0, top, width, top + new_h))


def make_variants(data: bytes, cfg: ImageSettings) -> tuple[str, int, int, list[Output]]:
    """Decode ``data`` and make every output: (format, width, height, outputs).

    Raises ImageProblem for a file that cannot be published. An animated GIF gives no outputs
    (it is published as it is).
    """
    image = open_image(data, cfg)
    fmt = image.format or ""
    width, height = image.size
    if fmt == "GIF" and getattr(image, "n_frames", 1) > 1:
        return fmt, width, height, []
    largest = max(max(cfg.widths), CARD_SIZE[0] * 2)
    pixels = _decode(image, largest)
    width, height = pixels.size  # upright, and perhaps scaled down by JPEG draft decoding
    own = OWN_FORMAT[fmt]
    # Few colours (a chart, a logo): lossless WebP keeps edges crisp and is smaller too.
    lossless = pixels.getcolors(256) is not None
    outputs: list[Output] = []

    def emit(group: str, prefix: str, picture: Image.Image, formats: Iterable[str]) -> None:
        for f in formats:
            name = f"{prefix}.{EXTENSION[f]}"
            outputs.append(Output(name, group, picture.width, picture.height, MIME[f],
                                  _encode(picture.copy(), f, cfg, lossless=lossless and f == "WEBP")))

    formats = ["WEBP", own] if own != "WEBP" else ["WEBP"]
    # Work from one reduction of the source, as large as the largest output needs: resizing a
    # 6000 px photograph once instead of six times is most of the speed.
    card_w, card_h = CARD_SIZE
    top = min(width, max(max(cfg.widths), card_w))
    base = _resize(pixels, top, max(1, round(height * top / width))) if top < width else pixels
    current = base
    for w in reversed(target_widths(width, cfg.widths)):  # largest first, each from the last
        h = max(1, round(height * w / width)) if w != width else height
        current = _resize(current, w, h)
        emit("full", str(w), current, formats)
    crop = _crop_to(base, *THUMB_RATIO)
    if crop.width < max(cfg.thumb_widths) and base is not pixels:
        crop = _crop_to(pixels, *THUMB_RATIO)  # a panorama: the base is too low for the crop
    for w in target_widths(crop.width, cfg.thumb_widths):
        h = max(1, round(w * THUMB_RATIO[1] / THUMB_RATIO[0]))
        emit("thumb", f"t{w}", _resize(crop, w, h), formats)
    if width >= card_w and height >= card_h:
        big = base if base.width >= card_w and base.height >= card_h else pixels
        card = _resize(_crop_to(big, card_w, card_h), card_w, card_h)
        outputs.append(Output("card.jpg", "card", card_w, card_h, "image/jpeg",
                              _encode(card, "JPEG", cfg)))
    return fmt, width, height, outputs


# -- the cache ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One source's outputs in the cache: its folder and what each file is."""

    digest: str
    folder: Path
    format: str
    width: int
    height: int
    files: tuple[Output, ...]  # data left empty: the bytes are in ``folder``


class ImageCache:
    """Outputs on disk, keyed by the source's bytes and the settings that shape them.

    A cached folder holds the files and ``meta.json``; it is written under a temporary name and
    renamed into place, so a killed build never leaves half an entry.
    """

    def __init__(self, root: Path, cfg: ImageSettings) -> None:
        self.root, self.cfg = root, cfg
        self.fingerprint = cfg.fingerprint()
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()  # builds call get() from several threads

    def digest(self, data: bytes) -> str:
        h = hashlib.sha256()
        h.update(self.fingerprint.encode())
        h.update(b"\0")
        h.update(data)
        return h.hexdigest()

    def get(self, data: bytes) -> Entry:
        digest = self.digest(data)
        folder = self.root / digest[:2] / digest
        entry = self._read(digest, folder)
        with self._lock:
            if entry is not None:
                self.hits += 1
                return entry
            self.misses += 1
        fmt, width, height, outputs = make_variants(data, self.cfg)
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{digest[:16]}-", dir=folder.parent))
        try:
            for out in outputs:
                (staging / out.name).write_bytes(out.data)
            meta = {"format": fmt, "width": width, "height": height,
                    "files": [{"name": o.name, "group": o.group, "width": o.width, "height": o.height,
                               "mime": o.mime} for o in outputs]}
            (staging / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
            if folder.exists():  # a damaged entry (a file missing, meta.json unreadable)
                shutil.rmtree(folder, ignore_errors=True)
            try:
                os.replace(staging, folder)
            except OSError:  # another build put it there first
                shutil.rmtree(staging, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        entry = self._read(digest, folder)
        if entry is None:  # pragma: no cover - the folder was just written
            raise ImageProblem("could not be cached", f"check that {self.root} is writable")
        return entry

    def _read(self, digest: str, folder: Path) -> Entry | None:
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            files = tuple(Output(f["name"], f["group"], f["width"], f["height"], f["mime"], b"")
                          for f in meta["files"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not all((folder / f.name).is_file() for f in files):
            return None
        return Entry(digest, folder, meta["format"], meta["width"], meta["height"], files)


def entry_to_set(source: str, entry: Entry) -> tuple[ImageSet, dict[str, Path]]:
    """Templates' view of a cache entry, and the files to publish (site path → cached file)."""
    prefix = f"{OUTPUT_DIR}/{entry.digest[:16]}-"
    published = {prefix + f.name: entry.folder / f.name for f in entry.files}
    if not entry.files:  # published as it is (animated GIF)
        plain = Picture(source, entry.width, entry.height)
        return ImageSet(source, plain, plain), {}

    def picture(group: str) -> Picture:
        by_mime: dict[str, list[Variant]] = {}
        for f in entry.files:
            if f.group == group:
                by_mime.setdefault(f.mime, []).append(Variant(prefix + f.name, f.width, f.height, f.mime))
        own = MIME[OWN_FORMAT[entry.format]]
        order = [m for m in by_mime if m != own] + [own]
        sources = tuple(Source(m, tuple(sorted(by_mime[m], key=lambda v: v.width))) for m in order)
        own_variants = sources[-1].variants
        # The fallback src: the largest at most 960 px, an ordinary screen's column.
        fallback = [v for v in own_variants if v.width <= 960] or [own_variants[0]]
        largest = own_variants[-1]
        return Picture(fallback[-1].path, largest.width, largest.height, sources)

    card = next((Variant(prefix + f.name, f.width, f.height, f.mime) for f in entry.files
                 if f.group == "card"), None)
    return ImageSet(source, picture("full"), picture("thumb"), card), published


# -- the store a build uses -----------------------------------------------------------------------


@dataclass(frozen=True)
class Use:
    """Where an image is used, for a fault that names it: file, line and field."""

    file: str
    line: int | None
    field: str


class ImageStore:
    """One build's images: processed once each, faults kept per use, outputs to publish."""

    def __init__(self, cfg: ImageSettings, docs_dir: Path, cache_root: Path) -> None:
        self.cfg = cfg
        self.docs_dir = docs_dir
        self.cache = ImageCache(cache_root, cfg)
        self.sets: dict[str, ImageSet] = {}
        self.problems: dict[str, ImageProblem] = {}
        self.faults: list[Fault] = []
        self.outputs: dict[str, Path] = {}

    @staticmethod
    def handles(path: str) -> bool:
        suffix = PurePosixPath(path).suffix.lower()
        return suffix in RASTER_SUFFIXES or suffix == SVG_SUFFIX

    def prepare(self, paths: Iterable[str], workers: int | None = None) -> None:
        """Process ``paths`` (site-relative) in parallel threads; Pillow works outside the GIL."""
        todo = sorted({p for p in paths if self.handles(p)} - set(self.sets) - set(self.problems))
        if not todo:
            return
        workers = workers or min(4, os.cpu_count() or 1)
        if workers <= 1 or len(todo) == 1:
            results = [self._process(p) for p in todo]
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                results = list(pool.map(self._process, todo))
        for path, result in zip(todo, results, strict=True):
            self._record(path, result)

    def get(self, path: str, use: Use) -> ImageSet | None:
        """The image at site-relative ``path``; None (and a fault for ``use``) if it is broken.

        Paths the pipeline does not handle (unknown suffix) also give None, without a fault.
        """
        if not self.handles(path):
            return None
        if path not in self.sets and path not in self.problems:
            self._record(path, self._process(path))
        problem = self.problems.get(path)
        if problem is not None:
            self.faults.append(Fault(use.file, use.line, use.field, f"{path}: {problem.message}",
                                     problem.fix))
            return None
        return self.sets[path]

    def _record(self, path: str, result: tuple[ImageSet, dict[str, Path]] | ImageProblem) -> None:
        if isinstance(result, ImageProblem):
            self.problems[path] = result
        else:
            self.sets[path] = result[0]
            self.outputs.update(result[1])

    def _process(self, path: str) -> tuple[ImageSet, dict[str, Path]] | ImageProblem:
        file = self.docs_dir / path
        try:
            data = file.read_bytes()
        except FileNotFoundError:
            return ImageProblem("the file does not exist", "add the image under docs/ or fix the path")
        except OSError as exc:
            return ImageProblem(f"cannot be read ({exc.strerror})", "check the file's permissions")
        try:
            if PurePosixPath(path).suffix.lower() == SVG_SUFFIX:
                width, height = svg_size(data)
                plain = Picture(path, width, height)
                return ImageSet(path, plain, plain), {}
            if not self.cfg.process:
                image = open_image(data, self.cfg)
                plain = Picture(path, *image.size)
                return ImageSet(path, plain, plain), {}
            return entry_to_set(path, self.cache.get(data))
        except ImageProblem as exc:
            return exc
        except Exception as exc:  # a decoder's surprise must not become a traceback
            return ImageProblem(f"cannot be processed ({type(exc).__name__}: {exc!s:.80})",
                                "open it in an image editor and save it again as JPEG or PNG")

    def raise_faults(self) -> None:
        if self.faults:
            faults, self.faults = self.faults, []
            raise MastheadError(faults)


# -- body images ----------------------------------------------------------------------------------

_BLOCK_RE = re.compile(r"<picture\b.*?</picture\s*>|<img\b[^>]*>", re.IGNORECASE | re.DOTALL)
_OWN_ATTRS = frozenset({"src", "srcset", "sizes", "width", "height", "loading", "decoding"})
BODY_SIZES = "(min-width: 60em) 840px, calc(100vw - 32px)"


class _TagParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs = attrs

    handle_startendtag = handle_starttag


def _attributes(tag: str) -> list[tuple[str, str | None]]:
    parser = _TagParser()
    parser.feed(tag)
    parser.close()
    return parser.attrs


def resolve_src(src: str, page_url: str) -> str | None:
    """The site-relative path an ``<img src>`` on the page at ``page_url`` points to; None for
    other sites, data: URLs and paths outside the site."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    joined = urlsplit(urljoin("http://site.invalid/" + page_url, parts.path)).path
    path = posixpath.normpath(unquote(joined)).lstrip("/")
    if path in ("", ".") or path.startswith(".."):
        return None
    return path


def relative_url(path: str, page_url: str) -> str:
    """``path`` (site-relative) as a URL relative to the page at ``page_url``."""
    base = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
    rel = posixpath.relpath(path, base.rstrip("/") or ".")
    return rel


def srcset(source: Source, page_url: str) -> str:
    return ", ".join(f"{relative_url(v.path, page_url)} {v.width}w" for v in source.variants)


def picture_html(picture: Picture, attrs: list[tuple[str, str | None]], page_url: str, *,
                 sizes: str = BODY_SIZES, original_src: str = "") -> str:
    """The markup for a body image: ``<picture>`` with a WebP ``<source>`` and an ``<img>`` that
    keeps the editor's other attributes (alt, title, class), with width and height."""
    kept = [(k, v) for k, v in attrs if k not in _OWN_ATTRS]
    given = {k: v for k, v in attrs}
    width, height = picture.width, picture.height
    if given.get("width", "") and str(given["width"]).isdigit() and width:
        height = round(int(str(given["width"])) * height / width)
        width = int(str(given["width"]))
    own = picture.own
    src = relative_url(picture.src, page_url) if own else original_src
    parts = [f'src="{html.escape(src)}"']
    if own is not None:
        parts += [f'srcset="{html.escape(srcset(own, page_url))}"', f'sizes="{html.escape(sizes)}"']
    if width and height:
        parts += [f'width="{width}"', f'height="{height}"']
    parts += [f'{k}="{html.escape(v)}"' if v is not None else k for k, v in kept]
    parts += [f'loading="{html.escape(given.get("loading") or "lazy")}"', 'decoding="async"']
    img = f"<img {' '.join(parts)}>"
    if own is None:
        return img
    alternates = "".join(
        f'<source type="{s.mime}" srcset="{html.escape(srcset(s, page_url))}" sizes="{html.escape(sizes)}">'
        for s in picture.alternates)
    return f"<picture>{alternates}{img}</picture>"


def rewrite_body(content: str, page_url: str,
                 lookup: Callable[[str, str], Picture | None]) -> str:
    """Every local ``<img>`` of rendered page ``content`` made responsive.

    ``lookup(path, src)`` gives the Picture for a site-relative path (None: leave the tag alone).
    Images already inside a ``<picture>`` an editor wrote, or with their own srcset, are left as
    they are.
    """

    def replace(match: re.Match[str]) -> str:
        tag = match.group(0)
        if tag[:4].lower() != "<img":
            return tag
        attrs = _attributes(tag)
        given = dict(attrs)
        src = given.get("src") or ""
        if not src or given.get("srcset"):
            return tag
        path = resolve_src(src, page_url)
        if path is None:
            return tag
        picture = lookup(path, src)
        if picture is None:
            return tag
        return picture_html(picture, attrs, page_url, original_src=src)

    return _BLOCK_RE.sub(replace, content)


def body_image_line(source: str, src: str) -> int | None:
    """The line of the article file that mentions ``src`` (by its file name), for a fault."""
    name = posixpath.basename(unquote(urlsplit(src).path))
    if not name:
        return None
    for number, line in enumerate(source.splitlines(), start=1):
        if name in line:
            return number
    return None

