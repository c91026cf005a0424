"""MkDocs events for Masthead: thin wiring over the ``masthead`` package.

Every event forwards to plain functions in ``hooks/masthead/`` that know nothing of MkDocs.
State lives in ``_newsroom``, made anew in ``on_config`` so nothing leaks from one build to the
next in one process (``mkdocs serve``, tests).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel

from masthead import timing
from masthead.errors import MastheadError
from masthead.newsroom import Newsroom
from masthead.settings import load_settings
from masthead.text import insert_lead
from masthead_perf import PhaseClock

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = get_plugin_logger(__name__)
_newsroom: Newsroom | None = None


def _room() -> Newsroom:
    if _newsroom is None:
        raise PluginError("Masthead: on_config did not run; is hooks/masthead_mkdocs.py listed?")
    return _newsroom


def on_config(config: MkDocsConfig, **_: Any) -> MkDocsConfig:
    """Validate the newsroom settings before anything is read or written."""
    global _newsroom
    _newsroom = None
    if timing.start() is not None:  # `make bench` asked where the time goes
        config.plugins["masthead/timing"] = PhaseClock()
    try:
        settings = load_settings(config.extra.get("masthead"), site_name=config.site_name,
                                 docs_dir=Path(config.docs_dir))
    except MastheadError as exc:
        raise PluginError(exc.report()) from None
    _newsroom = Newsroom(settings, directory_urls=config.use_directory_urls)
    # Articles stay out of the nav by design (a nav of every story makes each page grow with
    # the archive); don't list them as "not included in nav".
    config.validation.nav.omitted_files = logging.DEBUG
    config.theme["language"] = settings.language
    if config.nav is None:
        config.nav = [{settings.name: "index.md"}] + [
            {s.title: f"{s.slug}/index.md"} for s in settings.sections
        ]
    return config


def on_pre_build(config: MkDocsConfig, **_: Any) -> None:
    """Read and check every article before MkDocs cleans site/: a bad input leaves it intact."""
    try:
        _room().load(Path(config.docs_dir))
    except MastheadError as exc:
        raise PluginError(exc.report()) from None


def on_files(files: Files, config: MkDocsConfig, **_: Any) -> Files:
    """Add the generated front and section pages; keep drafts out of `mkdocs build`."""
    room = _room()
    for src_uri in room.generated:
        files.append(File.generated(config, src_uri, content=""))
    for article in room.require_catalog().drafts:
        file = files.get_file_from_path(article.src_uri)
        if file is not None:
            file.inclusion = InclusionLevel.DRAFT
    return files


def on_page_markdown(markdown: str, page: Page, **_: Any) -> str:
    """Give Masthead's pages their template and checked metadata; the body without front matter."""
    owned = _room().page_meta(page.file.src_uri)
    if owned is None:
        return markdown
    page.meta, body = owned
    return body


def on_page_context(context: dict[str, Any], page: Page, **_: Any) -> dict[str, Any]:
    context.update(_room().context(page.file.src_uri))
    return context


def on_template_context(context: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Theme templates (404.html) get the site view too."""
    room = _room()
    context["masthead"] = room.site_view(room.settings.language)
    return context


def on_env(env: Environment, **_: Any) -> Environment:
    room = _room()
    env.filters["masthead_date"] = room.format_date
    env.filters["masthead_iso"] = lambda value: room.local(value).isoformat()
    env.filters["masthead_lead"] = insert_lead
    return env


# Last, so other plugins' on_serve see the server as MkDocs made it.
@event_priority(-100)
def on_serve(server: LiveReloadServer, **_: Any) -> LiveReloadServer:
    """A failed rebuild in `mkdocs serve` shows Masthead's message, not a Python traceback."""
    build = server.builder

    def builder(*args: Any, **kwargs: Any) -> None:
        try:
            build(*args, **kwargs)
        except Abort as exc:
            raise SystemExit(f"{exc}: fix the problems above and save; the site rebuilds.") from None

    server.builder = builder
    return server
