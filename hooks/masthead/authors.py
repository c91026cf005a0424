"""The newsroom's staff from ``docs/authors.yml``: checked, and matched to the names in bylines.

```yaml
lena-hartmann:                 # the author page's URL name: authors/lena-hartmann/
  name: Lena Hartmann          # required; a byline matches the name or the URL name
  title: Europe correspondent
  bio: Lena covers carmakers and suppliers in Germany and Central Europe.
  avatar: assets/authors/lena-hartmann.svg   # in docs/, or an https URL
  links:
    - {label: Email, url: "mailto:lena@example.org"}
```
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from . import i18n
from .archives import PagePlan
from .article import Article
from .errors import Fault
from .listing import paginate
from .settings import SLUG_RE

AUTHORS_FILE = "authors.yml"
FIELDS = ("name", "title", "bio", "avatar", "links")
LINK_SCHEMES = ("https://", "http://", "mailto:")


@dataclass(frozen=True)
class AuthorLink:
    label: str
    url: str


@dataclass(frozen=True)
class Author:
    slug: str
    name: str
    title: str = ""
    bio: str = ""
    avatar: str = ""  # path below docs/ or an https URL; "" when none
    links: tuple[AuthorLink, ...] = ()

    @property
    def url(self) -> str:
        return f"authors/{self.slug}/"

    @property
    def bio_paragraphs(self) -> tuple[str, ...]:
        return tuple(" ".join(p.split()) for p in self.bio.split("\n\n") if p.strip())


@dataclass(frozen=True)
class Staff:
    """Every author, in the order of the file, found by URL name or by name (any case)."""

    authors: tuple[Author, ...] = ()
    index: Mapping[str, Author] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, authors: tuple[Author, ...]) -> Staff:
        index: dict[str, Author] = {}
        for author in authors:
            index.setdefault(_key(author.slug), author)
            index.setdefault(_key(author.name), author)
        return cls(authors, index)

    def find(self, byline_name: str) -> Author | None:
        return self.index.get(_key(byline_name))


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def parse_authors(
    source: str, *, exists: Callable[[str], bool] | None = None, file: str = AUTHORS_FILE
) -> tuple[Staff, list[Fault]]:
    """Read the text of ``authors.yml``; return the staff and every fault found.

    ``exists(path)`` tells whether a file below docs/ exists (for ``avatar``); None skips it.
    """
    try:
        root = yaml.compose(source.removeprefix("\ufeff"), Loader=yaml.SafeLoader)
        raw = yaml.safe_load(source.removeprefix("\ufeff"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return Staff(), [Fault(file, mark.line + 1 if mark else None, "authors",
                               f"broken YAML: {problem}",
                               "check quotes and indentation; quote values that contain a colon")]
    lines = _key_lines(root)
    faults: list[Fault] = []
    if raw is None:
        return Staff(), []
    if isinstance(raw, Mapping) and set(raw) == {"authors"} and isinstance(raw["authors"], Mapping):
        raw = raw["authors"]  # the layout Material's blog plugin uses for .authors.yml
        lines = {k.removeprefix("authors."): v for k, v in lines.items()}
    if not isinstance(raw, Mapping):
        return Staff(), [Fault(file, 1, "authors", "expected a mapping of URL names to authors",
                               "write lena-hartmann: then, indented, name: Lena Hartmann")]
    authors: list[Author] = []
    names: dict[str, str] = {}
    for slug, entry in raw.items():
        where = str(slug)

        def fault(field: str, message: str, fix: str, *, slug_: str = where) -> None:
            path = f"{slug_}.{field}" if field else slug_
            faults.append(Fault(file, lines.get(path) or lines.get(slug_), path, message, fix))

        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            fault("", f"{slug!r:.40} is not a URL name",
                  "use lowercase letters, digits and hyphens, e.g. zhang-wei or lena-hartmann")
            continue
        if not isinstance(entry, Mapping):
            fault("", "expected the author's fields (name, title, bio, avatar, links)",
                  "indent name: ... under the URL name")
            continue
        for unknown in sorted(str(k) for k in entry if k not in FIELDS):
            fault(unknown, "is not an author field", f"use only {', '.join(FIELDS)}")
        name = _text(entry, "name", fault, required=True)
        title = _text(entry, "title", fault)
        bio = _text(entry, "bio", fault, keep_paragraphs=True)
        avatar = _avatar(_text(entry, "avatar", fault), exists, fault)
        links = _links(entry.get("links"), fault)
        if name:
            other = names.get(_key(name))
            if other:
                fault("name", f"{name!r} is also the name of {other}",
                      "give each author a distinct name")
            names[_key(name)] = slug
        authors.append(Author(slug=slug, name=name or slug, title=title, bio=bio, avatar=avatar,
                              links=links))
    return Staff.of(tuple(authors)), faults


_Fault = Callable[..., None]


def _text(entry: Mapping[str, Any], field: str, fault: _Fault, *, required: bool = False,
          keep_paragraphs: bool = False) -> str:
    value = entry.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            fault(field, "is required", f"add {field}: followed by the text")
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        fault(field, f"expected text, got {type(value).__name__}", f"write {field}: and plain text")
        return ""
    text = str(value).strip()
    if keep_paragraphs:
        return "\n\n".join(" ".join(p.split()) for p in text.split("\n\n") if p.strip())
    return " ".join(text.split())


def _avatar(value: str, exists: Callable[[str], bool] | None, fault: _Fault) -> str:
    if not value or value.startswith("https://"):
        return value
    path = value.removeprefix("/")
    if ":" in path or "\\" in path or ".." in path.split("/"):
        fault("avatar", f"{value!r:.60} is not a path inside docs/ or an https URL",
              "write e.g. avatar: assets/authors/lena.jpg (from docs/)")
        return ""
    if exists is not None and not exists(path):
        fault("avatar", f"file {path!r} does not exist in docs/", "add the picture or fix the path")
        return ""
    return path


def _links(value: object, fault: _Fault) -> tuple[AuthorLink, ...]:
    if value is None:
        return ()
    fix = 'write links: [{label: Email, url: "mailto:a@example.org"}]'
    if isinstance(value, Mapping):
        pairs = [(k, v) for k, v in value.items()]
    elif isinstance(value, list):
        pairs = []
        for item in value:
            if not isinstance(item, Mapping) or "url" not in item:
                fault("links", f"each link needs a label and a url, got {item!r:.40}", fix)
                return ()
            pairs.append((item.get("label") or item.get("title") or item["url"], item["url"]))
    else:
        fault("links", f"expected a list of links, got {type(value).__name__}", fix)
        return ()
    links = []
    for label, url in pairs:
        if not isinstance(url, str) or not url.startswith(LINK_SCHEMES):
            fault("links", f"{url!r:.60} is not an https, http or mailto address",
                  "write the full address, e.g. https://example.org/lena")
            continue
        links.append(AuthorLink(" ".join(str(label).split()), url.strip()))
    return tuple(links)


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    """Line of each key as ``slug`` and ``slug.field``, for faults that point at the line."""
    lines: dict[str, int] = {}

    def walk(n: yaml.Node | None, prefix: str, depth: int) -> None:
        if not isinstance(n, yaml.MappingNode) or depth > 2:
            return
        for key, value in n.value:
            name = f"{prefix}{key.value}"
            lines.setdefault(name, key.start_mark.line + 1)
            walk(value, name + ".", depth + 1)

    walk(node, "", 0)
    return lines


def stories_by_author(staff: Staff, articles: Iterable[Article]) -> dict[str, list[Article]]:
    """``author slug -> stories`` (in the given order) for every author in ``staff``."""
    stories: dict[str, list[Article]] = {a.slug: [] for a in staff.authors}
    for article in articles:
        for slug in dict.fromkeys(a.slug for n in article.authors if (a := staff.find(n))):
            stories[slug].append(article)
    return stories


def author_plans(staff: Staff, articles: Iterable[Article], page_size: int, lang: str) -> list[PagePlan]:
    """``authors/`` (everyone) and ``authors/<slug>/`` (bio and stories, paginated)."""
    if not staff.authors:
        return []
    stories = stories_by_author(staff, articles)
    people = [{"author": a, "url": a.url, "count": len(stories[a.slug])} for a in staff.authors]
    plans = [PagePlan("authors/index.md", "authors", i18n.labels(lang)["authors"],
                      data={"staff": people})]
    for author in staff.authors:
        for listing in paginate(author.url, stories[author.slug], page_size):
            plans.append(PagePlan(listing.src_uri, "author", author.name, listing=listing,
                                  data={"author": author, "author_count": len(stories[author.slug])}))
    return plans
