"""What one edit can change, for the rebuilds of `mkdocs serve` (MkDocs glue: masthead_perf/serve.py).

A rebuild after an edit that leaves every story's *shape* alone (everything but the texts that
only pages showing the story draw: see ``CONTENT_FIELDS``) keeps the site's structure: the same
lists, sections, tags, archives, pages and feeds, in the same order. Then a page can differ from
the last build only if it shows a story whose text changed (the stories each page showed were
noted when the last build digested its context) or its related stories changed; every other page
is kept as it is on disk. Anything else (a story added, removed, re-dated, re-tagged, a setting,
a template, a picture) rebuilds every page as before (each from the render cache if it can).

Plain Python over articles; nothing here knows MkDocs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .article import Article
from .fingerprint import OPAQUE
from .related import RelatedLists, RelatedSettings, related_inputs
from .tag_index import Tag

# What pages that list a story show of it, and what its own page shows; the story's other fields
# decide where it is listed (date, section, tags, language, authors, draft, pins, ...).
CONTENT_FIELDS = frozenset({"title", "summary", "standfirst", "dateline", "image_alt",
                            "reading_minutes", "body"})
_SHAPE_FIELDS = tuple(f.name for f in dataclasses.fields(Article) if f.name not in CONTENT_FIELDS)


def same_shape(old: Article, new: Article) -> bool:
    """``old`` and ``new`` differ at most in their texts (``CONTENT_FIELDS``)."""
    return all(getattr(old, name) == getattr(new, name) for name in _SHAPE_FIELDS)


def story_of(value: Any) -> str | None:
    """The path of a story found in a page's context (``fingerprint.quick_digest``'s ``track``).

    A tag's stories are not what its page shows (that is its listing, which holds the stories of
    that page): templates draw a tag's name, URL and count, and the count does not change
    without the site's structure changing. So a tag stands for none of its stories; otherwise
    every page of a tag with thousands of stories would be rebuilt for an edit of any of them.
    (A template that lists a tag's stories beyond its own listing must hand them over in the
    context as stories, e.g. a ``ListingPage``; the serve tests compare with a clean build.)
    """
    if isinstance(value, Article):
        return value.src_uri
    return OPAQUE if isinstance(value, Tag) else None


def changed_sources(before: Mapping[str, str], now: Mapping[str, str]) -> set[str]:
    """Paths whose text differs, added or removed."""
    changed = {src for src, text in now.items() if before.get(src) != text}
    return changed | (before.keys() - now.keys())


def structure_kept(before: Mapping[str, Article], now: Mapping[str, Article], changed: set[str]) -> bool:
    """Every changed story is still there and kept its shape: no list of the site changed."""
    for src in changed:
        old, new = before.get(src), now.get(src)
        if old is None or new is None or not same_shape(old, new):
            return False
    return True


Relate = Callable[[Sequence[Article], Sequence[Article], RelatedSettings, Mapping[str, Article]],
                  RelatedLists]


@dataclass
class _Call:
    published: tuple[Article, ...]
    others: tuple[Article, ...]
    settings: RelatedSettings
    known: frozenset[str]
    run: RelatedLists | None = None
    result: dict[str, tuple[Article, ...]] = field(default_factory=dict)


@dataclass
class RelatedMemo:
    """``related_stories`` that gives the last build's answer again when none of its inputs
    changed, and re-ranks only what an edit can change when only stories' texts did.

    Calls are matched by their order in the build (``Newsroom.load`` asks once per edition).
    ``changed`` holds the stories whose list of related stories differs from the last build's
    (by path); None when there is nothing to compare with. ``reranked`` counts the stories whose
    lists were worked out again after an edit (``RelatedLists.update``); a call computed in full
    counts as ``computed``.
    """

    before: list[_Call] = field(default_factory=list)
    now: list[_Call] = field(default_factory=list)
    changed: set[str] | None = field(default_factory=set)
    reused: int = 0
    reranked: int = 0
    computed: int = 0
    compute: Relate = RelatedLists

    def __call__(self, published: Sequence[Article], others: Sequence[Article],
                 settings: RelatedSettings, known: Mapping[str, Article]) -> dict[str, tuple[Article, ...]]:
        call = _Call(tuple(published), tuple(others), settings, frozenset(known))
        old = self.before[len(self.now)] if len(self.now) < len(self.before) else None
        edited = _edited(old, call) if old is not None else None
        if old is not None and old.run is not None and edited is not None:
            call.run = old.run
            if edited or old.others != call.others:
                again = call.run.update(edited, others, known)
                if again is None:
                    call.run = None
                else:
                    self.reranked += len(again)
            else:
                self.reused += 1
        if call.run is None:
            call.run = self.compute(published, others, settings, known)
            self.computed += 1
        live = {a.src_uri: a for a in published}
        call.result = {src: tuple(live[a.src_uri] for a in found) for src, found in call.run.lists.items()}
        if old is None:
            self.changed = None
        elif self.changed is not None:
            self.changed |= _differ(old.result, call.result)
        self.now.append(call)
        return call.result

    def next_build(self) -> RelatedMemo:
        """The memo for the next build: this build's calls are what it compares with."""
        return RelatedMemo(before=self.now, compute=self.compute)


def _edited(old: _Call, new: _Call) -> list[Article] | None:
    """The published stories whose texts (as related stories read them) changed, when nothing
    else did: the same settings, paths, and shapes; None otherwise."""
    if old.settings != new.settings or old.known != new.known:
        return None
    edited: list[Article] = []
    for before, now, stories in ((old.published, new.published, edited), (old.others, new.others, None)):
        if len(before) != len(now):
            return None
        for a, b in zip(before, now, strict=True):
            if a is b:
                continue
            if a.src_uri != b.src_uri or not same_shape(a, b):
                return None
            if stories is not None and related_inputs(a) != related_inputs(b):
                stories.append(b)
    return edited


def _differ(old: Mapping[str, tuple[Article, ...]], new: Mapping[str, tuple[Article, ...]]) -> set[str]:
    paths = {src: tuple(a.src_uri for a in found) for src, found in old.items()}
    changed = {src for src, found in new.items() if paths.get(src) != tuple(a.src_uri for a in found)}
    return changed | (old.keys() - new.keys())
