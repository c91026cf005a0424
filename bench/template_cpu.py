"""CPU of the template step of one cold build, in one process, split into its parts.

    python bench/template_cpu.py bench/out/corpus-1000/masthead [--runs 3]

Builds the site with an empty cache and ``MASTHEAD_WORKERS=1`` (every page's template step in
this thread) and prints CPU seconds of this thread (``time.thread_time``, not disturbed by other
processes' waiting) for: Jinja (each page's ``Template.render``, shared parts included), the page
contexts (every plugin's ``on_page_context``), the render cache's page keys (``Speed.page_key``),
storing pages in the render cache, the whole "templates" phase of the phase clock, and the
build's own process. The hooks are those the site's ``mkdocs.yml`` names (a bench corpus names
its checkout's): for an A/B, make a corpus in each checkout (``bench/corpus.py``, run there) and
alternate the runs of the two.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import jinja2


def hooks_of(site: Path) -> Path:
    """The folder of the Masthead event file the site's mkdocs.yml lists."""
    text = (site / "mkdocs.yml").read_text(encoding="utf-8")
    found = re.search(r"^\s*-\s*(\S*masthead_mkdocs\.py)\s*$", text, re.MULTILINE)
    if found is None:
        raise SystemExit(f"{site / 'mkdocs.yml'}: no hooks/masthead_mkdocs.py listed under hooks:")
    return (site / found.group(1)).resolve().parent


def one_build(site: Path) -> dict[str, float]:
    """One cold build of ``site``; CPU seconds of its template step's parts."""
    import mkdocs.plugins
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    import masthead.cache as cache_module
    import masthead.timing as timing
    from masthead_perf.speed import Speed

    spent: dict[str, float] = {}
    undo: list[tuple[Any, str, Any]] = []

    def clocked(owner: Any, name: str, label: str, only: Any = None) -> None:
        function = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            if only is not None and not only(args):
                return function(*args, **kwargs)
            start = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.thread_time() - start

        undo.append((owner, name, function))
        setattr(owner, name, timed)

    depth = [0]  # a shared part renders inside a page: count the page only
    jinja_render = jinja2.Template.render

    def page_render(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        if depth[0]:
            return jinja_render(self, *args, **kwargs)
        depth[0] += 1
        start = time.thread_time()
        try:
            return jinja_render(self, *args, **kwargs)
        finally:
            depth[0] -= 1
            spent["jinja"] = spent.get("jinja", 0.0) + time.thread_time() - start

    undo.append((jinja2.Template, "render", jinja_render))
    jinja2.Template.render = page_render  # type: ignore[method-assign]
    clocked(Speed, "page_key", "page keys")
    clocked(cache_module.RenderCache, "put", "storing pages", only=lambda args: args[1] == "page")
    clocked(mkdocs.plugins.PluginCollection, "on_page_context", "page contexts")
    folder = Path(tempfile.mkdtemp(prefix="masthead-template-cpu-"))
    os.environ["MASTHEAD_CACHE_DIR"] = str(folder / "cache")
    os.environ["MASTHEAD_TIMINGS"] = str(folder / "timings.json")
    clock = timing.Timings.__init__.__defaults__
    timing.Timings.__init__.__defaults__ = (time.thread_time,)  # the phase clock in CPU seconds
    started = time.process_time()
    try:
        build(load_config(str(site / "mkdocs.yml")))
        spent["process"] = time.process_time() - started
        phases = json.loads((folder / "timings.json").read_text(encoding="utf-8"))["phases"]
        spent["templates phase"] = phases.get("templates", 0.0)
    finally:
        timing.Timings.__init__.__defaults__ = clock
        for owner, name, function in undo:
            setattr(owner, name, function)
        shutil.rmtree(folder, ignore_errors=True)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="folder with mkdocs.yml (a bench corpus' masthead/)")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ["MASTHEAD_WORKERS"] = "1"
    site = args.site.resolve()
    sys.path.insert(0, str(hooks_of(site)))
    os.chdir(site)
    for run in range(args.runs):
        spent = one_build(site)
        print(f"run {run + 1}: " + ", ".join(f"{k} {v:.3f} s" for k, v in sorted(spent.items())), flush=True)


if __name__ == "__main__":
    main()
