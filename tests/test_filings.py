"""Footer filings: the ICP and public-security numbers, checked, linked, and absent when unset."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from masthead.errors import MastheadError
from masthead.filings import MIIT_URL, Filings, filings_view
from masthead.settings import load_settings
from tests.conftest import Site, article, settings

ICP = "京ICP备12345678号-1"
POLICE = "京公网安备11010502030143号"
RECORD = "https://beian.mps.gov.cn/#/query/webSearch?code=11010502030143"


def faults_of(filings: Any, **kw: Any) -> list[str]:
    with pytest.raises(MastheadError) as info:
        load_settings(settings(filings=filings), **kw)
    return [f.format() for f in info.value.faults]


def test_no_filings_block_means_no_filings() -> None:
    s = load_settings(settings())
    assert not s.filings and filings_view(s.filings) is None
    assert "filings" not in s.extra


def test_numbers_load_with_their_links_and_lose_copied_spaces() -> None:
    s = load_settings(settings(filings={"icp": "京ICP备 12345678号-1",
                                        "police": "京公网安备 11010502030143 号"}))
    assert s.filings == Filings(icp=ICP, police=POLICE, police_code="11010502030143", police_url=RECORD)
    assert filings_view(s.filings) == {"icp": ICP, "icp_url": MIIT_URL, "police": POLICE,
                                       "police_url": RECORD, "police_badge": ""}


@pytest.mark.parametrize("icp", ["粤ICP备2021034567号", "沪ICP备12345678号-12", "京ICP证030173号"])
def test_other_well_formed_icp_numbers_load(icp: str) -> None:
    assert load_settings(settings(filings={"icp": icp})).filings.icp == icp


def test_either_number_alone_is_shown_alone() -> None:
    only_icp = filings_view(load_settings(settings(filings={"icp": ICP})).filings)
    assert only_icp == {"icp": ICP, "icp_url": MIIT_URL}
    only_police = filings_view(load_settings(settings(filings={"police": POLICE})).filings)
    assert only_police is not None and set(only_police) == {"police", "police_url", "police_badge"}


def test_an_explicit_record_url_replaces_the_made_one() -> None:
    url = "https://beian.mps.gov.cn/#/query/webSearch?code=11010502030143&from=site"
    s = load_settings(settings(filings={"police": POLICE, "police_url": url}))
    assert s.filings.police_url == url


@pytest.mark.parametrize(("value", "key", "words"), [
    ({"icp": "京ICP12345678号"}, "icp", "is not an ICP filing number"),
    ({"icp": "ICP备12345678号"}, "icp", "is not an ICP filing number"),
    ({"icp": "港ICP备12345678号"}, "icp", "is not an ICP filing number"),
    ({"icp": 12345678}, "icp", "expected text, got int 12345678"),
    ({"police": "京公网安备1101050203014号"}, "police", "is not a public-security filing number"),
    ({"police": "京公网安备110105020301433"}, "police", "is not a public-security filing number"),
    ({"police": "粤公网安备11010502030143号"}, "police", "粤 is not the province of division code 110105"),
    ({"police": POLICE, "police_url": "http://beian.mps.gov.cn/"}, "police_url", "is not an https URL"),
    ({"icp": ICP, "police_url": "https://beian.mps.gov.cn/"}, "police_url", "is set without police"),
    ({"police": POLICE, "police_badge": "https://beian.mps.gov.cn/img/ghs.png"}, "police_badge",
     "must be an image file inside docs/"),
    ({"police": POLICE, "police_badge": "../ghs.png"}, "police_badge", "must be an image file inside docs/"),
    ({"icp": ICP, "beian": "x"}, "beian", "is not a known setting"),
    ("京ICP备12345678号-1", "", "expected a mapping"),
])
def test_malformed_filings_are_faults_naming_the_key_and_the_fix(value: Any, key: str, words: str) -> None:
    [message] = faults_of(value)
    field = "extra.masthead.filings" + (f".{key}" if key else "")
    assert message.startswith(f"mkdocs.yml: {field}: ")
    assert words in message
    assert message.endswith(")")  # every message carries its fix in parentheses


def test_bad_filings_are_reported_with_other_bad_settings() -> None:
    with pytest.raises(MastheadError) as info:
        load_settings(settings(page_size=0, filings={"icp": "x", "police": "y"}))
    fields = [f.field for f in info.value.faults]
    assert fields == ["extra.masthead.filings.icp", "extra.masthead.filings.police",
                      "extra.masthead.page_size"]


def test_a_missing_badge_file_is_a_fault(tmp_path: Path) -> None:
    [message] = faults_of({"police": POLICE, "police_badge": "assets/ghs.png"}, docs_dir=tmp_path)
    assert "extra.masthead.filings.police_badge: file 'assets/ghs.png' does not exist in docs/" in message


# -- built pages ------------------------------------------------------------------------------

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
       b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00"
       b"\x00\x00\x00IEND\xaeB`\x82")


def test_every_page_footer_shows_the_numbers_linked_to_their_records(make_site: Callable[..., Site]) -> None:
    site = make_site({"news/a.md": article("A story"), "economy/b.md": article("乙", lang="zh"),
                      "assets/ghs.png": PNG},
                     masthead=settings(filings={"icp": ICP, "police": POLICE,
                                                "police_badge": "assets/ghs.png"}))
    result = site.build("--strict")
    assert result.returncode == 0, result.stderr
    for url in ("", "news/", "news/a/", "economy/b/", "search/", "tags/", "404.html"):
        page = site.html(url)
        [block] = page.select("footer .mh-footer__filings")
        links = [(a["href"], a.get_text()) for a in block.find_all("a")]
        assert links == [(MIIT_URL, ICP), (RECORD, POLICE)], url
        assert block.get("lang") == (None if url == "economy/b/" else "zh-CN")
        [badge] = block.find_all("img")
        assert badge["alt"] == "" and not badge["src"].startswith(("http:", "https:", "//"))
        # 404.html answers at any address, so MkDocs links it from the site's root path.
        src = badge["src"]
        found = site.out / src.lstrip("/") if src.startswith("/") else site.out / url / src
        assert found.resolve() == (site.out / "assets/ghs.png").resolve()


def test_without_filings_the_footer_has_no_trace_of_them(make_site: Callable[..., Site]) -> None:
    site = make_site({"news/a.md": article("A story")})
    assert site.build("--strict").returncode == 0
    for url in ("", "news/a/", "404.html"):
        footer = site.html(url).select_one("footer.mh-footer")
        assert footer.select(".mh-footer__filings") == []
        assert "ICP" not in footer.get_text() and "beian" not in str(footer)


def test_a_malformed_number_stops_the_build_with_the_key_and_nothing_written(
    make_site: Callable[..., Site]
) -> None:
    site = make_site({"news/a.md": article("A story")},
                     masthead=settings(filings={"icp": ICP, "police": "京公网安备123号"}))
    result = site.build("--strict")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("extra.masthead.filings.police: '京公网安备123号' is not a public-security filing number"
            in result.stderr)
    assert not site.out.exists()
