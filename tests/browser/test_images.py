"""Pictures in a real browser: a phone fetches small WebP files, never the originals, and the
page does not jump while they arrive."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True}
LAYOUT_SHIFT = """() => new Promise(done => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => done(total), 300);
})"""


def _scroll_to_the_end(page: Any) -> None:
    """Bring every lazy image into view, then wait for the network to settle."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height + 800, 600):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(50)
    page.wait_for_load_state("networkidle")


def test_phone_front_page_fetches_small_webp_variants_not_originals(browser: Any, served_site: str) -> None:
    thumbs: list[str] = []
    for front in ("", "zh/"):  # the sample's two editions: English at the root, Chinese in zh/
        context = browser.new_context(**PHONE)  # a fresh cache: both leads show one picture
        page = context.new_page()
        images: list[tuple[str, str]] = []
        page.on("response", lambda r, seen=images: seen.append(
            (urlsplit(r.url).path, r.headers.get("content-type", "")))
            if r.request.resource_type == "image" else None)
        page.goto(served_site + front)
        _scroll_to_the_end(page)
        raster = [(path, kind) for path, kind in images if not path.endswith(".svg")]
        assert raster, "the sample's front pages show raster pictures"
        assert all("/assets/img/" in path and kind == "image/webp" for path, kind in raster), raster
        lead = page.evaluate("document.querySelector('.mh-front__lead img').currentSrc")
        # 343 CSS px at 2x: the 960 px variant, not the 1600 px one nor the 2400 px original.
        assert lead.endswith("-960.webp"), lead
        thumbs += page.evaluate("""() => [...document.querySelectorAll('.mh-grid .mh-card__media img')]
          .map(img => img.currentSrc).filter(src => src && !src.endsWith('.svg'))""")
        context.close()
    assert thumbs and all(src.endswith(("-t320.webp", "-t640.webp")) for src in thumbs), thumbs


def test_article_page_does_not_shift_as_images_load(browser: Any, served_site: str) -> None:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(served_site + "data-report/dealer-inventory-days/")  # a chart in the body
    _scroll_to_the_end(page)
    assert page.evaluate(LAYOUT_SHIFT) < 0.01
    page.goto(served_site + "news/huaxin-northbridge-battery-merger/")  # the lead photo
    page.wait_for_load_state("networkidle")
    assert page.evaluate(LAYOUT_SHIFT) < 0.01
    figure = page.evaluate("document.querySelector('.mh-article__figure img').currentSrc")
    assert figure.endswith(".webp"), figure
    context.close()
