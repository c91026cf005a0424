"""Date archives: ``archive/`` (years and their months), ``archive/2025/``, ``archive/2025/03/``.

Months are counted in the site's time zone, so a story filed at 00:30 on 1 April in Shanghai is
an April story even though it is still March in UTC. Month pages are paginated like sections.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from . import i18n
from .article import Article
from .listing import ListingPage, paginate

ROOT = "archive/"


@dataclass(frozen=True)
class PagePlan:
    """A page to generate, before it becomes a ``GeneratedPage``: its template values in ``data``."""

    src_uri: str
    kind: str
    title: str
    listing: ListingPage | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


def month_url(year: int, month: int) -> str:
    return f"{ROOT}{year}/{month:02d}/"


def year_url(year: int) -> str:
    return f"{ROOT}{year}/"


def by_month(articles: Iterable[Article], zone: ZoneInfo) -> dict[tuple[int, int], list[Article]]:
    """``(year, month) -> stories``, newest month first; stories keep their (newest first) order."""
    months: dict[tuple[int, int], list[Article]] = {}
    for article in articles:
        local = article.date.astimezone(zone)
        months.setdefault((local.year, local.month), []).append(article)
    return dict(sorted(months.items(), reverse=True))


def archive_plans(articles: Iterable[Article], zone: ZoneInfo, page_size: int, lang: str) -> list[PagePlan]:
    """The archive's pages: the index, one page per year, and paginated month pages."""
    labels = i18n.labels(lang)
    colon = "：" if i18n.family(lang) == "zh" else ": "
    months = by_month(articles, zone)
    years: dict[int, list[dict[str, Any]]] = {}
    for (year, month), items in months.items():
        years.setdefault(year, []).append({
            "year": year, "month": month, "url": month_url(year, month), "count": len(items),
            "label": i18n.format_month(year, month, lang, with_year=False),
        })
    year_views = [{"year": y, "url": year_url(y), "label": i18n.format_year(y, lang),
                   "count": sum(m["count"] for m in ms), "months": ms} for y, ms in years.items()]
    plans = [PagePlan(f"{ROOT}index.md", "archive", labels["archive"], data={
        "archive": {"years": year_views, "year": None, "month": None}})]
    for view in year_views:
        plans.append(PagePlan(f"{view['url']}index.md", "archive",
                              f"{labels['archive']}{colon}{view['label']}",
                              data={"archive": {"years": year_views, "year": view, "month": None}}))
    for (year, month), items in months.items():
        view = next(v for v in year_views if v["year"] == year)
        month_view = next(m for m in view["months"] if m["month"] == month)
        title = f"{labels['archive']}{colon}{i18n.format_month(year, month, lang)}"
        for listing in paginate(month_url(year, month), items, page_size):
            plans.append(PagePlan(listing.src_uri, "archive", title, listing=listing,
                                  data={"archive": {"years": year_views, "year": view,
                                                    "month": month_view}}))
    return plans
