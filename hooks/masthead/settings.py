"""The newsroom settings block (``extra.masthead`` in mkdocs.yml), validated with errors naming the key."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import Fault, MastheadError
from .filings import Filings, load_filings
from .i18n import family
from .tags import read_aliases

CONFIG_FILE = "mkdocs.yml"
ROOT = "extra.masthead"
# zh: Chinese in Simplified script; zh-Hant: Traditional (labels only, see i18n.py); en: English.
LANGUAGES = ("zh", "zh-Hant", "en")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Top-level folders the build itself uses for generated pages and assets.
RESERVED_SLUGS = frozenset({"assets", "tags", "search", "page", "authors", "archive", "feeds"})


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    title_zh: str = ""
    description: str = ""
    title_zh_hant: str = ""  # in Traditional script, for zh-Hant pages
    description_zh: str = ""  # on Chinese pages (zh and zh-Hant), when given

    def label(self, lang: str) -> str:
        """The section's name in ``lang`` (its Chinese title on Chinese pages, when given; on
        zh-Hant pages its Traditional title, else the Chinese one)."""
        if lang == "zh-Hant" and self.title_zh_hant:
            return self.title_zh_hant
        return self.title_zh if family(lang) == "zh" and self.title_zh else self.title

    def describe(self, lang: str) -> str:
        """The section's description in ``lang`` (its Chinese one on Chinese pages, when given)."""
        return self.description_zh if family(lang) == "zh" and self.description_zh else self.description


@dataclass(frozen=True)
class Settings:
    name: str
    short_name: str
    language: str
    timezone: ZoneInfo
    sections: tuple[Section, ...]
    publisher: str
    disclaimer: str
    copyright_owner: str
    copyright_since: int
    logo: str = ""
    page_size: int = 10
    front_page_per_section: int = 4
    tag_aliases: Mapping[str, str] = field(default_factory=dict)  # tag_key(alias) -> tag
    tag_page_size: int = 20  # stories per tag page (more than a section's: fewer pages to build)
    filings: Filings = field(default_factory=Filings)  # ICP and public-security numbers (footer)
    extra: Mapping[str, Any] = field(default_factory=dict)

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)


class _Reader:
    """Reads one mapping, collecting a fault per bad key instead of stopping at the first."""

    def __init__(self, raw: Mapping[str, Any], path: str, faults: list[Fault]) -> None:
        self.raw, self.path, self.faults = raw, path, faults

    def fault(self, key: str, message: str, fix: str) -> None:
        self.faults.append(Fault(CONFIG_FILE, None, f"{self.path}.{key}", message, fix))

    def text(self, key: str, *, default: str | None = None, example: str = "") -> str:
        value = self.raw.get(key)
        if value is None or value == "":
            if default is None:
                self.fault(key, "is required", f"add text, e.g. {key}: {example}")
                return ""
            return default
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.fault(key, f"expected text, got {type(value).__name__}", f"write it as {key}: {example}")
            return default or ""
        return str(value).strip()

    def integer(self, key: str, *, default: int, low: int, high: int) -> int:
        value = self.raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fault(key, f"expected a whole number from {low} to {high}, got {value!r:.40}",
                       f"write e.g. {key}: {default}")
            return default
        return value


def load_settings(
    raw: object, *, site_name: str = "", docs_dir: Path | None = None
) -> Settings:
    """Validate the ``extra.masthead`` block; raise MastheadError naming every bad key."""
    faults: list[Fault] = []
    if not isinstance(raw, Mapping):
        shape = "missing" if raw is None else f"a {type(raw).__name__}"
        fix = "add an extra: masthead: block with name, language, timezone and sections"
        raise MastheadError([Fault(CONFIG_FILE, None, ROOT, f"the newsroom settings are {shape}", fix)])
    r = _Reader(raw, ROOT, faults)
    name = r.text("name", default=site_name or None, example="Motor Ledger")
    short_name = r.text("short_name", default=name, example="Ledger")
    language = r.text("language", default="en", example="zh")
    if language not in LANGUAGES:
        r.fault("language", f"{language!r} is not supported", f"use one of {', '.join(LANGUAGES)}")
        language = "en"
    zone_name = r.text("timezone", default="UTC", example="Asia/Shanghai")
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        r.fault("timezone", f"{zone_name!r} is not an IANA time zone", "write e.g. timezone: Asia/Shanghai")
        zone = ZoneInfo("UTC")
    publisher = r.text("publisher", default=name, example="Motor Ledger")
    disclaimer = r.text("disclaimer", default="")
    copyright_raw = raw.get("copyright") or {}
    if not isinstance(copyright_raw, Mapping):
        r.fault("copyright", "expected a mapping", "write copyright: {owner: Motor Ledger, since: 2024}")
        copyright_raw = {}
    c = _Reader(copyright_raw, f"{ROOT}.copyright", faults)
    owner = c.text("owner", default=publisher)
    since = c.integer("since", default=2024, low=1800, high=9999)
    logo = r.text("logo", default="")
    if logo:
        _check_asset(r, "logo", logo, docs_dir)
    page_size = r.integer("page_size", default=10, low=1, high=500)
    per_section = r.integer("front_page_per_section", default=4, low=0, high=50)
    sections = _sections(raw.get("sections"), faults)
    tag_aliases, alias_faults = read_aliases(raw.get("tag_aliases"), CONFIG_FILE, f"{ROOT}.tag_aliases")
    faults += alias_faults
    tag_page_size = r.integer("tag_page_size", default=20, low=1, high=500)
    known = {"name", "short_name", "language", "timezone", "publisher", "disclaimer", "copyright",
             "logo", "page_size", "front_page_per_section", "sections"}
    known |= {"tag_aliases", "tag_page_size"}
    try:
        filings = load_filings(raw.get("filings"), path=f"{ROOT}.filings", config_file=CONFIG_FILE,
                               docs_dir=docs_dir)
    except MastheadError as exc:
        faults += exc.faults
        filings = Filings()
    known |= {"filings"}
    extra = {k: v for k, v in raw.items() if k not in known}
    if faults:
        raise MastheadError(faults)
    return Settings(
        name=name, short_name=short_name, language=language, timezone=zone, sections=sections,
        publisher=publisher, disclaimer=disclaimer, copyright_owner=owner, copyright_since=since,
        logo=logo, page_size=page_size, front_page_per_section=per_section, extra=extra,
        tag_aliases=tag_aliases, tag_page_size=tag_page_size, filings=filings,
    )


def _check_asset(r: _Reader, key: str, value: str, docs_dir: Path | None) -> None:
    if value.startswith("https://"):
        return
    if value.startswith(("/", "\\")) or ".." in Path(value).parts or ":" in value:
        r.fault(key, f"{value!r} must be a path inside docs/ or an https URL",
                f"write e.g. {key}: assets/logo.svg")
    elif docs_dir is not None and not (docs_dir / value).is_file():
        r.fault(key, f"file {value!r} does not exist in docs/", "add the file or fix the path")


def _sections(raw: object, faults: list[Fault]) -> tuple[Section, ...]:
    path = f"{ROOT}.sections"
    fix = "list them as - {slug: news, title: News, title_zh: 新闻, description: ...}"
    if not isinstance(raw, list) or not raw:
        faults.append(Fault(CONFIG_FILE, None, path, "expected a non-empty list of sections", fix))
        return ()
    sections: list[Section] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            faults.append(Fault(CONFIG_FILE, None, f"{path}[{i}]", "expected a mapping", fix))
            continue
        r = _Reader(item, f"{path}[{i}]", faults)
        slug = r.text("slug", example="news")
        if slug and not SLUG_RE.match(slug):
            r.fault("slug", f"{slug!r} is not a URL slug",
                    "use lowercase letters, digits and hyphens, e.g. new-vehicles")
        elif slug in RESERVED_SLUGS:
            r.fault("slug", f"{slug!r} is used by the build itself",
                    f"choose another; reserved: {', '.join(sorted(RESERVED_SLUGS))}")
        elif slug in seen:
            r.fault("slug", f"{slug!r} is listed twice", "give every section its own slug")
        seen.add(slug)
        sections.append(Section(slug=slug, title=r.text("title", example="News"),
                                title_zh=r.text("title_zh", default=""),
                                title_zh_hant=r.text("title_zh_hant", default=""),
                                description=r.text("description", default=""),
                                description_zh=r.text("description_zh", default="")))
    return tuple(sections)
