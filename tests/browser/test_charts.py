"""The sample's chart pages in Chromium at 375 and 1280 px: one layout shows, nothing runs off or
overlaps (measured with the browser's own fonts), the page passes vnu and axe, no script runs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_quality import AXE, VNU, WCAG_AA

CHART_PAGES = [
    "data-report/october-2026-sales-by-maker/",  # bars from a CSV file, English
    "data-report/2025-nian-xin-neng-yuan-xiao-liang/",  # columns, a highlighted category, Chinese
    "data-report/used-ev-residual-values/",  # line over months, a highlighted series
    "data-report/battery-installations-q2-2025/",  # stacked bars
    "data-report/chong-dian-zhuang-bao-you-liang/",  # stacked columns over dates, Chinese
]
VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 800}}

# For each chart: which layouts show, how far its parts reach past the figure, and every pair of
# text boxes in the shown SVG that overlap (boxes shrunk by a pixel: neighbours may touch).
MEASURE = """
() => [...document.querySelectorAll('figure.mh-chart')].map(figure => {
  const box = figure.getBoundingClientRect();
  const shown = [...figure.querySelectorAll('svg.mh-chart__plot')]
    .filter(svg => getComputedStyle(svg).display !== 'none');
  const texts = shown.flatMap(svg => [...svg.querySelectorAll('text')]).map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  });
  const plot = shown.length ? shown[0].getBoundingClientRect() : box;
  const outside = texts.filter(t => t.left < plot.left - 1 || t.right > plot.right + 1)
    .map(t => `${t.text} [${t.left.toFixed(0)}, ${t.right.toFixed(0)}] `
              + `outside [${plot.left}, ${plot.right}]`);
  const overlaps = [];
  texts.forEach((a, i) => texts.slice(i + 1).forEach(b => {
    if (a.left + 1 < b.right - 1 && b.left + 1 < a.right - 1
        && a.top + 1 < b.bottom - 1 && b.top + 1 < a.bottom - 1)
      overlaps.push(`${a.text} / ${b.text}`);
  }));
  return {layouts: shown.map(s => s.classList[1]), width: box.width, scroll: figure.scrollWidth,
          plot: [plot.width, plot.height], outside, overlaps, texts: texts.length};
})
"""


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_chart_pages_fit_the_screen_with_no_label_running_off_or_overlapping(
    browser: Any, served_site: str, screenshots: Path, device: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[device], java_script_enabled=True)
    page = context.new_page()
    expected = "mh-chart__plot--narrow" if device == "phone" else "mh-chart__plot--wide"
    for rel in CHART_PAGES:
        page.goto(served_site + rel)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, rel
        charts = page.evaluate(MEASURE)
        assert charts, f"{rel}: no chart"
        for chart in charts:
            assert chart["layouts"] == [expected], rel
            assert chart["scroll"] <= chart["width"] + 0.5, rel
            assert chart["texts"] > 3 and chart["plot"][1] > 100, rel
            assert chart["outside"] == [], (rel, chart["outside"])
            assert chart["overlaps"] == [], (rel, chart["overlaps"])
        figure = page.locator("figure.mh-chart").first
        figure.scroll_into_view_if_needed()
        figure.screenshot(path=str(screenshots / f"chart-{rel.split('/')[1]}-{device}.png"))
        # The numbers are one click away, as a table that fits or scrolls in its own box.
        page.locator("figure.mh-chart summary").first.click()
        assert page.locator("figure.mh-chart table").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, rel
    context.close()


def test_chart_pages_pass_vnu_and_axe(browser: Any, served_site: str, served_root: Path) -> None:
    java = shutil.which("java")
    assert java and VNU.is_file() and AXE.is_file(), "needs Java and `npm ci` (make install runs it)"
    files = [str(served_root / rel / "index.html") for rel in CHART_PAGES]
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert [m["message"] for m in messages if m["type"] == "error"] == []
    for viewport in VIEWPORTS.values():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        scripts: list[str] = []
        for rel in CHART_PAGES:
            page.goto(served_site + rel)
            scripts += page.evaluate(
                "[...document.querySelectorAll('figure.mh-chart script')].map(s => s.outerHTML)")
            page.add_script_tag(path=str(AXE))
            found = page.evaluate(
                "tags => axe.run('figure.mh-chart', {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
            assert [f"{v['id']}: {v['help']}" for v in found["violations"]] == [], rel
        assert scripts == []
        context.close()
