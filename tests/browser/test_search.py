"""Search on the sample newsroom, served under a GitHub Pages project path, in Chromium."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import PROJECT_PATH, build_and_serve
from tests.conftest import Site

KESTREL = "Kestrel Trucks wins 600-unit fuel-cell order from Brightway Freight"
RECYCLING = "首批动力电池退役高峰来临，回收企业“吃不饱”与“抢不到”并存"


class Watch:
    """Console errors, failed or 4xx/5xx responses, and requests leaving the site's origin."""

    def __init__(self, context: Any, base: str) -> None:
        self.problems: list[str] = []
        origin = urlsplit(base).netloc
        context.on("response", lambda r: self.problems.append(f"{r.status} {r.url}")
                   if r.status >= 400 else None)
        context.on("requestfailed", lambda r: self.problems.append(f"{r.failure} {r.url}")
                   if "ERR_ABORTED" not in (r.failure or "") else None)
        context.on("request", lambda r: self.problems.append(f"foreign {r.url}")
                   if urlsplit(r.url).netloc not in (origin, "") and not r.url.startswith("data:")
                   else None)

    def page(self, context: Any) -> Any:
        page = context.new_page()
        page.on("console", lambda m: self.problems.append(f"console {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"pageerror {e}"))
        return page


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def results(page: Any) -> list[str]:
    """Titles of the drawn results, once the status line has its final text."""
    page.wait_for_function(
        "() => { const s = document.querySelector('.mh-search__status');"
        " return s && s.textContent && !/Searching|正在搜索/.test(s.textContent); }", timeout=30_000)
    titles: list[str] = page.locator(".mh-search__result .mh-card__title").all_inner_texts()
    return titles


def test_english_and_chinese_queries_find_the_expected_story_first(
    context: Any, served_site: str, screenshots: Path
) -> None:
    watch = Watch(context, served_site)
    fetched: list[str] = []
    context.on("request", lambda r: fetched.append(r.url))
    page = watch.page(context)
    page.goto(served_site + "news/huaxin-northbridge-battery-merger/")
    page.locator(".mh-search-box input[name=q]").fill("fuel-cell order")
    page.locator(".mh-search-box input[name=q]").press("Enter")
    page.wait_for_url("**/masthead/search/?q=fuel-cell+order")
    assert results(page)[0] == KESTREL
    page.screenshot(path=str(screenshots / "search-en.png"), full_page=True)

    # The sample has two editions: the English search page searches English stories only.
    page.locator("#mh-search-q").fill("动力电池回收")
    page.locator("#mh-search-q").press("Enter")
    page.wait_for_function("() => location.search.includes('q=')"
                           " && decodeURIComponent(location.search).includes('动力电池回收')")
    assert RECYCLING not in results(page)
    assert page.locator(".mh-search__result[lang=zh]").count() == 0

    # The Chinese edition's search page, reached with its own search box, finds it first.
    page.goto(served_site + "zh/")
    page.locator(".mh-search-box input[name=q]").fill("动力电池回收")
    page.locator(".mh-search-box input[name=q]").press("Enter")
    page.wait_for_url("**/masthead/zh/search/?q=*")
    assert results(page)[0] == RECYCLING
    first = page.locator(".mh-search__result").first
    assert page.locator("html").get_attribute("lang") == "zh"
    assert first.get_attribute("lang") is None  # a Chinese story on a Chinese page
    assert first.locator("mark").count() >= 1
    assert "\u200b" not in first.locator(".mh-card__summary").inner_text()
    assert first.locator(".mh-card__kicker").inner_text() == "行业报告"
    page.screenshot(path=str(screenshots / "search-zh.png"), full_page=True)
    first.locator(".mh-card__title a").click()
    assert page.url == served_site + "industry-report/dong-li-dian-chi-hui-shou/"
    assert page.locator("h1").inner_text() == RECYCLING
    assert watch.problems == []
    # Pagefind searches on the page's own thread: its web worker script (41 KB) is never fetched.
    assert any(url.endswith("/pagefind/pagefind.js") for url in fetched)
    assert not [url for url in fetched if "pagefind-worker" in url]


def test_filters_and_newest_first_order_within_each_edition(context: Any, served_site: str) -> None:
    watch = Watch(context, served_site)
    page = watch.page(context)
    for edition, news, count in (("", "news", "7 stories found."), ("zh/", "新闻", "找到 6 篇文章。")):
        page.goto(served_site + edition + "search/")
        page.locator("select[name=sort]").select_option("date")
        page.locator("select[name=section]").select_option("news")
        found = results(page)
        assert parse_qs(urlsplit(page.url).query) == {"section": ["news"], "sort": ["date"]}
        dates = page.locator(".mh-search__result time").evaluate_all("ts => ts.map(t => t.dateTime)")
        assert dates == sorted(dates, reverse=True)
        kickers = set(page.locator(".mh-search__result .mh-card__kicker").all_inner_texts())
        assert {k.lower() for k in kickers} == {news.lower()}
        # Only the edition's own language: no result carries a lang of another language.
        assert page.locator(".mh-search__result[lang]").count() == 0
        assert page.locator(".mh-search__status").inner_text() == count
        assert len(found) == int("".join(ch for ch in count if ch.isdigit()))
        assert page.locator(".mh-search__more").is_hidden()

    page.goto(served_site + "search/?q=car&sort=date")
    assert len(results(page)) == 10
    found = int(page.locator(".mh-search__status").inner_text().split()[0])
    assert found > 10
    page.locator(".mh-search__more").click()
    page.wait_for_function("() => document.querySelectorAll('.mh-search__result').length > 10")
    dates = page.locator(".mh-search__result time").evaluate_all("ts => ts.map(t => t.dateTime)")
    assert len(dates) == min(found, 20) and dates == sorted(dates, reverse=True)

    page.goto(served_site + "search/?tag=" + "电池")
    tagged = results(page)
    assert tagged and "电池" in page.locator(".mh-search__tag").inner_text()
    page.locator(".mh-search__tag-remove").click()
    page.wait_for_function("() => !location.search.includes('tag=')")
    assert watch.problems == []


def test_without_javascript_the_search_page_says_so_and_links_the_sections(
    browser: Any, served_site: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served_site + "search/?q=battery")
    message = page.locator(".mh-search__noscript")
    assert message.is_visible()
    assert "Search needs JavaScript" in message.inner_text()
    message.locator("a", has_text="News").click()
    assert page.url == served_site + "news/"
    context.close()


@pytest.fixture(scope="module")
def parted_site(tmp_path_factory: pytest.TempPathFactory, sample: Site) -> Iterator[str]:
    """The sample again, Pagefind holding at most six pages at once: runs of three, two side by
    side (a 10 000-story newsroom holds 2 000: runs of 1 000; Pagefind needs memory for every
    page it indexes at once), the runs' indexes joined per language."""
    config = sample.root / "search-parts.yml"
    config.write_text("INHERIT: mkdocs.yml\nextra:\n  masthead:\n    search:\n"
                      "      pages_per_part: 6\n", encoding="utf-8")
    served_root = tmp_path_factory.mktemp("parted") / PROJECT_PATH.strip("/")
    try:
        with build_and_serve(served_root, sample.root, "--config-file", str(config)) as base:
            manifest = json.loads((served_root / "pagefind/masthead-parts.json").read_text(encoding="utf-8"))
            assert [part["languages"] for part in manifest["parts"]] == [["en"], ["zh"], ["zh-hant"]]
            yield base
    finally:
        config.unlink()


# Queries whose words a run's part of the pages lacks, or which Chinese segmentation cuts into
# other words, are the ones parts searched apart got wrong (more, looser results): joined, the
# runs' indexes find the very stories one index finds.
@pytest.mark.parametrize("query", [
    "search/?q=car&sort=date", "search/?q=battery", "search/?section=news&sort=date",
    "zh/search/?section=news&sort=date", "search/?q=quokka+battery",
    "search/?q=fuel-cell+order&sort=date", "zh/search/?q=电池&sort=date", "zh/search/?q=动力电池回收",
])
def test_an_index_made_by_several_runs_finds_what_one_run_finds(
        browser: Any, served_site: str, parted_site: str, query: str) -> None:
    found = []
    for base in (served_site, parted_site):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        watch = Watch(context, base)
        page = watch.page(context)
        page.goto(base + query)
        titles = results(page)
        while page.locator(".mh-search__more").is_visible():
            count = len(titles)
            page.locator(".mh-search__more").click()
            page.wait_for_function(f"() => document.querySelectorAll('.mh-search__result').length > {count}")
            titles = page.locator(".mh-search__result .mh-card__title").all_inner_texts()
        dates = page.locator(".mh-search__result time").evaluate_all("ts => ts.map(t => t.dateTime)")
        if "sort=date" in query:
            assert dates == sorted(dates, reverse=True)
        found.append(titles)
        context.close()
        assert watch.problems == []
    whole, joined = found
    # The same stories; newest first, in the same order. By relevance, stories of equal score
    # come in the order of their page numbers, which differ: one run numbers the pages in the
    # order it finds the files, the joined index run after run.
    assert whole and sorted(joined) == sorted(whole)
    if "sort=date" in query:
        assert joined == whole
