"""The sample newsroom (Motor Ledger: the repository's docs/ upstream, tests/fixtures/sample/ in an
initialised newsroom) builds strictly and shows what the brief promises."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from masthead.catalog import Catalog
from masthead.i18n import family
from masthead.newsroom import Newsroom
from masthead.settings import load_settings
from masthead.tags import resolve
from tests.conftest import Site


@pytest.fixture(scope="module")
def room(sample: Site) -> Newsroom:
    config = yaml.load((sample.root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    settings = load_settings(_typed(config["extra"]["masthead"]), docs_dir=sample.root / "docs")
    newsroom = Newsroom(settings)
    newsroom.load(sample.root / "docs")
    return newsroom


@pytest.fixture(scope="module")
def catalog(room: Newsroom) -> Catalog:
    return room.require_catalog()


def _typed(raw: object) -> object:
    """BaseLoader keeps !ENV tags harmless but reads numbers as text; turn them back."""
    if isinstance(raw, dict):
        return {k: _typed(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [_typed(v) for v in raw]
    return int(raw) if isinstance(raw, str) and raw.isdigit() else raw


@pytest.fixture(scope="module")
def built(sample: Site, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample-site") / "site"
    result = sample.build("--strict", "--site-dir", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_sample_has_the_promised_variety(catalog: Catalog) -> None:
    stories = catalog.articles
    assert len(stories) >= 40
    assert all(len(catalog.by_section[s]) >= 5 for s in catalog.by_section)
    assert len(catalog.by_section) == 5
    assert sum(a.lang == "zh" for a in stories) * 3 >= len(stories)
    assert (stories[0].date - stories[-1].date).days >= 365
    assert len({name for a in stories for name in a.authors}) >= 5
    assert len({a.source for a in stories}) >= 3
    assert sum(a.updated is not None for a in stories) >= 3
    assert sum(bool(a.dateline) for a in stories) >= 5
    assert sum(bool(a.image) for a in stories) >= 10
    assert sum(a.pinned for a in stories) == 1
    assert any("新能源" in a.tags for a in stories)
    assert sum("|---" in a.body.replace(" ", "") or "|:--" in a.body for a in stories) >= 1


def test_every_story_has_its_page_and_the_lead_is_pinned(
        catalog: Catalog, room: Newsroom, built: Path) -> None:
    for a in catalog.articles:
        page = BeautifulSoup((built / a.url / "index.html").read_text(encoding="utf-8"), "html.parser")
        assert page.h1.get_text() == a.title
        assert page.html["lang"] == a.lang
    front = BeautifulSoup((built / "index.html").read_text(encoding="utf-8"), "html.parser")
    lead = front.select_one(".mh-front__lead .mh-card__title").get_text(strip=True)
    assert lead == next(a.title for a in catalog.articles if a.pinned)
    for view in room.views.values():  # the sample has two editions: en at the root, zh under zh/
        for section, stories in view.catalog.by_section.items():
            page = BeautifulSoup((built / view.prefix / section / "index.html").read_text(encoding="utf-8"),
                                 "html.parser")
            titles = [h.get_text(strip=True) for h in page.select(".mh-list .mh-card__title")]
            assert titles == [a.title for a in stories[: len(titles)]] and titles
    assert (built / "404.html").is_file()


def test_sample_follows_on_wechat_and_weibo_and_its_share_qr_codes_scan(
    catalog: Catalog, built: Path, sample: Site
) -> None:
    from tests.qr import decode_svg, decode_svg_file

    config = yaml.load((sample.root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    wechat = config["extra"]["masthead"]["wechat"]
    for a in catalog.articles:
        page = BeautifulSoup((built / a.url / "index.html").read_text(encoding="utf-8"), "html.parser")
        assert wechat["id"] in page.select_one(".mh-follow").get_text()
        assert wechat["id"] in page.select_one(".mh-promo").get_text()
        [share_qr] = page.select(".mh-share svg.mh-qr")
        assert decode_svg(share_qr) == [page.select_one('link[rel="canonical"]')["href"]]
        [follow_qr] = page.select(".mh-follow__qr img")  # one file for every page
        assert decode_svg_file(built / a.url / follow_qr["src"]) == [wechat["follow_url"]]


def test_sample_tags_merge_case_variants_and_aliases_and_every_tag_link_works(
    catalog: Catalog, room: Newsroom, built: Path
) -> None:
    index = BeautifulSoup((built / "tags/index.html").read_text(encoding="utf-8"), "html.parser")
    names = [a.select_one(".mh-tagchip__name").get_text() for a in index.select(".mh-tagindex__group a")]
    assert len(names) == len({n.casefold() for n in names}), names  # ev/EV, Batteries/batteries merged
    zh_index = BeautifulSoup((built / "zh/tags/index.html").read_text(encoding="utf-8"), "html.parser")
    zh_names = [a.select_one(".mh-tagchip__name").get_text()
                for a in zh_index.select(".mh-tagindex__group a")]
    assert {"EV", "batteries", "exports"} <= set(names) and "新能源" in zh_names  # one index per edition
    assert "electric vehicles" not in names and "新能源汽车" not in zh_names  # aliases in mkdocs.yml
    ev = BeautifulSoup((built / "tags/ev/index.html").read_text(encoding="utf-8"), "html.parser")
    english = room.view("en").catalog.articles  # tags/ is the English edition's tag index
    expected = sum(any(t.casefold() in ("ev", "electric vehicles") for t in a.tags) for a in english)
    assert ev.select_one(".mh-taghead__count").get_text() == f"{expected} stories"
    for a in catalog.articles:
        page = BeautifulSoup((built / a.url / "index.html").read_text(encoding="utf-8"), "html.parser")
        links = page.select(".mh-tag a")
        keys = {resolve(t, catalog.settings.tag_aliases)[0] for t in a.tags}
        assert len(links) == len(keys), a.src_uri
        for link in links:
            target = (built / a.url / link["href"] / "index.html").resolve()
            assert target.is_file(), (a.src_uri, link["href"])

def test_every_sample_story_ends_with_five_related_stories_in_its_language(
    catalog: Catalog, built: Path
) -> None:
    langs = {a.url: a.lang for a in catalog.articles}
    for a in catalog.articles:
        page = BeautifulSoup((built / a.url / "index.html").read_text(encoding="utf-8"), "html.parser")
        links = [link["href"] for link in page.select(".mh-related .mh-related__title a")]
        assert len(links) == 5, a.src_uri
        targets = [os.path.normpath(os.path.join(a.url, href)) + "/" for href in links]
        assert a.url not in targets and all(t in langs for t in targets)
        # within the story's edition: Traditional (zh-Hant) and Simplified stories are both Chinese
        assert {family(langs[t]) for t in targets} == {family(a.lang)}
    # The lead story pins a report on solid-state batteries first, its Chinese translation a
    # Chinese report on battery recycling (pins stay in the edition); the build adds four more.
    lead = next(a for a in catalog.articles if a.pinned)
    page = BeautifulSoup((built / lead.url / "index.html").read_text(encoding="utf-8"), "html.parser")
    first = page.select_one(".mh-related__item")
    assert not first.has_attr("lang") and "Solid-state" in first.get_text()
    page = BeautifulSoup((built / "news/hua-xin-bei-qiao-dian-chi-he-bing/index.html").read_text(
        encoding="utf-8"), "html.parser")
    first = page.select_one(".mh-related__item")
    assert page.html["lang"] == "zh" and not first.has_attr("lang") and "电池" in first.get_text()
