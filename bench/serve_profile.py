"""Profile one `mkdocs serve` rebuild after an edit, in one process (what `serve` does).

    python bench/serve_profile.py bench/out/corpus-1000/masthead [--edit title|body] [--out prof]

Builds the site the way `mkdocs serve` does (its own site folder, serve mode), edits one article
(the middle one, as bench/run.py does), builds again under cProfile and prints the rebuild's wall
time, its phases (MASTHEAD_TIMINGS) and the top of the profile. The article is restored at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("site", type=Path, help="folder with mkdocs.yml (a bench corpus' masthead/)")
    parser.add_argument("--edit", choices=("body", "title"), default="body")
    parser.add_argument("--out", type=Path, default=None, help="write the pstats file here")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--no-profile", action="store_true", help="only time the rebuild")
    parser.add_argument("--check", action="store_true",
                        help="then build the edited site with `mkdocs build` and compare the two sites")
    args = parser.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    site = args.site.resolve()
    os.chdir(site)
    timings = Path(tempfile.mkdtemp(prefix="masthead-prof-")) / "timings.json"
    os.environ["MASTHEAD_TIMINGS"] = str(timings)
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    served = Path(tempfile.mkdtemp(prefix="mkdocs_"))

    def rebuild() -> float:
        config = load_config(str(site / "mkdocs.yml"), site_dir=str(served))
        config.plugins.on_startup(command="serve", dirty=False)
        start = time.perf_counter()
        build(config, serve_url="http://127.0.0.1:8000/")
        return time.perf_counter() - start

    docs = sorted(p for p in (site / "docs").rglob("*.md") if p.name != "index.md")
    victim = docs[len(docs) // 2]
    original = victim.read_text(encoding="utf-8")
    first = rebuild()
    print(f"first build: {first:.2f} s", flush=True)
    try:
        if args.edit == "title":
            edited = original.replace("\ntitle: ", "\ntitle: Edited ", 1)
        else:
            edited = original.rstrip("\n") + "\n\nEdited for the benchmark.\n"
        victim.write_text(edited, encoding="utf-8")
        profile = cProfile.Profile()
        seconds = rebuild() if args.no_profile else profile.runcall(rebuild)
        sys.modules["masthead_perf"].wait_for_index()
        if args.check:
            compare(site, served)
    finally:
        victim.write_text(original, encoding="utf-8")
    print(f"rebuild after editing {victim.relative_to(site)}: {seconds:.2f} s "
          f"({seconds / first:.3f} of the first build)")
    report = json.loads(timings.read_text(encoding="utf-8"))
    print(json.dumps({k: round(v, 2) for k, v in report.get("phases", {}).items()}))
    print({k: v for k, v in report.get("notes", {}).items() if k != "cache_stats"},
          report.get("notes", {}).get("cache_stats"))
    if not args.no_profile:
        if args.out:
            profile.dump_stats(args.out)
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)


def compare(site: Path, served: Path) -> None:
    """Build the site cleanly (its own process) and list files that differ from ``served``."""
    clean = Path(tempfile.mkdtemp(prefix="masthead-clean-"))
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(site / "mkdocs.yml"),
                    "-d", str(clean)], check=True, env={**os.environ, "MASTHEAD_TIMINGS": ""})

    def tree(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*")
                if p.is_file() and p.suffix != ".gz"}

    a, b = tree(served), tree(clean)
    differ = sorted(k for k in a.keys() & b.keys() if a[k] != b[k])
    print(f"check: {len(a)} files served, {len(b)} built; only served {sorted(a.keys() - b.keys())[:5]}, "
          f"only built {sorted(b.keys() - a.keys())[:5]}, differ {len(differ)} {differ[:5]}")


if __name__ == "__main__":
    main()
