"""The share bar and the follow block in a real browser: keyboard, clipboard, QR codes as drawn."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from tests.browser.test_reading import VIEWPORTS
from tests.conftest import Site, article
from tests.qr import decode_png


def _article(browser: Any, served_site: str, device: str, url: str | None = None,
             **options: Any) -> tuple[Any, Any, list[str]]:
    """A story page (``url``, else the first story of news/) and the foreign requests it made."""
    context = browser.new_context(viewport=VIEWPORTS[device], **options)
    page = context.new_page()
    foreign: list[str] = []
    origin = urlsplit(served_site).netloc
    page.on("request", lambda r: foreign.append(r.url)
            if urlsplit(r.url).netloc not in (origin, "") and not r.url.startswith("data:") else None)
    if url is None:
        page.goto(served_site + "news/")
        page.locator(".mh-list .mh-card__title a").first.click()
    else:
        page.goto(served_site + url)
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
    icons = page.locator(".mh-share__icon use, .mh-promo__icon use, .mh-follow__icon use")
    widths = icons.evaluate_all("uses => uses.filter(u => !u.closest('[hidden]'))"
                                ".map(u => u.getBBox().width)")
    assert len(widths) >= 4 and all(w > 0 for w in widths)  # drawn from the site's icon sprite file
    follow = page.locator(".mh-follow__qr img")  # one SVG file for every page
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
    assert not follow.locator(".mh-follow__qr img").is_visible()
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


def test_views_counter_shows_only_a_real_count_and_comments_load_only_on_request(
    browser: Any, make_site: Callable[..., Site]
) -> None:
    site = make_site({"news/plant.md": article("Plant opens"),
                      "news/other.md": article("Other", "2025-03-01")})
    requests: list[str] = []

    class Recorder(http.server.SimpleHTTPRequestHandler):
        """The site's files, and a counter service that knows one story and is down for the rest."""

        def do_GET(self) -> None:
            if self.path == "/count/%2Fsite%2Fnews%2Fplant%2F.json":
                body = b'{"count": "1,234"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif self.path.startswith(("/count/", "/hit")):
                self.send_error(404 if self.path.startswith("/count/") else 204)
            else:
                super().do_GET()

        def log_message(self, format: str, *args: object) -> None:
            requests.append(self.path)

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Recorder, directory=str(site.root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    config = yaml.safe_load((site.root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["site_url"] = base + "site/"
    config["extra"]["masthead"]["counter"] = {"url": base + "count/{path}.json", "hit": base + "hit?p={path}"}
    config["extra"]["masthead"]["giscus"] = {"repo": "motorledger/comments", "repo_id": "R_x",
                                            "category": "General", "category_id": "DIC_x"}
    (site.root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    assert site.build("--strict").returncode == 0
    context = browser.new_context()
    page = context.new_page()
    giscus: list[str] = []
    page.route("https://giscus.app/**", lambda route: (giscus.append(route.request.url), route.abort()))
    try:
        page.goto(base + "site/news/plant/")
        views = page.locator(".mh-views")
        views.wait_for(state="visible")
        assert views.inner_text().split() == ["Views", "1,234"]
        assert "/hit?p=%2Fsite%2Fnews%2Fplant%2F" in requests
        page.goto(base + "site/news/other/")
        page.wait_for_load_state("networkidle")
        assert not page.locator(".mh-views").is_visible()
        assert page.locator(".mh-views dd").inner_text() == ""
        assert giscus == []
        page.get_by_role("button", name="Show comments").click()
        page.wait_for_timeout(200)
        assert giscus and giscus[0].startswith("https://giscus.app/client.js")
        script = page.locator(".mh-comments .giscus script")
        assert script.get_attribute("data-repo") == "motorledger/comments"
        assert script.get_attribute("data-mapping") == "pathname"
    finally:
        context.close()
        server.shutdown()
