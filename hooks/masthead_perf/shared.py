"""Parts of a page that are the same on many pages: rendered once per build, then reused.

The masthead, the footer, the follow block and the rail of latest stories come out the same on
every story of one edition and section: rendering them for each of 10 000 pages was about a
third of the build's Jinja time. A template asks for such a part with the Jinja global
``mh_shared``::

    {{ mh_shared("partials/mh-footer.html", masthead=masthead) }}

It renders the partial with exactly the values it names (plus the environment's globals:
filters, ``masthead_icons``...), nothing else of the page, and keeps the result. The next page
that passes equal values gets the kept HTML, *if the part's links come out the same there*:
a link made with ``| url`` is relative to the page (``news/`` is ``../`` on ``news/a/`` but
``../../news/`` on ``tech/b/``), so a part remembers the addresses it linked to and is reused
on the pages where they give the same relative links (``place``: the pages of one folder, and
those of folders side by side that none of the links goes into). The key of a part is thus
(partial, its values, where its links are made from): equal keys, equal HTML.

Rules for a shared partial (the byte-identity tests catch a slip):

- read only the values passed: a name not passed is undefined in the partial, as it is in the
  page when the page lacks it;
- make links with ``| url`` only: never print ``page.url`` or ``base_url`` (a part is reused on
  other pages), and never anything that changes with the build's clock;
- pass values that stay the same objects from page to page where you can (the newsroom's
  views, ``Newsroom.site_view``): each value is digested once per object, and values must not
  be changed while pages are rendered.

A fresh ``SharedParts`` is made in every build's ``on_env`` (so in every `mkdocs serve`
rebuild): a changed setting, template or story never reaches a page through a part kept from
an earlier build. Pages rendered from the render cache never ask for their parts at all.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.utils.templates import url_filter as mkdocs_url_filter

from masthead.fingerprint import DigestOnce, Memo, digest

UNDEFINED = ("\0undefined",)  # the key of a name the page does not define


class PageAddress:
    """All a shared partial learns of its page: the address ``| url`` makes links relative to."""

    def __init__(self, url: str) -> None:
        self.url = url


def folder_of(url: str) -> str:
    """The folder a page's relative links start from, as MkDocs' ``url`` filter takes it: the
    page's URL less a last part that holds a dot (a file name: ``news/a.html`` is in ``news``)."""
    head, _, last = url.rpartition("/")
    return (head if "." in last else url).strip("/")


class SharedParts:
    """The ``mh_shared`` global of one build's Jinja environment, and the parts it keeps."""

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        self.url_filter = env.filters["url"]  # MkDocs' own
        self.parts: dict[tuple[Any, ...], str] = {}  # (partial, values, place) -> HTML
        # (partial, values) -> the addresses it links to, and the same joined in one text
        self.links: dict[tuple[Any, ...], tuple[tuple[str, ...], str]] = {}
        # With MkDocs' own `url` filter a link depends on the page's folder only (see `place`).
        self.by_folder = self.url_filter is mkdocs_url_filter
        self.page: tuple[str, str, str, str] = ("\0", "", "", "")  # (URL, folder, parent, name)
        self.memo: Memo = {}  # digests of frozen dataclasses (stories) inside values
        self.digest_once = DigestOnce(lambda value: digest(value, memo=self.memo))
        self.recording: list[str] | None = None  # addresses linked by the part being rendered
        self.rendered = 0
        self.reused = 0

    def install(self) -> None:
        """Make ``mh_shared`` available to templates, and ``| url`` note a part's links."""
        self.env.globals["mh_shared"] = self.render
        self.env.filters["url"] = self.url

    @jinja2.pass_context
    def url(self, context: Any, value: Any) -> str:
        """MkDocs' ``url`` filter; inside a shared part it also notes the address."""
        if self.recording is not None:
            self.recording.append(str(value))
        return str(self.url_filter(context, value))

    @jinja2.pass_context
    def render(self, context: Any, name: str, /, **values: Any) -> Markup:
        """Partial ``name`` rendered with ``values`` only: kept from an earlier page, or now."""
        page_url = getattr(context.get("page"), "url", None)
        if not isinstance(page_url, str):  # links made from `base_url` (404.html): not shared
            return Markup(self.env.get_template(name).render(
                {**values, "page": None, "base_url": context.get("base_url")}))
        key = (name, tuple((k, self._value_key(v)) for k, v in sorted(values.items())))
        known = self.links.get(key)
        if known is not None:
            html = self.parts.get((key, self.place(context, page_url, *known)))
            if html is not None:
                self.reused += 1
                if self.recording is not None:  # a shared part inside another one
                    self.recording.extend(known[0])
                return Markup(html)
        html, addresses = self._render_now(context, name, values, page_url)
        known = self.links[key] = (addresses, "\n".join(addresses))
        self.parts[(key, self.place(context, page_url, *known))] = html
        self.rendered += 1
        return Markup(html)

    def place(self, context: Any, page_url: str, addresses: tuple[str, ...], text: str) -> Any:
        """Where a part's links to ``addresses`` (``text``: joined) are made from on this page:
        pages with the same place get the same relative links.

        A relative link climbs from the page's folder to the folder it shares with the target,
        then goes down to it: from ``news/a/`` and from ``news/b/``, ``tech/c/`` is
        ``../../tech/c/`` and ``news/`` is ``../``. So the links are the same from every folder in
        one parent folder that none of them goes into, and a target that goes into a folder has
        its name in its address: the place is (parent, True) when the folder's name is nowhere
        in ``text``, else (the folder itself, False). Each link is made by MkDocs' ``url``
        filter; if another plugin replaced it, the place is the links' results on this page.
        """
        if not self.by_folder:
            return tuple(str(self.url_filter(context, a)) for a in addresses)
        if self.page[0] != page_url:  # the parts of one page ask one after another
            folder = folder_of(page_url)
            parent, _, name = folder.rpartition("/")
            self.page = (page_url, folder, parent, name)
        _, folder, parent, name = self.page
        if name and name not in text:
            return (parent, True)
        return (folder, False)

    def _render_now(self, context: Any, name: str, values: dict[str, Any],
                    page_url: str) -> tuple[str, tuple[str, ...]]:
        outer, self.recording = self.recording, []
        try:
            html = self.env.get_template(name).render(
                {**values, "page": PageAddress(page_url), "base_url": context.get("base_url")})
        finally:
            linked, self.recording = self.recording, outer
        if outer is not None:
            outer.extend(linked)
        return html, tuple(dict.fromkeys(linked))

    def _value_key(self, value: Any) -> Any:
        if value is None or isinstance(value, (str, int, float)):
            return (type(value).__name__, value)
        if isinstance(value, jinja2.Undefined):
            return UNDEFINED
        return self.digest_once(value)
