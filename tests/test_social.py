"""WeChat follow block, subscribe promo, share bar, views counter and Giscus (issue 5).

Unit tests of the settings and URL functions, then real builds asserting on the parsed HTML; every
QR code a build writes is read back from the page's own SVG and decoded with zxing-cpp.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from masthead.article import parse_article
from masthead.errors import MastheadError
from masthead.settings import load_settings
from masthead.social import (
    Copy,
    Social,
    WeChat,
    canonical_url,
    counter_url,
    follow_qr_file,
    load_social,
    load_with_social,
    promo_line,
    qr_code,
    qr_svg,
    social_view,
    weibo_share_url,
)
from tests.conftest import Site, article, settings
from tests.qr import decode_svg, decode_svg_file, svg_modules

MakeSite = Callable[..., Site]

WECHAT = {
    "account": "汽车纪事 Motor Ledger",
    "id": "motorledger_demo",
    "follow_url": "https://example.com/wechat/motorledger-demo",
    "copy": "Besides Weibo, we are on WeChat.",
    "copy_zh": "除了微博，我们也在微信。",
    "promo": {
        "copy": "Evening briefing on WeChat.",
        "copy_zh": "每晚简报，关注公众号。",
        "sections": {"economy": {"copy": "Economy notes on WeChat."}},
    },
}
WEIBO = {"name": "汽车纪事", "url": "https://example.com/weibo/motorledger-demo"}
GISCUS = {"repo": "motorledger/comments", "repo_id": "R_kgDOExample", "category": "Announcements",
          "category_id": "DIC_kwDOExample"}
COUNTER = {"url": "https://ml.example.com/counter/{path}.json", "hit": "https://ml.example.com/count?p={path}"}


def social_faults(raw: dict[str, Any], **kw: Any) -> str:
    with pytest.raises(MastheadError) as info:
        load_social(raw, **kw)
    return "\n".join(f.format() for f in info.value.faults)


def modules(rows: tuple[bytes, ...]) -> tuple[tuple[bool, ...], ...]:
    """``qr_code``'s rows as dark/light modules inside a quiet zone of 4 (what the SVG draws)."""
    light = (False,) * (len(rows) + 8)
    return (light,) * 4 + tuple((False,) * 4 + tuple(v == 0 for v in row) + (False,) * 4
                                for row in rows) + (light,) * 4


# -- settings ----------------------------------------------------------------------------------


def test_full_social_settings_load_into_typed_values(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets/qr.png").write_bytes(b"png")
    social = load_social({"wechat": {**WECHAT, "qr_image": "assets/qr.png"}, "weibo": WEIBO,
                          "counter": COUNTER, "giscus": {**GISCUS, "strict": True}, "share": False},
                         sections=("news", "economy"), docs_dir=tmp_path)
    assert social.wechat is not None and social.wechat.id == "motorledger_demo"
    assert social.wechat.qr_image == "assets/qr.png"
    assert social.wechat.copy.pick("zh") == "除了微博，我们也在微信。"
    assert social.wechat.copy.pick("en") == "Besides Weibo, we are on WeChat."
    assert social.wechat.section_promo == {"economy": Copy("Economy notes on WeChat.")}
    assert social.weibo is not None and social.weibo.name == "汽车纪事"
    assert social.counter is not None and social.counter.hit.endswith("{path}")
    assert social.giscus is not None and social.giscus.strict and social.giscus.mapping == "pathname"
    assert social.share is False


def test_absent_social_settings_turn_every_block_off_but_the_share_bar() -> None:
    assert load_social({"name": "X"}) == Social()
    assert load_social({"wechat": None, "weibo": False}) == Social()
    view = social_view(Social(), lang="en")
    assert view["follow"] is None and "promo" not in view and "share" not in view


def test_every_bad_social_key_is_named_with_a_fix_in_one_run() -> None:
    raw = {
        "wechat": {"id": "1 bad id", "follow_url": "javascript:alert(1)", "folow_url": "x",
                   "qr_image": "../secret.png", "promo": {"sections": {"sports": {"copy": "x"},
                                                                        "news": "text"}}},
        "weibo": {"url": "ftp://example.com/w"},
        "share": "yes",
        "counter": {"url": "https://c.example.com/{page}.json", "hit": "https://c.example.com/{path!r}"},
        "giscus": {"repo": "not a repo", "repo_id": "R_x", "category": "General",
                   "category_id": "<x>", "mapping": "number", "reactions": "on"},
    }
    text = social_faults(raw, sections=("news", "economy"))
    for key, hint in [
        ("wechat.account", "is required"),
        ("wechat.id", "6-20 letters"),
        ("wechat.follow_url", "https://"),
        ("wechat.folow_url", "is not a known setting"),
        ("wechat.qr_image", "inside docs/"),
        ("wechat.promo.sections.sports", "use one of: news, economy"),
        ("wechat.promo.sections.news", "expected a mapping or false"),
        ("weibo.url", "https://"),
        ("share", "true or false"),
        ("counter.url", "{page}"),
        ("counter.hit", "{path}"),
        ("giscus.repo", "owner/name"),
        ("giscus.category_id", "giscus.app"),
        ("giscus.mapping", "pathname"),
        ("giscus.reactions", "true or false"),
    ]:
        line = next((ln for ln in text.splitlines() if f"extra.masthead.{key}:" in ln), None)
        assert line is not None, (key, text)
        assert line.startswith("mkdocs.yml: ") and hint in line, line


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "//example.com/x",
                                 "https://", "https://example.com/a b", 'https://e.com/"><x>',
                                 "mailto:a@b.c", "https://[::1"])
def test_only_http_and_https_addresses_are_accepted(url: str) -> None:
    assert "extra.masthead.weibo.url:" in social_faults({"weibo": {"url": url}})


def test_a_non_mapping_block_is_refused_naming_it() -> None:
    assert "extra.masthead.wechat: expected a mapping" in social_faults({"wechat": "motorledger"})


def test_settings_and_social_faults_come_together() -> None:
    with pytest.raises(MastheadError) as info:
        load_with_social(settings(timezone="Nowhere/City", wechat={"account": "A", "id": "x"}))
    fields = {f.field for f in info.value.faults}
    assert fields == {"extra.masthead.timezone", "extra.masthead.wechat.id"}


def test_qr_image_must_exist_in_docs(tmp_path: Path) -> None:
    text = social_faults({"wechat": {**WECHAT, "qr_image": "assets/none.png"}}, docs_dir=tmp_path)
    assert "extra.masthead.wechat.qr_image: file 'assets/none.png' does not exist" in text


# -- URLs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("site_url", "url", "expected"), [
    ("https://example.org/", "news/plant/", "https://example.org/news/plant/"),
    ("https://user.github.io/repo", "news/plant/", "https://user.github.io/repo/news/plant/"),
    ("https://user.github.io/repo/", "news/新能源/",
     "https://user.github.io/repo/news/%E6%96%B0%E8%83%BD%E6%BA%90/"),
    ("https://example.org/新闻站/", "news/a b.html", "https://example.org/%E6%96%B0%E9%97%BB%E7%AB%99/news/a%20b.html"),
])
def test_canonical_url_is_ascii_and_keeps_the_project_path(site_url: str, url: str, expected: str) -> None:
    assert canonical_url(site_url, url) == expected


def test_weibo_share_link_carries_url_and_title_exactly() -> None:
    url = "https://user.github.io/repo/news/%E6%96%B0/?a=1&b=2#x"
    title = "新能源 & “quotes” #1 + more/less?"
    link = weibo_share_url(url, title)
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://service.weibo.com/share/share.php"
    assert parse_qs(parts.query) == {"url": [url], "title": [title]}
    assert " " not in link and "#" not in link and "&b=" not in link


def test_counter_url_fills_path_and_url_as_single_components() -> None:
    page = "https://user.github.io/repo/news/%E6%96%B0/"
    assert counter_url("https://c.example.com/counter/{path}.json", page) == (
        "https://c.example.com/counter/%2Frepo%2Fnews%2F%25E6%2596%25B0%2F.json")
    assert counter_url("https://c.example.com/hit?u={url}", page).startswith(
        "https://c.example.com/hit?u=https%3A%2F%2Fuser.github.io%2Frepo%2F")
    assert counter_url("", page) == ""


# -- QR codes ----------------------------------------------------------------------------------


QR_URLS = [
    "https://auto.example.com/new-vehicles/vellmark-etour-electric-estate/",
    "https://user.github.io/repo/news/%E6%96%B0%E8%83%BD%E6%BA%90%E8%BD%A6/",  # 新能源车, encoded
    "https://newsroom.example.org/a-long-project-path/industry/suppliers/2026/12/"
    + "battery-cell-makers-agree-on-a-common-module-format-for-commercial-vans-and-light-trucks/"
    + "?utm_source=wechat&utm_medium=share#comments",
]


@pytest.mark.parametrize("url", QR_URLS)
def test_qr_svg_draws_the_modules_of_qr_code_and_decodes_to_the_url(url: str) -> None:
    rows = qr_code(url)
    assert len(rows) in range(21, 178, 4) and all(len(row) == len(rows) for row in rows)
    assert set(b"".join(rows)) == {0, 255}
    svg = BeautifulSoup(qr_svg(url, "label"), "html.parser").svg
    assert svg["viewbox"] == f"0 0 {len(rows) + 8} {len(rows) + 8}"
    assert svg_modules(svg) == modules(rows)
    assert decode_svg(svg) == [url]
    assert decode_svg(svg, scale=3) == [url]  # small on screen, as a phone may see it


def test_qr_svg_is_well_formed_xml_with_its_accessible_name() -> None:
    label = 'QR code of <this> story’s "link" & more'
    svg = ElementTree.fromstring(qr_svg(QR_URLS[0], label))  # raises if not well formed
    assert svg.get("aria-label") == label and svg.get("role") == "img"
    assert svg.get("class") == "mh-qr" and svg.get("width") is None and svg.get("height") is None
    [title, background, modules_path] = list(svg)
    assert title.tag == "title" and title.text == label
    assert background.get("fill") == "#fff" and modules_path.get("stroke") == "#000"


def test_a_non_ascii_url_is_encoded_as_its_ascii_form() -> None:
    """Raw UTF-8 in a QR code leaves the phone to guess its charset; percent-encoded, it is the same URL."""
    assert qr_code("https://user.github.io/repo/news/新能源车/") == qr_code(QR_URLS[1])
    path, text = follow_qr_file("https://example.com/关注/")
    document = BeautifulSoup(text, "html.parser").svg
    assert decode_svg(document) == ["https://example.com/%E5%85%B3%E6%B3%A8/"]
    assert path.startswith("assets/masthead/wechat-qr-") and path.endswith(".svg")


def test_qr_svg_is_deterministic_and_labelled_for_screen_readers() -> None:
    label = 'QR code of <this> story’s "link"'
    first = qr_svg("https://example.org/a/", label)
    qr_svg.cache_clear()
    assert qr_svg("https://example.org/a/", label) == first
    svg = BeautifulSoup(first, "html.parser").svg
    assert svg["role"] == "img" and svg["aria-label"] == label
    assert svg.title.get_text() == label
    assert "<this>" not in first


# -- promo lines -------------------------------------------------------------------------------


def test_promo_line_comes_from_the_story_then_its_section_then_the_site() -> None:
    site = load_settings(settings())
    wechat = WeChat(account="A", id="motorledger", promo=Copy("Site line.", "站点推广语。"),
                    section_promo={"economy": Copy("Economy line."), "news": None})

    def line(path: str, lang: str = "en", **fields: Any) -> str:
        story, faults = parse_article(path, article(**fields), site)
        assert story is not None, faults
        return promo_line(wechat, story, lang)

    assert line("economy/a.md") == "Economy line."
    assert line("economy/a.md", "zh") == "Economy line."  # no Chinese line for the section
    assert line("news/a.md") == ""  # the section shows no promo
    assert line("economy/a.md", wechat_promo="This story's own line.") == "This story's own line."
    assert line("economy/a.md", wechat_promo=False) == ""
    other = dataclasses.replace(wechat, section_promo={})
    story, _ = parse_article("news/a.md", article(), site)
    assert story is not None
    assert promo_line(other, story, "zh") == "站点推广语。"
    assert promo_line(WeChat(account="A", id="motorledger"), story, "en") == (
        "Get the day's top stories on WeChat.")


def test_a_bad_wechat_promo_field_names_file_line_and_fix() -> None:
    site = load_settings(settings())
    story, faults = parse_article("news/a.md", article(wechat_promo=["x"]), site)
    assert story is None
    [fault] = faults
    assert fault.format().startswith("news/a.md:4: wechat_promo: expected true, false or one line")


# -- builds ------------------------------------------------------------------------------------

ZH_PATH = "news/新能源车销量.md"


def social_site(make_site: MakeSite, site_url: str = "https://user.github.io/ledger/",
                **social: Any) -> Site:
    files = {
        "news/plant.md": article("Huaxin opens a plant", "2025-03-14 09:30"),
        ZH_PATH: article("新能源车销量创新高", "2025-03-15 09:30", lang="zh"),
        "news/no-promo.md": article("No promo here", "2025-03-13 09:30", wechat_promo=False),
        "news/own-promo.md": article("Own promo", "2025-03-12 09:30", wechat_promo="Scan for our daily."),
        "economy/rates.md": article("Rates ease", "2025-03-11 09:30"),
    }
    return make_site(files, masthead=settings(**social), site_url=site_url)


def built(site: Site) -> Site:
    result = site.build("--strict")
    assert result.returncode == 0, result.stderr
    return site


def all_pages(site: Site) -> dict[str, BeautifulSoup]:
    return {p.relative_to(site.out).as_posix(): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            for p in sorted(site.out.rglob("*.html"))}


def test_configured_site_has_the_follow_block_on_every_page(make_site: MakeSite) -> None:
    site = built(social_site(make_site, wechat=WECHAT, weibo=WEIBO))
    pages = all_pages(site)
    for name, page in pages.items():
        blocks = page.select(".mh-follow")
        assert len(blocks) == 1, name
        block = blocks[0]
        text = block.get_text(" ", strip=True)
        assert "汽车纪事 Motor Ledger" in text and "motorledger_demo" in text, name
        assert block.select_one(".mh-follow__weibo a")["href"] == WEIBO["url"]
        assert block.select_one(".mh-follow__open a")["href"] == WECHAT["follow_url"]
    front, article_page = pages["index.html"], pages["news/plant/index.html"]
    assert front.select_one(".mh-front > .mh-follow") is not None  # the front page's side column
    assert article_page.select_one(".mh-side > .mh-follow") is not None
    zh_follow = pages[f"{ZH_PATH[:-3]}/index.html"].select_one(".mh-follow")
    assert "除了微博，我们也在微信。" in zh_follow.get_text()
    assert "Besides Weibo, we are on WeChat." in article_page.select_one(".mh-follow").get_text()


def test_every_qr_code_decodes_to_the_canonical_url_chinese_paths_included(make_site: MakeSite) -> None:
    site = built(social_site(make_site, wechat=WECHAT, weibo=WEIBO))
    decoded: dict[str, list[str]] = {}
    follow_files: set[str] = set()
    for name, page in all_pages(site).items():
        canonical = page.select_one('link[rel="canonical"]')
        for svg in page.select("svg.mh-qr"):
            text = decode_svg(svg)
            if svg.find_parent(class_="mh-share"):
                assert text == [canonical["href"]], name
                decoded[name] = text
            else:
                raise AssertionError(f"{name}: a QR code outside the share bar is inline")
        for img in page.select(".mh-follow__qr img"):  # one file, the same on every page
            follow_files.add(img["src"].rsplit("/", 1)[-1])
            src = img["src"]  # relative, or below the site's path on 404.html
            page_dir = (site.out / name).parent
            path = site.out / src.removeprefix("/ledger/") if src.startswith("/") else page_dir / src
            assert decode_svg_file(path) == [WECHAT["follow_url"]], name
            assert img["alt"] and img["width"] == img["height"] == "160"
    assert len(follow_files) == 1
    zh = f"{ZH_PATH[:-3]}/index.html"
    assert decoded[zh] == ["https://user.github.io/ledger/news/"
                           "%E6%96%B0%E8%83%BD%E6%BA%90%E8%BD%A6%E9%94%80%E9%87%8F/"]
    assert decoded["news/plant/index.html"] == ["https://user.github.io/ledger/news/plant/"]
    assert len(decoded) == 5  # one share QR per article, none elsewhere


def test_share_bar_works_without_javascript_and_has_real_labelled_buttons(make_site: MakeSite) -> None:
    site = built(social_site(make_site))
    page = site.html(ZH_PATH[:-3] + "/")
    bar = page.select_one(".mh-share")
    url = "https://user.github.io/ledger/news/%E6%96%B0%E8%83%BD%E6%BA%90%E8%BD%A6%E9%94%80%E9%87%8F/"
    details = bar.select_one("details.mh-share__wechat")
    assert details.summary.get_text(strip=True).startswith("微信")
    assert details.select_one("svg.mh-qr[role=img]")["aria-label"] == f"本文链接的二维码：{url}"
    assert "扫一扫" in details.get_text()
    weibo = bar.select_one('a[href^="https://service.weibo.com/share/share.php?"]')
    assert parse_qs(urlsplit(weibo["href"]).query) == {"url": [url],
                                                       "title": ["新能源车销量创新高 - Test Ledger"]}
    copy = bar.select_one("button[data-mh-copy]")
    assert copy["type"] == "button" and copy.get_text(strip=True) == "复制链接"
    assert copy["data-mh-copy"] == url and copy.find_parent("li").has_attr("hidden")
    native = bar.select_one("button[data-mh-share]")
    assert native["type"] == "button" and native.get_text(strip=True) == "更多分享方式"
    assert native.find_parent("li").has_attr("hidden")
    assert bar.select_one("[role=status]") is not None
    assert bar.select_one("input.mh-share__field")["value"] == url
    scripts = [s["src"] for s in page.select("script[src]")]
    assert "../../assets/javascripts/mh-social.js" in scripts
    assert all(not urlsplit(src).netloc for src in scripts), scripts
    assert (site.out / "assets/javascripts/mh-social.js").is_file()


def test_promo_follows_site_section_and_story_settings(make_site: MakeSite) -> None:
    site = built(social_site(make_site, wechat=WECHAT))

    def promo(url: str) -> str | None:
        block = site.html(url).select_one(".mh-article .mh-promo")
        return None if block is None else block.get_text(" ", strip=True)

    plant = promo("news/plant/")
    assert plant is not None
    assert "Evening briefing on WeChat." in plant and "motorledger_demo" in plant
    assert "汽车纪事 Motor Ledger" in plant
    assert "每晚简报，关注公众号。" in (promo(ZH_PATH[:-3] + "/") or "")
    assert "Economy notes on WeChat." in (promo("economy/rates/") or "")
    assert "Scan for our daily." in (promo("news/own-promo/") or "")
    assert promo("news/no-promo/") is None
    assert site.html("news/").select_one(".mh-promo") is None  # articles only


def test_unconfigured_site_draws_no_social_block_at_all(make_site: MakeSite) -> None:
    site = built(social_site(make_site))
    for name, page in all_pages(site).items():
        for selector in [".mh-follow", ".mh-promo", ".mh-views", ".mh-comments", "[data-mh-counter]",
                         "[data-mh-giscus]"]:
            assert page.select_one(selector) is None, (name, selector)
        assert "WeChat ID" not in page.get_text() and "微信号" not in page.get_text()
    assert site.html("news/plant/").select_one(".mh-share") is not None  # the share bar is on by default


def test_share_false_leaves_out_the_share_bar_and_its_script(make_site: MakeSite) -> None:
    site = built(social_site(make_site, share=False))
    page = site.html("news/plant/")
    assert page.select_one(".mh-share") is None and page.select_one("svg.mh-qr") is None
    assert not any("mh-social.js" in s["src"] for s in page.select("script[src]"))


def test_without_site_url_there_is_no_share_bar_to_point_nowhere(make_site: MakeSite) -> None:
    site = built(social_site(make_site, site_url=None, wechat=WECHAT))
    page = site.html("news/plant/")
    assert page.select_one(".mh-share") is None
    assert page.select_one(".mh-promo") is not None and page.select_one(".mh-follow__qr img") is not None


def test_qr_image_setting_shows_that_image_with_alt_text(make_site: MakeSite) -> None:
    wechat = {k: v for k, v in WECHAT.items() if k != "follow_url"} | {"qr_image": "assets/wechat.png"}
    site = social_site(make_site, wechat=wechat)
    (site.root / "docs/assets").mkdir()
    (site.root / "docs/assets/wechat.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    built(site)
    block = site.html("news/").select_one(".mh-follow")
    img = block.select_one(".mh-follow__qr img")
    assert img["src"] == "../assets/wechat.png" and "汽车纪事 Motor Ledger" in img["alt"]
    assert block.select_one("svg") is None and block.select_one(".mh-follow__open") is None


def test_weibo_alone_draws_a_follow_block_without_wechat(make_site: MakeSite) -> None:
    site = built(social_site(make_site, weibo={"url": WEIBO["url"]}))
    block = site.html("news/").select_one(".mh-follow")
    assert block.select_one(".mh-follow__weibo a").get_text(strip=True) == "Weibo"
    assert block.select_one("dl") is None and site.html("news/plant/").select_one(".mh-promo") is None


def test_views_counter_and_comments_render_only_hooks_for_real_data(make_site: MakeSite) -> None:
    site = built(social_site(make_site, counter=COUNTER, giscus=GISCUS))
    page = site.html("news/plant/")
    views = page.select_one(".mh-byline .mh-views")
    assert views.has_attr("hidden") and views.dd.get_text(strip=True) == ""  # never a fake count
    assert views["data-mh-counter"] == "https://ml.example.com/counter/%2Fledger%2Fnews%2Fplant%2F.json"
    assert views["data-mh-hit"] == "https://ml.example.com/count?p=%2Fledger%2Fnews%2Fplant%2F"
    comments = page.select_one(".mh-comments")
    config = json.loads(comments["data-mh-giscus"])
    assert config["repo"] == "motorledger/comments" and config["category-id"] == "DIC_kwDOExample"
    assert config["lang"] == "en" and config["mapping"] == "pathname"
    zh_comments = site.html(ZH_PATH[:-3] + "/").select_one(".mh-comments")
    assert json.loads(zh_comments["data-mh-giscus"])["lang"] == "zh-CN"
    assert comments.select_one("button.mh-comments__load")["type"] == "button"
    assert not page.select('script[src*="giscus"]')  # loaded only when the reader asks
    assert site.html("news/").select_one(".mh-views, .mh-comments") is None


def test_hostile_settings_values_are_escaped_everywhere(make_site: MakeSite) -> None:
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    site = social_site(
        make_site,
        wechat={"account": evil, "id": "motorledger_demo", "copy": evil, "copy_zh": evil,
                "follow_url": "https://example.com/f?a=1&b='x'",
                "promo": {"copy": evil}},
        weibo={"name": evil, "url": "https://example.com/w?x='1'&y=2"},
        giscus={**GISCUS, "category": evil, "theme": "light'onload='x"},
        counter={"url": "https://c.example.com/{path}.json?k='&x=1"},
    )
    (site.root / "docs/news/evil.md").write_text(article(evil, wechat_promo=evil), encoding="utf-8")
    built(site)
    for name, page in all_pages(site).items():
        # JSON-LD is data, not code; it must hold no literal "<" (issue 6 escapes it as \u003c)
        code = [s for s in page.find_all("script") if s.get("type") != "application/ld+json"]
        assert not [s for s in code if "alert" in (s.string or "")], name
        assert not [s for s in page.find_all("script", type="application/ld+json") if "<" in s.string], name
        assert not page.select("[onerror], [onload]"), name
        assert page.find("img", src="x") is None, name
    page = site.html("news/plant/")
    assert evil in page.select_one(".mh-promo").get_text()
    assert evil in page.select_one(".mh-follow").get_text()
    assert page.select_one(".mh-follow__open a")["href"] == "https://example.com/f?a=1&b='x'"
    assert json.loads(page.select_one(".mh-comments")["data-mh-giscus"])["category"] == evil
    story = site.html("news/evil/")
    assert story.select_one(".mh-promo__copy").get_text() == evil
    assert story.select_one("[data-mh-share]")["data-mh-title"] == evil
    weibo = story.select_one('.mh-share a[href^="https://service.weibo.com/"]')["href"]
    assert parse_qs(urlsplit(weibo).query)["title"] == [f"{evil} - Test Ledger"]


def test_bad_social_settings_stop_the_build_naming_the_key(make_site: MakeSite) -> None:
    site = social_site(make_site, wechat={"account": "A", "id": "x", "follow_url": "javascript:alert(1)"},
                       weibo={"url": "weibo.com/x"})
    result = site.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for key in ["extra.masthead.wechat.id", "extra.masthead.wechat.follow_url", "extra.masthead.weibo.url"]:
        assert key in result.stderr, key
    assert not site.out.exists()


def test_pages_with_qr_codes_build_byte_identically(make_site: MakeSite) -> None:
    site = built(social_site(make_site, wechat=WECHAT, weibo=WEIBO))
    first = {p: (site.out / p).read_bytes() for p in ["index.html", "news/plant/index.html",
                                                      f"{ZH_PATH[:-3]}/index.html"]}
    built(site)
    assert {p: (site.out / p).read_bytes() for p in first} == first
