"""`masthead import site.WordPress.xml`: a WordPress export (WXR 1.1/1.2) becomes stories.

The whole export is read and every story converted in memory before anything is written; a
malformed file is refused with its line. lxml reads it without expanding entities, loading a DTD
or touching the network. Posts become stories (drafts, pending and private ones as drafts;
password-protected ones are left out), categories become sections or tags, authors join
``docs/authors.yml``, each post's old address (its ``<link>``) becomes an alias, and the body
goes from WordPress HTML (with the classic editor's blank-line paragraphs, shortcodes and block
comments) to Markdown through markdownify.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import os
import re
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from bs4 import BeautifulSoup, Tag
from lxml import etree
from markdownify import MarkdownConverter

from .article import article_url, parse_article
from .authors import AUTHORS_FILE
from .importer import (
    ASSETS_DIR,
    ImportOptions,
    ImportReport,
    Note,
    Post,
    _url_key,
    date_text,
    free_name,
    keep_free_aliases,
    plain,
    section_of,
)
from .oldsite import clean_path
from .settings import SLUG_RE, Settings
from .slugs import slugify
from .text import CJK_RE

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
WP_NS_RE = re.compile(r"^http://wordpress\.org/export/(1\.[0-2])/$")
NO_DATE = "0000-00-00 00:00:00"
DRAFT_STATUSES = frozenset({"draft", "pending", "private"})
PUBLISHED_STATUSES = frozenset({"publish", "future"})
UNCATEGORIZED = frozenset({"uncategorized", "未分类", "未分類"})
FETCH_TIMEOUT = 30  # seconds per picture


class ExportError(ValueError):
    """The export cannot be read: the message names the file and the line."""


@dataclass
class Item:
    """One ``<item>`` of the export, as text."""

    line: int
    id: str
    type: str
    status: str
    title: str
    link: str
    creator: str
    content: str
    excerpt: str
    date: str
    date_gmt: str
    name: str
    password: str
    sticky: bool
    parent: str
    categories: list[tuple[str, str, str]]  # (domain, nicename, name)
    meta: dict[str, str]
    comments: int
    attachment_url: str


@dataclass
class Export:
    """The parts of a WXR file the import uses."""

    path: Path
    base_url: str
    authors: dict[str, str]  # login -> display name
    items: list[Item]
    attachments: dict[str, Item] = field(default_factory=dict)  # post id -> attachment

    def __post_init__(self) -> None:
        self.attachments = {i.id: i for i in self.items if i.type == "attachment"}


def read_export(path: Path) -> Export:
    """Parse the whole export; ``ExportError`` with the line when it is not a well-formed WXR file."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             strip_cdata=True)
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else exc.position[0]
        raise ExportError(f"{path}:{line}: the export is not well-formed XML: {exc.msg} "
                          "(export it again from Tools → Export, or fix that line)") from None
    except OSError as exc:
        raise ExportError(f"{path}: cannot be read: {exc}") from None
    root = tree.getroot()
    channel = root.find("channel")
    wp = next((ns for ns in root.nsmap.values() if ns and WP_NS_RE.match(ns)), "")
    if root.tag != "rss" or channel is None or not wp:
        raise ExportError(f"{path}:{root.sourceline}: not a WordPress export (WXR 1.1 or 1.2): expected "
                          "<rss> with the wp: namespace http://wordpress.org/export/1.2/")
    excerpt_ns = wp + "excerpt/"

    def text(el: Any, tag: str) -> str:
        return (el.findtext(tag) or "").strip() if tag != f"{{{CONTENT_NS}}}encoded" else \
            el.findtext(tag) or ""

    authors = {}
    for author in channel.iterfind(f"{{{wp}}}author"):
        login = text(author, f"{{{wp}}}author_login")
        full = " ".join(p for p in (text(author, f"{{{wp}}}author_first_name"),
                                    text(author, f"{{{wp}}}author_last_name")) if p)
        authors[login] = text(author, f"{{{wp}}}author_display_name") or full or login
    items = []
    for el in channel.iterfind("item"):
        meta = {text(m, f"{{{wp}}}meta_key"): text(m, f"{{{wp}}}meta_value")
                for m in el.iterfind(f"{{{wp}}}postmeta")}
        categories = [(c.get("domain", ""), urllib.parse.unquote(c.get("nicename", "")),
                       " ".join((c.text or "").split())) for c in el.iterfind("category")]
        items.append(Item(
            line=el.sourceline or 0, id=text(el, f"{{{wp}}}post_id"), type=text(el, f"{{{wp}}}post_type"),
            status=text(el, f"{{{wp}}}status"), title=" ".join(text(el, "title").split()),
            link=text(el, "link"), creator=text(el, f"{{{DC_NS}}}creator"),
            content=el.findtext(f"{{{CONTENT_NS}}}encoded") or "",
            excerpt=el.findtext(f"{{{excerpt_ns}}}encoded") or "",
            date=text(el, f"{{{wp}}}post_date"), date_gmt=text(el, f"{{{wp}}}post_date_gmt"),
            name=text(el, f"{{{wp}}}post_name"), password=text(el, f"{{{wp}}}post_password"),
            sticky=text(el, f"{{{wp}}}is_sticky") == "1", parent=text(el, f"{{{wp}}}post_parent"),
            categories=categories, meta=meta,
            comments=sum(1 for _ in el.iterfind(f"{{{wp}}}comment")),
            attachment_url=text(el, f"{{{wp}}}attachment_url"),
        ))
    base = text(channel, f"{{{wp}}}base_blog_url") or text(channel, "link")
    return Export(path, base.rstrip("/"), authors, items)


# -- the body ------------------------------------------------------------------------------------

_BLOCK_COMMENT_RE = re.compile(r"<!--\s*/?wp:.*?-->[ \t]*\n?", re.DOTALL)
_MORE_RE = re.compile(r"<!--\s*(more|nextpage|noteaser)\b.*?-->", re.DOTALL)
_PRE_RE = re.compile(r"<(pre|code|script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_SHORTCODE_RE = re.compile(r"\[(\[?)([a-zA-Z][\w-]*)((?:\s[^\[\]]*?)?)(/?)\](?:(.*?)\[/\2\])?(\]?)",
                           re.DOTALL)
_ATTR_RE = re.compile(r'([\w-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s"\']+))|"([^"]*)"|(\S+)')
_BLOCK_TAGS = ("address|article|aside|blockquote|details|div|dl|fieldset|figcaption|figure|footer|form|"
               "h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|tbody|thead|tfoot|tr|td|th|ul|"
               "audio|video|iframe|img-block|caption|map|math|select|style|summary|svg")
_BLOCK_START_RE = re.compile(rf"^\s*</?(?:{_BLOCK_TAGS})\b", re.IGNORECASE)
_BLOCK_END_RE = re.compile(rf"</(?:{_BLOCK_TAGS})>\s*$", re.IGNORECASE)
_URL_LINE_RE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.MULTILINE)


def wpautop(text: str) -> str:
    """WordPress's ``wpautop`` at its simplest: blank lines make paragraphs, single newlines ``<br>``.

    Chunks that already start or end with a block element are left as they are, and so is
    everything inside ``<pre>``.
    """
    stash: list[str] = []

    def keep(m: re.Match[str]) -> str:
        stash.append(m.group(0))
        return f"\ue000{len(stash) - 1}\ue001"

    text = _PRE_RE.sub(keep, text.replace("\r\n", "\n").replace("\r", "\n"))
    chunks = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip("\n")
        if not chunk.strip():
            continue
        stashed = re.fullmatch(r"\ue000\d+\ue001", chunk)
        if _BLOCK_START_RE.match(chunk) or _BLOCK_END_RE.search(chunk) or stashed:
            chunks.append(chunk)
        else:
            chunks.append("<p>" + chunk.replace("\n", "<br />\n") + "</p>")
    text = "\n\n".join(chunks)
    return re.sub("\ue000(\\d+)\ue001", lambda m: stash[int(m.group(1))], text)


def shortcode_attributes(raw: str) -> tuple[dict[str, str], list[str]]:
    """``[name a="1" b=2 "x" y]`` → ``({"a": "1", "b": "2"}, ["x", "y"])``."""
    named: dict[str, str] = {}
    positional: list[str] = []
    for m in _ATTR_RE.finditer(raw):
        if m.group(1):
            named[m.group(1).lower()] = next(g for g in m.groups()[1:4] if g is not None)
        else:
            positional.append(m.group(5) if m.group(5) is not None else m.group(6))
    return named, positional


class _Markdown(MarkdownConverter):
    """markdownify, with the HTML that has no Markdown form kept as HTML (the build sanitises it)."""

    def convert_iframe(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        src = el.get("src") or ""
        title = el.get("title") or src
        return f"\n\n[{title}]({src})\n\n" if isinstance(src, str) and src.startswith("http") else ""

    def _keep_block(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return f"\n\n{el}\n\n"

    def _keep_inline(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return str(el)

    convert_audio = convert_video = _keep_block
    convert_sup = convert_sub = convert_u = convert_mark = convert_abbr = convert_small = _keep_inline


def to_markdown(html_text: str) -> str:
    """HTML → Markdown: ATX headings, ``-`` bullets, ``*`` emphasis."""
    soup = BeautifulSoup(html_text, "lxml")
    out: str = _Markdown(heading_style="atx", bullets="-", escape_underscores=False).convert_soup(soup)
    return re.sub(r"\n{3,}", "\n\n", out).strip() + "\n"


class BodyConverter:
    """One post's content, from WordPress HTML to Markdown; notes every change on the post."""

    def __init__(self, post: Post, item: Item, export: Export) -> None:
        self.post, self.item, self.export = post, item, export
        self.counts: Counter[tuple[str, str]] = Counter()
        self.chinese = bool(CJK_RE.search(item.title))

    def noted(self, kind: str, example: str) -> None:
        self.counts[(kind, " ".join(example.split())[:70])] += 1

    def convert(self, content: str) -> str:
        block_editor = "<!-- wp:" in content
        content = _BLOCK_COMMENT_RE.sub("", content)
        content = _MORE_RE.sub("", content)
        stash: list[str] = []

        def keep(m: re.Match[str]) -> str:
            stash.append(m.group(0))
            return f"\ue002{len(stash) - 1}\ue003"

        content = _PRE_RE.sub(keep, content)
        content = _SHORTCODE_RE.sub(self._shortcode, content)
        content = _URL_LINE_RE.sub(lambda m: f'<p><a href="{html.escape(m.group(1))}">'
                                             f"{html.escape(m.group(1))}</a></p>", content)
        content = re.sub("\ue002(\\d+)\ue003", lambda m: stash[int(m.group(1))], content)
        if not block_editor:
            content = wpautop(content)
        body = to_markdown(content)
        for (kind, example), n in sorted(self.counts.items()):
            self.post.note(kind, example, n)
        return body

    def _shortcode(self, m: re.Match[str]) -> str:
        opening, name, raw, _, inner, closing = m.groups()
        if opening == "[" and closing == "]":  # [[caption]] is how WordPress writes a literal [caption]
            return m.group(0)[1:-1]
        named, _ = shortcode_attributes(raw)
        name = name.lower()
        whole = m.group(0)
        tail = closing or ""
        if name in ("caption", "wp_caption"):
            self.noted("shortcode-rendered", "[caption] → image and caption")
            inner = inner or ""
            images = re.findall(r"<a\b[^>]*>\s*<img\b[^>]*>\s*</a>|<img\b[^>]*>", inner)
            caption = named.get("caption") or re.sub(r"<a\b[^>]*>\s*<img\b[^>]*>\s*</a>|<img\b[^>]*>", "",
                                                     inner).strip()
            return "".join(f"<p>{img}</p>" for img in images) + \
                (f"<p><em>{caption}</em></p>" if caption else "") + tail
        if name == "gallery":
            pictures = self._gallery(named)
            if pictures:
                self.noted("shortcode-rendered", f"[gallery] → {len(pictures)} images")
                return "".join(pictures) + tail
            self.noted("shortcode-removed", whole)
            return tail
        if name == "embed" and inner and inner.strip().startswith(("http://", "https://")):
            self.noted("shortcode-rendered", "[embed] → link")
            url = html.escape(inner.strip())
            return f'<p><a href="{url}">{url}</a></p>' + tail
        if name in ("audio", "video"):
            keys = ("src", "mp3", "m4a", "ogg", "wav") if name == "audio" else \
                ("src", "mp4", "webm", "ogv", "m4v")
            url = next((named[k] for k in keys if named.get(k)), "") or (inner or "").strip()
            if url.startswith(("http://", "https://")):
                self.noted("shortcode-rendered", f"[{name}] → <{name}>")
                src = html.escape(url)
                return f'<{name} controls src="{src}"><a href="{src}">{src}</a></{name}>' + tail
        if inner is None and "=" not in raw and not m.group(4):
            return whole  # [sic], [photo by Li Ming] in prose: not a shortcode
        self.noted("shortcode-removed", whole[:60])
        return (inner or "") + tail

    def _gallery(self, named: Mapping[str, str]) -> list[str]:
        ids = [i.strip() for i in named.get("ids", "").split(",") if i.strip()]
        if not ids and not named.get("ids"):
            ids = [a.id for a in self.export.attachments.values() if a.parent == self.item.id]
        pictures = []
        for number in ids:
            attachment = self.export.attachments.get(number)
            if attachment and attachment.attachment_url:
                alt = attachment.meta.get("_wp_attachment_image_alt", "") or attachment.title
                pictures.append(f'<p><img src="{html.escape(attachment.attachment_url)}" '
                                f'alt="{html.escape(alt)}"></p>')
        return pictures


# -- the import ----------------------------------------------------------------------------------


def fetch(url: str) -> bytes:
    """A picture from the old site; only http(s): an export must not make the import read local files."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"{url}: not a web address")
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:  # the scheme is checked above
        data: bytes = response.read()
    return data


def asset_path(url: str) -> str:
    """``https://old.example/wp-content/uploads/2024/05/a.jpg`` → ``assets/imported/old.example/…/a.jpg``."""
    parts = urllib.parse.urlsplit(url)
    names = [parts.netloc or "local", *urllib.parse.unquote(parts.path).split("/")]
    safe = [re.sub(r"[^\w.-]+", "-", n).strip(".-") for n in names]
    return "/".join([ASSETS_DIR, *[n for n in safe if n]])


@dataclass
class _Story:
    post: Post
    fields: dict[str, Any]
    item: Item


def import_export(path: Path, docs_dir: Path, settings: Settings, options: ImportOptions,
                  *, fetcher: Callable[[str], bytes] | None = None) -> ImportReport:
    """Convert every post of the export into ``docs_dir/<section>/``; report everything.

    Raises ``ExportError`` before writing anything when the file cannot be read.
    """
    export = read_export(path)
    shown = Path(os.path.relpath(docs_dir)).as_posix()
    report = ImportReport(path, shown, dry_run=options.dry_run, kind="posts")
    planned: set[str] = set()
    claimed: dict[str, str] = {}
    stories: list[_Story] = []
    pictures = Pictures(fetcher or fetch)
    used_authors: dict[str, str] = {}
    by_old: dict[str, str] = {}  # old address key or "?p=ID" -> docs path

    for item in export.items:
        where = f"{path.name}:{item.line}"
        if item.type != "post":
            if item.type not in ("attachment", "nav_menu_item", "revision", "custom_css",
                                 "customize_changeset", "wp_global_styles", "oembed_cache"):
                report.notes.append(Note(where, "not-a-post", f"{item.type} {item.title!r:.60}"))
            continue
        report.files += 1
        if item.password:
            report.notes.append(Note(where, "password-protected", f"{item.title!r:.60}"))
            continue
        if item.status not in PUBLISHED_STATUSES | DRAFT_STATUSES:
            report.notes.append(Note(where, "status-skipped", f"{item.status}: {item.title!r:.60}"))
            continue
        post = Post(where, path, {}, item.content, "wordpress")
        fields = _fields(item, post, settings, options)
        if fields is None:
            report.notes.extend(post.notes)
            continue
        author = export.authors.get(item.creator, item.creator)
        if author:
            fields["author"] = author
            used_authors[item.creator] = author
        post.dest = free_name(docs_dir, post.section, post.slug, planned, post)
        # The old address is the path of <link>; drafts, private and scheduled posts had none public.
        link = urllib.parse.urlsplit(item.link)
        old = clean_path(urllib.parse.unquote(link.path)) if link.path.strip("/") and not link.query else ""
        key = _url_key(old)
        if item.status == "publish" and old and key != _url_key("/" + article_url(post.dest)):
            if key in claimed:
                post.note("alias-dropped", f"{old} is kept by {claimed[key]} already")
            else:
                claimed[key] = post.dest
                post.aliases = [old]
                by_old[key] = post.dest
        if item.id:
            by_old[f"?p={item.id}"] = post.dest
        if item.comments:
            post.note("comments-dropped", "comments on the old site", item.comments)
        stories.append(_Story(post, fields, item))

    pages = {_url_key("/" + article_url(story.post.dest)) for story in stories}
    texts: list[tuple[Post, str]] = []
    for story in stories:
        post, fields = story.post, story.fields
        post.aliases = keep_free_aliases(post, docs_dir, pages, settings)
        if post.aliases:
            fields["aliases"] = post.aliases
        _lead_image(story, export, options, pictures)
        body = BodyConverter(post, story.item, export).convert(story.item.content)
        body = _relink(body, post, export.base_url, by_old)
        if options.fetch_images:
            body = pictures.in_text(body, post, export.base_url)
        text = "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=10_000) \
            + "---\n\n" + body.strip("\n") + "\n"
        article, faults = parse_article(
            post.dest, text, settings,
            exists=lambda p: p in pictures.files or (docs_dir / p).is_file())
        report.notes.extend(post.notes)
        if article is None:
            report.notes.append(Note(post.rel, "skipped", "; ".join(f.format() for f in faults)))
            continue
        report.imported.append((post.rel, post.dest))
        texts.append((post, text))
        new = "/" + article_url(post.dest)
        report.addresses.extend((alias, new) for alias in post.aliases)
        if story.item.id and story.item.status == "publish":  # for the server: ?p=ID links
            report.addresses.append((f"/?p={story.item.id}", new))

    report.map_file = options.address_map
    if options.dry_run:
        return report
    for post, text in texts:  # everything was read and converted: now write
        target = docs_dir / post.dest
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    for dest, data in sorted(pictures.files.items()):
        target = docs_dir / dest
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            report.copied.append(dest)
    merge_authors(docs_dir / AUTHORS_FILE, used_authors, path.name)
    report.write_map()
    return report


def _fields(item: Item, post: Post, settings: Settings,
            options: ImportOptions) -> dict[str, Any] | None:
    """The story's front matter (without aliases and image); None when it has no date."""
    fields: dict[str, Any] = {"title": item.title or "Untitled"}
    if not item.title:
        post.note("title-from-file-name", "no title: using 'Untitled'")
    if item.date_gmt and item.date_gmt != NO_DATE:
        try:
            moment = dt.datetime.strptime(item.date_gmt, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
        except ValueError:
            moment = None
        local = moment.astimezone(settings.timezone).replace(tzinfo=None) if moment else None
    else:  # drafts: WordPress leaves the GMT date empty; post_date is already in the site's zone
        try:
            local = dt.datetime.strptime(item.date, "%Y-%m-%d %H:%M:%S") if item.date != NO_DATE else None
        except ValueError:
            local = None
    if local is None:
        post.note("date-unreadable", f"post_date {item.date!r} is not a date: not imported")
        post.note("skipped", f"{item.title!r:.60} has no date")
        return None
    fields["date"] = date_text(local)
    summary = plain(item.excerpt)
    if summary:
        fields["summary"] = summary
    section = ""
    tags: list[str] = []
    for domain, nicename, name in item.categories:
        if domain == "post_tag" and name:
            tags.append(name)
        elif domain == "category" and name and nicename.lower() not in UNCATEGORIZED \
                and name.lower() not in UNCATEGORIZED:
            slug = section_of(name, settings, options.sections) or \
                section_of(nicename, settings, options.sections)
            if slug and not section:
                section = slug
            elif slug != section or not slug:
                tags.append(name)
                post.note("category-as-tag", f"category {name} is not a section: added as a tag")
    post.section = section or options.section
    if tags:
        fields["tags"] = list(dict.fromkeys(tags))
    if item.status in DRAFT_STATUSES:
        fields["draft"] = True
    if item.sticky:
        fields["pinned"] = True
    post.slug = slugify(urllib.parse.unquote(item.name) if item.name else item.title)
    return fields


class Pictures:
    """Pictures fetched from the old site (``--fetch-images``), each once, kept until the import writes."""

    def __init__(self, fetcher: Callable[[str], bytes]) -> None:
        self.fetcher = fetcher
        self.files: dict[str, bytes] = {}  # docs path -> the picture
        self.failed: dict[str, str] = {}  # URL -> why
        self.noted: set[tuple[str, str]] = set()  # (story, URL): each failure reported once a story

    def local(self, url: str, post: Post) -> str | None:
        """The picture's path relative to ``post``'s file; None (noted on the post) when it failed."""
        dest = asset_path(url)
        if dest not in self.files and url not in self.failed:
            try:
                data = self.fetcher(url)
                _check_picture(data)
                self.files[dest] = data
            except (OSError, ValueError) as exc:
                self.failed[url] = str(exc)
        if url in self.failed:
            if (post.rel, url) not in self.noted:
                self.noted.add((post.rel, url))
                post.note("image-fetch-failed", f"{url}: {self.failed[url]}")
            return None
        return PurePosixPath(*[".."] * (len(PurePosixPath(post.dest).parts) - 1), dest).as_posix()

    def in_text(self, body: str, post: Post, base_url: str) -> str:
        """Pictures of the old site in the story's text: fetched, and pointed at their new place."""
        host = urllib.parse.urlsplit(base_url).netloc

        def swap(m: re.Match[str]) -> str:
            url = m.group(2).strip("<>")
            parts = urllib.parse.urlsplit(url)
            if parts.scheme not in ("http", "https") or \
                    (parts.netloc != host and "/wp-content/uploads/" not in parts.path):
                return m.group(0)
            local = self.local(url, post)
            return m.group(0) if local is None else f"![{m.group(1)}]({local}{m.group(3)})"

        return _MD_IMAGE_RE.sub(swap, body)


def _lead_image(story: _Story, export: Export, options: ImportOptions, pictures: Pictures) -> None:
    """``image``/``image_alt`` from the featured image (``_thumbnail_id`` → the attachment)."""
    attachment = export.attachments.get(story.item.meta.get("_thumbnail_id", ""))
    if attachment is None or not attachment.attachment_url:
        return
    url, post = attachment.attachment_url, story.post
    alt = " ".join(attachment.meta.get("_wp_attachment_image_alt", "").split())
    if options.fetch_images:
        local = pictures.local(url, post)
        if local is None:
            return
        image = local
    elif url.startswith(("http://", "https://")):
        post.note("image-remote", url)
        image = url
    else:
        return
    story.fields["image"] = image
    story.fields["image_alt"] = alt
    if not alt:
        post.note("image-alt-missing", f"image: {url}")


def _check_picture(data: bytes) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValueError(f"not a picture ({type(exc).__name__})") from None


_MD_LINK_RE = re.compile(r"(?<!!)\[([^\]\n]*)\]\((<[^>\n]*>|[^\s()]+)((?:\s+\"[^\"\n]*\")?)\)")
_MD_IMAGE_RE = re.compile(r"!\[([^\]\n]*)\]\((<[^>\n]*>|[^\s()]+)((?:\s+\"[^\"\n]*\")?)\)")


def _relink(body: str, post: Post, base_url: str, by_old: Mapping[str, str]) -> str:
    """Links to other imported posts (by their old address or ``?p=ID``) point at their new files."""
    base = urllib.parse.urlsplit(base_url)

    def swap(m: re.Match[str]) -> str:
        target = m.group(2).strip("<>")
        parts = urllib.parse.urlsplit(target)
        if parts.netloc and parts.netloc != base.netloc:
            return m.group(0)
        query = urllib.parse.parse_qs(parts.query).get("p", [""])[0]
        dest = by_old.get(f"?p={query}") if query else by_old.get(_url_key(urllib.parse.unquote(parts.path)))
        if not dest or (not parts.netloc and not parts.path.startswith("/") and not query):
            return m.group(0)
        rel = PurePosixPath(*[".."] * (len(PurePosixPath(post.dest).parts) - 1), dest).as_posix()
        anchor = f"#{parts.fragment}" if parts.fragment else ""
        return f"[{m.group(1)}]({rel}{anchor}{m.group(3)})"

    return _MD_LINK_RE.sub(swap, body)


def merge_authors(path: Path, authors: Mapping[str, str], source: str) -> list[str]:
    """Add the imported posts' authors (display names) to ``authors.yml``; keep what is there.

    The new entries are appended as text, so the file's own comments and order stay.
    """
    existing: Any = None
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if text.strip():
        try:
            existing = yaml.safe_load(text)
        except yaml.YAMLError:
            return []  # the build reports the broken file; the import does not touch it
    nested = isinstance(existing, Mapping) and set(existing) == {"authors"}
    people = existing["authors"] if nested else existing if isinstance(existing, Mapping) else {}
    names = {str(v.get("name", "")).casefold() for v in people.values() if isinstance(v, Mapping)}
    slugs = set(map(str, people))
    added: dict[str, dict[str, str]] = {}
    for login, name in sorted(authors.items(), key=lambda x: x[1]):
        if name.casefold() in names:
            continue
        slug = slugify(login) if SLUG_RE.match(slugify(login)) and not CJK_RE.search(login) else slugify(name)
        base, n = slug, 1
        while slug in slugs or slug in added:
            n += 1
            slug = f"{base}-{n}"
        added[slug] = {"name": name}
        names.add(name.casefold())
    if not added:
        return []
    block = yaml.safe_dump(added, allow_unicode=True, sort_keys=False)
    if nested:
        block = "".join(f"  {line}" for line in block.splitlines(keepends=True))
    prefix = "" if not text or text.endswith("\n") else "\n"
    head = f"{prefix}# Imported from {source}: add title, bio and avatar as you like.\n"
    if not text.strip():
        head = f"# Imported from {source}: add title, bio and avatar as you like.\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + head + block, encoding="utf-8")
    return list(added)
