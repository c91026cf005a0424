"""How long do related stories take, next to a whole build? On `make bench`'s corpus.

    .venv/bin/python bench/related_bench.py --articles 1000 10000           # related stories only
    .venv/bin/python bench/related_bench.py --articles 1000 10000 --build   # and a full build

The corpus is bench/corpus.py's (the one `make bench` builds: 70 % English, 30 % Chinese,
400-1 200 words, Zipf tags, five sections, five years), written to bench/out/corpus-N.

1. Related only: the catalog is read as a build reads it (not timed), then ``related_stories``
   runs for every story: CPU and wall seconds, and its peak of traced memory (tracemalloc).
2. ``--build``: `mkdocs build --strict` of the same site in its own process with
   MASTHEAD_TIMINGS set, so the build reports its own "related" phase next to its elapsed time
   (the same figure `make bench` prints among the phases); also the build's CPU seconds.

The machine is shared: CPU seconds move less than wall seconds; read the ratios.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/ is not a package)


def site_for(n: int) -> Path:
    """bench/out/corpus-N/masthead, written unless it is already there for N stories."""
    out = HERE / "out" / f"corpus-{n}"
    summary = out / "corpus.json"
    if not (summary.exists() and json.loads(summary.read_text(encoding="utf-8"))["articles"] == n):
        corpus.write_corpus(n, out)
    return out / "masthead"


def time_related(site: Path) -> tuple[int, float, float, float]:
    """(stories, CPU seconds, wall seconds, peak MiB) of ``related_stories`` over the catalog."""
    from mkdocs.config import load_config

    from masthead import newsroom
    from masthead.related import load_related_settings, related_stories
    from masthead.settings import load_settings

    config = load_config(str(site / "mkdocs.yml"))
    settings = load_settings(config.extra["masthead"], site_name=config.site_name)
    room = newsroom.Newsroom(settings)
    computing = newsroom.related_stories
    newsroom.related_stories = lambda *args, **kwargs: {}  # type: ignore[assignment]  # read only
    try:
        catalog = room.load(site / "docs")
    finally:
        newsroom.related_stories = computing
    related = load_related_settings(settings.extra.get("related"), settings.tag_aliases)
    others = [*catalog.drafts, *catalog.scheduled]
    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    related_stories(catalog.articles, others, related, catalog.by_src)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    tracemalloc.start()
    related_stories(catalog.articles, others, related, catalog.by_src)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return len(catalog.articles), cpu, wall, peak


def time_build(site: Path) -> tuple[float, float, float, float]:
    """(CPU seconds, wall seconds, the build's own elapsed, its "related" phase) of a build."""
    with tempfile.TemporaryDirectory(prefix="masthead-related-") as tmp:
        timings = Path(tmp) / "timings.json"
        env = {**os.environ, "MASTHEAD_TIMINGS": str(timings), "NO_MKDOCS_2_WARNING": "1"}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                                 "--site-dir", str(Path(tmp) / "site")],
                                cwd=site, capture_output=True, text=True, env=env)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if result.returncode != 0:
            raise SystemExit(result.stderr)
        report = json.loads(timings.read_text(encoding="utf-8"))
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return cpu, wall, report["elapsed"], report["phases"].get("related", 0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--build", action="store_true", help="also time a full mkdocs build")
    args = parser.parse_args(argv)
    print("| stories | related, CPU s (wall) | per story, ms CPU | peak traced memory, MiB "
          "| build, CPU s (wall) | related / build, CPU | related phase / build, the build's clock |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.articles:
        site = site_for(n)
        stories, cpu, wall, peak = time_related(site)
        build = share = phase = "–"
        if args.build:
            build_cpu, build_wall, elapsed, related = time_build(site)
            build = f"{build_cpu:.1f} ({build_wall:.1f})"
            share = f"{cpu / build_cpu:.1%}"
            phase = f"{related:.2f} s / {elapsed:.1f} s = {related / elapsed:.1%}"
        print(f"| {stories} | {cpu:.2f} ({wall:.2f}) | {cpu / stories * 1000:.2f} | {peak:.0f} "
              f"| {build} | {share} | {phase} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
