"""How many processes a build may use for work that can be split (Markdown, share cards)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any, TypeVar

T = TypeVar("T")


def wanted() -> int:
    """MASTHEAD_WORKERS, else the CPUs this process may run on (this process included)."""
    value = os.environ.get("MASTHEAD_WORKERS", "")
    if value.isdigit():
        return max(1, int(value))
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def spread(chunks: Sequence[Sequence[T]], processes: int, remote: Callable[[Sequence[T]], list[Any]],
           here: Callable[[Sequence[T]], list[Any]], *, initializer: Callable[..., None] | None = None,
           initargs: tuple[Any, ...] = ()) -> Iterator[tuple[Sequence[T], list[Any], bool]]:
    """Work ``chunks`` in ``processes`` processes: ``processes - 1`` spawned workers running
    ``remote`` (a picklable top-level function) and this process running ``here``.

    Chunks go to the workers while they keep up; when each has two waiting, this process does
    the next chunk itself instead of waiting. Yields (chunk, its results, done by a worker) as
    chunks finish, not in order. "spawn": safe with threads (mkdocs serve runs some) and the
    same on every OS.
    """
    with ProcessPoolExecutor(max_workers=processes - 1, mp_context=get_context("spawn"),
                             initializer=initializer, initargs=initargs) as pool:
        waiting: list[tuple[Sequence[T], Future[list[Any]]]] = []
        for part in chunks:
            for finished in [w for w in waiting if w[1].done()]:
                waiting.remove(finished)
                yield finished[0], finished[1].result(), True
            if len(waiting) < 2 * (processes - 1):
                waiting.append((part, pool.submit(remote, part)))
            else:
                yield part, here(part), False
        for rest, future in waiting:
            yield rest, future.result(), True
