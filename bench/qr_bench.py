"""Share-bar QR codes: CPU milliseconds and bytes per code, for the ``hooks/`` of one checkout.

    .venv/bin/python bench/qr_bench.py                            # this checkout
    .venv/bin/python bench/qr_bench.py --hooks ../base/hooks      # another checkout's engine

Draws the inline SVG QR code (``masthead.social.qr_svg``, its caches bypassed) of the canonical
URL of each of ``bench/corpus.py``'s first N stories, as a cold build's pool workers do, three
times, and prints the best round's CPU time (``time.process_time``) per code and the mean size
of the SVG. Run it for two checkouts one after the other (A/B in one sitting): the machine is
shared, so read the ratio, not the milliseconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE_URL = "https://example.org/news/"  # the bench corpus's site_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codes", type=int, default=1000, help="how many story URLs (default 1000)")
    parser.add_argument("--hooks", type=Path, default=ROOT / "hooks", help="the hooks/ folder to load")
    args = parser.parse_args()
    sys.path[:0] = [str(args.hooks.resolve()), str(ROOT / "bench")]
    import corpus

    from masthead.social import canonical_url, qr_svg

    draw = qr_svg
    while hasattr(draw, "__wrapped__"):  # past the render cache and the lru_cache
        draw = draw.__wrapped__
    urls = [canonical_url(SITE_URL, f"{s.section}/{s.name}/") for s in corpus.stories(args.codes)]
    labels = [f"QR code of this story's link: {url}" for url in urls]
    rounds = []
    for _ in range(3):
        start = time.process_time()
        svgs = [draw(url, label) for url, label in zip(urls, labels, strict=True)]
        rounds.append(time.process_time() - start)
    size = sum(len(svg.encode()) for svg in svgs) / len(svgs)
    print(f"{args.hooks}: {1000 * min(rounds) / len(urls):.3f} ms of CPU per QR code "
          f"(best of 3 rounds of {len(urls)}), {size:.0f} bytes of SVG each")


if __name__ == "__main__":
    main()
