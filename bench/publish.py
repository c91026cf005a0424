"""Replay the publish workflow (.github/workflows/pages.yml) on a newsroom of N generated stories.

    python bench/publish.py --articles 1000            # ~5 minutes on two cores, mostly the run before

What a push of one new story costs on GitHub's runner, step by step, on this machine:

1. The run before (timed too: every cache misses): a Git repository like a newsroom's (this
   engine, `bench/corpus.py`'s N stories in docs/) cloned, a new virtualenv, ``pip install -e .``
   with pip's own cache present, ``masthead check``, a cold build. Its ``.venv`` and
   ``.cache/masthead`` are saved as tar files, as ``actions/cache`` saves them. Then the
   editor's commit: one new story.
2. The replay, each step timed, in the same folder (as on the runner): a fresh clone
   (checkout), ``.venv`` and ``.cache/masthead`` unpacked (the caches hit: pages.yml skips pip),
   ``masthead check --format github``, ``mkdocs build --strict``. The build reports its cache
   hits (MASTHEAD_TIMINGS): the render cache by kind, pictures and share cards, Pagefind runs kept.

Uploading and deploying are GitHub's own steps and are not replayed. The target: the steps after
checkout in at most 60 s for 1 000 stories. Results also go to bench/out/publish-N.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus

ROOT = corpus.ROOT
NEW_STORY = """---
title: Battery maker opens a recycling line in Ganzhou
date: {date}
author: Priya Raman
tags: [battery, recycling]
summary: A new line will recover lithium, nickel and cobalt from 20 000 tonnes of packs a year.
---

The plant, which starts work next month, takes used packs from carmakers' service networks.

It will send the recovered metals back to the company's cathode works nearby.
"""


def sh(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)) -> str:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result.stdout


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without Masthead's cache switches, plus ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MASTHEAD_CACHE_DIR", "MASTHEAD_CACHE", "MASTHEAD_TIMINGS", "VIRTUAL_ENV")}
    git = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
    return {**env, "NO_MKDOCS_2_WARNING": "1", **git, **extra}


def make_origin(origin: Path, stories: Path) -> None:
    """A newsroom repository: the engine's tracked files, ``stories`` as docs/, one commit."""
    tracked = sh(["git", "ls-files", "-z"], ROOT).split("\0")
    for rel in tracked:
        if not rel or rel.startswith("docs/"):
            continue
        src, dst = ROOT / rel, origin / rel
        if src.is_file():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    shutil.copytree(stories / "docs", origin / "docs")
    # The corpus' settings name the engine by absolute path: a newsroom's name it relatively.
    config = yaml.safe_load((stories / "mkdocs.yml").read_text(encoding="utf-8"))
    config["hooks"] = [str(Path(h).relative_to(ROOT)) for h in config.get("hooks", [])]
    config["theme"]["custom_dir"] = str(Path(config["theme"]["custom_dir"]).relative_to(ROOT))
    (origin / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    env = clean_env()
    sh(["git", "init", "-q", "-b", "main"], origin, env)
    sh(["git", "add", "-A"], origin, env)
    sh(["git", "commit", "-q", "-m", "newsroom"], origin, env)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def publish(origin: Path, work: Path, timings: Path | None, steps: dict[str, float],
            cpu_s: dict[str, float], saved: Path | None = None) -> None:
    """The workflow's steps on a fresh clone of ``origin`` in ``work``: wall seconds into
    ``steps``, CPU seconds of the step's processes into ``cpu_s`` (the machine may be shared).

    Without ``saved``, a cold run: a new virtualenv and ``pip install`` (pip's cache present),
    no cache. With it, the caches hit: ``saved/venv.tar`` and ``saved/cache.tar`` unpacked.
    """

    def step(name: str, cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
        started, cpu = time.perf_counter(), _children_cpu()
        sh(cmd, cwd, env)
        steps[name] = round(time.perf_counter() - started, 2)
        cpu_s[name] = round(_children_cpu() - cpu, 2)

    step("checkout", ["git", "clone", "-q", "--depth", "1", origin.as_uri(), str(work)], origin.parent)
    bin_ = work / ".venv" / "bin"
    if saved is None:
        step("venv (cache miss)", [sys.executable, "-m", "venv", str(work / ".venv")], work)
        step("pip install -e . (pip cache present)", [str(bin_ / "python"), "-m", "pip", "install", "-q",
                                                      "--disable-pip-version-check", "-e", "."],
             work, clean_env())
    else:
        step("restore .venv", ["tar", "-xf", str(saved / "venv.tar"), "-C", str(work)], work)
        (work / ".cache").mkdir()
        step("restore .cache/masthead", ["tar", "-xf", str(saved / "cache.tar"), "-C", str(work / ".cache")],
             work)
    env = clean_env(PATH=f"{bin_}{os.pathsep}{os.environ.get('PATH', '')}")
    step("masthead check --format github", [str(bin_ / "masthead"), "check", "--format", "github"], work, env)
    if timings is not None:
        env["MASTHEAD_TIMINGS"] = str(timings)
    step("mkdocs build --strict", [str(bin_ / "mkdocs"), "build", "--strict", "-q"], work, env)


def hit_rates(report: dict[str, Any]) -> dict[str, str]:
    notes = report.get("notes", report)
    out: dict[str, str] = {}
    stats = notes.get("cache_stats") or {}
    hits, misses = stats.get("hits", {}), stats.get("misses", {})
    for kind in sorted(set(hits) | set(misses)):
        h, m = hits.get(kind, 0), misses.get(kind, 0)
        out[f"render cache: {kind}"] = f"{h}/{h + m} ({100 * h / max(h + m, 1):.1f} %)"
    images = notes.get("image_stats") or {}
    for what in ("image", "card"):
        h, m = images.get(f"{what}_hits", 0), images.get(f"{what}_misses", 0)
        out[f"{what}s"] = f"{h}/{h + m} ({100 * h / max(h + m, 1):.1f} %)"
    runs = notes.get("search_runs") or {}
    total = runs.get("ran", 0) + runs.get("kept", 0)
    out["Pagefind runs kept"] = f"{runs.get('kept', 0)}/{total}"
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--reuse", action="store_true", help="keep an existing corpus of this N")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (printed)")
    args = parser.parse_args()

    out_dir = ROOT / "bench" / "out"
    stories = out_dir / f"corpus-{args.articles}"
    if not (args.reuse and (stories / "masthead" / "mkdocs.yml").exists()):
        corpus.write_corpus(args.articles, stories)
    tmp = Path(tempfile.mkdtemp(prefix="masthead-publish-"))
    try:
        origin = tmp / "origin"
        make_origin(origin, stories / "masthead")

        # The run before: a cold build whose cache the next run restores. Both runs use the same
        # folder, as GitHub's runner does (/home/runner/work/<repo>/<repo>): pages' cache keys
        # include the configuration, absolute paths and all.
        before: dict[str, float] = {}
        before_cpu: dict[str, float] = {}
        workspace = tmp / "workspace"
        publish(origin, workspace, None, before, before_cpu)
        saved = tmp / "saved"  # what actions/cache keeps: the virtualenv and .cache/masthead
        saved.mkdir()
        sh(["tar", "-cf", str(saved / "cache.tar"), "-C", str(workspace / ".cache"), "masthead"], tmp)
        sh(["tar", "-cf", str(saved / "venv.tar"), "-C", str(workspace), ".venv"], tmp)
        workspace.rename(tmp / "before")

        # The editor's push: one new story, dated an hour ago (so it is published now).
        when = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        (origin / "docs" / "news" / "battery-recycling-line-ganzhou.md").write_text(
            NEW_STORY.format(date=when), encoding="utf-8")
        env = clean_env()
        sh(["git", "add", "-A"], origin, env)
        sh(["git", "commit", "-q", "-m", "New story"], origin, env)

        steps: dict[str, float] = {}
        cpu: dict[str, float] = {}
        timings = tmp / "timings.json"
        started = time.perf_counter()
        publish(origin, workspace, timings, steps, cpu, saved)
        load = os.getloadavg()[0]
        report = json.loads(timings.read_text(encoding="utf-8"))
        site = workspace / "site" / "news" / "battery-recycling-line-ganzhou" / "index.html"
        if not site.is_file():
            raise SystemExit(f"the new story was not built: {site}")
        after = {k: v for k, v in steps.items() if k != "checkout"}
        result = {
            "articles": args.articles,
            "saved_mb": {p.name: round(p.stat().st_size / 2**20, 1) for p in sorted(saved.iterdir())},
            "steps_s": steps,
            "steps_cpu_s": cpu,
            "total_after_checkout_s": round(sum(after.values()), 2),
            "replay_wall_s": round(time.perf_counter() - started, 2),
            "load_average_1min": round(load, 1),
            "hit_rates": hit_rates(report),
            "run_before_s": before,
            "run_before_cpu_s": before_cpu,
            "build_phases_s": report.get("phases"),
        }
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"Publish replay, {args.articles} stories + 1 new, warm caches "
          f"(load average {result['load_average_1min']} on {os.cpu_count()} CPUs):")
    print(f"  {'step':36} {'wall s':>7} {'CPU s':>7}")
    for name, seconds in steps.items():
        print(f"  {name:36} {seconds:7.2f} {cpu[name]:7.2f}")
    print(f"  {'total after checkout':36} {result['total_after_checkout_s']:7.2f} "
          f"{sum(v for k, v in cpu.items() if k != 'checkout'):7.2f}  (target <= 60 s)")
    print("The run before (every cache missed):")
    for name, seconds in before.items():
        print(f"  {name:36} {seconds:7.2f} {before_cpu[name]:7.2f}")
    print(f"Saved by actions/cache (MB): {result['saved_mb']}")
    print("Cache hits in the replayed build:")
    for name, rate in result["hit_rates"].items():
        print(f"  {name:36} {rate}")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"publish-{args.articles}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
