"""Traditional-Chinese readers: zh-Hant labels written by hand, and zh-Hant pages that keep every
Chinese feature (dates, reading time, tag URLs, related stories, feeds) of Simplified ones."""

from __future__ import annotations

import datetime as dt
import json
import string
from collections.abc import Callable

import pytest
from lxml import etree

from masthead import i18n, search, social
from masthead.errors import MastheadError
from masthead.settings import load_settings
from tests.conftest import SECTIONS, Site, article, settings

# Characters that exist only in Simplified script (their Traditional forms differ): none may
# appear in a Traditional label. Not every one, but the ones UI text is made of.
SIMPLIFIED_ONLY = set("这们个时间发页为标签阅读栏关于来档钟较条热报导载没词择结贴链复选从开启点击扫码"
                      "订众号获闻尽议论评显录请览设应过后与图换输买卖体态说话边让认识现实")
TABLES = {"i18n": i18n.LABELS, "search": search.LABELS, "social": social.LABELS}


@pytest.mark.parametrize("name", list(TABLES))
def test_every_label_has_a_traditional_version_written_in_traditional_script(name: str) -> None:
    table = TABLES[name]
    assert set(table["zh-Hant"]) == set(table["zh"]) == set(table["en"])
    for key, text in table["zh-Hant"].items():
        assert not SIMPLIFIED_ONLY & set(text), (key, text)
        # Placeholders stay the same, so every .format() call works in all three.
        assert sorted(_fields(text)) == sorted(_fields(table["zh"][key])), key


def _fields(text: str) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(text) if f]


def test_the_share_card_font_draws_traditional_headlines_and_labels() -> None:
    from masthead.cards import missing_characters

    headline = "台中換電站網路一年擴大三倍，電動機車電池改由業者統一回收"
    sections = "新聞新車行業報告數據報告經濟"
    assert missing_characters(headline + sections + "".join(i18n.LABELS["zh-Hant"].values())) == ""


def test_traditional_chinese_is_chinese_for_dates_and_sections() -> None:
    when = dt.datetime(2025, 3, 14, 9, 30)
    assert i18n.family("zh-Hant") == i18n.family("zh") == "zh" and i18n.family("en") == "en"
    assert i18n.format_date(when, "zh-Hant") == "2025年3月14日 09:30"
    assert i18n.format_month(2025, 3, "zh-Hant") == "2025年3月"
    s = load_settings(settings(sections=[{**SECTIONS[0], "title_zh_hant": "新聞"}, SECTIONS[1]]))
    # A section without a Traditional title shows its Chinese one.
    assert [x.label("zh-Hant") for x in s.sections] == ["新聞", "经济"]
    assert s.sections[0].label("zh") == "新闻"


def test_zh_hant_is_a_site_language_and_other_tags_are_faults() -> None:
    assert load_settings(settings(language="zh-Hant")).language == "zh-Hant"
    with pytest.raises(MastheadError) as info:
        load_settings(settings(language="zh-TW"))
    [fault] = info.value.faults
    assert fault.field == "extra.masthead.language" and "zh, zh-Hant, en" in fault.fix


# -- built pages ------------------------------------------------------------------------------

HANT_BODY = "換電站的電池由業者統一回收，" * 70  # 910 Chinese characters: 3 minutes at 400 a minute


@pytest.fixture(scope="module")
def hant_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    from tests.conftest import site_maker

    make = site_maker(tmp_path_factory.mktemp("hant"))
    files = {
        "news/huan-dian.md": article("台中換電站擴大三倍", "2025-03-14 09:30", HANT_BODY,
                                     tags=["電動機車", "電池"], author="鄭家豪"),
        "news/dian-chi.md": article("換電站電池回收", "2025-03-10 08:00", "換電站的電池。",
                                    tags=["電動機車"]),
        "news/simplified.md": article("换电站电池回收", "2025-03-01 08:00", "换电站的电池。",
                                      tags=["电动机车"], lang="zh"),
        "economy/english.md": article("Swap stations", "2025-03-02 08:00", "Battery swaps.",
                                      tags=["batteries"], lang="en"),
    }
    sections = [{**SECTIONS[0], "title_zh_hant": "新聞"}, {**SECTIONS[1], "title_zh_hant": "經濟"}]
    site: Site = make(files, masthead=settings(language="zh-Hant", sections=sections,
                                               tag_aliases={"电动机车": "電動機車"}))
    result = site.build("--strict")
    assert result.returncode == 0, result.stderr
    return site


def test_a_zh_hant_site_says_so_on_every_page(hant_site: Site) -> None:
    for url in ("", "news/", "news/huan-dian/", "search/", "tags/", "archive/", "404.html"):
        page = hant_site.html(url)
        assert page.html["lang"] == "zh-Hant", url
        assert page.select_one(".mh-skip, a[href='#mh-main']").get_text(strip=True) == "跳到正文", url
        assert "版權所有" in page.select_one(".mh-footer__copyright").get_text(), url
    assert hant_site.html("404.html").h1.get_text() == "找不到頁面"
    assert hant_site.html("search/").h1.get_text(strip=True) == "搜尋文章"
    nav = [a.get_text() for a in hant_site.html("").select("footer .mh-footer__sections a")]
    assert nav[:2] == ["新聞", "經濟"] and "歸檔" in nav and "全部標籤" in nav


def test_a_zh_hant_story_has_chinese_dates_reading_time_and_pinyin_tag_urls(hant_site: Site) -> None:
    page = hant_site.html("news/huan-dian/")
    byline = page.select_one(".mh-byline").get_text(" ", strip=True)
    assert "發布 2025年3月14日 09:30" in byline and "閱讀約 3 分鐘" in byline
    tags = {a.get_text(strip=True): a["href"] for a in page.select(".mh-tag a")}
    assert tags == {"電動機車": "../../tags/dian-dong-ji-che/", "電池": "../../tags/dian-chi/"}
    assert all(li.get("lang") is None for li in page.select(".mh-tag"))  # Chinese on a Chinese page
    tag_page = hant_site.html("tags/dian-dong-ji-che/")
    titles = [h.get_text(strip=True) for h in tag_page.select(".mh-card__title")]
    assert titles == ["台中換電站擴大三倍", "換電站電池回收", "换电站电池回收"]  # the alias merged
    assert tag_page.select_one(".mh-taghead__count").get_text() == "3 篇"


def test_zh_hant_and_zh_stories_are_related_but_english_ones_are_not(hant_site: Site) -> None:
    page = hant_site.html("news/huan-dian/")
    related = {a.get_text(strip=True) for a in page.select(".mh-related__title a")}
    assert related == {"換電站電池回收", "换电站电池回收"}
    # The Simplified story is marked as such on the Traditional page; the Traditional one is not.
    langs = {li.select_one(".mh-related__title a").get_text(strip=True): li.get("lang")
             for li in page.select(".mh-related__item")}
    assert langs == {"換電站電池回收": None, "换电站电池回收": "zh"}


def test_a_zh_hant_story_tells_crawlers_and_feeds_its_language(hant_site: Site) -> None:
    page = hant_site.html("news/huan-dian/")
    og = {m["property"]: m["content"] for m in page.select("meta[property^='og:']")}
    assert og["og:locale"] == "zh_TW" and og["og:title"] == "台中換電站擴大三倍"
    story = next(d for d in (json.loads(s.string) for s in page.select("script[type='application/ld+json']"))
                 if d["@type"] == "NewsArticle")
    assert story["inLanguage"] == "zh-Hant"
    rss = etree.parse(str(hant_site.out / "feeds/rss.xml"))
    assert rss.findtext("channel/language") == "zh-tw"
    feed = json.loads((hant_site.out / "feeds/feed.json").read_text(encoding="utf-8"))
    assert {i["language"] for i in feed["items"]} == {"zh-Hant", "zh", "en"}


def test_a_zh_hant_story_on_a_simplified_site_gets_traditional_labels(
    make_site: Callable[..., Site]
) -> None:
    site = make_site({"news/a.md": article("換電站", body=HANT_BODY, lang="zh-Hant"),
                      "news/b.md": article("换电站", "2025-03-01", lang="zh")},
                     masthead=settings(language="zh"))
    assert site.build("--strict").returncode == 0
    hant, simplified = site.html("news/a/"), site.html("news/b/")
    assert (hant.html["lang"], simplified.html["lang"]) == ("zh-Hant", "zh")
    assert hant.select_one(".mh-share__title").get_text() == "分享本文"
    assert "閱讀約" in hant.select_one(".mh-byline").get_text()
    assert "阅读约" in simplified.select_one(".mh-byline").get_text()
    front = site.html("")
    card = front.find("a", string="換電站").find_parent(attrs={"lang": True})
    assert card["lang"] == "zh-Hant"  # a Traditional story listed on a Simplified page
