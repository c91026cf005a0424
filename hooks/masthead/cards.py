"""Share cards: the 1200 × 630 picture social sites show for a story that has no photo of its own.

The card shows the site's logo and name, the section, the headline and the date, drawn with a
font shipped in the repository (``fonts/MastheadCardSans-Bold.otf``: a GB 2312 + Big5 level 1 +
Latin subset of Noto Sans CJK SC Bold, SIL OFL 1.1, see ``fonts/OFL.txt``), so Chinese headlines
never turn into boxes and every machine draws the same pixels. Headlines wrap the way each script
does: English between words, Chinese between any two characters, never with a closing mark such
as "，" or "）" at the start of a line or an opening one at its end. Cards are cached like the
other images.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import json
import os
import struct
import tempfile
import threading
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import PIL
from PIL import Image, ImageDraw, ImageFont
from zlib_ng import zlib_ng

from .images import CARD_SIZE, OUTPUT_DIR, Variant

# Bump when a change here changes the pixels drawn: every cached card is then drawn again.
CARD_VERSION = 4
# Fewer missing cards than this are drawn here, one by one: starting a process costs ~0.5 s.
POOL_MIN_CARDS = int(os.environ.get("MASTHEAD_CARDS_POOL_MIN", "200"))
LATER_CHUNK = 64  # cards per task of the background drawer (~0.1 s of drawing)
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "MastheadCardSans-Bold.otf"
CHARS_PATH = FONT_PATH.with_suffix(".chars.txt")

INK = (26, 26, 26)
MUTED = (89, 89, 89)
ACCENT = (179, 18, 27)
RULE = (217, 217, 217)
PAPER = (255, 255, 255)
MARGIN = 72
HEADLINE_TOP, HEADLINE_BOTTOM = 214, 528
HEADLINE_SIZES = (68, 62, 56, 50, 44, 40)
LINE_HEIGHT = 1.3

# Marks that must not begin a line (they close or follow) and that must not end one (they open).
NO_LINE_START = frozenset("，。、；：？！）」』》〉】〕〗’”…—·％‰,.;:?!)]}%>℃")
NO_LINE_END = frozenset("（「『《〈【〔〖‘“([{<$￥£€#")


@dataclass(frozen=True)
class CardText:
    """What a card says; the same values give the same bytes."""

    title: str
    section: str
    date: str  # already written the reader's way: "14 March 2025", "2025年3月14日"
    site_name: str
    lang: str


# -- line breaking --------------------------------------------------------------------------------


def _is_wide(ch: str) -> bool:
    """A character that stands alone as a word: CJK ideographs, kana, hangul, full-width forms."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def tokens(text: str) -> list[tuple[str, bool]]:
    """Break opportunities: ``(token, space_before)``. A Latin word or number is one token, each
    CJK character another; closing marks stick to the token before, opening marks to the next."""
    raw: list[tuple[str, bool]] = []
    word = ""
    space = False
    for ch in " ".join(text.split()):
        if ch == " ":
            if word:
                raw.append((word, space))
                word = ""
            space = True
        elif _is_wide(ch) or (not word and (ch in NO_LINE_START or ch in NO_LINE_END)):
            # A CJK character, or a mark that is not inside a Latin word ("25.98", "don’t").
            if word:
                raw.append((word, space))
                word, space = "", False
            raw.append((ch, space))
            space = False
        else:
            word += ch
    if word:
        raw.append((word, space))
    glued: list[tuple[str, bool]] = []
    pending = ""  # opening marks waiting for the token they open
    pending_space = False
    for tok, sp in raw:
        if pending:
            glued.append((pending + tok if not sp else pending + " " + tok, pending_space))
            pending = ""
            continue
        if tok in NO_LINE_END:
            pending, pending_space = tok, sp
            continue
        if glued and tok in NO_LINE_START and not sp:
            prev, prev_sp = glued[-1]
            glued[-1] = (prev + tok, prev_sp)
            continue
        glued.append((tok, sp))
    if pending:
        glued.append((pending, pending_space))
    return glued


def wrap(text: str, measure: Callable[[str], float], width: float) -> list[str]:
    """Greedy lines of ``text`` no wider than ``width`` (as ``measure`` counts); a single token
    wider than a line is cut between characters.

    Widths add up (the card font has no kerning: a line is as wide as its glyphs' advances), so
    each token is measured once and a line's width is kept as it grows."""
    lines: list[str] = []
    line, line_width = "", 0.0
    space_width = measure(" ")
    for tok, space in tokens(text):
        tok_width = measure(tok)
        spaced = bool(line and space)
        gap = space_width if spaced else 0.0
        if not line or line_width + gap + tok_width <= width:
            line, line_width = line + (" " if spaced else "") + tok, line_width + gap + tok_width
        else:
            lines.append(line)
            line, line_width = tok, tok_width
        while line_width > width and len(line) > 1:  # one over-long word
            cut = len(line) - 1
            while cut > 1 and measure(line[:cut]) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
            line_width = measure(line)
    if line:
        lines.append(line)
    return lines


def fit_headline(text: str, measure_at: Callable[[int], Callable[[str], float]], width: float,
                 height: float) -> tuple[int, list[str]]:
    """The largest headline size whose lines fit the box; at the smallest, the last line that fits
    ends with "…"."""
    for size in HEADLINE_SIZES:
        lines = wrap(text, measure_at(size), width)
        if len(lines) <= int(height // (size * LINE_HEIGHT)):
            return size, lines
    size = HEADLINE_SIZES[-1]
    measure = measure_at(size)
    lines = wrap(text, measure, width)[: max(1, int(height // (size * LINE_HEIGHT)))]
    last = lines[-1]
    while last and measure(last.rstrip(" ，。、,.;:") + "…") > width:
        last = last[:-1]
    lines[-1] = last.rstrip(" ，。、,.;:") + "…"
    return size, lines


# -- drawing --------------------------------------------------------------------------------------


_fonts = threading.local()  # a FreeType face must not be used by two threads at once


def font(size: int) -> ImageFont.FreeTypeFont:
    """The card font at ``size`` px, one instance per thread."""
    cache: dict[int, ImageFont.FreeTypeFont] = _fonts.__dict__.setdefault("faces", {})
    if size not in cache:
        # Basic layout: no shaping library involved, so every machine places glyphs alike.
        cache[size] = ImageFont.truetype(str(FONT_PATH), size, layout_engine=ImageFont.Layout.BASIC)
    return cache[size]


# What the shipped font is cut to: tools/card_font.py makes the subset from this list (the source
# font lacks some of Latin Extended-A; what the subset really has is listed in CHARS_PATH).
CHARSET_RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x017F),  # Latin-1 supplement, Latin Extended-A
    (0x01CD, 0x01DC),  # pinyin tone letters ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ
    (0x2010, 0x2027),  # dashes, quotes, bullet, ellipsis
    (0x2030, 0x203B),  # per mille, primes, reference mark
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF01, 0xFF5E),  # full-width forms
    (0xFFE0, 0xFFE6),  # full-width signs
)


@lru_cache(maxsize=1)
def font_characters() -> frozenset[str]:
    """The characters the shipped font really has (tools/card_font.py lists them beside it)."""
    return frozenset(CHARS_PATH.read_text(encoding="utf-8")) - {"\n"}


def charset() -> str:
    """Every character the card font is cut to: all of GB 2312 (its 6 763 hanzi cover well over
    99.9 % of modern Chinese text), the 5 401 frequent hanzi of Big5 (level 1: Traditional
    Chinese headlines, zh-Hant; drawn in the Simplified face's style) and the ranges above, in
    code point order."""
    chars = {chr(c) for low, high in CHARSET_RANGES for c in range(low, high + 1)}
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([row, cell]).decode("gb2312"))
    for row in range(0xA4, 0xC7):  # Big5 level 1 runs from A440 to C67E
        for cell in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            with contextlib.suppress(UnicodeDecodeError):
                ch = bytes([row, cell]).decode("big5")
                if "\u4e00" <= ch <= "\u9fff":
                    chars.add(ch)
    return "".join(sorted(chars))


def missing_characters(text: str) -> str:
    """Characters of ``text`` the card font cannot draw (they would show as boxes)."""
    have = font_characters()
    return "".join(sorted({ch for ch in text if not ch.isspace() and ch not in have}))


def draw_card(text: CardText, logo: Image.Image | None = None) -> bytes:
    """The PNG bytes of the share card for ``text``.

    The card is drawn straight in palette indexes: a copy of the site's base (already mapped to
    the palette) gets each text's coverage (glyphs as FreeType antialiases them, kept once per
    process), turned into indexes by a table per colour. Those are the indexes quantizing the
    same text drawn in RGB would give (``tests/test_cards.py`` checks it), at a fraction of the
    cost: a build draws a card for every story without a photo, 10 000 in a big newsroom's first
    build.
    """
    width, _ = CARD_SIZE
    base = _layout(text.site_name, logo)
    rows = base.rows.copy()  # one filter byte (0: none) and the row's palette indexes, per row
    painted = []  # rows that hold this card's own text: (top, bottom + 1)
    if text.section:
        section = text.section if text.lang.startswith("zh") else text.section.upper()
        painted += _paint(rows, base.lut[ACCENT], [(28, section, MARGIN, 182)])
    box_w = width - 2 * MARGIN
    size, lines = fit_headline(text.title, _measure, box_w, HEADLINE_BOTTOM - HEADLINE_TOP)
    step = size * LINE_HEIGHT
    runs = []
    for i, line in enumerate(lines):
        baseline = HEADLINE_TOP + i * step + size * 1.02
        # A full-width opening mark at the start of a line sits flush left, as typesetters do.
        indent = _blank_left(size, line[0]) if _is_wide(line[0]) and line[0] in NO_LINE_END else 0
        runs.append((size, line, MARGIN - indent, round(baseline)))
    painted += _paint(rows, base.lut[INK], runs)
    painted += _paint(rows, base.lut[MUTED], [(28, text.date, MARGIN, 592)])
    height, width = rows.shape[0], rows.shape[1] - 1
    return b"".join((PNG_SIGNATURE,
                     _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)),
                     _chunk(b"PLTE", base.plte),
                     _chunk(b"IDAT", _deflate(base, rows, painted)),
                     _chunk(b"IEND", b"")))


# -- glyphs ---------------------------------------------------------------------------------------


class _Glyph(NamedTuple):
    coverage: npt.NDArray[np.uint8]  # FreeType's antialiased ink, 0-255; empty for a space
    left: int  # from the pen to the bitmap's left edge
    top: int  # from the baseline to the bitmap's top edge (negative: above it)
    advance: int  # pixels: the font is hinted, its advances are whole (no kerning table)


_glyphs: dict[tuple[int, str], _Glyph] = {}
GLYPH_CACHE_SIZE = 20_000  # ~4 KB each at the largest size: at most ~80 MB, usually far less


def _glyph(size: int, ch: str) -> _Glyph:
    """``ch`` at ``size`` px, drawn by FreeType once per process (a headline's characters recur
    across thousands of cards)."""
    key = (size, ch)
    found = _glyphs.get(key)
    if found is None:
        face = font(size)
        left, top, right, bottom = (int(v) for v in face.getbbox(ch, anchor="ls"))
        mask = Image.new("L", (max(right - left, 0), max(bottom - top, 0)))
        if mask.width and mask.height:
            ImageDraw.Draw(mask).text((-left, -top), ch, font=face, fill=255, anchor="ls")
        coverage = np.asarray(mask)
        coverage.flags.writeable = False
        found = _Glyph(coverage, left, top, int(face.getlength(ch)))
        if len(_glyphs) >= GLYPH_CACHE_SIZE:
            _glyphs.clear()
        _glyphs[key] = found
    return found


def _measure(size: int) -> Callable[[str], float]:
    """How wide text is at ``size``: the sum of its glyphs' advances, which is what
    ``FreeTypeFont.getlength`` says for this font (no kerning), without asking FreeType again."""
    advances = _advances.setdefault(size, {})

    def length(text: str) -> float:
        for ch in text:
            if ch not in advances:
                advances[ch] = _glyph(size, ch).advance
        return float(sum(map(advances.__getitem__, text)))

    return length


_advances: dict[int, dict[str, int]] = {}  # size -> character -> advance (a few KB per size)

# A run of text: (size, text, x of the pen, y of the baseline).
Run = tuple[int, str, int, int]


def _paint(rows: npt.NDArray[np.uint8], lut: npt.NDArray[np.uint8],
           runs: Sequence[Run]) -> list[tuple[int, int]]:
    """Draw ``runs`` in one colour onto ``rows`` (palette indexes after a filter byte): their
    glyphs' coverage is combined as FreeType's renderer combines a line's (overlapping ink
    blends), then ``lut`` turns coverage into palette indexes over the paper. Returns the rows
    drawn on, one (top, bottom + 1) per run (runs whose rows meet: one for them all).

    Ink of two lines would blend the same way, where Pillow drawing line after line in RGB rounds
    a little differently; the line height keeps lines apart, so cards never show it."""
    height, width = rows.shape[0], rows.shape[1] - 1
    placed: list[tuple[npt.NDArray[np.uint8], int, int, int]] = []  # (coverage, x, y, run)
    spans = []  # rows of each run's ink: (top, bottom + 1)
    for run, (size, text, x, y) in enumerate(runs):
        first = len(placed)
        for ch in text:
            glyph = _glyph(size, ch)
            if glyph.coverage.size:
                placed.append((glyph.coverage, x + glyph.left, y + glyph.top, run))
            x += glyph.advance
        if len(placed) > first:
            spans.append((min(gy for _, _, gy, _ in placed[first:]),
                          max(gy + g.shape[0] for g, _, gy, _ in placed[first:])))
    if not placed:
        return []
    x0 = min(gx for _, gx, _, _ in placed)
    x1 = max(gx + g.shape[1] for g, gx, _, _ in placed)
    y0, y1 = min(top for top, _ in spans), max(bottom for _, bottom in spans)
    canvas = np.zeros((y1 - y0, x1 - x0), np.uint8)
    # A glyph can land on ink only where its box meets an earlier one's. Within a run the pen
    # moves right, so that needs it to start left of where the run's ink reached so far; and
    # runs whose rows do not meet cannot touch. Elsewhere the canvas is known to be blank.
    bands: list[tuple[int, int]] = []  # the runs' rows, those that meet joined
    for top, bottom in sorted(spans):
        if bands and top < bands[-1][1]:
            bands[-1] = (bands[-1][0], max(bands[-1][1], bottom))
        else:
            bands.append((top, bottom))
    apart = len(bands) == len(spans)
    reach = [x0] * len(runs)  # right edge of each run's ink so far
    for coverage, gx, gy, run in placed:
        h, w = coverage.shape
        spot = canvas[gy - y0:gy - y0 + h, gx - x0:gx - x0 + w]
        if (not apart or gx < reach[run]) and spot.any():
            # ink already there: src + dst·(255 − src)/255, rounded as Pillow does
            t = spot.astype(np.uint16) * (255 - coverage) + 128
            spot[...] = coverage + ((t + (t >> 8)) >> 8).astype(np.uint8)
        else:
            spot[...] = coverage
        reach[run] = max(reach[run], gx + w)
    # Clip to the card (the margins keep text inside it; a cut glyph would be cut here too).
    cx0, cx1 = max(x0, 0), min(x1, width)
    drawn = []
    for top, bottom in bands:
        top, bottom = max(top, 0), min(bottom, height)
        if cx0 >= cx1 or top >= bottom:
            continue
        ink = canvas[top - y0:bottom - y0, cx0 - x0:cx1 - x0]
        spot = rows[top:bottom, 1 + cx0:1 + cx1]
        if spot.any():  # not only paper there (it never is on a card, but be right): keep it
            np.copyto(spot, lut.take(ink), where=ink > 0)
        else:
            spot[...] = lut.take(ink)
        drawn.append((top, bottom))
    return drawn


def _blank_left(size: int, ch: str) -> int:
    """The empty space left of a glyph's ink (a full-width "（" is mostly blank on the left)."""
    inked = np.flatnonzero(_glyph(size, ch).coverage.any(axis=0))
    return int(inked[0]) if inked.size else 0


# -- what every card of a site shares -------------------------------------------------------------


@dataclass(frozen=True)
class _Base:
    """A site's card before its story's text: drawn once, copied for each card."""

    logo: Image.Image | None  # kept so that the id in the key stays this logo's
    rows: npt.NDArray[np.uint8]  # height × (1 + width): PNG's filter byte (0), palette indexes
    lut: dict[tuple[int, int, int], npt.NDArray[np.uint8]]  # text colour -> coverage -> index
    plte: bytes  # the palette, as PNG's PLTE chunk holds it
    inked: npt.NDArray[np.bool_]  # rows that are not all paper (bars, logo, name, rule)
    packed: dict[tuple[int, int], bytes] = field(default_factory=dict)  # see _deflate


_layouts: dict[tuple[int, str], _Base] = {}


def _layout(site_name: str, logo: Image.Image | None) -> _Base:
    """What every card of a site shares, made once instead of per card: the base mapped to its
    palette, and that palette's index for each coverage of each text colour."""
    key = (id(logo), site_name)
    found = _layouts.get(key)
    if found is not None and found.logo is logo:
        return found
    base, palette = site_base(site_name, logo)
    rows = np.zeros((base.height, base.width + 1), np.uint8)
    rows[:, 1:] = np.asarray(_quantize(base, palette))
    lut = {}
    for colour in (INK, MUTED, ACCENT):
        # Every coverage 0-255 drawn in this colour on paper, the way ImageDraw blends text,
        # then mapped to the palette: what quantizing a card drawn in RGB gives those pixels.
        strip = Image.new("RGB", (256, 1), PAPER)
        ImageDraw.Draw(strip).bitmap((0, 0), Image.frombytes("L", (256, 1), bytes(range(256))),
                                     fill=colour)
        lut[colour] = np.asarray(_quantize(strip, palette))[0].copy()
    found = _Base(logo, rows, lut, bytes(palette.getpalette() or []),
                  np.asarray(rows[:, 1:].any(axis=1), dtype=np.bool_))
    if len(_layouts) >= 16:  # a build uses one or two; tests many
        _layouts.clear()
    _layouts[key] = found
    return found


def site_base(site_name: str, logo: Image.Image | None) -> tuple[Image.Image, Image.Image]:
    """The card before its story's text, in RGB: paper with its bars, logo, site name and rule
    (no story's text reaches them), and the palette (a "P" image) it calls for."""
    width, height = CARD_SIZE
    base = Image.new("RGB", CARD_SIZE, PAPER)
    draw = ImageDraw.Draw(base)
    draw.rectangle((0, 0, width, 11), fill=ACCENT)
    x = MARGIN
    if logo is not None:
        mark = logo.convert("RGBA")
        mark.thumbnail((72, 72), Image.Resampling.LANCZOS)
        base.paste(mark, (MARGIN, 56 + (72 - mark.height) // 2), mark)
        x = MARGIN + mark.width + 22
    draw.text((x, 92), _fit(site_name, font(34), width - MARGIN - x), font=font(34), fill=INK,
              anchor="lm")
    draw.rectangle((MARGIN, 548, width - MARGIN, 549), fill=RULE)
    draw.rectangle((0, height - 8, width, height), fill=ACCENT)
    palette = _palette(base.crop((MARGIN, 56, MARGIN + 72, 128)) if logo is not None else None)
    return base, palette


def _quantize(image: Image.Image, palette: Image.Image) -> Image.Image:
    # Every pixel is paper, a design colour, an antialiasing blend of the two, or the logo's:
    # mapping onto that fixed palette costs a tenth of an adaptive quantizer.
    return image.quantize(palette=palette, dither=Image.Dither.NONE)


BLEND_STEPS = {INK: 10, MUTED: 6, ACCENT: 8, RULE: 3}


def _palette(logo_area: Image.Image | None) -> Image.Image:
    """A "P" image holding the card's palette: paper-to-colour blends of each design colour and,
    when there is a logo, 48 colours of the area it was pasted on."""
    colours: list[tuple[int, int, int]] = [PAPER]
    for colour, steps in BLEND_STEPS.items():
        for i in range(1, steps + 1):
            blend = tuple(round(p + (c - p) * i / steps) for p, c in zip(PAPER, colour, strict=True))
            # Pillow finds the nearest entry through a coarse colour cube: an entry this close
            # to the paper would take the paper's pixels.
            if max(abs(p - b) for p, b in zip(PAPER, blend, strict=True)) >= 16:
                colours.append(blend)  # type: ignore[arg-type]
    if logo_area is not None:
        shades = logo_area.quantize(48, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        flat = shades.getpalette() or []
        used: list[int] = sorted(int(index) for _, index in shades.getcolors() or [])  # type: ignore[arg-type]
        for i in used:
            shade = tuple(flat[3 * i:3 * i + 3])
            if max(abs(p - b) for p, b in zip(PAPER, shade, strict=True)) >= 16:
                colours.append(shade)  # type: ignore[arg-type]
    unique = list(dict.fromkeys(colours))[:256]
    holder = Image.new("P", (1, 1))
    holder.putpalette([v for colour in unique for v in colour])
    return holder


# The deflate of a card's own rows (its text). zlib-ng (the zlib format, SIMD inside) at level 3
# writes what the stdlib's zlib wrote at level 4 (the same KB per card) in half the CPU; the
# rest of a card's CPU is mostly painting. bench/cards_bench.py --zlib N|rle measures others.
ZLIB_LEVEL, ZLIB_STRATEGY = 3, zlib_ng.Z_DEFAULT_STRATEGY
# What writes a card's bytes: cached cards are kept apart by it (its own folder of the cache).
PNG_WRITER = f"zlib-ng-{zlib_ng.ZLIBNG_VERSION}-level-{ZLIB_LEVEL}"
ZLIB_HEADER = b"\x78\x9c"  # deflate with a 32 KB window, no preset dictionary
LAST_BLOCK = b"\x03\x00"  # an empty final deflate block (fixed codes: just end-of-block)
ADLER_MOD = 65521


def _deflate(base: _Base, rows: npt.NDArray[np.uint8], painted: Sequence[tuple[int, int]]) -> bytes:
    """The zlib stream of ``rows`` (PNG's image data), made in stretches of rows: a stretch of
    paper comes from a cache (a card is mostly paper, and even zlib's fastest setting spends as
    long reading 500 blank rows as compressing the text), a stretch where only the site's base
    has ink is compressed once per site, the rest (the story's text) for this card. Each stretch
    is a raw deflate stream ending on a byte boundary (a sync flush, as zlib's own full flush
    ends), so they are read as one; zlib's checksum runs over all the rows."""
    inked = base.inked.copy()
    for top, bottom in painted:
        inked[top:bottom] = True
    row_bytes = rows.shape[1]
    parts = [ZLIB_HEADER]
    adler = 1
    edges = [0, *(np.flatnonzero(inked[1:] != inked[:-1]) + 1).tolist(), len(inked)]
    for start, end in itertools.pairwise(edges):
        if not inked[start]:
            size = (end - start) * row_bytes
            parts.append(_blank_rows(size))
            low, high = adler & 0xFFFF, adler >> 16  # zeros add nothing to the low sum
            adler = ((high + size * low) % ADLER_MOD) << 16 | low
            continue
        block = rows[start:end].data  # whole rows: contiguous
        adler = zlib_ng.adler32(block, adler)
        if all(end <= top or bottom <= start for top, bottom in painted):
            key = (start, end)  # the base's own ink: the same on every card of the site
            if key not in base.packed:
                base.packed[key] = _raw_deflate(block, 9, zlib_ng.Z_DEFAULT_STRATEGY)
            parts.append(base.packed[key])
        else:
            parts.append(_raw_deflate(block, ZLIB_LEVEL, ZLIB_STRATEGY))
    parts += [LAST_BLOCK, adler.to_bytes(4, "big")]
    return b"".join(parts)


def _raw_deflate(data: memoryview | bytes, level: int, strategy: int) -> bytes:
    deflate = zlib_ng.compressobj(level, zlib_ng.DEFLATED, -15, 8, strategy)
    return deflate.compress(data) + deflate.flush(zlib_ng.Z_SYNC_FLUSH)


@lru_cache(maxsize=1024)
def _blank_rows(size: int) -> bytes:
    """``size`` zero bytes (rows of paper, their filter bytes included), deflated."""
    return _raw_deflate(bytes(size), 9, zlib_ng.Z_DEFAULT_STRATEGY)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib_ng.crc32(kind + data))


def _fit(text: str, face: ImageFont.FreeTypeFont, width: float) -> str:
    if face.getlength(text) <= width:
        return text
    while text and face.getlength(text + "…") > width:
        text = text[:-1]
    return text + "…"


# -- the cache ------------------------------------------------------------------------------------


class CardMaker:
    """Draws each card once: cached by its text, the logo's bytes, the font, Pillow's version
    and what writes its bytes (``PNG_WRITER``)."""

    def __init__(self, cache_root: Path, logo: bytes | None = None) -> None:
        self.root = cache_root / PNG_WRITER
        self.logo_bytes = logo
        self._logo: Image.Image | None = None
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()  # builds draw cards from several threads
        self._drawn: set[str] = set()
        self._later: list[_Later] = []  # cards being drawn in the background (draw_later)
        # The card's name (its file in the site, og:image) is this digest of what it is drawn
        # from. The stdlib zlib's version is in it because that zlib once wrote the bytes: kept
        # so that cards keep their names (a new one would change every story page); the bytes'
        # writer now keeps cached cards apart through the cache folder (``PNG_WRITER``).
        h = hashlib.sha256()
        h.update(f"{CARD_VERSION}\0{PIL.__version__}\0{zlib.ZLIB_RUNTIME_VERSION}\0".encode())
        h.update(_font_digest().encode())
        h.update(hashlib.sha256(logo or b"").digest())
        self.fingerprint = h.hexdigest()

    def logo(self) -> Image.Image | None:
        with self._lock:
            if self._logo is None and self.logo_bytes:
                logo = Image.open(io.BytesIO(self.logo_bytes))
                logo.load()
                self._logo = logo
            return self._logo

    def key(self, text: CardText) -> str:
        # vars(): the JSON asdict() gives for these flat text fields, in a third of the time.
        return hashlib.sha256((self.fingerprint + json.dumps(vars(text), sort_keys=True,
                                                             ensure_ascii=False)).encode()).hexdigest()

    def _cached(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.png"

    def _store(self, key: str, data: bytes) -> None:
        _store(self.root, key, data)

    def draw_later(self, texts: Iterable[CardText], processes: int) -> int:
        """Start drawing the cards of ``texts`` the cache lacks in one background process at the
        lowest CPU priority, when there are enough to pay for starting it and a second CPU to
        run it; :meth:`wait` finishes them. Returns how many it took.

        The build keeps both CPUs busy only part of the time: Pagefind indexes on one thread,
        reading, tags and feeds run in this process alone. The drawer uses the CPU they leave
        idle and yields it to them otherwise, so a first build of 10 000 stories no longer
        waits ~10 s for its cards. Their paths (:meth:`card`) do not depend on the drawing;
        the files exist once :meth:`wait` returns.
        """
        todo: dict[str, CardText] = {}
        for text in texts:
            key = self.key(text)
            if key not in todo and key not in self._drawn and not self._cached(key).is_file():
                todo[key] = text
        if len(todo) < POOL_MIN_CARDS or processes < 2:
            return 0  # card() draws them one by one
        items = sorted(todo.items())
        later = _Later(self.root, self.logo_bytes)
        later.start([items[i:i + LATER_CHUNK] for i in range(0, len(items), LATER_CHUNK)])
        self._later.append(later)
        with self._lock:
            self.misses += len(todo)
            self._drawn.update(todo)
        return len(todo)

    def drawing(self, cached: Path) -> bool:
        """Whether ``cached`` (a path :meth:`card` gave) is a card still being drawn."""
        return any(cached.stem in later.keys for later in self._later)

    def wait(self) -> int:
        """Every card :meth:`draw_later` took is in the cache (drawn here if the drawer failed);
        how many it took."""
        taken, self._later = self._later, []
        for later in taken:
            for items in later.finish():
                for key, data in _draw_chunk(items, self.logo_bytes):
                    self._store(key, data)
        return sum(len(later.keys) for later in taken)

    def cancel(self) -> None:
        """The build failed: stop drawing (the cards drawn so far stay in the cache)."""
        for later in self._later:
            later.cancel()
        self._later = []

    def card(self, text: CardText) -> tuple[Variant, Path]:
        """The card for ``text`` (its site path) and the cached file to publish."""
        key = self.key(text)
        cached = self._cached(key)
        if key in self._drawn:
            pass  # being drawn (and counted) by draw_later in this build
        elif cached.is_file():
            with self._lock:
                self.hits += 1
        else:
            with self._lock:
                self.misses += 1
            self._store(key, draw_card(text, self.logo()))
        path = f"{OUTPUT_DIR}/card-{key[:16]}.png"
        return Variant(path, CARD_SIZE[0], CARD_SIZE[1], "image/png"), cached


def _store(root: Path, key: str, data: bytes) -> None:
    """Put a card in the cache under ``root``: whole or not at all (a build reading it meanwhile
    sees no file, never half of one)."""
    cached = root / key[:2] / f"{key}.png"
    cached.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".card-", dir=cached.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, cached)


class _Later:
    """One spawned process drawing cards into the cache at the lowest CPU priority."""

    def __init__(self, root: Path, logo: bytes | None) -> None:
        self.root, self.logo = root, logo
        self.keys: set[str] = set()
        self.tasks: list[tuple[Sequence[tuple[str, CardText]], Future[int]]] = []
        self.stopped = threading.Event()  # its process has ended
        self._closing = threading.Lock()  # the pool's shutdown must not run twice at once
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"),
                                        initializer=_lowest_priority)

    def start(self, chunks: list[Sequence[tuple[str, CardText]]]) -> None:
        for items in chunks:
            self.keys.update(key for key, _ in items)
            self.tasks.append((items, self.pool.submit(_draw_into, items, self.logo, str(self.root))))
        for _, task in self.tasks:
            task.add_done_callback(self._done)

    def _done(self, _: Future[int]) -> None:
        """The drawer's last card is drawn: let its process end now, not at the end of the build
        (it would hold ~60 MB while Pagefind reaches its peak). Not from this thread: the pool
        calls back from the thread that manages it."""
        if all(task.done() for _, task in self.tasks):
            threading.Thread(target=self._stop, name="masthead-cards-done", daemon=True).start()

    def _stop(self) -> None:
        with self._closing:
            self.pool.shutdown()
        self.stopped.set()

    def finish(self) -> list[Sequence[tuple[str, CardText]]]:
        """Wait for the drawer; the chunks it failed to draw (none unless it broke)."""
        failed = []
        for items, task in self.tasks:
            try:
                task.result()
            except Exception:  # a broken worker (killed, out of memory): draw them here
                failed.append(items)
        with self._closing:
            self.pool.shutdown()
        return failed

    def cancel(self) -> None:
        with self._closing:
            self.pool.shutdown(wait=False, cancel_futures=True)


def _lowest_priority() -> None:
    """Worker initializer: run only when nothing else wants the CPU."""
    with contextlib.suppress(AttributeError, OSError):  # os.nice: Unix only
        os.nice(19)


def _draw_into(items: Sequence[tuple[str, CardText]], logo: bytes | None, root: str) -> int:
    """Background task: draw ``items`` and put them in the cache at ``root``."""
    for key, data in _draw_chunk(items, logo):
        _store(Path(root), key, data)
    return len(items)


_logos: dict[bytes, Image.Image] = {}


def _draw_chunk(items: Sequence[tuple[str, CardText]], logo: bytes | None) -> list[tuple[str, bytes]]:
    """Cards drawn in a worker process (or this one): (key, PNG bytes)."""
    image = None
    if logo:
        if logo not in _logos:
            opened = Image.open(io.BytesIO(logo))
            opened.load()
            _logos[logo] = opened
        image = _logos[logo]
    return [(key, draw_card(text, image)) for key, text in items]


@lru_cache(maxsize=1)
def _font_digest() -> str:
    return hashlib.sha256(FONT_PATH.read_bytes()).hexdigest()
