"""Related stories of a cold `mkdocs build`, worked out in a process of their own.

At 10 000 stories ranking them takes about 5 s of one core, before the Markdown pool starts and
while the second core is mostly idle. ``RelatedLater`` starts one spawned process as soon as the
catalog is known; ``get`` waits for its lists the first time a page needs them (the event file
asks at on_env at the latest). The process gets the stories (bodies cut to what the lists read)
and returns paths; this one maps them back to its own Article objects and keeps them in the
render cache, as ``related_stories`` does: a cache hit starts no process. `mkdocs serve` keeps
its own memo (incremental.RelatedMemo) and never comes here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context

from .article import Article
from .cache import keep, remembered
from .related import (
    RELATED_KIND,
    Paths,
    RelatedSettings,
    lists_of,
    related_cache_inputs,
    related_paths,
    related_reads,
)

# From this many stories (published and withheld) a build ranks them in a process of its own;
# below, starting one (about half a second of CPU) costs more than the ranking it moves.
APART_FROM = 500

Group = tuple[Sequence[Article], Sequence[Article]]  # one edition's published stories and others


class RelatedFailed(RuntimeError):
    """The process ranking related stories failed; the message says why and what to do."""


class RelatedLater:
    """The related lists of ``groups`` (merged in order, as ``Newsroom.load`` does), from the
    render cache or from one spawned process started here."""

    def __init__(self, groups: Sequence[Group], settings: RelatedSettings,
                 known: Mapping[str, Article]) -> None:
        self.groups = list(groups)
        self.found: list[Paths | None] = []
        self.keys: list[str | None] = []
        for published, others in self.groups:
            cached = remembered(RELATED_KIND, related_cache_inputs(published, others, settings, known))
            self.keys.append(cached[0] if cached else None)
            self.found.append(cached[1] if cached else None)
        self.missing = [i for i, paths in enumerate(self.found) if paths is None]
        self.pool: ProcessPoolExecutor | None = None
        self.future: Future[list[Paths]] | None = None
        if self.missing:
            sent: list[Group] = [([related_reads(a) for a in self.groups[i][0]],
                                  [related_reads(a) for a in self.groups[i][1]]) for i in self.missing]
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
            self.future = self.pool.submit(_rank, sent, settings, sorted(known))

    @property
    def started(self) -> bool:
        """A process was started (the cache lacked some lists)."""
        return self.future is not None

    def get(self) -> dict[str, tuple[Article, ...]]:
        """``src_uri`` → related stories; waits for the process if it is still at work.
        Raises RelatedFailed if it failed (an error, or killed), never waits for a dead one."""
        if self.future is not None:
            try:
                ranked = self.future.result()
            except Exception as exc:
                self.cancel()
                raise RelatedFailed(
                    f"Masthead: related stories could not be worked out in their own process "
                    f"({type(exc).__name__}: {exc}); build again, or set MASTHEAD_WORKERS=1 to "
                    "work them out in the build's own process") from exc
            for i, ranked_paths in zip(self.missing, ranked, strict=True):
                self.found[i] = ranked_paths
                if (key := self.keys[i]) is not None:
                    keep(RELATED_KIND, key, ranked_paths)
            self.future = None
            self.cancel()
        lists: dict[str, tuple[Article, ...]] = {}
        for (published, _), paths in zip(self.groups, self.found, strict=True):
            assert paths is not None
            lists.update(lists_of(paths, published))
        return lists

    def cancel(self) -> None:
        """Let the process go (a failed build does not wait for lists nobody will read)."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None


def _rank(groups: Sequence[Group], settings: RelatedSettings, known: Sequence[str]) -> list[Paths]:
    """In the spawned process: each group's lists, as paths."""
    paths = dict.fromkeys(known)
    return [related_paths(published, others, settings, paths) for published, others in groups]
