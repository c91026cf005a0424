"""One build's pictures: each story's image, the images in its body, and its share card.

Ties the pipeline (``images``) and the card drawer (``cards``) to the catalog. Plain Python: the
MkDocs event file calls ``prepare`` once the catalog is read, ``body`` for each rendered page,
``picture`` and ``share_image`` from templates, and publishes ``outputs`` with the site.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from . import i18n, workers
from .article import Article, key_lines
from .cards import CardMaker, CardText, missing_characters
from .errors import Fault, MastheadError
from .images import (
    ImageProblem,
    ImageSettings,
    ImageStore,
    Picture,
    Use,
    Variant,
    body_image_line,
    open_image,
    rewrite_body,
)
from .settings import CONFIG_FILE, Settings

CARD_DIR = "cards"  # inside the images' cache folder (whose own entries sit in 2-letter folders)


class Media:
    """Pictures for one build, made once each and cached across builds."""

    def __init__(self, settings: Settings, cfg: ImageSettings, docs_dir: Path, project_dir: Path,
                 workers: int | None = None) -> None:
        self.settings, self.cfg, self.docs_dir = settings, cfg, docs_dir
        cache = (project_dir / cfg.cache_dir).resolve()
        self.store = ImageStore(cfg, docs_dir, cache)
        self.cards = CardMaker(cache / CARD_DIR, self._logo_bytes())
        self.workers = workers
        self.notes: list[str] = []  # things worth telling the editor that are not faults
        self.shares: dict[str, Variant] = {}
        self.site_shares: dict[str, Variant] = {}  # language -> the site's own card (prepare_site)
        self._card_files: dict[str, Path] = {}
        self._sources: dict[str, str] = {}
        self._lock = threading.Lock()

    def _logo_bytes(self) -> bytes | None:
        logo = self.cfg.card_logo or self.settings.logo
        if not logo or not logo.lower().endswith((".png", ".jpg", ".jpeg", ".webp")) or "://" in logo:
            return None
        try:
            data = (self.docs_dir / logo).read_bytes()
            open_image(data, self.cfg).load()
        except (OSError, ImageProblem) as exc:
            message = exc.message if isinstance(exc, ImageProblem) else str(exc)
            raise MastheadError([Fault(CONFIG_FILE, None, "extra.masthead.images.card_logo",
                                       f"{logo}: {message}", "use a PNG of about 256 × 256 px")]) from None
        return data

    # -- before pages are rendered ---------------------------------------------------------------

    def prepare(self, articles: Iterable[Article]) -> None:
        """Make every story's image and share card (in parallel threads), collecting faults."""
        stories = list(articles)
        local = [a for a in stories if a.image and not a.image.startswith(("https://", "http://"))]
        self.store.prepare([a.image for a in local], self.workers)
        for a in local:
            self.store.get(a.image, Use(a.src_uri, self._line(a.src_uri, "image"), "image"))
        texts = [self.card_text(a) for a in stories if self._photo_card(a) is None]
        self.cards.draw_later(texts, self.workers or workers.wanted())  # finish_cards() waits
        threads = self.workers or 2
        if threads > 1 and len(stories) > 1:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                list(pool.map(self._share, stories))
        else:
            for a in stories:
                self._share(a)

    def _photo_card(self, article: Article) -> Variant | None:
        """The share card cut from the story's own picture, if it has one big enough."""
        image = self.store.sets.get(article.image) if article.image else None
        return image.card if image is not None else None

    def _share(self, article: Article) -> None:
        share = self._photo_card(article)
        if share is None:
            text = self.card_text(article)
            share, cached = self.cards.card(text)
            missing = missing_characters(text.title + text.section + text.site_name)
            with self._lock:
                self._card_files[share.path] = cached
                if missing:
                    self.notes.append(f"{article.src_uri}: the share card font has no {missing}; "
                                      "they are drawn as boxes (add them in tools/card_font.py)")
        with self._lock:
            self.shares[article.src_uri] = share

    def prepare_site(self, languages: Iterable[str], headline: str) -> None:
        """The site's own share card in each of ``languages``, for every page that is not a story
        (front, sections, tags, search, authors, archives, 404): ``headline`` (the site's
        description) under its name. Drawn once, cached like the story cards."""
        for lang in sorted({*languages, self.settings.language}):
            text = CardText(title=headline or self.settings.name, section="", date="",
                            site_name=self.settings.name, lang=lang)
            share, cached = self.cards.card(text)
            self._card_files[share.path] = cached
            self.site_shares[lang] = share
            if missing := missing_characters(text.title + text.site_name):
                self.notes.append(f"the site's share card font has no {missing}; they are drawn as "
                                  "boxes (add them in tools/card_font.py)")

    def card_text(self, article: Article) -> CardText:
        section = self.settings.section(article.section)
        local = article.date.astimezone(self.settings.timezone)
        return CardText(
            title=article.title,
            section=section.label(article.lang) if section else article.section,
            date=i18n.format_date(local, article.lang, with_time=False),
            site_name=self.settings.name,
            lang=article.lang,
        )

    def _line(self, src_uri: str, key: str) -> int | None:
        return key_lines(self._source(src_uri)).get(key)

    def _source(self, src_uri: str) -> str:
        if src_uri not in self._sources:
            try:
                self._sources[src_uri] = (self.docs_dir / src_uri).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                self._sources[src_uri] = ""
        return self._sources[src_uri]

    def body(self, content: str, page_url: str, src_uri: str) -> str:
        """A rendered page's ``<img>`` tags made responsive; broken images become faults."""

        def lookup(path: str, src: str) -> Picture | None:
            if not ImageStore.handles(path) or not (self.docs_dir / path).is_file():
                return None  # not ours, or a missing file MkDocs already warns about
            found = self.store.get(path, Use(src_uri, body_image_line(self._source(src_uri), src),
                                             "body image"))
            return found.full if found is not None else None

        return rewrite_body(content, page_url, lookup)

    def drawing(self, cached: Path) -> bool:
        """Whether the cached file ``cached`` (see :meth:`outputs`) is a share card still being
        drawn in the background: publish it after :meth:`finish_cards`."""
        return self.cards.drawing(cached)

    def finish_cards(self) -> int:
        """Every share card of the build is drawn (see :meth:`CardMaker.draw_later`); how many
        were drawn in the background."""
        return self.cards.wait()

    def cancel(self) -> None:
        """The build failed: stop drawing cards in the background."""
        self.cards.cancel()

    def raise_faults(self) -> None:
        """Every broken image of the build at once (call after all pages are rendered)."""
        self.store.raise_faults()

    # -- templates --------------------------------------------------------------------------------

    def picture(self, path: str, kind: str = "full") -> Picture | None:
        """The Picture of a story's ``image`` (``kind`` "full" or "thumb"); None for a remote URL
        or an image that is not processed."""
        found = self.store.sets.get(path) if path else None
        if found is None:
            return None
        return found.thumb if kind == "thumb" else found.full

    def share_image(self, article: Article, site_url: str) -> dict[str, Any] | None:
        """og:image values for ``article``: absolute URL, size, type and alternative text."""
        share = self.shares.get(article.src_uri)
        if share is None or not site_url:
            return None
        photo = share.mime == "image/jpeg"
        return {
            "url": site_url.rstrip("/") + "/" + share.path,
            "width": share.width,
            "height": share.height,
            "type": share.mime,
            "alt": (article.image_alt or article.title) if photo else article.title,
        }

    def site_share_image(self, lang: str, site_url: str) -> dict[str, Any] | None:
        """og:image values of a page that is not a story: the site's card in the page's language."""
        share = self.site_shares.get(lang) or self.site_shares.get(self.settings.language)
        if share is None or not site_url:
            return None
        return {"url": site_url.rstrip("/") + "/" + share.path, "width": share.width,
                "height": share.height, "type": share.mime, "alt": self.settings.name}

    # -- publishing -------------------------------------------------------------------------------

    def outputs(self) -> dict[str, Path]:
        """Every file to publish: site-relative path → cached file."""
        return {**self.store.outputs, **self._card_files}

    def stats(self) -> dict[str, int]:
        return {"image_hits": self.store.cache.hits, "image_misses": self.store.cache.misses,
                "card_hits": self.cards.hits, "card_misses": self.cards.misses,
                "files": len(self.outputs())}
