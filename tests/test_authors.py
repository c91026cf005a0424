"""Author pages from docs/authors.yml: checked with faults naming the key, linked from bylines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from masthead.authors import Author, Staff, parse_authors, stories_by_author
from masthead.catalog import build_catalog
from masthead.settings import load_settings
from tests.conftest import Site, article, settings

MakeSite = Callable[..., Site]

STAFF = """\
li-ming:
  name: Li Ming
  title: Hefei correspondent
  bio: |
    Li Ming covers battery makers.

    Before that, <b>ports</b>.
  avatar: assets/li.svg
  links:
    - {label: Email, url: "mailto:li@example.org"}
    - {label: Site, url: "https://example.org/li"}
zhang-wei:
  name: 张伟
"""


def test_staff_is_read_in_file_order_and_found_by_name_or_url_name_in_any_case() -> None:
    staff, faults = parse_authors(STAFF, exists=lambda p: p == "assets/li.svg")
    assert faults == []
    assert [a.slug for a in staff.authors] == ["li-ming", "zhang-wei"]
    li = staff.authors[0]
    assert li.url == "authors/li-ming/"
    assert li.bio_paragraphs == ("Li Ming covers battery makers.", "Before that, <b>ports</b>.")
    assert [(link.label, link.url) for link in li.links] == [
        ("Email", "mailto:li@example.org"), ("Site", "https://example.org/li")]
    assert staff.find("li ming") is li and staff.find("LI-MING") is li and staff.find("Li  Ming") is li
    assert staff.find("张伟") is staff.authors[1]
    assert staff.find("Anna Berg") is None


def test_every_bad_author_field_is_reported_with_its_key_and_line() -> None:
    source = """\
li-ming:
  name: Li Ming
  avatar: assets/missing.png
  titel: Correspondent
  links:
    - {label: Home, url: "javascript:alert(1)"}
Zhang Wei:
  name: 张伟
anna:
  title: no name
bob:
  name: Li Ming
carol: just text
"""
    _, faults = parse_authors(source, exists=lambda p: False)
    found = {(f.field, f.line) for f in faults}
    assert ("li-ming.avatar", 3) in found
    assert ("li-ming.titel", 4) in found
    assert ("li-ming.links", 5) in found
    assert ("Zhang Wei", 7) in found
    assert ("anna.name", 9) in found  # required: the fault points at the author
    assert ("bob.name", 12) in found  # the same name as li-ming
    assert ("carol", 13) in found
    assert all(f.file == "authors.yml" and f.fix for f in faults)
    messages = " ".join(f.format() for f in faults)
    assert "javascript" in messages and "is not an author field" in messages


def test_broken_yaml_in_authors_file_is_one_fault_with_a_line() -> None:
    _, faults = parse_authors("li-ming:\n  name: [Li\n")
    assert len(faults) == 1 and faults[0].line is not None and "broken YAML" in faults[0].message


def test_stories_are_credited_to_each_author_once() -> None:
    s = load_settings(settings())
    catalog = build_catalog({"news/a.md": article("A", authors=["Li Ming", "li-ming"]),
                             "news/b.md": article("B", "2025-03-15", author="Anna Berg")},
                            s, now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    staff = Staff.of((Author("li-ming", "Li Ming"),))
    assert {k: [a.title for a in v] for k, v in stories_by_author(staff, catalog.articles).items()} == {
        "li-ming": ["A"]}


def test_bylines_link_to_author_pages_which_list_their_stories_paginated(make_site: MakeSite) -> None:
    files = {f"news/s{i}.md": article(f"Story {i}", f"2025-03-{i + 1:02d}", authors=["Li Ming", "Anna Berg"])
             for i in range(4)}
    files["economy/zh.md"] = article("经济观察", "2025-02-01", author="张伟", lang="zh")
    files["authors.yml"] = STAFF
    files["assets/li.svg"] = '<svg xmlns="http://www.w3.org/2000/svg"/>'
    site = make_site(files)
    result = site.build("--strict")
    assert result.returncode == 0, result.stderr

    story = site.html("news/s3/")
    authors = story.select(".mh-byline dd")[0]
    links = {a.get_text(): a["href"] for a in authors.select("a")}
    assert links == {"Li Ming": "../../authors/li-ming/"}
    assert authors.get_text() == "Li Ming, Anna Berg"  # no page for Anna Berg: plain text
    assert site.html("economy/zh/").select_one(".mh-byline dd a")["href"] == "../../authors/zhang-wei/"

    page = site.html("authors/li-ming/")
    assert page.h1.get_text() == "Li Ming"
    assert page.select_one(".mh-author__title").get_text() == "Hefei correspondent"
    assert [p.get_text() for p in page.select(".mh-author__bio")] == [
        "Li Ming covers battery makers.", "Before that, <b>ports</b>."]  # escaped, not markup
    assert page.select_one(".mh-author img")["src"] == "../../assets/li.svg"
    assert [a["href"] for a in page.select(".mh-author__links a")] == [
        "mailto:li@example.org", "https://example.org/li"]
    first = [h.get_text(strip=True) for h in page.select(".mh-card__title")]
    second = [h.get_text(strip=True) for h in site.html("authors/li-ming/page/2/").select(".mh-card__title")]
    assert first == ["Story 3", "Story 2", "Story 1"] and second == ["Story 0"]  # page_size 3

    index = site.html("authors/")
    people = [(p.select_one(".mh-staff__name").get_text(), p.select_one(".mh-staff__count").get_text())
              for p in index.select(".mh-staff__person")]
    assert people == [("Li Ming", "4 stories"), ("张伟", "1 story")]
    assert index.select_one('.mh-footer a[href="./"]').get_text() == "Authors"
    assert not (site.out / "authors.yml").exists(), "the staff file is read, not published"


def test_a_bad_authors_file_stops_the_build_naming_file_line_and_key(make_site: MakeSite) -> None:
    staff = "li-ming:\n  name: Li Ming\n  avatar: nope.png\n"
    site = make_site({"news/a.md": article(), "authors.yml": staff})
    result = site.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "authors.yml:3: li-ming.avatar: file 'nope.png' does not exist" in result.stderr


def test_without_an_authors_file_there_are_no_author_pages(make_site: MakeSite) -> None:
    site = make_site({"news/a.md": article(author="Li Ming")})
    assert site.build("--strict").returncode == 0
    assert not (site.out / "authors").exists()
    assert site.html("news/a/").select_one(".mh-byline a") is None


def test_articles_cannot_take_the_author_pages_urls(make_site: MakeSite) -> None:
    site = make_site({"news/a.md": article(), "archive/x.md": article(section="news"),
                      "authors/li-ming.md": article(section="news")})
    result = site.build()
    assert result.returncode == 1
    assert "archive/x.md: file name: its URL /archive/x/ is the date archive" in result.stderr
    assert "authors/li-ming.md: file name: its URL /authors/li-ming/ is the author pages" in result.stderr
