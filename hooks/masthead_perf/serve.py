"""What `mkdocs serve` keeps between rebuilds, and how a rebuild leaves unchanged pages alone.

One serve session rebuilds into one folder. What this module keeps, in ``SESSION``:
- ``ServeMemory``: what the last build knew (sources, parsed stories, each page's context
  digest and the stories it showed, Markdown's messages, feeds' HTML, the sitemap), so the
  next rebuild can leave out the pages an edit cannot have changed (``ServeKeeping``);
- what each rebuild wrote (``KeptOutput``): a page whose bytes did not change is not written
  again, and files no longer built are swept away;
- the search index, refreshed in a background thread after a rebuild (``index_later``).
``mkdocs build`` uses none of it. The event file reads it through the functions below.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import os
import shutil
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from mkdocs.structure.files import InclusionLevel
from mkdocs.structure.pages import Page

from masthead.article import Article
from masthead.incremental import RelatedMemo, changed_sources, structure_kept
from masthead.mdrender import Target

from .mkdocs_private import populate_page
from .pages import MastheadPage

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files

    from masthead.feeds import Channel
    from masthead.newsroom import Newsroom

    from .speed import Speed

KEEP = ".masthead-keep"  # MkDocs' clean skips names that start with a dot
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


@dataclasses.dataclass
class Session:
    """This process's serve session (module state: hook modules live as long as the process)."""

    serving: bool = False  # `mkdocs serve` (from on_startup)
    rebuilding: bool = False  # this build is a rebuild of `mkdocs serve` (not its first build)
    index_thread: threading.Thread | None = None
    # site_dir -> {page's path: (sha256 of its bytes, size, mtime_ns)} as written by the last rebuild
    written: dict[str, dict[str, tuple[str, int, int]]] = dataclasses.field(default_factory=dict)
    also_written: set[str] = dataclasses.field(default_factory=set)  # put in the site with an older time
    active: Speed | None = None  # the build under way
    memories: dict[str, ServeMemory] = dataclasses.field(default_factory=dict)  # site folder -> last build


SESSION = Session()


def note_command(command: str) -> None:
    """``on_startup``: ``mkdocs serve`` rebuilds into one folder for the whole session."""
    SESSION.serving = command == "serve"


def leave_serve() -> None:
    """Forget the serve session (tests that drive MkDocs' build in this process)."""
    wait_for_index()
    note_command("build")
    SESSION.written.clear()
    SESSION.memories.clear()
    SESSION.rebuilding = False


def start_build(speed: Speed) -> None:
    """``Speed.on_pre_build``: ``speed`` is the build under way."""
    SESSION.active = speed
    SESSION.rebuilding = False
    SESSION.also_written.clear()


def forget(speed: Speed) -> None:
    if SESSION.active is speed:
        SESSION.active = None


def index_later(site: Path, index: Callable[[Path], Any], log: logging.LoggerAdapter[Any]) -> bool:
    """In a rebuild of ``mkdocs serve``, run ``index(site)`` (the search index) in the background.

    Pagefind reads every page of the site, which costs more than the rest of a cached rebuild;
    the preview shows the edit at once and its search catches up a few seconds later. Returns
    False (index now, as usual) for ``mkdocs build`` and the first build of ``mkdocs serve``.
    """
    if not SESSION.rebuilding:
        return False
    wait_for_index()

    def run() -> None:
        try:
            report = index(site)
        except Exception as exc:  # the preview keeps its previous index
            log.error(f"Masthead: the search index was not refreshed: {exc}")
        else:
            log.info(f"{report.summary()} (refreshed after the rebuild)")

    SESSION.index_thread = threading.Thread(target=run, name="masthead-search-index", daemon=True)
    SESSION.index_thread.start()
    return True


def wait_for_index() -> None:
    """Let a background search index finish (before the pages it reads are touched again)."""
    if SESSION.index_thread is not None:
        SESSION.index_thread.join()


def kept_documents() -> list[str]:
    """Site-relative paths of the pages this build left as they were (`mkdocs serve`)."""
    active = SESSION.active
    return [f.dest_uri for f in active.kept.values()] if active is not None else []


def kept_stories() -> dict[str, str]:
    """Kept stories' HTML from the last build (before pictures), by path: their body images
    are still published."""
    active = SESSION.active
    if active is None or active.previous is None:
        return {}
    html = active.previous.html
    return {uri: html[uri] for uri in active.kept if uri in html}


def article_html(fresh: dict[str, str]) -> dict[str, str]:
    """Stories' HTML for the feeds: ``fresh`` (this build's) and the kept stories'."""
    return SESSION.active.article_html(fresh) if SESSION.active is not None else fresh


def kept_sitemap() -> bytes | None:
    """The last build's sitemap.xml when this rebuild kept pages (the same pages and dates)."""
    active = SESSION.active
    if active is None or not active.kept or active.previous is None:
        return None
    return active.previous.sitemap


def note_sitemap(data: bytes | None) -> None:
    if SESSION.active is not None:
        SESSION.active.sitemap = data


def keeps_feed(channel: Channel) -> bool:
    """The channel's files from the last build are still right (see ``ServeKeeping.keeps_feed``)."""
    return SESSION.active is not None and SESSION.active.keeps_feed(channel)


def written(path: str) -> None:
    """``path`` is part of this build although its time is older (a hard link, a kept copy)."""
    SESSION.also_written.add(path)


def site_folder(site_dir: str) -> str:
    return os.path.normpath(os.path.abspath(site_dir))


def stamp(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)


def lists(room: Newsroom) -> tuple[tuple[str, ...], ...]:
    catalog = room.require_catalog()
    return (tuple(a.src_uri for a in catalog.articles), tuple(a.src_uri for a in catalog.drafts),
            tuple(a.src_uri for a in catalog.scheduled), tuple(room.generated),
            tuple(a.src_uri for a in catalog.expired))


def nav_sources(nav: Any) -> set[str]:
    """Every page path named in mkdocs.yml's ``nav``."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        nav = list(nav.values())
    if isinstance(nav, list):
        return set().union(*(nav_sources(item) for item in nav))
    return set()


def included(level: InclusionLevel) -> bool:
    return bool(level.is_included())  # type: ignore[no-untyped-call]


class ServeKeeping:
    """``Speed``'s part for `mkdocs serve`: which pages a rebuild leaves out, and what it remembers."""

    # Set by Speed.__init__.
    newsroom: Newsroom
    previous: ServeMemory | None
    output: KeptOutput | None
    related: RelatedMemo
    sources: dict[str, str]
    targets: dict[str, Target]
    assets: dict[str, tuple[int, int]]
    early_key: str
    site_key: str
    site_dir: str
    changed: set[str]
    kept: dict[str, File]
    inclusions: dict[str, InclusionLevel]
    parsed: dict[str, Parsed]
    deps: dict[str, frozenset[str]]
    noted: dict[str, tuple[Any, frozenset[str]]]
    html: dict[str, str]
    sitemap: bytes | None

    def keep_pages(self, files: Files, in_nav: set[str]) -> None:
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
        if before.lists != lists(room):
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

    def build_kept(self, config: MkDocsConfig, files: Files) -> None:
        """Read and render the pages ``keep_pages`` left out, as MkDocs would have."""
        kept, self.kept = self.kept, {}
        self.changed = set()
        self.restore_inclusions(kept)
        for file in kept.values():
            if file.page is None:
                Page(None, file, config)
            if type(file.page) is Page:
                MastheadPage.adopt(file.page, cast("Speed", self))
            assert file.page is not None
            populate_page(file.page, config, files)

    def restore_inclusions(self, kept: dict[str, File]) -> None:
        for uri, file in kept.items():
            file.inclusion = self.inclusions.pop(uri, file.inclusion)

    def remember(self) -> None:
        """What the next rebuild of `mkdocs serve` compares with (see ``keep_pages``)."""
        before, room = self.previous, self.newsroom
        deps, noted = dict(self.deps), dict(self.noted)
        if before is not None:
            for uri in self.kept:
                deps[uri] = before.deps[uri]
        SESSION.memories[site_folder(self.site_dir)] = ServeMemory(
            early_key=self.early_key, site_key=self.site_key, targets=self.targets,
            assets=self.assets, sources=self.sources, parsed=self.parsed, lists=lists(room),
            articles=room.require_catalog().by_src, deps=deps, noted=noted, html=self.html,
            related=self.related, sitemap=self.sitemap)

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
        return cls(site, SESSION.written.pop(str(site), {}))

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
        if seen is None or stamp(path) != (seen[2], seen[1]):
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
        SESSION.written[str(self.site)] = self.now
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
                if path in self.now or path in SESSION.also_written or name.startswith("."):
                    continue
                with contextlib.suppress(OSError):
                    if os.stat(path).st_mtime_ns < started_ns:
                        os.remove(path)

    def abandon(self) -> None:
        self.unhide()
        logging.getLogger("mkdocs.commands.build").removeFilter(self.notices)
