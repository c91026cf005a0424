"""What the phase clock measures: MkDocs' per-page steps charged to read, markdown, templates, write.

Only when ``MASTHEAD_TIMINGS`` is set (``make bench``): ``PhaseClock`` opens and closes phases of
``masthead.timing`` around MkDocs' own steps, running first or last among all plugins' handlers
of an event (CombinedEvent + priorities). The other phases (search, images, cache, tags...) are
opened by the code that does the work, with ``timing.phase``.
"""

from __future__ import annotations

from typing import Any

from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from masthead import timing
from masthead.tags import INDEX_URL

FIRST, LAST = 10_000, -10_000  # event priorities: before / after every other plugin's handler


class PhaseClock(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Charges MkDocs' steps to phases: read, markdown, templates, write.

    Every step of a generated tag page (``tags/...``) is charged to "tags" instead, so the
    phase table shows what tag pages cost a build (issue 3: their share must stay small).
    """

    _tag_page = False  # the page whose steps are being timed is a tag page

    def _name(self, phase: str) -> str:
        return "tags" if self._tag_page else phase

    def _set_page(self, page: Any) -> None:
        self._tag_page = page is not None and page.file.src_uri.startswith(INDEX_URL)

    # First: the page's source is read between on_pre_page and on_page_markdown.
    @event_priority(FIRST)
    def _pre_page(self, page: Any, /, *_: Any, **__: Any) -> None:
        self._set_page(page)
        timing.push(self._name("read"))

    on_pre_page = CombinedEvent(_pre_page)

    # First and last: everything between them is other plugins' Markdown preprocessing.
    @event_priority(FIRST)
    def _markdown_in(self, /, *_: Any, **__: Any) -> None:
        timing.pop(self._name("read"))

    # Last: Page.render (Python-Markdown) runs right after the last on_page_markdown handler.
    @event_priority(LAST)
    def _markdown_out(self, /, *_: Any, **__: Any) -> None:
        timing.push(self._name("markdown"))

    on_page_markdown = CombinedEvent(_markdown_in, _markdown_out)

    # First: Page.render has just returned.
    @event_priority(FIRST)
    def _content(self, /, *_: Any, **__: Any) -> None:
        timing.pop(self._name("markdown"))

    on_page_content = CombinedEvent(_content)

    # First: context building (all plugins) and the template render up to on_post_page.
    @event_priority(FIRST)
    def _context(self, /, *_: Any, page: Any = None, **__: Any) -> None:
        timing.pop(self._name("write"))  # the previous page's
        self._set_page(page)
        timing.push(self._name("templates"))

    on_page_context = CombinedEvent(_context)

    # First closes the template render; last opens the write, which MkDocs does right after.
    @event_priority(FIRST)
    def _post_page_in(self, /, *_: Any, **__: Any) -> None:
        timing.pop(self._name("templates"))

    @event_priority(LAST)
    def _post_page_out(self, /, *_: Any, **__: Any) -> None:
        timing.push(self._name("write"))

    on_post_page = CombinedEvent(_post_page_in, _post_page_out)

    # First closes the last page's write; last writes the report once every plugin is done.
    @event_priority(FIRST)
    def _post_build_in(self, /, *_: Any, **__: Any) -> None:
        timing.pop(self._name("write"))

    @event_priority(LAST)
    def _post_build_out(self, /, *_: Any, **__: Any) -> None:
        timing.finish()

    on_post_build = CombinedEvent(_post_build_in, _post_build_out)

