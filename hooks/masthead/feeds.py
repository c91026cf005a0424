"""Feeds (RSS 2.0, Atom, JSON Feed 1.1) for the site, each section and each tag.

Plain Python over the catalog: the MkDocs event file hands in the rendered HTML of each article
and the staging folder, and everything is written from here. XML is built as lxml trees, so
escaping holds by construction; text that XML 1.0 cannot carry at all (control characters) is
dropped first. Output depends only on the articles: no build time appears in any feed.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from .article import Article
from .cache import memoized
from .charts import feed_html
from .errors import Fault, MastheadError
from .settings import CONFIG_FILE, ROOT, Settings

FEEDS_DIR = "feeds/"
FILES = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}
TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# XML 1.0 allows tab, newline and carriage return below U+0020, and nothing else there; lone
# surrogates and U+FFFE/U+FFFF are not characters at all.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
CONTENT_MODES = ("full", "summary")


@dataclass(frozen=True)
class FeedSettings:
    """``extra.masthead.feeds``: how many stories a feed carries and whether whole or summarised."""

    items: int = 20
    content: str = "full"  # "full": the story's HTML; "summary": its summary only
    news_name: str = ""  # Google News publication name (default: the publisher)
    news_language: str = ""  # its language code (default: from the site language)


def load_feed_settings(settings: Settings) -> FeedSettings:
    """Validate ``extra.masthead.feeds``; raise MastheadError naming each bad key."""
    raw = settings.extra.get("feeds") or {}
    path = f"{ROOT}.feeds"
    faults: list[Fault] = []

    def fault(key: str, message: str, fix: str) -> None:
        faults.append(Fault(CONFIG_FILE, None, f"{path}.{key}" if key else path, message, fix))

    if not isinstance(raw, Mapping):
        raise MastheadError([Fault(CONFIG_FILE, None, path, "expected a mapping",
                                   "write feeds: {items: 20, content: full}")])
    for key in sorted(set(raw) - {"items", "content", "news_name", "news_language"}, key=str):
        fault(str(key), "is not a feed setting", "use items, content, news_name or news_language")
    items = raw.get("items", 20)
    if isinstance(items, bool) or not isinstance(items, int) or not 1 <= items <= 1000:
        fault("items", f"expected a whole number from 1 to 1000, got {items!r:.40}", "write items: 20")
        items = 20
    content = raw.get("content", "full")
    if content not in CONTENT_MODES:
        fault("content", f"expected full or summary, got {content!r:.40}", "write content: summary")
        content = "full"
    texts: dict[str, str] = {}
    for key in ("news_name", "news_language"):
        value = raw.get(key, "")
        if not isinstance(value, str):
            fault(key, f"expected text, got {type(value).__name__}", f"write {key}: ...")
            value = ""
        texts[key] = " ".join(value.split())
    language = texts["news_language"]
    if language and not re.fullmatch(r"zh-cn|zh-tw|[a-z]{2,3}", language):
        fault("news_language", f"{language!r} is not a Google News language code",
              "write an ISO 639 code such as en, or zh-cn (Simplified) / zh-tw (Traditional Chinese)")
    if faults:
        raise MastheadError(faults)
    return FeedSettings(items=items, content=content,
                        news_name=texts["news_name"] or settings.publisher,
                        news_language=language or news_language(settings.language))


def news_language(lang: str) -> str:
    """Google News' (and RSS') code for a language: Simplified Chinese is ``zh-cn``, Traditional
    ``zh-tw``."""
    return {"zh": "zh-cn", "zh-Hant": "zh-tw"}.get(lang, lang)


@dataclass(frozen=True)
class Channel:
    """One feed in three formats: the stories of the site, a section or a tag."""

    folder: str  # where its files go: "feeds/", "feeds/news/", "feeds/tags/ev/"
    page_url: str  # the HTML page it follows: "", "news/", "tags/ev/"
    title: str
    description: str
    articles: tuple[Article, ...]  # newest first, already cut to the feed's length
    language: str = ""  # its edition's language (editions.py); "" = the site language

    def file_url(self, kind: str) -> str:
        return self.folder + FILES[kind]


def clean(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (control characters)."""
    return _XML_ILLEGAL.sub("", text)


def absolute(base: str, url: str) -> str:
    """``url`` (site-relative, or already absolute) made absolute against ``base``."""
    return urljoin(base, url)


def site_base(site_url: str) -> str:
    """``site_url`` with one trailing slash, so project paths (/repo/) are kept by urljoin."""
    return site_url if site_url.endswith("/") else site_url + "/"


@memoized("feed_html")  # remembered: a story sits in several feeds, build after build
def absolute_html(fragment: str, page_url: str) -> str:
    """The article's HTML with every link and image address made absolute against its URL."""
    fragment = clean(fragment)
    if not fragment.strip():
        return ""
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    root.make_links_absolute(page_url, resolve_base_href=False, handle_failures="ignore")
    out: str = lxml_html.tostring(root, encoding="unicode")
    return out[len("<div>"):-len("</div>")]


def rfc3339(value: dt.datetime, zone: dt.tzinfo) -> str:
    return value.astimezone(zone).isoformat(timespec="seconds")


def rfc822(value: dt.datetime, zone: dt.tzinfo) -> str:
    return email.utils.format_datetime(value.astimezone(zone).replace(microsecond=0))


def authors_of(article: Article, settings: Settings) -> tuple[str, ...]:
    """The story's authors; the publisher when the story names none (Atom requires one)."""
    return article.authors or (article.source or settings.publisher,)


def feed_updated(channel: Channel, fallback: dt.datetime) -> dt.datetime:
    """The newest story's modified time: feeds never carry the build time."""
    return max((a.modified for a in channel.articles), default=fallback)


@dataclass(frozen=True)
class FeedContext:
    """What every feed of one build shares."""

    settings: Settings
    feed_settings: FeedSettings
    site_url: str
    html: Mapping[str, str]  # src_uri -> the article's rendered HTML (page.content)
    fallback_date: dt.datetime  # `updated` of a feed with no stories
    # A story is in several channels, each written in three formats: its absolute URL and its
    # feed HTML are made once per build (urljoin and the cache's lookup were a fifth of the time).
    _urls: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    _bodies: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def url(self, rel: str) -> str:
        found = self._urls.get(rel)
        if found is None:
            found = self._urls[rel] = absolute(site_base(self.site_url), rel)
        return found

    def body(self, article: Article) -> str:
        """Full HTML with absolute URLs, or "" in summary mode (or when it was not rendered)."""
        if self.feed_settings.content != "full":
            return ""
        found = self._bodies.get(article.src_uri)
        if found is None:
            found = absolute_html(feed_html(self.html.get(article.src_uri, "")), self.url(article.url))
            self._bodies[article.src_uri] = found
        return found

    def image(self, article: Article) -> str:
        return self.url(article.image) if article.image else ""


def rss(channel: Channel, ctx: FeedContext) -> bytes:
    s, zone = ctx.settings, ctx.settings.timezone
    root = etree.Element("rss", nsmap={"atom": ATOM_NS, "content": CONTENT_NS, "dc": DC_NS})
    root.set("version", "2.0")
    ch = etree.SubElement(root, "channel")
    _text(ch, "title", channel.title)
    _text(ch, "link", ctx.url(channel.page_url))
    _text(ch, "description", channel.description or channel.title)
    _text(ch, "language", news_language(channel.language or s.language))
    _text(ch, "lastBuildDate", rfc822(feed_updated(channel, ctx.fallback_date), zone))
    _text(ch, "generator", "Masthead")
    self_link = etree.SubElement(ch, f"{{{ATOM_NS}}}link")
    self_link.set("href", ctx.url(channel.file_url("rss")))
    self_link.set("rel", "self")
    self_link.set("type", TYPES["rss"])
    for article in channel.articles:
        item = etree.SubElement(ch, "item")
        link = ctx.url(article.url)
        _text(item, "title", article.title)
        _text(item, "link", link)
        guid = _text(item, "guid", link)
        guid.set("isPermaLink", "true")
        _text(item, "pubDate", rfc822(article.date, zone))
        for name in authors_of(article, s):
            _text(item, f"{{{DC_NS}}}creator", name)
        for tag in article.tags:
            _text(item, "category", tag)
        _text(item, "description", html.escape(article.summary))  # RSS descriptions are HTML
        if body := ctx.body(article):
            _text(item, f"{{{CONTENT_NS}}}encoded", body)
    return _xml(root)


def atom(channel: Channel, ctx: FeedContext) -> bytes:
    s, zone = ctx.settings, ctx.settings.timezone
    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", channel.language or s.language)
    _text(root, f"{{{ATOM_NS}}}id", ctx.url(channel.page_url))
    _text(root, f"{{{ATOM_NS}}}title", channel.title).set("type", "text")
    if channel.description:
        _text(root, f"{{{ATOM_NS}}}subtitle", channel.description).set("type", "text")
    _link(root, ctx.url(channel.page_url), "alternate", "text/html")
    _link(root, ctx.url(channel.file_url("atom")), "self", TYPES["atom"])
    _text(root, f"{{{ATOM_NS}}}updated", rfc3339(feed_updated(channel, ctx.fallback_date), zone))
    author = etree.SubElement(root, f"{{{ATOM_NS}}}author")
    _text(author, f"{{{ATOM_NS}}}name", s.publisher)
    _text(root, f"{{{ATOM_NS}}}generator", "Masthead")
    for article in channel.articles:
        entry = etree.SubElement(root, f"{{{ATOM_NS}}}entry")
        link = ctx.url(article.url)
        _text(entry, f"{{{ATOM_NS}}}id", link)
        _text(entry, f"{{{ATOM_NS}}}title", article.title).set("type", "text")
        _link(entry, link, "alternate", "text/html")
        _text(entry, f"{{{ATOM_NS}}}published", rfc3339(article.date, zone))
        _text(entry, f"{{{ATOM_NS}}}updated", rfc3339(article.modified, zone))
        for name in authors_of(article, s):
            _text(etree.SubElement(entry, f"{{{ATOM_NS}}}author"), f"{{{ATOM_NS}}}name", name)
        for tag in article.tags:
            etree.SubElement(entry, f"{{{ATOM_NS}}}category").set("term", clean(tag))
        if article.summary:
            _text(entry, f"{{{ATOM_NS}}}summary", article.summary).set("type", "text")
        if body := ctx.body(article):
            _text(entry, f"{{{ATOM_NS}}}content", body).set("type", "html")
    return _xml(root)


def json_feed(channel: Channel, ctx: FeedContext) -> bytes:
    s, zone = ctx.settings, ctx.settings.timezone
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": clean(channel.title),
        "home_page_url": ctx.url(channel.page_url),
        "feed_url": ctx.url(channel.file_url("json")),
        "language": channel.language or s.language,
        "authors": [{"name": clean(s.publisher)}],
    }
    if channel.description:
        feed["description"] = clean(channel.description)
    if s.logo:
        feed["icon"] = ctx.url(s.logo)
    items = []
    for article in channel.articles:
        link = ctx.url(article.url)
        item: dict[str, Any] = {"id": link, "url": link, "title": clean(article.title)}
        body = ctx.body(article)
        if body:
            item["content_html"] = body
        else:
            item["content_text"] = clean(article.summary or article.title)
        if article.summary:
            item["summary"] = clean(article.summary)
        if image := ctx.image(article):
            item["image"] = image
        item["date_published"] = rfc3339(article.date, zone)
        item["date_modified"] = rfc3339(article.modified, zone)
        item["authors"] = [{"name": clean(n)} for n in authors_of(article, s)]
        if article.tags:
            item["tags"] = [clean(t) for t in article.tags]
        item["language"] = article.lang
        items.append(item)
    feed["items"] = items
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


WRITERS = {"rss": rss, "atom": atom, "json": json_feed}


def write_channels(channels: Sequence[Channel], ctx: FeedContext, site_dir: Path,
                   keep: Callable[[Channel], bool] | None = None) -> int:
    """Write every channel's three files below ``site_dir``; return how many files.

    ``keep(channel)``: its files already in ``site_dir`` are right (`mkdocs serve`, no story of
    the channel changed); they are left as they are."""
    count = 0
    for channel in channels:
        folder = site_dir / channel.folder
        if keep is not None and keep(channel) and all((folder / name).is_file() for name in FILES.values()):
            count += len(FILES)
            continue
        folder.mkdir(parents=True, exist_ok=True)
        for kind, writer in WRITERS.items():
            (folder / FILES[kind]).write_bytes(writer(channel, ctx))
            count += 1
    return count


def links(channel: Channel, site_url: str) -> list[dict[str, str]]:
    """``<link rel="alternate">`` values for a page that a channel follows."""
    base = site_base(site_url)
    return [{"type": TYPES[kind], "title": f"{channel.title} ({LABELS[kind]})",
             "href": absolute(base, channel.file_url(kind)), "kind": kind} for kind in FILES]


def _text(parent: Any, tag: str, value: str) -> Any:
    element = etree.SubElement(parent, tag)
    element.text = clean(value)
    return element


def _link(parent: Any, href: str, rel: str, kind: str) -> None:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}link")
    element.set("rel", rel)
    element.set("type", kind)
    element.set("href", href)


def _xml(root: Any) -> bytes:
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return out
