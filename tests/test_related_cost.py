"""The cost side of related stories (issue 23): the render cache keeps a build's lists, and the
cheaper ways of reading and counting give what the plain ones gave."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from masthead import related
from masthead.article import Article
from masthead.cache import RenderCache, activate
from masthead.catalog import newest_first
from masthead.related import RelatedLists, RelatedSettings, Tokenizer, _counted, related_stories
from tests.test_related import story

WORDS = ["battery", "charging", "network", "hydrogen", "truck", "plant", "export", "tariff",
         "电池", "回收", "充电", "网络", "氢能", "卡车"]


def _archive(count: int = 40) -> list[Article]:
    rnd = random.Random(23)
    stories = []
    for n in range(count):
        words = rnd.sample(WORDS[:8] if n % 3 else WORDS[8:], 4)
        body = " ".join(rnd.choice(words) for _ in range(30))
        stories.append(story(f"news/s{n:02d}.md", f"{words[0]} {words[1]} {n}", body,
                             f"2025-{1 + n % 12:02d}-{1 + n % 28:02d} 08:00", tags=[f"t{n % 5}"],
                             lang="zh" if n % 3 == 0 else "en"))
    return stories


def _paths(found: dict[str, tuple[Article, ...]]) -> dict[str, list[str]]:
    return {src: [a.src_uri for a in items] for src, items in found.items()}


@pytest.fixture
def cache_folder(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "cache"
    activate(None)


def _with_cache(folder: Path, stories: Sequence[Article]) -> tuple[dict[str, tuple[Article, ...]], Any]:
    cache = RenderCache(folder)
    activate(cache, "test")
    try:
        known = {a.src_uri: a for a in stories}
        return related_stories(newest_first(stories), [], RelatedSettings(), known), cache.stats()
    finally:
        activate(None)
        cache.close(prune=False)


def test_a_build_with_the_render_cache_reads_the_lists_of_an_unchanged_archive(
        cache_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stories = _archive()
    clean = related_stories(newest_first(stories), [], RelatedSettings(), {a.src_uri: a for a in stories})
    first, stats = _with_cache(cache_folder, stories)
    assert first == clean and stats["misses"].get("related_lists") == 1

    def computed(*_: Any, **__: Any) -> None:
        raise AssertionError("the lists were computed again")

    monkeypatch.setattr(related, "RelatedLists", computed)
    again, stats = _with_cache(cache_folder, stories)
    assert stats["hits"].get("related_lists") == 1
    assert _paths(again) == _paths(clean)
    published = {a.src_uri: a for a in stories}
    assert all(a is published[a.src_uri] for items in again.values() for a in items)  # this build's


@pytest.mark.parametrize("change", ["body", "title", "tags", "date", "related"])
def test_a_change_to_anything_related_stories_read_computes_them_again(
        cache_folder: Path, change: str) -> None:
    stories = _archive()
    _with_cache(cache_folder, stories)
    old = stories[4]
    edits: dict[str, Any] = {
        "body": {"body": old.body + " hydrogen hydrogen truck"},
        "title": {"title": "hydrogen truck export"},
        "tags": {"tags": ("t1",)},
        "date": {"date": stories[30].date},
        "related": {"related": False},
    }
    now = [replace(a, **edits[change]) if a is old else a for a in stories]
    found, stats = _with_cache(cache_folder, now)
    assert stats["misses"].get("related_lists") == 1
    assert found == related_stories(newest_first(now), [], RelatedSettings(), {a.src_uri: a for a in now})


def test_options_other_than_the_defaults_are_never_read_from_the_cache(cache_folder: Path) -> None:
    stories = _archive()
    _with_cache(cache_folder, stories)
    cache = RenderCache(cache_folder)
    activate(cache, "test")
    try:
        known = {a.src_uri: a for a in stories}
        tokenizer = Tokenizer(chinese="bigrams")
        found = related_stories(newest_first(stories), [], RelatedSettings(), known, tokenizer=tokenizer)
        assert "related_lists" not in cache.stats()["hits"]
    finally:
        activate(None)
        cache.close(prune=False)
    assert found == RelatedLists(newest_first(stories), [], RelatedSettings(), known,
                                 tokenizer=Tokenizer(chinese="bigrams")).lists


def test_counted_is_numpys_unique_with_counts() -> None:
    rnd = np.random.default_rng(23)
    for size in (0, 1, 2, 50, 1000):
        keys = rnd.integers(0, 40, size=size)
        expected = np.unique(keys, return_counts=True)
        found = _counted(keys.copy())
        assert found[0].tolist() == expected[0].tolist() and found[1].tolist() == expected[1].tolist()


def test_english_in_ascii_and_in_typographic_text_reads_alike() -> None:
    """ASCII text skips the search for Chinese (``str.isascii``); typographic text takes it."""
    tok = Tokenizer()
    assert tok.tokens("Fuel cells: 2025's plan -- EVs.") == ["fuel", "cells", "2025", "s", "plan", "evs"]
    assert tok.tokens("Fuel cells: 2025’s plan — EVs…") == ["fuel", "cells", "2025", "s", "plan", "evs"]
    assert tok.tokens("EV charging 电池") == ["ev", "charging", "电池"]


def test_a_story_of_stop_words_only_gets_a_full_block() -> None:
    """No term at all: no key to count, and the block filled with the nearest stories."""
    empty = story("news/empty.md", "The of and", "It is what it was.")
    others = [story(f"news/b{n}.md", f"Battery plant {n}", "battery plant export") for n in range(3)]
    found = related_stories([empty, *others], [], RelatedSettings(count=3),
                            {a.src_uri: a for a in [empty, *others]})
    assert len(found[empty.src_uri]) == 3
