"""Feeds, sitemaps and structured data of one build, drawn from the newsroom.

``page_context`` gives templates the autodiscovery links and the JSON-LD / OpenGraph values of a
page; ``write_all`` writes the feeds, sitemaps and robots.txt into the (staging) site folder after
the pages. Both are plain functions over ``Newsroom``; the MkDocs event file only calls them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import editions, feeds, i18n, sitemaps, structured
from .article import Article, article_url
from .feeds import Channel, FeedContext, absolute, load_feed_settings, site_base
from .newsroom import FRONT_PAGE, Newsroom


@dataclass(frozen=True)
class Report:
    feeds: int
    sitemap_urls: int
    news_urls: int
    sitemap: bytes = field(default=b"", repr=False)  # sitemap.xml as written

    def summary(self) -> str:
        return (f"Masthead: {self.feeds} feed files, sitemap of {self.sitemap_urls} pages, "
                f"news sitemap of {self.news_urls} stories")


def channels(room: Newsroom, site_description: str = "") -> dict[str, Channel]:
    """Every feed, by the src_uri of the page it follows (the first page of a listing)."""
    pages = [uri for view in room.views.values() for uri in (
        view.prefix + FRONT_PAGE, *(f"{view.prefix}{s.slug}/index.md" for s in room.settings.sections),
        *(f"{t.url}index.md" for t in (view.tags.tags if view.tags else ())))]
    found = {uri: channel_for(room, uri, site_description) for uri in pages}
    return {uri: channel for uri, channel in found.items() if channel is not None}


def channel_for(room: Newsroom, src_uri: str, site_description: str = "") -> Channel | None:
    """The feed that the listing page ``src_uri`` (any page of it) follows, if it has one."""
    s = room.settings
    n = load_feed_settings(s).items
    room.require_catalog()
    page = room.generated.get(src_uri)
    if page is None:
        return None
    view = room.view(page.lang)  # the page's edition (the whole site without editions)
    p, catalog, lang = view.prefix, view.catalog, page.lang
    folder = p + feeds.FEEDS_DIR  # feeds/ of the root edition, zh/feeds/ of the other
    if page.kind == "front":
        description = site_description if view.root else view.description
        return Channel(folder, p, view.name, description, catalog.articles[:n], lang)
    if page.kind == "section" and page.section is not None:
        slug = page.section.slug
        title = f"{page.section.label(lang)} - {view.name}"
        return Channel(f"{folder}{slug}/", f"{p}{slug}/", title, page.section.describe(lang),
                       catalog.by_section[slug][:n], lang)
    if page.kind == "tag" and page.tag is not None:
        tag = page.tag
        return Channel(f"{folder}{tag.url.removeprefix(p)}", tag.url, f"{tag.name} - {view.name}", "",
                       tag.articles[:n], lang)
    return None


def page_context(room: Newsroom, src_uri: str, canonical: str, site_url: str, *,
                 site_description: str = "") -> dict[str, Any]:
    """``feed_links`` (autodiscovery) and ``structured`` (JSON-LD, meta) for one page."""
    if not site_url:
        return {}
    s = room.settings
    catalog = room.require_catalog()
    base = site_base(site_url)
    canonical = canonical or base
    ctx: dict[str, Any] = {}
    page = room.generated.get(src_uri)
    if page is not None:
        channel = channel_for(room, src_uri)
        if channel is not None:
            ctx["feed_links"] = feeds.links(channel, site_url)
        # Every page gets og:description (WeChat's crawler shows it under the title): the
        # section's own, else the description of the page's edition (the site's at the root),
        # else its name.
        view = room.view(page.lang)
        description = ((page.section.describe(page.lang) if page.section else "")
                       or (site_description if view.root else view.description) or view.name)
        ctx["structured"] = {"meta": structured.page_meta(page.title, description, canonical, s,
                                                          page.lang), "jsonld": []}
        return ctx
    article = catalog.by_src.get(src_uri)
    if article is None:
        return ctx
    section = s.section(article.section)
    section_title = section.label(article.lang) if section else article.section
    authors = [entry["url"] for entry in room.byline(article)]
    data = structured.news_article(article, s, site_url=site_url, canonical=canonical,
                                   section_title=section_title, author_urls=authors)
    view = room.view(article.lang)  # the story's edition: its front and section pages
    trail = structured.breadcrumbs([(view.name, absolute(base, view.prefix)),
                                    (section_title, absolute(base, f"{view.prefix}{article.section}/")),
                                    (article.title, canonical)])
    ctx["structured"] = {
        "meta": structured.article_meta(article, s, canonical=canonical, section_title=section_title),
        "jsonld": [structured.script_json(data), structured.script_json(trail)],
    }
    return ctx


def not_found_context(room: Newsroom, site_url: str, site_description: str = "") -> dict[str, Any]:
    """OpenGraph of the 404 page: it answers at any missing address, so og:url is the front page."""
    if not site_url:
        return {}
    s = room.settings
    title = i18n.labels(s.language)["not_found_title"]
    meta = structured.page_meta(f"{title} - {s.name}", site_description or s.name, site_base(site_url),
                                s, s.language)
    return {"structured": {"meta": meta, "jsonld": []}}


def write_all(room: Newsroom, site_dir: Path, html: Mapping[str, str], *, site_url: str,
              site_description: str = "", keep_feed: Callable[[Channel], bool] | None = None,
              known_sitemap: bytes | None = None) -> Report | None:
    """Feeds, sitemap.xml(.gz), news_sitemap.xml and robots.txt; None without a site_url.

    `mkdocs serve`: ``keep_feed``, see ``feeds.write_channels``; ``known_sitemap``, the last
    build's sitemap.xml when no page, date or pairing of versions changed since."""
    if not site_url:
        return None
    s = room.settings
    fs = load_feed_settings(s)
    catalog = room.require_catalog()
    base = site_base(site_url)
    fallback = catalog.articles[0].modified if catalog.articles else dt.datetime(
        s.copyright_since, 1, 1, tzinfo=s.timezone)
    ctx = FeedContext(settings=s, feed_settings=fs, site_url=site_url, html=html,
                      fallback_date=fallback)
    count = feeds.write_channels(list(channels(room, site_description).values()), ctx, site_dir,
                                 keep_feed)

    if known_sitemap is None:
        lastmod = _lastmod(room, base)
        locs = sitemaps.read_locs(site_dir / sitemaps.SITEMAP) or list(lastmod)
        written = set(locs)
        alternates = editions.sitemap_alternates(
            room.version_table, room.editions,
            lambda uri: article_url(uri, directory_urls=room.directory_urls), base,
            lambda uri: absolute(base, article_url(uri, directory_urls=room.directory_urls)) in written,
            room.page_lang)
        data = sitemaps.sitemap(locs, lastmod, s.timezone, alternates)
    else:
        data = known_sitemap
        locs = sitemaps.locs_of(data)
    (site_dir / sitemaps.SITEMAP).write_bytes(data)
    (site_dir / (sitemaps.SITEMAP + ".gz")).write_bytes(sitemaps.gzipped(data))

    now = catalog.now or room.now or dt.datetime.now(dt.UTC)
    stories = [(absolute(base, a.url), a, _news_language(a, room, fs.news_language))
               for a in sitemaps.recent(catalog.articles, now)]
    listed = [absolute(base, sitemaps.SITEMAP)]
    if stories:  # an empty <urlset> is not a valid sitemap: no stories of two days, no file
        (site_dir / sitemaps.NEWS_SITEMAP).write_bytes(
            sitemaps.news_sitemap(stories, fs.news_name, s.timezone))
        listed.append(absolute(base, sitemaps.NEWS_SITEMAP))
    robots = site_dir / sitemaps.ROBOTS
    existing = robots.read_text(encoding="utf-8") if robots.is_file() else ""
    robots.write_text(sitemaps.robots(existing, listed), encoding="utf-8")
    return Report(feeds=count, sitemap_urls=len(dict.fromkeys(locs)), news_urls=len(stories), sitemap=data)


def _lastmod(room: Newsroom, base: str) -> dict[str, dt.datetime]:
    """Absolute URL -> when it last changed: a story's updated/date, a listing's newest story."""
    catalog = room.require_catalog()
    found: dict[str, dt.datetime] = {}
    for page in room.generated.values():
        items: tuple[Article, ...] = room.view(page.lang).catalog.articles if page.kind == "front" else (
            page.listing.items if page.listing else ())
        if items:
            url = article_url(page.src_uri, directory_urls=room.directory_urls)
            found[absolute(base, url)] = max(a.modified for a in items)
    for article in catalog.articles:
        found[absolute(base, article.url)] = article.modified
    return found


def _news_language(article: Article, room: Newsroom, site_code: str) -> str:
    return site_code if article.lang == room.settings.language else feeds.news_language(article.lang)
