"""Pictures made on the spot for the image tests: small, original, deterministic."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw


def photo(width: int, height: int, fmt: str = "JPEG", *, seed: int = 0, **save: object) -> bytes:
    """A gradient with a few shapes: enough detail that every encoder has work to do."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(1, height - 1)
        draw.line([(0, y), (width, y)], fill=(int(40 + 180 * t), int(90 + 60 * t), (seed * 37) % 255))
    for i in range(6):
        x = (i * 173 + seed * 11) % max(1, width - 40)
        draw.ellipse((x, height // 3, x + width // 8, height // 3 + height // 6), fill=(200, 40 + i * 30, 60))
    if fmt == "PNG" and save.pop("alpha", False):
        image = image.convert("RGBA")
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` × ``height`` pixels and holds none: a decompression bomb's
    first bytes, enough for any decoder that trusts the header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IEND", b""))


def animated_gif(width: int = 120, height: int = 80) -> bytes:
    frames = [Image.new("RGB", (width, height), color) for color in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size
