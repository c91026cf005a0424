from pathlib import Path
from typing import Any

import pytest

from masthead.errors import MastheadError
from masthead.settings import load_settings
from tests.conftest import settings


def faults_of(raw: Any, **kw: Any) -> list[str]:
    with pytest.raises(MastheadError) as info:
        load_settings(raw, **kw)
    return [f.format() for f in info.value.faults]


def test_valid_settings_load_into_typed_values() -> None:
    s = load_settings(settings(front_page_per_section=2))
    assert s.name == "Test Ledger" and s.language == "en"
    assert str(s.timezone) == "Asia/Shanghai"
    assert [x.slug for x in s.sections] == ["news", "economy"]
    assert s.section("news").label("zh") == "新闻"
    assert s.section("economy").label("en") == "Economy"
    assert s.page_size == 3 and s.front_page_per_section == 2
    assert s.copyright_owner == "Test Ledger" and s.copyright_since == 2024


def test_defaults_fill_what_is_optional() -> None:
    s = load_settings({"sections": [{"slug": "news", "title": "News"}]}, site_name="Daily")
    assert (s.name, s.short_name, s.publisher, s.copyright_owner) == ("Daily",) * 4
    assert s.language == "en" and str(s.timezone) == "UTC"


def test_missing_block_names_extra_masthead() -> None:
    [message] = faults_of(None)
    assert message.startswith("mkdocs.yml: extra.masthead:")


def test_every_bad_key_is_reported_at_once() -> None:
    raw = settings(language="fr", timezone="Mars/Olympus", page_size=0,
                   copyright={"owner": "X", "since": "long ago"},
                   sections=[{"slug": "News Desk", "title": "News"}, {"slug": "tags", "title": "T"},
                             {"title": "No slug"}, "economy"])
    messages = "\n".join(faults_of(raw))
    for key in ["extra.masthead.language", "extra.masthead.timezone", "extra.masthead.page_size",
                "extra.masthead.copyright.since", "extra.masthead.sections[0].slug",
                "extra.masthead.sections[1].slug", "extra.masthead.sections[2].slug",
                "extra.masthead.sections[3]"]:
        assert key + ":" in messages, key
    assert "reserved" in messages and "Asia/Shanghai" in messages


def test_duplicate_section_slugs_are_refused() -> None:
    raw = settings(sections=[{"slug": "news", "title": "A"}, {"slug": "news", "title": "B"}])
    assert any("sections[1].slug" in m and "twice" in m for m in faults_of(raw))


def test_logo_must_exist_inside_docs(tmp_path: Path) -> None:
    assert any("logo" in m and "does not exist" in m
               for m in faults_of(settings(logo="logo.png"), docs_dir=tmp_path))
    assert any("logo" in m and "inside docs" in m
               for m in faults_of(settings(logo="../secret.png"), docs_dir=tmp_path))
    (tmp_path / "logo.png").write_bytes(b"png")
    assert load_settings(settings(logo="logo.png"), docs_dir=tmp_path).logo == "logo.png"
