"""Inside WeChat's own browser the share button points to WeChat's menu, not to a QR code of the
page the reader is already on; every other browser still gets the code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.test_quality import AXE, WCAG_AA
from tests.browser.test_reading import VIEWPORTS
from tests.browser.test_social import _article

WECHAT_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI "
             "Language/zh_CN")
SAFARI_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1")
ENGLISH_STORY = None  # the first story news/ lists
CHINESE_STORY = "new-vehicles/lan-wan-l9-zeng-cheng-suv/"


def _open(browser: Any, served_site: str, url: str | None, user_agent: str) -> tuple[Any, Any, list[str]]:
    return _article(browser, served_site, "phone", url, user_agent=user_agent, is_mobile=True,
                    has_touch=True)


def test_inside_wechat_the_share_button_shows_the_menu_hint_and_no_qr_code(
    browser: Any, served_site: str, screenshots: Path
) -> None:
    context, page, foreign = _open(browser, served_site, ENGLISH_STORY, WECHAT_UA)
    summary = page.locator(".mh-share summary")
    # The button says what it opens, for screen readers too.
    assert summary.inner_text().strip().startswith("WeChat")
    assert "how to share in WeChat" in summary.text_content()
    assert "show the QR code" not in summary.text_content()
    summary.focus()
    page.keyboard.press("Enter")
    hint = page.locator(".mh-share__menu-hint")
    assert hint.is_visible()
    # "···" as WeChat draws its menu button; screen readers hear the button's name instead.
    assert hint.text_content() == ("Tap ···More at the top right of WeChat, then choose Send to Chat "
                                   "or Share to Moments.")
    assert hint.locator(".mh-share__dots").get_attribute("aria-hidden") == "true"
    assert hint.locator(".mh-visually-hidden").text_content() == "More"
    assert not page.locator(".mh-share svg.mh-qr").is_visible()
    assert page.locator(".mh-share svg.mh-qr").count() == 1  # still in the page, hidden
    # The hint sits at the top right of the window, under WeChat's own "···" button.
    box = page.locator(".mh-share__panel").bounding_box()
    assert box["y"] < 40 and box["x"] + box["width"] > VIEWPORTS["phone"]["width"] - 40
    page.screenshot(path=str(screenshots / "share-wechat-inapp.png"))
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
    assert [v["id"] for v in result["violations"]] == []
    # "Got it" closes the hint and gives the focus back to the button; so does Escape.
    page.keyboard.press("Tab")
    close = page.get_by_role("button", name="Got it")
    assert page.evaluate("document.activeElement.textContent") == "Got it"
    page.keyboard.press("Enter")
    assert not close.is_visible()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert hint.is_visible()
    page.keyboard.press("Escape")
    assert not hint.is_visible()
    assert foreign == []
    context.close()


def test_a_chinese_story_inside_wechat_gives_the_hint_in_chinese(
    browser: Any, served_site: str
) -> None:
    context, page, _ = _open(browser, served_site, CHINESE_STORY, WECHAT_UA)
    assert page.locator("html").get_attribute("lang") == "zh"
    page.locator(".mh-share summary").click()
    hint = page.locator(".mh-share__menu-hint")
    assert hint.text_content() == "点击微信右上角的 ···更多，选择“发送给朋友”或“分享到朋友圈”。"
    assert not page.locator(".mh-share svg.mh-qr").is_visible()
    assert page.get_by_role("button", name="知道了").is_visible()
    context.close()


def test_other_phone_browsers_still_get_the_qr_code_and_no_hint(browser: Any, served_site: str) -> None:
    context, page, _ = _open(browser, served_site, ENGLISH_STORY, SAFARI_UA)
    summary = page.locator(".mh-share summary")
    assert "show the QR code" in summary.text_content()
    summary.click()
    assert page.locator(".mh-share svg.mh-qr").is_visible()
    assert not page.locator(".mh-share__menu-hint").is_visible()
    context.close()


def test_inside_wechat_without_javascript_the_qr_code_stays(browser: Any, served_site: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["phone"], user_agent=WECHAT_UA,
                                  java_script_enabled=False)
    page = context.new_page()
    page.goto(served_site + CHINESE_STORY)
    page.locator(".mh-share summary").click()
    assert page.locator(".mh-share svg.mh-qr").is_visible()
    assert not page.locator(".mh-share__menu-hint").is_visible()
    context.close()


def test_every_page_gives_crawlers_a_title_description_and_an_image_of_at_least_300px(
    served_site: str, served_root: Path
) -> None:
    from bs4 import BeautifulSoup
    from PIL import Image

    from tests.browser.conftest import site_pages

    pages = site_pages(served_root)
    kinds = {"", "news/", "tags/", "tags/ev/", "search/", "authors/", "archive/", "archive/2025/",
             "404.html"}
    assert kinds <= set(pages)
    sizes = set()
    for rel in pages:
        path = served_root / rel if rel.endswith(".html") else served_root / rel / "index.html"
        html = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        og = {m["property"]: m["content"] for m in html.select("meta[property^='og:']")}
        for key in ("og:title", "og:description", "og:url", "og:site_name", "og:image"):
            assert og.get(key, "").strip(), (rel, key)
        assert og["og:url"].startswith(served_site) and og["og:image"].startswith(served_site), rel
        with Image.open(served_root / og["og:image"].removeprefix(served_site)) as image:
            assert image.size == (int(og["og:image:width"]), int(og["og:image:height"])), rel
            assert min(image.size) >= 300, rel
            sizes.add(image.size)
    assert sizes == {(1200, 630)}
