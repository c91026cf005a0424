"""Work a build will ask for, listed ahead so the worker processes can do it first.

Each function here predicts the arguments of calls to a ``memoized`` function (see
``masthead.cache``) that the pages will make. A wrong prediction costs only the wasted work:
the page's own call, with its real arguments, finds its result or computes it.
"""

from __future__ import annotations

from typing import Any

from .newsroom import Newsroom
from .social import canonical_url, labels


def share_qr_calls(room: Newsroom) -> list[tuple[str, tuple[Any, ...]]]:
    """``("qr", args)`` of each article's share-bar QR code (as ``social.social_view`` draws it)."""
    if not room.social.share or not room.site_url:
        return []
    calls: list[tuple[str, tuple[Any, ...]]] = []
    for article in room.require_catalog().by_src.values():
        page_url = canonical_url(room.site_url, article.url)
        calls.append(("qr", (page_url, labels(article.lang)["share_qr_alt"].format(url=page_url))))
    return calls
