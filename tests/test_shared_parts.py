"""``mh_shared`` (hooks/masthead_perf/shared.py): parts rendered once, reused where equal."""

from __future__ import annotations

from typing import Any

import jinja2
import pytest
from markupsafe import Markup
from mkdocs.utils.templates import url_filter

from masthead_perf.shared import SharedParts

PARTIALS = {
    "nav.html": '<nav>{% for s in sections %}<a href="{{ s | url }}"'
                '{% if s == current %} aria-current="page"{% endif %}>{{ s }}</a>{% endfor %}'
                "<b>{{ name }}</b></nav>",
    "outer.html": "<header>{{ mh_shared('nav.html', sections=sections, current=current, name=name) }}"
                  '<a href="{{ home | url }}">home</a></header>',
    "maybe.html": "{% if flag %}on{% else %}off{% endif %}",
    "shared.html": "{{ mh_shared(part, **values) }}",
    "plain.html": "{% include part %}",
}
SECTIONS = ["news/", "tech/", "zh/news/"]


class Page:
    def __init__(self, url: str) -> None:
        self.url = url


def environment() -> tuple[jinja2.Environment, SharedParts]:
    env = jinja2.Environment(loader=jinja2.DictLoader(PARTIALS))
    env.filters["url"] = url_filter  # MkDocs' own, as its theme environment has it
    parts = SharedParts(env)
    parts.install()
    return env, parts


def shared(env: jinja2.Environment, url: str | None, part: str, **values: Any) -> str:
    page = Page(url) if url is not None else None
    return env.get_template("shared.html").render(page=page, base_url="..", part=part, values=values)


def plain(url: str | None, part: str, **values: Any) -> str:
    """What ``{% include %}`` gives on the page (no sharing at all)."""
    env = jinja2.Environment(loader=jinja2.DictLoader(PARTIALS))
    env.filters["url"] = url_filter

    @jinja2.pass_context
    def include(context: Any, name: str, /, **v: Any) -> Markup:
        return Markup(env.get_template(name).render({**context.get_all(), **v}))

    env.globals["mh_shared"] = include
    page = Page(url) if url is not None else None
    return env.get_template("plain.html").render(page=page, base_url="..", part=part, **values)


def test_two_pages_of_one_section_share_the_part() -> None:
    env, parts = environment()
    values = {"sections": SECTIONS, "current": "news/", "name": "Motor Ledger"}
    first = shared(env, "news/a/", "nav.html", **values)
    second = shared(env, "news/b/", "nav.html", **values)
    assert first == second == plain("news/a/", "nav.html", **values)
    assert 'href="../"' in first and 'href="../../tech/"' in first
    assert (parts.rendered, parts.reused) == (1, 1)


def test_another_section_or_edition_gets_its_own_part() -> None:
    env, parts = environment()
    values = {"sections": SECTIONS, "current": "news/", "name": "Motor Ledger"}
    shared(env, "news/a/", "nav.html", **values)
    other_section = shared(env, "tech/c/", "nav.html", **values)  # same values, other links
    assert other_section == plain("tech/c/", "nav.html", **values)
    assert 'href="../../news/"' in other_section
    other_edition = shared(env, "zh/news/d/", "nav.html", **{**values, "name": "汽车纪事"})
    assert other_edition == plain("zh/news/d/", "nav.html", **{**values, "name": "汽车纪事"})
    assert parts.rendered == 3 and parts.reused == 0


@pytest.mark.parametrize("url", ["", "news/", "tech/", "news/a/", "news/page/2/", "zh/", "zh/news/",
                                 "zh/news/x/", "tags/a/b/", "news/a.html", "index.html", "zh/index.html"])
def test_the_part_is_what_an_include_gives_on_every_page(url: str) -> None:
    env, _ = environment()
    values = {"sections": SECTIONS, "current": "news/", "name": "n", "home": ""}
    for warm in ("news/a/", "tech/b/", "zh/", ""):  # parts kept from other pages first
        shared(env, warm, "outer.html", **values)
    assert shared(env, url, "outer.html", **values) == plain(url, "outer.html", **values)


def test_a_part_inside_a_part_adds_its_links_to_the_outer_one() -> None:
    env, parts = environment()
    values = {"sections": SECTIONS, "current": "", "name": "n", "home": ""}
    shared(env, "news/a/", "outer.html", **values)
    key = ("outer.html", tuple((k, parts._value_key(v)) for k, v in sorted(values.items())))
    assert parts.links[key][0] == ("news/", "tech/", "zh/news/", "")
    # The section page links to itself as "./": not the part kept for story pages.
    assert shared(env, "news/", "outer.html", **values) == plain("news/", "outer.html", **values)


def test_changed_values_and_a_new_build_render_again() -> None:
    env, parts = environment()
    assert shared(env, "news/a/", "maybe.html", flag=True) == "on"
    assert shared(env, "news/a/", "maybe.html", flag=False) == "off"
    assert shared(env, "news/a/", "maybe.html", flag=jinja2.Undefined()) == "off"
    values = {"sections": SECTIONS, "current": "news/", "name": "Old name"}
    assert "Old name" in shared(env, "news/a/", "nav.html", **values)
    # An edited value is another object: another key, never the kept part.
    assert "New name" in shared(env, "news/b/", "nav.html", **{**values, "name": "New name"})
    assert (parts.rendered, parts.reused) == (5, 0)
    # A `mkdocs serve` rebuild makes a new environment and a new SharedParts: nothing is kept.
    before = dict(PARTIALS)
    try:
        PARTIALS["nav.html"] = "<nav>{{ name }} (edited template)</nav>"
        env2, parts2 = environment()
        assert shared(env2, "news/a/", "nav.html", **values) == "<nav>Old name (edited template)</nav>"
        assert parts2.reused == 0
    finally:
        PARTIALS.update(before)


def test_without_a_page_links_come_from_base_url() -> None:
    env, parts = environment()
    html = shared(env, None, "nav.html", sections=["news/"], current="", name="n")
    assert 'href="../news/"' in html
    assert parts.rendered == 0  # not kept


def test_a_part_is_rendered_once_per_parent_folder_unless_a_link_goes_into_the_page_folder() -> None:
    env, parts = environment()
    values = {"sections": [*SECTIONS, "news/b/more/"], "current": "", "name": "n"}
    pages = ["news/s1/", "news/s2/", "news/d.html", "tech/s3/", "news/b/", "news/b/",
             "zh/news/s4/", "zh/news/s5/"]
    for url in pages:
        assert shared(env, url, "nav.html", **values) == plain(url, "nav.html", **values)
    # news/s1/ and news/s2/ share (news/d.html is in news/ itself); news/b/ is linked into: its
    # own part, reused on the second news/b/ page; tech/s3/ its own; zh/news/s4/ and s5/ share.
    assert (parts.rendered, parts.reused) == (5, 3)


@pytest.mark.parametrize("url", ["", "news/", "news/a/", "news/a/b/", "news/ab/", "a/", "b/a/", "a.html",
                                 "news/a.html", "news/a/index.html", "zh/news/a/"])
def test_links_into_and_beside_the_page_folder_are_what_an_include_gives(url: str) -> None:
    env, _ = environment()
    values = {"sections": ["news/a/", "news/a/b/", "news/ab/", "a/", "../a/", "news/./a/x/", "/abs/",
                           "https://example.com/a/", "#a", ""], "current": "", "name": "n"}
    for warm in ("news/x/", "news/a/", "news/y/", "news/a/y/", "b/x/", "", "x/", "news/"):
        shared(env, warm, "nav.html", **values)
    assert shared(env, url, "nav.html", **values) == plain(url, "nav.html", **values)


def test_another_plugins_url_filter_is_compared_by_its_results() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader(PARTIALS))

    @jinja2.pass_context
    def by_depth(context: Any, value: str) -> str:  # a filter whose links depend on more than the folder
        return f"{context['page'].url.count('/')}:{value}"

    env.filters["url"] = by_depth
    parts = SharedParts(env)
    parts.install()
    values = {"sections": ["x/"], "current": "", "name": "n"}
    assert 'href="2:x/"' in shared(env, "news/a/", "nav.html", **values)
    assert 'href="2:x/"' in shared(env, "news/b/", "nav.html", **values)
    assert 'href="3:x/"' in shared(env, "news/b/c/", "nav.html", **values)
    assert (parts.rendered, parts.reused) == (2, 1)
