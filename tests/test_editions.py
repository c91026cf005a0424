"""Bilingual editions (issue 13): a site in two languages, each story linked to its translation.

One bilingual newsroom (10 story pairs, unpaired stories in both languages, a tag used in both
editions) is built once for the module; fault cases and the site without editions get their own
small builds. Everything is asserted on parsed HTML and XML.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin, urlparse

import feedparser
import pytest
from bs4 import BeautifulSoup
from language_tags import tags as language_tags
from lxml import etree

from masthead.article import parse_article
from masthead.editions import check_pairs, load_editions
from masthead.errors import MastheadError
from masthead.settings import load_settings
from tests.conftest import Site, article, settings, site_maker

SITE_URL = "https://example.org/ledger/"
SCHEMAS = Path(__file__).parent / "fixtures" / "schemas"
EDITIONS = {"en": {"path": ""}, "zh": {"path": "zh/", "name": "测试纪事", "short_name": "纪事"}}
PAIRS = 10
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def bilingual_files() -> dict[str, str]:
    """10 pairs (news/economy alternately), one unpaired story per language, a shared tag."""
    files: dict[str, str] = {}
    for i in range(PAIRS):
        section = "news" if i % 2 == 0 else "economy"
        day = f"2025-03-{10 + i:02d} 09:30"
        shared = ["Battery"] if i == 3 else []
        files[f"{section}/story-{i}.md"] = article(
            f"Plant {i} opens", day, f"English body {i} about the plant.", lang="en",
            story_id=f"pair-{i}", tags=["EV", *shared])
        files[f"{section}/gu-shi-{i}.md"] = article(
            f"第{i}座工厂投产", day, f"第{i}座工厂投产的中文正文。", lang="zh",
            story_id=f"pair-{i}", tags=["新能源", *shared])
    files["economy/solo-english.md"] = article("Only in English", "2025-03-25 08:00", "Solo.",
                                               lang="en", tags=["EV"])
    files["news/du-jia.md"] = article("只有中文版", "2025-03-26 08:00", "独家报道。", lang="zh")
    return files


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    make = site_maker(tmp_path_factory.mktemp("editions"))
    built = make(bilingual_files(), settings(editions=EDITIONS), site_url=SITE_URL)
    result = built.build("--strict")
    assert result.returncode == 0, result.stderr
    return built


def page(site: Site, url: str) -> BeautifulSoup:
    return site.html(url)


def hreflangs(soup: BeautifulSoup) -> dict[str, str]:
    return {link["hreflang"]: link["href"] for link in soup.select('head link[rel="alternate"][hreflang]')}


def canonical(soup: BeautifulSoup) -> str:
    return str(soup.select_one('link[rel="canonical"]')["href"])


def switch(soup: BeautifulSoup, url: str) -> tuple[str, BeautifulSoup]:
    """The language switch's target, as a site-relative URL, and the link itself."""
    link = soup.select_one("nav.mh-edition a.mh-edition__link")
    assert link is not None
    target = urljoin(SITE_URL + url, link["href"])
    return target.removeprefix(SITE_URL), link


def html_pages(site: Site) -> list[Path]:
    return sorted(p for p in site.out.rglob("*.html") if "pagefind" not in p.parts)


# -- the bilingual site ------------------------------------------------------------------------


def test_a_bilingual_site_with_ten_pairs_builds_both_editions(site: Site) -> None:
    assert (site.out / "index.html").is_file() and (site.out / "zh" / "index.html").is_file()
    for i in range(PAIRS):
        section = "news" if i % 2 == 0 else "economy"
        # Story URLs do not depend on the edition: files stay in their section folders.
        assert page(site, f"{section}/story-{i}/").html["lang"] == "en"
        assert page(site, f"{section}/gu-shi-{i}/").html["lang"] == "zh"


def test_paired_stories_link_each_other_symmetrically_with_absolute_valid_hreflang(site: Site) -> None:
    for i in range(PAIRS):
        section = "news" if i % 2 == 0 else "economy"
        en, zh = page(site, f"{section}/story-{i}/"), page(site, f"{section}/gu-shi-{i}/")
        en_links, zh_links = hreflangs(en), hreflangs(zh)
        assert en_links == zh_links  # symmetric: both pages list the same versions
        assert en_links == {"en": f"{SITE_URL}{section}/story-{i}/",
                            "zh": f"{SITE_URL}{section}/gu-shi-{i}/",
                            "x-default": f"{SITE_URL}{section}/story-{i}/"}
        assert en_links["en"] == canonical(en) and zh_links["zh"] == canonical(zh)  # lists itself
        for code, href in en_links.items():
            assert code == "x-default" or language_tags.check(code), code
            assert urlparse(href).scheme == "https" and urlparse(href).netloc == "example.org"


def test_every_page_with_alternates_lists_itself_and_its_versions_list_it_back(site: Site) -> None:
    seen = 0
    for path in html_pages(site):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        links = hreflangs(soup)
        if not links:
            continue
        seen += 1
        own = canonical(soup)
        assert own in links.values() and links[soup.html["lang"]] == own
        for code, href in links.items():
            assert code == "x-default" or language_tags.check(code), code
            other = site.out / href.removeprefix(SITE_URL) / "index.html"
            assert hreflangs(BeautifulSoup(other.read_text(encoding="utf-8"), "html.parser")) == links
    # 10 story pairs, and front, 2 sections, search, tag index and the shared tag in both editions
    assert seen == 2 * (PAIRS + 6)


def test_generated_pages_pair_with_the_other_editions_equivalent(site: Site) -> None:
    for en_url, zh_url in [("", "zh/"), ("news/", "zh/news/"), ("economy/", "zh/economy/"),
                           ("tags/", "zh/tags/"), ("search/", "zh/search/"),
                           ("tags/battery/", "zh/tags/battery/")]:
        en, zh = page(site, en_url), page(site, zh_url)
        assert hreflangs(en) == hreflangs(zh) == {"en": SITE_URL + en_url, "zh": SITE_URL + zh_url,
                                                  "x-default": SITE_URL + en_url}
        assert switch(en, en_url)[0] == zh_url and switch(zh, zh_url)[0] == en_url


def test_the_language_switch_is_in_the_target_language_and_accessible(site: Site) -> None:
    target, link = switch(page(site, "news/story-0/"), "news/story-0/")
    assert target == "news/gu-shi-0/"
    assert (link["lang"], link["hreflang"], link.get_text(strip=True)) == ("zh", "zh", "中文")
    assert link.find_parent("nav")["aria-label"] == "Edition"
    target, link = switch(page(site, "news/gu-shi-0/"), "news/gu-shi-0/")
    assert target == "news/story-0/"
    assert (link["lang"], link["hreflang"], link.get_text(strip=True)) == ("en", "en", "English")
    assert link.find_parent("nav")["aria-label"] == "语言版本"


def test_a_story_without_a_translation_switches_to_the_other_front_page_and_has_no_hreflang(
        site: Site) -> None:
    solo = page(site, "economy/solo-english/")
    assert hreflangs(solo) == {}
    assert switch(solo, "economy/solo-english/")[0] == "zh/"
    du = page(site, "news/du-jia/")
    assert hreflangs(du) == {} and switch(du, "news/du-jia/")[0] == ""


def test_later_listing_pages_switch_to_the_first_page_of_the_same_listing(site: Site) -> None:
    second = page(site, "zh/news/page/2/")  # 6 Chinese news stories, 3 a page
    assert hreflangs(second) == {}
    assert switch(second, "zh/news/page/2/")[0] == "news/"


def titles(soup: BeautifulSoup, selector: str = ".mh-list .mh-card__title") -> list[str]:
    return [h.get_text(strip=True) for h in soup.select(selector)]


def all_titles(site: Site, first: str) -> list[str]:
    """Card titles of every page of a paginated listing."""
    found, url = [], first
    while url:
        soup = page(site, url)
        found += titles(soup)
        nxt = soup.select_one('link[rel="next"]')
        url = urljoin(SITE_URL + url, nxt["href"]).removeprefix(SITE_URL) if nxt else ""
    return found


def test_each_edition_lists_only_its_own_stories_in_its_language(site: Site) -> None:
    en_news, zh_news = all_titles(site, "news/"), all_titles(site, "zh/news/")
    assert en_news == [f"Plant {i} opens" for i in (8, 6, 4, 2, 0)]
    assert zh_news == ["只有中文版", *(f"第{i}座工厂投产" for i in (8, 6, 4, 2, 0))]
    assert page(site, "news/").h1.get_text() == "News"
    assert page(site, "zh/news/").h1.get_text() == "新闻"
    zh_front = page(site, "zh/")
    assert zh_front.select_one(".mh-front__lead .mh-card__title").get_text(strip=True) == "只有中文版"
    assert all(not t.startswith("Plant") for t in titles(zh_front, ".mh-card__title"))
    assert all(t.startswith(("Plant", "Only")) for t in titles(page(site, ""), ".mh-card__title"))


def test_section_bar_home_and_breadcrumbs_stay_in_the_pages_edition(site: Site) -> None:
    story = page(site, "news/gu-shi-2/")
    bar = [(a.get_text(strip=True), urljoin(SITE_URL + "news/gu-shi-2/", a["href"]))
           for a in story.select(".mh-sections__link")]
    assert bar == [("首页", SITE_URL + "zh/"), ("新闻", SITE_URL + "zh/news/"),
                   ("经济", SITE_URL + "zh/economy/")]
    crumbs = [urljoin(SITE_URL + "news/gu-shi-2/", a["href"]) for a in story.select(".mh-breadcrumb a")]
    assert crumbs == [SITE_URL + "zh/", SITE_URL + "zh/news/"]
    assert story.select_one(".mh-brand__name--full").get_text() == "测试纪事"
    assert story.title.get_text() == "第2座工厂投产 - 测试纪事"
    en_story = page(site, "news/story-2/")
    assert en_story.select_one(".mh-brand__name--full").get_text() == "Test Ledger"


def test_ui_labels_and_html_lang_follow_the_edition_on_every_page(site: Site) -> None:
    for path in html_pages(site):
        rel = path.relative_to(site.out).as_posix()
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        if rel.startswith("zh/"):
            assert soup.html["lang"] == "zh", rel
            assert soup.select_one(".mh-skip").get_text() == "跳到正文", rel
        elif rel.startswith(("archive/", "authors/", "404")) or rel == "index.html":
            assert soup.html["lang"] == "en", rel
    assert page(site, "zh/").select_one("#mh-lead-label").get_text() == "头条"
    assert page(site, "").select_one("#mh-lead-label").get_text() == "Lead story"


def test_tag_pages_and_index_are_per_edition(site: Site) -> None:
    en_index, zh_index = page(site, "tags/"), page(site, "zh/tags/")
    en_names = {a.select_one(".mh-tagchip__name").get_text() for a in en_index.select("a.mh-tagchip")}
    zh_names = {a.select_one(".mh-tagchip__name").get_text() for a in zh_index.select("a.mh-tagchip")}
    assert en_names == {"EV", "Battery"} and zh_names == {"新能源", "Battery"}
    assert (site.out / "zh/tags/xin-neng-yuan/index.html").is_file()
    assert not (site.out / "tags/xin-neng-yuan").exists()
    assert titles(page(site, "zh/tags/battery/")) == ["第3座工厂投产"]
    assert titles(page(site, "tags/battery/")) == ["Plant 3 opens"]
    chips = page(site, "economy/gu-shi-3/").select(".mh-tags__list a")
    hrefs = {urljoin(SITE_URL + "economy/gu-shi-3/", a["href"]) for a in chips}
    assert hrefs and all(h.startswith(SITE_URL + "zh/tags/") for h in hrefs)


def test_related_stories_stay_within_the_edition(site: Site) -> None:
    for i in range(PAIRS):
        section = "news" if i % 2 == 0 else "economy"
        for url, lang in ((f"{section}/story-{i}/", "en"), (f"{section}/gu-shi-{i}/", "zh")):
            for link in page(site, url).select(".mh-related__title a"):
                target = urljoin(SITE_URL + url, link["href"]).removeprefix(SITE_URL)
                assert page(site, target).html["lang"] == lang


def test_feeds_are_per_edition_with_their_language(site: Site) -> None:
    en = feedparser.parse((site.out / "feeds/rss.xml").read_bytes())
    zh = feedparser.parse((site.out / "zh/feeds/rss.xml").read_bytes())
    assert en.feed.language == "en" and zh.feed.language == "zh-cn"
    assert {e.title for e in en.entries} == {*(f"Plant {i} opens" for i in range(PAIRS)), "Only in English"}
    assert {e.title for e in zh.entries} == {*(f"第{i}座工厂投产" for i in range(PAIRS)), "只有中文版"}
    assert zh.feed.link == SITE_URL + "zh/" and zh.feed.title == "测试纪事"
    zh_news = feedparser.parse((site.out / "zh/feeds/news/atom.xml").read_bytes())
    assert zh_news.feed.title == "新闻 - 测试纪事"
    root = etree.parse(str(site.out / "zh/feeds/news/atom.xml")).getroot()
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"
    data = json.loads((site.out / "zh/feeds/tags/battery/feed.json").read_text(encoding="utf-8"))
    assert data["language"] == "zh" and [i["title"] for i in data["items"]] == ["第3座工厂投产"]
    links = {link["href"] for link in page(site, "zh/news/").select('link[rel="alternate"][type]')}
    assert SITE_URL + "zh/feeds/news/rss.xml" in links


def sitemap_entries(site: Site) -> dict[str, dict[str, str]]:
    tree = etree.parse(str(site.out / "sitemap.xml"))
    return {url.findtext(f"{SM}loc"): {link.get("hreflang"): link.get("href")
                                        for link in url.iter(f"{XHTML}link")}
            for url in tree.iter(f"{SM}url")}


def test_sitemap_lists_both_editions_with_symmetric_xhtml_alternates(site: Site) -> None:
    entries = sitemap_entries(site)
    for loc in (SITE_URL, SITE_URL + "zh/", SITE_URL + "zh/news/", SITE_URL + "zh/tags/battery/"):
        assert loc in entries
    paired = {loc: links for loc, links in entries.items() if links}
    assert len(paired) == 2 * (PAIRS + 6)
    for loc, links in paired.items():
        assert loc in links.values()
        for code, href in links.items():
            assert code == "x-default" or language_tags.check(code)
            assert entries[href] == links  # symmetric
    assert entries[SITE_URL + "economy/solo-english/"] == {}


def test_sitemap_with_alternates_validates_against_the_sitemap_and_xhtml_link_schemas(site: Site) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap-hreflang.xsd")))
    doc = etree.parse(str(site.out / "sitemap.xml"))
    assert schema.validate(doc), schema.error_log


def test_each_editions_search_page_searches_only_its_own_language(site: Site) -> None:
    for url, lang in (("search/", "en"), ("zh/search/", "zh")):
        soup = page(site, url)
        config = json.loads(soup.select_one("#mh-search-config").string)
        assert config["languages"] == [lang] and config["lang"] == lang
        form = soup.select_one("form.mh-search__form")
        assert urljoin(SITE_URL + url, form["action"]) == SITE_URL + url
    box = page(site, "zh/").select_one("form.mh-search-box")
    assert urljoin(SITE_URL + "zh/", box["action"]) == SITE_URL + "zh/search/"


# -- faults ------------------------------------------------------------------------------------


@pytest.fixture
def build_fails(make_site: Callable[..., Site]) -> Callable[..., str]:
    def run(files: dict[str, str], masthead: dict[str, object]) -> str:
        result = make_site(files, masthead).build("--strict")
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        return result.stderr

    return run


def test_dangling_duplicate_and_same_language_ids_are_all_reported_naming_both_files(
        build_fails: Callable[..., str]) -> None:
    files = {
        "news/a.md": article("A", lang="en", story_id="one"),
        "news/b.md": article("B", lang="en", story_id="one"),  # same edition as a.md
        "news/c.md": article("C", lang="zh", story_id="one"),
        "news/d.md": article("D", lang="en", story_id="lonely"),  # no Chinese story has it
        "economy/e.md": article("E", lang="zh", story_id="pair-zh"),
        "economy/f.md": article("F", lang="zh", story_id="pair-zh"),  # a "pair" in one language
    }
    err = build_fails(files, settings(editions=EDITIONS))
    # article() writes "---", title, date, lang, then story_id: line 5
    assert "news/a.md:5: story_id: 'one' is also the story_id of news/b.md:5" in err
    assert "news/b.md:5: story_id: 'one' is also the story_id of news/a.md:5" in err
    assert "news/d.md:5: story_id: no story of the Chinese edition has story_id 'lonely'" in err
    assert "economy/e.md:5: story_id: 'pair-zh' is also the story_id of economy/f.md:5" in err
    assert "economy/f.md:5: story_id: no story of the English edition has story_id 'pair-zh' " \
           "(only economy/e.md:5 has it too)" in err
    assert "news/c.md" not in err  # its id has a story in each edition
    assert "found 7 problems" in err  # a, b; d; e and f twice (duplicate and dangling)


def test_story_id_on_a_site_without_editions_is_a_fault(build_fails: Callable[..., str]) -> None:
    err = build_fails({"news/a.md": article("A", story_id="one")}, settings())
    assert "news/a.md:4: story_id: this site has no editions to pair stories across (remove story_id, " \
           "or set extra.masthead.editions in mkdocs.yml)" in err


def test_a_related_pin_to_the_other_edition_is_a_fault(build_fails: Callable[..., str]) -> None:
    files = {"news/a.md": article("A", lang="en", story_id="x", related=["b.md"]),
             "news/b.md": article("B", lang="zh", story_id="x")}
    err = build_fails(files, settings(editions=EDITIONS))
    assert "news/a.md:6: related: 'b.md' is a story of the Chinese edition; related stories stay in " \
           "the story's own edition (pin a story of the English edition, or remove it)" in err


def test_bad_editions_settings_name_the_key_and_the_fix(build_fails: Callable[..., str]) -> None:
    err = build_fails({"news/a.md": article("A")},
                      settings(editions={"en": {"path": "news/"}, "fr": {"path": "fr/"}}))
    assert "mkdocs.yml: extra.masthead.editions.fr: 'fr' is not a supported language " \
           "(use one of zh, zh-Hant, en)" in err
    assert "mkdocs.yml: extra.masthead.editions.en.path: 'news/' is already used by a section" in err


def test_load_editions_puts_the_root_edition_first_and_checks_the_site_language() -> None:
    base = settings(editions={"zh": {"path": "/zh"}, "en": {"path": ""}})
    editions = load_editions(load_settings(base))
    assert [(e.lang, e.prefix, e.name) for e in editions] == [("en", "", "Test Ledger"),
                                                             ("zh", "zh/", "Test Ledger")]
    with pytest.raises(MastheadError) as caught:
        load_editions(load_settings(settings(language="zh", editions=EDITIONS)))
    assert "the edition at the site root is 'en', but the site language is 'zh'" in caught.value.report()
    with pytest.raises(MastheadError) as caught:
        load_editions(load_settings(settings(editions={"en": {"path": ""}, "zh": {"path": "", "x": 1}})))
    report = caught.value.report()
    assert "2 editions have path \"\"" in report and "editions.zh.x: is not an edition setting" in report
    assert load_editions(load_settings(settings())) == ()


def test_check_pairs_accepts_complete_pairs_and_stories_without_ids() -> None:
    s = load_settings(settings(editions=EDITIONS))
    stories = [parse_article(uri, text, s)[0] for uri, text in bilingual_files().items()]
    assert check_pairs([a for a in stories if a], load_editions(s), lambda _: None) == []


# -- escaping and the site without editions ----------------------------------------------------


def test_edition_names_are_escaped(make_site: Callable[..., Site]) -> None:
    hostile = {"en": {"path": ""}, "zh": {"path": "zh/", "name": "<script>alert(1)</script>&"}}
    files = {"news/a.md": article("A", lang="en", story_id="x"),
             "news/b.md": article("B", lang="zh", story_id="x")}
    site = make_site(files, settings(editions=hostile))
    assert site.build("--strict").returncode == 0
    soup = page(site, "zh/")
    assert soup.find("script", string=lambda s: bool(s and "alert(1)" in s)) is None
    assert soup.select_one(".mh-brand__name--full").get_text() == "<script>alert(1)</script>&"


def test_a_site_without_editions_has_no_switch_no_hreflang_and_mixed_sections(
        make_site: Callable[..., Site]) -> None:
    files = {"news/a.md": article("English story", "2025-03-14 09:30", lang="en"),
             "news/b.md": article("中文报道", "2025-03-15 09:30", lang="zh")}
    site = make_site(files, settings())
    assert site.build("--strict").returncode == 0
    assert not (site.out / "zh").exists()
    for path in html_pages(site):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        assert hreflangs(soup) == {} and soup.select_one("nav.mh-edition") is None
    assert titles(page(site, "news/")) == ["中文报道", "English story"]
    story = page(site, "news/b/")
    assert story.html["lang"] == "zh"
    assert [a.get_text(strip=True) for a in story.select(".mh-sections__link")] == ["首页", "新闻", "经济"]
    assert urljoin("https://example.org/news/b/", story.select_one(".mh-brand")["href"]) == \
        "https://example.org/"
    assert b"xhtml" not in (site.out / "sitemap.xml").read_bytes()


def test_masthead_new_writes_the_story_id_that_pairs_a_translation(tmp_path: Path) -> None:
    import datetime as dt

    from masthead.newstory import NewStoryError, create_story

    s = load_settings(settings(editions=EDITIONS))
    now = dt.datetime(2025, 3, 14, 9, 30, tzinfo=dt.UTC)
    story = create_story(tmp_path, "news", "工厂投产", s, now=now, story_id="plant-opens")
    text = story.path.read_text(encoding="utf-8")
    parsed, faults = parse_article("news/" + story.path.name, text, s)
    assert faults == [] and parsed is not None and parsed.extra["story_id"] == "plant-opens"
    assert parsed.lang == "zh"
    with pytest.raises(NewStoryError, match="is not a story_id"):
        create_story(tmp_path, "news", "Plant opens", s, now=now, story_id="no spaces")


def test_a_traditional_chinese_story_belongs_to_the_chinese_edition_and_says_its_own_language(
        make_site: Callable[..., Site]) -> None:
    files = {"news/plant.md": article("Plant opens", "2025-03-14 09:30", lang="en", story_id="plant"),
             "news/gong-chang.md": article("工廠投產", "2025-03-14 09:30", lang="zh-Hant", story_id="plant"),
             "news/jian-ti.md": article("简体报道", "2025-03-13 09:30", lang="zh")}
    site = make_site(files, settings(editions=EDITIONS))
    assert site.build("--strict").returncode == 0
    assert titles(site.html("zh/news/")) == ["工廠投產", "简体报道"]  # one Chinese edition
    assert titles(site.html("news/")) == ["Plant opens"]
    en, hant = site.html("news/plant/"), site.html("news/gong-chang/")
    links = {"en": "https://example.org/news/plant/", "zh-Hant": "https://example.org/news/gong-chang/",
             "x-default": "https://example.org/news/plant/"}
    assert hreflangs(en) == hreflangs(hant) == links
    assert language_tags.check("zh-Hant")
    link = en.select_one("nav.mh-edition a")
    assert (link["lang"], link["hreflang"], link.get_text(strip=True)) == ("zh-Hant", "zh-Hant", "中文")
    assert hant.html["lang"] == "zh-Hant" and hant.select_one("nav.mh-edition")["aria-label"] == "語言版本"
