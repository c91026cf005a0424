"""The front matter is read with libyaml when PyYAML has it: the same values, the same faults."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from masthead import article
from masthead.settings import Settings, load_settings
from tests.conftest import settings

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _both(text: str) -> tuple[object, object]:
    fast = article._front_matter(text).metadata
    saved = article._FastLoader
    article._FastLoader = None
    try:
        slow = article._front_matter(text).metadata
    finally:
        article._FastLoader = saved
    return fast, slow


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="PyYAML without libyaml")
def test_the_sample_reads_the_same_with_both_loaders() -> None:
    stories = sorted(DOCS.rglob("*.md"))
    assert len(stories) > 10
    for path in stories:
        fast, slow = _both(path.read_text(encoding="utf-8"))
        assert fast == slow, path
        assert type(fast) is type(slow)


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="PyYAML without libyaml")
@pytest.mark.parametrize("text", [
    "---\ntitle: A\ndate: 2026-03-14\nupdated: 2026-03-14 10:00\n---\nBody\n",
    "---\ntitle: '汽车: 新车'\ntags: [电池, EV]\npinned: yes\ncount: 012\nratio: 1e3\n---\nBody\n",
    "---\ntitle: A\ndate: 2026-13-45\nextra: {a: [1, 2.5, null, ~, true]}\n---\n",
])
def test_values_and_dates_as_text_are_the_same(text: str) -> None:
    fast, slow = _both(text)
    assert fast == slow
    assert isinstance(fast, dict) and not any(hasattr(v, "year") for v in fast.values())


@pytest.mark.parametrize("text", [
    "---\ntitle: [unclosed\ndate: 2026-03-14\n---\nBody\n",
    "---\ntitle: a: b: c\n---\n",
    "---\ntitle: A\n\tdate: 2026-03-14\n---\n",
    "---\ntitle: \"bad \x07 bell\"\n---\n",
])
def test_broken_yaml_gives_the_python_loaders_message(text: str) -> None:
    found = article.parse_article("news/a.md", text, _settings())[1]
    saved = article._FastLoader
    article._FastLoader = None
    try:
        expected = article.parse_article("news/a.md", text, _settings())[1]
    finally:
        article._FastLoader = saved
    assert found == expected
    assert found and found[0].field == "front matter"


def _settings() -> Settings:
    return load_settings(settings())
