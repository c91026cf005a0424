"""Real builds: generated tag pages and tag index, their pagination, links and faults."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from tests.conftest import Site, article, settings

MakeSite = Callable[..., Site]


def tagged(n: int, spellings: list[str], section: str = "news", **fields: object) -> dict[str, str]:
    """``n`` stories a day apart (story 0 the oldest), story ``i`` tagged ``spellings[i % len]``."""
    start = dt.datetime(2025, 3, 1, 8, 0)
    return {f"{section}/t{i}.md": article(f"Tagged {i}", f"{start + dt.timedelta(days=i):%Y-%m-%d %H:%M}",
                                          tags=[spellings[i % len(spellings)]], **fields)
            for i in range(n)}


def name(chip: Tag) -> str:
    """The tag name shown on a tag index chip."""
    return chip.select_one(".mh-tagchip__name").get_text()  # type: ignore[union-attr]


def titles(page: BeautifulSoup) -> list[str]:
    return [h.get_text(strip=True) for h in page.select(".mh-list .mh-card__title")]


def test_one_tag_page_per_tag_newest_first_paginated_with_title_and_count(make_site: MakeSite) -> None:
    site = make_site(tagged(7, ["EV", "ev", "ＥＶ"]), masthead=settings(tag_page_size=3))
    result = site.build("--strict")
    assert result.returncode == 0, result.stderr
    listed: list[str] = []
    for url in ["tags/ev/", "tags/ev/page/2/", "tags/ev/page/3/"]:
        page = site.html(url)
        assert page.h1.get_text() == "EV"
        assert page.select_one(".mh-taghead__count").get_text() == "7 stories"
        assert page.title.get_text() == "EV - Test Ledger"
        listed += titles(page)
    assert listed == [f"Tagged {i}" for i in range(6, -1, -1)]
    middle = site.html("tags/ev/page/2/")
    assert middle.select_one('.mh-pagination a[rel="prev"]')["href"] == "../../"
    assert middle.select_one('.mh-pagination a[rel="next"]')["href"] == "../3/"
    assert "Page 2 of 3" in middle.select_one(".mh-pagination").get_text()
    assert not (site.out / "tags/ev/page/4").exists()
    assert sorted(p.name for p in (site.out / "tags").iterdir()) == ["ev", "index.html"]
    assert not (site.root / "docs/tags").exists(), "tag pages are generated in memory"


def test_article_tags_link_to_their_tag_pages_in_the_merged_name(make_site: MakeSite) -> None:
    files = tagged(2, ["EV"])
    files["news/zh.md"] = article("新能源车", "2025-04-01", lang="zh", tags=["新能源", "ev", "EV"])
    site = make_site(files)
    assert site.build("--strict").returncode == 0
    page = site.html("news/zh/")
    links = [(a.get_text(), a["href"], a.parent.get("lang")) for a in page.select(".mh-tag a")]
    assert links == [("新能源", "../../tags/xin-neng-yuan/", None), ("EV", "../../tags/ev/", "en")]
    assert all(a["rel"] == ["tag"] for a in page.select(".mh-tag a"))
    zh_tag = site.html("tags/xin-neng-yuan/")
    assert titles(zh_tag) == ["新能源车"] and zh_tag.h1["lang"] == "zh"
    assert site.html("tags/ev/").select_one(".mh-taghead__count").get_text() == "3 stories"


def test_tag_index_lists_every_tag_with_its_count_grouped_by_pinyin_and_letter(make_site: MakeSite) -> None:
    files = {
        **tagged(3, ["电池"], section="economy"),
        **tagged(2, ["batteries"]),
        "news/one.md": article("One", "2025-05-01", tags=["充电桩", "charging", "新能源"]),
    }
    site = make_site(files)
    assert site.build("--strict").returncode == 0
    index = site.html("tags/")
    assert index.h1.get_text() == "Tags"
    groups = {g.h2.get_text(): [(name(a), a.select_one(".mh-tagchip__count").get_text())
                                for a in g.select("a.mh-tagchip")]
              for g in index.select(".mh-tagindex__group")}
    assert groups == {"B": [("batteries", "2")], "C": [("charging", "1"), ("充电桩", "1")],
                      "D": [("电池", "3")], "X": [("新能源", "1")]}
    assert [a.get_text(strip=True) for a in index.select(".mh-tagindex__letters a")] == ["B", "C", "D", "X"]
    assert [name(a) for a in index.select(".mh-tagindex__top a")] == ["电池", "batteries"]
    highlighted = {name(a) for a in index.select(".mh-tagindex__group .mh-tagchip--top")}
    assert highlighted == {"电池", "batteries"}
    for a in index.select("a.mh-tagchip"):
        assert (site.out / "tags" / a["href"] / "index.html").is_file(), a["href"]


def test_every_page_links_to_the_tag_index_from_the_footer(make_site: MakeSite) -> None:
    site = make_site(tagged(1, ["EV"]))
    assert site.build("--strict").returncode == 0
    for url, href in [("", "tags/"), ("news/", "../tags/"), ("news/t0/", "../../tags/"), ("tags/ev/", "../"),
                      ("404.html", "/tags/")]:
        assert site.html(url).select_one(".mh-footer__tags a")["href"] == href, url
    untagged = make_site({"news/a.md": article("A")})
    assert untagged.build("--strict").returncode == 0
    assert untagged.html("").select_one(".mh-footer__tags") is None  # no tags: no link to an empty index
    assert "No tags yet." in untagged.html("tags/").get_text()


def test_chinese_site_labels_its_tag_pages_in_chinese(make_site: MakeSite) -> None:
    site = make_site(tagged(1, ["新能源"]), masthead=settings(language="zh"))
    assert site.build("--strict").returncode == 0
    index = site.html("tags/")
    assert index.h1.get_text() == "标签" and "共 1 个标签" in index.get_text()
    page = site.html("tags/xin-neng-yuan/")
    assert page.select_one(".mh-taghead__count").get_text() == "1 篇" and not page.h1.get("lang")


def test_drafts_never_appear_on_tag_pages_or_the_index(make_site: MakeSite) -> None:
    files = tagged(1, ["EV"])
    files["news/secret.md"] = article("Secret draft", "2025-06-01", draft=True, tags=["EV", "secret-tag"])
    site = make_site(files)
    assert site.build("--strict").returncode == 0
    assert titles(site.html("tags/ev/")) == ["Tagged 0"]
    assert not (site.out / "tags/secret-tag").exists()
    assert "secret" not in (site.out / "tags/index.html").read_text(encoding="utf-8").lower()


def test_scheduled_stories_join_their_tag_pages_only_once_their_time_has_come(make_site: MakeSite) -> None:
    files = tagged(1, ["EV"])  # 2025-03-01
    files["news/later.md"] = article("Embargoed", "2025-03-14 10:00", tags=["EV", "embargo-only"])
    site = make_site(files)
    before = int(dt.datetime(2025, 3, 14, 1, 0, tzinfo=dt.UTC).timestamp())  # 09:00 in Shanghai
    assert site.build("--strict", env={"SOURCE_DATE_EPOCH": str(before)}).returncode == 0
    assert titles(site.html("tags/ev/")) == ["Tagged 0"]
    assert not (site.out / "tags/embargo-only").exists()
    assert "embargo" not in (site.out / "tags/index.html").read_text(encoding="utf-8").lower()
    after = before + 3 * 3600
    assert site.build("--strict", env={"SOURCE_DATE_EPOCH": str(after)}).returncode == 0
    assert titles(site.html("tags/ev/")) == ["Embargoed", "Tagged 0"]
    assert titles(site.html("tags/embargo-only/")) == ["Embargoed"]


def test_colliding_tags_get_both_pages_and_a_warning_naming_both(make_site: MakeSite) -> None:
    files = {"news/a.md": article("A", "2025-03-01", tags=["supply chain"]),
             "news/b.md": article("B", "2025-03-02", tags=["supply-chain"])}
    site = make_site(files)
    result = site.build()
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1
    assert "'supply chain'" in warnings[0] and "'supply-chain'" in warnings[0]
    chips = {name(a): a["href"] for a in site.html("tags/").select("a.mh-tagchip")}
    assert chips["supply chain"] == "supply-chain/" and chips["supply-chain"].startswith("supply-chain-")
    assert titles(site.html("tags/supply-chain/")) == ["A"]
    assert titles(site.html("tags/" + chips["supply-chain"])) == ["B"]
    assert site.build("--strict").returncode == 1  # a newsroom should not publish with a clash


def test_a_tag_without_letters_stops_the_build_naming_file_and_tag(make_site: MakeSite) -> None:
    site = make_site({"news/ok.md": article("OK", tags=["EV"]),
                      "news/bad.md": article("Bad", tags=["..", "/", "../../x"])})
    result = site.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "news/bad.md:4: tags: tag '..' has no letters or digits" in result.stderr
    assert "news/bad.md:4: tags: tag '/' has no letters or digits" in result.stderr
    assert "'../../x'" not in result.stderr  # it has a letter: its slug is "x"
    assert not site.out.exists()


def test_a_bad_alias_setting_stops_the_build_naming_the_key(make_site: MakeSite) -> None:
    site = make_site(tagged(1, ["EV"]), masthead=settings(tag_aliases={"EVs": ["EV"]}))
    result = site.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "mkdocs.yml: extra.masthead.tag_aliases.EVs: expected text" in result.stderr


def test_aliases_merge_tags_in_a_build(make_site: MakeSite) -> None:
    site = make_site({**tagged(2, ["电动车", "电动汽车"])},
                     masthead=settings(tag_aliases={"电动车": "电动汽车"}))
    assert site.build("--strict").returncode == 0
    assert titles(site.html("tags/dian-dong-qi-che/")) == ["Tagged 1", "Tagged 0"]
    assert not (site.out / "tags/dian-dong-che").exists()


def test_tag_text_is_escaped_on_every_tag_page(make_site: MakeSite) -> None:
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    site = make_site({"news/evil.md": article("Evil", tags=[evil])})
    assert site.build("--strict").returncode == 0
    slug = "script-alert-1-script-img-src-x-onerror-alert-2"
    for url in ["news/evil/", "tags/", f"tags/{slug}/"]:
        page = site.html(url)
        # JSON-LD is data, not code; it must hold no literal "<" (escaped as \u003c)
        data = page.find_all("script", type="application/ld+json")
        code = [s for s in page.find_all("script") if s not in data]
        assert [s for s in code if "alert" in (s.string or "")] == [], url
        assert [d for d in data if "<" in d.string] == [], url
        assert page.find("img", attrs={"onerror": True}) is None, url
    assert site.html(f"tags/{slug}/").h1.get_text() == evil


def test_tag_links_work_under_a_github_pages_project_path(make_site: MakeSite) -> None:
    files = {**tagged(4, ["EV", "新能源"]),
             "economy/x.md": article("X", tags=["Citroën", "新能源", "Москва"])}
    site = make_site(files, site_url="https://user.github.io/repo/")
    assert site.build("--strict").returncode == 0
    checked = 0
    for html_file in (site.out / "tags").rglob("*.html"):
        rel = html_file.relative_to(site.out).as_posix()
        for a in site.html(rel).find_all("a", href=True):
            target = urlsplit(urljoin(urljoin("https://user.github.io/repo/", rel), a["href"]))
            if target.fragment and not target.path.endswith("/"):
                continue
            assert target.path.startswith("/repo/"), (rel, a["href"])
            local = site.out / target.path.removeprefix("/repo/")
            assert (local / "index.html").is_file() or local.is_file(), (rel, a["href"])
            checked += 1
    assert checked > 20
    assert (site.out / "tags/москва/index.html").is_file()  # letters of other scripts are kept
    assert site.html("tags/citroen/").find("link", rel="canonical")["href"] == \
        "https://user.github.io/repo/tags/citroen/"


def test_with_timings_on_tag_pages_are_charged_to_the_tags_phase(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(tagged(4, ["EV", "新能源"]), masthead=settings(tag_page_size=1))
    target = tmp_path / "timings.json"
    result = site.build("--strict", env={"MASTHEAD_TIMINGS": str(target)})
    assert result.returncode == 0, result.stderr
    report = json.loads(target.read_text())
    others = [p for p in site.out.rglob("index.html") if p.relative_to(site.out).parts[0] != "tags"]
    assert len(others) >= 8  # 4 stories, front page, 2 pages of news, 1 of economy, archives...
    assert report["entries"]["templates"] == report["entries"]["markdown"] == len(others)
    assert report["phases"]["tags"] > 0 and sum(report["phases"].values()) <= report["elapsed"]
    assert len(list((site.out / "tags").rglob("index.html"))) == 1 + 2 * 2  # index, 2 tags × 2 pages
