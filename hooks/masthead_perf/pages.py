"""How a page is rendered: Masthead's page class (Markdown) and template class (Jinja).

- ``MastheadPage``: a page Masthead owns (story, front, section, tag page). Its source is the
  text the newsroom already read; its HTML comes from ``Speed.rendered``: the render cache, the
  process pool's results (cold builds), or one Markdown instance reused for every page.
- ``CachingTemplate``: Jinja's template class while Masthead builds; a page's render is looked up
  in the render cache under ``Speed.page_key`` (the digest of everything the template can read,
  see ``keys.py``) before Jinja runs.
- ``dict_first_getattr``: Jinja's ``a.b`` for the plain dicts our views are, without the
  AttributeError Jinja raises and catches for each of them (same results).
Both give the results MkDocs' own ``Page`` and ``jinja2.Template`` would; other plugins' events
still run.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from masthead.mdrender import PAGE_LOGGER

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files

    from .speed import Speed


class MastheadPage(Page):
    """A page Masthead owns (article, front or section page), read and rendered via ``Speed``.

    Same results as MkDocs' ``Page`` (other plugins' events still run), but the source already
    read by the newsroom is reused and the HTML comes from the render cache, the process pool,
    or one Markdown instance reused for every page.
    """

    speed: Speed

    @classmethod
    def adopt(cls, page: Page, speed: Speed) -> MastheadPage:
        """Turn MkDocs' own ``Page`` of a file into a MastheadPage (it is the same object)."""
        page.__class__ = cls
        assert isinstance(page, MastheadPage)
        page.speed = speed
        return page

    def read_source(self, config: MkDocsConfig) -> None:
        source = config.plugins.on_page_read_source(page=self, config=config)
        if source is None:
            source = self.speed.sources.get(self.file.src_uri)
        if source is None:
            super().read_source(config)
            return
        self.markdown, self.meta = self.speed.front_matter(self.file.src_uri, source)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        rendered = self.speed.rendered(self, self.markdown)
        self.speed.noted[self.file.src_uri] = (rendered.messages, frozenset(rendered.anchors))
        replay(rendered.messages)
        self.content = rendered.html
        self.toc = get_toc(rendered.toc_tokens)
        self._title_from_render = rendered.title
        self.present_anchor_ids = set(rendered.anchors)
        if logging.getLogger(PAGE_LOGGER).getEffectiveLevel() > logging.DEBUG:
            links: dict[File, dict[str, str]] = {}
            for uri, anchors in rendered.links_to_anchors.items():
                target = files.get_file_from_path(uri)
                if target is not None:
                    links[target] = dict(anchors)
            self.links_to_anchors = links


class CachingTemplate(jinja2.Template):
    """A Jinja template whose page renders are looked up in the render cache first."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        speed: Speed | None = getattr(self.environment, "masthead_speed", None)
        if speed is None:
            return super().render(*args, **kwargs)
        context = dict(*args, **kwargs)
        key = speed.page_key(self.name or "", context)
        if key is None:
            return super().render(context)
        output = speed.cache.get("page", key)
        if isinstance(output, str):
            return output
        output = super().render(context)
        speed.cache.put("page", key, output)
        return output


# What `getattr` finds on a plain dict: its methods and object's attributes, nothing else.
DICT_ATTRIBUTES = frozenset(dir(dict))


def dict_first_getattr(env: jinja2.Environment) -> None:
    """Make ``env.getattr`` (what ``a.b`` in a template calls) go straight to plain dicts' items.

    Jinja tries ``getattr(obj, "b")`` first and ``obj["b"]`` when that raises AttributeError. Our
    views (``masthead``, ``social``, labels...) are plain dicts, so each ``masthead.labels`` raised
    and caught an exception: ~100 per page, ~9 % of Jinja's time. On a plain ``dict`` (not a
    subclass) ``getattr`` fails for every name that is not one of dict's own attributes, so for
    those names this looks the item up at once; everything else goes to Jinja's own ``getattr``.
    Same results. Left alone: an environment whose class has its own ``getattr`` (a sandbox),
    or that has one of its own already (this one, if a build's environment came here twice).
    """
    if type(env).getattr is not jinja2.Environment.getattr or "getattr" in vars(env):
        return
    jinja_getattr = env.getattr

    def getattr_(obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return env.undefined(obj=obj, name=attribute)
        return jinja_getattr(obj, attribute)

    env.getattr = getattr_  # type: ignore[method-assign]


def replay(messages: Any) -> None:
    """Log again what Markdown logged while rendering a page (a cached page warns again)."""
    for name, level, message in messages:
        logging.getLogger(name).log(level, message)


def is_excluded(file: File) -> bool:
    return bool(file.inclusion.is_excluded())  # type: ignore[no-untyped-call]


def source_text(source: str) -> str:
    """A file's text as MkDocs reads it (``File.content_string`` opens it as utf-8-sig)."""
    return source.removeprefix("\ufeff")
