"""Old addresses of a story (``aliases:``): read, checked, and drawn as redirect pages.

An alias is a path relative to the site's root, as in Hugo (whose aliases are relative to
``baseURL``): on a site published at ``https://example.org/ledger/``, ``aliases: [/2019/old/]``
answers at ``https://example.org/ledger/2019/old/``. A path ending in ``.html`` (or ``.htm``) is
that file; any other path is a folder whose ``index.html`` answers. Percent-encoded characters
(``/2019/%E6%B1%BD%E8%BD%A6/``, as WordPress writes Chinese slugs) are decoded, because the web
server decodes the address before it looks for the file.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urljoin

from .errors import Fault
from .paths import unsafe_path

FIELDS = ("aliases", "redirect_from")  # Hugo's name; Jekyll's (jekyll-redirect-from)
FIX = "write old paths of this story relative to the site's root, e.g. aliases: [/2019/03/old-slug/]"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Addresses the build writes besides pages (feeds, Pagefind's bundle, assets, the 404 page).
RESERVED_FOLDERS = ("assets/", "feeds/", "pagefind/")
RESERVED_FILES = frozenset({"404.html", "index.html"})


class AliasError(ValueError):
    """The text is not a path an old address can be kept at; the message says why."""


def normalise(raw: str) -> str:
    """The site-relative URL of an alias: ``"2019/03/old-slug/"`` or ``"old/page.html"``.

    Raises AliasError for a scheme or host, a query or fragment, ``.`` or ``..`` segments and
    anything that cannot be a file name on every system.
    """
    text = raw.strip()
    if not text:
        raise AliasError("is empty")
    if "\\" in text:
        raise AliasError(f"{text!r:.80} contains a backslash; paths use /")
    if text.startswith("//") or _SCHEME.match(text):
        raise AliasError(f"{text!r:.80} is a full address with a scheme or host, not a path on this site")
    if "?" in text or "#" in text:
        raise AliasError(f"{text!r:.80} has a query (?) or fragment (#), which a static page cannot answer")
    try:
        path = unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise AliasError(f"{text!r:.80} has %-escapes that are not UTF-8 text") from None
    segments = [s for s in path.split("/") if s]
    if any(s in (".", "..") for s in segments):
        raise AliasError(f"{text!r:.80} contains . or .. segments")
    if segments and segments[-1].lower() in ("index.html", "index.htm"):
        segments.pop()  # the folder's own page: the same address as the folder
    if not segments:
        return ""
    joined = "/".join(segments)
    url = joined if joined.lower().endswith((".html", ".htm")) else joined + "/"
    if problem := unsafe_path(file_of(url)):
        raise AliasError(problem)
    return url


def file_of(url: str) -> str:
    """The file below the site folder that answers at the site-relative ``url``."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def read(meta: Mapping[str, object]) -> tuple[str, list[str], list[str]]:
    """The field used (``aliases`` or ``redirect_from``), its paths, and problems with its shape."""
    used = [name for name in FIELDS if meta.get(name) not in (None, "", [])]
    if not used:
        return FIELDS[0], [], []
    problems = [f"both {FIELDS[0]} and {FIELDS[1]} are set; keep one of them"] if len(used) > 1 else []
    value = meta[used[0]]
    items = value if isinstance(value, list) else [value]
    paths: list[str] = []
    for item in items:
        if isinstance(item, str):
            paths.append(item)
        else:
            problems.append(f"expected a path or a list of paths, got {type(item).__name__} {item!r:.40}")
    return used[0], paths, problems


@dataclass(frozen=True)
class Redirect:
    """One redirect page: the old address and the story it sends readers to."""

    url: str  # site-relative old address ("2019/03/old-slug/")
    target: str  # the story's site-relative URL
    title: str
    lang: str

    @property
    def file(self) -> str:
        return file_of(self.url)

    def href(self) -> str:
        """The story's address relative to the redirect page: right under any project path."""
        start = posixpath.dirname(self.file) or "."
        rel = posixpath.relpath(self.target or ".", start)
        if self.target == "" or self.target.endswith("/"):
            rel = "./" if rel == "." else rel + "/"
        return quote(rel, safe="/-._~!$()*+,=@")

    def view(self, site_base: str, site_name: str, labels: Mapping[str, str]) -> dict[str, Any]:
        """What overrides/redirect.html draws: plain text, escaped by the template."""
        href = self.href()
        target = quote(self.target, safe="/-._~!$()*+,=@")
        return {"href": href, "canonical": urljoin(site_base, target) if site_base else href,
                "title": self.title, "lang": self.lang, "site_name": site_name,
                "page_title": labels["moved_title"].format(title=self.title),
                "text": labels["moved_text"]}


@dataclass(frozen=True)
class Claim:
    """A story's alias, for the site-wide checks: who claims which address, on what line."""

    src_uri: str
    url: str
    line: int | None
    field: str


def clashes(
    claims: Iterable[Claim],
    pages: Mapping[str, str],
    reserved: Callable[[str], str | None],
    static_file: Callable[[str], bool],
) -> list[Fault]:
    """Faults for aliases that another page, another alias or the build itself owns.

    ``pages``: site-relative URL -> the story file that has it; ``reserved(url)``: the generated
    page owning ``url`` or None; ``static_file(path)``: docs/ holds a file written at ``path``.
    """
    faults: list[Fault] = []
    taken: dict[str, str] = {}
    for claim in sorted(claims, key=lambda c: (c.src_uri, c.url)):
        url, shown = claim.url, f"/{claim.url}"
        owner = pages.get(url)
        if owner == claim.src_uri:
            problem = f"{shown} is the story's own address"
            fix = "remove it: only old addresses need an alias"
        elif owner is not None:
            problem, fix = f"{shown} is the address of {owner}", "remove it, or rename that story"
        elif url in taken:
            problem = f"{shown} is also an alias of {taken[url]}"
            fix = "keep the old address in one story only"
        elif (name := reserved(url)) or (name := built_page(url)):
            problem, fix = f"{shown} is the {name}, which the build writes", "remove it"
        elif static_file(file_of(url)):
            problem, fix = f"{shown} is a file in docs/", "remove the alias or the file"
        else:
            taken[url] = claim.src_uri
            continue
        faults.append(Fault(claim.src_uri, claim.line, claim.field, problem, fix))
    return faults


def built_page(url: str) -> str | None:
    """What the build writes at ``url`` besides pages (front page, 404 page, assets, feeds,
    Pagefind's bundle), or None."""
    if file_of(url) in RESERVED_FILES:
        return "front page" if url in ("", "index.html") else "page for missing addresses"
    for folder in RESERVED_FOLDERS:
        if url.startswith(folder):
            return f"folder /{folder}"
    return None
