"""MkDocs glue for Masthead's speed: render cache, process pool, and the phase clock of `make bench`.

Kept apart from ``masthead_mkdocs.py`` (which imports it and adds the two plugins below in
``on_config``) so the event file stays thin; the work itself is in the core
(``masthead.cache``, ``masthead.fingerprint``, ``masthead.mdrender``, ``masthead.timing``).

- ``Speed`` (always): Masthead's pages become ``MastheadPage``s, whose Markdown comes from the
  render cache, from a process pool (cold builds with many pages), or from one reused Markdown
  instance; Jinja's template class becomes ``CachingTemplate``, whose page renders come from
  the cache when the digest of everything the template can read is the same as before.
- ``PhaseClock`` (only when ``MASTHEAD_TIMINGS`` is set): opens and closes phases of
  ``masthead.timing`` around MkDocs' own per-page steps, running first or last among all
  plugins' handlers of an event (CombinedEvent + priorities).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import logging
import os
import pickle
import shutil
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs.commands.build import _populate_page
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import InclusionLevel, set_exclusions
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.meta import get_data

from masthead import syndication, timing
from masthead.article import Article, parse_article
from masthead.cache import RenderCache, activate, cache_dir, code_digest, memo_key, tree_digest
from masthead.feeds import FILES as FEED_FILES
from masthead.feeds import Channel
from masthead.fingerprint import Memo, Unfingerprintable, digest, loose, quick_digest
from masthead.incremental import RelatedMemo, changed_sources, story_of, structure_kept
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
from masthead.tags import INDEX_URL

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.utils.templates import TemplateContext

    from masthead.errors import Fault
    from masthead.newsroom import Newsroom
    from masthead.settings import Settings

FIRST, LAST = 10_000, -10_000


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


# -- render cache and process pool -------------------------------------------------------------

# Render Markdown in worker processes too only when there is this much to render: starting a
# worker costs about half a second of CPU, a page about two milliseconds.
POOL_MIN_PAGES = int(os.environ.get("MASTHEAD_POOL_MIN", "300"))
HOOKS_DIR = Path(__file__).resolve().parent


class MastheadPage(Page):
    """A page Masthead owns (article, front or section page), read and rendered via ``Speed``.

    Same results as MkDocs' ``Page`` (other plugins' events still run), but the source already
    read by the newsroom is reused and the HTML comes from the render cache, the process pool,
    or one Markdown instance reused for every page.
    """

    speed: Speed

    @classmethod
    def adopt(cls, page: Page, speed: Speed) -> MastheadPage:
        """Turn MkDocs' own ``Page`` of a file into a MastheadPage (it is the same object)."""
        page.__class__ = cls
        assert isinstance(page, MastheadPage)
        page.speed = speed
        return page

    def read_source(self, config: MkDocsConfig) -> None:
        source = config.plugins.on_page_read_source(page=self, config=config)
        if source is None:
            source = self.speed.sources.get(self.file.src_uri)
        if source is None:
            super().read_source(config)
            return
        self.markdown, self.meta = self.speed.front_matter(self.file.src_uri, source)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        rendered = self.speed.rendered(self, self.markdown)
        self.speed.noted[self.file.src_uri] = (rendered.messages, frozenset(rendered.anchors))
        _replay(rendered.messages)
        self.content = rendered.html
        self.toc = get_toc(rendered.toc_tokens)
        self._title_from_render = rendered.title
        self.present_anchor_ids = set(rendered.anchors)
        if logging.getLogger(PAGE_LOGGER).getEffectiveLevel() > logging.DEBUG:
            links: dict[File, dict[str, str]] = {}
            for uri, anchors in rendered.links_to_anchors.items():
                target = files.get_file_from_path(uri)
                if target is not None:
                    links[target] = dict(anchors)
            self.links_to_anchors = links


class CachingTemplate(jinja2.Template):
    """A Jinja template whose page renders are looked up in the render cache first."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        speed: Speed | None = getattr(self.environment, "masthead_speed", None)
        if speed is None:
            return super().render(*args, **kwargs)
        context = dict(*args, **kwargs)
        key = speed.page_key(self.name or "", context)
        if key is None:
            return super().render(context)
        output = speed.cache.get("page", key)
        if isinstance(output, str):
            return output
        output = super().render(context)
        speed.cache.put("page", key, output)
        return output


class Speed(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
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
        self.settings_key: tuple[object, str] = (None, "")
        self.output: KeptOutput | None = None
        self.pooled = 0
        self.by_workers = 0
        # `mkdocs serve`: what the last build of this site in this process knew (see ServeMemory).
        self.previous = _memories.pop(_site_key(config.site_dir), None) if _serving else None
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
        if _serving:
            newsroom.relate = self.related
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
                markdown_text = _page_text(source)[offset:]
                if elided:
                    article = dataclasses.replace(article, body=markdown_text.strip())
                self.meta[src_uri] = (source, markdown_text, meta)
                if _serving:
                    self.parsed[src_uri] = (key, article, meta, markdown_text)
                return article, []
        article, faults = parse_article(src_uri, source, settings, exists=exists,
                                        directory_urls=directory_urls)
        if article is not None and not faults:
            page_text = _page_text(source)
            markdown_text, meta = get_data(page_text)
            offset = len(page_text) - len(markdown_text)
            self.meta[src_uri] = (source, markdown_text, meta)
            elided = article.body == markdown_text.strip() and page_text[offset:] == markdown_text
            stored = dataclasses.replace(article, body="") if elided else article
            self.cache.put("source", key, (stored, elided, meta, offset))
            if _serving:
                self.parsed[src_uri] = (key, article, meta, markdown_text)
        return article, faults

    def front_matter(self, src_uri: str, source: str) -> tuple[str, dict[str, Any]]:
        """MkDocs' own split of a page's text into Markdown and meta (from ``parse`` if it ran)."""
        known = self.meta.get(src_uri)
        if known is not None and known[0] == source:
            return known[1], copy.deepcopy(known[2])
        text, meta = get_data(_page_text(source))
        return text, meta

    # -- Markdown ------------------------------------------------------------------------------

    # Last: the articles are read and checked (a bad one stops the build before this); MkDocs
    # cleans site/ right after.
    @event_priority(LAST)
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        global _rebuilding
        global _active
        timing.annotate("cache", "on" if self.cache.enabled else "off")
        _active = self
        _rebuilding = False
        _also_written.clear()
        if _serving:
            wait_for_index()  # the previous rebuild's search index reads the pages we may move
            self.output = KeptOutput.for_site(Path(config.site_dir))
            _rebuilding = bool(self.output.before)
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
        if _serving:
            yml = self.config_file.read_bytes() if self.config_file and self.config_file.is_file() else b""
            self.early_key = digest(("early", self.setup_key, yml, _config_view(config),
                                     _theme_digest(config)))
            docs = os.path.join(os.path.abspath(config.docs_dir), "")
            self.assets = {f.src_uri: _stamp(f.abs_src_path) for f in files
                           if f.abs_src_path and f.abs_src_path.startswith(docs)
                           and f.src_uri not in self.sources}
            self._keep_pages(files, _nav_sources(config.nav))

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
        self.targets = {f.src_uri: Target(f.src_uri, f.url, _excluded(f)) for f in files}

    # Last: the files and the nav are final; MkDocs starts reading pages right after.
    @event_priority(LAST)
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> None:
        self.files = files  # the setup and targets are on_files' (before pages were left out)
        if _serving:  # a page that warns is never kept: the next rebuild builds it and warns again
            logging.getLogger("mkdocs").addHandler(self.warnings)
        with timing.phase("markdown", count=False):  # entries count pages, not this look-ahead
            self._prerender(config, files, nav)

    def _keep_pages(self, files: Files, in_nav: set[str]) -> None:
        """`mkdocs serve`: leave out of this build the pages the edit cannot have changed.

        Only when the site's structure is the last build's (``masthead.incremental``): the same
        settings, templates' folders, code, files and links, and every changed story kept its
        shape. Then a page is rebuilt if it is a changed story, shows one (noted when the last
        build digested its context), or its related stories changed. The others are excluded
        from MkDocs' loops here (put back after the build) and their files stay on disk.
        """
        before = self.previous
        if before is None or self.output is None or before.early_key != self.early_key:
            return
        if before.targets != self.targets or before.assets != self.assets:
            return
        room = self.newsroom
        catalog = room.require_catalog()
        if before.lists != _lists(room):
            return
        changed = changed_sources(before.sources, self.sources)
        if not structure_kept(before.articles, catalog.by_src, changed) or self.related.changed is None:
            return
        self.changed = changed
        rebuild = changed | self.related.changed
        for file in files.documentation_pages(inclusion=InclusionLevel.is_in_serve):
            uri = file.src_uri
            deps = before.deps.get(uri)
            if deps is None or uri in rebuild or not deps.isdisjoint(changed) or uri not in before.noted:
                continue
            if (uri not in catalog.by_src and uri not in room.generated) or uri in in_nav:
                continue  # not Masthead's page (MkDocs renders it as it likes), or in the nav
            if not self.output.keep(file.abs_dest_path):
                continue
            self.kept[uri] = file
            self.inclusions[uri] = file.inclusion
            file.inclusion = InclusionLevel.EXCLUDED

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
                jobs.append((uri, file.url, _excluded(file), markdown_text))
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
        return self._md_key_raw(file.src_uri, file.url, _excluded(file), text)

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
        result = self._renderer().render(page.file.src_uri, page.file.url, _excluded(page.file), text)
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
        self.site_key = digest(("page", self.code, yml, _config_view(config),
                                _theme_digest(config),
                                loose(env.filters), loose(env.globals)))
        if self.kept and (self.previous is None or self.previous.site_key != self.site_key):
            self._build_kept(config, files)  # the templates' world changed after all
        assert self.previous is not None or not self.kept
        for uri in self.kept:  # what the kept pages' Markdown said and holds, as the last build
            messages, anchors = self.previous.noted[uri]  # type: ignore[union-attr]
            _replay(messages)
            self.noted[uri] = (messages, anchors)
            page = self.kept[uri].page
            if page is not None:
                page.present_anchor_ids = set(anchors)

    def _build_kept(self, config: MkDocsConfig, files: Files) -> None:
        """Read and render the pages ``_keep_pages`` left out, as MkDocs would have."""
        kept, self.kept = self.kept, {}
        self.changed = set()
        self._restore_inclusions(kept)
        for file in kept.values():
            if file.page is None:
                Page(None, file, config)
            if type(file.page) is Page:
                MastheadPage.adopt(file.page, self)
            assert file.page is not None
            _populate_page(file.page, config, files)

    def _restore_inclusions(self, kept: dict[str, File]) -> None:
        for uri, file in kept.items():
            file.inclusion = self.inclusions.pop(uri, file.inclusion)

    # Last: the sitemap lists every page of the site, kept ones too.
    @event_priority(LAST)
    def on_template_context(self, context: TemplateContext, *, template_name: str,
                            config: MkDocsConfig) -> TemplateContext:
        if self.kept and self.files is not None:  # kept pages have no Page: write_all keeps
            context["pages"] = [f for f in self.files if f.is_documentation_page()  # the sitemap
                                and f.page is not None
                                and _included(self.inclusions.get(f.src_uri, f.inclusion))]
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
                value = _page_view(page)
            elif name == "nav":
                value = self._nav_key(value)
            elif name == "pages":
                value = self._pages_key(value)
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
            self.nav_key = digest(_nav_view(getattr(nav, "items", [])))
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
        self._restore_inclusions(self.kept)
        if self.kept:
            site = os.path.abspath(config.site_dir)
            for channel in syndication.channels(self.newsroom, config.site_description or "").values():
                if self.keeps_feed(channel):
                    for name in FEED_FILES.values():
                        written(os.path.normpath(os.path.join(site, channel.folder, name)))
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
        if _serving and not self.warnings.count:
            self._remember()
        _forget(self)

    def _remember(self) -> None:
        """What the next rebuild of `mkdocs serve` compares with (see ``_keep_pages``)."""
        before, room = self.previous, self.newsroom
        deps, noted = dict(self.deps), dict(self.noted)
        if before is not None:
            for uri in self.kept:
                deps[uri] = before.deps[uri]
        _memories[_site_key(self.site_dir)] = ServeMemory(
            early_key=self.early_key, site_key=self.site_key, targets=self.targets,
            assets=self.assets, sources=self.sources, parsed=self.parsed, lists=_lists(room),
            articles=room.require_catalog().by_src, deps=deps, noted=noted, html=self.html,
            related=self.related, sitemap=self.sitemap)

    # -- for the event file ----------------------------------------------------------------------

    def keeps_feed(self, channel: Channel) -> bool:
        """The channel's files from the last build are right: pages were kept and no story of
        the channel changed (then the site's lists, so the channel's stories, are the same)."""
        return bool(self.kept) and all(a.src_uri not in self.changed for a in channel.articles)

    def article_html(self, fresh: dict[str, str]) -> dict[str, str]:
        """Each story's HTML for the feeds: this build's, and the last build's for kept pages."""
        merged = dict(fresh)
        if self.previous is not None:
            for uri in self.kept:
                if uri in self.previous.html and uri not in merged:
                    merged[uri] = self.previous.html[uri]
        self.html = merged
        return merged

    on_post_build = CombinedEvent(_post_build_first, _post_build_last)

    def on_build_error(self, *, error: Exception) -> None:
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        self._restore_inclusions(self.kept)
        _forget(self)
        activate(None)
        self.cache.close(prune=False)
        if self.output is not None:
            self.output.abandon()


# -- mkdocs serve: keep unchanged pages on disk between rebuilds ---------------------------------

def wanted() -> bool:
    """``MASTHEAD_SPEED=off`` builds the plain MkDocs way: no cache, no pool (to compare, debug)."""
    return os.environ.get("MASTHEAD_SPEED", "").lower() not in ("off", "0", "no", "false")


_serving = False
_rebuilding = False  # this build is a rebuild of `mkdocs serve` (not its first build)
_index_thread: threading.Thread | None = None
# site_dir -> {page's path: (sha256 of its bytes, size, mtime_ns)} as written by the last rebuild
_written: dict[str, dict[str, tuple[str, int, int]]] = {}
KEEP = ".masthead-keep"  # MkDocs' clean skips names that start with a dot


def note_command(command: str) -> None:
    """``on_startup``: ``mkdocs serve`` rebuilds into one folder for the whole session."""
    global _serving
    _serving = command == "serve"


def index_later(site: Path, index: Callable[[Path], Any], log: logging.LoggerAdapter[Any]) -> bool:
    """In a rebuild of ``mkdocs serve``, run ``index(site)`` (the search index) in the background.

    Pagefind reads every page of the site, which costs more than the rest of a cached rebuild;
    the preview shows the edit at once and its search catches up a few seconds later. Returns
    False (index now, as usual) for ``mkdocs build`` and the first build of ``mkdocs serve``.
    """
    global _index_thread
    if not _rebuilding:
        return False
    wait_for_index()

    def run() -> None:
        try:
            report = index(site)
        except Exception as exc:  # the preview keeps its previous index
            log.error(f"Masthead: the search index was not refreshed: {exc}")
        else:
            log.info(f"{report.summary()} (refreshed after the rebuild)")

    _index_thread = threading.Thread(target=run, name="masthead-search-index", daemon=True)
    _index_thread.start()
    return True


_also_written: set[str] = set()  # files this build put in the site with an older time
_active: Speed | None = None  # the build under way
Parsed = tuple[str, Article, dict[str, Any], str]  # (cache key, article, page.meta, Markdown)


@dataclasses.dataclass
class ServeMemory:
    """What one build of `mkdocs serve` knew, for the next rebuild of the same site folder."""

    early_key: str  # Markdown setup, mkdocs.yml, config, theme folders, code
    site_key: str  # ... and the templates' filters and globals
    targets: dict[str, Target]  # every file: its URL and whether it is excluded
    assets: dict[str, tuple[int, int]]  # docs/ files that are not stories: (mtime_ns, size)
    sources: dict[str, str]  # story path -> its text
    parsed: dict[str, Parsed]
    lists: tuple[tuple[str, ...], ...]  # the catalog's lists and the generated pages, by path
    articles: Mapping[str, Article]
    deps: dict[str, frozenset[str]]  # page -> the stories its context showed
    noted: dict[str, tuple[Any, frozenset[str]]]  # page -> (Markdown's messages, its anchors)
    html: dict[str, str]  # story -> its HTML, for feeds
    related: RelatedMemo
    sitemap: bytes | None  # sitemap.xml as Masthead wrote it


_memories: dict[str, ServeMemory] = {}  # site folder -> its last build (at most one: serve's)


def _site_key(site_dir: str) -> str:
    return os.path.normpath(os.path.abspath(site_dir))


def _stamp(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)


def _lists(room: Newsroom) -> tuple[tuple[str, ...], ...]:
    catalog = room.require_catalog()
    return (tuple(a.src_uri for a in catalog.articles), tuple(a.src_uri for a in catalog.drafts),
            tuple(a.src_uri for a in catalog.scheduled), tuple(room.generated),
            tuple(a.src_uri for a in catalog.expired))


def _replay(messages: Any) -> None:
    for name, level, message in messages:
        logging.getLogger(name).log(level, message)


def _forget(speed: Speed) -> None:
    global _active
    if _active is speed:
        _active = None


def kept_documents() -> list[str]:
    """Site-relative paths of the pages this build left as they were (`mkdocs serve`)."""
    return [f.dest_uri for f in _active.kept.values()] if _active is not None else []


def kept_stories() -> dict[str, str]:
    """Kept stories' HTML from the last build (before pictures), by path: their body images
    are still published."""
    if _active is None or _active.previous is None:
        return {}
    html = _active.previous.html
    return {uri: html[uri] for uri in _active.kept if uri in html}


def article_html(fresh: dict[str, str]) -> dict[str, str]:
    """Stories' HTML for the feeds: ``fresh`` (this build's) and the kept stories' (see Speed)."""
    return _active.article_html(fresh) if _active is not None else fresh


def kept_sitemap() -> bytes | None:
    """The last build's sitemap.xml when this rebuild kept pages (the same pages and dates)."""
    if _active is None or not _active.kept or _active.previous is None:
        return None
    return _active.previous.sitemap


def note_sitemap(data: bytes | None) -> None:
    if _active is not None:
        _active.sitemap = data


def keeps_feed(channel: Channel) -> bool:
    """The channel's files from the last build are still right (see ``Speed.keeps_feed``)."""
    return _active is not None and _active.keeps_feed(channel)


def written(path: str) -> None:
    """``path`` is part of this build although its time is older (a hard link, a kept copy)."""
    _also_written.add(path)


def wait_for_index() -> None:
    """Let a background search index finish (before the pages it reads are touched again)."""
    if _index_thread is not None:
        _index_thread.join()


class WarningCount(logging.Handler):
    """Counts the warnings logged where it is attached."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class _SkipNotices(logging.Filter):
    """Hides MkDocs' "Page skipped ... empty output" notice for pages kept on disk."""

    def __init__(self) -> None:
        super().__init__()
        self.src_uris: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not message.startswith("Page skipped: '"):
            return True
        return message[len("Page skipped: '"):].split("'. ")[0] not in self.src_uris


class KeptOutput:
    """One serve rebuild's output: pages whose bytes did not change are not rewritten.

    MkDocs empties site/ before every rebuild and writes every page again; deleting and
    creating ten thousand files costs more than the rest of a cached rebuild. So the previous
    pages are moved aside (a few renames of top-level folders) while MkDocs cleans, moved back
    before it writes, and a page whose new bytes equal what this session wrote there before
    (same digest; the file still has the size and mtime written) is not written again. Pages
    that are no longer built are deleted at the end.
    """

    def __init__(self, site: Path, before: dict[str, tuple[str, int, int]]) -> None:
        self.site = site
        self.before = before
        self.now: dict[str, tuple[str, int, int]] = {}
        self.fresh: dict[str, str] = {}  # written this time: path -> digest
        self.kept = 0
        self.started_ns: int | None = None
        self.notices = _SkipNotices()

    @classmethod
    def for_site(cls, site: Path) -> KeptOutput:
        return cls(site, _written.pop(str(site), {}))

    def hide(self) -> None:
        keep = self.site / KEEP
        if keep.exists():
            shutil.rmtree(keep, ignore_errors=True)
        if not self.before or not self.site.is_dir():
            return
        # The file system's own clock: whatever this build writes gets this mtime or a later one.
        clock = self.site / ".masthead-clock"
        clock.write_bytes(b"")
        self.started_ns = clock.stat().st_mtime_ns
        clock.unlink()
        keep.mkdir()
        for entry in os.listdir(self.site):
            if not entry.startswith("."):
                os.rename(self.site / entry, keep / entry)
        logging.getLogger("mkdocs.commands.build").addFilter(self.notices)

    def unhide(self) -> None:
        keep = self.site / KEEP
        if not keep.is_dir():
            return
        for entry in os.listdir(keep):
            if not (self.site / entry).exists():
                os.rename(keep / entry, self.site / entry)
        shutil.rmtree(keep, ignore_errors=True)

    def unchanged(self, file: File, output: str) -> bool:
        path = file.abs_dest_path
        if not output.strip():
            return False
        data_digest = hashlib.sha256(output.encode("utf-8", errors="xmlcharrefreplace")).hexdigest()
        seen = self.before.get(path)
        if seen is not None and seen[0] == data_digest:
            try:
                st = os.stat(path)
            except OSError:
                st = None
            if st is not None and (st.st_size, st.st_mtime_ns) == seen[1:]:
                self.now[path] = seen
                self.notices.src_uris.add(file.src_uri)
                self.kept += 1
                return True
        self.fresh[path] = data_digest
        return False

    def keep(self, path: str) -> bool:
        """The page at ``path`` is not built again; False if it is not as the last build left it."""
        seen = self.before.get(path)
        if seen is None or _stamp(path) != (seen[2], seen[1]):
            return False
        self.now[path] = seen
        self.kept += 1
        return True

    def finish(self) -> None:
        for path, data_digest in self.fresh.items():
            with contextlib.suppress(OSError):
                st = os.stat(path)
                self.now[path] = (data_digest, st.st_size, st.st_mtime_ns)
        for path in self.before.keys() - self.now.keys():  # pages this rebuild no longer makes
            with contextlib.suppress(OSError):
                os.remove(path)
        if self.started_ns is not None:
            self._sweep(self.started_ns)
        _written[str(self.site)] = self.now
        logging.getLogger("mkdocs.commands.build").removeFilter(self.notices)

    def _sweep(self, started_ns: int) -> None:
        """Delete other files the previous build wrote and this one did not (a removed story's
        share card, a removed section's feed): older than this build and not a kept page.
        Feeds and sitemaps are written after this and come back; the search bundle is replaced
        whole by its own code and is left alone."""
        for folder, dirs, names in os.walk(self.site):
            if folder == str(self.site):
                dirs[:] = [d for d in dirs if not d.startswith(".") and d != "pagefind"]
            for name in names:
                path = os.path.join(folder, name)
                if path in self.now or path in _also_written or name.startswith("."):
                    continue
                with contextlib.suppress(OSError):
                    if os.stat(path).st_mtime_ns < started_ns:
                        os.remove(path)

    def abandon(self) -> None:
        self.unhide()
        logging.getLogger("mkdocs.commands.build").removeFilter(self.notices)


def _nav_sources(nav: Any) -> set[str]:
    """Every page path named in mkdocs.yml's ``nav``."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        nav = list(nav.values())
    if isinstance(nav, list):
        return set().union(*(_nav_sources(item) for item in nav))
    return set()


def _included(level: InclusionLevel) -> bool:
    return bool(level.is_included())  # type: ignore[no-untyped-call]


def _excluded(file: File) -> bool:
    return bool(file.inclusion.is_excluded())  # type: ignore[no-untyped-call]


def _page_text(source: str) -> str:
    """A file's text as MkDocs reads it (``File.content_string`` opens it as utf-8-sig)."""
    return source.removeprefix("\ufeff")


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


def _page_view(page: Page) -> dict[str, Any]:
    """What a template can read from a page (not ``update_date``: the build's clock)."""

    def link(other: Any) -> Any:
        return (getattr(other, "url", None), getattr(other, "title", None)) if other else None

    return {
        "file": (page.file.src_uri, page.file.dest_uri, page.file.url, page.file.name),
        "url": page.url, "abs_url": page.abs_url, "canonical_url": page.canonical_url,
        "edit_url": page.edit_url, "title": page.title, "meta": page.meta,
        "markdown": page.markdown, "content": page.content, "toc": _toc_view(page.toc),
        "is_homepage": page.is_homepage, "previous": link(page.previous_page),
        "next": link(page.next_page), "parent": link(page.parent),
        "ancestors": [link(a) for a in page.ancestors], "active": page.active,
    }


def _toc_view(items: Any) -> list[Any]:
    return [(i.title, i.id, i.level, _toc_view(i.children)) for i in items]


def _nav_view(items: Any) -> list[Any]:
    view = []
    for item in items:
        kind = type(item).__name__
        children = _nav_view(item.children) if getattr(item, "children", None) else []
        meta = getattr(item, "meta", None)
        view.append((kind, getattr(item, "title", None), getattr(item, "url", None),
                     loose(meta) if meta else None, children))
    return view


def _config_view(config: MkDocsConfig) -> dict[str, Any]:
    """MkDocs' config as plain data: plugins by name and settings, not by their state."""
    view: dict[str, Any] = {}
    for key, value in config.items():
        if key == "site_dir":  # where pages are written, not what they say
            continue
        if key == "plugins":
            view[key] = [(name, loose(type(p)), loose(getattr(p, "config", None)))
                         for name, p in value.items() if not name.startswith("masthead/")]
        elif key == "hooks":
            view[key] = sorted(value)
        elif key == "theme":
            view[key] = (value.name, list(value.dirs), sorted(value.static_templates),
                         {k: loose(value[k]) for k in value})
        else:
            view[key] = loose(value)
    return view


def _theme_digest(config: MkDocsConfig) -> str:
    """The theme's template folders: the contents of the project's own, and the installed
    theme's by its version (in ``code_digest``; its icon folder alone has thousands of files)."""
    installed = Path(sys.prefix).resolve()
    own = [Path(d) for d in config.theme.dirs if not Path(d).resolve().is_relative_to(installed)]
    return digest((list(config.theme.dirs), tree_digest(own)))
