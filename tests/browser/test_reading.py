"""A reader's path through the sample newsroom, on a phone and on a desktop."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_front_to_section_to_article_and_back(
    browser: Any, served_site: str, screenshots: Path, device: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[device])
    page = context.new_page()
    errors: list[str] = []
    failed: list[str] = []
    foreign: list[str] = []
    origin = urlsplit(served_site).netloc
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    # ERR_ABORTED is a request cut short by our own navigation, not a failure of the site.
    page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.url}")
            if "ERR_ABORTED" not in (r.failure or "") else None)
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("request", lambda r: foreign.append(r.url)
            if urlsplit(r.url).netloc not in (origin, "") and not r.url.startswith("data:") else None)

    def check(kind: str) -> None:
        page.wait_for_load_state("load")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{kind} scrolls sideways by {overflow}px on {device}"
        page.screenshot(path=str(screenshots / f"{kind}-{device}.png"), full_page=True)

    page.goto(served_site)
    check("front")
    lead = page.locator(".mh-front__lead .mh-card__title a")
    lead_title = lead.inner_text()
    page.locator(".mh-sections a", has_text="News").first.click()
    assert page.url == served_site + "news/"
    check("section")
    page.locator(".mh-list .mh-card__title a").first.click()
    assert page.locator("h1").inner_text() == lead_title  # the pinned lead is the newest news story
    check("article")
    page.locator(".mh-breadcrumb a").nth(1).click()
    assert page.url == served_site + "news/"
    page.go_back()
    assert page.locator("h1").inner_text() == lead_title
    # article → tag page → a story on it → its related stories → back
    tag = page.locator(".mh-tag a").first
    tag_name = tag.inner_text()
    tag.click()
    assert "/tags/" in page.url and tag_name in page.locator("h1").inner_text()
    check("tag")
    page.locator(".mh-list .mh-card__title a").first.click()
    check("tagged-article")
    related = page.locator(".mh-related .mh-related__title a").first
    related_title = related.inner_text()
    related.click()
    assert page.locator("h1").inner_text() == related_title
    page.go_back()
    page.go_back()
    assert "/tags/" in page.url
    for kind, rel in [("tag-index", "tags/"), ("search", "search/"), ("archive", "archive/"),
                      ("authors", "authors/"), ("404", "404.html")]:
        page.goto(served_site + rel)
        check(kind)
    assert errors == [] and failed == [] and foreign == []
    context.close()


def test_print_shows_the_story_only_with_full_link_addresses(browser: Any, served_site: str) -> None:
    page = browser.new_page()
    page.goto(served_site + "news/huaxin-northbridge-battery-merger/")
    page.emulate_media(media="print")
    for hidden in [".mh-sections", ".mh-footer", ".mh-rail", ".mh-breadcrumb"]:
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("h1").is_visible()
    after = page.evaluate(
        """() => [...document.querySelectorAll('.mh-article__body a')].map(
             a => getComputedStyle(a, '::after').content)""")
    assert f'" ({served_site}data-report/battery-installations-q2-2025/)"' in after
    assert '" (https://example.com/motor-ledger/huaxin-northbridge-statement)"' in after
    page.close()
