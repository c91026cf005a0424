"""Paginated lists of stories: section pages now, tag and archive pages later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .article import Article


@dataclass(frozen=True)
class ListingPage:
    """Page ``number`` of ``total`` of a list whose first page lives at ``base`` (``news/``)."""

    base: str
    number: int
    total: int
    items: tuple[Article, ...]

    @property
    def url(self) -> str:
        return page_url(self.base, self.number)

    @property
    def src_uri(self) -> str:
        return self.url + "index.md"

    @property
    def prev_url(self) -> str | None:
        return page_url(self.base, self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return page_url(self.base, self.number + 1) if self.number < self.total else None


def page_url(base: str, number: int) -> str:
    """``news/`` for page 1, ``news/page/2/`` after it."""
    return base if number == 1 else f"{base}page/{number}/"


def paginate(base: str, items: Sequence[Article], size: int) -> list[ListingPage]:
    """Split ``items`` into pages of ``size``; an empty list still has one (empty) page."""
    chunks = [tuple(items[i:i + size]) for i in range(0, len(items), size)] or [()]
    return [ListingPage(base, n, len(chunks), chunk) for n, chunk in enumerate(chunks, start=1)]
