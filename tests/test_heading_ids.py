"""Heading ids: a Chinese heading's anchor is its own text, an English one's is what it always was.

The engine gives Python-Markdown's toc the slugify that keeps every script (hooks/masthead/slugs.py
``heading_ids``) unless the newsroom's mkdocs.yml chose one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown import Markdown
from markdown.extensions.toc import slugify, slugify_unicode

from masthead.fingerprint import digest, loose
from masthead.slugs import heading_ids
from tests.conftest import Site, article
from tests.test_cache import build  # strict build; its timing notes (cache hits, pool)

MakeSite = Callable[..., Site]

BODY = """\
Lead paragraph.

## 抢人大战

Text.

## Why now?

Text.

## Q&A: the 2026 plan -- what's next

Text.

## 抢人大战

Again.

## 2026年展望

Text.
"""

# Ids as MkDocs gave them before (toc's default slugify) for the English headings above.
ENGLISH = ["why-now", "qa-the-2026-plan-whats-next"]


def ids(site: Site, url: str) -> list[str]:
    return [h["id"] for h in site.html(url).select(".mh-article__body h2")]


# -- the setting ------------------------------------------------------------------------------


def test_the_engine_default_keeps_the_newsrooms_other_toc_options() -> None:
    configs = heading_ids({"toc": {"permalink": True}, "footnotes": {}})
    assert configs == {"toc": {"slugify": slugify_unicode, "permalink": True}, "footnotes": {}}
    assert heading_ids({})["toc"] == {"slugify": slugify_unicode}


@pytest.mark.parametrize("key", ["toc", "markdown.extensions.toc"])
def test_a_slugify_the_newsroom_chose_wins(key: str) -> None:
    configs = {key: {"slugify": slugify, "permalink": True}}
    assert heading_ids(configs) == configs


def test_ascii_headings_get_exactly_the_ids_of_toc_default() -> None:
    headings = ["Why now?", "Q&A: the 2026 plan -- what's next", "  Spaces   and_underscores  ",
                "C++ / Rust (2025)", "... list of files ...", "100% electric!", "<b>Bold</b> move"]
    for text in headings:
        assert slugify_unicode(text, "-") == slugify(text, "-"), text


def test_ids_are_readable_and_unique_in_python_markdown() -> None:
    md = Markdown(extensions=["toc"], extension_configs=heading_ids({}))
    html = md.convert("## 抢人大战\n\n## 抢人大战\n\n## Citroën à Paris\n\n## Россия\n")
    assert 'id="抢人大战"' in html and 'id="抢人大战_1"' in html
    assert 'id="citroën-à-paris"' in html and 'id="россия"' in html


def test_the_cache_key_tells_a_partials_arguments_apart() -> None:
    # pymdownx.slugs.slugify(case=...) in mkdocs.yml gives toc a functools.partial.
    from pymdownx.slugs import slugify as configurable

    lower, none = configurable(case="lower"), configurable(case="none")
    assert isinstance(lower, functools.partial)
    assert digest(loose({"toc": {"slugify": lower}})) == digest(loose({"toc": {"slugify": configurable(
        case="lower")}}))
    assert digest(loose({"toc": {"slugify": lower}})) != digest(loose({"toc": {"slugify": none}}))


# -- real builds ------------------------------------------------------------------------------


def test_chinese_headings_get_their_text_as_id_and_a_second_build_comes_from_the_cache(
        make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({"news/zh.md": article("抢人大战升级", body=BODY),
                      "news/en.md": article("Why now", "2025-03-15 09:30",
                                            body="See [the fight](zh.md#抢人大战).\n\n## Why now?\n")},
                     validation={"anchors": "warn"})  # --strict: a link to a missing anchor fails
    first = build(site)
    assert ids(site, "news/zh/") == ["抢人大战", "why-now", ENGLISH[1], "抢人大战_1", "2026年展望"]
    assert ids(site, "news/en/") == ["why-now"]
    link = site.html("news/en/").select_one(".mh-article__body a[href*='#']")
    assert link is not None and link["href"] == "../zh/#抢人大战"
    assert first["uncacheable_pages"] == 0
    (tmp_path / "first").write_bytes((site.out / "news/zh/index.html").read_bytes())
    second = build(site)
    assert second["uncacheable_pages"] == 0
    assert second["cache_stats"]["misses"] == {}
    assert second["cache_stats"]["hits"]["markdown"] >= 2 and second["cache_stats"]["hits"]["page"] >= 2
    assert (site.out / "news/zh/index.html").read_bytes() == (tmp_path / "first").read_bytes()


def test_the_worker_pool_renders_the_same_ids(make_site: MakeSite) -> None:
    files = {f"news/s{i:02d}.md": article(f"Story {i}", f"2025-03-{i + 1:02d} 08:00", body=BODY)
             for i in range(6)}
    site = make_site(files)
    notes = build(site, MASTHEAD_CACHE="off", MASTHEAD_WORKERS="2", MASTHEAD_POOL_MIN="1")
    assert notes["pages_by_workers"] > 0
    for i in range(6):
        assert ids(site, f"news/s{i:02d}/") == ["抢人大战", *ENGLISH, "抢人大战_1", "2026年展望"]


def test_the_newsrooms_own_slugify_wins_and_a_change_of_it_renders_again(make_site: MakeSite) -> None:
    site = make_site({"news/zh.md": article("抢人大战升级", body=BODY)})
    config = site.root / "mkdocs.yml"
    plain = config.read_text(encoding="utf-8")

    def choose(toc: str) -> None:
        config.write_text(plain.replace("- toc\n", f"- toc:\n    {toc}\n"), encoding="utf-8")
        assert config.read_text(encoding="utf-8") != plain

    choose("slugify: !!python/name:markdown.extensions.toc.slugify")  # MkDocs' old ids
    build(site)
    assert ids(site, "news/zh/") == ["_1", *ENGLISH, "_2", "2026"]
    choose("slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: none}}")
    build(site)
    assert ids(site, "news/zh/") == ["抢人大战", "Why-now", "QA-the-2026-plan----whats-next", "抢人大战_1",
                                     "2026年展望"]
    choose("slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}")
    build(site)  # the same function with other arguments: not the cached pages
    assert ids(site, "news/zh/")[1:3] == ["why-now", "qa-the-2026-plan----whats-next"]


def test_a_link_to_an_old_chinese_anchor_fails_a_strict_build_that_checks_anchors(
        make_site: MakeSite) -> None:
    site = make_site({"news/zh.md": article("抢人大战升级", body=BODY),
                      "news/en.md": article("Old link", "2025-03-15 09:30", body="See [it](zh.md#_1).")},
                     validation={"anchors": "warn"})
    for _ in range(2):  # the second time from the cache
        result = site.build("--strict")
        assert result.returncode == 1
        assert "link 'zh.md#_1'" in result.stderr and "anchor '#_1'" in result.stderr
