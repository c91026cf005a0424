"""A Traditional-Chinese (zh-Hant) story in the sample: its labels, and search finds it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from tests.browser.test_search import Watch, results

HANT_STORY = "industry-report/tai-zhong-dian-chi-huan-dian-zhan/"
HANT_TITLE = "台中換電站網路一年擴大三倍，電動機車電池改由業者統一回收"


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.mark.parametrize("query", ["換電站", "退役電池", "恆澤能源", "電動機車電池回收"])
def test_chinese_queries_find_the_traditional_story(context: Any, served_site: str, query: str) -> None:
    watch = Watch(context, served_site)
    page = watch.page(context)
    # The sample runs two editions: a zh-Hant story is in the Chinese one, whose search page
    # searches the zh and zh-Hant indexes (the English edition's searches English only).
    page.goto(served_site + "zh/search/?q=" + quote(query))
    found = results(page)
    assert HANT_TITLE in found[:3], found
    card = page.locator(".mh-search__result", has_text=HANT_TITLE)
    assert card.get_attribute("lang") == "zh-Hant"  # on the Simplified edition's search page
    assert watch.problems == []
