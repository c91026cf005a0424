"""How long do related stories take, next to a whole build? Synthetic newsrooms of N stories.

    .venv/bin/python bench/related_bench.py --articles 1000 10000          # related stories only
    .venv/bin/python bench/related_bench.py --articles 1000 --build         # and a full mkdocs build

Stories are made from the sample newsroom's own words (English words, and Chinese words cut by
rjieba): 30 % Chinese, about 450 words (or 900 characters) each, drawn from one of N / 50
topics plus common words, two or three tags from the topic's tags, five sections, three years
of dates. Same seed, same site. The timing covers what a build does: the catalog is read first
(not timed), then ``related_stories`` for every story. ``--build`` writes the site into a
temporary folder and runs ``mkdocs build`` on it; the related share is related time / build
time (the build itself includes one related computation).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import frontmatter
import rjieba
import yaml

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ["news", "new-vehicles", "industry-report", "data-report", "economy"]


def vocabulary() -> tuple[list[str], list[str]]:
    """English and Chinese words of the sample newsroom, most frequent first."""
    en: Counter[str] = Counter()
    zh: Counter[str] = Counter()
    for path in sorted((ROOT / "docs").glob("*/*.md")):
        post = frontmatter.load(path)
        if post.get("lang") == "zh":
            zh.update(w for w in rjieba.cut(post.content) if re.fullmatch(r"[\u4e00-\u9fff]{2,}", w))
        else:
            en.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", post.content))
    return [w for w, _ in en.most_common()], [w for w, _ in zh.most_common()]


def make_site(root: Path, n: int, seed: int = 4) -> None:
    """Write a newsroom of ``n`` stories below ``root`` (mkdocs.yml, docs/)."""
    rnd = random.Random(seed)
    en, zh = vocabulary()
    topics = max(4, n // 50)
    tag_pool = [f"tag-{i}" for i in range(topics * 2)]
    plans = []
    for t in range(topics):
        plans.append({
            "en": rnd.sample(en, 30), "zh": rnd.sample(zh, 30), "tags": rnd.sample(tag_pool, 3),
            "section": SECTIONS[t % len(SECTIONS)],
        })

    def words(pool: list[str], topic: list[str], count: int) -> list[str]:
        # Zipf-like background (rank r with probability ~ 1/r) mixed with the topic's own words.
        out = []
        for _ in range(count):
            if rnd.random() < 0.35:
                out.append(rnd.choice(topic))
            else:
                out.append(pool[int(len(pool) ** rnd.random()) - 1])
        return out

    docs = root / "docs"
    start = dt.datetime(2024, 1, 1, 8, 0)
    for i in range(n):
        plan = plans[rnd.randrange(topics)]
        chinese = rnd.random() < 0.3
        section = plan["section"] if rnd.random() < 0.7 else rnd.choice(SECTIONS)
        tags = rnd.sample(plan["tags"], 2) + ([rnd.choice(tag_pool)] if rnd.random() < 0.3 else [])
        date = start + dt.timedelta(minutes=rnd.randrange(3 * 365 * 24 * 60))
        if chinese:
            title = "".join(words(zh, plan["zh"], 8))
            paragraphs = ["".join(words(zh, plan["zh"], 90)) + "。" for _ in range(5)]
        else:
            title = " ".join(words(en, plan["en"], 8)).capitalize()
            paragraphs = [" ".join(words(en, plan["en"], 90)).capitalize() + "." for _ in range(5)]
        meta = {"title": title, "date": f"{date:%Y-%m-%d %H:%M}", "tags": tags,
                "summary": paragraphs[0][:120], **({"lang": "zh"} if chinese else {})}
        path = docs / section / f"story-{i:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        path.write_text(f"---\n{head}---\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!ENV", ""))
    config.update(docs_dir="docs", site_dir="site", site_url="https://example.org/",
                  hooks=[str(ROOT / "hooks" / "masthead_mkdocs.py")])
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    config["theme"].pop("favicon", None)
    config["extra"]["masthead"].pop("logo", None)
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def time_related(root: Path) -> tuple[int, float, float, float]:
    """(stories, CPU seconds, wall seconds, peak MiB) of ``related_stories`` over the catalog."""
    from mkdocs.config import load_config

    from masthead.newsroom import Newsroom
    from masthead.related import load_related_settings, related_stories
    from masthead.settings import load_settings

    config = load_config(str(root / "mkdocs.yml"))
    settings = load_settings(config.extra["masthead"], site_name=config.site_name)
    catalog = Newsroom(settings).load(root / "docs")
    related = load_related_settings(settings.extra.get("related"))
    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    related_stories(catalog.articles, catalog.drafts, related, catalog.by_src)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    tracemalloc.start()
    related_stories(catalog.articles, catalog.drafts, related, catalog.by_src)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return len(catalog.articles), cpu, seconds, peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--build", action="store_true", help="also time a full mkdocs build")
    args = parser.parse_args(argv)
    print("CPU seconds (the machine is shared; wall-clock in brackets).\n")
    print("| stories | related stories, CPU s | per story, ms | peak memory, MiB | full build, CPU s "
          "| related / build |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in args.articles:
        with tempfile.TemporaryDirectory(prefix="masthead-related-") as tmp:
            root = Path(tmp)
            make_site(root, n)
            stories, cpu, wall, peak = time_related(root)
            build = share = "–"
            if args.build:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root,
                                        capture_output=True, text=True,
                                        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
                elapsed = time.perf_counter() - started
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                if result.returncode != 0:
                    print(result.stderr, file=sys.stderr)
                    return 1
                build_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
                build, share = f"{build_cpu:.1f} ({elapsed:.1f})", f"{cpu / build_cpu:.1%}"
            print(f"| {stories} | {cpu:.2f} ({wall:.2f}) | {cpu / stories * 1000:.2f} | {peak:.0f} "
                  f"| {build} | {share} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
