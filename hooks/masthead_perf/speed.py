"""The render cache plugin: one build's reading, Markdown, templates and cleanup, cached.

``Speed`` is added by the event file in ``on_config`` (unless ``MASTHEAD_SPEED=off``). It
- reads each story once and keeps ``parse_article``'s result and MkDocs' front matter in the
  cache (``parse``, ``front_matter``);
- gives Masthead's pages their page class and renders what the cache lacks before MkDocs asks,
  in a process pool when a cold build has many pages (``_prerender``; how a page is rendered:
  ``pages.py``);
- makes Jinja's template class ``CachingTemplate`` and digests each page's context
  (``page_key``; what it depends on: ``keys.py``);
- in `mkdocs serve`, leaves out pages an edit cannot have changed (``serve.ServeKeeping``).
The work itself is in the core (``masthead.cache``, ``masthead.fingerprint``, ``masthead.mdrender``).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import logging
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import InclusionLevel, set_exclusions
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

from masthead import syndication, timing
from masthead.article import Article, parse_article
from masthead.cache import RenderCache, activate, cache_dir, code_digest, memo_key
from masthead.feeds import FILES as FEED_FILES
from masthead.fingerprint import DigestOnce, Memo, Unfingerprintable, digest, loose, quick_digest
from masthead.incremental import RelatedMemo, story_of
from masthead.mdrender import (
    PAGE_LOGGER,
    Job,
    Rendered,
    Renderer,
    Setup,
    Target,
    lookups_hold,
    render_in_pool,
    workers_wanted,
)
from masthead.prefetch import share_qr_calls

from . import serve
from .clock import FIRST, LAST
from .keys import config_view, nav_view, page_view, theme_digest
from .pages import CachingTemplate, MastheadPage, dict_first_getattr, is_excluded, replay, source_text
from .serve import SESSION, KeptOutput, Parsed, ServeKeeping, WarningCount

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.utils.templates import TemplateContext

    from masthead.errors import Fault
    from masthead.newsroom import Newsroom
    from masthead.settings import Settings

# Render Markdown in worker processes too only when there is this much to render: starting a
# worker costs about half a second of CPU, a page about two milliseconds.
POOL_MIN_PAGES = int(os.environ.get("MASTHEAD_POOL_MIN", "300"))
HOOKS_DIR = Path(__file__).resolve().parent.parent  # hooks/: its code is part of every cache key


def wanted() -> bool:
    """``MASTHEAD_SPEED=off`` builds the plain MkDocs way: no cache, no pool (to compare, debug)."""
    return os.environ.get("MASTHEAD_SPEED", "").lower() not in ("off", "0", "no", "false")


class Speed(ServeKeeping, BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Render cache and process pool for one build (added by the event file in on_config)."""

    def __init__(self, newsroom: Newsroom, config: MkDocsConfig) -> None:
        self.newsroom = newsroom
        project = Path(config.config_file_path or ".").resolve().parent
        self.cache = RenderCache(cache_dir(project))
        self.code = code_digest([HOOKS_DIR])
        self.config_file = Path(config.config_file_path) if config.config_file_path else None
        self.sources: dict[str, str] = {}
        self.meta: dict[str, tuple[str, str, dict[str, Any]]] = {}  # src_uri -> (text, md, meta)
        self.ready: dict[str, tuple[str, Rendered]] = {}  # src_uri -> (key, result)
        self.setup: Setup | None = None
        self.setup_key = ""
        self.targets: dict[str, Target] = {}
        self.renderer: Renderer | None = None
        self.site_dir = str(config.site_dir)
        self.site_key = ""
        self.nav_key: str | None = None
        self.pages_key: str | None = None
        self.files: Files | None = None
        self.uncacheable = 0
        self.memo: Memo = {}
        self.digest_once = DigestOnce(quick_digest)  # the values many pages share as one object
        self.settings_key: tuple[object, str] = (None, "")
        self.output: KeptOutput | None = None
        self.pooled = 0
        self.by_workers = 0
        # `mkdocs serve`: what the last build of this site in this process knew (see ServeMemory).
        self.previous = (SESSION.memories.pop(serve.site_folder(config.site_dir), None)
                         if SESSION.serving else None)
        self.parsed: dict[str, Parsed] = {}
        self.deps: dict[str, frozenset[str]] = {}  # page -> stories its context showed
        self.noted: dict[str, tuple[Any, frozenset[str]]] = {}  # page -> (Markdown's messages, anchors)
        self.early_key = ""
        self.assets: dict[str, tuple[int, int]] = {}
        self.changed: set[str] = set()
        self.kept: dict[str, File] = {}  # pages left as the last build wrote them
        self.inclusions: dict[str, InclusionLevel] = {}
        self.html: dict[str, str] = {}
        self.sitemap: bytes | None = None
        self.warnings = WarningCount()  # while pages are built (serve)
        self.related = self.previous.related.next_build() if self.previous else RelatedMemo()
        newsroom.parse = self.parse
        if SESSION.serving:
            newsroom.relate = self.related
        else:  # a cold build: related stories in a process of their own, if there is a core for it
            newsroom.related_apart = workers_wanted() > 1
        activate(self.cache, self.code)  # memoized functions (QR codes) remember across builds

    # -- reading -------------------------------------------------------------------------------

    def parse(self, src_uri: str, source: str, settings: Settings, *, exists: Any = None,
              directory_urls: bool = True) -> tuple[Article | None, list[Fault]]:
        """``parse_article``, from the cache when this text was read with these settings before.

        The entry also holds MkDocs' own reading of the front matter (``page.meta``), so a
        cached page's YAML is never parsed; the Markdown body is cut from the text again
        rather than stored twice.
        """
        self.sources[src_uri] = source
        if self.settings_key[0] is not settings:
            self.settings_key = (settings, digest(("article", self.code, settings)))
        key = digest((self.settings_key[1], src_uri, directory_urls, source))
        known = self.previous.parsed.get(src_uri) if self.previous else None
        if known is not None and known[0] == key and _image_still_there(known[1], exists):
            self.parsed[src_uri] = known  # the same Article object as the last build's
            self.meta[src_uri] = (source, known[3], known[2])
            return known[1], []
        found = self.cache.get("source", key)
        if isinstance(found, tuple) and len(found) == 4:
            article, elided, meta, offset = found
            if isinstance(article, Article) and _image_still_there(article, exists):
                markdown_text = source_text(source)[offset:]
                if elided:
                    article = dataclasses.replace(article, body=markdown_text.strip())
                self.meta[src_uri] = (source, markdown_text, meta)
                if SESSION.serving:
                    self.parsed[src_uri] = (key, article, meta, markdown_text)
                return article, []
        article, faults = parse_article(src_uri, source, settings, exists=exists,
                                        directory_urls=directory_urls)
        if article is not None and not faults:
            page_text = source_text(source)
            markdown_text, meta = get_data(page_text)
            offset = len(page_text) - len(markdown_text)
            self.meta[src_uri] = (source, markdown_text, meta)
            elided = article.body == markdown_text.strip() and page_text[offset:] == markdown_text
            stored = dataclasses.replace(article, body="") if elided else article
            self.cache.put("source", key, (stored, elided, meta, offset))
            if SESSION.serving:
                self.parsed[src_uri] = (key, article, meta, markdown_text)
        return article, faults

    def front_matter(self, src_uri: str, source: str) -> tuple[str, dict[str, Any]]:
        """MkDocs' own split of a page's text into Markdown and meta (from ``parse`` if it ran)."""
        known = self.meta.get(src_uri)
        if known is not None and known[0] == source:
            return known[1], copy.deepcopy(known[2])
        text, meta = get_data(source_text(source))
        return text, meta

    # -- Markdown ------------------------------------------------------------------------------

    # Last: the articles are read and checked (a bad one stops the build before this); MkDocs
    # cleans site/ right after.
    @event_priority(LAST)
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        timing.annotate("cache", "on" if self.cache.enabled else "off")
        serve.start_build(self)
        if SESSION.serving:
            serve.wait_for_index()  # the previous rebuild's search index reads the pages we may move
            self.output = KeptOutput.for_site(Path(config.site_dir))
            SESSION.rebuilding = bool(self.output.before)
            self.output.hide()

    # First: put the previous build's pages back before anything is written.
    @event_priority(FIRST)
    def _files_first(self, files: Files, /, *, config: MkDocsConfig) -> None:
        if self.output is not None:
            self.output.unhide()

    # Last: every file is there (generated pages, drafts marked); MkDocs makes the nav and a
    # Page for every page right after: pages kept by `mkdocs serve` are left out before that.
    @event_priority(LAST)
    def _files_last(self, files: Files, /, *, config: MkDocsConfig) -> None:
        self._know_files(files, config)
        if SESSION.serving:
            yml = self.config_file.read_bytes() if self.config_file and self.config_file.is_file() else b""
            self.early_key = digest(("early", self.setup_key, yml, config_view(config),
                                     theme_digest(config)))
            docs = os.path.join(os.path.abspath(config.docs_dir), "")
            self.assets = {f.src_uri: serve.stamp(f.abs_src_path) for f in files
                           if f.abs_src_path and f.abs_src_path.startswith(docs)
                           and f.src_uri not in self.sources}
            self.keep_pages(files, serve.nav_sources(config.nav))

    on_files = CombinedEvent(_files_first, _files_last)

    def _know_files(self, files: Files, config: MkDocsConfig) -> None:
        """The Markdown setup and every file's URL and inclusion, as MkDocs will settle them."""
        set_exclusions(files, config)  # what MkDocs does right after on_files: the same levels
        links = config.validation.links
        self.setup = Setup(
            extensions=tuple(config.markdown_extensions),
            extension_configs=dict(config.mdx_configs or {}),
            use_directory_urls=config.use_directory_urls,
            absolute_links=int(links.absolute_links), unrecognized_links=int(links.unrecognized_links),
            not_found=int(links.not_found),
            log_level=logging.getLogger(PAGE_LOGGER).getEffectiveLevel(),
        )
        self.setup_key = digest(("markdown", self.code, loose(self.setup)))
        self.targets = {f.src_uri: Target(f.src_uri, f.url, is_excluded(f)) for f in files}

    # Last: the files and the nav are final; MkDocs starts reading pages right after.
    @event_priority(LAST)
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> None:
        self.files = files  # the setup and targets are on_files' (before pages were left out)
        if SESSION.serving:  # a page that warns is never kept: the next rebuild builds it and warns again
            logging.getLogger("mkdocs").addHandler(self.warnings)
        with timing.phase("markdown", count=False):  # entries count pages, not this look-ahead
            self._prerender(config, files, nav)


    def _prerender(self, config: MkDocsConfig, files: Files, nav: Navigation) -> None:
        """Give Masthead's pages their page class; render what the cache lacks, in a pool if it pays."""
        room = self.newsroom
        catalog = room.require_catalog()
        jobs: list[Job] = []
        in_nav = {id(page) for page in nav.pages}
        for file in files.documentation_pages():
            uri = file.src_uri
            article = catalog.by_src.get(uri)
            if article is None and uri not in room.generated:
                continue
            # MkDocs made a plain Page for every file; those outside the nav become ours.
            if file.page is None:
                Page(None, file, config)
            if type(file.page) is Page and id(file.page) not in in_nav:
                MastheadPage.adopt(file.page, self)
            if not isinstance(file.page, MastheadPage):
                continue
            markdown_text = article.body if article is not None else ""
            key = self._md_key(file, markdown_text)
            rendered = self.cache.get("markdown", key)
            if isinstance(rendered, Rendered) and lookups_hold(rendered, self.targets):
                self.ready[uri] = (key, rendered)
            elif markdown_text:
                jobs.append((uri, file.url, is_excluded(file), markdown_text))
        processes = workers_wanted()
        if len(jobs) < POOL_MIN_PAGES or processes < 2 or not _picklable(self.setup):
            return  # rendered one by one as MkDocs asks
        calls = [(kind, args) for kind, args in share_qr_calls(self.newsroom)
                 if self.cache.get(kind, memo_key(kind, self.code, args)) is None]
        results, called, self.by_workers = render_in_pool(self._renderer(), jobs, processes, calls)
        self.pooled = len(results)
        for (kind, args), value in called.items():
            self.cache.put(kind, memo_key(kind, self.code, args), value)
        for uri, url, excluded, text in jobs:
            key = self._md_key_raw(uri, url, excluded, text)
            self.ready[uri] = (key, results[uri])
            self.cache.put("markdown", key, results[uri])

    def _md_key(self, file: File, text: str) -> str:
        return self._md_key_raw(file.src_uri, file.url, is_excluded(file), text)

    def _md_key_raw(self, uri: str, url: str, excluded: bool, text: str) -> str:
        return digest((self.setup_key, uri, url, excluded, text))

    def rendered(self, page: MastheadPage, text: str) -> Rendered:
        """The HTML of ``page`` from ``text``: ready, cached, or rendered now."""
        key = self._md_key(page.file, text)
        ready = self.ready.pop(page.file.src_uri, None)
        if ready is not None and ready[0] == key:
            return ready[1]
        found = self.cache.get("markdown", key)
        if isinstance(found, Rendered) and lookups_hold(found, self.targets):
            return found
        result = self._renderer().render(page.file.src_uri, page.file.url, is_excluded(page.file), text)
        self.cache.put("markdown", key, result)
        return result

    def _renderer(self) -> Renderer:
        if self.renderer is None:
            assert self.setup is not None
            self.renderer = Renderer(self.setup, self.targets)
        return self.renderer

    # -- templates -----------------------------------------------------------------------------

    # Last: every plugin's filters and globals are in place.
    @event_priority(LAST)
    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> None:
        env.template_class = CachingTemplate
        dict_first_getattr(env)
        if env.cache is not None:  # templates loaded before now are of the plain class
            env.cache.clear()
        if self.cache.folder is not None and self.cache.enabled and env.bytecode_cache is None:
            # Jinja compiles every template again in each build (each rebuild of `serve`);
            # its bytecode cache checks the template's source before using an entry.
            folder = self.cache.folder / "jinja"
            with contextlib.suppress(OSError):
                folder.mkdir(exist_ok=True)
                env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
        env.masthead_speed = self  # type: ignore[attr-defined]
        yml = self.config_file.read_bytes() if self.config_file and self.config_file.is_file() else b""
        self.site_key = digest(("page", self.code, yml, config_view(config),
                                theme_digest(config),
                                loose(env.filters), loose(env.globals)))
        if self.kept and (self.previous is None or self.previous.site_key != self.site_key):
            self.build_kept(config, files)  # the templates' world changed after all
        assert self.previous is not None or not self.kept
        for uri in self.kept:  # what the kept pages' Markdown said and holds, as the last build
            messages, anchors = self.previous.noted[uri]  # type: ignore[union-attr]
            replay(messages)
            self.noted[uri] = (messages, anchors)
            page = self.kept[uri].page
            if page is not None:
                page.present_anchor_ids = set(anchors)

    @event_priority(LAST)
    def on_template_context(self, context: TemplateContext, *, template_name: str,
                            config: MkDocsConfig) -> TemplateContext:
        if self.kept and self.files is not None:  # kept pages have no Page: write_all keeps
            context["pages"] = [f for f in self.files if f.is_documentation_page()  # the sitemap
                                and f.page is not None
                                and serve.included(self.inclusions.get(f.src_uri, f.inclusion))]
        return context

    def page_key(self, template: str, context: dict[str, Any]) -> str | None:
        """Digest of everything a page's template can read; None if something cannot be read."""
        page = context.get("page")
        if not isinstance(page, Page) or not self.site_key:
            return None
        view: dict[str, Any] = {"": (self.site_key, template)}
        for name in sorted(context):
            value = context[name]
            if name in ("config", "build_date_utc"):  # in site_key / never used by pages
                continue
            if name == "page":
                value = page_view(page)
            elif name == "nav":
                value = self._nav_key(value)
            elif name == "pages":
                value = self._pages_key(value)
            elif name == "masthead":  # one dict per language and section (Newsroom.site_view)
                value = self.digest_once(value)
            view[name] = value
        found: set[str] = set()
        try:
            key = quick_digest(view, self.memo, found=found, track=story_of)
        except Unfingerprintable:
            self.uncacheable += 1
            return None
        self.deps[page.file.src_uri] = frozenset(found)
        return key

    def _nav_key(self, nav: Any) -> str:
        if self.nav_key is None:
            self.nav_key = digest(nav_view(getattr(nav, "items", [])))
        return self.nav_key

    def _pages_key(self, pages: Any) -> str:
        if self.pages_key is None:
            self.pages_key = digest([(f.src_uri, f.url, f.page.title if f.page else None)
                                     for f in pages])
        return self.pages_key

    # -- the end -------------------------------------------------------------------------------

    # Last: the page as every plugin left it; MkDocs writes it right after, unless it is empty.
    @event_priority(LAST)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.output is not None and self.output.unchanged(page.file, output):
            return ""  # the same bytes are on disk from the previous rebuild: don't write
        return None

    # First: pages this rebuild no longer makes are gone before anything reads the site
    # (the search index).
    @event_priority(FIRST)
    def _post_build_first(self, /, *_: Any, config: MkDocsConfig, **__: Any) -> None:
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        self.restore_inclusions(self.kept)
        if self.kept:
            site = os.path.abspath(config.site_dir)
            for channel in syndication.channels(self.newsroom, config.site_description or "").values():
                if self.keeps_feed(channel):
                    for name in FEED_FILES.values():
                        serve.written(os.path.normpath(os.path.join(site, channel.folder, name)))
        if self.output is not None:
            self.output.finish()
            timing.annotate("pages_kept", self.output.kept)
            timing.annotate("pages_left_out", len(self.kept))

    # Last but one: after every other plugin, before the phase clock writes its report.
    @event_priority(LAST + 1)
    def _post_build_last(self, /, *_: Any, **__: Any) -> None:
        timing.annotate("cache_stats", self.cache.stats())
        timing.annotate("pooled_pages", self.pooled)
        timing.annotate("pages_by_workers", self.by_workers)
        timing.annotate("uncacheable_pages", self.uncacheable)
        with timing.phase("cache"):
            activate(None)
            # A rebuild that kept pages did not use their entries: pruning would drop them.
            self.cache.close(prune=not self.kept)
        if SESSION.serving and not self.warnings.count:
            self.remember()
        serve.forget(self)

    on_post_build = CombinedEvent(_post_build_first, _post_build_last)

    def on_build_error(self, *, error: Exception) -> None:
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        self.restore_inclusions(self.kept)
        serve.forget(self)
        activate(None)
        self.cache.close(prune=False)
        if self.output is not None:
            self.output.abandon()



def _image_still_there(article: Article, exists: Any) -> bool:
    image = article.image
    if not image or image.startswith(("https://", "http://")) or exists is None:
        return True
    return bool(exists(image))


def _picklable(value: Any) -> bool:
    try:
        pickle.dumps(value)
    except Exception:
        return False
    return True
