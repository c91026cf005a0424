"""Bilingual editions: one site, two languages, each story linked to its translation.

- **Setting.** ``extra.masthead.editions`` names two editions by language; the one whose ``path``
  is ``""`` is the root edition (the site language), the other lives under its prefix::

      editions:
        en: {path: ""}
        zh: {path: "zh/", name: 汽车纪事}

  Without the setting a site has one implicit edition holding every story (mixed-language
  sections, exactly as before editions existed).
- **Membership.** A story belongs to the edition of its ``lang``, else to the one of its language
  family (a ``zh-Hant`` story is in the ``zh`` edition; :func:`edition_lang`). Story files stay where they
  are (folder = section), so story URLs never change; the generated pages of the other edition
  (front, sections, tags, search, feeds) live below its prefix: ``zh/``, ``zh/news/``,
  ``zh/tags/``, ``zh/search/``, ``zh/feeds/``. Date archives and author pages stay site-wide.
- **Pairs.** Two stories are translations of each other when they share a ``story_id`` front-matter
  value; :func:`check_pairs` reports every dangling or duplicate id naming both files.
- **Versions.** Every page gets a *key* (``("story", id)``, ``("section", slug)``, ...); pages with
  one key in both editions are versions of each other (``hreflang`` alternates and the language
  switch). A page with no version in the other edition gets a *fallback* key for the switch only.

Pure Python; knows nothing of MkDocs.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .article import Article
from .catalog import Catalog
from .errors import Fault, MastheadError, describe
from .i18n import family
from .related import resolve_pin
from .settings import CONFIG_FILE, LANGUAGES, RESERVED_SLUGS, ROOT, SLUG_RE, Settings
from .tag_index import TagIndex

KEY = f"{ROOT}.editions"
FIELD = "story_id"
STORY_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_FIX = 'write editions: {en: {path: ""}, zh: {path: zh/, name: 汽车纪事}}'
_NAMES = {"en": "English", "zh": "Chinese", "zh-Hant": "Traditional Chinese"}

# The switch is written in the language it leads to; its landmark label in the page's own.
SWITCH_TEXT = {"en": "English", "zh": "中文", "zh-Hant": "繁體中文"}
SWITCH_LABEL = {"en": "Edition", "zh": "语言版本", "zh-Hant": "語言版本"}

VersionKey = tuple[str, ...]


@dataclass(frozen=True)
class Edition:
    """One language edition of the site."""

    lang: str
    prefix: str  # "" for the root edition, "zh/" for the other
    name: str
    short_name: str
    description: str = ""  # of its front page and main feed (the site's description at the root)

    @property
    def root(self) -> bool:
        return self.prefix == ""


def hreflang(lang: str) -> str:
    """The BCP 47 tag of a page's language (the same code as its ``<html lang>``)."""
    return lang


def edition_lang(lang: str, editions: Iterable[Edition]) -> str | None:
    """The language of the edition a story in ``lang`` belongs to: the edition of that very
    language, else the one of its family (``zh-Hant`` → ``zh``); None when there is none."""
    langs = [e.lang for e in editions]
    if lang in langs:
        return lang
    kin = [code for code in langs if family(code) == family(lang)]
    return kin[0] if len(kin) == 1 else None


def _name(lang: str) -> str:
    return _NAMES.get(lang, lang)


def load_editions(settings: Settings) -> tuple[Edition, ...]:
    """The configured editions, root first; () without the setting. Raises MastheadError."""
    raw = settings.extra.get("editions")
    if raw is None:
        return ()
    faults: list[Fault] = []

    def fault(where: str, message: str, fix: str = _FIX) -> None:
        faults.append(Fault(CONFIG_FILE, None, where, message, fix))

    if not isinstance(raw, Mapping):
        raise MastheadError([Fault(CONFIG_FILE, None, KEY, f"expected a mapping, got {describe(raw)}", _FIX)])
    if len(raw) != 2:
        fault(KEY, f"names {len(raw)} edition{'s' if len(raw) != 1 else ''}; a site has two",
              "list one edition per language, e.g. " + _FIX.removeprefix("write "))
    editions: list[Edition] = []
    sections = {s.slug for s in settings.sections}
    for lang, entry in raw.items():
        where = f"{KEY}.{lang}"
        if lang not in LANGUAGES:
            fault(where, f"{lang!r} is not a supported language", f"use one of {', '.join(LANGUAGES)}")
            continue
        entry = {} if entry is None else entry
        if not isinstance(entry, Mapping):
            fault(where, f"expected a mapping, got {describe(entry)}", f'write {lang}: {{path: "{lang}/"}}')
            continue
        for unknown in sorted(set(map(str, entry)) - {"path", "name", "short_name", "description"}):
            fault(f"{where}.{unknown}", "is not an edition setting",
                  "use path, name, short_name or description")
        path = entry.get("path")
        if not isinstance(path, str):
            fault(f"{where}.path", f"expected text, got {describe(path)}",
                  f'write path: "" for the edition at the site root, or path: {lang}/')
            continue
        prefix = path.strip().strip("/")
        if prefix and not SLUG_RE.match(prefix):
            fault(f"{where}.path", f"{path!r} is not one URL folder",
                  f"use lowercase letters, digits and hyphens, e.g. path: {lang}/")
            continue
        if prefix in sections or prefix in RESERVED_SLUGS:
            fault(f"{where}.path", f"{prefix + '/'!r} is already used by a section or by the build",
                  f"choose another folder, e.g. path: {lang}-edition/")
            continue
        names: dict[str, str] = {}
        for key, default in (("name", settings.name), ("short_name", ""), ("description", "")):
            value = entry.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
                fault(f"{where}.{key}", f"expected text, got {describe(value)}", f"write {key}: 汽车纪事")
                value = None
            names[key] = " ".join(str(value).split()) if value not in (None, "") else default
        short = names["short_name"] or (names["name"] if entry.get("name") else settings.short_name)
        editions.append(Edition(lang, f"{prefix}/" if prefix else "", names["name"], short,
                                names["description"]))
    roots = [e for e in editions if e.root]
    if len(editions) == len(raw) == 2 and len(roots) != 1:
        fault(KEY, f"{len(roots)} editions have path \"\"; exactly one lives at the site root",
              'give the site language\'s edition path: "" and the other its folder')
    elif len(roots) == 1 and roots[0].lang != settings.language:
        fault(f"{KEY}.{roots[0].lang}.path",
              f"the edition at the site root is {roots[0].lang!r}, but the site language is "
              f"{settings.language!r}", f"set extra.masthead.language: {roots[0].lang}, or swap the paths")
    if faults:
        raise MastheadError(faults)
    return tuple(sorted(editions, key=lambda e: (not e.root, e.lang)))


def story_id(article: Article) -> str | None:
    """The story's ``story_id`` (read from its extra front matter), or None."""
    value = article.extra.get(FIELD)
    return None if value is None else str(value).strip()


def check_pairs(
    articles: Iterable[Article], editions: tuple[Edition, ...], line: Callable[[str], int | None],
) -> list[Fault]:
    """Faults of ``story_id`` and ``lang`` across every story (drafts and scheduled included).

    ``line(src_uri)`` is the line of the story's ``story_id`` field. Each fault of a pair names
    the other file with its line, so the editor sees both ends in one run.
    """
    faults: list[Fault] = []
    langs = {e.lang for e in editions}
    by_id: dict[str, list[tuple[str, Article]]] = {}  # id -> (edition, story)
    for article in sorted(articles, key=lambda a: a.src_uri):
        raw = article.extra.get(FIELD)
        edition = edition_lang(article.lang, editions)
        if raw is None:
            if editions and edition is None:
                faults.append(Fault(article.src_uri, None, "lang", f"{article.lang!r} has no edition",
                                    f"write lang: {' or lang: '.join(sorted(langs))}"))
            continue
        if not editions:
            faults.append(Fault(article.src_uri, line(article.src_uri), FIELD,
                                "this site has no editions to pair stories across",
                                "remove story_id, or set extra.masthead.editions in mkdocs.yml"))
            continue
        if (isinstance(raw, bool) or not isinstance(raw, (str, int))
                or not STORY_ID_RE.match(str(raw).strip())):
            faults.append(Fault(article.src_uri, line(article.src_uri), FIELD,
                                f"expected a short id, got {describe(raw)}",
                                "use letters, digits, '.', '_' and '-', e.g. story_id: 2025-plant-opens"))
            continue
        if edition is None:
            faults.append(Fault(article.src_uri, None, "lang", f"{article.lang!r} has no edition",
                                f"write lang: {' or lang: '.join(sorted(langs))}"))
            continue
        by_id.setdefault(str(raw).strip(), []).append((edition, article))

    def where(a: Article) -> str:
        at = line(a.src_uri)
        return a.src_uri if at is None else f"{a.src_uri}:{at}"

    for sid, group in sorted(by_id.items()):
        by_lang: dict[str, list[Article]] = {}  # edition -> its stories with this id
        for edition, article in group:
            by_lang.setdefault(edition, []).append(article)
        for lang, same in sorted(by_lang.items()):
            for article in same if len(same) > 1 else ():
                others = [where(o) for o in same if o is not article]
                faults.append(Fault(article.src_uri, line(article.src_uri), FIELD,
                                    f"{sid!r} is also the story_id of {', '.join(others)}, in the "
                                    f"same edition ({_name(lang)}); a pair is one story in "
                                    "each edition",
                                    "give the other story its own story_id, or make it the translation "
                                    "by changing its lang"))
        if len(by_lang) == 1:
            (lang, same), = by_lang.items()
            missing = ", ".join(_name(e.lang) for e in editions if e.lang != lang)
            for article in same:
                paired = [where(o) for o in same if o is not article]
                also = f" (only {', '.join(paired)} has it too)" if paired else ""
                faults.append(Fault(article.src_uri, line(article.src_uri), FIELD,
                                    f"no story of the {missing} edition has story_id {sid!r}{also}",
                                    f"add its translation with story_id: {sid}, or remove the field"))
    return faults


def check_pinned_editions(
    articles: Iterable[Article], known: Mapping[str, Article], editions: tuple[Edition, ...],
    line: Callable[[str], int | None],
) -> list[Fault]:
    """A fault for each ``related:`` pin that names a story of the other edition (related stories
    stay within the edition; the translation is one click away on the language switch)."""
    if not editions:
        return []
    faults: list[Fault] = []
    for article in articles:
        for target in article.related if isinstance(article.related, tuple) else ():
            found = resolve_pin(article.src_uri, target, known)
            other = known.get(found) if found else None
            if other is None:
                continue
            here, there = edition_lang(article.lang, editions), edition_lang(other.lang, editions)
            if here is not None and there is not None and here != there:
                faults.append(Fault(article.src_uri, line(article.src_uri), "related",
                                    f"{target!r} is a story of the {_name(there)} edition; related "
                                    "stories stay in the story's own edition",
                                    f"pin a story of the {_name(here)} edition, or remove it"))
    return faults


def versions(keys: Mapping[str, tuple[str, VersionKey]]) -> dict[VersionKey, dict[str, str]]:
    """``{key: {lang: src_uri}}`` from ``{src_uri: (lang, key)}``: each page's versions by key."""
    found: dict[VersionKey, dict[str, str]] = {}
    for src_uri, (lang, key) in sorted(keys.items()):
        found.setdefault(key, {}).setdefault(lang, src_uri)
    return found


def absolute(site_url: str, url: str) -> str:
    base = site_url if site_url.endswith("/") else site_url + "/"
    return base + url


def page_links(
    src_uri: str,
    lang: str,
    key: VersionKey | None,
    fallback: VersionKey,
    table: Mapping[VersionKey, Mapping[str, str]],
    editions: tuple[Edition, ...],
    url_of: Callable[[str], str],
    site_url: str,
    lang_of: Callable[[str], str],
    page_lang: str,
) -> dict[str, Any]:
    """What a page shows of the other edition: ``alternates`` (hreflang links) and ``switch``.

    ``alternates`` list every version of the page, itself included, plus ``x-default`` (the root
    edition's version); only when the page has a version in the other edition and the site has an
    absolute ``site_url``. ``switch`` leads to that version, else to the other edition's ``fallback``
    page (its front page, or the section or tag index the page belongs to). ``lang`` is the page's
    edition, ``page_lang`` its own language, ``lang_of(src_uri)`` any version's (``zh-Hant`` for a
    Traditional story in the ``zh`` edition): hreflang and ``lang`` attributes say the real one.
    """
    if not editions:
        return {}
    found = dict(table.get(key, {})) if key else {}
    if found.get(lang) != src_uri:
        found = {}
    out: dict[str, Any] = {"alternates": [], "switch": None,
                           "switch_label": SWITCH_LABEL.get(page_lang) or SWITCH_LABEL.get(lang, "Edition")}
    if len(found) > 1 and site_url:
        ordered = [e for e in editions if e.lang in found]
        out["alternates"] = [{"hreflang": hreflang(lang_of(found[e.lang])),
                              "href": absolute(site_url, url_of(found[e.lang]))} for e in ordered]
        out["alternates"].append({"hreflang": "x-default",
                                  "href": absolute(site_url, url_of(found[ordered[0].lang]))})
    other = next((e for e in editions if e.lang != lang), None)
    if other is not None:
        target = found.get(other.lang) or table.get(fallback, {}).get(other.lang)
        if target is None:
            target = table.get(("front",), {}).get(other.lang)
        if target is not None:
            code = lang_of(target)
            out["switch"] = {"url": url_of(target), "lang": code, "hreflang": hreflang(code),
                             "text": SWITCH_TEXT.get(other.lang, other.lang), "version": other.lang in found}
    return out


def sitemap_alternates(
    table: Mapping[VersionKey, Mapping[str, str]], editions: tuple[Edition, ...],
    url_of: Callable[[str], str], site_url: str, live: Callable[[str], bool],
    lang_of: Callable[[str], str],
) -> dict[str, list[tuple[str, str]]]:
    """Absolute page URL → ``[(hreflang, absolute URL)]`` of its versions (itself and x-default
    included), for every page that has a version in each edition and is written (``live``)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for found in table.values():
        here = [e for e in editions if e.lang in found and live(found[e.lang])]
        if len(here) < 2:
            continue
        links = [(hreflang(lang_of(found[e.lang])), absolute(site_url, url_of(found[e.lang]))) for e in here]
        links.append(("x-default", links[0][1]))
        for _, href in links[:-1]:
            out[href] = links
    return out


@dataclass
class EditionView:
    """The stories and pages of one edition in one build; without editions, the whole site."""

    lang: str
    prefix: str
    name: str
    short_name: str
    catalog: Catalog  # this edition's stories only (every story on a site without editions)
    description: str = ""
    tags: TagIndex | None = None  # set when the pages are generated

    @property
    def root(self) -> bool:
        return self.prefix == ""


def edition_views(
    catalog: Catalog, editions: tuple[Edition, ...], settings: Settings,
) -> dict[str, EditionView]:
    """One view per edition, root first; a single view of every story without editions."""
    if not editions:
        return {settings.language: EditionView(settings.language, "", settings.name, settings.short_name,
                                               catalog)}
    return {e.lang: EditionView(e.lang, e.prefix, e.name, e.short_name, _only(catalog, e.lang, editions),
                                e.description) for e in editions}


def _only(catalog: Catalog, lang: str, editions: tuple[Edition, ...]) -> Catalog:
    def keep(items: Iterable[Article]) -> tuple[Article, ...]:
        return tuple(a for a in items if edition_lang(a.lang, editions) == lang)

    return dataclasses.replace(catalog, articles=keep(catalog.articles), drafts=keep(catalog.drafts),
                               scheduled=keep(catalog.scheduled), expired=keep(catalog.expired),
                               by_section={k: keep(v) for k, v in catalog.by_section.items()})
