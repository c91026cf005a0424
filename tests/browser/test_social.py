"""The share bar and the follow block in a real browser: keyboard, clipboard, QR codes as drawn."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.browser.test_reading import VIEWPORTS
from tests.qr import decode_png


def _article(browser: Any, served_site: str, device: str, **options: Any) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport=VIEWPORTS[device], **options)
    page = context.new_page()
    foreign: list[str] = []
    origin = urlsplit(served_site).netloc
    page.on("request", lambda r: foreign.append(r.url)
            if urlsplit(r.url).netloc not in (origin, "") and not r.url.startswith("data:") else None)
    page.goto(served_site + "news/")
    page.locator(".mh-list .mh-card__title a").first.click()
    page.wait_for_load_state("load")
    return context, page, foreign


def test_wechat_share_qr_opens_from_the_keyboard_and_scans_to_the_canonical_url(
    browser: Any, served_site: str, screenshots: Path
) -> None:
    context, page, foreign = _article(browser, served_site, "desktop")
    canonical = page.locator('link[rel="canonical"]').get_attribute("href")
    assert canonical == page.url
    qr = page.locator(".mh-share svg.mh-qr")
    assert not qr.is_visible()
    page.locator(".mh-share summary").focus()
    page.keyboard.press("Enter")
    assert qr.is_visible()
    page.screenshot(path=str(screenshots / "share-wechat-desktop.png"), full_page=True)
    assert decode_png(qr.screenshot()) == [canonical]  # as Chromium drew it
    page.keyboard.press("Enter")
    assert not qr.is_visible()
    follow = page.locator(".mh-follow svg.mh-qr")
    assert follow.is_visible() and decode_png(follow.screenshot()) == [
        "https://example.com/wechat/motorledger-demo"]
    assert foreign == []
    context.close()


def test_copy_link_button_copies_the_canonical_url_and_says_so(browser: Any, served_site: str) -> None:
    context, page, _ = _article(browser, served_site, "desktop")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(served_site))
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    button = page.get_by_role("button", name="Copy link")
    assert button.is_visible()
    button.focus()
    page.keyboard.press("Enter")
    status = page.locator(".mh-share [role=status]")
    status.wait_for(state="visible")
    assert status.inner_text() == "Link copied."
    assert page.evaluate("navigator.clipboard.readText()") == page.url
    has_share = page.evaluate("typeof navigator.share === 'function'")
    assert page.locator("[data-mh-share]").is_visible() == has_share
    context.close()


def test_phones_get_the_wechat_id_and_link_instead_of_a_code_to_scan(
    browser: Any, served_site: str, screenshots: Path
) -> None:
    context, page, _ = _article(browser, served_site, "phone")
    follow = page.locator(".mh-follow")
    assert "motorledger_demo" in follow.inner_text()
    assert not follow.locator("svg.mh-qr").is_visible()
    assert follow.get_by_role("link", name="Open in WeChat").is_visible()
    assert page.locator(".mh-promo").is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.screenshot(path=str(screenshots / "social-phone.png"), full_page=True)
    context.close()


def test_without_javascript_the_qr_still_opens_and_no_dead_buttons_show(
    browser: Any, served_site: str
) -> None:
    context, page, _ = _article(browser, served_site, "desktop", java_script_enabled=False)
    assert page.locator(".mh-share button:visible").count() == 0
    page.locator(".mh-share summary").click()
    assert page.locator(".mh-share svg.mh-qr").is_visible()
    assert page.locator(".mh-share a[href^='https://service.weibo.com/']").is_visible()
    context.close()
