"""`mkdocs serve` rebuilds only the pages an edit can change, and the site equals a clean build.

Real serve builds in this process (MkDocs' own build function in serve mode, one site folder for
the session), then an edit, a rebuild, and a clean `mkdocs build` of the edited site to compare
with. Nothing here measures time.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from masthead.article import parse_article
from masthead.incremental import RelatedMemo, changed_sources, same_shape, story_of, structure_kept
from masthead.related import DEFAULT_LIMITS, RelatedLists, RelatedSettings
from masthead.settings import load_settings
from tests.conftest import Site, article, leave_serve_mode, settings
from tests.test_cache import same_tree

MakeSite = Callable[..., Site]

TOPICS = [  # (title, tags, body): each story its own words, so related stories are few and clear
    ("Harbour cranes stand idle", ["ports"], "Dockers wait as container cranes stand idle at the harbour."),
    ("Glacier ice melts faster", ["climate"], "Glacier ice melts faster each summer, say glaciologists."),
    ("Bakery bread prices rise", ["prices"], "Flour costs push bakery bread prices up again."),
    ("Orchestra tours the coast", ["culture"], "The orchestra plays symphonies in coastal towns."),
    ("Rail strike halts freight", ["transport"], "Freight trains stop as rail workers strike."),
    ("Vineyard harvest comes early", ["farming"], "Grapes ripen early; vineyard harvest begins."),
    ("Satellite launch delayed", ["space"], "Rocket engineers delay the satellite launch."),
    ("Library opens night hours", ["culture"], "Readers welcome the library's night hours."),
    ("Fishing quotas cut again", ["ports", "farming"], "Trawler crews face smaller fishing quotas."),
    ("Tram line reaches suburbs", ["transport"], "The new tram line reaches the northern suburbs."),
]


def newsroom_files() -> dict[str, str]:
    files = {}
    for i, (title, tags, body) in enumerate(TOPICS):
        section = "news" if i % 2 == 0 else "economy"
        files[f"{section}/s{i}.md"] = article(title, f"2025-03-{i + 1:02d} 08:00", body=body, tags=tags)
    return files


class Served:
    """One `mkdocs serve` session's site folder, rebuilt in this process like serve does."""

    def __init__(self, site: Site, folder: Path) -> None:
        self.site, self.folder = site, folder
        self.report = folder.parent / f"{folder.name}-timings.json"

    def rebuild(self, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        monkeypatch.setenv("MASTHEAD_TIMINGS", str(self.report))
        config = load_config(str(self.site.root / "mkdocs.yml"), site_dir=str(self.folder))
        sys.modules["masthead_perf"].note_command("serve")
        config.plugins.on_startup(command="serve", dirty=False)
        build(config, serve_url="http://127.0.0.1:8000/")
        sys.modules["masthead_perf"].wait_for_index()  # rebuilds refresh search in the background
        notes: dict[str, Any] = json.loads(self.report.read_text(encoding="utf-8"))["notes"]
        return notes

    def html(self, url: str) -> BeautifulSoup:
        return BeautifulSoup((self.folder / url / "index.html").read_text(encoding="utf-8"), "html.parser")

    def text(self, url: str) -> str:
        return self.html(url).get_text(" ")

    def tag_text(self, tag: str) -> str:
        """The text of every page of a tag."""
        pages = sorted((self.folder / "tags" / tag).rglob("index.html"))
        return " ".join(BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text(" ")
                        for p in pages)

    def same_as_clean_build(self, tmp_path: Path) -> bool:
        clean = tmp_path / "clean"
        result = self.site.build("--strict", "--site-dir", str(clean))
        assert result.returncode == 0, result.stderr
        return same_tree(clean, self.folder)


@pytest.fixture
def served(make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """A newsroom of ten stories, built once by `mkdocs serve`."""
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    # One story per tag page: a tag's other pages must not depend on its other stories.
    # The WeChat copy button (serve-only by default) in the clean build too, so the two compare.
    masthead = settings(tag_page_size=1, wechat={"article": {"button": "always"}})
    session = Served(make_site(newsroom_files(), masthead), tmp_path / "served")
    first = session.rebuild(monkeypatch)
    assert first.get("pages_left_out", 0) == 0  # the first build builds everything
    yield session
    leave_serve_mode()


def edit(site: Site, path: str, old: str, new: str) -> None:
    file = site.root / "docs" / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new), encoding="utf-8")


def related_titles(page: BeautifulSoup) -> list[str]:
    block = page.select_one(".mh-related")
    return [a.get_text(" ", strip=True) for a in block.select("a")] if block else []


# -- edits that keep the site's structure: most pages are left as they are ---------------------


def test_a_body_edit_rebuilds_only_the_pages_showing_the_story(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {p: p.stat().st_mtime_ns for p in served.folder.rglob("index.html")}
    edit(served.site, "news/s4.md", "Freight trains stop", "Freight trains stop for a week")
    notes = served.rebuild(monkeypatch)
    assert "for a week" in served.text("news/s4/")
    assert notes["pages_left_out"] > 0
    untouched = served.folder / "economy/s1/index.html"  # shows neither the story nor its tags
    assert untouched.stat().st_mtime_ns == before[untouched]
    assert served.same_as_clean_build(tmp_path)


def test_a_new_headline_reaches_related_lists_tag_pages_and_the_front_page(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "Tram line reaches suburbs" in served.text("")  # the newest story leads the front page
    assert "Tram line reaches suburbs" in related_titles(served.html("news/s4/"))  # both on transport
    second = served.folder / "tags/transport/page/2/index.html"  # the older transport story only
    assert "Rail strike halts freight" in second.read_text(encoding="utf-8")
    before = second.stat().st_mtime_ns
    edit(served.site, "economy/s9.md", "title: Tram line reaches suburbs", "title: Tram line opens early")
    notes = served.rebuild(monkeypatch)
    assert notes["pages_left_out"] > 0
    for url in ("", "economy/", "tags/transport/", "news/s4/", "economy/s9/"):
        text = served.text(url)
        assert "Tram line opens early" in text and "Tram line reaches suburbs" not in text, url
    assert "Tram line opens early" in related_titles(served.html("news/s4/"))
    assert second.stat().st_mtime_ns == before  # the tag's count and name did not change
    assert served.same_as_clean_build(tmp_path)


def test_a_new_headline_reaches_the_wechat_notes_of_the_stories_that_link_to_it(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # s3 is neither among s0's related stories nor in its rail: only the link ties them.
    edit(served.site, "news/s0.md", "at the harbour.", "at the [harbour](../economy/s3.md).")
    served.rebuild(monkeypatch)
    assert "Orchestra tours the coast" not in served.text("news/s0/")
    edit(served.site, "economy/s3.md", "Orchestra tours the coast", "Orchestra stays home")
    served.rebuild(monkeypatch)
    copy = served.html("news/s0/").find("template", id="mh-wechat-html")
    assert "[1] Orchestra stays home: https://example.org/economy/s3/" in copy.decode_contents()
    assert served.same_as_clean_build(tmp_path)


def test_an_edit_that_makes_a_story_related_adds_it_to_other_related_lists(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "Bakery bread prices rise" not in related_titles(served.html("economy/s1/"))
    edit(served.site, "news/s2.md", "title: Bakery bread prices rise", "title: Glacier ice melts bakery")
    edit(served.site, "news/s2.md", "Flour costs push", "Glacier ice melts faster; flour costs push")
    notes = served.rebuild(monkeypatch)
    assert notes["pages_left_out"] > 0
    assert "Glacier ice melts bakery" in related_titles(served.html("economy/s1/"))
    assert served.same_as_clean_build(tmp_path)


class Warnings(logging.Handler):
    """What MkDocs' loggers warn of (on the "mkdocs" logger itself: it may not propagate)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def __enter__(self) -> Warnings:
        logger = logging.getLogger("mkdocs")
        self.saved = logger.level  # an earlier test may have quietened MkDocs (`mkdocs build -q`)
        logger.setLevel(logging.INFO)
        logger.addHandler(self)
        return self

    def __exit__(self, *_: object) -> None:
        logger = logging.getLogger("mkdocs")
        logger.removeHandler(self)
        logger.setLevel(self.saved)

    def about(self, text: str) -> bool:
        return any(text in message for message in self.messages)


def test_a_page_that_warned_is_built_again_so_its_warning_is_not_lost(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(served.site, "economy/s1.md", "say glaciologists.", "say [glaciologists](missing.md).")
    with Warnings() as first:
        served.rebuild(monkeypatch)
    assert first.about("missing.md")  # not strict here: a warning, the site is built
    edit(served.site, "news/s4.md", "Freight trains stop", "Freight trains stop for a week")
    with Warnings() as second:
        notes = served.rebuild(monkeypatch)
    assert second.about("missing.md")
    assert notes["pages_left_out"] == 0  # after a build that warned, nothing is kept


# -- edits that change the structure: every page is built again (from the cache if it can) -------


def test_a_changed_tag_moves_the_story_between_tag_pages(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(served.site, "news/s4.md", "- transport", "- ports")
    notes = served.rebuild(monkeypatch)
    assert notes.get("pages_left_out", 0) == 0
    assert "Rail strike halts freight" in served.tag_text("ports")
    assert "Rail strike halts freight" not in served.tag_text("transport")
    assert served.same_as_clean_build(tmp_path)


def test_a_new_story_and_a_deleted_story_show_up_in_the_next_rebuild(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = served.site.root / "docs"
    (docs / "news/s10.md").write_text(article("Ferry service resumes", "2025-03-20 08:00",
                                              body="The island ferry sails again.", tags=["ports"]),
                                      encoding="utf-8")
    served.rebuild(monkeypatch)
    assert "Ferry service resumes" in served.text("")
    assert "Ferry service resumes" in served.tag_text("ports")
    assert served.same_as_clean_build(tmp_path)
    (docs / "news/s10.md").unlink()
    (docs / "economy/s7.md").unlink()
    served.rebuild(monkeypatch)
    assert not (served.folder / "news/s10/index.html").exists()
    assert not (served.folder / "economy/s7/index.html").exists()
    assert "Ferry service resumes" not in served.text("")
    assert "Library opens night hours" not in served.tag_text("culture")
    assert served.same_as_clean_build(tmp_path / "again")


# -- the pure parts --------------------------------------------------------------------------------


def _story(title: str, body: str = "Text.", src: str = "news/a.md", **fields: Any) -> Any:
    found, faults = parse_article(src, article(title, body=body, **fields), load_settings(settings()))
    assert found is not None and not faults
    return found


def test_a_story_keeps_its_shape_when_only_its_texts_change() -> None:
    story = _story("One", tags=["x"])
    assert same_shape(story, _story("Two", body="Other text.", tags=["x"]))
    assert not same_shape(story, _story("One", tags=["y"]))
    assert not same_shape(story, _story("One", date="2025-03-15 09:30"))
    before = {"news/a.md": story}
    assert structure_kept(before, {"news/a.md": _story("Two", tags=["x"])}, {"news/a.md"})
    assert not structure_kept(before, {}, {"news/a.md"})
    assert changed_sources({"a": "1", "b": "2"}, {"a": "1", "b": "3", "c": "4"}) == {"b", "c"}
    assert changed_sources({"a": "1"}, {}) == {"a"}
    assert story_of(story) == "news/a.md" and story_of("news/a.md") is None


def test_related_memo_reuses_the_last_answer_until_a_text_it_reads_changes() -> None:
    calls: list[int] = []

    def compute(published: Any, others: Any, cfg: Any, known: Any) -> RelatedLists:
        calls.append(len(published))
        return RelatedLists(published, others, cfg, known)

    def stories(title: str) -> list[Any]:
        return [_story(t, src=f"news/{n}.md", date=f"2025-03-1{i} 08:00")
                for i, (n, t) in enumerate((("a", "Alpha"), ("b", "Beta"), ("c", title)))]

    first = RelatedMemo(compute=compute)
    old = stories("Gamma")
    first(old, [], RelatedSettings(), {a.src_uri: a for a in old})
    same = first.next_build()
    new = stories("Gamma")  # equal stories, new objects: the texts are compared
    result = same(new, [], RelatedSettings(), {a.src_uri: a for a in new})
    assert calls == [3] and same.reused == 1 and same.changed == set()
    live = {a.src_uri: a for a in new}
    assert all(b is live[b.src_uri] for found in result.values() for b in found)  # today's stories
    edited = same.next_build()
    newer = stories("Gamma rays")
    edited(newer, [], RelatedSettings(), {a.src_uri: a for a in newer})
    assert calls == [3, 3] and edited.changed == set()  # computed again; the same lists by path
    # Longer than the part of a body related stories read (Limits.body_tokens).
    lead = " ".join(f"word{i}" for i in range(DEFAULT_LIMITS.body_tokens + 100))
    long_before = [_story("Alpha", body=lead), _story("Beta", src="news/b.md")]
    tail = RelatedMemo(compute=compute)
    tail(long_before, [], RelatedSettings(), {})
    appended = tail.next_build()
    long_after = [_story("Alpha", body=lead + "\n\nEdited at the end."), long_before[1]]
    appended(long_after, [], RelatedSettings(), {})
    assert appended.reused == 1  # the end of a long story is not what related stories read
    assert RelatedMemo(compute=compute).changed == set()
    fresh = RelatedMemo(compute=compute)
    fresh(newer, [], RelatedSettings(), {})
    assert fresh.changed is None  # nothing to compare with
