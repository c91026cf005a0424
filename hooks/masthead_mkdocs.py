"""MkDocs events for Masthead: thin wiring over the ``masthead`` package.

Every event forwards to plain functions in ``hooks/masthead/`` that know nothing of MkDocs.
State lives in ``_newsroom``, made anew in ``on_config`` so nothing leaks from one build to the
next in one process (``mkdocs serve``, tests).
"""

from __future__ import annotations

import contextlib
import logging
import os
from concurrent.futures import Future, ThreadPoolExecutor, wait
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel

import masthead_perf
from masthead import charts, output, syndication, timing
from masthead.authors import AUTHORS_FILE
from masthead.cache import cache_dir
from masthead.dates import DateError, build_time
from masthead.errors import MastheadError
from masthead.feeds import load_feed_settings
from masthead.icons import IconError
from masthead.icons import sprite as icon_sprite
from masthead.images import load_image_settings
from masthead.media import Media
from masthead.newsroom import Newsroom
from masthead.related_process import RelatedFailed
from masthead.sanitize import sanitize_html
from masthead.search import SearchError, SearchSource, build_index, load_search_settings
from masthead.sitemaps import keep_published_copy
from masthead.slugs import heading_ids
from masthead.social import generated_files as social_files
from masthead.social import load_with_social, social_view
from masthead.text import insert_lead, print_urls, wrap_tables
from masthead.wechat_export import copy_button, published_site_url, theme_of
from masthead_perf import PhaseClock, Speed

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = get_plugin_logger(__name__)
_newsroom: Newsroom | None = None
_media: Media | None = None  # the image pipeline and share cards (hooks/masthead/media.py)
_indexer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="masthead-search")  # on_post_build
_site_dir: Path | None = None  # the real output folder while the build writes to staging
_command = "build"  # from on_startup: `mkdocs serve` builds into its own temporary folder
_article_html: dict[str, str] = {}  # src_uri -> rendered story, for full-content feeds
_search_source = SearchSource()  # what Pagefind reads; kept across `mkdocs serve` rebuilds
# "Copy for WeChat" (wechat_export.py): in `mkdocs serve`, or always when the theme says so. The
# published site's address, not the server's, is where WeChat fetches pictures from.
_wechat: dict[str, Any] = {"site_url": None, "pages": {}, "serving": False}



_warnings = masthead_perf.WarningCount()  # a --strict build MkDocs will abort is never swapped in


def _room() -> Newsroom:
    if _newsroom is None:
        raise PluginError("Masthead: on_config did not run; is hooks/masthead_mkdocs.py listed?")
    return _newsroom


def on_startup(command: str, dirty: bool, **_: Any) -> None:
    global _command
    _command = "dirty" if dirty else command
    masthead_perf.note_command(command)  # `mkdocs serve` keeps unchanged pages between rebuilds
    _wechat["serving"] = command == "serve"  # `mkdocs serve --dirty` too


def on_config(config: MkDocsConfig, **_: Any) -> MkDocsConfig:
    """Validate the newsroom settings before anything is read or written."""
    global _newsroom, _site_dir, _media
    _newsroom = None
    _site_dir = None
    _article_html.clear()
    _media = None
    if timing.start() is not None:  # `make bench` asked where the time goes
        config.plugins["masthead/timing"] = PhaseClock()
    try:
        settings, social = load_with_social(config.extra.get("masthead"), site_name=config.site_name,
                                            docs_dir=Path(config.docs_dir))
        now = build_time()
        load_feed_settings(settings)  # extra.masthead.feeds: report a bad key before building
        load_search_settings(settings)
        images = load_image_settings(settings.extra.get("images"), docs_dir=Path(config.docs_dir))
        _media = Media(settings, images, Path(config.docs_dir), Path(config.config_file_path).parent)
    except MastheadError as exc:
        raise PluginError(exc.report()) from None
    except DateError as exc:
        raise PluginError(f"Masthead: {exc}") from None
    _newsroom = Newsroom(settings, directory_urls=config.use_directory_urls, now=now,
                         site_url=config.site_url or "", social=social)
    try:
        button = theme_of(_newsroom).button
    except MastheadError as exc:
        raise PluginError(exc.report()) from None
    _wechat["pages"] = {}
    _wechat["site_url"] = None
    if _wechat["serving"]:
        _wechat["site_url"] = published_site_url(config.config_file_path)
    elif button == "always":
        _wechat["site_url"] = config.site_url or ""
    if masthead_perf.wanted():  # render cache and process pool (hooks/masthead_perf/)
        config.plugins["masthead/speed"] = Speed(_newsroom, config)
    # Articles stay out of the nav by design (a nav of every story makes each page grow with
    # the archive); don't list them as "not included in nav".
    config.validation.nav.omitted_files = logging.DEBUG
    # ```chart blocks (masthead/charts.py): the engine's own fence, whatever mkdocs.yml lists.
    if "pymdownx.superfences" not in config.markdown_extensions:
        config.markdown_extensions.append("pymdownx.superfences")
    config.mdx_configs = charts.superfences_config(dict(config.mdx_configs or {}))
    config.mdx_configs = heading_ids(config.mdx_configs)  # ## 抢人大战 -> id="抢人大战", not "_2"
    config.theme["language"] = settings.language
    if config.nav is None:
        config.nav = [{settings.name: "index.md"}] + [
            {s.title: f"{s.slug}/index.md"} for s in settings.sections
        ]
    if _command == "build":
        # Write into a staging folder; on_post_build swaps it in, so a failed or killed build
        # leaves the previous site whole.
        _site_dir = Path(config.site_dir)
        config.site_dir = str(output.prepare(_site_dir))
        _warnings.count = 0
        logging.getLogger("mkdocs").addHandler(_warnings)
    return config


def on_pre_build(config: MkDocsConfig, **_: Any) -> None:
    """Read and check every article before MkDocs cleans site/: a bad input leaves it intact."""
    try:
        _room().load(Path(config.docs_dir))
    except MastheadError as exc:
        raise PluginError(exc.report()) from None
    for tags in _room().tag_indexes():  # one per edition
        for clash in tags.collisions:  # both tags get pages; --strict stops here
            log.warning(clash.message())
    for warning in _room().require_catalog().warnings:  # outsized stories: built, within bounds
        log.warning(warning.format())
    _search_source.start()
    _late_cards.clear()


def on_files(files: Files, config: MkDocsConfig, **_: Any) -> Files:
    """Add the generated pages; drafts and scheduled stories only in `mkdocs serve`, marked."""
    room = _room()
    for src_uri in room.generated:
        files.append(File.generated(config, src_uri, content=""))
    catalog = room.require_catalog()
    for article in catalog.withheld:
        file = files.get_file_from_path(article.src_uri)
        if file is not None:
            file.inclusion = InclusionLevel.DRAFT
    if (staff := files.get_file_from_path(AUTHORS_FILE)) is not None:
        staff.inclusion = InclusionLevel.EXCLUDED  # read by the build, not published
    with timing.phase("images"):
        _pictures().prepare([*catalog.articles, *catalog.withheld])
        # Pages that are not stories share the site's own card (og:image for WeChat and others).
        _pictures().prepare_site({p.lang for p in room.generated.values()},
                                 config.site_description or "")
    return files


def on_page_markdown(markdown: str, page: Page, **_: Any) -> str:
    """Give Masthead's pages their template and checked metadata; the body without front matter."""
    owned = _room().page_meta(page.file.src_uri)
    if owned is None:
        return markdown
    page.meta, body = owned
    return body


def on_page_content(html: str, page: Page, **_: Any) -> str:
    """Editors' Markdown may carry raw HTML: keep its markup, drop anything that could run. Then
    body images become responsive <picture>s (our own markup, after the sanitiser; a broken
    image is reported in on_env). Each story's sanitised HTML (plain <img>) is kept for
    full-content feeds (written in on_post_build). Chart placeholders become their figures.
    """
    html = sanitize_html(html)
    # Charts after the sanitiser (it drops inline SVG): drawn from the story's checked blocks.
    html = charts.fill(html, _room().charts.get(page.file.src_uri, {}),
                       lambda key: log.warning(f"{page.file.src_uri}: chart placeholder {key} "
                                               "matches no chart block of the story; left out"))
    if (article := _room().article(page.file.src_uri)) is not None:
        _article_html[page.file.src_uri] = html
    with timing.phase("images"):
        content = _pictures().body(html, page.url, page.file.src_uri)
    if article is not None and _wechat["site_url"] is not None:
        _wechat["pages"][article.src_uri] = copy_button(_room(), _pictures().store, article, html,
                                                        site_url=_wechat["site_url"])
    return content


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig, **_: Any) -> dict[str, Any]:
    context.update(_room().context(page.file.src_uri))
    if (wechat := _wechat["pages"].get(page.file.src_uri)) is not None:
        context["wechat_copy"] = wechat
    context.update(syndication.page_context(_room(), page.file.src_uri, page.canonical_url or "",
                                            config.site_url or "",
                                            site_description=config.site_description or ""))
    if (article := context.get("article")) is not None:
        context["share_image"] = _pictures().share_image(article, config.site_url or "")
    else:
        context["share_image"] = _pictures().site_share_image(context["masthead"]["lang"],
                                                              config.site_url or "")
    return context


def on_template_context(context: dict[str, Any], config: MkDocsConfig, **_: Any) -> dict[str, Any]:
    """Theme templates (404.html) get the site view too, and the site's OpenGraph and card."""
    room = _room()
    lang = room.settings.language
    context["masthead"] = room.site_view(lang)
    context["social"] = social_view(room.social, lang=lang)
    context.update(syndication.not_found_context(room, config.site_url or "",
                                                 config.site_description or ""))
    context["share_image"] = _pictures().site_share_image(lang, config.site_url or "")
    return context


def on_env(env: Environment, config: MkDocsConfig, files: Files, **_: Any) -> Environment:
    """Filters for the templates; every broken image of the build reported at once; the image
    variants and share cards join the files MkDocs copies into the site."""
    room = _room()
    try:  # related stories from their own process (related_process.py), if it is still at work
        room.related_lists()
    except RelatedFailed as exc:
        raise PluginError(str(exc)) from None
    media = _pictures()
    for src_uri, html in masthead_perf.kept_stories().items():  # serve: their pictures stay published
        if "<img" in html and (kept := room.article(src_uri)) is not None:
            media.body(html, kept.url, src_uri)
    try:
        media.raise_faults()
    except MastheadError as exc:
        raise PluginError(exc.report()) from None
    for note in media.notes:
        log.info(note)
    for path, cached in sorted(media.outputs().items()):
        files.append(_CacheFile.generated(config, path, abs_src_path=str(cached)))
    log.debug("images: %s", media.stats())
    for redirect, html in room.redirect_pages(env.get_template("redirect.html"), config.site_url or ""):
        files.append(File.generated(config, redirect.file, content=html))  # aliases: old addresses
    try:  # one file each for what every page would repeat: icons, the follow block's QR code
        icons, sprite_text = icon_sprite(config.theme.dirs)
    except IconError as exc:
        raise PluginError(f"Masthead: {exc}") from None
    for path, text in {icons: sprite_text, **social_files(room.social)}.items():
        files.append(File.generated(config, path, content=text))
    env.globals["masthead_icons"] = icons
    env.filters["masthead_picture"] = media.picture
    env.globals["material_stylesheet"] = _material_stylesheet(config.theme.dirs)
    env.globals["material_version"] = metadata.version("mkdocs-material")  # the generator tag
    env.filters["masthead_date"] = room.format_date
    env.filters["masthead_iso"] = room.iso_date
    env.filters["masthead_lead"] = insert_lead
    env.filters["masthead_tables"] = wrap_tables
    env.filters["masthead_print_urls"] = print_urls
    masthead_perf.SharedParts(env).install()  # mh_shared: parts the same on many pages
    return env


def on_post_page(output: str, page: Page, **_: Any) -> str:
    with timing.phase("search", count=False):
        _search_source.put(page.file.dest_uri, output)  # what the search index will read
    return output


# Last: other plugins' post-build output lands in staging before the swap; the search index is
# built over the finished pages just before it.
@event_priority(-100)
def on_post_build(config: MkDocsConfig, **_: Any) -> None:
    if _site_dir is not None:
        logging.getLogger("mkdocs").removeHandler(_warnings)
        if config.strict and _warnings.count:
            return  # MkDocs aborts right after this event; on_build_error drops the staging folder
    # A rebuild of `mkdocs serve` refreshes the search index in the background (masthead_perf).
    for dest_uri in masthead_perf.kept_documents():  # pages the rebuild left as they were
        _search_source.keep(dest_uri)
    source = _search_source.finish()
    digest = _search_source.digest()
    documents = _search_source.documents()
    pages_per_part = load_search_settings(_room().settings)
    cache = cache_dir(Path(config.config_file_path).parent) if masthead_perf.wanted() else None

    def index(site: Path) -> Any:
        return build_index(site, source=source, pages_per_part=pages_per_part,
                           keep=cache / "search" if cache else None, source_digest=digest,
                           documents=documents)

    indexing: Future[Any] | None = None
    if not masthead_perf.index_later(Path(config.site_dir), index, log):
        # Pagefind runs in a process of its own, on one CPU: the feeds are written meanwhile.
        with timing.phase("search"):
            indexing = _indexer.submit(index, Path(config.site_dir))
    try:
        with timing.phase("write"):  # feeds, sitemaps, robots.txt
            written = syndication.write_all(_room(), Path(config.site_dir),
                                            masthead_perf.article_html(_article_html),
                                            site_url=config.site_url or "",
                                            site_description=config.site_description or "",
                                            keep_feed=masthead_perf.keeps_feed,
                                            known_sitemap=masthead_perf.kept_sitemap())
    finally:  # never leave Pagefind writing into a folder a failed build is about to drop
        if indexing is not None:
            with timing.phase("search"):
                wait([indexing])
    if indexing is not None:
        try:
            report = indexing.result()
        except SearchError as exc:  # on_build_error drops the staging folder: the old site stays
            raise PluginError(f"Masthead: {exc}") from None
        log.info(report.summary())
        if _command == "build":  # one build per process: its search documents are done with
            _search_source.discard()
    log.info(written.summary() if written else "Masthead: no site_url, so no feeds or sitemaps")
    masthead_perf.note_sitemap(written.sitemap if written else None)
    if cache is not None and _command == "build":  # what `masthead check` compares renames with
        keep_published_copy(Path(config.site_dir), cache)
    with timing.phase("images"):  # share cards drawn in the background while the above ran
        timing.annotate("cards_drawn_later", _pictures().finish_cards())
        for late in _late_cards:
            late.copy_file()
        _late_cards.clear()
    timing.annotate("image_stats", _pictures().stats())  # cache hits, for bench/publish.py
    if _site_dir is not None:
        output.publish(_site_dir)
        config.site_dir = str(_site_dir)


def on_build_error(**_: Any) -> None:
    logging.getLogger("mkdocs").removeHandler(_warnings)
    _late_cards.clear()
    if _media is not None:
        _media.cancel()
    if _newsroom is not None and _newsroom.related_later is not None:
        _newsroom.related_later.cancel()
    if _site_dir is not None:
        output.discard(_site_dir)


class _CacheFile(File):
    """An image variant or share card published from the image cache.

    Its cache file is named by what it holds, so a copy already in the site from the previous
    `mkdocs serve` rebuild is kept. Otherwise it is hard-linked when the cache and the site
    share a file system (10 000 cards are a quarter of a gigabyte), else copied.
    """

    def copy_file(self, dirty: bool = False) -> None:
        source, target = self.abs_src_path, self.abs_dest_path
        assert source is not None
        if _pictures().drawing(Path(source)):
            _late_cards.append(self)  # on_post_build copies it once drawn
            return
        try:
            have, want = os.stat(target), os.stat(source)
            if have.st_size == want.st_size and have.st_mtime_ns >= want.st_mtime_ns:
                masthead_perf.written(target)  # the rebuild's sweep keeps it
                return
        except OSError:
            pass
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            os.remove(target)
        try:
            os.link(source, target)  # keeps the cache file's time: tell the sweep
            masthead_perf.written(target)
        except OSError:  # another file system, or links not allowed
            super().copy_file(dirty)


_late_cards: list[_CacheFile] = []  # share cards MkDocs reached before they were drawn


def _pictures() -> Media:
    if _media is None:
        raise PluginError("Masthead: on_config did not run; is hooks/masthead_mkdocs.py listed?")
    return _media


def _material_stylesheet(theme_dirs: list[str]) -> str:
    """Material's main stylesheet; its file name carries a hash that changes with each release."""
    for folder in theme_dirs:
        found = sorted(Path(folder).glob("assets/stylesheets/main.*.min.css"))
        if found:
            return found[0].relative_to(folder).as_posix()
    raise PluginError("Masthead: Material's stylesheet was not found; is mkdocs-material 9 installed?")


# Last, so other plugins' on_serve see the server as MkDocs made it.
@event_priority(-100)
def on_serve(server: LiveReloadServer, **_: Any) -> LiveReloadServer:
    """A failed rebuild in `mkdocs serve` shows Masthead's message, not a Python traceback.

    MkDocs has already logged the faults; the server keeps serving the last good site and
    rebuilds on the next save (any exception escaping here would print a traceback, and a
    SystemExit would stop the watcher).
    """
    build = server.builder

    def builder(*args: Any, **kwargs: Any) -> None:
        try:
            build(*args, **kwargs)
        except Abort:
            log.error("The site was not rebuilt: fix the problems above and save again.")

    server.builder = builder
    return server
