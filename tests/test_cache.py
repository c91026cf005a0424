"""The render cache and the process pool: a cached build is the build MkDocs would make.

Real builds of small newsrooms, twice or more in the same folder (so the second build finds
the first one's cache in `.cache/masthead/`). Nothing here measures time.
"""

from __future__ import annotations

import filecmp
import json
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from masthead.cache import RenderCache, activate, cache_dir, memo_key, memoized
from masthead.fingerprint import DigestOnce, Memo, Unfingerprintable, digest, quick_digest
from tests.conftest import ROOT, Site, article, leave_serve_mode, sample_site, settings

MakeSite = Callable[..., Site]


def stories(n: int = 4, **extra: Any) -> dict[str, str]:
    return {f"news/story-{i}.md": article(f"Story {i}", f"2025-03-{i + 1:02d} 08:00",
                                          body=f"Paragraph {i} with **bold** text.\n\n## Part {i}\n\n"
                                               f"| a | b |\n|---|---|\n| {i} | 2 |\n", **extra)
            for i in range(n)}


def build(site: Site, *args: str, **env: str) -> dict[str, Any]:
    """Build strictly; the build's timing report (cache hits and misses are in its notes)."""
    report = site.root / "timings.json"
    result = site.build("--strict", *args, env={"MASTHEAD_TIMINGS": str(report), **env})
    assert result.returncode == 0, result.stderr
    notes: dict[str, Any] = json.loads(report.read_text())["notes"]
    return notes


def same_tree(a: Path, b: Path) -> bool:
    """Every file under ``a`` and ``b`` has the same bytes (sitemap.xml.gz holds a timestamp)."""
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file() and p.suffix != ".gz")
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file() and p.suffix != ".gz")
    assert files_a == files_b
    _, mismatch, errors = filecmp.cmpfiles(a, b, [str(p) for p in files_a], shallow=False)
    assert not errors
    return not mismatch


# -- what the cache keys are made of ------------------------------------------------------------


def test_digest_is_the_same_for_equal_values_and_differs_for_any_change() -> None:
    value = {"b": [1, 2.5, "三"], "a": (None, True), "c": {"x": b"\x00"}}
    assert digest(value) == digest({"c": {"x": b"\x00"}, "a": (None, True), "b": [1, 2.5, "三"]})
    assert digest(value) != digest({**value, "b": [1, 2.5, "四"]})
    assert digest(["ab", "c"]) != digest(["a", "bc"])
    assert digest(1) != digest("1") != digest(1.0)


def test_values_that_cannot_be_read_completely_are_refused() -> None:
    with pytest.raises(Unfingerprintable):
        digest({"f": lambda: 1})
    with pytest.raises(Unfingerprintable):
        quick_digest({"f": lambda: 1})


def test_quick_digest_does_not_depend_on_shared_objects() -> None:
    shared = "Motor Ledger" * 3
    assert quick_digest([shared, shared]) == quick_digest(["Motor Ledger" * 3, "Motor Ledger" * 3])


@dataclass(frozen=True)
class Card:
    title: str
    tags: tuple[str, ...]


def test_quick_digest_with_a_memo_still_tells_articles_apart() -> None:
    memo: Memo = {}
    a, b = Card("A", ("x",)), Card("A", ("x",))
    assert quick_digest([a, a], memo) == quick_digest([b, b], {}) == quick_digest([a, b], memo)
    assert quick_digest([Card("A", ("y",))], memo) != quick_digest([a], memo)


def test_cache_keeps_entries_between_builds_and_drops_the_long_unused(tmp_path: Path) -> None:
    first = RenderCache(tmp_path / "c")
    first.put("page", "k1", "<p>one</p>")
    first.put("page", "k2", {"html": "two"})
    first.close(prune=True)
    second = RenderCache(tmp_path / "c")  # the same day: k2 unused but kept
    assert second.get("page", "k1") == "<p>one</p>"
    assert second.get("page", "nope") is None
    second.close(prune=True)
    third = RenderCache(tmp_path / "c")
    assert third.get("page", "k2") == {"html": "two"}
    assert third.stats() == {"hits": {"page": 1}, "misses": {}}
    third.close(prune=True)
    later = RenderCache(tmp_path / "c")
    later.today += 3  # three days on, a build that uses only k1
    assert later.get("page", "k1") == "<p>one</p>"
    later.close(prune=True)
    last = RenderCache(tmp_path / "c")
    last.today += 3
    assert last.get("page", "k1") == "<p>one</p>" and last.get("page", "k2") is None
    last.close(prune=False)


def test_cache_keeps_only_the_last_build_when_it_grew_too_big(tmp_path: Path) -> None:
    busy = RenderCache(tmp_path / "c")
    for i in range(1200):  # a day of edits
        busy.put("page", f"old-{i}", i)
    busy.close(prune=True)
    now = RenderCache(tmp_path / "c")
    now.put("page", "new", "x")
    now.close(prune=True)
    after = RenderCache(tmp_path / "c")
    assert after.get("page", "new") == "x" and after.get("page", "old-1") is None
    after.close(prune=False)


def test_cache_can_be_switched_off_and_survives_a_damaged_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MASTHEAD_CACHE", "off")
    assert cache_dir(tmp_path) is None
    off = RenderCache(None)
    off.put("page", "k", "x")
    assert off.get("page", "k") is None and not off.enabled
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "render.sqlite").write_bytes(b"not a database" * 100)
    damaged = RenderCache(tmp_path / "bad")
    damaged.put("page", "k", "x")
    assert damaged.get("page", "other") is None
    damaged.close(prune=True)


calls: list[str] = []


@memoized("test-shout")
def shout(word: str) -> str:
    calls.append(word)
    return word.upper()


def test_memoized_functions_compute_once_per_argument_across_builds(tmp_path: Path) -> None:
    calls.clear()
    try:
        activate(RenderCache(tmp_path / "c"), "code-1")
        assert shout("a") == shout("a") == "A"
        assert mkey_cache().get("test-shout", memo_key("test-shout", "code-1", ("a",))) == "A"
        mkey_cache().close(prune=True)
        activate(RenderCache(tmp_path / "c"), "code-1")  # the next build
        assert shout("a") == "A" and shout("b") == "B"
        assert calls == ["a", "b"]
        mkey_cache().close(prune=True)
        activate(RenderCache(tmp_path / "c"), "code-2")  # changed code: computed again
        assert shout("a") == "A" and calls == ["a", "b", "a"]
        mkey_cache().close(prune=False)
    finally:
        activate(None)
    assert shout("c") == "C" and calls[-1] == "c"  # no build: simply called


def mkey_cache() -> RenderCache:
    from masthead import cache

    assert cache._active is not None
    return cache._active[0]


# -- never stale ------------------------------------------------------------------------------


def test_second_build_comes_from_the_cache_and_is_byte_identical(make_site: MakeSite) -> None:
    site = make_site(stories())
    first = build(site)
    shutil.copytree(site.out, site.root / "first")
    second = build(site)
    assert first["cache_stats"]["hits"] == {}
    hits = second["cache_stats"]["hits"]
    assert hits["source"] == 4 and hits["markdown"] >= 4 and hits["page"] >= 7
    assert second["cache_stats"]["misses"] == {}
    assert same_tree(site.root / "first", site.out)


def test_an_edited_article_shows_up_in_the_next_build(make_site: MakeSite) -> None:
    site = make_site(stories())
    build(site)
    path = site.root / "docs/news/story-2.md"
    path.write_text(path.read_text().replace("Paragraph 2", "Edited paragraph"), encoding="utf-8")
    notes = build(site)
    assert "Edited paragraph" in site.html("news/story-2/").select_one(".mh-article__body").get_text()
    assert notes["cache_stats"]["misses"]["source"] == 1
    assert notes["cache_stats"]["hits"]["source"] == 3


def test_an_edit_renders_again_only_the_pages_that_show_the_story(make_site: MakeSite) -> None:
    files = {f"news/s{i}.md": article(f"Story {i}", f"2025-03-{i + 1:02d} 08:00", tags=[f"topic-{i}"],
                                      body=f"Text {i}.")
             for i in range(12)}
    site = make_site(files)
    first = build(site)
    pages = sum(first["cache_stats"]["misses"].get(k, 0) for k in ("page",))
    path = site.root / "docs/news/s0.md"  # the oldest: in no rail, on one tag page
    path.write_text(path.read_text().replace("Text 0.", "Text 0, edited."), encoding="utf-8")
    notes = build(site)
    assert "edited" in site.html("news/s0/").select_one(".mh-article__body").get_text()
    assert 0 < notes["cache_stats"]["misses"]["page"] <= 10 < pages
    assert notes["cache_stats"]["hits"]["page"] >= pages - 10


def test_a_changed_headline_reaches_every_page_that_lists_it(make_site: MakeSite) -> None:
    site = make_site(stories())
    build(site)
    path = site.root / "docs/news/story-3.md"
    path.write_text(path.read_text().replace("title: Story 3", "title: Renamed story"), encoding="utf-8")
    build(site)
    assert site.html("news/story-3/").h1.get_text() == "Renamed story"
    rail = site.html("news/story-0/").get_text()  # the newest stories are beside every article
    assert "Renamed story" in rail and "Story 3" not in rail
    assert "Renamed story" in site.html("news/").get_text()


def test_a_changed_template_renders_every_page_again(make_site: MakeSite, tmp_path: Path) -> None:
    overrides = tmp_path / "overrides"
    shutil.copytree(ROOT / "overrides", overrides)
    site = make_site(stories(), theme={"name": "material", "custom_dir": str(overrides),
                                       "language": "en", "font": False})
    build(site)
    template = overrides / "article.html"
    text = template.read_text(encoding="utf-8")
    changed = text.replace('class="mh-article__title"', 'class="mh-article__title" data-changed="yes"')
    assert changed != text
    template.write_text(changed, encoding="utf-8")
    notes = build(site)
    assert site.html("news/story-1/").h1.get("data-changed") == "yes"
    assert notes["cache_stats"]["hits"].get("page", 0) == 0
    # A partial that every page includes counts too.
    footer = overrides / "partials" / "mh-footer.html"
    footer.write_text(footer.read_text(encoding="utf-8") + "\n<p class='probe'>new footer</p>\n",
                      encoding="utf-8")
    build(site)
    assert site.html("news/").select_one(".probe") is not None


def test_a_changed_setting_renders_the_pages_again(make_site: MakeSite) -> None:
    site = make_site(stories())
    build(site)
    config_file = site.root / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config["extra"]["masthead"]["name"] = "Renamed Ledger"
    config["markdown_extensions"] = ["tables", "attr_list", {"toc": {"permalink": True}}]
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    build(site)
    page = site.html("news/story-1/")
    assert "Renamed Ledger" in page.select_one(".mh-breadcrumb").get_text()
    assert page.select_one(".mh-article__body h2 a.headerlink") is not None


def test_a_broken_link_fails_a_strict_build_every_time_even_from_the_cache(make_site: MakeSite) -> None:
    files = stories()
    files["news/linker.md"] = article("Linker", "2025-03-09 08:00", body="See [this](missing.md).")
    site = make_site(files)
    for _ in range(2):
        result = site.build("--strict")
        assert result.returncode == 1
        assert "missing.md" in result.stderr


def test_a_link_target_that_appears_later_is_linked_in_the_next_build(make_site: MakeSite) -> None:
    files = stories()
    files["news/linker.md"] = article("Linker", "2025-03-09 08:00", body="See [that](later.md).")
    site = make_site(files)
    assert site.build().returncode == 0  # not strict: the missing target is a warning
    assert site.html("news/linker/").select_one(".mh-article__body a")["href"] == "later.md"
    (site.root / "docs/news/later.md").write_text(article("Later", "2025-03-10 08:00"), encoding="utf-8")
    build(site)
    assert site.html("news/linker/").select_one(".mh-article__body a")["href"] == "../later/"


def test_a_removed_image_is_reported_although_the_article_was_cached(make_site: MakeSite) -> None:
    files: dict[str, str | bytes] = dict(stories(2))
    files["assets/pic.svg"] = "<svg xmlns='http://www.w3.org/2000/svg'/>"
    files["news/pictured.md"] = article("Pictured", "2025-03-09 08:00", image="../assets/pic.svg",
                                        image_alt="A picture")
    site = make_site(files)
    build(site)
    (site.root / "docs/assets/pic.svg").unlink()
    result = site.build("--strict")
    assert result.returncode == 1
    assert "news/pictured.md" in result.stderr and "image" in result.stderr


# -- the same pages as MkDocs' own rendering, with or without the pool ----------------------------


def test_sample_newsroom_is_the_same_with_speed_off_cold_warm_and_pooled(tmp_path: Path) -> None:
    site = sample_site(tmp_path / "sample")

    def built(name: str, **env: str) -> Path:
        report = tmp_path / f"{name}.json"
        result = site.build("--strict", "--site-dir", str(tmp_path / name),
                            env={"MASTHEAD_TIMINGS": str(report), **env})
        assert result.returncode == 0, result.stderr
        return tmp_path / name

    plain = built("plain", MASTHEAD_SPEED="off")
    serial = built("serial", MASTHEAD_CACHE="off", MASTHEAD_WORKERS="1")
    pooled = built("pooled", MASTHEAD_CACHE="off", MASTHEAD_WORKERS="2", MASTHEAD_POOL_MIN="1")
    assert json.loads((tmp_path / "pooled.json").read_text())["notes"]["pooled_pages"] >= 40
    cold = built("cold")
    warm = built("warm")
    for other in (serial, pooled, cold, warm):
        assert same_tree(plain, other), other.name


def test_share_cards_drawn_in_the_background_publish_what_one_process_draws(
        make_site: MakeSite, tmp_path: Path) -> None:
    files = {f"news/s{i:03d}.md": article(f"Story {i} 第{i}条", f"2025-03-{1 + i % 28:02d} {i % 24:02d}:00")
             for i in range(40)}
    site = make_site(files)
    images = site.root / ".cache" / "masthead" / "images"
    built = {}
    for name, env in (("later", {"MASTHEAD_WORKERS": "2", "MASTHEAD_CARDS_POOL_MIN": "1"}),
                      ("here", {"MASTHEAD_WORKERS": "1"})):
        shutil.rmtree(images, ignore_errors=True)  # every card drawn again
        target = tmp_path / name
        result = site.build("--strict", "--site-dir", str(target),
                            env={**env, "MASTHEAD_TIMINGS": str(target) + ".json"})
        assert result.returncode == 0, result.stderr
        built[name] = json.loads(Path(str(target) + ".json").read_text())["notes"]
    assert built["later"]["cards_drawn_later"] == 40 and built["here"]["cards_drawn_later"] == 0
    assert len(list((tmp_path / "later").rglob("card-*.png"))) >= 40
    assert same_tree(tmp_path / "later", tmp_path / "here")
    # A failed build stops the drawer and leaves the site as it was.
    (site.root / "docs/news/s001.md").write_text(article("Broken", "2025-03-02 08:00",
                                                           body="[gone](nowhere.md)"), encoding="utf-8")
    shutil.rmtree(images)
    result = site.build("--strict", "--site-dir", str(tmp_path / "later"),
                        env={"MASTHEAD_WORKERS": "2", "MASTHEAD_CARDS_POOL_MIN": "1"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert same_tree(tmp_path / "later", tmp_path / "here")


def test_the_pool_renders_what_one_process_renders(make_site: MakeSite, tmp_path: Path) -> None:
    files = {f"news/s{i:03d}.md": article(f"Story {i}", f"2025-03-{1 + i % 28:02d} {i % 24:02d}:00",
                                          body=f"Text {i}.\n\n[Prev](s{max(0, i - 1):03d}.md#text)\n\n"
                                               f"# Heading {i}\n\nFootnote[^1].\n\n[^1]: Note {i}.")
             for i in range(60)}
    site = make_site(files)
    one = tmp_path / "one"
    two = tmp_path / "two"
    for target, workers in ((one, "1"), (two, "2")):
        result = site.build("--strict", "--site-dir", str(target),
                            env={"MASTHEAD_CACHE": "off", "MASTHEAD_WORKERS": workers,
                                 "MASTHEAD_POOL_MIN": "1", "MASTHEAD_TIMINGS": str(target) + ".json"})
        assert result.returncode == 0, result.stderr
    pooled = json.loads(Path(str(two) + ".json").read_text())["notes"]
    assert pooled["pooled_pages"] == 60 and pooled["pages_by_workers"] > 0
    assert json.loads(Path(str(one) + ".json").read_text())["notes"]["pooled_pages"] == 0
    assert same_tree(one, two)


# -- mkdocs serve: unchanged pages stay on disk between rebuilds ----------------------------------


@pytest.fixture
def serving() -> Iterator[Any]:
    """MkDocs' build function and the perf module, in this process, in serve mode."""
    from mkdocs.commands.build import build as mkdocs_build

    yield mkdocs_build
    leave_serve_mode()


def test_serve_rebuild_rewrites_only_changed_pages_and_matches_a_clean_build_search_included(
    make_site: MakeSite, serving: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mkdocs.config import load_config

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    # The WeChat copy button (serve-only by default) in the clean build too, so the two compare.
    site = make_site(stories(8), settings(wechat={"article": {"button": "always"}}))
    served = tmp_path / "served"

    def rebuild() -> None:
        config = load_config(str(site.root / "mkdocs.yml"), site_dir=str(served))
        sys.modules["masthead_perf"].note_command("serve")
        config.plugins.on_startup(command="serve", dirty=False)
        serving(config, serve_url="http://127.0.0.1:8000/")

    rebuild()
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in served.rglob("index.html")}
    story = site.root / "docs/news/story-1.md"
    story.write_text(story.read_text().replace("Paragraph 1", "Served edit"), encoding="utf-8")
    (site.root / "docs/news/story-0.md").unlink()  # also: the oldest story is removed
    rebuild()
    sys.modules["masthead_perf"].wait_for_index()  # rebuilds refresh search in the background
    kept = rewritten = 0
    for path, (data, mtime) in before.items():
        if not path.exists():
            continue
        changed = path.read_bytes() != data
        assert (path.stat().st_mtime_ns != mtime) == changed, path  # written if and only if changed
        kept += not changed
        rewritten += changed
    assert kept > 0 and rewritten > 0
    assert "Served edit" in (served / "news/story-1/index.html").read_text(encoding="utf-8")
    assert not (served / "news/story-0/index.html").exists()
    assert not (served / ".masthead-keep").exists()

    clean = site.build("--strict", "--site-dir", str(tmp_path / "clean"))
    assert clean.returncode == 0, clean.stderr
    assert same_tree(tmp_path / "clean", served)


def test_digest_once_digests_each_shared_object_once_and_equal_objects_apart() -> None:
    calls: list[object] = []

    def digest_of(value: object) -> str:
        calls.append(value)
        return f"d{len(calls)}"

    once = DigestOnce(digest_of)
    shared = {"site": "Auto News"}
    assert once(shared) == once(shared) == "d1"  # the second page reuses the first digest
    twin = {"site": "Auto News"}
    assert once(twin) == "d2" and len(calls) == 2  # an equal but other object is digested itself
