"""Pages that are not stories share the site's own card: drawn once, the same bytes every build."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from tests.conftest import Site, article, settings

SITE_URL = "https://example.org/"


def _card(site: Site, url: str) -> tuple[str, Path]:
    page = site.html(url)
    image = page.select_one('meta[property="og:image"]')["content"]
    assert image.startswith(SITE_URL)
    return image, site.out / image.removeprefix(SITE_URL)


def test_listings_search_and_404_share_one_site_card_drawn_the_same_in_two_builds(
    make_site: Callable[..., Site]
) -> None:
    files = {"news/a.md": article("A story", tags=["EV"]),
             "economy/b.md": article("乙", "2025-03-01", lang="zh")}
    digests = []
    for _ in range(2):  # two folders: two empty image caches, so the card is drawn twice
        site = make_site(files, masthead=settings(), site_description="Cars and the money around them.")
        assert site.build("--strict").returncode == 0
        urls = ("", "news/", "tags/", "tags/ev/", "search/", "archive/", "404.html")
        cards = {_card(site, url) for url in urls}
        assert len(cards) == 1
        [(image, path)] = cards
        with Image.open(path) as picture:
            assert picture.size == (1200, 630)
        page = site.html("news/")
        meta = {m["property"]: m["content"] for m in page.select("meta[property^='og:']")}
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
        assert meta["og:description"] == "Daily news."  # the section's own description
        assert site.html("tags/").select_one("meta[property='og:description']")["content"] == (
            "Cars and the money around them.")
        assert [c["content"] for c in page.select("meta[name='twitter:card']")] == ["summary_large_image"]
        assert _card(site, "news/a/")[0] != image  # a story keeps its own card
        digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_without_a_site_description_the_card_and_description_carry_the_name(
    make_site: Callable[..., Site]
) -> None:
    site = make_site({"news/a.md": article("A story")}, masthead=settings(language="zh"))
    assert site.build("--strict").returncode == 0
    meta = {m["property"]: m["content"] for m in site.html("tags/").select("meta[property^='og:']")}
    assert meta["og:description"] == "Test Ledger" and meta["og:locale"] == "zh_CN"
    assert meta["og:image:alt"] == "Test Ledger"
