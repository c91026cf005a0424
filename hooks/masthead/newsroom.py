"""One build's newsroom: settings, catalog and the pages generated from them.

Everything here is plain Python; the MkDocs event file only forwards events to it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import editions as ed
from . import i18n, search, timing
from .aliases import Redirect
from .archives import archive_plans
from .article import Article, article_url, key_lines, parse_article
from .authors import AUTHORS_FILE, Staff, author_plans, parse_authors
from .catalog import Catalog, build_catalog, scan_docs
from .charts import Chart, story_charts
from .errors import Fault, MastheadError
from .filings import filings_view
from .listing import ListingPage, paginate
from .related import RelatedSettings, check_pins, load_related_settings, related_stories
from .related_process import APART_FROM, RelatedLater
from .settings import Section, Settings
from .social import Social, social_view
from .tag_index import Tag, TagIndex, build_tag_index
from .tags import INDEX_URL

FRONT_PAGE = "index.md"
RAIL_SIZE = 5  # latest stories beside an article


@dataclass(frozen=True)
class GeneratedPage:
    """A page the build makes from the catalog (front page, section page N)."""

    src_uri: str
    kind: str  # "front" | "section" | "archive" | "authors" | "author" | "search" | "tag" | "tags"
    title: str
    lang: str
    section: Section | None = None
    listing: ListingPage | None = None
    data: Mapping[str, Any] = field(default_factory=dict)  # more template values of this kind
    tag: Tag | None = None


@dataclass
class Newsroom:
    settings: Settings
    directory_urls: bool = True
    site_url: str = ""  # config.site_url: share links and QR codes need absolute URLs
    social: Social = field(default_factory=Social)
    catalog: Catalog | None = None
    generated: dict[str, GeneratedPage] = field(default_factory=dict)
    now: dt.datetime | None = None  # what is published; None: the clock (see dates.build_time)
    staff: Staff = field(default_factory=Staff)
    tags: TagIndex | None = None
    related_settings: RelatedSettings = field(default_factory=RelatedSettings)
    related: dict[str, tuple[Article, ...]] = field(default_factory=dict)
    parse: Callable[..., tuple[Article | None, list[Fault]]] = parse_article  # or a cached one
    relate: Callable[..., dict[str, tuple[Article, ...]]] = related_stories  # or a memo (serve)
    # A cold `mkdocs build` with a core to spare (masthead_perf.Speed): from APART_FROM stories,
    # the lists are worked out in a process of their own while the build goes on (related_lists).
    related_apart: bool = False
    related_later: RelatedLater | None = None
    # Bilingual editions (editions.py): none configured = one view of the whole site, as before.
    editions: tuple[ed.Edition, ...] = ()
    views: dict[str, ed.EditionView] = field(default_factory=dict)
    version_keys: dict[str, tuple[str, ed.VersionKey]] = field(default_factory=dict)
    fallbacks: dict[str, ed.VersionKey] = field(default_factory=dict)
    version_table: dict[ed.VersionKey, dict[str, str]] = field(default_factory=dict)
    charts: dict[str, dict[str, Chart]] = field(default_factory=dict)  # story -> {block digest: chart}
    site_views: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # see site_view
    same: dict[tuple[Any, ...], Any] = field(default_factory=dict)  # see _same
    dates: dict[tuple[Any, ...], str] = field(default_factory=dict)  # see format_date

    # -- reading -------------------------------------------------------------------------------

    def reserved(self, url: str) -> str | None:
        """Name of the generated page that owns ``url``, if any."""
        for section in self.settings.sections:
            if url == f"{section.slug}/" or re.fullmatch(rf"{section.slug}/page/\d+/", url):
                return f"page of section {section.slug!r}"
        for prefix, name in (("archive/", "date archive"), ("authors/", "author pages")):
            if url.startswith(prefix):
                return name
        if url == article_url(search.SEARCH_PAGE, directory_urls=self.directory_urls):
            return "search page"
        if url.startswith(INDEX_URL):
            return "tag pages"
        for edition in self.editions:
            if edition.prefix and url.startswith(edition.prefix):
                return f"{edition.lang} edition's pages"
        return None

    def load(self, docs_dir: Path) -> Catalog:
        """Read and check every article below ``docs_dir``; raise MastheadError on any fault."""
        sources: dict[str, str] = {}
        faults: list[Fault] = []
        try:
            self.related_settings = load_related_settings(self.settings.extra.get("related"),
                                                          self.settings.tag_aliases)
        except MastheadError as exc:
            faults.extend(exc.faults)
        try:
            self.editions = ed.load_editions(self.settings)
        except MastheadError as exc:
            faults.extend(exc.faults)
        with timing.phase("read"):
            for src_uri in scan_docs(docs_dir):
                try:
                    sources[src_uri] = (docs_dir / src_uri).read_text(encoding="utf-8")
                except UnicodeDecodeError:
                    faults.append(Fault(src_uri, None, "file", "is not UTF-8 text",
                                        "save the file as UTF-8"))
        if (docs_dir / FRONT_PAGE).exists():
            faults.append(Fault(FRONT_PAGE, None, "file name", "the front page is generated",
                                "remove docs/index.md; set the lead story with pinned: true"))
        self.staff = Staff()
        staff_file = docs_dir / AUTHORS_FILE
        if staff_file.is_file():
            try:
                self.staff, found = parse_authors(staff_file.read_text(encoding="utf-8"),
                                                  exists=lambda p: (docs_dir / p).is_file())
                faults.extend(found)
            except UnicodeDecodeError:
                faults.append(Fault(AUTHORS_FILE, None, "file", "is not UTF-8 text",
                                    "save the file as UTF-8"))
        try:
            with timing.phase("catalog"):
                catalog = build_catalog(
                    sources, self.settings, exists=lambda p: (docs_dir / p).is_file(),
                    reserved=self.reserved, directory_urls=self.directory_urls, now=self.now,
                    parse=self._charted(docs_dir),
                )
        except MastheadError as exc:
            raise MastheadError([*faults, *exc.faults]) from None
        withheld = list(catalog.withheld)  # previewed by `mkdocs serve` only
        faults += check_pins([*catalog.articles, *withheld], catalog.by_src,
                             lambda src: key_lines(sources[src]).get("related"))
        faults += ed.check_pairs(catalog.by_src.values(), self.editions,
                                 lambda src: key_lines(sources[src]).get(ed.FIELD))
        faults += ed.check_pinned_editions([*catalog.articles, *withheld], catalog.by_src, self.editions,
                                           lambda src: key_lines(sources[src]).get("related"))
        if faults:
            raise MastheadError(faults)
        self.catalog = catalog
        self.site_views, self.same, self.dates = {}, {}, {}
        self.views = ed.edition_views(catalog, self.editions, self.settings)
        with timing.phase("catalog"):
            self.generated = self._generate(catalog)
            self._link_versions(catalog)
        with timing.phase("related"):  # within each edition (the whole site without editions)
            self.related, self.related_later = {}, None
            groups = [(v.catalog.articles, list(v.catalog.withheld)) for v in self.views.values()]
            if self.related_apart and sum(len(a) + len(o) for a, o in groups) >= APART_FROM:
                self.related_later = RelatedLater(groups, self.related_settings, catalog.by_src)
            else:
                for published, others in groups:
                    self.related.update(self.relate(published, others, self.related_settings, catalog.by_src))
        return catalog

    def related_lists(self) -> dict[str, tuple[Article, ...]]:
        """``src_uri`` → related stories; waits for the process ranking them, if one is at work
        (raises related_process.RelatedFailed if it failed)."""
        if self.related_later is not None:
            with timing.phase("related"):
                self.related = self.related_later.get()
            self.related_later = None
        return self.related

    def _charted(self, docs_dir: Path) -> Callable[..., tuple[Article | None, list[Fault]]]:
        """``self.parse`` that also reads and checks the story's chart blocks (charts.py); not
        cached with the story, since a chart may read a CSV file beside it."""
        self.charts = {}

        def read(path: str) -> str | None:
            try:
                return (docs_dir / path).read_text(encoding="utf-8") if (docs_dir / path).is_file() else None
            except (OSError, UnicodeDecodeError):
                return None

        def parse(src_uri: str, source: str, settings: Settings,
                  **options: Any) -> tuple[Article | None, list[Fault]]:
            article, faults = self.parse(src_uri, source, settings, **options)
            charts, found = story_charts(src_uri, source, lang=article.lang if article else settings.language,
                                         zone=settings.timezone, read=read)
            if charts:
                self.charts[src_uri] = charts
            return article, [*faults, *found]

        return parse

    def _generate(self, catalog: Catalog) -> dict[str, GeneratedPage]:
        """The pages of each edition below its prefix; archives and author pages site-wide."""
        s = self.settings
        pages: list[GeneratedPage] = []
        self.version_keys, self.fallbacks = {}, {}
        keys = self.version_keys

        for view in self.views.values():
            p, lang, own = view.prefix, view.lang, view.catalog
            pages.append(GeneratedPage(p + FRONT_PAGE, "front", view.name, lang))
            keys[p + FRONT_PAGE] = (lang, ("front",))
            for section in s.sections:
                for listing in paginate(f"{p}{section.slug}/", own.by_section[section.slug],
                                        s.page_size):
                    pages.append(GeneratedPage(listing.src_uri, "section", section.label(lang),
                                               lang, section=section, listing=listing))
                    if listing.number == 1:
                        keys[listing.src_uri] = (lang, ("section", section.slug))
                    self.fallbacks[listing.src_uri] = ("section", section.slug)
            if view.root:  # site-wide: every story, in the site language
                for plan in [*archive_plans(catalog.articles, s.timezone, s.page_size, s.language),
                             *author_plans(self.staff, catalog.articles, s.page_size, s.language)]:
                    pages.append(GeneratedPage(plan.src_uri, plan.kind, plan.title, s.language,
                                               listing=plan.listing, data=plan.data))
            pages.append(GeneratedPage(p + search.SEARCH_PAGE, "search",
                                       search.labels(lang)["search_title"], lang))
            keys[p + search.SEARCH_PAGE] = (lang, ("search",))
            with timing.phase("tags"):  # published stories only
                view.tags = build_tag_index(own.articles, s.tag_aliases, p)
            pages.append(GeneratedPage(p + INDEX_URL + "index.md", "tags", i18n.labels(lang)["tags"], lang))
            keys[p + INDEX_URL + "index.md"] = (lang, ("tags",))
            for tag in view.tags.tags:
                for listing in paginate(tag.url, tag.articles, s.tag_page_size):
                    pages.append(GeneratedPage(listing.src_uri, "tag", tag.name, lang,
                                               listing=listing, tag=tag))
                    if listing.number == 1:
                        keys[listing.src_uri] = (lang, ("tag", tag.key))
                    self.fallbacks[listing.src_uri] = ("tags",)
        self.tags = next(iter(self.views.values())).tags  # the root edition's
        return {p.src_uri: p for p in pages}

    def _link_versions(self, catalog: Catalog) -> None:
        """Pair each page with its versions in the other edition (nothing without editions)."""
        if not self.editions:
            self.version_keys, self.fallbacks, self.version_table = {}, {}, {}
            return
        for article in catalog.articles:
            edition = ed.edition_lang(article.lang, self.editions)
            if (sid := ed.story_id(article)) is not None and edition is not None:
                self.version_keys[article.src_uri] = (edition, ("story", sid))
        self.version_table = ed.versions(self.version_keys)

    def view(self, lang: str) -> ed.EditionView:
        """The edition of ``lang``; the one view of the whole site when there are no editions."""
        if not self.views:
            raise RuntimeError("Newsroom.load() must run before pages are built")
        edition = ed.edition_lang(lang, self.editions) if self.editions else None
        return self.views.get(edition or lang) or next(iter(self.views.values()))

    def tag_indexes(self) -> list[TagIndex]:
        return [v.tags for v in self.views.values() if v.tags is not None]

    def edition_links(self, src_uri: str, lang: str) -> dict[str, Any]:
        """hreflang alternates and the language switch of a page (empty without editions)."""
        key = self.version_keys.get(src_uri)
        return ed.page_links(src_uri, self.view(lang).lang, key[1] if key else None,
                             self.fallbacks.get(src_uri, ("front",)), self.version_table, self.editions,
                             lambda uri: article_url(uri, directory_urls=self.directory_urls),
                             self.site_url, self.page_lang, lang)

    def page_url(self, src_uri: str) -> str:
        """The site-relative URL of the page built from ``src_uri``."""
        return article_url(src_uri, directory_urls=self.directory_urls)

    def page_lang(self, src_uri: str) -> str:
        """The language of the page built from ``src_uri`` (a story's own ``lang``)."""
        found = self.require_catalog().by_src.get(src_uri) or self.generated.get(src_uri)
        return found.lang if found is not None else self.settings.language

    # -- pages ---------------------------------------------------------------------------------

    def require_catalog(self) -> Catalog:
        if self.catalog is None:
            raise RuntimeError("Newsroom.load() must run before pages are built")
        return self.catalog

    def article(self, src_uri: str) -> Article | None:
        return self.require_catalog().by_src.get(src_uri)

    def page_meta(self, src_uri: str) -> tuple[dict[str, Any], str] | None:
        """``(page.meta, markdown)`` for a page Masthead owns; None for other pages."""
        if (page := self.generated.get(src_uri)) is not None:
            return {"template": f"{page.kind}.html", "title": page.title, "lang": page.lang}, ""
        if (article := self.article(src_uri)) is not None:
            meta = {"template": "article.html", "title": article.title,
                    "description": article.summary, "lang": article.lang}
            return meta, article.body
        return None

    def context(self, src_uri: str) -> dict[str, Any]:
        """Plain values the templates draw for the page built from ``src_uri``."""
        catalog = self.require_catalog()
        s = self.settings
        article = catalog.by_src.get(src_uri)
        page = self.generated.get(src_uri)
        lang = article.lang if article else page.lang if page else s.language
        current = article.section if article else page.section.slug if page and page.section else ""
        view = self.view(lang)
        ctx: dict[str, Any] = {"masthead": self.site_view(lang, current)}
        if self.editions:
            ctx["edition"] = links = self.edition_links(src_uri, lang)
            if not links.get("alternates"):  # then all it holds is the switch, the same on many pages
                flat = sorted((k, tuple(sorted(v.items())) if isinstance(v, dict) else repr(v))
                              for k, v in links.items())
                ctx["edition"] = self._same(("edition", *flat), links)
        ctx["social"] = social = social_view(self.social, lang=lang, site_url=self.site_url,
                                             site_name=s.short_name, article=article)
        social["follow"] = self._same(("follow", lang), social["follow"])  # made from (settings, lang)
        if "promo" in social:
            social["promo"] = self._same(("promo", *sorted(social["promo"].items())), social["promo"])
        if article is not None:
            section = s.section(article.section)
            ctx["article"] = article
            ctx["article_section"] = section.label(lang) if section else article.section
            latest = view.catalog.articles[:RAIL_SIZE + 1]
            if any(a is article for a in latest[:RAIL_SIZE]):  # never a story in its own rail
                ctx["rail"] = [a for a in latest if a is not article][:RAIL_SIZE]
            else:
                ctx["rail"] = self._same(("rail", lang), latest[:RAIL_SIZE])
            ctx["byline"] = self.byline(article)
            ctx["expired"] = catalog.is_expired(src_uri) and not article.draft
            ctx["scheduled"] = catalog.is_withheld(src_uri) and not article.draft and not ctx["expired"]
            with timing.phase("tags"):
                ctx["article_tags"] = view.tags.of(article) if view.tags else []
            ctx["related"] = self.related_lists().get(src_uri, ())
        elif page is not None and page.kind == "section":
            ctx["listing"] = page.listing
            ctx["section"] = page.section
        elif page is not None and page.kind in ("tag", "tags"):
            ctx.update(listing=page.listing, tag=page.tag)
            if page.kind == "tags":  # only the index draws it: on a tag page it would tie the
                ctx["tag_index"] = view.tags  # render cache's key to every story of the edition
        elif page is not None and page.kind == "front":
            ctx["front"] = self.front_page(view)
        elif page is not None and page.kind == "search":
            ctx["search_page"] = search.page_view(s, lang, sorted({a.lang for a in view.catalog.articles}))
        elif page is not None:
            ctx["listing"] = page.listing
            ctx.update(page.data)
        return ctx

    def _same(self, key: tuple[Any, ...], value: Any) -> Any:
        """One object for the value ``key`` names, on every page until the next ``load``: the
        templates' shared parts (``mh_shared``) digest a value once per object. Never change it."""
        return self.same.setdefault(key, value)

    def redirect_pages(self, template: Any, site_url: str) -> list[tuple[Redirect, str]]:
        """Each published story's old addresses, with the page that sends readers on (aliases.py)."""
        base = site_url if not site_url or site_url.endswith("/") else site_url + "/"
        return [(r, template.render(redirect=r.view(base, self.view(r.lang).name, i18n.labels(r.lang))))
                for r in self.require_catalog().redirects()]

    def byline(self, article: Article) -> list[dict[str, str | None]]:
        """The story's authors, each with the URL of their author page when they have one."""
        return [{"name": name, "url": a.url if (a := self.staff.find(name)) else None}
                for name in article.authors]

    def site_view(self, lang: str, current_section: str = "") -> dict[str, Any]:
        """The site as templates draw it (name, sections, labels...) in ``lang``'s edition.

        The same dict for the same arguments until the next ``load``, on every page: the
        templates' shared parts (``mh_shared``) digest it once, not once per page. Never change it.
        """
        known = self.site_views.get((lang, current_section))
        if known is None:
            known = self.site_views[(lang, current_section)] = self._site_view(lang, current_section)
        return known

    def _site_view(self, lang: str, current_section: str) -> dict[str, Any]:
        s = self.settings
        year = self.last_year()
        years = str(s.copyright_since) if year <= s.copyright_since else f"{s.copyright_since}–{year}"
        labels = {**i18n.labels(lang), **search.labels(lang)}
        view = self.view(lang)
        p = view.prefix
        return {
            "name": view.name,
            "short_name": view.short_name,
            "home_url": p,  # the edition's front page ("" at the site root)
            "prefix": p,
            "lang": lang,
            "family": i18n.family(lang),  # zh for zh-Hant too: punctuation, tag languages
            "labels": labels,
            "logo": s.logo,
            "disclaimer": s.disclaimer,
            "copyright": labels["copyright"].format(years=years, owner=s.copyright_owner),
            "current_section": current_section,
            "search_url": article_url(p + search.SEARCH_PAGE, directory_urls=self.directory_urls),
            "sections": [{"slug": x.slug, "url": f"{p}{x.slug}/", "title": x.label(lang),
                          "description": x.describe(lang)} for x in s.sections],
            "section_titles": {x.slug: x.label(lang) for x in s.sections},
            "archive_url": "archive/" if self.catalog and self.catalog.articles else "",
            "authors_url": "authors/" if self.staff.authors else "",
            "tags_url": p + INDEX_URL if view.tags and view.tags.tags else "",
            "filings": filings_view(s.filings),
        }

    def front_page(self, view: ed.EditionView | None = None) -> dict[str, Any]:
        """The front page of ``view``'s edition (the root edition by default)."""
        self.require_catalog()
        view = view or next(iter(self.views.values()))
        catalog = view.catalog
        lead = catalog.lead
        per = self.settings.front_page_per_section
        blocks = []
        for section in self.settings.sections:
            items = [a for a in catalog.by_section[section.slug] if a is not lead][:per]
            if items:
                blocks.append({"section": section, "url": f"{view.prefix}{section.slug}/", "stories": items})
        latest = [a for a in catalog.articles if a is not lead][:per + 2]
        return {"lead": lead, "latest": latest, "blocks": blocks}

    def last_year(self) -> int:
        """The year of the newest story: the copyright range never depends on the build date."""
        catalog = self.require_catalog()
        newest = catalog.articles[0].date if catalog.articles else None
        return newest.astimezone(self.settings.timezone).year if newest else self.settings.copyright_since

    # -- filters -------------------------------------------------------------------------------

    def local(self, value: dt.datetime) -> dt.datetime:
        return value.astimezone(self.settings.timezone)

    # The date filters run ~15 times a page, for the story and each story it lists; each story's
    # dates are worked out once per build (a datetime is a key by its instant: the local time
    # and so the text are the same for equal instants).
    def format_date(self, value: dt.datetime, lang: str, with_time: bool = True) -> str:
        key = (value, lang, with_time)
        text = self.dates.get(key)
        if text is None:
            text = self.dates[key] = i18n.format_date(self.local(value), lang, with_time=with_time)
        return text

    def iso_date(self, value: dt.datetime) -> str:
        """``value`` in the newsroom's time zone, ISO 8601 (the ``masthead_iso`` filter)."""
        key = (value,)
        text = self.dates.get(key)
        if text is None:
            text = self.dates[key] = self.local(value).isoformat()
        return text
