"""The tags of one build: which published stories carry each tag, and the index of tag pages.

Tag names (identity, aliases, slugs) are decided in ``tags.py``; this module groups stories
under them. Pure Python; knows nothing of MkDocs.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .article import Article
from .tags import (
    INDEX_URL,
    OTHER_GROUP,
    TOP_TAGS,
    assign_slugs,
    resolve,
    script_lang,
    sort_key,
    tag_slug,
)


@dataclass(frozen=True)
class Tag:
    """One tag of the site: its shown name, URL and the published stories, newest first."""

    key: str
    name: str
    slug: str
    articles: tuple[Article, ...] = field(repr=False)
    spellings: tuple[str, ...] = ()  # every spelling editors used, most used first
    top: bool = False  # one of the most used tags
    prefix: str = ""  # the edition's folder ("zh/"); "" at the site root (hooks/masthead/editions.py)

    @property
    def url(self) -> str:
        return f"{self.prefix}{INDEX_URL}{self.slug}/"

    @property
    def count(self) -> int:
        return len(self.articles)

    @property
    def lang(self) -> str:
        """``zh`` for a name with Chinese characters (for the ``lang`` attribute), else ``en``."""
        return script_lang(self.name)

    @property
    def group(self) -> str:
        """Index group: the pinyin initial of a Chinese name, the first letter of a Latin one."""
        first = sort_key(self.name)[0]
        return OTHER_GROUP if first == "\uffff" else first


@dataclass(frozen=True)
class Collision:
    """Tags whose names would share one URL; each got its own (see :func:`assign_slugs`)."""

    slug: str
    names: tuple[str, ...]
    slugs: tuple[str, ...]

    def message(self) -> str:
        pairs = ", ".join(f"{n!r} → {INDEX_URL}{s}/" for n, s in zip(self.names, self.slugs, strict=True))
        return (f"tags {' and '.join(repr(n) for n in self.names)} would share the URL "
                f"{INDEX_URL}{self.slug}/; they get {pairs}. Rename one of them, or make one an "
                "alias of the other with extra.masthead.tag_aliases")


@dataclass(frozen=True)
class TagIndex:
    """Every tag of the published stories, in index order (pinyin/alphabetical)."""

    tags: tuple[Tag, ...]
    by_key: Mapping[str, Tag]
    aliases: Mapping[str, str]
    collisions: tuple[Collision, ...] = ()
    resolved: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # spelling -> resolve()

    def of(self, article: Article) -> list[dict[str, Any]]:
        """The tags an article page lists, each ``{name, url, lang}``; url None if it has no page.

        Drafts shown by ``mkdocs serve`` may carry a tag no published story has: it has no page.
        """
        out: dict[str, dict[str, Any]] = {}
        for raw in article.tags:
            key, spelling = self.resolved.get(raw) or resolve(raw, self.aliases)
            tag = self.by_key.get(key)
            if key not in out:
                out[key] = ({"name": tag.name, "url": tag.url, "lang": tag.lang} if tag else
                            {"name": spelling, "url": None, "lang": script_lang(spelling)})
        return list(out.values())

    @property
    def top(self) -> list[Tag]:
        """The highlighted tags, most used first."""
        return sorted((t for t in self.tags if t.top), key=lambda t: -t.count)

    def groups(self) -> list[tuple[str, list[Tag]]]:
        """``[(letter, tags)]`` in index order; names without a letter come last under ``#``."""
        out: dict[str, list[Tag]] = {}
        for tag in self.tags:
            out.setdefault(tag.group, []).append(tag)
        return list(out.items())


def build_tag_index(articles: Iterable[Article], aliases: Mapping[str, str], prefix: str = "") -> TagIndex:
    """Index the tags of ``articles`` (newest first, published only) in one pass over them;
    ``prefix`` is the folder of the edition whose tag pages they get (editions.py)."""
    stories: dict[str, list[Article]] = {}
    spellings: dict[str, Counter[str]] = {}
    resolved: dict[str, tuple[str, str]] = {}  # each spelling resolved once
    for article in articles:
        for raw in article.tags:
            if raw not in resolved:
                resolved[raw] = resolve(raw, aliases)
            key, spelling = resolved[raw]
            listed = stories.setdefault(key, [])
            if not listed or listed[-1] is not article:  # "EV" and "ev" in one story count once
                listed.append(article)
                spellings.setdefault(key, Counter())[spelling] += 1
    slugs, clashes = assign_slugs(stories)
    names = {key: _display_name(spellings[key]) for key in stories}
    ranked = sorted(stories, key=lambda k: (-len(stories[k]), sort_key(names[k])))
    top = {k for k in ranked[:TOP_TAGS] if len(stories[k]) > 1}
    tags = [
        Tag(key=key, name=names[key], slug=slugs[key], articles=tuple(stories[key]),
            spellings=tuple(s for s, _ in _by_use(spellings[key])), top=key in top, prefix=prefix)
        for key in sorted(stories, key=lambda k: (sort_key(names[k]), k))
    ]
    collisions = tuple(
        Collision(tag_slug(group[0]), tuple(names[k] for k in group), tuple(slugs[k] for k in group))
        for group in clashes
    )
    return TagIndex(tags=tuple(tags), by_key={t.key: t for t in tags}, aliases=dict(aliases),
                    collisions=collisions, resolved=resolved)


def _by_use(counts: Counter[str]) -> list[tuple[str, int]]:
    """Spellings most used first; ties: half-width before full-width, then code-point order."""
    return sorted(counts.items(),
                  key=lambda item: (-item[1], unicodedata.normalize("NFKC", item[0]) != item[0], item[0]))


def _display_name(counts: Counter[str]) -> str:
    return _by_use(counts)[0][0]
