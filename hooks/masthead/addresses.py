"""Old addresses keep answering: `masthead check` over the last build and the built site.

``lost_addresses`` compares the previous build's sitemap with the stories now: a story address
the last build published that no story or alias answers any more (a renamed file) gets a
warning telling the editor which ``aliases:`` line to add. ``unanswered`` reads the built site:
every alias has its redirect page, every redirect page points at a page that exists, and every
old address of an address map (the importer's CSV, columns ``old,new``) answers.
"""

from __future__ import annotations

import csv
import difflib
import io
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from lxml import html as lxml_html

from . import aliases
from .catalog import Catalog


@dataclass(frozen=True, order=True)
class Lost:
    """An address the last build published that nothing answers now."""

    url: str  # site-relative, decoded: "news/old-slug/"
    guess: str = ""  # src_uri of a new story that may be the renamed one

    def message(self) -> str:
        where = f"docs/{self.guess}" if self.guess else "the renamed story's file"
        return (f"/{self.url} was published by the last build and no story or alias answers there "
                f"now; if the story was renamed, add aliases: [/{self.url}] to {where}")


def site_path(loc: str, site_url: str) -> str | None:
    """``loc`` (an absolute URL of the site) relative to the site's root, decoded; None if it is
    not below ``site_url``."""
    base = urlsplit(site_url).path or "/"
    base = base if base.endswith("/") else base + "/"
    path = urlsplit(loc).path or "/"
    if not path.startswith(base):
        return None
    return unquote(path[len(base):])


def lost_addresses(previous: Iterable[str], site_url: str, catalog: Catalog,
                   answered: Callable[[str], bool]) -> list[Lost]:
    """Story addresses of the previous sitemap (``previous``: its locs) that nothing answers now.

    ``answered(url)``: the build makes a page other than a story there (a listing, a tag page),
    so its absence is not a renamed story's. Only addresses shaped like a story's (two levels or
    more) are considered.
    """
    now = {a.url for a in catalog.by_src.values()} | {u for a in catalog.by_src.values() for u in a.aliases}
    old = {p for loc in previous if (p := site_path(loc, site_url)) is not None}
    new = sorted(a.url for a in catalog.articles if a.url not in old)
    lost = []
    for url in sorted(old - now):
        if len(PurePosixPath(url).parts) < 2 or answered(url):
            continue
        folder = posixpath.dirname(url.rstrip("/"))
        near = [u for u in new if posixpath.dirname(u.rstrip("/")) == folder]
        guesses = difflib.get_close_matches(url, near, n=1, cutoff=0.6)
        guess = next((a.src_uri for a in catalog.articles if guesses and a.url == guesses[0]), "")
        lost.append(Lost(url, guess))
    return lost


# -- the built site ------------------------------------------------------------------------------


def redirect_target(page: Path) -> str | None:
    """The URL a redirect page's ``<meta http-equiv="refresh">`` sends readers to, or None."""
    try:
        doc = lxml_html.fromstring(page.read_bytes())
    except (OSError, ValueError):
        return None
    for content in doc.xpath('//meta[translate(@http-equiv, "REFSH", "refsh")="refresh"]/@content'):
        _, _, rest = str(content).partition(";")
        rest = rest.strip()
        if rest.lower().startswith("url="):
            return rest[4:].strip().strip("'\"")
    return None


def answers(site_dir: Path, url: str) -> str | None:
    """Why the built site does not answer at the site-relative ``url``, or None if it does (a
    page, or a redirect page whose story is there)."""
    page = site_dir / aliases.file_of(url)
    if not page.is_file():
        return "no page there"
    target = redirect_target(page)
    if target is None:
        return None
    resolved = urlsplit(urljoin("http://site/" + url, target))
    if resolved.netloc != "site":
        return None  # sends readers to another site: nothing here to check
    goal = unquote(resolved.path.removeprefix("/"))
    if not (site_dir / aliases.file_of(goal)).is_file():
        return f"its redirect page points at /{goal}, which is not in the site"
    return None


@dataclass(frozen=True)
class MapRow:
    line: int
    old: str
    url: str | None  # the site-relative address to check; None: cannot be checked (see note)
    note: str = ""


def read_map(text: str) -> list[MapRow]:
    """Rows of an address map CSV (header ``old,new``; other columns ignored)."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    if reader.fieldnames is None or "old" not in reader.fieldnames:
        raise ValueError("the first line must name the columns, with one called old (old,new)")
    rows = []
    for record in reader:
        line = reader.line_num
        old = (record.get("old") or "").strip()
        if not old:
            continue
        parts = urlsplit(old)
        if parts.query:
            rows.append(MapRow(line, old, None, "has a query (?…), which a static site cannot answer"))
            continue
        try:
            rows.append(MapRow(line, old, aliases.normalise(parts.path or "/")))
        except aliases.AliasError as exc:
            rows.append(MapRow(line, old, None, str(exc)))
    return rows
