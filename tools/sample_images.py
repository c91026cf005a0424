"""Draw the sample newsroom's raster pictures (original drawings, made with Pillow alone).

    .venv/bin/python tools/sample_images.py

The SVG illustrations in docs/assets/images/ are published as they are; these JPEG and PNG files
exercise the image pipeline (responsive variants, thumbnails, photo share cards). They are large
on purpose (2400 px wide, like a camera's picture after a first crop) and drawn with soft
gradients and a little grain, so they compress like photographs rather than like flat drawings.
"""

from __future__ import annotations

import itertools
import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

OUT = Path(__file__).resolve().parent.parent / "docs" / "assets" / "images"
FONT = Path(__file__).resolve().parent.parent / "hooks" / "masthead" / "fonts" / "MastheadCardSans-Bold.otf"
W, H = 2400, 1350


def gradient(size: tuple[int, int], stops: list[tuple[float, tuple[int, int, int]]]) -> Image.Image:
    """A vertical gradient through ``stops`` (position 0–1, colour)."""
    height = size[1]
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / max(1, height - 1)
        for (p0, c0), (p1, c1) in itertools.pairwise(stops):
            if p0 <= t <= p1:
                k = (t - p0) / (p1 - p0 or 1)
                column.putpixel((0, y), tuple(round(a + (b - a) * k) for a, b in zip(c0, c1, strict=True)))
                break
    return column.resize(size, Image.Resampling.NEAREST)


def grain(image: Image.Image, seed: int, amount: int = 10) -> Image.Image:
    """Film grain from a seeded tile, so the drawing compresses like a photograph."""
    rng = random.Random(seed)
    tile = Image.new("L", (256, 256))
    tile.putdata([128 + round(rng.gauss(0, amount)) for _ in range(256 * 256)])
    noise = Image.new("L", image.size)
    for x in range(0, image.width, 256):
        for y in range(0, image.height, 256):
            noise.paste(tile, (x, y))
    noise_rgb = Image.merge("RGB", [noise] * 3)
    return Image.blend(image, Image.composite(noise_rgb, image, Image.new("L", image.size, 255)), 0.12)


def port_at_dusk() -> Image.Image:
    """A container port at dusk: cranes, stacked boxes, a ship, the sun on the water."""
    img = gradient((W, H), [(0, (38, 30, 74)), (0.45, (214, 104, 78)), (0.62, (250, 196, 120)),
                            (0.63, (60, 66, 96)), (1, (20, 24, 40))])
    glow = Image.new("L", (W, H), 0)
    ImageDraw.Draw(glow).ellipse((1500, 640, 1800, 940), fill=255)
    glow = glow.filter(ImageFilter.GaussianBlur(90))
    img = Image.composite(Image.new("RGB", (W, H), (255, 226, 160)), img, glow)
    d = ImageDraw.Draw(img)
    d.ellipse((1590, 730, 1710, 850), fill=(255, 236, 190))
    for i in range(40):  # the sun's path on the water
        y = 860 + i * 12
        half = 60 - i
        d.rectangle((1650 - half * 3, y, 1650 + half * 3, y + 4), fill=(240, 170, 110))
    rng = random.Random(7)
    colours = [(178, 58, 48), (46, 98, 150), (214, 150, 44), (70, 120, 80), (120, 120, 130)]
    for row in range(4):
        for col in range(34):
            x, y = 80 + col * 40, 820 - row * 26
            if rng.random() < 0.85:
                d.rectangle((x, y - 24, x + 36, y), fill=rng.choice(colours))
    for cx in (300, 760, 1220):  # cranes
        d.rectangle((cx, 380, cx + 22, 850), fill=(24, 22, 34))
        d.rectangle((cx + 140, 380, cx + 162, 850), fill=(24, 22, 34))
        d.polygon([(cx - 260, 400), (cx + 420, 400), (cx + 420, 430), (cx - 260, 430)], fill=(24, 22, 34))
        d.line([(cx + 80, 300), (cx - 240, 400)], fill=(24, 22, 34), width=8)
        d.line([(cx + 80, 300), (cx + 400, 400)], fill=(24, 22, 34), width=8)
        d.rectangle((cx + 60, 300, cx + 100, 400), fill=(24, 22, 34))
    d.polygon([(1900, 830), (2380, 830), (2340, 900), (1940, 900)], fill=(30, 30, 44))
    for col in range(10):
        d.rectangle((1950 + col * 38, 770, 1984 + col * 38, 830), fill=colours[col % 5])
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    return grain(img, 1)


def battery_hall() -> Image.Image:
    """Inside a cell plant: a long hall in perspective, lights, rows of green modules."""
    img = gradient((W, H), [(0, (40, 48, 58)), (0.5, (150, 160, 170)), (0.51, (118, 124, 130)),
                            (1, (70, 74, 80))])
    d = ImageDraw.Draw(img)
    vx, vy = W // 2, 640
    for i in range(-12, 13):  # floor and ceiling lines to the vanishing point
        d.line([(vx, vy), (vx + i * 260, H)], fill=(96, 100, 106), width=3)
        d.line([(vx, vy), (vx + i * 260, 0)], fill=(70, 78, 88), width=2)
    lights = Image.new("L", (W, H), 0)
    ld = ImageDraw.Draw(lights)
    for k in range(1, 9):
        t = 1 / k
        y = vy - (vy - 40) * t
        half = 900 * t
        ld.rectangle((vx - half, y - 6 * t, vx + half, y + 6 * t), fill=255)
    lights = lights.filter(ImageFilter.GaussianBlur(14))
    img = Image.composite(Image.new("RGB", (W, H), (255, 246, 220)), img, lights)
    d = ImageDraw.Draw(img)
    for side in (-1, 1):
        for k in range(1, 14):
            t = 1 / (0.6 + k * 0.35)
            y0 = vy + (H - vy) * t * 0.55
            x0 = vx + side * (200 + 1300 * t)
            w, h = 260 * t, 180 * t
            d.rectangle((x0 - w / 2, y0 - h, x0 + w / 2, y0), fill=(46, 140, 96))
            d.rectangle((x0 - w / 2, y0 - h, x0 + w / 2, y0 - h * 0.8), fill=(34, 104, 72))
    d.rectangle((vx - 520, 1040, vx + 520, 1120), fill=(58, 60, 66))  # the conveyor
    for k in range(9):
        d.rectangle((vx - 500 + k * 115, 990, vx - 420 + k * 115, 1040), fill=(60, 170, 110))
    d.line([(vx - 700, 500), (vx - 420, 820), (vx - 330, 980)], fill=(230, 120, 40), width=36)
    d.line([(vx + 700, 500), (vx + 420, 820), (vx + 330, 980)], fill=(230, 120, 40), width=36)
    img = img.filter(ImageFilter.GaussianBlur(1.5))
    return grain(img, 2)


def test_track() -> Image.Image:
    """A test road curving through green hills at dawn, a small car on it."""
    img = gradient((W, H), [(0, (120, 170, 220)), (0.4, (250, 214, 170)), (0.41, (120, 160, 90)),
                            (1, (60, 110, 50))])
    d = ImageDraw.Draw(img)
    for k, (colour, base) in enumerate([((110, 150, 96), 600), ((90, 140, 70), 700), ((70, 124, 56), 820)]):
        points = [(x, base - 120 * math.sin(x / (380 + 90 * k) + k)) for x in range(0, W + 40, 40)]
        d.polygon([(0, H), *points, (W, H)], fill=colour)
    road = [(x, 1000 + 180 * math.sin(x / 520)) for x in range(-40, W + 80, 40)]
    for width, colour in ((150, (70, 72, 78)), (8, (240, 240, 230))):
        d.line(road, fill=colour, width=width, joint="curve")
    x, y = 1320, 1000 + 180 * math.sin(1320 / 520) - 60
    d.rounded_rectangle((x - 110, y - 40, x + 110, y + 30), radius=30, fill=(200, 40, 48))
    d.rounded_rectangle((x - 60, y - 80, x + 60, y - 30), radius=24, fill=(170, 210, 235))
    for wx in (x - 65, x + 65):
        d.ellipse((wx - 28, y + 8, wx + 28, y + 64), fill=(30, 30, 34))
    img = img.filter(ImageFilter.GaussianBlur(1.4))
    return grain(img, 3)


def inventory_chart() -> Image.Image:
    """A flat bar chart (PNG): dealers' days of supply, February 2024 to January 2025."""
    img = Image.new("RGB", (1600, 900), (255, 255, 255))
    d = ImageDraw.Draw(img)
    title = ImageFont.truetype(str(FONT), 44)
    label = ImageFont.truetype(str(FONT), 28)
    d.text((80, 50), "Dealer stocks, days' supply (Feb 2024 – Jan 2025)", font=title, fill=(26, 26, 26))
    values = [55, 58, 57, 54, 52, 53, 56, 60, 63, 66, 68, 61]
    months = "FMAMJJASONDJ"
    for i in range(5):
        y = 780 - i * 130
        d.line([(120, y), (1540, y)], fill=(220, 220, 220), width=2)
        d.text((70, y), str(i * 15), font=label, fill=(89, 89, 89), anchor="rm")
    for i, v in enumerate(values):
        x = 150 + i * 116
        colour = (179, 18, 27) if i == len(values) - 1 else (46, 98, 150)  # the latest month in red
        d.rectangle((x, 780 - v * 130 / 15, x + 80, 780), fill=colour)
        d.text((x + 40, 820), months[i], font=label, fill=(60, 60, 60), anchor="mm")
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    jpeg = {"quality": 84, "optimize": True, "progressive": True}
    port_at_dusk().save(OUT / "port-dusk.jpg", **jpeg)
    battery_hall().save(OUT / "battery-hall.jpg", **jpeg)
    test_track().save(OUT / "test-track.jpg", **jpeg)
    inventory_chart().save(OUT / "dealer-inventory-chart.png", optimize=True)
    for name in ("port-dusk.jpg", "battery-hall.jpg", "test-track.jpg", "dealer-inventory-chart.png"):
        print(f"{name}: {(OUT / name).stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
