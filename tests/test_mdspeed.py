"""FasterMarkdown (hooks/masthead/mdspeed.py): Python-Markdown with less CPU and the same HTML."""

from __future__ import annotations

import random
import re
from pathlib import Path

import markdown
import pytest
from markdown.inlinepatterns import LINK_RE, LinkInlineProcessor, SimpleTagInlineProcessor
from markdown.treeprocessors import InlineProcessor

from masthead.mdspeed import FASTER, ClosingBrackets, FasterMarkdown, ListedPatterns, closing_brackets

# The extensions engine.yml turns on.
EXTENSIONS = ["tables", "attr_list", "footnotes", "admonition", "md_in_html", "toc",
              "pymdownx.superfences", "pymdownx.tilde"]
FIXTURES = Path(__file__).parent / "fixtures"


def upstream_text(data: str, index: int) -> tuple[str, int, bool]:
    """Python-Markdown's own ``getText``, with nothing remembered from an earlier call."""
    return LinkInlineProcessor(r"\[").getText(data, index)


def test_closing_brackets_pair_each_bracket_like_markdown_does() -> None:
    assert closing_brackets("a [b [c] d] [e") == {3: 11, 6: 8}
    assert closing_brackets("]] [x]") == {4: 6}
    assert closing_brackets("no brackets") == {}


def test_get_text_answers_what_markdowns_own_answers() -> None:
    rnd = random.Random(25)
    fast = FASTER[LinkInlineProcessor](r"\[")
    asked = 0
    for _ in range(3000):
        data = "".join(rnd.choice("[]ab(\\`") for _ in range(rnd.randint(1, 40)))
        for index in range(len(data) + 1):  # right after a `[` (every real case) and anywhere else
            assert fast.getText(data, index) == upstream_text(data, index), (data, index)
            asked += 1
    assert asked > 60000


def converters() -> tuple[markdown.Markdown, markdown.Markdown]:
    return (markdown.Markdown(extensions=EXTENSIONS),
            markdown.Markdown(extensions=[*EXTENSIONS, FasterMarkdown()]))


@pytest.mark.parametrize("text", [
    "See [the report](../news/a.md) and [another [nested] one](b.md \"Title\").",
    "An image ![alt [x]](pic.png) and [a ref][r] and [r] and ![r][] and ![r].\n\n[r]: https://e.org",
    "Unclosed [brackets [everywhere and ] one [closed](x.md) [",
    "Escaped \\[not a link\\](x.md), `[code](x)` and a footnote[^1].\n\n[^1]: Note [x](y.md).",
    "中文[链接](../news/中文.md)与**粗体**，[未闭合",
    "[" * 300 + "x](y.md)" + "]" * 5,
])
def test_html_is_the_same_with_and_without_faster_markdown(text: str) -> None:
    plain, fast = converters()
    assert fast.convert(text) == plain.convert(text)


def test_html_of_real_posts_is_the_same() -> None:
    plain, fast = converters()
    posts = sorted((FIXTURES / "18f").rglob("*.md"))
    assert len(posts) >= 10
    linked = 0
    for post in posts:
        text = post.read_text(encoding="utf-8")
        linked += bool(re.search(r"\]\(", text))
        assert fast.reset().convert(text) == plain.reset().convert(text), post
    assert linked >= 5


def test_every_standard_link_pattern_is_faster_and_others_are_left_alone() -> None:
    class OwnLink(LinkInlineProcessor):
        """A site's own link pattern, registered in place of Markdown's."""

    md = markdown.Markdown(extensions=EXTENSIONS)
    md.inlinePatterns.register(OwnLink(LINK_RE, md), "link", 160)
    FasterMarkdown().extendMarkdown(md)
    names = ("reference", "image_link", "image_reference", "short_reference", "short_image_ref")
    for name in names:
        assert isinstance(md.inlinePatterns[name], ClosingBrackets), name
    assert type(md.inlinePatterns["link"]) is OwnLink
    assert type(md.treeprocessors["inline"]) is ListedPatterns
    assert md.convert("[a](b.md) ![c](d.png)") == '<p><a href="b.md">a</a> <img alt="c" src="d.png" /></p>'


def test_inline_patterns_come_from_the_registry_at_each_run() -> None:
    """A pattern registered between conversions (or by a block processor) is used, and the
    processor holds the registry again after each run."""
    md = markdown.Markdown(extensions=[*EXTENSIONS, FasterMarkdown()])
    inline = md.treeprocessors["inline"]
    assert md.convert("a ++b++ c") == "<p>a ++b++ c</p>"
    md.inlinePatterns.register(SimpleTagInlineProcessor(r"()\+\+(.+?)\+\+", "ins"), "ins", 65)
    assert md.reset().convert("a ++b++ c") == "<p>a <ins>b</ins> c</p>"
    assert inline.inlinePatterns is md.inlinePatterns


def test_an_inline_processor_of_another_extension_is_left_alone() -> None:
    class OwnInline(InlineProcessor):
        """A site's own inline processor."""

    md = markdown.Markdown(extensions=EXTENSIONS)
    md.treeprocessors.register(OwnInline(md), "inline", 20)
    FasterMarkdown().extendMarkdown(md)
    assert type(md.treeprocessors["inline"]) is OwnInline
