"""Drafts and scheduled stories: previewed by `mkdocs serve` (marked), never in a build's output."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from masthead.catalog import build_catalog
from masthead.dates import DateError, build_time
from masthead.settings import load_settings
from tests.conftest import Site, article, settings

MakeSite = Callable[..., Site]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def epoch(text: str) -> str:
    """SOURCE_DATE_EPOCH for a Shanghai wall-clock time."""
    return str(int(dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).timestamp()))


def newsroom() -> dict[str, str]:
    return {
        "news/old.md": article("Old story", "2025-03-01 09:00", author="Li Ming"),
        "news/later.md": article("Embargoed story", "2025-03-14 09:30", author="Li Ming"),
        "economy/secret.md": article("Secret draft", "2025-02-01", draft=True),
        "authors.yml": "li-ming:\n  name: Li Ming\n",
    }


def serve_build(site: Site, env: dict[str, str]) -> Path:
    """What `mkdocs serve` renders (MkDocs' own build with a serve URL), into site/."""
    script = ("from mkdocs.config import load_config; from mkdocs.commands.build import build; "
              "build(load_config('mkdocs.yml'), serve_url='http://127.0.0.1:8000/')")
    result = subprocess.run([sys.executable, "-c", script], cwd=site.root, capture_output=True,
                            text=True, timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env})
    assert result.returncode == 0, result.stderr
    return site.out


def test_build_time_comes_from_source_date_epoch_or_the_clock() -> None:
    assert build_time({"SOURCE_DATE_EPOCH": "0"}) == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    before = dt.datetime.now(dt.UTC)
    assert before <= build_time({}) <= dt.datetime.now(dt.UTC)
    with pytest.raises(DateError, match="SOURCE_DATE_EPOCH"):
        build_time({"SOURCE_DATE_EPOCH": "yesterday"})


def test_catalog_keeps_future_stories_apart_until_their_minute() -> None:
    s = load_settings(settings())
    sources = {k: v for k, v in newsroom().items() if k.endswith(".md")}
    at = dt.datetime(2025, 3, 14, 9, 29, tzinfo=SHANGHAI)
    early = build_catalog(sources, s, now=at)
    assert [a.title for a in early.articles] == ["Old story"]
    assert [a.title for a in early.scheduled] == ["Embargoed story"]
    assert [a.title for a in early.drafts] == ["Secret draft"]
    assert early.is_withheld("news/later.md") and early.is_withheld("economy/secret.md")
    assert not early.is_withheld("news/old.md")
    on_time = build_catalog(sources, s, now=at + dt.timedelta(minutes=1))
    assert [a.title for a in on_time.articles] == ["Embargoed story", "Old story"]
    assert on_time.scheduled == ()


def test_scheduled_story_is_in_no_page_of_a_build_before_its_time(make_site: MakeSite) -> None:
    site = make_site(newsroom())
    result = site.build("--strict", env={"SOURCE_DATE_EPOCH": epoch("2025-03-14T09:00")})
    assert result.returncode == 0, result.stderr
    assert not (site.out / "news/later").exists()
    assert not (site.out / "economy/secret").exists()
    pages = [p for p in site.out.rglob("*.html")]
    assert len(pages) > 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "Embargoed story" not in text and "Secret draft" not in text, page
    assert "Old story" in site.html("archive/2025/03/").get_text()
    assert "Old story" in site.html("authors/li-ming/").get_text()


def test_scheduled_story_goes_live_in_the_first_build_after_its_time(make_site: MakeSite) -> None:
    site = make_site(newsroom())
    result = site.build("--strict", env={"SOURCE_DATE_EPOCH": epoch("2025-03-14T10:00")})
    assert result.returncode == 0, result.stderr
    assert site.html("news/later/").h1.get_text() == "Embargoed story"
    assert site.html("news/later/").select_one(".mh-draft") is None
    listed = [h.get_text(strip=True) for h in site.html("news/").select(".mh-card__title")]
    assert listed == ["Embargoed story", "Old story"]
    assert "Embargoed story" in site.html("authors/li-ming/").get_text()


def test_two_builds_at_the_same_epoch_are_byte_identical(make_site: MakeSite) -> None:
    site = make_site(newsroom())
    env = {"SOURCE_DATE_EPOCH": epoch("2025-03-14T10:00")}
    outputs = []
    for _ in range(2):
        assert site.build("--strict", env=env).returncode == 0
        outputs.append({p.relative_to(site.out).as_posix(): p.read_bytes()
                        for p in sorted(site.out.rglob("*")) if p.is_file() and p.suffix != ".gz"})
    assert outputs[0] == outputs[1]


def test_serve_shows_drafts_and_scheduled_stories_marked_but_lists_neither(make_site: MakeSite) -> None:
    site = make_site(newsroom())
    out = serve_build(site, {"SOURCE_DATE_EPOCH": epoch("2025-03-14T09:00")})

    def page(url: str) -> BeautifulSoup:
        return BeautifulSoup((out / url / "index.html").read_text(encoding="utf-8"), "html.parser")

    draft = page("economy/secret")
    assert draft.h1.get_text() == "Secret draft"
    assert draft.select_one(".mh-draft").get_text() == "Draft: not published"
    scheduled = page("news/later")
    marker = scheduled.select_one(".mh-draft--scheduled").get_text()
    assert marker == "Scheduled: goes live 14 March 2025, 09:30"
    for listing in ["news", "economy", "", "archive/2025/03", "authors/li-ming"]:
        text = page(listing).get_text()
        assert "Embargoed story" not in text and "Secret draft" not in text, listing


def test_a_bad_source_date_epoch_stops_the_build_with_a_message(make_site: MakeSite) -> None:
    site = make_site(newsroom())
    result = site.build(env={"SOURCE_DATE_EPOCH": "soon"})
    assert result.returncode == 1
    assert "SOURCE_DATE_EPOCH" in result.stderr and "Traceback" not in result.stderr
