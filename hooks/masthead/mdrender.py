"""MkDocs' Markdown step for one page, runnable in a worker process, with everything it looked at.

MkDocs renders a page with ``Page.render``: a new ``markdown.Markdown`` with the site's
extensions plus four processors of its own (raw-HTML anchors, anchors, relative links, title).
``Renderer`` does the same with those very processors, but keeps one ``Markdown`` and calls
``reset()`` between pages (Python-Markdown's way of converting many documents; MkDocs' own
instantiation costs about a millisecond a page), with ``mdspeed.FasterMarkdown`` after the site's
extensions (the same HTML, about a fifth less CPU), and needs no MkDocs ``Files`` or config, only
plain data: so it can run in a process pool, and its result can be cached. ``Rendered``
records the file lookups the links made and the log messages MkDocs would have printed, so a
cached result can be checked against today's files and its warnings replayed.

This is the one module of the package that imports MkDocs (its private page processors, pinned
by ``mkdocs>=1.6,<2``); it is here, not beside the event file, because worker processes must be
able to import it by name.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from types import SimpleNamespace
from typing import Any

import markdown

from . import workers
from .mdspeed import FasterMarkdown

PAGE_LOGGER = "mkdocs.structure.pages"
# (uri asked for, (url, excluded) of the file found or None)
Lookup = tuple[str, tuple[str, bool] | None]


@dataclass(frozen=True)
class Target:
    """A file a link can point to, as the page renderer sees it."""

    src_uri: str
    url: str
    excluded: bool = False

    @property
    def inclusion(self) -> Any:
        return _Inclusion(self.excluded)


@dataclass(frozen=True)
class _Inclusion:
    excluded: bool

    def is_excluded(self) -> bool:
        return self.excluded


@dataclass(frozen=True)
class Setup:
    """Everything besides the page itself that the HTML depends on (plain, picklable data)."""

    extensions: tuple[Any, ...]
    extension_configs: Mapping[str, Any]
    use_directory_urls: bool
    absolute_links: int
    unrecognized_links: int
    not_found: int
    log_level: int  # effective level of MkDocs' page logger: messages below it are not kept


@dataclass
class Rendered:
    html: str
    toc_tokens: list[Any]
    title: str | None
    anchors: frozenset[str]
    links_to_anchors: dict[str, dict[str, str]]  # target src_uri -> {anchor: original link}
    lookups: tuple[Lookup, ...]
    messages: tuple[tuple[str, int, str], ...] = field(default=())  # (logger, level, message)


class _Files:
    """The part of MkDocs' ``Files`` the link processor uses, recording every lookup."""

    def __init__(self, targets: Mapping[str, Target]) -> None:
        self.targets = targets
        self.lookups: dict[str, tuple[str, bool] | None] = {}

    def get_file_from_path(self, path: str) -> Target | None:
        uri = PurePath(path).as_posix()
        found = self.targets.get(uri)
        self.lookups[uri] = (found.url, found.excluded) if found else None
        return found


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


class Renderer:
    """Renders pages one after another with one Markdown instance."""

    def __init__(self, setup: Setup, targets: Mapping[str, Target]) -> None:
        self.setup = setup
        self.targets = targets
        # FasterMarkdown last: the same HTML, less CPU (see mdspeed.py).
        self.md = markdown.Markdown(extensions=[*setup.extensions, FasterMarkdown()],
                                    extension_configs=dict(setup.extension_configs))
        self.config = SimpleNamespace(
            use_directory_urls=setup.use_directory_urls,
            validation=SimpleNamespace(links=SimpleNamespace(
                absolute_links=setup.absolute_links,
                unrecognized_links=setup.unrecognized_links,
                not_found=setup.not_found,
            )),
        )

    def render(self, src_uri: str, url: str, excluded: bool, text: str) -> Rendered:
        from mkdocs.structure import pages as mk

        page_file = Target(src_uri, url, excluded)
        files = _Files(self.targets)
        raw_html = mk._RawHTMLPreprocessor()
        raw_html._register(self.md)
        anchors = mk._ExtractAnchorsTreeprocessor(page_file, files, self.config)  # type: ignore[arg-type]
        anchors._register(self.md)
        links = mk._RelativePathTreeprocessor(page_file, files, self.config)  # type: ignore[arg-type]
        links._register(self.md)
        title = mk._ExtractTitleTreeprocessor()
        title._register(self.md)

        # The link processor logs to MkDocs' page logger: keep its messages for the caller to
        # replay (once, in page order, and again whenever the result comes from the cache).
        # Its name is the module's: "properdocs.structure.pages" when ProperDocs runs the build.
        capture = _Capture()
        logger = logging.getLogger(mk.__name__)
        logger.addHandler(capture)
        propagate, level = logger.propagate, logger.level
        logger.propagate = False
        logger.setLevel(self.setup.log_level)
        try:
            html = self.md.reset().convert(text)
        finally:
            logger.removeHandler(capture)
            logger.propagate = propagate
            logger.setLevel(level)
        tokens = list(getattr(self.md, "toc_tokens", []))
        return Rendered(
            html=html,
            toc_tokens=tokens,
            title=title.title,
            anchors=frozenset(anchors.present_anchor_ids | raw_html.present_anchor_ids),
            links_to_anchors={target.src_uri: dict(v) for target, v in links.links_to_anchors.items()},
            lookups=tuple(sorted(files.lookups.items())),
            messages=tuple(capture.records),
        )


def lookups_hold(rendered: Rendered, targets: Mapping[str, Target]) -> bool:
    """True when every file the page's links looked up is still found, at the same URL."""
    for uri, seen in rendered.lookups:
        now = targets.get(uri)
        current = (now.url, now.excluded) if now is not None else None
        if current != seen:
            return False
    return True


# -- the process pool -------------------------------------------------------------------------

Job = tuple[str, str, bool, str]  # src_uri, url, excluded, markdown
Call = tuple[str, tuple[Any, ...]]  # kind of a ``cache.memoized`` function, its arguments
_worker: Renderer | None = None


def _start_worker(setup: Setup, targets: Mapping[str, Target], modules: Sequence[str]) -> None:
    global _worker
    _worker = Renderer(setup, targets)
    for name in modules:  # where the memoized functions live
        importlib.import_module(name)


def _work(renderer: Renderer, item: Job | Call) -> Any:
    if len(item) == 2:
        kind, args = item
        return _raw(kind)(*args)
    return renderer.render(*item)


def _raw(kind: str) -> Callable[..., Any]:
    """The memoized function of ``kind`` without the cache around it."""
    from .cache import MEMOIZED

    function = MEMOIZED[kind]
    return getattr(function, "__wrapped__", function)


def _work_chunk(items: Sequence[Job | Call]) -> list[Any]:
    assert _worker is not None
    return [_work(_worker, item) for item in items]


def workers_wanted() -> int:
    """Processes that render Markdown, this one included."""
    return workers.wanted()


def render_in_pool(here: Renderer, jobs: Sequence[Job], processes: int, calls: Sequence[Call] = (),
                   chunk: int = 25) -> tuple[dict[str, Rendered], dict[Call, Any], int]:
    """Render ``jobs`` (and make ``calls``) in ``processes`` processes: this one and workers
    (``workers.spread``). Every page is rendered alone, so the results (by src_uri) are the
    same whoever rendered them. Returns the pages, the calls' results, and how many items the
    workers did.
    """
    items: list[Job | Call] = [*jobs, *calls]
    chunks = [items[i:i + chunk] for i in range(0, len(items), chunk)]
    pages: dict[str, Rendered] = {}
    called: dict[Call, Any] = {}
    by_workers = 0

    from .cache import MEMOIZED

    modules = sorted({MEMOIZED[kind].__module__ for kind, _ in calls})
    for part, done, remote in workers.spread(
            chunks, processes, _work_chunk, lambda part: [_work(here, item) for item in part],
            initializer=_start_worker, initargs=(here.setup, dict(here.targets), modules)):
        for item, result in zip(part, done, strict=True):
            if len(item) == 2:
                called[item] = result
            else:
                pages[item[0]] = result
        by_workers += len(part) if remote else 0
    return pages, called, by_workers
