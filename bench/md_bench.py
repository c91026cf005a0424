"""The Markdown step alone: CPU per story of Masthead's renderer against a bare Python-Markdown.

    .venv/bin/python bench/md_bench.py [--docs bench/out/corpus-1000/masthead/docs]
    .venv/bin/python bench/md_bench.py --hooks ../base/hooks        # another checkout's engine
    .venv/bin/python bench/md_bench.py --profile 30                 # cProfile, top 30 functions

Reads every story of a ``bench/corpus.py`` newsroom (its body, as the build's ``Article.body``)
and converts them all, in one process, round after round, two ways alternated:
- ``floor``: one ``markdown.Markdown`` with the engine's extensions (``engine.yml``) and the
  chart fence, ``reset().convert(body)``, as ``bench/run.py --floor`` does;
- ``masthead``: ``masthead.mdrender.Renderer.render`` of the checkout's ``hooks/``, what a cold
  build's pool runs for each page (MkDocs' link, anchor and title processors included).
Prints the best round's CPU milliseconds per story (``time.process_time``) of each. The machine
is shared: compare checkouts one after the other in one sitting and read the ratios.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=Path, default=ROOT / "bench/out/corpus-1000/masthead/docs")
    parser.add_argument("--hooks", type=Path, default=ROOT / "hooks", help="the hooks/ folder to load")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile one round of the renderer and print the top N functions")
    parser.add_argument("--save", help="with --profile: also write the profile to this file")
    parser.add_argument("--stages", action="store_true",
                        help="CPU of each processor and inline pattern over one round of the renderer")
    parser.add_argument("--pool", type=int, default=0, metavar="P",
                        help="render every story and its share-bar QR code once in P processes as a "
                             "cold build does (masthead.mdrender.render_in_pool): CPU of this "
                             "process and of the workers")
    parser.add_argument("--same-markdown", action="store_true",
                        help="also time the floor with FasterMarkdown, as the renderer has it")
    args = parser.parse_args()
    sys.path[:0] = [str(args.hooks.resolve()), str(ROOT / "bench")]
    import corpus
    import markdown
    from mkdocs.structure.files import File
    from mkdocs.utils.meta import get_data

    from masthead import charts
    from masthead.mdrender import Renderer, Setup, Target

    names, configs = corpus.markdown_extensions()
    configs = charts.superfences_config(configs)
    setup = Setup(extensions=tuple(names), extension_configs=configs, use_directory_urls=True,
                  absolute_links=20, unrecognized_links=20, not_found=30, log_level=30)
    docs = args.docs.resolve()
    jobs = []
    targets: dict[str, Target] = {}
    for path in sorted(docs.rglob("*.md")):
        file = File(path.relative_to(docs).as_posix(), str(docs), "/tmp/site", use_directory_urls=True)
        targets[file.src_uri] = Target(file.src_uri, file.url)
        text, _ = get_data(path.read_text(encoding="utf-8"))
        if text.strip():
            jobs.append((file.src_uri, file.url, False, text.strip()))
    renderer = Renderer(setup, targets)
    plain = markdown.Markdown(extensions=list(names), extension_configs=configs)

    def floor() -> None:
        for _, _, _, text in jobs:
            plain.reset().convert(text)

    variants = {"floor": floor}
    if args.same_markdown:  # the floor's Markdown as the renderer has it: the difference is ours
        from masthead.mdspeed import FasterMarkdown

        same = markdown.Markdown(extensions=[*names, FasterMarkdown()], extension_configs=configs)
        variants["floor+ours"] = lambda: [same.reset().convert(job[3]) for job in jobs]

    def ours() -> None:
        for job in jobs:
            renderer.render(*job)

    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(ours)
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(args.profile)
        if args.save:
            stats.dump_stats(args.save)
        return
    if args.pool:
        pool(renderer, jobs, args.pool, args.docs)
        return
    if args.stages:
        stages(renderer.md, ours)
        return
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        for label, run in (*variants.items(), ("masthead", ours)):
            start = time.process_time()
            run()
            best[label] = min(best.get(label, float("inf")), time.process_time() - start)
    per = {label: 1000 * seconds / len(jobs) for label, seconds in best.items()}
    print(f"{args.hooks}: {len(jobs)} stories, best of {args.rounds} rounds, CPU ms per story: "
          + ", ".join(f"{label} {ms:.3f}" for label, ms in per.items())
          + f" (masthead / floor {per['masthead'] / per['floor']:.2f}x)")


def pool(renderer: Any, jobs: list[Any], processes: int, docs: Path) -> None:
    """One cold build's Markdown step: the stories and their QR codes, in ``processes`` processes."""
    import resource

    from masthead.mdrender import render_in_pool
    from masthead.social import canonical_url, labels

    site_url = "https://example.org/news/"  # the bench corpus's site_url
    calls = []
    for _, url, _, text in jobs:
        page_url = canonical_url(site_url, url)
        lang = "zh" if any("\u4e00" <= c <= "\u9fff" for c in text[:200]) else "en"
        calls.append(("qr", (page_url, labels(lang)["share_qr_alt"].format(url=page_url))))
    wall = time.perf_counter()
    start = time.process_time()
    if processes > 1:
        pages, called, by_workers = render_in_pool(renderer, jobs, processes, calls)
    else:  # the same work in this process alone
        from masthead.mdrender import _work

        pages = {job[0]: _work(renderer, job) for job in jobs}
        called = {call: _work(renderer, call) for call in calls}
        by_workers = 0
    here = time.process_time() - start
    wall = time.perf_counter() - wall
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    there = children.ru_utime + children.ru_stime
    print(f"{len(pages)} stories + {len(called)} QR codes in {processes} processes: CPU "
          f"{here:.2f} s here + {there:.2f} s in workers = {here + there:.2f} s, wall {wall:.2f} s; "
          f"{by_workers} of {len(pages) + len(called)} items done by workers")


def stages(md: Any, run: Any) -> None:
    """Time every processor's ``run`` (inline patterns: ``handleMatch``) over one call of ``run``."""
    spent: dict[str, float] = {}

    def timed(label: str, method: Any) -> Any:
        def wrapper(*a: Any, **k: Any) -> Any:
            start = time.process_time()
            try:
                return method(*a, **k)
            finally:
                spent[label] = spent.get(label, 0.0) + time.process_time() - start
        return wrapper

    registries = {"pre": md.preprocessors, "tree": md.treeprocessors, "post": md.postprocessors,
                  "block": md.parser.blockprocessors, "inline": md.inlinePatterns}
    for kind, registry in registries.items():
        for name in list(registry._data):
            item = registry[name]
            method = "handleMatch" if kind == "inline" else "run"
            setattr(item, method, timed(f"{kind} {name} ({type(item).__module__})", getattr(item, method)))
    start = time.process_time()
    run()
    total = time.process_time() - start
    print(f"one round: {total:.3f} s of CPU (timers included)")
    for label, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"{seconds:8.3f}  {label}")


if __name__ == "__main__":
    main()
