"""Structured data for article pages: NewsArticle and BreadcrumbList JSON-LD, OpenGraph, Twitter.

Values are computed here and drawn by ``overrides/partials/mh-structured.html``. JSON-LD goes out
through ``json.dumps`` with ``<``, ``>`` and ``&`` escaped as ``\\u003c`` etc., so no field can
close the ``<script>`` element; meta values are escaped by the template.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .article import Article
from .feeds import absolute, rfc3339, site_base
from .settings import Settings

LOCALES = {"zh": "zh_CN", "zh-Hant": "zh_TW", "en": "en_US"}
LANGUAGE_TAGS = {"zh": "zh-CN", "zh-Hant": "zh-Hant", "en": "en"}


def script_json(data: Any) -> str:
    """JSON safe inside ``<script>``: no ``<``, ``>`` or ``&`` appears literally."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def news_article(
    article: Article,
    settings: Settings,
    *,
    site_url: str,
    canonical: str,
    section_title: str,
    author_urls: Sequence[str | None] = (),
) -> dict[str, Any]:
    """schema.org NewsArticle for one story; every URL absolute."""
    base = site_base(site_url)
    zone = settings.timezone
    publisher: dict[str, Any] = {"@type": "Organization", "name": settings.publisher, "url": base}
    if settings.logo:
        publisher["logo"] = {"@type": "ImageObject", "url": absolute(base, settings.logo)}
    authors: list[dict[str, Any]] = []
    for i, name in enumerate(article.authors):
        person: dict[str, Any] = {"@type": "Person", "name": name}
        if i < len(author_urls) and author_urls[i]:
            person["url"] = absolute(base, str(author_urls[i]))
        authors.append(person)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "datePublished": rfc3339(article.date, zone),
        "dateModified": rfc3339(article.modified, zone),
        "author": authors or [{"@type": "Organization", "name": article.source or settings.publisher,
                               "url": base}],
        "publisher": publisher,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
        "articleSection": section_title,
        "keywords": list(article.tags),
        "inLanguage": LANGUAGE_TAGS.get(article.lang, article.lang),
    }
    image = article_image(article, settings, base)
    if image:
        data["image"] = [image]
    return data


def article_image(article: Article, settings: Settings, base: str) -> str:
    """The story's picture (absolute), else the site logo, else ""."""
    if article.image:
        return absolute(base, article.image)
    return absolute(base, settings.logo) if settings.logo else ""


def breadcrumbs(items: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """schema.org BreadcrumbList from (name, absolute URL) pairs, outermost first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [{"@type": "ListItem", "position": n, "name": name, "item": url}
                            for n, (name, url) in enumerate(items, start=1)],
    }


def article_meta(
    article: Article, settings: Settings, *, canonical: str, section_title: str,
) -> list[tuple[str, str, str]]:
    """OpenGraph and Twitter ``<meta>`` as (attribute, key, value); og:image is issue 12's."""
    zone = settings.timezone
    meta = [
        ("property", "og:type", "article"),
        ("property", "og:title", article.title),
        ("property", "og:description", article.summary or settings.name),
        ("property", "og:url", canonical),
        ("property", "og:site_name", settings.name),
        ("property", "og:locale", LOCALES.get(article.lang, article.lang)),
        ("property", "article:published_time", rfc3339(article.date, zone)),
        ("property", "article:modified_time", rfc3339(article.modified, zone)),
        ("property", "article:section", section_title),
        *(("property", "article:tag", tag) for tag in article.tags),
        # twitter:card comes with the share image (partials/mh-share-image.html): every story
        # has one (its photo or a drawn card), so it is always summary_large_image.
        ("name", "twitter:title", article.title),
        ("name", "twitter:description", article.summary),
    ]
    return meta


def page_meta(
    title: str, description: str, url: str, settings: Settings, lang: str,
) -> list[tuple[str, str, str]]:
    """OpenGraph for a listing page (front, section, tag): a website, not an article. Its
    og:image and twitter:card come with the site's share card (partials/mh-share-image.html)."""
    meta = [("property", "og:type", "website"), ("property", "og:title", title),
            ("property", "og:url", url), ("property", "og:site_name", settings.name),
            ("property", "og:locale", LOCALES.get(lang, lang))]
    if description:
        meta.insert(2, ("property", "og:description", description))
    return meta
