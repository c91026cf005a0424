"""`make bench-images`: what the image pipeline costs, and what it saves a phone.

    make bench-images               # 1 000 images
    make bench-images IMAGES=200    # quicker
    .venv/bin/python bench/images.py --images 1000 [--skip-images] [--skip-cards] [--skip-phone]

1. Pipeline: N generated source pictures (80 % 2000 × 1125 JPEG photographs, 20 % 1200 × 675
   PNG charts, deterministic, kept in bench/out/images-N/src) go through ``ImageStore.prepare``
   as a build does (threads, one per core, at most 4): cold (empty cache), then warm (the cache
   kept, a new store, as the next build sees it). The same for N share cards (70 % English,
   30 % Chinese headlines). Wall time, per-item time, bytes in and out.
2. Phone: the sample newsroom built twice, "before" (``images.process: false``: the originals, as
   the site was published before the pipeline) and "after" (the pipeline on), each served on
   loopback and opened in the system Chromium as a 375 × 812 phone (2x and 3x screens); the
   bytes of every response summed (``request.sizes()``), on load and after scrolling to the end
   (which fetches the lazy images).

The machine is shared: read the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import io
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
CHROMIUM = os.environ.get("MASTHEAD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

EN_WORDS = ["battery", "plant", "sales", "export", "price", "model", "launch", "dealer", "rates", "steel",
            "chip", "supplier", "factory", "shift", "order", "recall", "charging", "network", "merger"]
ZH_WORDS = ["华信", "蓝湾", "汽车", "电池", "销量", "出口", "价格", "新车", "上市", "工厂", "充电", "网络",
            "合并", "贷款", "市场", "召回", "订单", "供应链"]


# -- sources --------------------------------------------------------------------------------------


def make_source(i: int) -> tuple[str, bytes]:
    """Picture ``i``: a photograph-like JPEG, or every fifth a flat PNG chart."""
    from PIL import Image, ImageDraw

    rng = random.Random(i)
    if i % 5 == 4:
        w, h = 1200, 675
        img = Image.new("RGB", (w, h), "white")
        d = ImageDraw.Draw(img)
        for k in range(12):
            top = rng.randint(100, 600)
            colour = (46, 98, 150) if k % 3 else (179, 18, 27)
            d.rectangle((60 + k * 92, top, 130 + k * 92, 640), fill=colour)
        out = io.BytesIO()
        img.save(out, "PNG", optimize=True)
        return f"chart-{i:05d}.png", out.getvalue()
    w, h = 2000, 1125
    ramp = Image.linear_gradient("L").resize((w, h))
    channels = []
    for _ in range(3):
        low, gain = rng.randint(20, 120), rng.random()
        channels.append(ramp.point([int(low + v * gain) for v in range(256)]))
    img = Image.merge("RGB", channels)
    d = ImageDraw.Draw(img)
    for _ in range(8):
        x, y, r = rng.randint(0, w), rng.randint(0, h), rng.randint(40, 300)
        d.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randint(0, 255) for _ in range(3)))
    tile = Image.new("L", (128, 128))
    tile.putdata([128 + round(rng.gauss(0, 10)) for _ in range(128 * 128)])
    grain = Image.new("L", (w, h))
    for x in range(0, w, 128):
        for y in range(0, h, 128):
            grain.paste(tile, (x, y))
    img = Image.blend(img, Image.merge("RGB", [grain] * 3), 0.1)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return f"photo-{i:05d}.jpg", out.getvalue()


def sources(n: int) -> Path:
    folder = OUT / f"images-{n}" / "src"
    folder.mkdir(parents=True, exist_ok=True)
    have = {p.name for p in folder.iterdir()}
    missing = [i for i in range(n) if not {f"photo-{i:05d}.jpg", f"chart-{i:05d}.png"} & have]
    if missing:
        print(f"drawing {len(missing)} source pictures in {folder} ...", flush=True)
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            for name, data in pool.map(make_source, missing):
                (folder / name).write_bytes(data)
    return folder


# -- 1. the pipeline ------------------------------------------------------------------------------


Row = tuple[str, int, float, float, int, int, str]  # name, items, wall s, CPU s, made, cached, note


def images(n: int) -> list[Row]:
    from masthead.images import ImageSettings, ImageStore

    src = sources(n)
    names = sorted(p.name for p in src.iterdir())[:n]
    source_bytes = sum((src / name).stat().st_size for name in names)
    cache = OUT / f"images-{n}" / "cache"
    shutil.rmtree(cache / "images", ignore_errors=True)
    cfg = ImageSettings()
    rows: list[Row] = []
    for run in ("cold", "warm"):
        store = ImageStore(cfg, src, cache / "images")
        start, cpu = time.perf_counter(), time.process_time()
        store.prepare(names)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert not store.problems, store.problems
        out_bytes = sum(p.stat().st_size for p in store.outputs.values())
        note = f"{len(store.outputs)} files, {out_bytes / 1e6:.1f} MB from {source_bytes / 1e6:.1f} MB"
        rows.append((f"images, {run}", n, seconds, cpu, store.cache.misses, store.cache.hits, note))
    return rows


def cards(n: int) -> list[Row]:
    from masthead import layout
    from masthead.cards import CardMaker, CardText

    cache = OUT / f"images-{n}" / "cache"
    shutil.rmtree(cache / "cards", ignore_errors=True)
    rows: list[Row] = []
    texts = []
    for i in range(n):
        rng = random.Random(i)
        if i % 10 < 3:
            words = [rng.choice(ZH_WORDS) for _ in range(rng.randint(12, 20))]
            title = "".join(words[:-4]) + "，" + "".join(words[-4:])
            date = f"2026年{1 + i % 12}月{1 + i % 28}日"
            texts.append(CardText(title, "新闻", date, "Motor Ledger 汽车纪事", "zh"))
        else:
            title = " ".join(rng.choice(EN_WORDS) for _ in range(rng.randint(6, 16))).capitalize()
            texts.append(CardText(title, "News", f"{1 + i % 28} March 2026", "Motor Ledger 汽车纪事", "en"))
    logo = (layout.sample_root(ROOT) / "docs" / "assets" / "logo-card.png").read_bytes()
    for run in ("cold", "warm"):
        maker = CardMaker(cache / "cards", logo)
        start, cpu = time.perf_counter(), time.process_time()
        with ThreadPoolExecutor(max_workers=2) as pool:
            made = list(pool.map(maker.card, texts))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        card_bytes = sum(path.stat().st_size for _, path in made)
        rows.append((f"share cards, {run}", n, seconds, cpu, maker.misses, maker.hits,
                     f"{card_bytes / 1e6:.1f} MB, {card_bytes / n / 1e3:.0f} KB a card"))
    return rows


def report(rows: list[Row]) -> None:
    print(f"\nImage pipeline ({os.cpu_count()} cores; threads as in a build)")
    head = f"{'items':>6} {'wall s':>8} {'CPU s':>8} {'CPU ms/item':>12} {'made':>6} {'cached':>7}"
    print(f"{'':<20} {head}  output")
    for name, count, seconds, cpu, misses, hits, note in rows:
        per = cpu / count * 1000
        print(f"{name:<20} {count:>6} {seconds:>8.1f} {cpu:>8.1f} {per:>12.1f} {misses:>6} {hits:>7}  {note}")


# -- 2. a phone -----------------------------------------------------------------------------------


def build_sample(site_dir: Path, process: bool) -> None:
    """Build the sample newsroom into ``site_dir`` with the pipeline on or off."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    code = (
        "import sys; from mkdocs.config import load_config; from mkdocs.commands.build import build\n"
        f"cfg = load_config({str(ROOT / 'mkdocs.yml')!r}, site_dir={str(site_dir)!r}, strict=True)\n"
        f"cfg.extra['masthead'].setdefault('images', {{}})['process'] = {process!r}\n"
        "build(cfg)\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True,
                   timeout=900)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()


def page_bytes(browser: Any, url: str, scale: int, scroll: bool) -> dict[str, int]:
    """Bytes of every response the page needs, by kind (encoded body sizes)."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=scale,
                                  is_mobile=True)
    page = context.new_page()
    requests: list[Any] = []
    page.on("requestfinished", lambda request: requests.append(request))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if scroll:
        height = page.evaluate("document.documentElement.scrollHeight")
        for y in range(0, height + 800, 600):
            page.evaluate(f"window.scrollTo(0, {y})")
            page.wait_for_timeout(60)
        page.wait_for_load_state("networkidle")
    totals: dict[str, int] = {}
    for request in requests:
        kind = request.resource_type
        kind = kind if kind in ("document", "stylesheet", "image") else "other"
        totals[kind] = totals.get(kind, 0) + max(0, request.sizes()["responseBodySize"])  # -1: none
    context.close()
    return totals


def phone() -> None:
    from playwright.sync_api import sync_playwright

    sites = {}
    for name, process in (("before", False), ("after", True)):
        site = OUT / "phone" / name
        print(f"building the sample ({name}: images.process {str(process).lower()}) ...", flush=True)
        build_sample(site, process)
        sites[name] = site
    results: dict[tuple[str, int, bool], dict[str, int]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, site in sites.items():
            with serve(site) as base:
                for scale in (2, 3):
                    for scroll in (False, True):
                        results[(name, scale, scroll)] = page_bytes(browser, base, scale, scroll)
        browser.close()
    print("\nFront page of the sample on a 375 × 812 phone, bytes transferred (KB)")
    print(f"{'':<34} {'document':>9} {'css':>7} {'images':>8} {'other':>7} {'total':>8}")
    for scale in (2, 3):
        for scroll in (False, True):
            label = f"{scale}x, {'scrolled to the end' if scroll else 'on load'}"
            for name in ("before", "after"):
                t = results[(name, scale, scroll)]
                total = sum(t.values())
                print(f"{label + ', ' + name:<34} {t.get('document', 0) / 1e3:>9.1f} "
                      f"{t.get('stylesheet', 0) / 1e3:>7.1f} {t.get('image', 0) / 1e3:>8.1f} "
                      f"{t.get('other', 0) / 1e3:>7.1f} {total / 1e3:>8.1f}")
            before = sum(results[("before", scale, scroll)].values())
            after = sum(results[("after", scale, scroll)].values())
            print(f"{'':<34} {'':>9} {'':>7} {'':>8} {'saved':>7} {100 * (1 - after / before):>7.0f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--skip-images", action="store_true")
    parser.add_argument("--skip-cards", action="store_true")
    parser.add_argument("--skip-phone", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "hooks"))
    rows = [] if args.skip_images else images(args.images)
    rows += [] if args.skip_cards else cards(args.images)
    if rows:
        report(rows)
    if not args.skip_phone:
        phone()


if __name__ == "__main__":
    main()
