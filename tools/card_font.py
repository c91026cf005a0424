"""Make the share-card font: a subset of Noto Sans CJK SC Bold (SIL OFL 1.1).

    .venv/bin/python tools/card_font.py [/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc]

The source is Debian's ``fonts-noto-cjk`` (the "SC" face of the Bold collection). The subset keeps
the characters ``masthead.cards.charset()`` lists: all of GB 2312 (its 6 763 hanzi cover well over
99.9 % of modern Chinese text), the frequent Traditional hanzi of Big5 level 1, ASCII, Latin-1,
Latin Extended-A, pinyin tone letters, general and CJK punctuation and full-width forms; under a
quarter of the full face's size, with no hinting and
no shaping tables (cards are drawn with Pillow's basic layout). It is renamed "Masthead Card
Sans": a Modified Version under the OFL keeps the licence (fonts/OFL.txt beside it) and should
not go by the original's name. Builds only read the result,
hooks/masthead/fonts/MastheadCardSans-Bold.otf; run this again only to change the set.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from masthead.cards import CHARS_PATH, charset

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
FACE_SC = 2  # 0 JP, 1 KR, 2 SC, 3 TC, 4 HK in Debian's collection
TARGET = Path(__file__).resolve().parent.parent / "hooks/masthead/fonts/MastheadCardSans-Bold.otf"
FAMILY = "Masthead Card Sans"


def main(source: Path = SOURCE) -> None:
    font = TTFont(source, fontNumber=FACE_SC, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = []  # cards use Pillow's basic layout: no shaping tables needed
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.hinting = False  # cards are drawn at 26 px and more; unhinted outlines are smaller
    options.desubroutinize = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=charset())
    subsetter.subset(font)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID == 4:
            record.string = f"{FAMILY} Bold"
        elif record.nameID in (3, 6):
            record.string = "MastheadCardSans-Bold"
    font["CFF "].cff.fontNames = ["MastheadCardSans-Bold"]
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(TARGET)
    have = "".join(chr(c) for c in sorted(font.getBestCmap()) if c > 0x20)
    chars = CHARS_PATH
    # One line of 64 characters at a time: readable diffs when the set changes.
    chars.write_text("".join(have[i:i + 64] + "\n" for i in range(0, len(have), 64)), encoding="utf-8")
    print(f"{TARGET}: {TARGET.stat().st_size:,} bytes, {len(font.getGlyphOrder()):,} glyphs")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
