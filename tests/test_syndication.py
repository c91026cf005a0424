"""Feeds, sitemaps, robots.txt and structured data: built for real, read by the tools that consume them.

feedparser reads every feed, lxml validates Atom and the sitemaps against the XML schemas in
tests/fixtures/schemas, jsonschema checks JSON Feed 1.1, extruct reads the JSON-LD and OpenGraph
of article pages. The site lives under a GitHub Pages project path and its stories carry hostile
titles.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import extruct
import feedparser
import jsonschema
import pytest
from bs4 import BeautifulSoup
from lxml import etree

from masthead import feeds, sitemaps, structured
from masthead.errors import MastheadError
from masthead.feeds import load_feed_settings
from masthead.settings import load_settings
from tests.conftest import Site, article, settings, site_maker

SCHEMAS = Path(__file__).parent / "fixtures" / "schemas"
SITE_URL = "https://user.github.io/repo/"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2025, 3, 15, 12, 0, tzinfo=SHANGHAI)  # the build's "now"
EPOCH = str(int(NOW.timestamp()))
HOSTILE = 'Ford <b> & "Q" ]]> </script><script>alert(1)</script> 🚗 比亚迪\x07 bell'
HOSTILE_CLEAN = HOSTILE.replace("\x07", "")
CHINESE = "车贷利率下调 <注意> & 「测试」"
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
CHART = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'
LOGO = CHART


def files() -> dict[str, str]:
    return {
        "news/hostile.md": article(
            HOSTILE, date="2025-03-14 09:30", updated="2025-03-15 10:00",
            author="Li <Ming> & Co", tags=["EV", "<b>&", "新能源", "Q ]]> & <A>"],
            summary="A summary with </script> and & in it.",
            body="""
            Read [the loan story](../economy/loans.md) and see the chart:

            ![A chart](../assets/chart.svg)

            ## Details {#details}

            Back to [the details](#details).
            """),
        "economy/loans.md": article(
            CHINESE, date="2025-03-13 08:00", lang="zh", author="林晓岚",
            image="../assets/chart.svg", image_alt="图表", tags=["金融"], body="正文第一段。"),
        "news/old.md": article("An old story", date="2025-01-01 08:00", body="Old body."),
        "assets/chart.svg": CHART,
        "assets/logo.svg": LOGO,
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    built = site_maker(tmp_path_factory.mktemp("syndication"))(
        files(), masthead=settings(logo="assets/logo.svg"), site_url=SITE_URL,
        site_description="A test newsroom <with> & marks.")
    result = built.build("--strict", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.stderr
    return built


def feed_files(site: Site, name: str) -> list[Path]:
    found = sorted(site.out.glob(f"feeds/**/{name}"))
    assert found, f"no {name} written"
    return found


# -- feeds -------------------------------------------------------------------------------------

def test_site_section_and_tag_feeds_are_written_in_three_formats(site: Site) -> None:
    for folder in ("feeds", "feeds/news", "feeds/economy", "feeds/tags/ev", "feeds/tags/xin-neng-yuan"):
        for name in ("rss.xml", "atom.xml", "feed.json"):
            assert (site.out / folder / name).is_file(), f"{folder}/{name}"


# feedparser 6 reads RSS and Atom; JSON Feed is checked against its schema below.
@pytest.mark.parametrize("name", ["rss.xml", "atom.xml"])
def test_feedparser_reads_every_feed_without_bozo_and_titles_survive(site: Site, name: str) -> None:
    for path in feed_files(site, name):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        titles = [e.title for e in parsed.entries]
        if path.parent.name == "feeds":
            assert titles == [HOSTILE_CLEAN, CHINESE, "An old story"]
        if path.parent.name == "news":
            assert titles == [HOSTILE_CLEAN, "An old story"]


def test_rss_items_carry_link_dates_with_zone_authors_categories_and_full_content(site: Site) -> None:
    parsed = feedparser.parse((site.out / "feeds/news/rss.xml").read_bytes())
    assert parsed.feed.link == SITE_URL + "news/"
    entry = parsed.entries[0]
    assert entry.link == SITE_URL + "news/hostile/"
    assert entry.id == SITE_URL + "news/hostile/"
    assert entry.published == "Fri, 14 Mar 2025 09:30:00 +0800"
    assert entry.author == "Li <Ming> & Co"
    assert [t.term for t in entry.tags] == ["EV", "<b>&", "新能源", "Q ]]> & <A>"]
    # RSS descriptions are HTML: the summary goes in escaped and reads back as the same text
    assert BeautifulSoup(entry.summary, "html.parser").get_text() == "A summary with </script> and & in it."
    body = BeautifulSoup(entry.content[0].value, "html.parser")
    assert body.find("a", string="the loan story")["href"] == SITE_URL + "economy/loans/"
    assert body.find("img")["src"] == SITE_URL + "assets/chart.svg"
    assert body.find("a", string="the details")["href"] == SITE_URL + "news/hostile/#details"
    # lastBuildDate is the newest story's modified time, never the build's clock
    assert parsed.feed.updated == "Sat, 15 Mar 2025 10:00:00 +0800"


def test_atom_feeds_validate_against_the_atom_schema_and_rfc_4287_counts(site: Site) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "atom.xsd")))
    for path in feed_files(site, "atom.xml"):
        doc = etree.parse(str(path))
        assert schema.validate(doc), f"{path}: {schema.error_log}"
        feed = doc.getroot()
        for parent in [feed, *feed.iter(f"{ATOM}entry")]:
            for once in ("id", "title", "updated"):
                assert len(parent.findall(f"{ATOM}{once}")) == 1, (path, parent.tag, once)
            for at_most_once in ("content", "summary", "published", "subtitle"):
                assert len(parent.findall(f"{ATOM}{at_most_once}")) <= 1
            alternates = [ln for ln in parent.findall(f"{ATOM}link") if ln.get("rel") == "alternate"]
            assert len(alternates) == 1
        for entry in feed.iter(f"{ATOM}entry"):  # 4.1.1: authors in every entry or the feed
            assert entry.findall(f"{ATOM}author") or feed.findall(f"{ATOM}author")


def test_atom_entry_has_published_and_updated_with_time_zone(site: Site) -> None:
    parsed = feedparser.parse((site.out / "feeds/atom.xml").read_bytes())
    hostile = parsed.entries[0]
    assert hostile.published == "2025-03-14T09:30:00+08:00"
    assert hostile.updated == "2025-03-15T10:00:00+08:00"
    assert parsed.feed.updated == "2025-03-15T10:00:00+08:00"
    links = {ln.rel: ln.href for ln in parsed.feed.links}
    assert links == {"alternate": SITE_URL, "self": SITE_URL + "feeds/atom.xml"}


def test_json_feeds_validate_against_the_json_feed_1_1_schema(site: Site) -> None:
    schema = json.loads((SCHEMAS / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for path in feed_files(site, "feed.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == [], path
    data = json.loads((site.out / "feeds/feed.json").read_text(encoding="utf-8"))
    assert [i["title"] for i in data["items"]] == [HOSTILE_CLEAN, CHINESE, "An old story"]
    loans = data["items"][1]
    assert loans["title"] == CHINESE
    assert loans["image"] == SITE_URL + "assets/chart.svg"
    assert loans["language"] == "zh"
    assert loans["authors"] == [{"name": "林晓岚"}]
    assert data["feed_url"] == SITE_URL + "feeds/feed.json"


def test_feeds_never_contain_xml_illegal_control_characters(site: Site) -> None:
    for path in [*feed_files(site, "rss.xml"), *feed_files(site, "atom.xml")]:
        text = path.read_text(encoding="utf-8")
        assert "\x07" not in text
        etree.fromstring(path.read_bytes())  # well-formed: raises otherwise


def test_summary_mode_and_item_count_follow_the_settings(tmp_path: Path) -> None:
    built = site_maker(tmp_path)(files(), masthead=settings(feeds={"items": 1, "content": "summary"}),
                                 site_url=SITE_URL)
    result = built.build("--strict", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.stderr
    rss = feedparser.parse((built.out / "feeds/rss.xml").read_bytes())
    assert [e.title for e in rss.entries] == [HOSTILE_CLEAN]
    assert "content" not in rss.entries[0]
    data = json.loads((built.out / "feeds/feed.json").read_text(encoding="utf-8"))
    assert data["items"][0]["content_text"] == "A summary with </script> and & in it."
    assert "content_html" not in data["items"][0]


def test_a_bad_feed_setting_fails_the_build_naming_the_key(tmp_path: Path) -> None:
    built = site_maker(tmp_path)(files(), masthead=settings(feeds={"items": 0, "content": "all"}),
                                 site_url=SITE_URL)
    result = built.build("--strict")
    assert result.returncode == 1
    assert "extra.masthead.feeds.items" in result.stderr
    assert "extra.masthead.feeds.content" in result.stderr
    assert "Traceback" not in result.stderr


def test_autodiscovery_links_on_front_and_section_pages(site: Site) -> None:
    def alternates(url: str) -> dict[str, str]:
        return {ln["type"]: ln["href"] for ln in site.html(url).find_all("link", rel="alternate")}

    assert alternates("") == {"application/rss+xml": SITE_URL + "feeds/rss.xml",
                              "application/atom+xml": SITE_URL + "feeds/atom.xml",
                              "application/feed+json": SITE_URL + "feeds/feed.json"}
    assert alternates("news/")["application/atom+xml"] == SITE_URL + "feeds/news/atom.xml"
    assert alternates("economy/")["application/feed+json"] == SITE_URL + "feeds/economy/feed.json"


def test_each_tag_has_its_feeds_announced_and_shown_on_its_page(site: Site) -> None:
    for slug, titles in [("ev", [HOSTILE_CLEAN]), ("jin-rong", [CHINESE]), ("q-a", [HOSTILE_CLEAN])]:
        for name in ("rss.xml", "atom.xml"):
            parsed = feedparser.parse((site.out / "feeds/tags" / slug / name).read_bytes())
            assert not parsed.bozo and [e.title for e in parsed.entries] == titles, (slug, name)
        data = json.loads((site.out / "feeds/tags" / slug / "feed.json").read_text(encoding="utf-8"))
        assert data["home_page_url"] == f"{SITE_URL}tags/{slug}/"
        page = site.html(f"tags/{slug}/")
        announced = {ln["type"]: ln["href"] for ln in page.find_all("link", rel="alternate")}
        assert announced["application/atom+xml"] == f"{SITE_URL}feeds/tags/{slug}/atom.xml"
        shown = [a["href"] for a in page.select(".mh-feedlink a")]
        assert shown == [f"{SITE_URL}feeds/tags/{slug}/{n}" for n in ("rss.xml", "atom.xml", "feed.json")]


def test_section_pages_show_visible_links_to_their_feeds(site: Site) -> None:
    shown = site.html("news/").select(".mh-feedlink a")
    assert [(a.get_text(), a["href"]) for a in shown] == [
        ("RSS", SITE_URL + "feeds/news/rss.xml"), ("Atom", SITE_URL + "feeds/news/atom.xml"),
        ("JSON Feed", SITE_URL + "feeds/news/feed.json")]


# -- sitemaps and robots.txt --------------------------------------------------------------------

def test_sitemap_validates_and_lastmod_is_the_story_date_not_the_build_date(site: Site) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd")))
    doc = etree.parse(str(site.out / "sitemap.xml"))
    assert schema.validate(doc), schema.error_log
    lastmod = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in doc.iter(f"{SM}url")}
    assert lastmod[SITE_URL + "news/hostile/"] == "2025-03-15T10:00:00+08:00"  # updated
    assert lastmod[SITE_URL + "economy/loans/"] == "2025-03-13T08:00:00+08:00"  # date
    assert lastmod[SITE_URL + "news/"] == "2025-03-15T10:00:00+08:00"  # its newest story
    assert lastmod[SITE_URL] == "2025-03-15T10:00:00+08:00"
    assert lastmod[SITE_URL + "tags/jin-rong/"] == "2025-03-13T08:00:00+08:00"  # tag page: its newest
    assert all(loc.startswith(SITE_URL) for loc in lastmod)


def test_sitemap_gz_holds_the_same_sitemap_with_a_fixed_header(site: Site) -> None:
    packed = (site.out / "sitemap.xml.gz").read_bytes()
    assert gzip.decompress(packed) == (site.out / "sitemap.xml").read_bytes()
    assert packed[4:8] == b"\0\0\0\0"  # gzip mtime 0: same bytes on every build


def test_news_sitemap_lists_the_stories_of_the_last_two_days_and_validates(site: Site) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "news-sitemap.xsd")))
    doc = etree.parse(str(site.out / "news_sitemap.xml"))
    assert schema.validate(doc), schema.error_log
    urls = list(doc.iter(f"{SM}url"))
    assert [u.findtext(f"{SM}loc") for u in urls] == [SITE_URL + "news/hostile/"]
    news = urls[0].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Test Ledger"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}title") == HOSTILE_CLEAN
    assert news.findtext(f"{NEWS}publication_date") == "2025-03-14T09:30:00+08:00"


def test_robots_txt_names_both_sitemaps(site: Site) -> None:
    lines = (site.out / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {SITE_URL}sitemap.xml" in lines
    assert f"Sitemap: {SITE_URL}news_sitemap.xml" in lines
    assert "User-agent: *" in lines


# -- structured data ----------------------------------------------------------------------------

def extracted(site: Site, url: str) -> dict[str, list[dict[str, Any]]]:
    html = (site.out / url / "index.html").read_text(encoding="utf-8")
    data: dict[str, list[dict[str, Any]]] = extruct.extract(
        html, base_url=SITE_URL + url, syntaxes=["json-ld", "opengraph"], uniform=True, with_og_array=True)
    return data


@pytest.mark.parametrize("url", ["news/hostile/", "economy/loans/", "news/old/"])
def test_every_article_page_has_complete_news_article_json_ld(site: Site, url: str) -> None:
    found = {item["@type"]: item for item in extracted(site, url)["json-ld"]}
    story = found["NewsArticle"]
    for key in ("headline", "description", "datePublished", "dateModified", "author", "publisher",
                "image", "mainEntityOfPage", "articleSection", "keywords", "inLanguage"):
        assert key in story, f"{url}: {key}"
    assert story["mainEntityOfPage"]["@id"] == SITE_URL + url
    assert story["publisher"]["logo"]["url"] == SITE_URL + "assets/logo.svg"
    assert all(img.startswith(SITE_URL) for img in story["image"])
    crumbs = found["BreadcrumbList"]["itemListElement"]
    assert [c["item"] for c in crumbs] == [SITE_URL, SITE_URL + url.split("/")[0] + "/", SITE_URL + url]


def test_hostile_title_survives_json_ld_and_opengraph(site: Site) -> None:
    data = extracted(site, "news/hostile/")
    story = next(i for i in data["json-ld"] if i["@type"] == "NewsArticle")
    assert story["headline"] == HOSTILE
    assert story["author"] == [{"@type": "Person", "name": "Li <Ming> & Co"}]
    assert story["keywords"] == ["EV", "<b>&", "新能源", "Q ]]> & <A>"]
    assert story["datePublished"] == "2025-03-14T09:30:00+08:00"
    assert story["dateModified"] == "2025-03-15T10:00:00+08:00"
    og = data["opengraph"][0]
    assert og["og:title"] == HOSTILE
    assert og["@type"] == "article"  # extruct's uniform form of og:type
    assert og["article:published_time"] == "2025-03-14T09:30:00+08:00"
    assert og["article:modified_time"] == "2025-03-15T10:00:00+08:00"
    assert og["article:section"] == "News"
    assert og["article:tag"] == ["EV", "<b>&", "新能源", "Q ]]> & <A>"]
    page = site.html("news/hostile/")
    # `</script>` in a field did not end the JSON-LD early: two whole JSON blocks, no loose script
    blocks = page.head.find_all("script", type="application/ld+json")
    assert [json.loads(b.string)["@type"] for b in blocks] == ["NewsArticle", "BreadcrumbList"]
    assert not [s for s in page.find_all("script") if "alert(1)" in s.text and s not in blocks]
    cards = page.find_all("meta", attrs={"name": "twitter:card"})
    assert [c["content"] for c in cards] == ["summary_large_image"]  # the drawn share card


def test_chinese_story_json_ld_uses_its_image_language_and_section(site: Site) -> None:
    story = next(i for i in extracted(site, "economy/loans/")["json-ld"] if i["@type"] == "NewsArticle")
    assert story["headline"] == CHINESE
    assert story["image"] == [SITE_URL + "assets/chart.svg"]
    assert story["inLanguage"] == "zh-CN"
    assert story["articleSection"] == "经济"


# -- pure functions -----------------------------------------------------------------------------

def test_script_json_escapes_everything_that_could_end_a_script() -> None:
    text = structured.script_json({"t": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": "</script><!-- & \u2028"}


def test_clean_drops_only_xml_illegal_characters() -> None:
    assert feeds.clean("a\x00b\x07c\x1fd\te\nf\rg 🚗 中") == "abcd\te\nf\rg 🚗 中"


def test_absolute_html_resolves_against_a_project_path() -> None:
    html = feeds.absolute_html('<p><a href="../x/">x</a> <img src="a.png" alt=""></p>',
                               SITE_URL + "news/story/")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.a["href"] == SITE_URL + "news/x/"
    assert soup.img["src"] == SITE_URL + "news/story/a.png"


def test_robots_keeps_an_editors_file_and_adds_missing_sitemaps() -> None:
    own = "User-agent: *\nDisallow: /drafts/\n"
    out = sitemaps.robots(own, ["https://e.org/r/sitemap.xml"])
    assert out.startswith(own) and out.endswith("Sitemap: https://e.org/r/sitemap.xml\n")
    assert sitemaps.robots(out, ["https://e.org/r/sitemap.xml"]) == out


def test_feed_settings_default_from_the_site_and_report_every_bad_key() -> None:
    s = load_settings(settings(language="zh", publisher="汽车纪事"))
    fs = load_feed_settings(s)
    assert (fs.items, fs.content, fs.news_name, fs.news_language) == (20, "full", "汽车纪事", "zh-cn")
    bad = load_settings(settings(feeds={"items": "many", "content": 3, "news_language": "Chinese",
                                        "extra_key": 1}))
    with pytest.raises(MastheadError) as caught:
        load_feed_settings(bad)
    fields = sorted(f.field for f in caught.value.faults)
    assert fields == ["extra.masthead.feeds.content", "extra.masthead.feeds.extra_key",
                      "extra.masthead.feeds.items", "extra.masthead.feeds.news_language"]
