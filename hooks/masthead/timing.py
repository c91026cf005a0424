"""Where a build spends its time: named phases, recorded only when a benchmark asks for them.

``bench/run.py`` sets ``MASTHEAD_TIMINGS=<file>``; the build then charges every moment spent
inside a phase to it and writes the totals to that file as JSON when it ends. Without the
variable, ``phase()`` is a shared no-op context and costs next to nothing.

Time is *exclusive*: phases nest (the tags code may run inside "templates"), and a moment is
charged only to the innermost open phase, so the totals add up to at most the build time.
Core code records with ``with timing.phase("tags"): ...``; the MkDocs glue opens and closes
phases around MkDocs' own steps with ``push``/``pop``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

ENV_VAR = "MASTHEAD_TIMINGS"
# The phases `make bench` prints, in order. Others may be recorded and are printed after these.
PHASES = ("read", "markdown", "catalog", "tags", "related", "templates", "search", "write")


class Timings:
    """Exclusive time per phase, with a stack of open phases."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.totals: dict[str, float] = {}
        self.entries: dict[str, int] = {}
        self.notes: dict[str, Any] = {}
        self._stack: list[str] = []
        self._last = clock()
        self.started = self._last

    def _charge(self, now: float) -> None:
        if self._stack:
            top = self._stack[-1]
            self.totals[top] = self.totals.get(top, 0.0) + (now - self._last)
        self._last = now

    def push(self, name: str, *, count: bool = True) -> None:
        """Open ``name``; ``count=False``: time it without counting an entry (pages counted)."""
        self._charge(self.clock())
        self._stack.append(name)
        if count:
            self.entries[name] = self.entries.get(name, 0) + 1

    def pop(self, name: str) -> None:
        """Close ``name``; a no-op if it is not open (an event bracket that never opened)."""
        if name not in self._stack:
            return
        self._charge(self.clock())
        while self._stack:  # close anything left open inside it too
            if self._stack.pop() == name:
                break

    def close_all(self) -> None:
        self._charge(self.clock())
        self._stack.clear()

    @contextmanager
    def phase(self, name: str, *, count: bool = True) -> Iterator[None]:
        self.push(name, count=count)
        try:
            yield
        finally:
            self.pop(name)

    def report(self) -> dict[str, Any]:
        return {
            "elapsed": self.clock() - self.started,
            "phases": dict(sorted(self.totals.items())),
            "entries": dict(sorted(self.entries.items())),
            "notes": dict(sorted(self.notes.items())),
        }


_current: Timings | None = None
_NOOP: AbstractContextManager[None] = nullcontext()


def enabled() -> bool:
    return bool(os.environ.get(ENV_VAR))


def start() -> Timings | None:
    """A fresh registry for this build when timings were asked for (else None: nothing recorded)."""
    global _current
    _current = Timings() if enabled() else None
    return _current


def current() -> Timings | None:
    return _current


def phase(name: str, *, count: bool = True) -> AbstractContextManager[None]:
    """``with phase("tags"):`` charges the block to "tags" when timings are on."""
    return _current.phase(name, count=count) if _current is not None else _NOOP


def push(name: str) -> None:
    if _current is not None:
        _current.push(name)


def pop(name: str) -> None:
    if _current is not None:
        _current.pop(name)


def annotate(name: str, value: Any) -> None:
    """Add a note (plain JSON data: cache hits, pages rendered in the pool...) to the report."""
    if _current is not None:
        _current.notes[name] = value


def finish() -> None:
    """Write the totals to the file named by MASTHEAD_TIMINGS and stop recording."""
    global _current
    target = os.environ.get(ENV_VAR)
    if _current is None or not target:
        return
    _current.close_all()
    try:
        import resource  # not on Windows

        # The build process alone, not the tools it ran (ru_maxrss is in KB on Linux).
        _current.notes["rss_self_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    except ImportError:
        pass
    Path(target).write_text(json.dumps(_current.report(), indent=1), encoding="utf-8")
    _current = None
