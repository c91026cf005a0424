"""`masthead import`: Hugo, Jekyll (and Eleventy) or Pelican posts become Masthead stories.

Front matter — YAML ``---``, TOML ``+++``, JSON ``{…}`` or Pelican's ``Key: value`` header — is
mapped to Masthead's fields; what has no counterpart is kept under ``imported:`` in the new file
and listed in the report. Liquid (``{{ … }}``, ``{% … %}``) and Hugo shortcodes (``{{< … >}}``,
``{{% … %}}``) never reach the build: each is rendered as text (an image, a link, a code block)
or removed, and every one is reported with the file it was in. Every converted story is checked
with the build's own article parser before it is written, so an import never breaks the build.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from . import aliases
from . import text as mtext
from .article import article_url, parse_article
from .dates import DateError, build_time, parse_date
from .newsroom import Newsroom
from .newstory import is_free
from .oldsite import OldSite, PostFacts, clean_path, old_address, read_old_site
from .settings import Settings
from .slugs import slugify

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn"})
OTHER_CONTENT_SUFFIXES = frozenset({".html", ".htm", ".rst", ".adoc", ".asciidoc", ".org", ".rmd",
                                    ".ipynb", ".textile"})
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif")
ASSETS_DIR = "assets/imported"
HUGO_FILES = frozenset({"hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml",
                        "config.yml"})
JEKYLL_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")

# What each kind of note means; the report counts them and the editor's guide lists them.
KINDS: dict[str, str] = {
    "liquid-rendered": "a Liquid tag or {{ … }} was replaced by its text, link or image",
    "liquid-removed": "a Liquid tag or {{ … }} had no meaning outside the old site and was removed",
    "shortcode-rendered": "a Hugo or WordPress shortcode was replaced by its text, link, image or code block",
    "shortcode-removed": "a Hugo or WordPress shortcode had no meaning outside the old site and was removed",
    "field-unmapped": "front-matter fields with no Masthead counterpart, kept under imported:",
    "category-as-tag": "a category that is not a section of this site became a tag",
    "date-from-file-name": "no date in the front matter: taken from the file name (YYYY-MM-DD-…)",
    "date-from-file-time": "no date anywhere: the file's modification time was used",
    "date-unreadable": "a date could not be read and was left out",
    "updated-before-date": "the last-modified date was before the publication date and was dropped",
    "title-from-file-name": "no title: made from the file name",
    "front-matter-repaired": "tabs or stray spaces in the front matter were replaced so YAML reads it",
    "image-not-found": "an image was not in the imported folder: removed (or pointed at --source-url)",
    "image-alt-missing": "the lead image had no description: image_alt is empty, please describe it",
    "link-unresolved": "a link to a page that was not imported: kept as text (or pointed at --source-url)",
    "renamed": "the file name was taken: a suffix was added",
    "expired": "its expiry date has passed: not imported (--keep-expired imports it without the date)",
    "expiry-dropped": "its expiry date has passed: imported without it (--keep-expired)",
    "alias-dropped": "an old address was left out of aliases (the story's own, another's, or not a path)",
    "password-protected": "a password-protected post: not imported (publish it openly by hand if wanted)",
    "not-a-post": "a page or another kind of item, not a post: not imported",
    "status-skipped": "trashed or automatic drafts: not imported",
    "comments-dropped": "reader comments are not part of a static site: dropped",
    "image-remote": "the lead picture stays on the old site (--fetch-images copies it into docs/)",
    "image-fetch-failed": "no picture fetched: a featured one is left out, one in the text keeps its old URL",
    "skipped": "not imported (not a Markdown post, or its front matter could not be read)",
}


@dataclass(frozen=True)
class ImportOptions:
    section: str
    flavour: str = "auto"  # auto | hugo | jekyll | pelican
    source_url: str = ""  # the old site, e.g. https://18f.gsa.gov
    dry_run: bool = False
    permalink: str = ""  # the old site's address rule, in its own syntax, when its configuration is missing
    keep_expired: bool = False
    sections: Mapping[str, str] = field(default_factory=dict)  # category name -> section slug
    address_map: Path | None = None  # where the CSV of old -> new addresses goes
    fetch_images: bool = False  # WordPress: download pictures instead of linking to the old site


@dataclass(frozen=True)
class Note:
    file: str  # below the imported folder
    kind: str
    message: str
    count: int = 1


@dataclass
class ImportReport:
    source: Path
    target: str  # "docs/news" as shown
    files: int = 0
    imported: list[tuple[str, str]] = field(default_factory=list)  # (source file, new docs path)
    notes: list[Note] = field(default_factory=list)
    unmapped: Counter[str] = field(default_factory=Counter)
    copied: list[str] = field(default_factory=list)
    dry_run: bool = False
    addresses: list[tuple[str, str]] = field(default_factory=list)  # (old path, new path), for the CSV
    map_file: Path | None = None
    kind: str = "files"  # what was counted: "files" or "posts" (WordPress)

    def counts(self) -> dict[str, tuple[int, int]]:
        """``kind -> (occurrences, files)`` in the order of ``KINDS``."""
        times: Counter[str] = Counter()
        files: dict[str, set[str]] = defaultdict(set)
        for note in self.notes:
            times[note.kind] += note.count
            files[note.kind].add(note.file)
        return {k: (times[k], len(files[k])) for k in KINDS if times[k]}

    def lines(self) -> list[str]:
        out = [f"{n.file}: {n.kind}: {n.message}" + (f" (×{n.count})" if n.count > 1 else "")
               for n in sorted(self.notes, key=lambda n: (n.file, n.kind, n.message))]
        verb = "would import" if self.dry_run else "imported"
        out.append(f"{verb} {len(self.imported)} of {self.files} {self.kind} from {self.source} into "
                   f"{self.target}/" + (f", and {len(self.copied)} images" if self.copied else ""))
        for kind, (times, files) in self.counts().items():
            out.append(f"  {kind}: {times} in {files} file{'s' if files != 1 else ''} — {KINDS[kind]}")
        if self.unmapped:
            ranked = sorted(self.unmapped.items(), key=lambda x: (-x[1], x[0]))
            fields = ", ".join(f"{k[:40]} ×{n}" for k, n in ranked)
            out.append(f"  fields kept under imported: {fields}")
        if self.map_file is not None:
            verb = "would write" if self.dry_run else "wrote"
            out.append(f"address map: {verb} {len(self.addresses)} old addresses → {self.map_file} "
                       "(columns old,new); after the build, `masthead check --redirects` confirms them")
        return out

    def write_map(self) -> None:
        """The address map as CSV (``old,new``), for the web server's or the CDN's redirect rules."""
        if self.map_file is None or self.dry_run:
            return
        self.map_file.parent.mkdir(parents=True, exist_ok=True)
        with self.map_file.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["old", "new"])
            writer.writerows(sorted(set(self.addresses)))


# -- reading a post --------------------------------------------------------------------------------


class FrontMatterError(ValueError):
    pass


@dataclass
class Post:
    """One source file, read: its metadata, its Markdown and how it was written."""

    rel: str  # path below the imported folder, POSIX
    path: Path
    meta: dict[str, Any]
    body: str
    flavour: str  # hugo | jekyll | pelican
    slug: str = ""
    section: str = ""
    dest: str = ""  # below docs/: news/slug.md
    notes: list[Note] = field(default_factory=list)
    date: dt.datetime | dt.date | None = None  # as read, for the old address
    categories: list[str] = field(default_factory=list)
    expired: bool = False  # its expiry date has passed (and --keep-expired was not given)
    aliases: list[str] = field(default_factory=list)  # its old addresses, paths from the site root

    def note(self, kind: str, message: str, count: int = 1) -> None:
        self.notes.append(Note(self.rel, kind, message, count))


def normalise_newlines(raw: str) -> str:
    return raw.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(source: str) -> tuple[str, str, str]:
    """``(format, front matter text, body)``; format is yaml, toml, json, pelican or ""."""
    if source.startswith("---\n") or source.startswith("---\r"):
        match = re.match(r"---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|$)", source, re.DOTALL)
        if match:
            return "yaml", match.group(1) or "", source[match.end():]
    if source.startswith("+++"):
        match = re.match(r"\+\+\+[ \t]*\n(.*?\n)?\+\+\+[ \t]*(?:\n|$)", source, re.DOTALL)
        if match:
            return "toml", match.group(1) or "", source[match.end():]
    if source.startswith("{"):
        try:
            _, end = json.JSONDecoder().raw_decode(source)
            return "json", source[:end], source[end:].lstrip("\n")
        except json.JSONDecodeError:
            pass
    if re.match(r"[A-Za-z][\w-]*:[ \t]", source):
        head, _, body = source.partition("\n\n")
        lines = head.split("\n")
        if all(re.match(r"[A-Za-z][\w -]*:(\s|$)|\s+\S", line) for line in lines) and any(
            line.lower().startswith("title:") for line in lines
        ):
            return "pelican", head, body
    return "", "", source


def parse_front_matter(kind: str, head: str) -> tuple[dict[str, Any], bool]:
    """Metadata of ``head``; True if the YAML had to be repaired (tabs) to be read."""
    if kind == "toml":
        try:
            return tomllib.loads(head), False
        except tomllib.TOMLDecodeError as exc:
            raise FrontMatterError(f"TOML: {exc}") from None
    if kind == "json":
        value = json.loads(head)
        if not isinstance(value, dict):
            raise FrontMatterError("JSON front matter is not an object")
        return value, False
    if kind == "pelican":
        meta: dict[str, Any] = {}
        key = ""
        for line in head.split("\n"):
            if not line.strip():
                continue
            if line[:1].isspace() and key:
                meta[key] = f"{meta[key]} {line.strip()}".strip()
                continue
            name, _, value = line.partition(":")
            key = name.strip().lower()
            meta[key] = value.strip()
        return meta, False
    try:
        loaded = yaml.safe_load(head)
        repaired = False
    except yaml.YAMLError:
        loaded = _yaml_repaired(head)
        repaired = True
    if loaded is None:
        return {}, repaired
    if not isinstance(loaded, dict):
        raise FrontMatterError("the front matter is not a list of fields")
    return {str(k): v for k, v in loaded.items()}, repaired


def _yaml_repaired(head: str) -> Any:
    """YAML forbids tabs for indentation and stumbles on some trailing ones: replace them."""
    lines = []
    for line in head.split("\n"):
        stripped = line.rstrip()
        indent = len(stripped) - len(stripped.lstrip(" \t"))
        lines.append(stripped[:indent].replace("\t", "  ") + stripped[indent:].replace("\t", " "))
    try:
        return yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise FrontMatterError(f"broken YAML{where}: {getattr(exc, 'problem', exc)}") from None


def guess_flavour(folder: Path) -> str:
    """hugo, jekyll or pelican from the site's configuration files above ``folder``; "" if none."""
    for parent in [folder, *folder.parents][:6]:
        names = {p.name for p in parent.iterdir()} if parent.is_dir() else set()
        if names & HUGO_FILES or (parent / "archetypes").is_dir() or (parent / "config/_default").is_dir():
            return "hugo"
        if names & {"_config.yml", "_config.yaml", ".eleventy.js", "eleventy.config.js", ".eleventy.cjs"}:
            return "jekyll"
        if names & {"pelicanconf.py", "publishconf.py"}:
            return "pelican"
    return ""


def site_root(folder: Path) -> Path | None:
    """The old site's root (where its configuration is), to find images given as /path."""
    for parent in [folder, *folder.parents][:6]:
        if any((parent / n).exists() for n in ("hugo.toml", "config.toml", "_config.yml", ".eleventy.js",
                                                 "eleventy.config.js", "pelicanconf.py", "hugo.yaml",
                                                 "hugo.yml", "config.yaml", "config.yml", "config/_default")):
            return parent
    return None


# -- values ------------------------------------------------------------------------------------------


def read_date(value: Any, zone: Any) -> dt.datetime | dt.date | None:
    """A date from YAML/TOML values or the text forms blogs use; None when unreadable."""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, dt.time) or value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    # "2016-09-27 14:00:00 -4" (YAML allows one-digit offsets) → "-0400".
    text = re.sub(r"\s*([+-])(\d{1,2})(?::?(\d{2}))?$",
                  lambda m: f" {m.group(1)}{int(m.group(2)):02d}{m.group(3) or '00'}", text) \
        if re.search(r"\d:\d{2}(:\d{2}(\.\d+)?)?\s*[+-]\d{1,2}(:?\d{2})?$", text) else text
    try:
        parsed = parse_date(text, zone)
    except DateError:
        pass
    else:
        if re.fullmatch(r"\d{4}[-/]\d{1,2}[-/]\d{1,2}", text):
            return parsed.date()
        # Without an offset it stays without one: the site's zone reads it, as it would read ours.
        has_offset = re.search(r"(Z|[+-]\d{2}:?\d{2})$", text, re.IGNORECASE)
        return parsed if has_offset else parsed.replace(tzinfo=None)
    for form in ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d %H:%M:%S %z", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, form)
        except ValueError:
            continue
    return None


def date_text(value: dt.datetime | dt.date) -> str:
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    if value.tzinfo is not None:
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")


def as_moment(value: dt.datetime | dt.date, zone: Any) -> dt.datetime:
    return parse_date(value, zone)


def names_of(value: Any) -> list[str]:
    """Author names from a string ("A, B"), a list, or mappings with a name."""
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, Mapping):
            item = item.get("name") or item.get("display_name") or item.get("title") or ""
        if isinstance(item, str) and "," in item and not isinstance(value, list):
            names.extend(p.strip() for p in item.split(","))
        elif item not in (None, ""):
            names.append(" ".join(str(item).split()))
    return [n for n in names if n]


def tags_of(value: Any, flavour: str) -> list[str]:
    """Tags from a list, or from a string: Jekyll splits on spaces, others on commas."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        if "," in value or "，" in value or "、" in value:
            items: list[Any] = re.split(r"[,，、]", value)
        elif flavour == "jekyll":
            items = value.split()
        else:
            items = [value]
    elif isinstance(value, list):
        items = value
    else:
        items = [value]
    tags = [" ".join(str(t).split()) for t in items
            if t not in (None, "") and not isinstance(t, Mapping | list)]
    return list(dict.fromkeys(t for t in tags if t))


def plain(value: Any) -> str:
    """A summary as one line of plain text: no Markdown, HTML or template syntax."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return ""
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", str(value), flags=re.DOTALL)
    return mtext.plain_inline(text)


def yaml_safe(value: Any) -> Any:
    """Values of fields kept under imported: as plain YAML (dates as text)."""
    if isinstance(value, Mapping):
        return {str(k): yaml_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [yaml_safe(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


# -- front matter mapping --------------------------------------------------------------------------

TITLE = ("title",)
# Hugo's publishDate wins over date.
DATES = ("publishdate", "publish_date", "pubdate", "published_at", "date")
UPDATED = ("lastmod", "last_modified_at", "modified", "updated", "updated_at")
SUMMARY = ("summary", "description", "excerpt")
DECKS = ("deck", "subtitle", "subheadline", "subhead")
EXPIRES = ("expirydate", "expiry_date", "expires", "expiration_date", "unpublishdate")
OLD_ADDRESSES = ("url", "permalink", "aliases", "redirect_from")  # made into aliases by old_addresses()
AUTHORS = ("authors", "author")
CATEGORIES = ("categories", "category")
IMAGES = ("image", "featured_image", "cover_image", "thumbnail", "images", "cover")
ALTS = ("image_alt", "alt")
LANGS = ("lang", "language", "locale")
SLUGS = ("slug",)
CONSUMED_ALWAYS = frozenset({"draft", "published", "status", "tags"})


def map_front_matter(
    post: Post, settings: Settings, default_section: str, *,
    taxonomies: Iterable[str] = ("tags", "categories"), sections: Mapping[str, str] | None = None,
    now: dt.datetime | None = None, keep_expired: bool = False,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(Masthead fields, fields kept under imported:)``. Images and aliases are added later.

    ``taxonomies`` are the front-matter fields the old site declared as taxonomies: their values
    become tags, or the section when they name one (``sections`` maps names to section slugs).
    A post whose expiry date is before ``now`` is marked ``expired`` unless ``keep_expired``.
    """
    meta = {_norm(k): v for k, v in post.meta.items()}
    used: set[str] = set(IMAGES) | set(ALTS) | set(OLD_ADDRESSES)  # mapped by lead_image(), old_addresses()
    out: dict[str, Any] = {}

    def first(keys: Iterable[str]) -> tuple[str, Any]:
        for key in keys:
            if meta.get(key) not in (None, "", []):
                return key, meta[key]
        return "", None

    _, title = first(TITLE)
    used.add("title")
    if isinstance(title, str | int | float) and str(title).strip():
        out["title"] = " ".join(str(title).split())
    else:
        out["title"] = _title_from_name(post)
        post.note("title-from-file-name", f"no title: using {out['title']!r}")

    date_key, raw_date = first(DATES)
    used.update(DATES)
    date = read_date(raw_date, settings.timezone) if date_key else None
    if date_key and date is None:
        post.note("date-unreadable", f"{date_key}: {str(raw_date)!r:.60} is not a date")
    if date is None:
        match = JEKYLL_NAME.match(PurePosixPath(post.rel).stem)
        if match:
            try:
                date = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
                post.note("date-from-file-name", f"date {date.isoformat()} from the file name")
            except ValueError:
                date = None
    if date is None:
        moment = dt.datetime.fromtimestamp(post.path.stat().st_mtime, settings.timezone).replace(tzinfo=None)
        date = moment.replace(second=0, microsecond=0)
        post.note("date-from-file-time", f"no date: using the file's time {date_text(date)}")
    out["date"] = date_text(date)
    post.date = date

    up_key, raw_updated = first(UPDATED)
    used.update(UPDATED)
    updated = _noted_date(post, up_key, raw_updated, settings)
    if updated is not None:
        if as_moment(updated, settings.timezone) < as_moment(date, settings.timezone):
            post.note("updated-before-date", f"{up_key} {date_text(updated)} is before {out['date']}")
        elif as_moment(updated, settings.timezone) > as_moment(date, settings.timezone):
            out["updated"] = date_text(updated)

    _, names = first(AUTHORS)
    used.update(AUTHORS)
    authors = names_of(names)
    if len(authors) == 1:
        out["author"] = authors[0]
    elif authors:
        out["authors"] = authors

    deck_key, deck = first(DECKS)
    if deck_key and plain(deck):
        used.add(deck_key)
        out["deck"] = plain(deck)

    exp_key, raw_expires = first(EXPIRES)
    used.update(EXPIRES)
    expires = _noted_date(post, exp_key, raw_expires, settings)
    if expires is not None:
        if now is not None and as_moment(expires, settings.timezone) <= now:
            if keep_expired:
                post.note("expiry-dropped", f"{exp_key} {date_text(expires)} has passed")
            else:
                post.expired = True
                post.note("expired", f"{exp_key} {date_text(expires)} has passed")
        else:
            out["expires"] = date_text(expires)

    sum_key, summary = first(SUMMARY)
    if sum_key:
        used.add(sum_key)
        text = plain(summary)
        if text:
            out["summary"] = text
        # description and excerpt are often the same text: the copy is not worth keeping.
        for other in SUMMARY:
            if other != sum_key and plain(meta.get(other)) == text:
                used.add(other)

    categories = tags_of(first(CATEGORIES)[1], "jekyll" if post.flavour == "jekyll" else "hugo")
    post.categories = categories
    used.update(CATEGORIES)
    # Other taxonomies the old site declared (Hugo's `topics`): read like categories.
    for name in taxonomies:
        key = _norm(name)
        if key not in ("tags", "categories", "category") and key in meta:
            used.add(key)
            categories = [*categories, *tags_of(meta[key], post.flavour)]
    section = ""
    extra_tags: list[str] = []
    for category in categories:
        slug = section_of(category, settings, sections or {})
        if not section and slug:
            section = slug
        elif slug != section or not slug:
            extra_tags.append(category)
    if extra_tags:
        post.note("category-as-tag", f"categories {', '.join(extra_tags)} are not sections: added as tags")
    post.section = section or default_section
    tags = list(dict.fromkeys([*tags_of(meta.get("tags"), post.flavour), *extra_tags]))
    if tags:
        out["tags"] = tags

    _, lang = first(LANGS)
    if isinstance(lang, str) and lang.lower()[:2] in ("zh", "en"):
        used.update(k for k in LANGS if k in meta)
        if lang.lower()[:2] != settings.language:
            out["lang"] = lang.lower()[:2]

    draft = meta.get("draft") is True or str(meta.get("draft")).lower() == "true" \
        or meta.get("published") is False or str(meta.get("status", "")).lower() == "draft" \
        or "_drafts" in PurePosixPath(post.rel).parts
    if draft:
        out["draft"] = True
    used.update(CONSUMED_ALWAYS - ({"status"} if str(meta.get("status", "")).lower() not in
                                   ("draft", "published", "") else set()))
    _, slug = first(SLUGS)
    if isinstance(slug, str) and slugify(slug, fallback=""):
        used.add("slug")
        post.slug = slugify(slug)
    kept = {k: yaml_safe(v) for k, v in post.meta.items()
            if _norm(k) not in used and v not in (None, "", [])}
    return out, kept


def _noted_date(post: Post, key: str, raw: Any, settings: Settings) -> dt.datetime | dt.date | None:
    """The date in field ``key`` (None if there is none); a note when it cannot be read."""
    if not key:
        return None
    value = read_date(raw, settings.timezone)
    if value is None:
        post.note("date-unreadable", f"{key}: {str(raw)!r:.60} is not a date")
    return value


def section_of(name: str, settings: Settings, sections: Mapping[str, str]) -> str:
    """The section a category names: through the ``--sections`` map, else by its slug; "" if none."""
    slug = sections.get(name) or sections.get(name.lower()) or slugify(name, fallback="")
    return slug if settings.section(slug) is not None else ""


def _norm(key: str) -> str:
    return key.lower().replace("-", "_")


def _title_from_name(post: Post) -> str:
    stem = PurePosixPath(post.rel).stem
    if stem in ("index", "_index"):
        stem = PurePosixPath(post.rel).parent.name or stem
    match = JEKYLL_NAME.match(stem)
    words = (match.group(4) if match else stem).replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() or "Untitled"


def post_slug(post: Post) -> str:
    if post.slug:
        return post.slug
    path = PurePosixPath(post.rel)
    stem = path.parent.name if path.stem == "index" and path.parent.name else path.stem
    match = JEKYLL_NAME.match(stem)
    return slugify(match.group(4) if match else stem)


# -- body conversion -----------------------------------------------------------------------------

_PH = "\ue000{}\ue001"
_PH_RE = re.compile("\ue000(\\d+)\ue001")
_RAW_RE = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_COMMENT_RE = re.compile(r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", re.DOTALL)
_HIGHLIGHT_RE = re.compile(
    r"\{%-?\s*highlight\s+([\w+#.-]+)[^%]*-?%\}\n?(.*?)\n?\{%-?\s*endhighlight\s*-?%\}"
    r"|\{\{<\s*highlight\s+([\w+#.-]+)[^>]*>\}\}\n?(.*?)\n?\{\{<\s*/highlight\s*>\}\}", re.DOTALL)
_FENCE_RE = re.compile(r"^([ \t]*)(`{3,}|~{3,})[^\n]*\n.*?^\1?[ \t]*\2[`~]*[ \t]*$", re.DOTALL | re.MULTILINE)
_CODE_SPAN_RE = re.compile(r"(`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.DOTALL)
_HUGO_ESCAPE_RE = re.compile(r"\{\{([<%])/\*(.*?)\*/([>%])\}\}", re.DOTALL)
_SHORTCODE_RE = re.compile(r"\{\{([<%])\s*(/?)\s*([\w./-]+)(.*?)\s*/?\s*([>%])\}\}", re.DOTALL)
_TAG_RE = re.compile(r"\{%-?\s*([A-Za-z_]\w*)([^%]{0,2000}?)-?%\}")
_OUTPUT_RE = re.compile(r"\{\{-?(?![<%])([^{}]{0,500}?)-?\}\}")
_STRING_RE = re.compile(r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'')
_NAMED_RE = re.compile(
    r'([A-Za-z_][\w-]*)\s*[:=]\s*(?:"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'|([^\s,"\']+))')
URL_FILTERS = frozenset({"url", "relative_url", "absolute_url", "uri_escape", "prepend", "append",
                         "strip", "escape", "xml_escape", "cgi_escape", "smartify", "markdownify",
                         "safe", "slugify", "downcase", "upcase", "capitalize", "date_to_string",
                         "date", "default"})
BLOCK_TAGS = frozenset({"if", "elsif", "else", "endif", "unless", "endunless", "for", "endfor",
                        "case", "when", "endcase", "capture", "endcapture", "assign", "increment",
                        "decrement", "cycle", "break", "continue", "tablerow", "endtablerow",
                        "set", "endset", "macro", "endmacro", "block", "endblock", "extends",
                        "import", "from", "with", "endwith", "filter", "endfilter", "raw", "endraw",
                        "comment", "endcomment", "highlight", "endhighlight"})


class BodyConverter:
    """Turns one post's Markdown into template-free Markdown, noting each change on the post."""

    def __init__(self, post: Post, links: LinkResolver) -> None:
        self.post, self.links = post, links
        self.stash: list[str] = []
        self.counts: Counter[tuple[str, str]] = Counter()

    def keep(self, text: str) -> str:
        self.stash.append(text)
        return _PH.format(len(self.stash) - 1)

    def noted(self, kind: str, example: str) -> None:
        self.counts[(kind, " ".join(example.split())[:70])] += 1

    def convert(self, body: str) -> str:
        body = body.replace("\ue000", "").replace("\ue001", "")
        body = _HUGO_ESCAPE_RE.sub(lambda m: self.keep("{{" + "".join(m.groups()) + "}}"), body)
        body = _RAW_RE.sub(self._raw, body)
        body = _HIGHLIGHT_RE.sub(self._highlight, body)
        body = _FENCE_RE.sub(lambda m: self.keep(self._code(m.group(0))), body)
        body = _CODE_SPAN_RE.sub(lambda m: self.keep(self._code(m.group(0))), body)
        body = _COMMENT_RE.sub(self._comment, body)
        if self.post.flavour == "hugo" or "{{<" in body or "{{%" in body:
            body = _SHORTCODE_RE.sub(self._shortcode, body)
        if self.post.flavour != "pelican":
            body = _TAG_RE.sub(self._tag, body)
            body = _OUTPUT_RE.sub(self._output, body)
        body = self.links.rewrite(body, self.post)
        while _PH_RE.search(body):
            body = _PH_RE.sub(lambda m: self.stash[int(m.group(1))], body)
        grouped: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for (kind, example), n in sorted(self.counts.items()):
            grouped[kind].append((example, n))
        for kind, items in grouped.items():
            total = sum(n for _, n in items)
            shown = "; ".join(e for e, _ in items[:3]) + (" …" if len(items) > 3 else "")
            self.post.note(kind, shown, total)
        return body

    # Liquid raw blocks and code: kept as written, only the raw markers go.
    def _raw(self, m: re.Match[str]) -> str:
        return self.keep(m.group(1))

    def _code(self, code: str) -> str:
        return _RAW_MARK_RE.sub("", code)

    def _highlight(self, m: re.Match[str]) -> str:
        lang = m.group(1) or m.group(3) or ""
        code = m.group(2) if m.group(1) else m.group(4)
        kind = "liquid-rendered" if m.group(1) else "shortcode-rendered"
        self.noted(kind, f"highlight {lang} → code block")
        fence = "````" if "```" in code else "```"
        code = _PH_RE.sub(lambda x: self.stash[int(x.group(1))], code)
        return "\n" + self.keep(f"{fence}{lang}\n{code}\n{fence}") + "\n"

    def _comment(self, m: re.Match[str]) -> str:
        self.noted("liquid-removed", "{% comment %}…{% endcomment %}")
        return ""

    # Hugo shortcodes.
    def _shortcode(self, m: re.Match[str]) -> str:
        closing, name, args = m.group(2), m.group(3).lower(), m.group(4)
        named, positional = _arguments(args)
        whole = m.group(0)
        if closing:
            self.noted("shortcode-removed", "{{< /" + name + " >}}")
            return ""
        if name in ("figure", "img", "image"):
            src = named.get("src") or (positional[0] if positional else "")
            if src:
                self.noted("shortcode-rendered", f"{name} → image")
                return self._image(src, named.get("alt") or named.get("title") or "",
                                   named.get("caption") or "")
        if name in ("ref", "relref"):
            target = named.get("path") or (positional[0] if positional else "")
            self.noted("shortcode-rendered", f"{name} {target}")
            return self.keep_link_target(target)
        video = _embed_url(name, named, positional)
        if video:
            self.noted("shortcode-rendered", f"{name} → link")
            return f"[{video[0]}]({video[1]})"
        self.noted("shortcode-removed", whole)
        return ""

    def keep_link_target(self, target: str) -> str:
        """A ref/relref target: the link resolver finds the imported file by its source path."""
        return target if target else "#"

    # Liquid tags.
    def _tag(self, m: re.Match[str]) -> str:
        name, args = m.group(1).lower(), m.group(2)
        named, positional = _arguments(args)
        if name in ("post_url", "link"):
            target = (positional or [args.strip()])[0]
            self.noted("liquid-rendered", f"{{% {name} {target} %}}")
            return self.links.post_link_target(target, self.post)
        src = named.get("image") or named.get("src") or next(
            (p for p in positional if p.lower().split("?")[0].endswith(IMAGE_SUFFIXES)), "")
        if src and name not in BLOCK_TAGS:
            rest = [p for p in positional if p != src]
            alt = named.get("alt") or (rest[-1] if rest else "")
            self.noted("liquid-rendered", f"{{% {name} … %}} → image")
            return self._image(src, alt, named.get("caption") or "")
        self.noted("liquid-removed", m.group(0))
        return ""

    # Liquid output: {{ value | filter: arg }}.
    def _output(self, m: re.Match[str]) -> str:
        expr = m.group(1).strip()
        parts = _split_filters(expr)
        value = self._value(parts[0]) if parts else None
        filters = [re.match(r"\s*([\w-]+)\s*(?::(.*))?$", p, re.DOTALL) for p in parts[1:]]
        names = [f.group(1) for f in filters if f]
        if value is None:
            self.noted("liquid-removed", m.group(0))
            return ""
        for f in filters:
            if f and f.group(1) in ("prepend", "append"):
                arg = _STRING_RE.search(f.group(2) or "")
                raw = (arg.group(1) or arg.group(2) or "") if arg else ""
                value = raw + value if f.group(1) == "prepend" else value + raw
        unknown = [n for n in names if n not in URL_FILTERS]
        if any(re.search(r"photo|image|img|avatar|icon|picture", n) for n in unknown):
            self.noted("liquid-removed", m.group(0))  # it drew a picture the import does not have
            return ""
        before = m.string[max(0, m.start() - 2):m.start()]
        in_target = before.endswith(("(", '"', "'", "=")) or before.endswith("](")
        if unknown and value.startswith(("http://", "https://")) and not in_target:
            title = next((s.group(1) or s.group(2) for f in filters if f and f.group(2)
                          for s in [_STRING_RE.search(f.group(2))] if s), "") or value
            self.noted("liquid-rendered", f"{m.group(0)} → link")
            return f"[{' '.join(title.split())}]({value})"
        self.noted("liquid-rendered", m.group(0))
        return value

    def _value(self, token: str) -> str | None:
        token = token.strip()
        literal = _STRING_RE.fullmatch(token)
        if literal:
            return literal.group(1) if literal.group(1) is not None else literal.group(2)
        if re.fullmatch(r"-?\d+(\.\d+)?", token):
            return token
        if token in ("site.baseurl", "site.base_url", "baseurl"):
            return ""
        if token in ("site.url", "site.github.url"):
            return self.links.source_url
        name = token.removeprefix("page.").removeprefix("post.").removeprefix("include.")
        value = self.post.meta.get(name)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value)
        return None

    def _image(self, src: str, alt: str, caption: str) -> str:
        alt = " ".join(alt.split()).replace("[", "(").replace("]", ")")
        image = f"![{alt}]({src})"
        if caption:
            return f"{image}\n\n*{' '.join(caption.split())}*\n"
        return image


_RAW_MARK_RE = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")


def _arguments(args: str) -> tuple[dict[str, str], list[str]]:
    named: dict[str, str] = {}
    for match in _NAMED_RE.finditer(args):
        value = next((g for g in match.groups()[1:] if g is not None), "")
        named[match.group(1).lower()] = value
    rest = _NAMED_RE.sub(" ", args)
    positional = [a or b for a, b in _STRING_RE.findall(rest)]
    positional += [t for t in _STRING_RE.sub(" ", rest).replace(",", " ").split() if t not in ("-", "/")]
    return named, positional


def _split_filters(expr: str) -> list[str]:
    parts, current, quote = [], "", ""
    for ch in expr:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "|":
            parts.append(current)
            current = ""
            continue
        current += ch
    parts.append(current)
    return parts


def _embed_url(name: str, named: Mapping[str, str], positional: list[str]) -> tuple[str, str] | None:
    first = named.get("id") or (positional[0] if positional else "")
    if name == "youtube" and first:
        return named.get("title") or "YouTube video", f"https://www.youtube.com/watch?v={first}"
    if name == "vimeo" and first:
        return named.get("title") or "Vimeo video", f"https://vimeo.com/{first}"
    if name == "tweet":
        user = named.get("user") or (positional[0] if len(positional) > 1 else "i")
        tweet = named.get("id") or (positional[-1] if positional else "")
        return ("Post on X", f"https://x.com/{user}/status/{tweet}") if tweet else None
    if name == "gist" and len(positional) >= 2:
        return "Gist", f"https://gist.github.com/{positional[0]}/{positional[1]}"
    if name == "instagram" and first:
        return "Instagram post", f"https://www.instagram.com/p/{first}/"
    return None


# -- links and images ----------------------------------------------------------------------------

_LINK_RE = re.compile(
    r"(!?)\[((?:[^\[\]\n]|\n(?![ \t]*\n)|\[[^\[\]\n]*\])*)\]"  # ![label] across lines
    r"\(\s*(<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"((?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?)\s*\)")
_REFDEF_RE = re.compile(r"^( {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*)(<[^>\n]*>|\S+)(.*)$", re.MULTILINE)
_PELICAN_RE = re.compile(r"^(?:\{(filename|static|attach|tag|category|author|index|archives|"
                         r"authors|categories|tags)\}|\|(filename|static|attach)\|)")


class LinkResolver:
    """Finds what a link in an old post pointed at: another imported post, an image, the old site."""

    def __init__(self, source: Path, docs_dir: Path, options: ImportOptions,
                 exists_in_docs: Callable[[str], bool]) -> None:
        self.source, self.docs_dir, self.options = source, docs_dir, options
        self.source_url = options.source_url.rstrip("/")
        self.root = site_root(source)
        self.by_source: dict[str, str] = {}  # source rel path -> docs path
        self.by_old_url: dict[str, str] = {}  # old site path "/2015/03/19/x/" -> docs path
        self.by_name: dict[str, str] = {}  # Jekyll post name "2015-03-19-x" -> docs path
        self.assets: dict[Path, str] = {}  # source image -> docs path
        self.exists_in_docs = exists_in_docs

    def register(self, post: Post, date: str = "") -> None:
        """Remember where ``post`` goes, under every address the old site may have used for it."""
        self.by_source[post.rel] = post.dest
        stem = PurePosixPath(post.rel).stem
        self.by_name[stem] = post.dest
        keys: list[str] = []
        match = JEKYLL_NAME.match(stem)
        slug = post_slug(post)
        if match:
            y, mo, d = match.group(1), f"{int(match.group(2)):02d}", f"{int(match.group(3)):02d}"
            keys += [f"/{y}/{mo}/{d}/{match.group(4)}/", f"/{y}/{mo}/{d}/{slug}/",
                     f"/blog/{y}/{mo}/{d}/{match.group(4)}/"]
        ymd = re.match(r"(\d{4})-(\d{2})-(\d{2})", date)
        if ymd:  # Jekyll and Eleventy put the front matter's date in the URL, not the file name's
            stem_slug = match.group(4) if match else slug
            keys += [f"/{ymd.group(1)}/{ymd.group(2)}/{ymd.group(3)}/{s}/" for s in (stem_slug, slug)]
        keys.append(f"/{self.source.name}/{slug}/")
        keys.extend(post.aliases)
        for name in ("permalink", "url", "aliases", "redirect_from"):
            value = post.meta.get(name)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item.startswith("/") and ":" not in item:
                    keys.append(item)
        for key in keys:
            self.by_old_url.setdefault(_url_key(key), post.dest)

    # A docs path relative to the story being written.
    @staticmethod
    def relative(dest: str, post: Post) -> str:
        return PurePosixPath(os.path.relpath(dest, PurePosixPath(post.dest).parent.as_posix())).as_posix()

    def post_link_target(self, name: str, post: Post) -> str:
        """``{% post_url 2015-03-19-x %}`` / ``{% link _posts/2015-03-19-x.md %}``."""
        stem = PurePosixPath(name.strip().strip("\"'")).stem
        dest = self.by_name.get(stem)
        if dest:
            return self.relative(dest, post)
        match = JEKYLL_NAME.match(stem)
        if match and self.source_url:
            y, mo, d = match.group(1), int(match.group(2)), int(match.group(3))
            return f"{self.source_url}/{y}/{mo:02d}/{d:02d}/{match.group(4)}/"
        return ""

    def rewrite(self, body: str, post: Post) -> str:
        notes: Counter[tuple[str, str]] = Counter()

        def link(m: re.Match[str]) -> str:
            bang, label, target, title = m.group(1), m.group(2), m.group(3), m.group(4)
            label = _LINK_RE.sub(link, label)  # an image inside a link
            new = self.resolve(target.strip("<>"), post, image=bool(bang), notes=notes)
            if new is None:
                if bang:
                    alt = f" ({_comment_safe(label)})" if label else ""
                    return f"<!-- image not imported: {_comment_safe(target)}{alt} -->"
                return label
            return f"{bang}[{label}]({_target(new)}{title})"

        def refdef(m: re.Match[str]) -> str:
            target = m.group(2).strip("<>")
            image = target.lower().split("?")[0].endswith(IMAGE_SUFFIXES)
            new = self.resolve(target, post, image=image, notes=notes)
            return f"{m.group(1)}{_target(new if new is not None else '#')}{m.group(3)}"

        body = _LINK_RE.sub(link, body)
        body = _REFDEF_RE.sub(refdef, body)
        for (kind, example), n in notes.items():
            post.note(kind, example, n)
        return body

    def resolve(self, target: str, post: Post, *, image: bool, notes: Counter[tuple[str, str]]) -> str | None:
        """The new target; None when there is nothing to link to (the link becomes its text)."""
        if not target or target.startswith("#"):
            return target if target else None
        pelican = _PELICAN_RE.match(target)
        if pelican:
            kind = pelican.group(1) or pelican.group(2)
            target = target[pelican.end():]
            if kind not in ("filename", "static", "attach"):
                notes[("link-unresolved", f"{{{kind}}}{target}")] += 1
                return None
            path, _, anchor = target.partition("#")
            base = PurePosixPath() if path.startswith("/") else PurePosixPath(post.rel).parent
            found = self._source_file((base / path.lstrip("/")).as_posix())
            if found is not None:
                return self._to_docs(found, post, image=image, anchor=f"#{anchor}" if anchor else "")
            notes[("image-not-found" if image else "link-unresolved", f"{{{kind}}}{target}")] += 1
            return None
        if self.source_url and target.startswith(self.source_url + "/"):
            target = target[len(self.source_url):]
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", target, re.IGNORECASE):
            return target
        path, _, anchor = target.partition("#")
        path, _, query = path.partition("?")
        anchor = f"#{anchor}" if anchor else ""
        if path.startswith("/"):
            dest = self.by_old_url.get(_url_key(path))
            if dest and not image:
                return self.relative(dest, post) + anchor
            found = self._site_file(path)
            if found is not None:
                return self._to_docs(found, post, image=image, anchor=anchor)
        else:
            rel = (PurePosixPath(post.rel).parent / path).as_posix()
            found = self._source_file(rel)
            if found is not None:
                return self._to_docs(found, post, image=image, anchor=anchor)
            by_name = self.by_name.get(PurePosixPath(path).stem) if path.endswith(".md") else None
            if by_name:  # Hugo's ref "other.md" finds the page anywhere below content/
                return self.relative(by_name, post) + anchor
            if path.endswith(IMAGE_SUFFIXES) and self.root is not None:
                site = self._site_file("/" + path)  # Eleventy's {% image "assets/x.png" %} is from the root
                if site is not None:
                    return self._to_docs(site, post, image=image, anchor="")
        if self.source_url:
            absolute = self.source_url + (path if path.startswith("/") else "/" + path)
            notes[("image-not-found" if image else "link-unresolved", f"{target} → {absolute}")] += 1
            return absolute + (f"?{query}" if query else "") + anchor
        if image:
            notes[("image-not-found", target)] += 1
            return None
        if path.startswith("/"):
            return target  # a page of the old site: MkDocs leaves absolute paths alone
        notes[("link-unresolved", target)] += 1
        return None

    def _source_file(self, rel: str) -> Path | None:
        rel = os.path.normpath(rel)
        if rel.startswith(".."):
            return None
        candidate = self.source / rel
        return candidate if candidate.is_file() else None

    def _site_file(self, path: str) -> Path | None:
        roots = [self.source]
        if self.root is not None:
            roots = [self.root / "static", self.root, self.root / "content", self.source]
        clean = os.path.normpath(path.lstrip("/"))
        if clean.startswith(".."):
            return None
        for root in roots:
            if (root / clean).is_file():
                return root / clean
        return None

    def _to_docs(self, found: Path, post: Post, *, image: bool, anchor: str) -> str | None:
        if found.suffix.lower() in MARKDOWN_SUFFIXES:
            rel = found.relative_to(self.source).as_posix() if found.is_relative_to(self.source) else ""
            dest = self.by_source.get(rel)
            return self.relative(dest, post) + anchor if dest else None
        dest = self.assets.get(found)
        if dest is None:
            try:
                below = found.relative_to(self.root or self.source)
            except ValueError:
                below = PurePosixPath(found.name)  # type: ignore[assignment]
            dest = f"{ASSETS_DIR}/{PurePosixPath(below).as_posix().removeprefix('static/')}"
            self.assets[found] = dest
        return self.relative(dest, post) + anchor


def _url_key(path: str) -> str:
    path = path.split("#")[0].split("?")[0]
    path = re.sub(r"(index)?\.html?$", "", path)
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


def _target(url: str) -> str:
    return f"<{url}>" if " " in url else url


def _comment_safe(text: str) -> str:
    return text.replace("--", "- -").replace(">", "&gt;")


# -- the import ----------------------------------------------------------------------------------


def find_posts(source: Path) -> tuple[list[Path], list[Path]]:
    """``(Markdown files, other content files)`` below ``source``, sorted."""
    markdown, other = [], []
    for path in sorted(source.rglob("*")):
        if not path.is_file() or any(p.startswith(".") for p in path.relative_to(source).parts):
            continue
        suffix = path.suffix.lower()
        if suffix in MARKDOWN_SUFFIXES:
            markdown.append(path)
        elif suffix in OTHER_CONTENT_SUFFIXES:
            other.append(path)
    return markdown, other


def read_post(path: Path, source: Path, flavour: str) -> Post:
    rel = path.relative_to(source).as_posix()
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FrontMatterError("is not UTF-8 text") from None
    text = normalise_newlines(raw)
    kind, head, body = split_front_matter(text)
    if not kind:
        raise FrontMatterError("has no front matter (no --- or +++ block, no Title: header)")
    meta, repaired = parse_front_matter(kind, head)
    if flavour == "auto" or not flavour:
        flavour = "pelican" if kind == "pelican" else "hugo" if kind in ("toml", "json") else \
            "hugo" if ("{{<" in body or "{{%" in body) else "jekyll"
    post = Post(rel, path, meta, body.lstrip("\n"), flavour)
    if repaired:
        post.note("front-matter-repaired", "tabs in the front matter replaced by spaces")
    return post


def import_folder(source: Path, docs_dir: Path, settings: Settings, options: ImportOptions) -> ImportReport:
    """Convert every post below ``source`` into ``docs_dir/<section>/``; report everything."""
    flavour = options.flavour if options.flavour != "auto" else guess_flavour(source)
    markdown, other = find_posts(source)
    shown = Path(os.path.relpath(docs_dir / options.section)).as_posix()
    report = ImportReport(source, shown, files=len(markdown) + len(other), dry_run=options.dry_run)
    for path in other:
        report.notes.append(Note(path.relative_to(source).as_posix(), "skipped",
                                 f"{path.suffix} files are not Markdown; convert it by hand"))

    planned: set[str] = set()
    links = LinkResolver(source, docs_dir, options, lambda p: (docs_dir / p).is_file())
    posts: list[tuple[Post, dict[str, Any], dict[str, Any]]] = []
    sites: dict[str, OldSite] = {}
    claimed: dict[str, str] = {}  # old address -> the story that keeps it
    now = build_time()
    for path in markdown:
        rel = path.relative_to(source).as_posix()
        if PurePosixPath(rel).name.startswith("_index."):
            report.notes.append(Note(rel, "skipped", "a Hugo list page, not a post"))
            continue
        try:
            post = read_post(path, source, flavour)
        except FrontMatterError as exc:
            report.notes.append(Note(rel, "skipped", str(exc)))
            continue
        if post.flavour not in sites:
            sites[post.flavour] = read_old_site(site_root(source), post.flavour, options.permalink)
        old = sites[post.flavour]
        fields, kept = map_front_matter(post, settings, options.section, taxonomies=old.taxonomies,
                                        sections=options.sections, now=now,
                                        keep_expired=options.keep_expired)
        if post.expired:
            report.notes.extend(post.notes)
            continue
        post.dest = free_name(docs_dir, post.section, post_slug(post), planned, post)
        # Drafts and posts not yet published had no public address: none to keep.
        public = post.date is not None and as_moment(post.date, settings.timezone) <= now
        if public and not fields.get("draft"):
            post.aliases = old_addresses(post, old, source, claimed)
        links.register(post, fields["date"])
        posts.append((post, fields, kept))

    pages = {_url_key("/" + article_url(post.dest)) for post, _, _ in posts}
    for post, fields, _ in posts:
        post.aliases = keep_free_aliases(post, docs_dir, pages, settings)
        fields.pop("aliases", None)
        if post.aliases:
            fields["aliases"] = post.aliases
    for post, fields, kept in posts:
        body = BodyConverter(post, links).convert(post.body)
        image, unresolved = lead_image(post, links)
        fields.update(image)
        kept.update(unresolved)
        if kept:
            post.note("field-unmapped", ", ".join(sorted(kept)))
            report.unmapped.update(kept.keys())
            fields["imported"] = kept
        text = "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=10_000) \
            + "---\n\n" + body.strip("\n") + "\n"
        article, faults = parse_article(post.dest, text, settings,
                                        exists=_exists_after_import(docs_dir, links))
        report.notes.extend(post.notes)
        if article is None:
            report.notes.append(Note(post.rel, "skipped", "; ".join(f.format() for f in faults)))
            continue
        report.imported.append((post.rel, post.dest))
        report.addresses.extend((alias, "/" + article_url(post.dest)) for alias in post.aliases)
        if not options.dry_run:
            target = docs_dir / post.dest
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
    for found, dest in sorted(links.assets.items(), key=lambda x: x[1]):
        target = docs_dir / dest
        if target.exists():
            continue
        report.copied.append(dest)
        if not options.dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(found, target)
    report.map_file = options.address_map
    report.write_map()
    return report


def free_name(docs_dir: Path, section: str, wanted: str, planned: set[str], post: Post) -> str:
    """``section/name.md`` for a new story: ``wanted``, or with -2, -3… when that is taken."""
    folder = docs_dir / section
    name, n = wanted, 1
    while not is_free(folder, name) or f"{section}/{name}" in planned:
        n += 1
        name = f"{wanted}-{n}"
    if name != wanted:
        post.note("renamed", f"{section}/{wanted}.md is taken: writing {section}/{name}.md")
    planned.add(f"{section}/{name}")
    return f"{section}/{name}.md"


def old_addresses(post: Post, old: OldSite, source: Path, claimed: dict[str, str]) -> list[str]:
    """The post's old addresses (its own, then its ``aliases``/``redirect_from``), for ``aliases:``.

    An address that is the story's new one, or that an earlier story already keeps, is left out.
    """
    meta = {_norm(k): v for k, v in post.meta.items()}
    title = meta.get("title")
    raw_slug = meta.get("slug")
    authors = names_of(meta.get("author") or meta.get("authors"))
    facts = PostFacts(post.rel, str(title or ""), post.date,
                      raw_slug.strip() if isinstance(raw_slug, str) else "", tuple(post.categories),
                      authors[0] if authors else "", str(meta.get("lang") or ""))
    own = old_address(old, facts, meta, source)
    found = [own] if own else []
    base = PurePosixPath(own).parent if own else PurePosixPath("/")
    for name in ("aliases", "redirect_from"):
        value = meta.get(name)
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, str) or not item.strip():
                continue
            # Hugo reads an alias without a leading slash from the page's own folder.
            path = item.strip() if item.strip().startswith("/") else str(base / item.strip())
            cleaned = clean_path(path)
            if cleaned:
                found.append(cleaned)
            else:
                post.note("alias-dropped", f"{name}: {item!r:.60} is not a path on the old site")
    new = _url_key("/" + article_url(post.dest))
    kept: list[str] = []
    for path in dict.fromkeys(found):
        key = _url_key(path)
        if key == new:
            continue  # the story answers there already
        if key in claimed and claimed[key] != post.dest:
            post.note("alias-dropped", f"{path} is kept by {claimed[key]} already")
            continue
        claimed[key] = post.dest
        kept.append(path)
    return kept


def keep_free_aliases(post: Post, docs_dir: Path, pages: set[str], settings: Settings) -> list[str]:
    """``post.aliases`` without those the new site answers already: a story (imported now or in
    docs/) or a page the build writes (a section, the tag pages, the front page)."""
    kept = []
    room = Newsroom(settings)
    for alias in post.aliases:
        try:
            url = aliases.normalise(alias)  # the build's own rules for an alias (aliases.py)
        except aliases.AliasError as exc:
            post.note("alias-dropped", f"{alias}: {exc}")
            continue
        key = _url_key(alias)
        name = key.strip("/")
        taken = bool(name) and any((docs_dir / n).is_file() for n in (f"{name}.md", f"{name}/index.md"))
        if key in pages or taken:
            post.note("alias-dropped", f"{alias} is the address of a story of the new site")
        elif room.reserved(url) or aliases.built_page(url):  # the build's own pages
            post.note("alias-dropped", f"{alias} is an address the new site's build writes a page at")
        else:
            kept.append(alias)
    return kept


def _exists_after_import(docs_dir: Path, links: LinkResolver) -> Callable[[str], bool]:
    planned = set(links.assets.values())
    return lambda path: path in planned or (docs_dir / path).is_file()


def lead_image(post: Post, links: LinkResolver) -> tuple[dict[str, str], dict[str, Any]]:
    """``(image fields, original fields to keep under imported:)`` for the post's lead picture:
    a path relative to the story or an http(s) URL; kept as it was when it cannot be found."""
    meta = {_norm(k): (k, v) for k, v in post.meta.items()}
    key = next((k for k in IMAGES if meta.get(k, ("", None))[1] not in (None, "", [])), "")
    alt_key = next((k for k in ALTS if isinstance(meta.get(k, ("", None))[1], str)), "")
    originals = {meta[k][0]: yaml_safe(meta[k][1]) for k in (key, alt_key) if k}
    raw: Any = meta[key][1] if key else None
    alt: Any = meta[alt_key][1] if alt_key else ""
    if isinstance(raw, Mapping):  # Hugo themes: cover: {image: x.png, alt: …}
        alt = raw.get("alt") or raw.get("caption") or alt
        raw = raw.get("image") or raw.get("src")
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    if not isinstance(raw, str) or not raw.strip():
        return {}, originals
    notes: Counter[tuple[str, str]] = Counter()
    target = links.resolve(raw.strip(), post, image=True, notes=notes)
    for (kind, example), n in notes.items():
        post.note(kind, f"image: {example}", n)
    if target is None:
        return {}, originals
    fields = {"image": target, "image_alt": " ".join(str(alt).split()) if alt else ""}
    if not fields["image_alt"]:
        post.note("image-alt-missing", f"image: {raw.strip()}")
    return fields, {}
