"""Share cards: CPU and bytes per card, the drawer of a reference commit against this checkout's.

    .venv/bin/python bench/cards_bench.py                  # 300 English + 300 Chinese cards vs main
    .venv/bin/python bench/cards_bench.py --cards 100 --ref HEAD~3 --save bench/out/cards

Both drawers run in this one process, interleaved card by card (which one goes first alternates),
each from cold (font faces and any caches fill during the run, as in a build's worker), on the
headlines, sections and dates of ``bench/corpus.py``'s stories with the sample site's name and
logo. The reference is ``hooks/masthead/cards.py`` as of ``--ref`` (read with ``git show``) drawn
with this checkout's font. Prints CPU milliseconds (``time.process_time``) and kilobytes per
card, and how many cards differ in their pixels (decoded to RGB). The machine is shared: read
the ratio, not the milliseconds.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from zlib_ng import zlib_ng

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402
from PIL import Image  # noqa: E402

from masthead import cards, i18n  # noqa: E402
from masthead.cards import CardText  # noqa: E402

LOGO = corpus.SAMPLE / "docs" / "assets" / "logo-card.png"


def reference(rev: str, folder: Path) -> ModuleType:
    """``masthead/cards.py`` as of ``rev``, imported as a sibling of the current one."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:hooks/masthead/cards.py"],
                            check=True, capture_output=True, text=True).stdout
    path = folder / "cards_reference.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("masthead.cards_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    module.FONT_PATH, module.CHARS_PATH = cards.FONT_PATH, cards.CHARS_PATH  # not beside the copy
    return module


def texts(per_language: int) -> dict[str, list[CardText]]:
    """Card texts as a build makes them (Media.card_text) from the benchmark corpus's stories."""
    config = corpus.repo_config()
    site = config["site_name"]
    titles = {s["slug"]: s for s in config["extra"]["masthead"]["sections"]}
    found: dict[str, list[CardText]] = {"en": [], "zh": []}
    for story in corpus.stories(per_language * 5):
        section = titles[story.section]
        label = section.get("title_zh", section["title"]) if story.lang == "zh" else section["title"]
        text = CardText(title=story.title, section=label,
                        date=i18n.format_date(story.date, story.lang, with_time=False),
                        site_name=site, lang=story.lang)
        if len(found[story.lang]) < per_language:
            found[story.lang].append(text)
    return found


def pixels(data: bytes) -> bytes:
    return Image.open(io.BytesIO(data)).convert("RGB").tobytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=300, help="cards per language (default 300)")
    parser.add_argument("--ref", default="main", help="commit whose drawer to compare (default main)")
    parser.add_argument("--save", type=Path, help="write the first card of each language, both drawers")
    parser.add_argument("--zlib", metavar="LEVEL|rle",
                        help="compress this checkout's cards at this zlib-ng level (or its RLE "
                             "strategy) instead of cards.ZLIB_LEVEL / ZLIB_STRATEGY")
    args = parser.parse_args()
    if args.zlib:
        rle = args.zlib == "rle"
        cards.ZLIB_LEVEL = 6 if rle else int(args.zlib)
        cards.ZLIB_STRATEGY = zlib_ng.Z_RLE if rle else zlib_ng.Z_DEFAULT_STRATEGY
    logo = Image.open(LOGO)
    logo.load()
    with tempfile.TemporaryDirectory() as tmp:
        ref = reference(args.ref, Path(tmp))
        drawers: dict[str, Callable[[CardText, Image.Image | None], bytes]] = {
            args.ref: ref.draw_card, "this checkout": cards.draw_card}
        rle = cards.ZLIB_STRATEGY == zlib_ng.Z_RLE
        print(f"share cards: {args.ref} (CARD_VERSION {ref.CARD_VERSION}) vs this checkout "
              f"(CARD_VERSION {cards.CARD_VERSION}, zlib-ng {'RLE' if rle else cards.ZLIB_LEVEL}), "
              f"{args.cards} cards per language, one process")
        header = (f"{'':4} {'cards':>5} {'ref ms':>8} {'new ms':>8} {'ratio':>6} {'ref KB':>7} "
                  f"{'new KB':>7} {'new/ref bytes':>13} {'pixels differ':>13}")
        print(header)
        for lang, batch in texts(args.cards).items():
            cpu: dict[str, list[float]] = {name: [] for name in drawers}
            size: dict[str, list[int]] = {name: [] for name in drawers}
            differ = 0
            names = list(drawers)
            for i, text in enumerate(batch):
                made: dict[str, bytes] = {}
                for name in names if i % 2 == 0 else names[::-1]:
                    start = time.process_time()
                    made[name] = drawers[name](text, logo)
                    cpu[name].append(time.process_time() - start)
                    size[name].append(len(made[name]))
                differ += pixels(made[names[0]]) != pixels(made[names[1]])
                if args.save and i == 0:
                    args.save.mkdir(parents=True, exist_ok=True)
                    for n, data in made.items():
                        tag = "ref" if n == args.ref else "new"
                        (args.save / f"{lang}-{tag}.png").write_bytes(data)
            old, new = (statistics.fmean(cpu[n]) * 1000 for n in names)
            old_kb, new_kb = (statistics.fmean(size[n]) / 1000 for n in names)
            print(f"{lang:4} {len(batch):5} {old:8.2f} {new:8.2f} {old / new:5.2f}x {old_kb:7.1f} "
                  f"{new_kb:7.1f} {new_kb / old_kb:12.2f}x {differ:13}")


if __name__ == "__main__":
    main()
