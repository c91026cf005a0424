"""What an imported site called things: its configuration, read (never run), and each post's old address.

Hugo (``hugo.toml``, ``config.toml``/``.yaml``/``.yml``, ``config/_default/``): ``permalinks``,
``taxonomies``, ``uglyURLs``. Jekyll (``_config.yml``): ``permalink`` (a named style or a pattern)
and ``collections``. Pelican (``pelicanconf.py``): ``ARTICLE_URL`` and friends, read with
``ast.literal_eval`` from top-level assignments, so nothing in the file runs.

The old address of a post is its front matter's own (``url``, ``permalink``) when it has one, else
the site's rule applied to the post; ``--permalink`` gives the rule when the configuration is not
at hand. The import writes it into the story's ``aliases``, so the old address keeps answering.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json",
                "config.toml", "config.yaml", "config.yml", "config.json")
HUGO_DEFAULT_TAXONOMIES = ("tags", "categories")


class SiteConfigError(ValueError):
    """A configuration file of the old site could not be read: the message names it and the line."""


@dataclass(frozen=True)
class OldSite:
    """The rules of the old site that decide its addresses and its taxonomies."""

    flavour: str  # hugo | jekyll | pelican | ""
    root: Path | None = None
    permalinks: Mapping[str, str] = field(default_factory=dict)  # Hugo: section -> pattern; "" = all
    taxonomies: tuple[str, ...] = HUGO_DEFAULT_TAXONOMIES  # plural names, as in front matter
    ugly_urls: bool = False
    collections: Mapping[str, str] = field(default_factory=dict)  # Jekyll: collection -> pattern
    settings: Mapping[str, Any] = field(default_factory=dict)  # Pelican's *_URL settings


def read_old_site(root: Path | None, flavour: str, permalink: str = "") -> OldSite:
    """The configuration below ``root`` for ``flavour``; ``permalink`` (the source's own syntax) wins."""
    if flavour == "hugo":
        config = _hugo_config(root) if root else {}
        lower = {str(k).lower(): v for k, v in config.items()}
        links = lower.get("permalinks") or {}
        if isinstance(links, Mapping) and isinstance(links.get("page"), Mapping):
            links = links["page"]  # Hugo 0.120+: [permalinks.page]
        permalinks = {str(k): str(v) for k, v in links.items() if isinstance(v, str)} \
            if isinstance(links, Mapping) else {}
        if permalink:
            permalinks = {"": permalink}
        declared = lower.get("taxonomies")
        taxonomies = tuple(str(v) for v in declared.values() if isinstance(v, str)) \
            if isinstance(declared, Mapping) else HUGO_DEFAULT_TAXONOMIES
        return OldSite("hugo", root, permalinks, taxonomies, lower.get("uglyurls") is True)
    if flavour == "jekyll":
        config = _yaml_file(root / "_config.yml") if root and (root / "_config.yml").is_file() else {}
        style = permalink or str(config.get("permalink") or "date")
        collections: dict[str, str] = {}
        declared = config.get("collections")
        if isinstance(declared, Mapping):
            for name, value in declared.items():
                if isinstance(value, Mapping) and isinstance(value.get("permalink"), str):
                    collections[str(name)] = value["permalink"]
                elif name != "posts":
                    collections[str(name)] = "/:collection/:path:output_ext"
        return OldSite("jekyll", root, {"": JEKYLL_STYLES.get(style, style)}, ("tags", "categories"),
                       collections=collections)
    if flavour == "pelican":
        found = root is not None and (root / "pelicanconf.py").is_file()
        conf = pelican_settings(root / "pelicanconf.py") if root is not None and found else {}
        if permalink:
            conf["ARTICLE_URL"] = permalink
        return OldSite("pelican", root, {"": str(conf.get("ARTICLE_URL") or "{slug}.html")},
                       ("tags",), settings=conf)
    return OldSite(flavour, root, {"": permalink} if permalink else {})


def _hugo_config(root: Path) -> dict[str, Any]:
    """The first of Hugo's configuration files, merged with ``config/_default/*`` (one file per key)."""
    config: dict[str, Any] = {}
    for name in HUGO_CONFIGS:
        if (root / name).is_file():
            config = _config_file(root / name)
            break
    folder = root / "config" / "_default"
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix not in (".toml", ".yaml", ".yml", ".json") or not path.is_file():
                continue
            values = _config_file(path)
            if path.stem in ("hugo", "config"):
                config = {**values, **config}
            else:
                config.setdefault(path.stem, values)
    return config


def _config_file(path: Path) -> dict[str, Any]:
    if path.suffix == ".toml":
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SiteConfigError(f"{path}: {exc}") from None
    return _yaml_file(path)  # JSON is YAML


def _yaml_file(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise SiteConfigError(f"{path}{line}: {getattr(exc, 'problem', None) or exc}") from None
    return {str(k): v for k, v in loaded.items()} if isinstance(loaded, Mapping) else {}


def pelican_settings(path: Path) -> dict[str, Any]:
    """Top-level ``NAME = literal`` assignments of a Pelican settings file; the file is never run."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError as exc:
        raise SiteConfigError(f"{path}:{exc.lineno}: {exc.msg}") from None
    values: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue  # computed from something else: not needed for addresses
    return values


# -- a post's old address ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PostFacts:
    """What the old generators put in an address, taken from one post."""

    rel: str  # below the imported folder
    title: str
    date: dt.datetime | dt.date | None
    slug: str  # the front matter's slug, "" if none
    categories: tuple[str, ...] = ()
    author: str = ""
    lang: str = ""


def old_address(site: OldSite, facts: PostFacts, meta: Mapping[str, Any], source: Path) -> str:
    """The post's address on the old site, as a path from the site root; "" when it cannot be known."""
    own = meta.get("url") if site.flavour != "jekyll" else None
    if isinstance(own, str) and own.strip():
        return clean_path(own)
    if site.flavour == "jekyll":
        rooted = replace(facts, rel=_below(source / facts.rel, site.root) or facts.rel)
        pattern = meta.get("permalink") if isinstance(meta.get("permalink"), str) else None
        return clean_path(jekyll_address(pattern or _jekyll_rule(site, rooted), rooted))
    if site.flavour == "hugo":
        return clean_path(hugo_address(site, facts, source))
    if site.flavour == "pelican":
        return clean_path(pelican_address(site, site.permalinks.get("", "{slug}.html"), facts))
    return ""


def _below(path: Path, root: Path | None) -> str:
    try:
        return path.relative_to(root).as_posix() if root is not None else ""
    except ValueError:
        return ""


def clean_path(path: str) -> str:
    """``path`` as a path from the site root (a full URL loses its host); "" if it climbs with ``..``."""
    path = path.strip()
    if re.match(r"^[a-z][a-z0-9+.-]*:|^//", path, re.IGNORECASE):
        path = "/" + path.split("//", 1)[-1].partition("/")[2]
    path = re.sub(r"/{2,}", "/", "/" + path.lstrip("/"))
    return path if ".." not in PurePosixPath(path).parts else ""


def _parts(date: dt.datetime | dt.date | None) -> dict[str, str]:
    if date is None:
        return {}
    moment = date if isinstance(date, dt.datetime) else dt.datetime(date.year, date.month, date.day)
    return {
        "year": f"{moment.year:04d}", "month": f"{moment.month:02d}", "day": f"{moment.day:02d}",
        "i_month": str(moment.month), "i_day": str(moment.day), "short_year": f"{moment.year % 100:02d}",
        "hour": f"{moment.hour:02d}", "minute": f"{moment.minute:02d}", "second": f"{moment.second:02d}",
        "y_day": f"{moment.timetuple().tm_yday:03d}", "yearday": str(moment.timetuple().tm_yday),
        "short_month": moment.strftime("%b"), "long_month": moment.strftime("%B"),
        "monthname": moment.strftime("%B"), "week": f"{moment.isocalendar()[1]:02d}",
        "short_day": moment.strftime("%a"), "long_day": moment.strftime("%A"),
        "weekday": str(moment.isoweekday() % 7), "weekdayname": moment.strftime("%A"),
    }


def _stem(rel: str) -> str:
    path = PurePosixPath(rel)
    return path.parent.name if path.stem in ("index", "_index") and path.parent.name else path.stem


def urlize(text: str) -> str:
    """Hugo's ``urlize``: lower case, punctuation dropped, spaces to hyphens; letters of every script kept."""
    text = unicodedata.normalize("NFC", text).lower()
    kept = "".join(ch if ch.isalnum() or ch in "-_." else " " for ch in text)
    return "-".join(kept.split())


# Jekyll: https://jekyllrb.com/docs/permalinks/
_JEKYLL_TOKEN = re.compile(r":(categories|collection|output_ext|short_year|short_month|long_month|"
                           r"short_day|long_day|i_month|i_day|y_day|year|month|day|hour|minute|second|"
                           r"week|title|slug|name|path)")
_JEKYLL_NAME = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}-(.+)$")


def _jekyll_rule(site: OldSite, facts: PostFacts) -> str:
    for part in PurePosixPath(facts.rel).parts[:-1]:
        if part.startswith("_") and part[1:] in site.collections:
            return site.collections[part[1:]]
    return site.permalinks.get("", JEKYLL_STYLES["date"])


def jekyll_address(pattern: str, facts: PostFacts) -> str:
    pattern = JEKYLL_STYLES.get(pattern, pattern)
    stem = _stem(facts.rel)
    match = _JEKYLL_NAME.match(stem)
    name = match.group(1) if match else stem
    rel = PurePosixPath(facts.rel)
    # news/_posts/x.md: the folders above _posts are categories too; _reviews/x.md: a collection.
    at = next((i for i, part in enumerate(rel.parts[:-1]) if part.startswith("_")), -1)
    folders = [p for p in rel.parts[:at] if p] if at > 0 else []
    first = rel.parts[at] if at >= 0 else ""
    categories = list(dict.fromkeys([*folders, *facts.categories]))
    values = _parts(facts.date) | {
        "categories": "/".join(c.lower().replace(" ", "-") for c in categories),
        "collection": first.lstrip("_") or "posts",
        "output_ext": ".html",
        "title": facts.slug or name,
        "slug": _jekyll_slug(facts.slug or name),
        "name": _jekyll_slug(name),
        "path": PurePosixPath(*rel.with_suffix("").parts[at + 1:]).as_posix(),
    }
    return _JEKYLL_TOKEN.sub(lambda m: values.get(m.group(1), ""), pattern)


def _jekyll_slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-")


# Hugo: https://gohugo.io/content-management/urls/#tokens
_HUGO_TOKEN = re.compile(r":(slugorcontentbasename|slugorfilename|contentbasename|filename|sections|"
                         r"section|title|slug|yearday|year|monthname|month|day|weekdayname|weekday|"
                         r"2006|06|January|Jan|01|02|1|2)")
_GO_LAYOUT = {"2006": "%Y", "06": "%y", "January": "%B", "Jan": "%b", "01": "%m", "02": "%d"}


def hugo_address(site: OldSite, facts: PostFacts, source: Path) -> str:
    rel = PurePosixPath(_content_rel(facts.rel, source, site.root))
    section = rel.parts[0] if len(rel.parts) > 1 else ""
    pattern = site.permalinks.get(section) or site.permalinks.get("")
    stem = _stem(facts.rel)
    slug = urlize(facts.slug) if facts.slug else ""
    if not pattern:  # Hugo's default: the file's path below content/, in lower case
        folder = rel.parent.parent if rel.stem == "index" else rel.parent
        path = "/" + "/".join([*(p.lower() for p in folder.parts), slug or urlize(stem)])
        return path + ".html" if site.ugly_urls else path + "/"
    moment = facts.date if isinstance(facts.date, dt.datetime) else \
        dt.datetime(facts.date.year, facts.date.month, facts.date.day) if facts.date else None
    folder = rel.parent.parent if rel.stem == "index" else rel.parent
    values = _parts(facts.date) | {
        "section": section, "sections": "/".join(folder.parts),
        "title": urlize(facts.title), "slug": slug or urlize(facts.title),
        "filename": urlize(stem), "contentbasename": urlize(stem),
        "slugorfilename": slug or urlize(stem), "slugorcontentbasename": slug or urlize(stem),
        "1": str(moment.month) if moment else "", "2": str(moment.day) if moment else "",
    }
    if moment is not None:
        values |= {k: moment.strftime(v) for k, v in _GO_LAYOUT.items()}
    path = _HUGO_TOKEN.sub(lambda m: values.get(m.group(1), ""), pattern)
    if site.ugly_urls and path.endswith("/"):
        path = path.rstrip("/") + ".html"
    return path


def _content_rel(rel: str, source: Path, root: Path | None) -> str:
    """The post's path below Hugo's content/ folder (the import may start lower, at content/posts)."""
    if root is not None:
        try:
            return (source / rel).relative_to(root / "content").as_posix()
        except ValueError:
            pass
    return rel


class _Slugged:
    """Pelican's ``{category}``/``{author}``: the name, with ``.slug`` for ``{category.slug}``."""

    def __init__(self, name: str) -> None:
        self.name, self.slug = name, _jekyll_slug(name)

    def __str__(self) -> str:
        return self.name

    def __format__(self, spec: str) -> str:
        return format(self.name, spec)


def pelican_address(site: OldSite, pattern: str, facts: PostFacts) -> str:
    """``ARTICLE_URL`` (Python ``str.format`` with ``{slug}``, ``{date:%Y}``, ``{category}``…)."""
    moment = facts.date if isinstance(facts.date, dt.datetime) else \
        dt.datetime(facts.date.year, facts.date.month, facts.date.day) if facts.date else None
    slug = facts.slug or _jekyll_slug(facts.title)
    category = facts.categories[0] if facts.categories else str(site.settings.get("DEFAULT_CATEGORY", "misc"))
    try:
        return "/" + pattern.format(slug=slug, date=moment, category=_Slugged(category),
                                    author=_Slugged(facts.author), lang=facts.lang or "en")
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        return ""
