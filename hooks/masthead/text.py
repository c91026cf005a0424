"""Plain-text helpers: reading time that is right for Chinese, and summaries from Markdown."""

from __future__ import annotations

import html
import math
import re
from urllib.parse import urljoin, urlsplit

# CJK Unified Ideographs (+ extension A), Hiragana/Katakana, Hangul, CJK compatibility ideographs.
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")
_WORD_RE = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
CJK_CHARS_PER_MINUTE = 400  # typical silent reading speed of Chinese text
WORDS_PER_MINUTE = 230

_FENCE_RE = re.compile(r"^(```|~~~).*?^\1\s*$", re.MULTILINE | re.DOTALL)
_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\[[^\]]*\]")
_TAG_RE = re.compile(r"<[^>]+>")
_EMPH_RE = re.compile(r"(\*\*|__|\*|_|~~|`)(?=\S)(.+?)(?<=\S)\1")
_NON_PARAGRAPH = re.compile(r"^\s*(#|>|\||[-*+]\s|\d+[.)]\s|!\[|<|```|~~~|    |\t|-{3,}|\*{3,}|\[\^)")


def reading_minutes(markdown_text: str) -> int:
    """Minutes to read: Chinese characters and words of other scripts are counted apart."""
    others, cjk = CJK_RE.subn(" ", _FENCE_RE.sub(" ", markdown_text))  # one pass: text and count
    words = len(_WORD_RE.findall(others))
    return max(1, math.ceil(cjk / CJK_CHARS_PER_MINUTE + words / WORDS_PER_MINUTE))


def plain_inline(markdown_text: str) -> str:
    """Markdown inline syntax and HTML tags removed; entities decoded; whitespace collapsed."""
    text = _IMAGE_RE.sub(r"\1", markdown_text)
    text = _LINK_RE.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    text = _TAG_RE.sub("", text)
    for _ in range(3):  # nested emphasis such as ***x***
        text = _EMPH_RE.sub(r"\2", text)
    text = html.unescape(text)
    text = re.sub(r"\s+", " ", text).strip()
    # A line break between two Chinese characters is not a space.
    return re.sub(rf"(?<={CJK_RE.pattern}) (?={CJK_RE.pattern})", "", text)


def first_paragraph(markdown_text: str) -> str:
    """The first paragraph of prose in a Markdown body, as plain text."""
    body = _FENCE_RE.sub("", markdown_text)
    for block in re.split(r"\n\s*\n", body):
        if block.strip() and not _NON_PARAGRAPH.match(block):
            return plain_inline(block)
    return ""


def shorten(text: str, limit: int = 160) -> str:
    """Cut ``text`` to about ``limit`` display columns (a Chinese character counts as two)."""
    width = 0
    for i, ch in enumerate(text):
        width += 2 if CJK_RE.match(ch) else 1
        if width > limit:
            cut = text[:i]
            space = cut.rfind(" ")
            if space > len(cut) // 2:
                cut = cut[:space]
            return cut.rstrip(" ,.;:，。；：、") + "…"
    return text


def insert_lead(html_text: str, lead: str) -> str:
    """Put ``lead`` (a dateline, already escaped markup) at the start of the first paragraph."""
    stripped = html_text.lstrip()
    if stripped.startswith("<p>"):
        return "<p>" + lead + stripped[3:]
    return f"<p>{lead}</p>\n{html_text}"


_TABLE_RE = re.compile(r"<table\b.*?</table>", re.DOTALL)


def wrap_tables(html_text: str, label: str) -> str:
    """Put each table in a focusable, labelled scroll box, so a wide table scrolls on its own
    (not the page) on a phone and keyboard users can scroll it too (WCAG 2.1.1)."""
    attrs = f'class="mh-table" tabindex="0" role="region" aria-label="{html.escape(label)}"'
    return _TABLE_RE.sub(lambda m: f"<div {attrs}>{m.group(0)}</div>", html_text)


_LINK_HREF_RE = re.compile(r'<a\b([^>]*?)\shref="([^"]*)"')


def print_urls(html_text: str, page_url: str) -> str:
    """Give each link an absolute ``data-print-url`` so the print stylesheet can write the
    full address after it (a relative href would print as ``../x/``). In-page anchors and
    non-web links are left alone."""

    def add(match: re.Match[str]) -> str:
        before, href = match.group(1), match.group(2)
        if not page_url or href.startswith("#") or "data-print-url" in before:
            return match.group(0)
        absolute = urljoin(page_url, html.unescape(href))
        if urlsplit(absolute).scheme not in ("http", "https"):
            return match.group(0)
        return f'<a{before} href="{href}" data-print-url="{html.escape(absolute)}"'

    return _LINK_HREF_RE.sub(add, html_text)
