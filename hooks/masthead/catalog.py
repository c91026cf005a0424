"""The catalog: every article read once, checked, and indexed for the pages that list them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import timing
from .aliases import Claim, Redirect, clashes
from .article import Article, article_url, key_lines, parse_article
from .errors import Fault, MastheadError
from .paths import unsafe_path
from .settings import Settings


@dataclass(frozen=True)
class Catalog:
    """Articles of one build. ``articles`` is newest first and only what is published at ``now``:
    drafts, stories dated after ``now`` (scheduled) and stories past ``expires`` are kept apart."""

    settings: Settings
    articles: tuple[Article, ...]
    drafts: tuple[Article, ...]
    by_src: Mapping[str, Article]
    by_section: Mapping[str, tuple[Article, ...]]
    scheduled: tuple[Article, ...] = ()
    now: dt.datetime | None = None
    warnings: tuple[Fault, ...] = ()  # accepted, but worth the editor's attention (see limit())
    expired: tuple[Article, ...] = ()  # past their ``expires``: gone like a scheduled story

    @property
    def withheld(self) -> tuple[Article, ...]:
        """Drafts, scheduled and expired stories: previewed by `mkdocs serve` only."""
        return (*self.drafts, *self.scheduled, *self.expired)

    def is_withheld(self, src_uri: str) -> bool:
        """A draft, scheduled or expired story: previewed by `mkdocs serve`, never written by a build."""
        article = self.by_src.get(src_uri)
        return article is not None and (
            article.draft or (self.now is not None and article.date > self.now)
            or self.is_expired(src_uri))

    def is_expired(self, src_uri: str) -> bool:
        """A story past its ``expires`` at this build's ``now``."""
        article = self.by_src.get(src_uri)
        return (article is not None and article.expires is not None and self.now is not None
                and article.expires <= self.now)

    def redirects(self) -> list[Redirect]:
        """The redirect pages of the published stories, in the order of their addresses."""
        found = [Redirect(url, a.url, a.title, a.lang) for a in self.articles for url in a.aliases]
        return sorted(found, key=lambda r: r.url)

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
    faults.extend(_alias_clashes(parsed, sources, reserved or (lambda url: None), exists))
    warnings.sort()
    if faults:
        raise MastheadError(faults)

    now = now or dt.datetime.now(dt.UTC)
    def gone(a: Article) -> bool:
        return a.expires is not None and a.expires <= now

    published = newest_first(a for a in parsed if not a.draft and a.date <= now and not gone(a))
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
        expired=tuple(newest_first(a for a in parsed if not a.draft and a.date <= now and gone(a))),
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


def _alias_clashes(articles: Iterable[Article], sources: Mapping[str, str],
                   reserved: Callable[[str], str | None], exists: Callable[[str], bool] | None,
                   ) -> list[Fault]:
    """Aliases that are another page's address, another story's alias, or the build's own."""
    articles = list(articles)
    claims: list[Claim] = []
    for article in articles:
        if article.aliases:
            lines = key_lines(sources[article.src_uri])
            field = "aliases" if "aliases" in lines or "redirect_from" not in lines else "redirect_from"
            claims += [Claim(article.src_uri, url, lines.get(field), field) for url in article.aliases]
    if not claims:
        return []
    pages = {a.url: a.src_uri for a in articles}

    def in_docs(path: str) -> bool:  # a file of docs/ published at that path, or a page's source
        if exists is None:
            return False
        folder = path.removesuffix("index.html")
        md = ([folder.rstrip("/") + ".md", folder + "index.md"] if folder != path
              else [PurePosixPath(path).with_suffix(".md").as_posix()])
        return exists(path) or any(exists(m) for m in md if m != ".md")

    return clashes(claims, pages, reserved, in_docs)
