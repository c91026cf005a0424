"""The icons pages show, as one SVG sprite file: each icon's markup once per site, not per use.

Templates draw an icon as ``<svg><use href="{sprite}#{name}"/></svg>`` (~100 bytes) instead of
including the theme's SVG file (~1.2 KB for a Font Awesome icon with its licence comment) at
every use. The sprite holds each icon as a ``<symbol>`` with the icon's own ``viewBox``, its
licence comment kept. Its file name carries a digest of its text, so browsers may cache it for
good. Pure Python; knows nothing of MkDocs (the theme's folders are passed in).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

FOLDER = "assets/masthead"
# name in templates -> the icon file below the theme's `.icons/` folder (Material ships them)
ICONS = {
    "weixin": "fontawesome/brands/weixin.svg",
    "weibo": "fontawesome/brands/weibo.svg",
    "content-copy": "material/content-copy.svg",
    "share-variant": "material/share-variant.svg",
}
_ICON = re.compile(r'\s*<svg xmlns="http://www.w3.org/2000/svg" viewBox="([0-9. ]+)">(.*)</svg>\s*', re.S)


class IconError(Exception):
    """An icon file is missing or not the plain one-element SVG the sprite expects."""


def sprite(theme_dirs: Iterable[str | Path]) -> tuple[str, str]:
    """``(site-relative path, SVG text)`` of the sprite of every icon in ``ICONS``.

    Each icon is read from the first theme folder that has it (the project's overrides first,
    as MkDocs looks templates up).
    """
    folders = [Path(d) / ".icons" for d in theme_dirs]
    symbols = []
    for name, relative in ICONS.items():
        found = next((f / relative for f in folders if (f / relative).is_file()), None)
        if found is None:
            raise IconError(f"icon {relative} was not found in the theme's .icons folders; "
                            "is mkdocs-material 9 installed?")
        match = _ICON.fullmatch(found.read_text(encoding="utf-8"))
        if match is None:
            raise IconError(f"{found} is not a plain <svg viewBox=...> icon")
        symbols.append(f'<symbol id="{name}" viewBox="{match[1]}">{match[2]}</symbol>')
    text = '<svg xmlns="http://www.w3.org/2000/svg">' + "".join(symbols) + "</svg>\n"
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"{FOLDER}/icons-{digest}.svg", text
