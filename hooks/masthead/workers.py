"""How many processes a build may use for work that can be split (Markdown, share cards)."""

from __future__ import annotations

import os


def wanted() -> int:
    """MASTHEAD_WORKERS, else the CPUs this process may run on (this process included)."""
    value = os.environ.get("MASTHEAD_WORKERS", "")
    if value.isdigit():
        return max(1, int(value))
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
