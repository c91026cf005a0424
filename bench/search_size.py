"""Benchmark of static search: Pagefind's index build time and size, and the bytes a reader
downloads for one English and one Chinese query in a real browser, next to the search index
of Material's own (lunr) search plugin for the same articles.

    .venv/bin/python bench/search_size.py --articles 1000 [--articles 10000] [--skip-lunr]
    .venv/bin/python bench/search_size.py --site bench/out/corpus-3000/masthead/site  # built

For each size it writes the shared benchmark corpus (bench/corpus.py: about 70 % English and
30 % Chinese stories), builds it with Masthead (`mkdocs build`, which runs Pagefind), times a
second Pagefind run alone, serves the site on loopback under a project path and types each query
into the search page in Chromium (Playwright, /usr/bin/chromium), summing the bytes of every
response the query causes. Then it builds the corpus' plain MkDocs + Material site (Material's
search plugin on) and reports the size of search/search_index.json. Results go to
bench/out/search-<N>.json and stdout.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "hooks"))

import corpus  # noqa: E402  (bench/ is not a package)

from masthead.search import BUNDLE_DIR, build_index  # noqa: E402

OUT = ROOT / "bench" / "out"
CHROMIUM = os.environ.get("MASTHEAD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PROJECT_PATH = "/masthead/"
# Two words of each language from the corpus' vocabulary (bench/corpus.py), each typed into its
# own edition's search page: a large newsroom's bundle has a part per language, and a search
# page opens the parts of its own edition's languages.
QUERIES = {"en": "battery plant", "zh": "电池工厂"}
SEARCH_PAGES = {"en": "search/", "zh": "zh/search/"}
# Files of Pagefind's bundle that Masthead's search page never requests (Pagefind's own UIs).
UNUSED_UI = re.compile(r"^pagefind-(ui|component-ui|modular-ui|highlight)\.(js|css)$")
# What a static host such as GitHub Pages compresses on the way (Pagefind's .pf_* files and its
# wasm are gzip already).
TEXT_TYPES = (".html", ".js", ".css", ".json", ".svg")
# How long the browser may take to load the search page and show results. Playwright's default
# (30 s for a navigation, a wait for the network to go idle, reading an element) is too short on
# a shared machine.
WAIT_MS = 300_000


# -- builds --------------------------------------------------------------------------------------


def build(site: Path) -> float:
    """``mkdocs build`` in one of the corpus' sites; seconds."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet"], cwd=site,
                            capture_output=True, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if result.returncode != 0:
        raise SystemExit(f"mkdocs build failed in {site}:\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


def _gzip_size(path: Path) -> int:
    data = path.read_bytes()
    return len(gzip.compress(data, 9)) if path.suffix in TEXT_TYPES else len(data)


def bundle_sizes(bundle: Path) -> dict[str, int]:
    files = [p for p in bundle.rglob("*") if p.is_file()]
    used = [p for p in files if not UNUSED_UI.match(p.name)]
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files),
            "bytes_without_pagefind_ui": sum(p.stat().st_size for p in used),
            "index_files": sum(1 for p in files if p.suffix in (".pf_index", ".pf_fragment",
                                                                 ".pf_filter", ".pf_meta"))}


# -- browser -------------------------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` at http://127.0.0.1:<port>/masthead/ (a GitHub Pages project path)."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / PROJECT_PATH.strip("/")).symlink_to(site.resolve())
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                 functools.partial(_Quiet, directory=tmp))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}{PROJECT_PATH}"
        finally:
            server.shutdown()


def query_bytes(site: Path, queries: dict[str, str]) -> dict[str, Any]:
    """For each query, in a fresh browser context: bytes to load the search page, then bytes the
    query itself fetched (cold cache), by kind, as served and as a gzip-serving host would send."""
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {}
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for lang, query in queries.items():
            context = browser.new_context()
            context.set_default_timeout(WAIT_MS)
            context.set_default_navigation_timeout(WAIT_MS)
            page = context.new_page()
            # The context sees the Pagefind worker's requests too; sizes are read afterwards
            # (a handler must not call back into the browser).
            requests: list[Any] = []
            context.on("requestfinished", lambda r, requests=requests: requests.append(r))
            page.goto(base + SEARCH_PAGES[lang], wait_until="networkidle")
            page_load = [(r.url, _body_size(r)) for r in requests]
            requests.clear()
            page.fill("#mh-search-q", query)
            page.press("#mh-search-q", "Enter")
            page.wait_for_selector(".mh-search__result")
            page.wait_for_load_state("networkidle")
            first = page.locator(".mh-search__result .mh-card__title").first.inner_text()
            count = page.locator(".mh-search__status").inner_text()
            seen = [(r.url, _body_size(r)) for r in requests]
            by_kind: dict[str, int] = {}
            gz = 0
            sizes = []
            for url, reported in seen:
                path = url.removeprefix(base).split("?")[0]
                local = site / path
                # The file as the loopback server sends it: the browser reports no body size for
                # what Pagefind's web worker fetches (pagefind-worker.js itself, 41 KB, was
                # counted as 0 until this was measured from the files).
                size = local.stat().st_size if local.is_file() else reported
                sizes.append(size)
                kind = _kind(path)
                by_kind[kind] = by_kind.get(kind, 0) + size
                gz += _gzip_size(local) if local.is_file() else size
            out[lang] = {
                "query": query, "first_result": first, "status": count,
                "page_load_bytes": sum(s for _, s in page_load),
                "query_bytes": sum(sizes), "query_bytes_gzip": gz,
                "query_requests": len(seen), "by_kind": by_kind,
            }
            context.close()
        browser.close()
    return out


def _body_size(request: Any) -> int:
    """Bytes of the response body as sent (the loopback server does not compress). A response
    from the browser's cache reports its body as headers-minus-something, below zero: nothing
    was downloaded."""
    return max(0, int(request.sizes()["responseBodySize"]))


def _kind(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    if not path.startswith(BUNDLE_DIR + "/"):
        return "site (images, script)"
    if name.endswith(".pf_fragment"):
        return "fragments (one per shown result)"
    if name.endswith((".pf_index", ".pf_filter")):
        return "index chunks"
    if name.endswith(".pf_meta") or name == "pagefind-entry.json":
        return "index metadata"
    return "Pagefind runtime (js, worker, wasm)"


# -- main ----------------------------------------------------------------------------------------


def run(n: int, *, lunr: bool, keep: Path | None) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"search-bench-{n}-"))
    try:
        summary = corpus.write_corpus(n, work)
        result: dict[str, Any] = {"articles": n, "chinese": summary["chinese"]}
        print(f"[{n}] corpus: {n} stories, {summary['chinese']} Chinese", flush=True)
        result["masthead_build_seconds"] = round(build(work / "masthead"), 1)
        site = work / "masthead" / "site"
        # A second, timed run of Pagefind alone, over a copy: it indexes the pages themselves, not
        # the build's search documents, and its bundle must not replace the one readers fetch (at
        # 10 000 stories it held the English pages only, so the Chinese query found nothing and
        # the browser waited for results until it timed out).
        rerun = work / "pagefind-rerun"
        shutil.copytree(site, rerun, copy_function=os.link)
        report = build_index(rerun)
        shutil.rmtree(rerun, ignore_errors=True)
        result["pagefind_seconds"] = round(report.seconds, 2)
        result["pagefind_pages"] = dict(report.pages)
        result["pagefind"] = bundle_sizes(site / BUNDLE_DIR)
        print(f"[{n}] masthead build {result['masthead_build_seconds']} s, "
              f"pagefind {result['pagefind_seconds']} s, {result['pagefind']}", flush=True)
        result["browser"] = query_bytes(site, QUERIES)
        print(f"[{n}] browser: {json.dumps(result['browser'], ensure_ascii=False)}", flush=True)
        if lunr:
            result["lunr_build_seconds"] = round(build(work / "plain"), 1)
            index = work / "plain/site/search/search_index.json"
            result["lunr_index_bytes"] = index.stat().st_size
            result["lunr_index_bytes_gzip"] = _gzip_size(index)
            print(f"[{n}] lunr build {result['lunr_build_seconds']} s, "
                  f"search_index.json {result['lunr_index_bytes']} B", flush=True)
        if keep:
            shutil.copytree(work, keep / f"search-{n}", dirs_exist_ok=True)
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def table(results: list[dict[str, Any]]) -> str:
    def kib(value: int | None) -> str:
        return "—" if value is None else f"{value / 1024:,.0f} KiB"

    rows = ["| articles | Pagefind run | bundle (all / used by Masthead) | EN query: fetched (gzip) "
            "| ZH query: fetched (gzip) | search page load | lunr search_index.json (gzip) |",
            "|---|---|---|---|---|---|---|"]
    for r in results:
        b = r["browser"]
        rows.append(
            f"| {r['articles']:,} | {r['pagefind_seconds']} s | {kib(r['pagefind']['bytes'])} / "
            f"{kib(r['pagefind']['bytes_without_pagefind_ui'])} | {kib(b['en']['query_bytes'])} "
            f"({kib(b['en']['query_bytes_gzip'])}) | {kib(b['zh']['query_bytes'])} "
            f"({kib(b['zh']['query_bytes_gzip'])}) | {kib(b['en']['page_load_bytes'])} | "
            f"{kib(r.get('lunr_index_bytes'))} ({kib(r.get('lunr_index_bytes_gzip'))}) |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, action="append",
                        help="corpus size; repeat for several (default 1000)")
    parser.add_argument("--skip-lunr", action="store_true", help="don't build the Material comparison")
    parser.add_argument("--keep", type=Path, help="copy the generated sites into this folder")
    parser.add_argument("--site", type=Path, help="only the browser's bytes for a site built already")
    args = parser.parse_args()
    if args.site:  # e.g. bench/out/corpus-N/masthead/site after `make bench`: no build, no index run
        print(json.dumps({"pagefind": bundle_sizes(args.site / BUNDLE_DIR),
                          "browser": query_bytes(args.site, QUERIES)}, ensure_ascii=False, indent=2))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for n in args.articles or [1000]:
        result = run(n, lunr=not args.skip_lunr, keep=args.keep)
        (OUT / f"search-{n}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                                              encoding="utf-8")
        results.append(result)
    print(table(results))


if __name__ == "__main__":
    main()
