"""Python-Markdown with less CPU and the same HTML: two changes through its extension API.

``mdrender.Renderer`` adds ``FasterMarkdown`` after the site's extensions (issue 25; together
about a fifth of the CPU of converting a news story; ``bench/md_bench.py`` measures it):

- **Links.** Each ``[`` of a paragraph makes the link and reference patterns ask ``getText``
  where the bracket closes. Since Markdown 3.11 ``getText`` works that out for every character
  of the paragraph at once, in a Python loop (so that many unclosed brackets cost linear, not
  quadratic, time): ~13 % of a story's CPU at a link or two a paragraph. ``ClosingBrackets``
  gives the same answers, still in linear time, from the paragraph's brackets only (a regular
  expression finds them, a stack pairs them).
- **Inline patterns.** The inline processor tries each of the ~16 inline patterns on each
  piece of text by index into the pattern registry, whose every lookup checks its sort order:
  ~7 %. ``ListedPatterns`` hands it a plain list of the same patterns, in the same order, for
  each run (as pymdownx.smartsymbols gives its own inline processor its patterns).

Only Python-Markdown's own classes are changed (the same objects, with one method more); a
pattern or processor another extension put in their place is left alone.
``tests/test_mdspeed.py`` checks the answers and the HTML against Python-Markdown's own.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown, inlinepatterns
from markdown.extensions import Extension
from markdown.inlinepatterns import LinkInlineProcessor
from markdown.treeprocessors import InlineProcessor

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


class ListedPatterns(InlineProcessor):
    """The inline processor, trying the inline patterns from a list taken at each run."""

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        registry = self.inlinePatterns
        self.inlinePatterns = list(registry)  # type: ignore[assignment]  # in priority order, as indexed
        try:
            return super().run(tree, ancestors)
        finally:
            self.inlinePatterns = registry


class FasterMarkdown(Extension):
    """``ClosingBrackets`` and ``ListedPatterns`` for Markdown's own classes (add it last)."""

    def extendMarkdown(self, md: Markdown) -> None:
        for pattern in md.inlinePatterns:
            faster = FASTER.get(type(pattern))
            if faster is not None:  # the same object, with one method found faster
                pattern.__class__ = faster
        for processor in md.treeprocessors:  # Markdown's inline processor over md.inlinePatterns
            if type(processor) is InlineProcessor and getattr(processor, "inlinePatterns", None) \
                    is md.inlinePatterns:
                processor.__class__ = ListedPatterns
