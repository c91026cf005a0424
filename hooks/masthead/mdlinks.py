"""Python-Markdown's link patterns, finding a link's closing bracket by looking at brackets only.

Each ``[`` of a paragraph makes Python-Markdown's link and reference patterns ask ``getText``
where the bracket closes. Since Markdown 3.11 ``getText`` works that out for every character of
the paragraph at once, in a Python loop (so that many unclosed brackets cost linear, not
quadratic, time): about an eighth of the CPU of converting a news story, whose paragraphs hold
a link or two. ``ClosingBrackets`` keeps the same answers and the same linear bound, but walks
only the paragraph's brackets (a regular expression finds them) and pairs each ``[`` with its
``]`` on a stack. It changes nothing in the HTML: ``tests/test_mdlinks.py`` checks the answers
against Python-Markdown's own ``getText``.

``mdrender.Renderer`` adds ``FasterLinks`` after the site's extensions; it gives the standard
link patterns this ``getText`` and leaves alone any pattern another extension put in their place.
"""

from __future__ import annotations

import re
from typing import Any

from markdown import Markdown, inlinepatterns
from markdown.extensions import Extension
from markdown.inlinepatterns import LinkInlineProcessor

_BRACKET = re.compile(r"[\[\]]")


def closing_brackets(data: str) -> dict[int, int]:
    """For each ``[`` of ``data`` that is closed: the index after it -> the index after its ``]``."""
    ends: dict[int, int] = {}
    opened: list[int] = []
    for match in _BRACKET.finditer(data):
        if match[0] == "[":
            opened.append(match.end())
        elif opened:
            ends[opened.pop()] = match.end()
    return ends


class ClosingBrackets(LinkInlineProcessor):
    """``getText`` from the paragraph's brackets only (a mixin for the link pattern classes)."""

    _closing_data: str | None = None
    _closing: dict[int, int]

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        if index == 0 or data[index - 1] != "[":  # not asked right after a `[`: Markdown's own way
            return super().getText(data, index)
        if self._closing_data is not data:
            self._closing_data = data
            self._closing = closing_brackets(data)
        end = self._closing.get(index)
        if end is None:
            return data[index:], len(data), False
        return data[index:end - 1], end, True


# Markdown's link pattern classes (those of the Markdown version installed) -> the same, faster.
FASTER: dict[type[Any], type[Any]] = {
    cls: type(cls.__name__, (ClosingBrackets, cls), {"__doc__": cls.__doc__})
    for name in ("LinkInlineProcessor", "ImageInlineProcessor", "ReferenceInlineProcessor",
                 "ShortReferenceInlineProcessor", "ImageReferenceInlineProcessor",
                 "ShortImageReferenceInlineProcessor")
    if isinstance(cls := getattr(inlinepatterns, name, None), type)
}


class FasterLinks(Extension):
    """Give Python-Markdown's standard link patterns ``ClosingBrackets.getText`` (add it last)."""

    def extendMarkdown(self, md: Markdown) -> None:
        for pattern in md.inlinePatterns:
            faster = FASTER.get(type(pattern))
            if faster is not None:  # the same object, with one method found faster
                pattern.__class__ = faster
