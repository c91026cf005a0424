"""What a cached page render depends on: plain-data views of MkDocs' objects for the digests.

``Speed.page_key`` digests a template's whole context; MkDocs' objects (the page, the nav, the
config, the theme) enter it through these views, which keep what a template can read and drop
what changes from build to build without changing the page (the build's clock, ``site_dir``,
plugins' internal state).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from masthead.cache import tree_digest
from masthead.fingerprint import digest, loose

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page


def page_view(page: Page) -> dict[str, Any]:
    """What a template can read from a page (not ``update_date``: the build's clock)."""

    def link(other: Any) -> Any:
        return (getattr(other, "url", None), getattr(other, "title", None)) if other else None

    return {
        "file": (page.file.src_uri, page.file.dest_uri, page.file.url, page.file.name),
        "url": page.url, "abs_url": page.abs_url, "canonical_url": page.canonical_url,
        "edit_url": page.edit_url, "title": page.title, "meta": page.meta,
        "markdown": page.markdown, "content": page.content, "toc": toc_view(page.toc),
        "is_homepage": page.is_homepage, "previous": link(page.previous_page),
        "next": link(page.next_page), "parent": link(page.parent),
        "ancestors": [link(a) for a in page.ancestors], "active": page.active,
    }


def toc_view(items: Any) -> list[Any]:
    return [(i.title, i.id, i.level, toc_view(i.children)) for i in items]


def nav_view(items: Any) -> list[Any]:
    view = []
    for item in items:
        kind = type(item).__name__
        children = nav_view(item.children) if getattr(item, "children", None) else []
        meta = getattr(item, "meta", None)
        view.append((kind, getattr(item, "title", None), getattr(item, "url", None),
                     loose(meta) if meta else None, children))
    return view


def config_view(config: MkDocsConfig) -> dict[str, Any]:
    """MkDocs' config as plain data: plugins by name and settings, not by their state."""
    view: dict[str, Any] = {}
    for key, value in config.items():
        if key == "site_dir":  # where pages are written, not what they say
            continue
        if key == "plugins":
            view[key] = [(name, loose(type(p)), loose(getattr(p, "config", None)))
                         for name, p in value.items() if not name.startswith("masthead/")]
        elif key == "hooks":
            view[key] = sorted(value)
        elif key == "theme":
            view[key] = (value.name, list(value.dirs), sorted(value.static_templates),
                         {k: loose(value[k]) for k in value})
        else:
            view[key] = loose(value)
    return view


def theme_digest(config: MkDocsConfig) -> str:
    """The theme's template folders: the contents of the project's own, and the installed
    theme's by its version (in ``code_digest``; its icon folder alone has thousands of files)."""
    installed = Path(sys.prefix).resolve()
    own = [Path(d) for d in config.theme.dirs if not Path(d).resolve().is_relative_to(installed)]
    return digest((list(config.theme.dirs), tree_digest(own)))
