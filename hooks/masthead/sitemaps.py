"""sitemap.xml (and .gz) with real lastmod dates, a Google News sitemap, robots.txt.

MkDocs writes a sitemap whose lastmod is the build date; this one says when each story last
changed, and a listing page carries its newest story's date. Output depends only on the input
(the gzip header carries no time).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from .article import Article
from .feeds import clean, rfc3339

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"  # <xhtml:link rel="alternate" hreflang> (editions)
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
SITEMAP = "sitemap.xml"
NEWS_SITEMAP = "news_sitemap.xml"
ROBOTS = "robots.txt"
NEWS_WINDOW = dt.timedelta(days=2)  # Google News: stories of the last two days
NEWS_LIMIT = 1000  # Google News reads at most 1 000 URLs per sitemap


# A copy of the last published sitemap in the build cache (.cache/masthead, which the publish
# workflow restores): on a fresh checkout, where site/ is empty, `masthead check` still knows the
# addresses the live site answers and can warn when a renamed story loses one.
PUBLISHED_COPY = "published-sitemap.xml"


def previous_sitemap(site_dir: Path, cache: Path | None) -> Path:
    """The sitemap of the last build: the one in ``site_dir``, else the cache's copy."""
    built = site_dir / SITEMAP
    if built.is_file() or cache is None:
        return built
    return cache / PUBLISHED_COPY


def keep_published_copy(site_dir: Path, cache: Path) -> None:
    """After a build (never a serve: its sitemap names the preview server), keep its sitemap."""
    built, copy = site_dir / SITEMAP, cache / PUBLISHED_COPY
    if not built.is_file():
        return
    text = built.read_bytes()
    if copy.is_file() and copy.read_bytes() == text:
        return  # a cache entry is rewritten only when it changes
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / (PUBLISHED_COPY + ".tmp")
    tmp.write_bytes(text)
    tmp.replace(copy)


def read_locs(sitemap: Path) -> list[str]:
    """The page URLs of the sitemap MkDocs wrote (every page it built), in its order."""
    if not sitemap.is_file():
        return []
    tree = etree.parse(str(sitemap), etree.XMLParser(resolve_entities=False, no_network=True))
    return [str(loc.text).strip() for loc in tree.iter(f"{{{SITEMAP_NS}}}loc") if loc.text]


def locs_of(data: bytes) -> list[str]:
    """The page URLs of a sitemap document, in its order."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    return [str(loc.text).strip() for loc in root.iter(f"{{{SITEMAP_NS}}}loc") if loc.text]


def sitemap(locs: Iterable[str], lastmod: Mapping[str, dt.datetime], zone: dt.tzinfo,
            alternates: Mapping[str, Sequence[tuple[str, str]]] | None = None) -> bytes:
    """A sitemap 0.9 document: each URL once, with lastmod where the date is known, and the
    ``(hreflang, URL)`` versions of a page in each edition as ``xhtml:link`` alternates."""
    alternates = alternates or {}
    nsmap = {None: SITEMAP_NS, "xhtml": XHTML_NS} if alternates else {None: SITEMAP_NS}
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap=nsmap)
    for loc in dict.fromkeys(locs):
        url = etree.SubElement(root, f"{{{SITEMAP_NS}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = clean(loc)
        if loc in lastmod:
            etree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = rfc3339(lastmod[loc], zone)
        for lang, href in alternates.get(loc, ()):
            link = etree.SubElement(url, f"{{{XHTML_NS}}}link")
            link.set("rel", "alternate")
            link.set("hreflang", lang)
            link.set("href", clean(href))
    return _xml(root)


def news_sitemap(stories: Sequence[tuple[str, Article, str]], name: str, zone: dt.tzinfo) -> bytes:
    """A Google News sitemap; ``stories`` are (absolute URL, article, language code)."""
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "news": NEWS_NS})
    for loc, article, language in stories[:NEWS_LIMIT]:
        url = etree.SubElement(root, f"{{{SITEMAP_NS}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = clean(loc)
        news = etree.SubElement(url, f"{{{NEWS_NS}}}news")
        publication = etree.SubElement(news, f"{{{NEWS_NS}}}publication")
        etree.SubElement(publication, f"{{{NEWS_NS}}}name").text = clean(name)
        etree.SubElement(publication, f"{{{NEWS_NS}}}language").text = language
        etree.SubElement(news, f"{{{NEWS_NS}}}publication_date").text = rfc3339(article.date, zone)
        etree.SubElement(news, f"{{{NEWS_NS}}}title").text = clean(article.title)
    return _xml(root)


def recent(articles: Iterable[Article], now: dt.datetime) -> list[Article]:
    """Published stories of the two days before ``now`` (the build's now), newest first."""
    return [a for a in articles if now - NEWS_WINDOW <= a.date <= now]


def robots(existing: str, sitemap_urls: Sequence[str]) -> str:
    """robots.txt allowing everything and naming the sitemaps; an editor's own file is kept."""
    text = existing if existing.strip() else "User-agent: *\nAllow: /\n"
    missing = [u for u in sitemap_urls if f"Sitemap: {u}" not in text]
    if not missing:
        return text
    return text.rstrip("\n") + "\n\n" + "".join(f"Sitemap: {u}\n" for u in missing)


def gzipped(data: bytes) -> bytes:
    """gzip with no file name and time 0 in the header: the same bytes on every build."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as out:
        out.write(data)
    return buffer.getvalue()


def _xml(root: Any) -> bytes:
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return out
