"""MkDocs glue for Masthead's speed work: the phase clock that `make bench` reads.

Kept apart from ``masthead_mkdocs.py`` (which imports it) so the event file stays thin. The
clock is a small plugin added in ``on_config`` only when ``MASTHEAD_TIMINGS`` is set: it opens
and closes phases of ``masthead.timing`` around MkDocs' own per-page steps, running first or
last among all plugins' handlers of an event (CombinedEvent + priorities).
"""

from __future__ import annotations

from typing import Any

from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from masthead import timing

FIRST, LAST = 10_000, -10_000


class PhaseClock(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Charges MkDocs' steps to phases: read, markdown, templates, write."""

    # First: the page's source is read between on_pre_page and on_page_markdown.
    @event_priority(FIRST)
    def _pre_page(self, /, *_: Any, **__: Any) -> None:
        timing.push("read")

    on_pre_page = CombinedEvent(_pre_page)

    # First and last: everything between them is other plugins' Markdown preprocessing.
    @event_priority(FIRST)
    def _markdown_in(self, /, *_: Any, **__: Any) -> None:
        timing.pop("read")

    # Last: Page.render (Python-Markdown) runs right after the last on_page_markdown handler.
    @event_priority(LAST)
    def _markdown_out(self, /, *_: Any, **__: Any) -> None:
        timing.push("markdown")

    on_page_markdown = CombinedEvent(_markdown_in, _markdown_out)

    # First: Page.render has just returned.
    @event_priority(FIRST)
    def _content(self, /, *_: Any, **__: Any) -> None:
        timing.pop("markdown")

    on_page_content = CombinedEvent(_content)

    # First: context building (all plugins) and the template render up to on_post_page.
    @event_priority(FIRST)
    def _context(self, /, *_: Any, **__: Any) -> None:
        timing.pop("write")
        timing.push("templates")

    on_page_context = CombinedEvent(_context)

    # First closes the template render; last opens the write, which MkDocs does right after.
    @event_priority(FIRST)
    def _post_page_in(self, /, *_: Any, **__: Any) -> None:
        timing.pop("templates")

    @event_priority(LAST)
    def _post_page_out(self, /, *_: Any, **__: Any) -> None:
        timing.push("write")

    on_post_page = CombinedEvent(_post_page_in, _post_page_out)

    # First closes the last page's write; last writes the report once every plugin is done.
    @event_priority(FIRST)
    def _post_build_in(self, /, *_: Any, **__: Any) -> None:
        timing.pop("write")

    @event_priority(LAST)
    def _post_build_out(self, /, *_: Any, **__: Any) -> None:
        timing.finish()

    on_post_build = CombinedEvent(_post_build_in, _post_build_out)
