"""One article: its front matter read, checked and normalised into plain values."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler

from . import aliases, text
from .dates import DATE_FORMS, DateError, parse_date
from .errors import Fault, describe
from .settings import LANGUAGES, Settings
from .tags import tag_problem

KNOWN_FIELDS = frozenset({
    "title", "date", "updated", "author", "authors", "source", "section", "tags", "summary",
    "dateline", "image", "image_alt", "lang", "pinned", "draft",
    "wechat_promo", "related", "expires", "deck", "subtitle", *aliases.FIELDS,
})
TAG_SEPARATORS = re.compile(r"[,，、]")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class TextDateLoader(yaml.SafeLoader):
    """YAML's safe loader, less its timestamps: ``date: 2026-03-14`` stays the text it is, so
    ``date: 2026-13-45`` is one bad date among the file's faults (``dates.parse_date`` reads
    it), not a loader crash that hides them all."""


TextDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# The same loader over libyaml's parser (when PyYAML was built with it): about eight times
# faster on a story's front matter. Its constructor and resolvers are the Python ones above, so
# what it reads is the same; what it cannot read is read again by ``TextDateLoader``, whose
# messages (line, problem) are the ones editors see.
_FastLoader: type[Any] | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _FastTextDateLoader(yaml.CSafeLoader):
        """``TextDateLoader`` with libyaml's scanner and parser."""

    _FastTextDateLoader.yaml_implicit_resolvers = TextDateLoader.yaml_implicit_resolvers
    _FastLoader = _FastTextDateLoader


class _YAMLHandler(YAMLHandler):
    """python-frontmatter's YAML handler, reading with ``TextDateLoader``."""

    def load(self, fm: str, **kwargs: object) -> Any:
        if _FastLoader is not None:
            try:
                return super().load(fm, Loader=_FastLoader, **kwargs)
            except Exception:  # read again below: its message is the one editors see
                pass
        return super().load(fm, Loader=TextDateLoader, **kwargs)


def _front_matter(source: str) -> Any:
    """python-frontmatter's post; YAML front matter read with dates as text."""
    handler = frontmatter.detect_format(source, frontmatter.handlers)
    if isinstance(handler, YAMLHandler):
        handler = _YAMLHandler()
    return frontmatter.loads(source, handler=handler)
SUMMARY_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Article:
    """A story, as templates and later stages see it: plain, validated, timezone-aware values."""

    src_uri: str  # path below docs/, POSIX separators: "news/plant-opens.md"
    url: str  # site-relative URL: "news/plant-opens/"
    title: str
    date: dt.datetime
    updated: dt.datetime | None
    authors: tuple[str, ...]
    source: str
    section: str
    tags: tuple[str, ...]
    summary: str  # the editor's summary, else the first paragraph, shortened
    standfirst: str  # the editor's own summary only: shown under the headline
    dateline: str
    image: str  # site-relative path ("assets/images/x.svg") or an https URL; "" when none
    image_alt: str
    lang: str
    pinned: bool
    draft: bool
    reading_minutes: int
    body: str = field(repr=False)  # the Markdown after the front matter
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False)
    wechat_promo: bool | str = True  # false: no WeChat promo; text: this story's own promo line
    # True: chosen automatically; False: no block; a tuple: the paths the editor pinned, first.
    related: tuple[str, ...] | bool = True
    aliases: tuple[str, ...] = ()  # old site-relative addresses that redirect here (aliases.py)
    expires: dt.datetime | None = None  # after it the story is gone from the build
    deck: str = ""  # the subheadline under the headline (Hugo's deck, Jekyll's subtitle)

    @property
    def modified(self) -> dt.datetime:
        return self.updated or self.date


def article_url(src_uri: str, *, directory_urls: bool = True) -> str:
    """The URL MkDocs gives the page built from ``src_uri``."""
    path = PurePosixPath(src_uri)
    if path.stem in ("index", "README"):
        folder = str(path.parent)
        return "" if folder == "." else folder + "/"
    if directory_urls:
        return str(path.with_suffix("")) + "/"
    return str(path.with_suffix(".html"))


def key_lines(source: str) -> dict[str, int]:
    """Line number of each top-level front-matter key, for messages that point at the line."""
    lines: dict[str, int] = {}
    for number, line in enumerate(source.splitlines()[1:], start=2):
        if line.strip() in ("---", "+++"):
            break
        match = re.match(r"([A-Za-z_][\w-]*)\s*:", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


def parse_article(
    src_uri: str,
    source: str,
    settings: Settings,
    *,
    exists: Any = None,
    directory_urls: bool = True,
) -> tuple[Article | None, list[Fault]]:
    """Read one article file's text; return the article, or None and every fault found.

    ``exists(path)`` tells whether a site-relative file exists (for ``image``); None skips it.
    """
    source = source.removeprefix("\ufeff")
    try:
        post = _front_matter(source)
    except yaml.YAMLError as exc:
        # Where the broken construct starts (an unclosed "[" say), else where the parser gave up.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        # python-frontmatter hands YAML the text after "---" with that line's newline in front,
        # so YAML's 0-based line n is line n + 1 of the file.
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Fault(src_uri, line, "front matter", f"broken YAML: {problem}",
                            "check quotes and indentation; quote values that contain a colon")]
    except Exception as exc:
        return None, [Fault(src_uri, 1, "front matter", f"cannot be read: {exc}",
                            "start the file with --- on its own line, the fields, then ---")]
    meta: dict[str, Any] = dict(post.metadata)
    lines = key_lines(source)
    checker = _Checker(src_uri, lines)
    folder = PurePosixPath(src_uri).parts[0]

    title = checker.text(meta, "title", required=True, fix='add e.g. title: "Plant opens in Hefei"')
    date = checker.date(meta, "date", settings, required=True)
    updated = checker.date(meta, "updated", settings, required=False)
    if date and updated and updated < date:
        checker.fault("updated", f"{updated.isoformat()} is before date {date.isoformat()}",
                      "updated must be the same as or later than date")
        updated = None
    authors = checker.authors(meta)
    source_name = checker.text(meta, "source", fix="write source: Motor Ledger") or settings.publisher
    section = checker.text(meta, "section", fix="write section: news") or folder
    if settings.section(section) is None:
        known = ", ".join(s.slug for s in settings.sections)
        field_name = "section" if "section" in meta else "section (from the folder)"
        checker.fault(field_name, f"{section!r} is not a section of this site",
                      f"move the file into one of: {known}, or add the section to mkdocs.yml")
    tags = checker.tags(meta)
    for tag in tags:  # a tag must have a URL: no "..", "/" or punctuation-only names
        if problem := tag_problem(tag, settings.tag_aliases):
            checker.fault("tags", problem, "give the tag a name with letters or digits, or remove it")
    standfirst = checker.text(meta, "summary", fix="write one sentence of plain text")
    deck = checker.deck(meta)  # a summary's stand-in for cards, feeds and meta descriptions
    summary = text.shorten(standfirst or deck or text.first_paragraph(post.content), SUMMARY_LIMIT)
    dateline = checker.text(meta, "dateline", fix="write e.g. dateline: Shanghai")
    image = checker.image(meta, src_uri, exists)
    image_alt = checker.text(meta, "image_alt", fix="describe the picture in a sentence")
    if image and "image_alt" not in meta:
        checker.fault("image_alt", "is required when image is set",
                      "describe the picture for readers who cannot see it, or write image_alt: '' "
                      "if it is decoration")
    lang = checker.text(meta, "lang", fix="write lang: zh, lang: zh-Hant or lang: en") or settings.language
    if lang not in LANGUAGES:
        checker.fault("lang", f"{lang!r} is not supported", f"use one of {', '.join(LANGUAGES)}")
    pinned = checker.flag(meta, "pinned")
    draft = checker.flag(meta, "draft")
    wechat_promo = meta.get("wechat_promo", True)
    if isinstance(wechat_promo, str) and wechat_promo.strip():
        wechat_promo = " ".join(wechat_promo.split())
    elif not isinstance(wechat_promo, bool):
        checker.fault("wechat_promo",
                      f"expected true, false or one line of text, got {describe(wechat_promo)}",
                      "write wechat_promo: false to leave out the WeChat promo, or the line to show")
        wechat_promo = True
    related = checker.related(meta)
    expires = checker.date(meta, "expires", settings, required=False)
    if date and expires and expires <= date:
        checker.fault("expires", f"{expires.isoformat()} is not after date {date.isoformat()}",
                      "expires is when the story comes down: a time after date, or remove it")
        expires = None
    old_urls = checker.aliases(meta)

    if checker.faults or date is None:
        return None, checker.faults
    return Article(
        src_uri=src_uri, url=article_url(src_uri, directory_urls=directory_urls), title=title,
        date=date, updated=updated, authors=authors, source=source_name, section=section,
        tags=tags, summary=summary, standfirst=standfirst, dateline=dateline, image=image,
        image_alt=image_alt,
        lang=lang, pinned=pinned, draft=draft, reading_minutes=text.reading_minutes(post.content),
        body=post.content, extra={k: v for k, v in meta.items() if k not in KNOWN_FIELDS},
        wechat_promo=wechat_promo,
        related=related, aliases=old_urls, expires=expires, deck=deck,
    ), []


class _Checker:
    """Reads fields of one article, collecting a fault for each bad one."""

    def __init__(self, src_uri: str, lines: dict[str, int]) -> None:
        self.src_uri, self.lines = src_uri, lines
        self.faults: list[Fault] = []

    def fault(self, name: str, message: str, fix: str) -> None:
        key = name.split(" ")[0]
        self.faults.append(Fault(self.src_uri, self.lines.get(key), name, message, fix))

    def text(self, meta: Mapping[str, Any], name: str, *, fix: str, required: bool = False) -> str:
        value = meta.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fault(name, "is required", fix)
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fault(name, f"expected text, got {describe(value)}", fix)
            return ""
        return " ".join(str(value).split())

    def flag(self, meta: Mapping[str, Any], name: str) -> bool:
        value = meta.get(name, False)
        if not isinstance(value, bool):
            self.fault(name, f"expected true or false, got {describe(value)}", f"write {name}: true")
            return False
        return value

    def date(
        self, meta: Mapping[str, Any], name: str, settings: Settings, *, required: bool
    ) -> dt.datetime | None:
        if meta.get(name) in (None, ""):
            if required:
                self.fault(name, "is required", f"add {name}: 2025-03-14 09:30 (site time zone) "
                           "or with an offset, 2025-03-14T09:30+08:00")
            return None
        try:
            return parse_date(meta[name], settings.timezone)
        except DateError as exc:
            self.fault(name, str(exc), f"write it as {DATE_FORMS}")
            return None

    def authors(self, meta: Mapping[str, Any]) -> tuple[str, ...]:
        if "author" in meta and "authors" in meta:
            self.fault("authors", "both author and authors are set", "keep one of them")
            return ()
        name = "authors" if "authors" in meta else "author"
        value = meta.get(name)
        if value is None or value == "":
            return ()
        items = value if isinstance(value, list) else [value]
        names: list[str] = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, (str, int)):
                self.fault(name, f"expected a name or a list of names, got {describe(item)}",
                           f"write {name}: [Li Ming, Anna Berg]")
                return ()
            names.extend(p.strip() for p in str(item).split("、") if p.strip())
        return tuple(dict.fromkeys(" ".join(n.split()) for n in names))

    def tags(self, meta: Mapping[str, Any]) -> tuple[str, ...]:
        value = meta.get("tags")
        if value is None or value == "":
            return ()
        if isinstance(value, str):
            items: list[Any] = TAG_SEPARATORS.split(value)
        elif isinstance(value, list):
            items = value
        else:
            self.fault("tags", f"expected a list or text, got {describe(value)}",
                       "write tags: [EV, batteries] or tags: 新能源、电池")
            return ()
        tags: list[str] = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.fault("tags", f"a tag must be text, got {describe(item)}",
                           "write each tag as text; quote it if it looks like something else")
                continue
            tag = " ".join(str(item).split())
            if tag:
                tags.append(tag)
        return tuple(dict.fromkeys(tags))

    def related(self, meta: Mapping[str, Any]) -> tuple[str, ...] | bool:
        """``related: false``, or a list of story paths to pin (checked against the catalog later)."""
        value = meta.get("related", True)
        fix = "write related: [../economy/rates.md, other-story.md] or related: false"
        if isinstance(value, bool):
            return value
        if value is None or value == []:
            return True
        items = value if isinstance(value, list) else [value]
        paths: list[str] = []
        for item in items:
            if not isinstance(item, str) or not item.strip():
                self.fault("related", f"expected the path of a story, got {describe(item)}", fix)
                return True
            path = item.strip()
            if not path.endswith(".md") or "\\" in path or ":" in path:
                self.fault("related", f"{path!r:.80} is not the path of a story's .md file", fix)
                return True
            paths.append(path)
        return tuple(dict.fromkeys(paths))

    def deck(self, meta: Mapping[str, Any]) -> str:
        """``deck`` (Hugo's news subheadline), or ``subtitle`` (Jekyll's) read as the same."""
        if meta.get("deck") not in (None, "") and meta.get("subtitle") not in (None, ""):
            self.fault("subtitle", "both deck and subtitle are set", "keep one of them")
            return ""
        name = "subtitle" if meta.get("deck") in (None, "") and "subtitle" in meta else "deck"
        return self.text(meta, name, fix=f"write {name}: one line under the headline")

    def aliases(self, meta: Mapping[str, Any]) -> tuple[str, ...]:
        """Old addresses: each a normalised site-relative URL (see aliases.normalise)."""
        name, paths, problems = aliases.read(meta)
        for problem in problems:
            self.fault(name, problem, aliases.FIX)
        urls: list[str] = []
        for path in paths:
            try:
                urls.append(aliases.normalise(path))
            except aliases.AliasError as exc:
                self.fault(name, str(exc), aliases.FIX)
        return tuple(dict.fromkeys(urls))

    def image(self, meta: Mapping[str, Any], src_uri: str, exists: Any) -> str:
        value = self.text(meta, "image", fix="write image: ../assets/images/plant.jpg")
        if not value:
            return ""
        if value.startswith("https://") or value.startswith("http://"):
            return value
        if ":" in value or "\\" in value or "\x00" in value:
            self.fault("image", f"{value!r:.80} is not a path or an http(s) URL",
                       "write a path relative to the article, e.g. ../assets/images/plant.jpg")
            return ""
        base = PurePosixPath() if value.startswith("/") else PurePosixPath(src_uri).parent
        parts: list[str] = []
        for part in (base / value.lstrip("/")).parts:
            if part == "..":
                if not parts:
                    self.fault("image", f"{value!r:.80} points outside docs/",
                               "keep images inside the docs folder")
                    return ""
                parts.pop()
            elif part != ".":
                parts.append(part)
        resolved = "/".join(parts)
        if exists is not None and not exists(resolved):
            self.fault("image", f"file {resolved!r} does not exist",
                       "add the image under docs/ or fix the path (relative to the article)")
            return ""
        return resolved
