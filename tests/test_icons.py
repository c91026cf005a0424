"""The icon sprite: every icon a template uses is in it, once, with its own viewBox and licence."""

from __future__ import annotations

import re
from pathlib import Path

import material
import pytest
from bs4 import BeautifulSoup

from masthead.icons import ICONS, IconError, sprite

ROOT = Path(__file__).resolve().parent.parent
THEME = Path(material.__file__).resolve().parent / "templates"


def test_every_icon_a_template_uses_is_a_symbol_of_the_sprite() -> None:
    path, text = sprite([ROOT / "overrides", THEME])
    assert re.fullmatch(r"assets/masthead/icons-[0-9a-f]{12}\.svg", path)
    symbols = {s["id"]: s for s in BeautifulSoup(text, "html.parser").select("svg > symbol")}
    assert set(symbols) == set(ICONS)
    used = set()
    for template in (ROOT / "overrides").rglob("*.html"):
        used |= set(re.findall(r'<use href="\{\{ masthead_icons \| url \}\}#([a-z-]+)"/>',
                               template.read_text(encoding="utf-8")))
    assert used == set(ICONS)  # no icon missing, none shipped for nothing
    assert symbols["weixin"]["viewbox"] == "0 0 576 512" and symbols["weixin"].find("path")
    assert text.count("Font Awesome Free") == 2  # the licence comment kept, once per icon


def test_a_project_icon_overrides_the_theme_s_and_renames_the_sprite(tmp_path: Path) -> None:
    own = tmp_path / ".icons/fontawesome/brands"
    own.mkdir(parents=True)
    (own / "weibo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8">'
                                   '<path d="M0 0h8v8z"/></svg>\n', encoding="utf-8")
    theme_path, _ = sprite([THEME])
    path, text = sprite([tmp_path, THEME])
    assert path != theme_path and sprite([tmp_path, THEME]) == (path, text)
    assert '<symbol id="weibo" viewBox="0 0 8 8"><path d="M0 0h8v8z"/></symbol>' in text


def test_a_missing_or_unexpected_icon_says_which(tmp_path: Path) -> None:
    with pytest.raises(IconError, match=r"weixin\.svg was not found"):
        sprite([tmp_path])
    own = tmp_path / ".icons/fontawesome/brands"
    own.mkdir(parents=True)
    (own / "weixin.svg").write_text("<svg><script/></svg>", encoding="utf-8")
    with pytest.raises(IconError, match="not a plain"):
        sprite([tmp_path, THEME])
