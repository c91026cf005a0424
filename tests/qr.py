"""Reading QR codes back: the modules of Masthead's inline SVG, rasterised and decoded by zxing-cpp.

The SVG is Masthead's (one stroked path of horizontal runs: ``M x y``, ``m dx dy``, ``h n``); reading
its modules back lets a test decode exactly what a page embeds, not a second rendering of it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import zxingcpp
from bs4 import BeautifulSoup
from bs4.element import Tag
from PIL import Image

Matrix = tuple[tuple[bool, ...], ...]
_COMMAND = re.compile(r"([Mmh])\s*(-?[\d.]+)(?:\s+(-?[\d.]+))?")


def svg_modules(svg: Tag) -> Matrix:
    """The dark/light modules (quiet zone included) drawn by a QR SVG of ``masthead.social``."""
    box = svg.get("viewBox") or svg["viewbox"]  # html.parser lowercases attribute names
    _, _, width, height = (int(float(v)) for v in str(box).split())
    rows = [[False] * width for _ in range(height)]
    [path] = [p for p in svg.find_all("path") if p.get("stroke")]
    x = y = 0.0
    for command, a, b in _COMMAND.findall(path["d"]):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for column in range(int(x), int(x + float(a))):
                rows[int(y)][column] = True
            x += float(a)
    return tuple(tuple(row) for row in rows)


def image_of(modules: Matrix, scale: int = 8) -> Image.Image:
    """A grayscale picture of ``modules``, ``scale`` pixels per module."""
    size = len(modules)
    image = Image.new("L", (size, size), 255)
    image.putdata([0 if dark else 255 for row in modules for dark in row])
    return image.resize((size * scale, size * scale), Image.Resampling.NEAREST)


def decode(image: Image.Image) -> list[str]:
    """The text of every QR code zxing-cpp finds in ``image``."""
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def decode_svg(svg: Tag, scale: int = 8) -> list[str]:
    return decode(image_of(svg_modules(svg), scale))


def decode_svg_file(path: Path) -> list[str]:
    """Decode a QR code drawn as an SVG file (the follow block's ``<img>``)."""
    document = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    assert document.svg is not None
    return decode_svg(document.svg)


def decode_png(data: bytes) -> list[str]:
    """Decode a picture (e.g. a browser's screenshot of the QR code as drawn)."""
    return decode(Image.open(io.BytesIO(data)))
