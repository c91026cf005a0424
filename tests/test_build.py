"""Real `mkdocs build` runs of small purpose-made newsrooms; assertions on the parsed HTML."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from tests.conftest import Site, article, settings

MakeSite = Callable[..., Site]


def five_news(n: int = 5) -> dict[str, str]:
    """``n`` news stories a day apart, Story 0 the oldest."""
    start = dt.datetime(2025, 3, 1, 8, 0)
    return {f"news/story-{i}.md": article(f"Story {i}", f"{start + dt.timedelta(days=i):%Y-%m-%d %H:%M}",
                                          summary=f"Summary {i}.") for i in range(n)}


def test_article_page_shows_headline_byline_dates_breadcrumb_and_dateline(make_site: MakeSite) -> None:
    site = make_site({"news/plant.md": article(
        "Huaxin opens a plant", "2025-03-14 09:30", updated="2025-03-15 18:00",
        authors=["Li Ming", "Anna Berg"], source="Wire Desk", dateline="Hefei",
        tags=["EV", "batteries"], body="The plant opened.\n\nSecond paragraph.")})
    result = site.build("--strict")
    assert result.returncode == 0, result.stderr
    page = site.html("news/plant/")
    assert page.h1.get_text() == "Huaxin opens a plant"
    crumbs = [a.get_text() for a in page.select(".mh-breadcrumb a")]
    assert crumbs == ["Test Ledger", "News"]
    times = {t.parent.parent.dt.get_text(): t["datetime"] for t in page.select(".mh-byline time")}
    assert times == {"Published": "2025-03-14T09:30:00+08:00", "Updated": "2025-03-15T18:00:00+08:00"}
    byline = page.select_one(".mh-byline").get_text(" ", strip=True)
    assert "Li Ming, Anna Berg" in byline and "Wire Desk" in byline
    first = page.select_one(".mh-article__body p")
    assert first.get_text().startswith("HEFEI, Wire Desk — The plant opened.")
    assert [t.get_text() for t in page.select(".mh-tag")] == ["EV", "batteries"]
    assert "Invented stories." in page.select_one(".mh-disclaimer").get_text()
    assert page.select_one('.mh-sections a[aria-current]').get_text() == "News"
    assert "© 2024–2025 Test Ledger" in page.select_one(".mh-footer").get_text()


def test_chinese_article_gets_chinese_lang_and_labels(make_site: MakeSite) -> None:
    site = make_site({"news/zh.md": article("新能源汽车销量创新高", "2025-03-14 09:30", lang="zh",
                                            dateline="上海", body="汽" * 800)})
    assert site.build("--strict").returncode == 0
    page = site.html("news/zh/")
    assert page.html["lang"] == "zh"
    assert page.select_one(".mh-byline").get_text(" ", strip=True).count("发布") == 1
    assert "阅读约 2 分钟" in page.get_text()
    assert page.select_one(".mh-breadcrumb li:nth-of-type(2)").get_text(strip=True) == "新闻"
    assert page.select_one(".mh-article__body p").get_text().startswith("上海，Test Ledger — ")


def test_section_pages_paginate_newest_first(make_site: MakeSite) -> None:
    site = make_site(five_news(7))
    assert site.build("--strict").returncode == 0
    titles = []
    for url in ["news/", "news/page/2/", "news/page/3/"]:
        titles += [h.get_text(strip=True) for h in site.html(url).select(".mh-list .mh-card__title")]
    assert titles == [f"Story {i}" for i in range(6, -1, -1)]
    middle = site.html("news/page/2/")
    assert middle.select_one('a[rel="prev"]')["href"] == "../../"
    assert middle.select_one('a[rel="next"]')["href"] == "../3/"
    assert "Page 2 of 3" in middle.select_one(".mh-pagination").get_text()
    assert not (site.out / "news/page/4").exists()
    assert site.html("economy/").select_one(".mh-list") is None  # empty section still has a page
    assert not list((site.root / "docs").rglob("index.md")), "generated pages stay in memory"


def test_front_page_leads_with_the_pinned_story_and_lists_each_section(make_site: MakeSite) -> None:
    files = five_news(5)
    files["economy/old.md"] = article("Pinned analysis", "2024-06-01", pinned=True)
    site = make_site(files, masthead=settings(front_page_per_section=2))
    assert site.build("--strict").returncode == 0
    front = site.html("")
    assert front.select_one(".mh-front__lead .mh-card__title").get_text(strip=True) == "Pinned analysis"
    blocks = {s.h2.get_text(strip=True): [h.get_text(strip=True) for h in s.select(".mh-card__title")]
              for s in front.select(".mh-front__section")}
    assert blocks == {"News": ["Story 4", "Story 3"]}  # the lead is not repeated under Economy


def test_articles_stay_out_of_the_navigation(make_site: MakeSite) -> None:
    def links(n: int) -> int:
        site = make_site(five_news(n))
        assert site.build("--strict").returncode == 0
        page = site.html("news/story-0/")
        assert all("story" not in a["href"] for a in page.select(".mh-sections a"))
        return len(page.find_all("a"))

    assert links(10) == links(60)


def test_a_broken_newsroom_reports_every_fault_in_one_run_and_keeps_the_old_site(
    make_site: MakeSite,
) -> None:
    site = make_site(five_news(2))
    assert site.build().returncode == 0
    old = (site.out / "news/story-0/index.html").read_bytes()
    docs = site.root / "docs"
    broken = {
        "news/no-title.md": "---\ndate: 2025-01-01\n---\nx\n",
        "news/bad-date.md": article(date="the day after tomorrow"),
        "news/backwards.md": article(date="2025-03-14", updated="2025-03-01"),
        "news/bad-tag.md": article(tags=["EV", ["nested"]]),
        "news/yaml.md": "---\ntitle: [unclosed\ndate: 2025-01-01\n---\n",
        "sports/unknown.md": article("Unknown section"),
        "news/story-0/index.md": article("Same URL as story-0"),
        "news/picture.md": article(image="missing.png", image_alt="x"),
    }
    for rel, text in broken.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    for flags in ([], ["--strict"]):
        result = site.build(*flags)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr + result.stdout
        for rel in broken:
            assert rel in result.stderr, (rel, result.stderr)
        for field in ["title", "date", "updated", "tags", "front matter", "section", "file name",
                      "image"]:
            assert f": {field}" in result.stderr, field
        assert "Masthead found 8 problems" in result.stderr
    assert (site.out / "news/story-0/index.html").read_bytes() == old


def test_bad_settings_stop_the_build_naming_the_key(make_site: MakeSite) -> None:
    site = make_site(five_news(1), masthead=settings(timezone="Nowhere/City", language="de"))
    result = site.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "extra.masthead.timezone" in result.stderr and "extra.masthead.language" in result.stderr


def test_drafts_are_not_written_by_build(make_site: MakeSite) -> None:
    files = five_news(1)
    files["news/secret.md"] = article("Secret draft", draft=True)
    site = make_site(files)
    assert site.build("--strict").returncode == 0
    assert not (site.out / "news/secret").exists()
    assert "Secret draft" not in (site.out / "news/index.html").read_text(encoding="utf-8")


def test_editor_text_is_escaped_everywhere(make_site: MakeSite) -> None:
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    site = make_site({"news/evil.md": article(evil, summary=evil, dateline=evil, author=evil,
                                              source=evil, tags=[evil])},
                     masthead=settings(name=evil, disclaimer=evil))
    assert site.build("--strict").returncode == 0
    for url in ["", "news/", "news/evil/", "404.html"]:
        page = site.html(url)
        # JSON-LD is data, not code; it must hold no literal "<" (escaped as \u003c)
        data = page.find_all("script", type="application/ld+json")
        scripts = [s for s in page.find_all("script") if "alert" in (s.string or "") and s not in data]
        assert scripts == [] and page.find("img", attrs={"onerror": True}) is None, url
        assert [d for d in data if "<" in d.string] == [], url
    assert site.html("news/evil/").h1.get_text() == evil


def test_links_work_under_a_github_pages_project_path(make_site: MakeSite) -> None:
    files = five_news(4)
    files["economy/x.md"] = article("X", image="../img/p.svg", image_alt="A picture")
    files["img/p.svg"] = '<svg xmlns="http://www.w3.org/2000/svg"/>'
    site = make_site(files, site_url="https://user.github.io/repo/")
    assert site.build("--strict").returncode == 0
    broken = []
    for html_file in site.out.rglob("*.html"):
        rel = html_file.relative_to(site.out).as_posix()
        page_url = urljoin("https://user.github.io/repo/", rel)
        page = site.html(rel)
        for tag, attr in [("a", "href"), ("img", "src"), ("link", "href"), ("script", "src")]:
            for el in page.find_all(tag, attrs={attr: True}):
                target = urlsplit(urljoin(page_url, el[attr]))
                if target.netloc != "user.github.io" or rel == "404.html":
                    continue
                assert target.path.startswith("/repo/"), (rel, el[attr])
                local = site.out / target.path.removeprefix("/repo/")
                if not (local.is_file() or (local / "index.html").is_file()):
                    broken.append((rel, el[attr]))
    assert broken == []
    canonical = site.html("economy/x/").find("link", rel="canonical")["href"]
    assert canonical == "https://user.github.io/repo/economy/x/"


def test_two_builds_in_one_process_do_not_share_state(make_site: MakeSite, tmp_path: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    first = make_site({"news/first.md": article("First only")})
    build(load_config(str(first.root / "mkdocs.yml")))
    (first.root / "docs/news/first.md").unlink()
    (first.root / "docs/news/second.md").write_text(article("Second only"), encoding="utf-8")
    build(load_config(str(first.root / "mkdocs.yml")))
    text = (first.out / "news/index.html").read_text(encoding="utf-8")
    assert "Second only" in text and "First only" not in text
