"""Related stories of a cold build, worked out in a process of their own (related_process.py):
the same lists as in the build's own process, a cache hit starts no process, a failure is a clear
error and never a hang."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from masthead import newsroom as newsroom_module
from masthead.article import Article
from masthead.cache import RenderCache, activate
from masthead.catalog import newest_first
from masthead.newsroom import Newsroom
from masthead.related import RelatedSettings, related_stories
from masthead.related_process import APART_FROM, RelatedFailed, RelatedLater
from masthead.settings import load_settings
from tests.conftest import Site
from tests.test_related import story
from tests.test_sample import _typed

EN = ["battery", "charging", "network", "hydrogen", "truck", "plant", "export", "tariff", "recall",
      "dealer", "steel", "chip", "subsidy", "factory", "robot", "lidar", "tyre", "loan", "fleet", "bus"]
ZH = ["电池", "回收", "充电", "网络", "氢能", "卡车", "出口", "补贴", "芯片", "工厂"]


def _archive(count: int) -> tuple[list[Article], list[Article]]:
    """``count`` stories in two languages, some untagged, some pinned, one long; and two drafts."""
    rnd = random.Random(23)
    stories = []
    for n in range(count):
        zh = n % 4 == 0
        words = rnd.sample(ZH if zh else EN, 5)
        body = " ".join(rnd.choice(words) for _ in range(400 if n == 7 else 40))  # n 7: over the cut
        fields: dict[str, object] = {"tags": [f"t{n % 9}"]} if n % 3 else {}
        if n % 50 == 5:
            fields["related"] = [f"/news/s{n - 1:04d}.md"]
        stories.append(story(f"news/s{n:04d}.md", f"{words[0]} {words[1]} {n}", body,
                             f"2025-{1 + n % 12:02d}-{1 + n % 28:02d} 08:00", lang="zh" if zh else "en",
                             **fields))
    drafts = [replace(stories[3], src_uri="news/draft-a.md", draft=True),
              replace(stories[8], src_uri="news/draft-b.md", draft=True)]
    return newest_first(stories), drafts


def _paths(found: dict[str, tuple[Article, ...]]) -> dict[str, list[str]]:
    return {src: [a.src_uri for a in items] for src, items in found.items()}


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[RenderCache]:
    folder = RenderCache(tmp_path / "cache")
    activate(folder, "test")
    yield folder
    activate(None)
    folder.close(prune=False)


def test_a_process_of_their_own_gives_the_same_lists_with_this_builds_articles() -> None:
    published, drafts = _archive(APART_FROM + 100)
    known = {a.src_uri: a for a in [*published, *drafts]}
    # Two groups, as two editions: the lists merged in order, as Newsroom.load merges them.
    groups = [(published[:300], drafts), (published[300:], [])]
    here: dict[str, tuple[Article, ...]] = {}
    for group, others in groups:
        here.update(related_stories(group, others, RelatedSettings(), known))
    later = RelatedLater(groups, RelatedSettings(), known)
    assert later.started
    apart = later.get()
    assert _paths(apart) == _paths(here) and len(apart) == len(published) + len(drafts)
    assert apart == here  # this process's own Article objects, not the copies sent away
    assert later.get() == here  # asked again: the same lists, no process


def test_a_cache_hit_starts_no_process_and_a_miss_is_kept(cache: RenderCache) -> None:
    published, drafts = _archive(60)
    known = {a.src_uri: a for a in [*published, *drafts]}
    first = RelatedLater([(published, drafts)], RelatedSettings(), known)
    assert first.started
    lists = first.get()
    assert cache.misses.get("related_lists") == 1
    again = RelatedLater([(published, drafts)], RelatedSettings(), known)
    assert not again.started and cache.hits.get("related_lists") == 1
    assert again.get() == lists
    # and the in-process path finds what the process computed
    assert related_stories(published, drafts, RelatedSettings(), known) == lists


def test_a_failure_in_the_process_is_a_clear_error() -> None:
    published, drafts = _archive(30)
    known = {a.src_uri: a for a in published}
    later = RelatedLater([(published, drafts)], RelatedSettings(count="five"), known)  # type: ignore[arg-type]
    with pytest.raises(RelatedFailed, match="related stories could not be worked out in their own process "
                                            r"\(TypeError.*MASTHEAD_WORKERS=1"):
        later.get()


def test_a_killed_process_is_a_clear_error_not_a_hang() -> None:
    published, drafts = _archive(APART_FROM + 100)
    before = {child.pid for child in multiprocessing.active_children()}
    later = RelatedLater([(published, drafts)], RelatedSettings(), {a.src_uri: a for a in published})
    children = [child for child in multiprocessing.active_children() if child.pid not in before]
    assert len(children) == 1
    for child in children:
        if child.pid is not None:
            os.kill(child.pid, signal.SIGKILL)
    with pytest.raises(RelatedFailed, match="BrokenProcessPool"):
        later.get()


def test_the_sample_gets_the_same_lists_from_a_process_of_their_own(
        sample: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    config = yaml.load((sample.root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    settings = load_settings(_typed(config["extra"]["masthead"]), docs_dir=sample.root / "docs")
    here = Newsroom(settings)
    here.load(sample.root / "docs")
    monkeypatch.setattr(newsroom_module, "APART_FROM", 0)  # the sample is small: send it anyway
    apart = Newsroom(settings, related_apart=True)
    apart.load(sample.root / "docs")
    assert apart.related_later is not None and apart.related_later.started
    assert _paths(apart.related_lists()) == _paths(here.related_lists()) and here.related


