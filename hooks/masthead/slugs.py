"""How a headline or a name becomes a file name and a URL: ASCII, lowercase, hyphens.

Chinese characters become their pinyin (``蓝湾汽车召回`` → ``lan-wan-qi-che-zhao-hui``), the way
the sample newsroom names its Chinese stories, so URLs stay readable and safe to share everywhere.
A heading's id (the ``#anchor`` of a link to it) keeps the heading's own letters instead.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from markdown.extensions.toc import slugify_unicode
from pypinyin import Style, lazy_pinyin

from .text import CJK_RE

MAX_LENGTH = 60
FALLBACK = "story"
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(text: str, *, max_length: int = MAX_LENGTH, fallback: str = FALLBACK) -> str:
    """``"Huaxin opens a plant!"`` → ``huaxin-opens-a-plant``; ``"蓝湾L7召回"`` → ``lan-wan-l7-zhao-hui``.

    Cut at a hyphen to at most ``max_length`` characters; ``fallback`` when nothing is left.
    """
    if CJK_RE.search(text):
        # One syllable per character, separated, so "西安" is "xi-an" and not "xian".
        text = " ".join(lazy_pinyin(text, style=Style.NORMAL, errors="default"))
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_ALNUM.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length + 1]
        slug = cut[:cut.rfind("-")] if "-" in cut else slug[:max_length]
    return slug.strip("-") or fallback


# -- heading ids -------------------------------------------------------------------------------

_TOC_KEYS = ("toc", "markdown.extensions.toc")  # how mkdocs.yml may name Python-Markdown's toc


def heading_ids(configs: dict[str, Any]) -> dict[str, Any]:
    """``mdx_configs`` with heading ids that keep every script: ``## 抢人大战`` → ``id="抢人大战"``.

    MkDocs always runs Python-Markdown's ``toc``, whose default slugify drops what is not ASCII
    (``id="_2"``). Its own ``slugify_unicode`` is the same function without that step, so an
    ASCII heading keeps exactly the id it had. A ``slugify`` set in mkdocs.yml wins.
    """
    if any("slugify" in (configs.get(key) or {}) for key in _TOC_KEYS):
        return configs
    return {**configs, "toc": {"slugify": slugify_unicode, **(configs.get("toc") or {})}}
