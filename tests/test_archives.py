"""Date archives: archive/ (years → months), archive/<year>/, archive/<year>/<month>/ paginated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from masthead.archives import archive_plans, by_month
from masthead.catalog import build_catalog
from masthead.settings import load_settings
from tests.conftest import Site, article, settings

MakeSite = Callable[..., Site]
LATER = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def stories() -> dict[str, str]:
    files = {f"news/m{i}.md": article(f"March {i}", f"2025-03-{i + 1:02d} 10:00") for i in range(4)}
    files["economy/jan.md"] = article("January one", "2025-01-20")
    files["news/old.md"] = article("Old year", "2024-12-31 23:00")
    # 00:30 on 1 April in Shanghai is still 31 March in UTC: it is an April story here.
    files["news/april.md"] = article("April fool", "2025-03-31T16:30Z")
    return files


def test_months_are_counted_in_the_site_time_zone_newest_first() -> None:
    s = load_settings(settings())
    catalog = build_catalog(stories(), s, now=LATER)
    months = by_month(catalog.articles, ZoneInfo("Asia/Shanghai"))
    assert list(months) == [(2025, 4), (2025, 3), (2025, 1), (2024, 12)]
    assert [a.title for a in months[(2025, 4)]] == ["April fool"]
    assert [a.title for a in months[(2025, 3)]] == ["March 3", "March 2", "March 1", "March 0"]
    assert list(by_month(catalog.articles, ZoneInfo("UTC")))[:2] == [(2025, 3), (2025, 1)]


def test_archive_pages_are_planned_with_chinese_titles_and_pagination() -> None:
    s = load_settings(settings(language="zh"))
    catalog = build_catalog(stories(), s, now=LATER)
    plans = {p.src_uri: p for p in archive_plans(catalog.articles, s.timezone, 3, "zh")}
    assert sorted(plans) == [
        "archive/2024/12/index.md", "archive/2024/index.md",
        "archive/2025/01/index.md", "archive/2025/03/index.md", "archive/2025/03/page/2/index.md",
        "archive/2025/04/index.md", "archive/2025/index.md", "archive/index.md",
    ]
    assert plans["archive/index.md"].title == "归档"
    assert plans["archive/2025/03/index.md"].title == "归档：2025年3月"
    march = plans["archive/2025/03/page/2/index.md"].listing
    assert march is not None and (march.number, march.total) == (2, 2)
    assert [a.title for a in march.items] == ["March 0"]


def test_archive_index_lists_years_and_months_with_counts_and_links(make_site: MakeSite) -> None:
    site = make_site(stories())
    result = site.build("--strict")
    assert result.returncode == 0, result.stderr
    index = site.html("archive/")
    years = {s.h2.a.get_text(): [(li.a.get_text(), li.a["href"], li.span.get_text())
                                 for li in s.select(".mh-archive__months li")]
             for s in index.select(".mh-archive__year")}
    assert years == {
        "2025": [("April", "2025/04/", "1 story"), ("March", "2025/03/", "4 stories"),
                 ("January", "2025/01/", "1 story")],
        "2024": [("December", "2024/12/", "1 story")],
    }
    assert index.select_one(".mh-footer a[href='./']").get_text() == "Archive"

    year = site.html("archive/2025/")
    assert year.h1.get_text() == "Archive: 2025"
    assert [a.get_text() for a in year.select(".mh-archive__months a")] == ["April", "March", "January"]


def test_month_pages_list_that_months_stories_newest_first_across_pages(make_site: MakeSite) -> None:
    site = make_site(stories())
    assert site.build("--strict").returncode == 0
    first = site.html("archive/2025/03/")
    assert first.h1.get_text() == "Archive: March 2025"
    titles = [h.get_text(strip=True) for h in first.select(".mh-card__title")]
    titles += [h.get_text(strip=True) for h in site.html("archive/2025/03/page/2/").select(".mh-card__title")]
    assert titles == ["March 3", "March 2", "March 1", "March 0"]
    assert first.select_one('a[rel="next"]')["href"] == "page/2/"
    crumbs = [a.get_text() for a in first.select(".mh-breadcrumb a")]
    assert crumbs == ["Test Ledger", "Archive", "2025"]
    assert [h.get_text(strip=True) for h in site.html("archive/2025/04/").select(".mh-card__title")] == [
        "April fool"]


def test_an_empty_newsroom_has_an_archive_page_saying_so(make_site: MakeSite) -> None:
    site = make_site({"news/d.md": article("Only a draft", draft=True)})
    assert site.build("--strict").returncode == 0
    assert "No stories yet." in site.html("archive/").get_text()
    assert not (site.out / "archive/2025").exists()
