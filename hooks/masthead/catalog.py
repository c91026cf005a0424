"""The catalog: every article read once, checked, and indexed for the pages that list them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import timing
from .article import Article, article_url, parse_article
from .errors import Fault, MastheadError
from .settings import Settings


@dataclass(frozen=True)
class Catalog:
    """Articles of one build. ``articles`` is newest first and only what is published at ``now``:
    drafts and stories dated after ``now`` (scheduled) are kept apart."""

    settings: Settings
    articles: tuple[Article, ...]
    drafts: tuple[Article, ...]
    by_src: Mapping[str, Article]
    by_section: Mapping[str, tuple[Article, ...]]
    scheduled: tuple[Article, ...] = ()
    now: dt.datetime | None = None
    warnings: tuple[Fault, ...] = ()  # accepted, but worth the editor's attention (see limit())

    def is_withheld(self, src_uri: str) -> bool:
        """A draft or a scheduled story: previewed by `mkdocs serve`, never written by a build."""
        article = self.by_src.get(src_uri)
        return article is not None and (
            article.draft or (self.now is not None and article.date > self.now))

    @property
    def lead(self) -> Article | None:
        """The pinned story (newest if several are pinned), else the newest story."""
        pinned = [a for a in self.articles if a.pinned]
        stories = pinned or self.articles
        return stories[0] if stories else None


def newest_first(articles: Iterable[Article]) -> list[Article]:
    """Newest first; same-time stories in path order, so output never depends on file order."""
    return sorted(sorted(articles, key=lambda a: a.src_uri), key=lambda a: a.date, reverse=True)


def is_article_path(src_uri: str) -> bool:
    """Articles live in a folder below docs/; Markdown files at the top are plain pages."""
    parts = PurePosixPath(src_uri).parts
    return (
        len(parts) >= 2
        and src_uri.endswith(".md")
        and not any(p.startswith((".", "_")) for p in parts)
        and parts[0] != "assets"
    )


def scan_docs(docs_dir: Path) -> list[str]:
    """Every article path below ``docs_dir``, POSIX-style, sorted."""
    found = (p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md") if p.is_file())
    return sorted(uri for uri in found if is_article_path(uri))


def build_catalog(
    sources: Mapping[str, str],
    settings: Settings,
    *,
    exists: Callable[[str], bool] | None = None,
    reserved: Callable[[str], str | None] | None = None,
    directory_urls: bool = True,
    now: dt.datetime | None = None,
    parse: Callable[..., tuple[Article | None, list[Fault]]] = parse_article,
) -> Catalog:
    """Parse every article (``src_uri -> text``); raise MastheadError listing all faults.

    Stories dated after ``now`` (default: the clock) are scheduled, not published.

    ``parse`` is ``parse_article`` or a cached equivalent. ``reserved(url)`` names the generated
    page that owns ``url`` (a section page, ...), or None, so an article that would overwrite
    one is reported instead.
    """
    faults: list[Fault] = []
    warnings: list[Fault] = []
    parsed: list[Article] = []
    with timing.phase("read"):  # front matter parsed and checked: part of reading
        for src_uri in sorted(sources):
            article, found = parse(src_uri, sources[src_uri], settings, exists=exists,
                                   directory_urls=directory_urls)
            faults.extend(found)
            if article is not None:
                parsed.append(limit(article, warnings))
    faults.extend(_url_clashes(sources, reserved or (lambda url: None), directory_urls))
    warnings.sort()
    if faults:
        raise MastheadError(faults)

    now = now or dt.datetime.now(dt.UTC)
    published = newest_first(a for a in parsed if not a.draft and a.date <= now)
    by_section: dict[str, list[Article]] = {s.slug: [] for s in settings.sections}
    for article in published:
        by_section[article.section].append(article)
    return Catalog(
        settings=settings,
        articles=tuple(published),
        drafts=tuple(newest_first(a for a in parsed if a.draft)),
        by_src={a.src_uri: a for a in parsed},
        by_section={k: tuple(v) for k, v in by_section.items()},
        scheduled=tuple(newest_first(a for a in parsed if not a.draft and a.date > now)),
        now=now,
        warnings=tuple(warnings),
    )


# Bounds that keep one outsized story from blowing up every page that lists it.
MAX_TAGS = 100
LONG_TITLE = 300  # characters; cards shorten titles longer than CARD_TITLE
LARGE_BODY = 1_000_000  # bytes of Markdown


def limit(article: Article, warnings: list[Fault]) -> Article:
    """The story within the site's bounds; a warning for each bound it went past."""
    if len(article.tags) > MAX_TAGS:
        warnings.append(Fault(article.src_uri, None, "tags",
                              f"{len(article.tags)} tags; only the first {MAX_TAGS} are used",
                              "keep the few tags readers would follow"))
        article = dataclasses.replace(article, tags=article.tags[:MAX_TAGS])
    if len(article.title) > LONG_TITLE:
        warnings.append(Fault(article.src_uri, None, "title",
                              f"{len(article.title)} characters long; lists show it shortened",
                              "write a headline, and put the rest in summary"))
    if len(article.body.encode("utf-8")) > LARGE_BODY:
        warnings.append(Fault(article.src_uri, None, "body",
                              f"{len(article.body.encode('utf-8')) // 1_000_000} MB of Markdown",
                              "split it, or move data into a linked file"))
    return article


# Names Windows cannot check out (editors clone the newsroom there too), any extension.
_DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                           *(f"lpt{i}" for i in range(1, 10))})
_URL_BREAKING = set('#?%\\"<>|*:')


def unsafe_path(src_uri: str) -> str | None:
    """Why a story's path cannot safely become a URL and a file on every system, or None."""
    parts = PurePosixPath(src_uri).parts
    for part in parts:
        stem = part.split(".")[0].lower()
        if stem in _DEVICE_NAMES:
            return f"{part!r} is a reserved device name on Windows"
        if bad := sorted(set(part) & _URL_BREAKING):
            return f"{part!r} contains {' '.join(bad)}, which break URLs or file systems"
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in part):
            return f"{part!r} contains a control character"
        if part.endswith((" ", ".")) and part not in (".", ".."):
            return f"{part!r} ends with a space or a dot"
    if len(src_uri.encode("utf-8")) > 200:
        return "the path is longer than 200 bytes (some systems refuse it)"
    return None


def _url_clashes(
    sources: Iterable[str], reserved: Callable[[str], str | None], directory_urls: bool
) -> list[Fault]:
    owners: dict[str, str] = {}
    faults: list[Fault] = []
    for src_uri in sorted(sources):
        url = article_url(src_uri, directory_urls=directory_urls)
        owner = reserved(url)
        if problem := unsafe_path(src_uri):
            faults.append(Fault(src_uri, None, "file name", problem,
                                "rename it with lowercase letters, digits and hyphens, e.g. plant-opens.md"))
        elif owner:
            faults.append(Fault(src_uri, None, "file name",
                                f"its URL /{url} is the {owner}, which the build generates",
                                "rename the file"))
        elif url in owners:
            faults.append(Fault(src_uri, None, "file name",
                                f"its URL /{url} is also the URL of {owners[url]}",
                                "rename one of the two files"))
        else:
            owners[url] = src_uri
    return faults
