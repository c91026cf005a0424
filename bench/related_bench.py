"""How long do related stories take, next to a whole build? On `make bench`'s corpus.

    .venv/bin/python bench/related_bench.py --articles 1000 10000           # related stories only
    .venv/bin/python bench/related_bench.py --articles 1000 10000 --build   # and a full build
    .venv/bin/python bench/related_bench.py --articles 10000 --edits 20     # serve, per edit
    .venv/bin/python bench/related_bench.py --articles 1000 10000 --untagged   # every tag removed

The corpus is bench/corpus.py's (the one `make bench` builds: 70 % English, 30 % Chinese,
400-1 200 words, Zipf tags, five sections, five years), written to bench/out/corpus-N.

1. Related only: the catalog is read as a build reads it (not timed), then ``related_stories``
   runs for every story: CPU and wall seconds, and its peak of traced memory (tracemalloc).
2. ``--build``: `mkdocs build --strict` of the same site in its own process with
   MASTHEAD_TIMINGS set, so the build reports its own "related" phase next to its elapsed time
   (the same figure `make bench` prints among the phases); also the build's CPU seconds.
3. ``--edits K``: instead, K edits one after another re-ranked as `mkdocs serve` does, and how
   many of the lists' links then equal a clean computation (see ``time_edits``).

``--untagged`` removes every story's tags first: the stories without tags are the ones the
second stage (feedback from each story's nearest, ``RelatedIndex._feedback``) ranks, so this is
its cost; ``--no-feedback`` turns that stage off (``Weights.feedback`` = 0) for an A/B.

The machine is shared: CPU seconds move less than wall seconds; read the ratios.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

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


OPTIONS: dict[str, Any] = {}  # related_stories' options (``--no-feedback``)
UNTAGGED = False  # ``--untagged``


def read_catalog(site: Path) -> tuple[Any, Any, list[Any]]:
    """(catalog, related settings, drafts and scheduled stories) as a build reads them; with
    ``--untagged``, every story without its tags."""
    from mkdocs.config import load_config

    from masthead import newsroom
    from masthead.related import load_related_settings
    from masthead.settings import load_settings

    config = load_config(str(site / "mkdocs.yml"))
    settings = load_settings(config.extra["masthead"], site_name=config.site_name)
    room = newsroom.Newsroom(settings)
    room.relate = lambda *args, **kwargs: {}  # read only: the lists are what is timed
    catalog = room.load(site / "docs")
    related = load_related_settings(settings.extra.get("related"), settings.tag_aliases)
    others = [*catalog.drafts, *catalog.scheduled]
    if UNTAGGED:
        articles = tuple(dataclasses.replace(a, tags=()) for a in catalog.articles)
        others = [dataclasses.replace(a, tags=()) for a in others]
        catalog = dataclasses.replace(catalog, articles=articles,
                                      by_src={a.src_uri: a for a in [*articles, *others]})
    return catalog, related, others


def time_related(site: Path) -> tuple[int, float, float, float, float, float, float]:
    """(stories, CPU seconds, wall seconds, peak MiB) of ``related_stories`` over the catalog,
    as a build without a render cache computes them; then the CPU seconds of the same call in
    a build with an empty render cache (computed, then stored), again with the filled one (a
    warm build: the lists are read), and with one story replaced by a new one (the lists are
    computed again, from the other stories' tokens kept in the cache)."""
    from masthead.cache import RenderCache, activate
    from masthead.related import related_stories

    catalog, related, others = read_catalog(site)
    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    lists = related_stories(catalog.articles, others, related, catalog.by_src, **OPTIONS)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    tracemalloc.start()
    related_stories(catalog.articles, others, related, catalog.by_src, **OPTIONS)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    cached = []
    new = list(catalog.articles)  # a story added: its text is a new one, every other is kept
    new[0] = dataclasses.replace(new[0], src_uri="a-new-story.md", body=new[0].body + "\n\nNew.")
    with tempfile.TemporaryDirectory(prefix="masthead-related-") as tmp:
        for stories, known in ((catalog.articles, catalog.by_src), (catalog.articles, catalog.by_src),
                               (new, {**catalog.by_src, new[0].src_uri: new[0]})):
            cache = RenderCache(Path(tmp))
            activate(cache, "bench")
            gc.collect()
            started = time.process_time()
            again = related_stories(stories, others, related, known, **OPTIONS)
            cached.append(time.process_time() - started)
            activate(None)
            cache.close(prune=False)
            if stories is catalog.articles and again != lists:
                raise SystemExit("the render cache gave other lists")
    return len(catalog.articles), cpu, wall, peak, *cached


def time_edits(site: Path, edits: int) -> tuple[float, float, float, float]:
    """`mkdocs serve` after ``edits`` edits one after another, each a story's last paragraph
    replaced by another story's first (``RelatedLists.update``, as serve's memo calls it):
    (mean CPU seconds per edit, mean stories re-ranked, their largest count, the share of
    related links, over the whole archive, equal to a clean computation after the last edit)."""
    from masthead.related import RelatedLists

    catalog, related, others = read_catalog(site)
    stories = list(catalog.articles)
    lists = RelatedLists(stories, others, related, catalog.by_src, **OPTIONS)
    rnd = random.Random(23)
    cpu, reranked = 0.0, []
    for _ in range(edits):
        k, donor = rnd.sample(range(len(stories)), 2)
        body = stories[k].body.rsplit("\n\n", 1)[0] + "\n\n" + stories[donor].body.split("\n\n", 1)[0]
        stories[k] = dataclasses.replace(stories[k], body=body)
        known = {a.src_uri: a for a in [*stories, *others]}
        started = time.process_time()
        again = lists.update([stories[k]], others, known)
        cpu += time.process_time() - started
        if again is None:
            raise SystemExit("the archive is too small to re-rank after an edit (Limits.rerank_from)")
        reranked.append(len(again))
    known = {a.src_uri: a for a in [*stories, *others]}
    clean = RelatedLists(stories, others, related, known, **OPTIONS).lists
    same = sum(len({a.src_uri for a in found} & {a.src_uri for a in clean[src]})
               for src, found in lists.lists.items())
    total = sum(len(found) for found in clean.values()) or 1
    return cpu / edits, sum(reranked) / edits, max(reranked), same / total


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
    parser.add_argument("--edits", type=int, default=0, metavar="K",
                        help="also time K edits one after another as `mkdocs serve` re-ranks them")
    parser.add_argument("--untagged", action="store_true", help="remove every story's tags first")
    parser.add_argument("--no-feedback", action="store_true", help="Weights.feedback = 0 (for an A/B)")
    args = parser.parse_args(argv)
    global UNTAGGED
    UNTAGGED = args.untagged
    if args.no_feedback:
        from masthead.related import DEFAULT_WEIGHTS

        OPTIONS["weights"] = dataclasses.replace(DEFAULT_WEIGHTS, feedback=0.0)
    if args.edits:
        print("| stories | serve: CPU s per edit | stories re-ranked per edit (most) "
              "| related links equal to a clean computation |")
        print("|---:|---:|---:|---:|")
        for n in args.articles:
            per_edit, mean, most, agree = time_edits(site_for(n), args.edits)
            print(f"| {n} | {per_edit:.3f} | {mean:.0f} ({most}) | {agree:.1%} |", flush=True)
        return 0
    print("| stories | related, CPU s (wall) | per story, ms CPU | peak traced memory, MiB "
          "| render cache empty / filled / one new story, CPU s "
          "| build, CPU s (wall) | related / build, CPU | related phase / build, the build's clock |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.articles:
        site = site_for(n)
        stories, cpu, wall, peak, missed, hit, one_new = time_related(site)
        build = share = phase = "–"
        if args.build:
            build_cpu, build_wall, elapsed, related = time_build(site)
            build = f"{build_cpu:.1f} ({build_wall:.1f})"
            share = f"{cpu / build_cpu:.1%}"
            phase = f"{related:.2f} s / {elapsed:.1f} s = {related / elapsed:.1%}"
        print(f"| {stories} | {cpu:.2f} ({wall:.2f}) | {cpu / stories * 1000:.2f} | {peak:.0f} "
              f"| {missed:.2f} / {hit:.2f} / {one_new:.2f} | {build} | {share} | {phase} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
