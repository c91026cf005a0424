import pytest

from masthead.catalog import build_catalog, is_article_path
from masthead.errors import MastheadError
from masthead.listing import paginate
from masthead.settings import Settings, load_settings
from tests.conftest import article, settings


@pytest.fixture
def site() -> Settings:
    return load_settings(settings())


def test_sections_list_newest_first_with_a_stable_tie_break(site: Settings) -> None:
    sources = {
        "news/b.md": article("B", "2025-03-14 09:30"),
        "news/a.md": article("A", "2025-03-14 09:30"),
        "news/c.md": article("C", "2025-03-15"),
        "economy/d.md": article("D", "2024-01-01"),
    }
    catalog = build_catalog(sources, site)
    assert [a.title for a in catalog.by_section["news"]] == ["C", "A", "B"]
    assert [a.title for a in catalog.articles] == ["C", "A", "B", "D"]
    assert catalog.by_section["economy"][0].title == "D"


def test_lead_is_the_pinned_story_else_the_newest(site: Settings) -> None:
    sources = {"news/old.md": article("Old", "2024-01-01", pinned=True),
               "news/new.md": article("New", "2025-01-01")}
    assert build_catalog(sources, site).lead.title == "Old"  # type: ignore[union-attr]
    del sources["news/old.md"]
    assert build_catalog(sources, site).lead.title == "New"  # type: ignore[union-attr]
    assert build_catalog({}, site).lead is None


def test_drafts_are_kept_apart_from_published_stories(site: Settings) -> None:
    catalog = build_catalog({"news/d.md": article("D", draft=True), "news/p.md": article("P")}, site)
    assert [a.title for a in catalog.articles] == ["P"]
    assert [a.title for a in catalog.drafts] == ["D"]


def test_faults_of_all_files_are_reported_together(site: Settings) -> None:
    sources = {"news/a.md": article(title=None), "economy/b.md": article(date="nope"),
               "sports/c.md": article("C"), "news/ok.md": article("OK")}
    with pytest.raises(MastheadError) as info:
        build_catalog(sources, site)
    files = {f.file for f in info.value.faults}
    assert files == {"news/a.md", "economy/b.md", "sports/c.md"}
    assert info.value.report().startswith("Masthead found 3 problems")


def test_two_files_with_one_url_are_a_fault(site: Settings) -> None:
    sources = {"news/a.md": article("A"), "news/a/index.md": article("A again")}
    with pytest.raises(MastheadError) as info:
        build_catalog(sources, site)
    [fault] = info.value.faults
    assert fault.file == "news/a/index.md" and "news/a.md" in fault.message


def test_a_file_on_a_generated_url_is_a_fault(site: Settings) -> None:
    with pytest.raises(MastheadError) as info:
        build_catalog({"news/page/2.md": article("X")}, site,
                      reserved=lambda url: "page 2" if url == "news/page/2/" else None)
    assert "generates" in info.value.faults[0].message


@pytest.mark.parametrize(
    ("uri", "expected"),
    [("news/a.md", True), ("index.md", False), ("about.md", False), ("news/.hidden.md", False),
     ("assets/readme.md", False), ("news/_partial.md", False), ("news/a.txt", False)],
)
def test_which_files_are_articles(uri: str, expected: bool) -> None:
    assert is_article_path(uri) is expected


def test_paginate_links_pages_in_order() -> None:
    pages = paginate("news/", list(range(7)), 3)  # type: ignore[arg-type]
    assert [p.url for p in pages] == ["news/", "news/page/2/", "news/page/3/"]
    assert [len(p.items) for p in pages] == [3, 3, 1]
    assert (pages[0].prev_url, pages[0].next_url) == (None, "news/page/2/")
    assert (pages[2].prev_url, pages[2].next_url) == ("news/page/2/", None)
    assert pages[1].src_uri == "news/page/2/index.md"
    assert len(paginate("news/", [], 3)) == 1


@pytest.mark.parametrize(
    ("uri", "words"),
    [("news/con.md", "device name"), ("news/aux.en.md", "device name"), ("news/a#b.md", "#"),
     ("news/a?b.md", "?"), ("news/100%.md", "%"), ("news/a\tb.md", "control"),
     ("news/" + "x" * 200 + ".md", "200 bytes")],
)
def test_unsafe_file_names_are_faults_not_broken_urls(site: Settings, uri: str, words: str) -> None:
    with pytest.raises(MastheadError) as info:
        build_catalog({uri: article("T"), "news/fine.md": article("Fine")}, site)
    [fault] = info.value.faults
    assert fault.file == uri and fault.field == "file name" and words in fault.message


def test_chinese_and_spaced_file_names_are_accepted(site: Settings) -> None:
    catalog = build_catalog({"news/新能源 销量.md": article("T")}, site)
    assert catalog.articles[0].url == "news/新能源 销量/"
