"""Lighthouse mobile scores of the built sample's front page and an article.

    make build && .venv/bin/python bench/lighthouse.py [--article news/<name>/]

Serves site/ on loopback and runs npm's Lighthouse (node_modules/.bin/lighthouse, installed by
`make install`) against the system Chromium with its default mobile emulation and throttling.
Prints one row per page: performance, accessibility, best practices, SEO.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def audit(url: str, chromium: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [str(ROOT / "node_modules/.bin/lighthouse"), url, "--output=json", f"--output-path={report}",
             "--quiet", f"--only-categories={','.join(CATEGORIES)}",
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking "
             f"--disable-component-update --disable-sync --no-first-run --user-data-dir={tmp}/profile"],
            check=True, env={**os.environ, "CHROME_PATH": chromium}, timeout=300,
        )
        data = json.loads(report.read_text(encoding="utf-8"))
    return {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--article", default="news/huaxin-northbridge-battery-merger/")
    args = parser.parse_args()
    chromium = os.environ.get("MASTHEAD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    print(f"{'page':<48} " + " ".join(f"{c:>14}" for c in CATEGORIES))
    for page in ["", args.article]:
        scores = audit(base + page, chromium)
        print(f"{'/' + page:<48} " + " ".join(f"{scores[c]:>14}" for c in CATEGORIES))
    server.shutdown()


if __name__ == "__main__":
    main()
