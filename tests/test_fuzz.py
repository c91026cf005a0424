"""Fuzzing what editors write: any front matter ends in a story or in clean faults, never a crash.

Thousands of cases run against the parser and the catalog (fast, in-process); a few dozen run
through a real MkDocs build. Fixed seed (`derandomize`) so CI is repeatable; bounded example
counts, never timed.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from masthead.article import KNOWN_FIELDS, parse_article
from masthead.catalog import build_catalog
from masthead.errors import Fault, MastheadError
from masthead.settings import load_settings
from tests.conftest import Site
from tests.conftest import settings as site_settings

SITE = load_settings(site_settings())
FIELDS = sorted(KNOWN_FIELDS | {"related", "wechat_promo", "share", "comments", "x-unknown"})

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), text,
                    st.dates(), st.datetimes(timezones=st.one_of(st.none(), st.timezones())),
                    st.sampled_from(["2025-03-14", "2025-3-4 9:30", "2025/13/45", "2025-03-14T09:30+08:00",
                                     "../../etc/passwd", "javascript:alert(1)", "news/a.md", "", " ",
                                     "新能源、电池", "</script>", "]]>", "\u202e", "\x00", "CON"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(text, inner, max_size=4)), max_leaves=12)
front_matter = st.dictionaries(st.sampled_from(FIELDS), values, max_size=len(FIELDS))


def to_source(meta: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n\nBody **text**.\n"


def check_faults(faults: list[Fault], uri: str) -> None:
    for fault in faults:
        line = fault.format()
        assert line.startswith(uri) and fault.field and fault.message, line
        assert "Traceback" not in line


@settings(max_examples=2000, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(front_matter)
def test_any_front_matter_gives_a_story_or_clean_faults(meta: dict[str, Any]) -> None:
    uri = "news/fuzz.md"
    article, faults = parse_article(uri, to_source(meta), SITE, exists=lambda p: p.endswith(".png"))
    assert (article is None) == bool(faults) or (article is not None and not faults)
    check_faults(faults, uri)
    if article is not None:
        assert article.title and article.date.tzinfo is not None
        assert all(isinstance(t, str) and t for t in article.tags)


@settings(max_examples=200, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(front_matter, min_size=1, max_size=6))
def test_a_catalog_of_fuzzed_stories_builds_or_reports_every_fault(metas: list[dict[str, Any]]) -> None:
    sources = {f"news/s{i}.md": to_source(m) for i, m in enumerate(metas)}
    try:
        catalog = build_catalog(sources, SITE)
    except MastheadError as exc:
        assert exc.faults and exc.report().startswith("Masthead found")
        for fault in exc.faults:
            assert fault.file in sources
        return
    kept = len(catalog.articles) + len(catalog.drafts) + len(getattr(catalog, "scheduled", ()))
    assert kept == len(sources)


raw_text = st.text(alphabet=string.printable + "：，、\ufeff\t", max_size=200)


@settings(max_examples=1000, derandomize=True, deadline=None)
@given(raw_text)
def test_any_file_text_gives_a_story_or_clean_faults(source: str) -> None:
    article, faults = parse_article("news/raw.md", source, SITE)
    check_faults(faults, "news/raw.md")
    assert article is not None or faults


@pytest.fixture(scope="module")
def fuzz_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    from tests.conftest import ROOT

    root = tmp_path_factory.mktemp("fuzzsite")
    (root / "docs/news").mkdir(parents=True)
    cfg = {"site_name": "Fuzz", "site_url": "https://user.github.io/repo/",
           "theme": {"name": "material", "custom_dir": str(ROOT / "overrides"), "font": False},
           "hooks": [str(ROOT / "hooks" / "masthead_mkdocs.py")], "plugins": [],
           "extra": {"masthead": site_settings()}}
    (root / "mkdocs.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True), "utf-8")
    return Site(root)


@settings(max_examples=25, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(meta=front_matter)
def test_a_real_build_of_fuzzed_front_matter_succeeds_or_stops_cleanly(
    fuzz_site: Site, meta: dict[str, Any]
) -> None:
    meta = {"title": "Fuzzed", "date": dt.date(2025, 1, 1), **meta}
    story = fuzz_site.root / "docs/news/fuzz.md"
    story.write_text(to_source(meta), "utf-8")
    config = load_config(str(fuzz_site.root / "mkdocs.yml"))
    try:
        build(config)
    except Abort as exc:  # MkDocs turns our PluginError into Abort after logging it
        assert "Aborted with a BuildError" in str(exc)
        return
    except PluginError as exc:  # raised from on_config (settings) before build() wraps it
        assert "Masthead found" in str(exc)
        return
    article, faults = parse_article("news/fuzz.md", story.read_text("utf-8"), SITE,
                                    exists=lambda p: (fuzz_site.root / "docs" / p).is_file())
    assert article is not None and faults == []  # the build accepted exactly what the parser accepts
    withheld = article.draft or article.date > dt.datetime.now(dt.UTC)
    assert (fuzz_site.out / "news/fuzz/index.html").is_file() is not withheld
