"""Share cards: line breaking for Chinese and English, the drawn card against a golden image."""

from __future__ import annotations

import io
import os
import struct
import zlib
from concurrent import futures
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from masthead.cards import (
    ACCENT,
    HEADLINE_SIZES,
    INK,
    MUTED,
    NO_LINE_END,
    NO_LINE_START,
    CardMaker,
    CardText,
    _measure,
    _paint,
    draw_card,
    fit_headline,
    font,
    missing_characters,
    site_base,
    wrap,
)
from tests.conftest import sample_source

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = FIXTURES / "card-zh.png"
GOLDEN_SCALE = (600, 315)  # the golden file is stored at half size, in grey, to keep it small
TILE = 15
LOGO = sample_source() / "docs" / "assets" / "logo-card.png"  # the sample newsroom's
ZH = CardText(
    title="华信汽车联手三家运营商共建超充网络，目标三年建成一万个终端（首批60座站点）",
    section="新闻", date="2026年4月22日", site_name="Motor Ledger 汽车纪事", lang="zh")


def count(text: str) -> float:
    """A measure where every character is one unit wide."""
    return float(len(text))


def test_chinese_wraps_between_characters_but_never_starts_a_line_with_a_closing_mark() -> None:
    text = "华信汽车联手三家运营商共建超充网络，目标三年建成一万个终端。新站将对所有品牌开放！"
    for width in range(4, 20):
        lines = wrap(text, count, width)
        assert "".join(lines) == text
        assert all(line[0] not in NO_LINE_START for line in lines), (width, lines)
        assert all(len(line) <= width + 1 for line in lines)  # a glued mark may overhang by one


def test_opening_marks_stay_with_what_they_open() -> None:
    text = "新车命名为“小满”（四座）并上市"
    for width in range(3, 12):
        lines = wrap(text, count, width)
        assert "".join(lines) == text
        assert all(line[-1] not in NO_LINE_END for line in lines), (width, lines)


def test_latin_words_and_numbers_inside_chinese_are_never_split() -> None:
    lines = wrap("蓝湾L9增程SUV上市，售价25.98万元", count, 6)
    assert "".join(lines) == "蓝湾L9增程SUV上市，售价25.98万元"
    for word in ("L9", "SUV", "25.98"):
        assert any(word in line for line in lines), (word, lines)


def test_english_wraps_between_words() -> None:
    lines = wrap("Huaxin Motors and Northbridge Auto agree to merge", count, 20)
    assert lines == ["Huaxin Motors and", "Northbridge Auto", "agree to merge"]


def test_a_word_longer_than_the_line_is_cut() -> None:
    assert wrap("Donaudampfschifffahrtsgesellschaft", count, 10) == [
        "Donaudampf", "schifffahr", "tsgesellsc", "haft"]


def test_a_headline_too_long_for_the_card_ends_with_an_ellipsis() -> None:
    size, lines = fit_headline("很长的标题" * 60, lambda s: lambda t: len(t) * s, 1056, 314)
    assert size == 40 and len(lines) == 6 and lines[-1].endswith("…")
    assert all(len(line) * size <= 1056 for line in lines)
    big, short = fit_headline("短标题", lambda s: lambda t: len(t) * s, 1056, 314)
    assert big == 68 and short == ["短标题"]


def test_card_for_a_chinese_headline_matches_the_golden_image() -> None:
    data = draw_card(ZH, Image.open(LOGO))
    card = Image.open(io.BytesIO(data))
    assert card.size == (1200, 630) and card.format == "PNG"
    small = card.convert("L").resize(GOLDEN_SCALE, Image.Resampling.LANCZOS)
    if os.environ.get("MASTHEAD_UPDATE_GOLDEN"):
        FIXTURES.mkdir(exist_ok=True)
        small.save(GOLDEN, optimize=True)
    diff = ImageChops.difference(small, Image.open(GOLDEN).convert("L"))
    mean = ImageStat.Stat(diff).mean[0]
    worst = max(ImageStat.Stat(diff.crop((x, y, x + TILE, y + TILE))).mean[0]
                for x in range(0, GOLDEN_SCALE[0], TILE) for y in range(0, GOLDEN_SCALE[1], TILE))
    # Tolerance for another FreeType's antialiasing (a little everywhere). One changed digit of
    # the date scores about 8 in its tile, a glyph drawn as a box about 150, another line break
    # moves the whole mean past 10.
    assert mean < 1.5 and worst < 6, (
        f"card differs from {GOLDEN.name}: mean {mean:.2f}, worst {TILE}px tile {worst:.1f} "
        "(if the change is intended, run with MASTHEAD_UPDATE_GOLDEN=1 and look at the file)")


def test_same_text_gives_byte_identical_cards() -> None:
    logo = Image.open(LOGO)
    assert draw_card(ZH, logo) == draw_card(ZH, logo)
    other = CardText(ZH.title + "！", ZH.section, ZH.date, ZH.site_name, ZH.lang)
    assert draw_card(other, logo) != draw_card(ZH, logo)


def test_characters_the_font_lacks_are_named() -> None:
    assert missing_characters(ZH.title + ZH.section + ZH.site_name) == ""
    assert missing_characters("王堃出任总经理 Müller Ångström") == "堃"


def test_cards_are_cached_by_their_text_and_logo(tmp_path: Path) -> None:
    logo = LOGO.read_bytes()
    maker = CardMaker(tmp_path, logo)
    first, cached = maker.card(ZH)
    again, _ = CardMaker(tmp_path, logo).card(ZH)
    assert maker.misses == 1 and again == first and cached.is_file()
    assert first.path.startswith("assets/img/card-") and (first.width, first.height) == (1200, 630)
    other = CardMaker(tmp_path, None)  # no logo: another card
    assert other.card(ZH)[0] != first and other.misses == 1


def test_cards_written_by_another_deflate_are_drawn_again_under_the_same_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another zlib-ng (or level) writes other bytes for the same pixels: a cached card of the old
    one must not be mixed with new ones (same input, same bytes), but pages keep their links."""
    share, cached = CardMaker(tmp_path).card(ZH)
    monkeypatch.setattr("masthead.cards.PNG_WRITER", "zlib-ng-0.0.0-level-3")
    again = CardMaker(tmp_path)
    other_share, other_cached = again.card(ZH)
    assert other_share == share and other_cached != cached and again.misses == 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_card_without_a_logo_still_shows_the_site_name(lang: str) -> None:
    text = CardText("Plant opens", "News", "14 March 2025", "Test Ledger", lang)
    card = Image.open(io.BytesIO(draw_card(text))).convert("L")
    assert ImageStat.Stat(card.crop((72, 70, 300, 115))).mean[0] < 235  # ink where the name is


def _texts(count: int) -> list[CardText]:
    half = count // 2
    return ([CardText(f"{ZH.title} {i}", ZH.section, ZH.date, ZH.site_name, "zh") for i in range(half)]
            + [CardText(f"Plant {i} opens in Wuhan", "News", "14 March 2025", "Test Ledger", "en")
               for i in range(count - half)])


def test_cards_drawn_in_the_background_are_the_cards_drawn_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("masthead.cards.POOL_MIN_CARDS", 2)
    logo = LOGO.read_bytes()
    texts = _texts(150)
    later = CardMaker(tmp_path / "later", logo)
    assert later.draw_later(texts, processes=2) == 150
    shares = [later.card(text) for text in texts]  # paths at once, before the drawing ends
    assert later.wait() == 150
    here = CardMaker(tmp_path / "here", logo)
    for text, (variant, cached) in zip(texts, shares, strict=True):
        assert not later.drawing(cached)
        mine, drawn = here.card(text)
        assert variant == mine and cached.read_bytes() == drawn.read_bytes()
    assert later.misses == 150 and later.hits == 0  # counted once, by draw_later
    assert later.draw_later(texts, processes=2) == 0 and later.wait() == 0  # all cached now
    assert CardMaker(tmp_path / "one", logo).draw_later(texts, processes=1) == 0  # one CPU: on demand
    few = CardMaker(tmp_path / "few", logo)
    monkeypatch.setattr("masthead.cards.POOL_MIN_CARDS", 200)
    assert few.draw_later(texts, processes=2) == 0  # too few to start a process: drawn on demand


def test_the_background_drawer_ends_once_its_cards_are_drawn(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its process would otherwise hold ~60 MB until the end of the build, when Pagefind peaks."""
    monkeypatch.setattr("masthead.cards.POOL_MIN_CARDS", 2)
    later = CardMaker(tmp_path / "later", None)
    assert later.draw_later(_texts(20), processes=2) == 20
    drawer = later._later[0]
    processes = list(drawer.pool._processes.values())
    assert processes
    futures.wait([task for _, task in drawer.tasks])
    assert drawer.stopped.wait(timeout=120)
    assert not any(process.is_alive() for process in processes)  # before wait() is called
    assert later.wait() == 20


def test_a_broken_background_drawer_leaves_no_card_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("masthead.cards.POOL_MIN_CARDS", 2)
    texts = _texts(300)
    later = CardMaker(tmp_path / "later", None)
    assert later.draw_later(texts, processes=2) == 300
    pool = later._later[0].pool
    for process in list(pool._processes.values()):  # the drawer dies (out of memory, killed)
        process.kill()
    assert later.wait() == 300
    here = CardMaker(tmp_path / "here", None)
    for text in texts[::29]:
        assert later.card(text)[1].read_bytes() == here.card(text)[1].read_bytes()
    assert all(later.card(text)[1].is_file() for text in texts)


def test_a_cancelled_background_drawer_draws_no_more(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("masthead.cards.POOL_MIN_CARDS", 2)
    texts = _texts(300)
    later = CardMaker(tmp_path / "later", None)
    later.draw_later(texts, processes=2)
    pool = later._later[0].pool
    later.cancel()  # the build failed
    assert later.wait() == 0
    pool.shutdown(wait=True)  # the chunks already handed to the drawer end
    drawn = sorted((tmp_path / "later").rglob("*.png"))
    assert len(drawn) < 300  # the rest of the queue was dropped
    again = CardMaker(tmp_path / "later", None)  # the next build draws only what is missing
    assert again.draw_later(texts, processes=2) == 300 - len(drawn)
    again.wait()
    assert len(list((tmp_path / "later").rglob("*.png"))) == 300


# -- the drawer against Pillow drawing the same text in RGB ----------------------------------------


def _rgb_card(text: CardText, logo: Image.Image | None) -> Image.Image:
    """The card as Pillow draws it: every text with ImageDraw.text in RGB, then quantized to the
    palette (how cards were drawn before they were drawn in palette indexes)."""
    base, palette = site_base(text.site_name, logo)
    card = base.copy()
    draw = ImageDraw.Draw(card)
    if text.section:
        draw.text((72, 182), text.section if text.lang.startswith("zh") else text.section.upper(),
                  font=font(28), fill=ACCENT, anchor="ls")
    size, lines = fit_headline(text.title, lambda s: font(s).getlength, 1056, 314)
    for i, line in enumerate(lines):
        indent = 0
        if line[0] in "（「『《〈【〔〖‘“":
            box = font(size).getmask(line[0]).getbbox()
            indent = box[0] if box else 0
        draw.text((72 - indent, round(214 + i * size * 1.3 + size * 1.02)), line, font=font(size),
                  fill=INK, anchor="ls")
    draw.text((72, 592), text.date, font=font(28), fill=MUTED, anchor="ls")
    return card.quantize(palette=palette, dither=Image.Dither.NONE)


OPENING_AT_LINE_START = CardText("华" * 14 + "（首批60座站点）开放", "新闻", "2026年4月22日",
                                 "Motor Ledger 汽车纪事", "zh")
CARDS = {
    "zh": ZH,
    "en": CardText("AVA Tokyo’s Ǘ wagon: Müller & Ångström sign “Quay” deal (jpg, 25.98%)", "News",
                   "14 March 2025", "Motor Ledger 汽车纪事", "en"),
    "opening mark": OPENING_AT_LINE_START,
    "ellipsis": CardText("ǐ郵很长的标题" * 40, "新闻", "2026年4月22日", "Motor Ledger", "zh"),
    "site": CardText("News from carmakers, suppliers and regulators", "", "", "Motor Ledger", "en"),
}


@pytest.mark.parametrize("name", list(CARDS))
@pytest.mark.parametrize("with_logo", [True, False])
def test_cards_have_the_pixels_of_the_same_text_drawn_by_pillow_in_rgb(name: str, with_logo: bool) -> None:
    text = CARDS[name]
    logo = Image.open(LOGO) if with_logo else None
    card = Image.open(io.BytesIO(draw_card(text, logo)))
    expected = _rgb_card(text, logo)
    assert card.mode == "P" and card.getpalette() == expected.getpalette()
    assert np.array_equal(np.asarray(card), np.asarray(expected))


def test_the_examples_cover_what_they_claim() -> None:
    _, lines = fit_headline(OPENING_AT_LINE_START.title, lambda s: font(s).getlength, 1056, 314)
    assert any(line.startswith("（") for line in lines[1:]), lines
    size, lines = fit_headline(CARDS["ellipsis"].title, lambda s: font(s).getlength, 1056, 314)
    assert size == 40 and lines[-1].endswith("…") and "ǐ郵" in lines[0]


def test_overlapping_glyphs_blend_as_freetype_blends_them_in_a_line() -> None:
    # At 40 px the tone mark of ǐ reaches into 郵: a line drawn by Pillow blends the two inks.
    mask, (left, top) = font(40).getmask2("ǐ郵", "L", anchor="ls")
    line = np.asarray(Image.frombytes("L", mask.size, bytes(mask)))
    rows = np.zeros((200, 301), np.uint8)
    lut = np.arange(256, dtype=np.uint8)  # coverage as it is
    assert _paint(rows, lut, [(40, "ǐ郵", 50, 100)]) is not None
    drawn = rows[100 + top:100 + top + line.shape[0], 1 + 50 + left:1 + 50 + left + line.shape[1]]
    assert np.array_equal(drawn, line)
    apart = np.zeros_like(rows)  # each glyph alone, the larger coverage kept: not the same
    _paint(apart, lut, [(40, "ǐ", 50, 100)])
    alone = np.zeros_like(rows)
    _paint(alone, lut, [(40, "郵", 50 + int(font(40).getlength("ǐ")), 100)])
    assert not np.array_equal(np.maximum(apart, alone), rows)


def test_runs_whose_ink_meets_blend_as_one_line_and_report_their_rows() -> None:
    lut = np.arange(256, dtype=np.uint8)  # coverage as it is
    line = np.zeros((200, 301), np.uint8)
    assert len(_paint(line, lut, [(40, "ǐ郵", 50, 100)])) == 1
    two = np.zeros_like(line)  # the same glyphs as two runs of one line: the same pixels
    pen = 50 + int(font(40).getlength("ǐ"))
    assert len(_paint(two, lut, [(40, "ǐ", 50, 100), (40, "郵", pen, 100)])) == 1
    assert np.array_equal(two, line)
    lines = np.zeros_like(line)  # two lines apart: one band of rows each, nothing between them
    bands = _paint(lines, lut, [(28, "Plant", 10, 40), (28, "opens", 10, 120)])
    assert len(bands) == 2 and bands[0][1] < bands[1][0]
    assert not lines[bands[0][1]:bands[1][0]].any()
    assert all(lines[top:bottom].any() for top, bottom in bands)


def test_text_is_measured_as_pillow_measures_it() -> None:
    samples = [ZH.title, CARDS["en"].title, "AV To Ty Wa LT P. r, f\" ǘ…", "２０２６年，（新）“车”！"]
    for size in (*HEADLINE_SIZES, 28):
        measure = _measure(size)
        for sample in samples:
            assert measure(sample) == font(size).getlength(sample), (size, sample)


def test_a_card_is_a_valid_png_whose_image_data_checks_out() -> None:
    data = draw_card(ZH, Image.open(LOGO))
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = {}, 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        assert struct.unpack(">I", data[at + 8 + length:at + 12 + length])[0] == zlib.crc32(kind + body)
        chunks[kind] = body
        at += 12 + length
    assert list(chunks) == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]
    raw = zlib.decompress(chunks[b"IDAT"])  # checks the stream's Adler-32 as well
    card = Image.open(io.BytesIO(data))
    rows = np.frombuffer(raw, np.uint8).reshape(630, 1201)
    assert not rows[:, 0].any()  # filter "none" on every row
    assert np.array_equal(rows[:, 1:], np.asarray(card))
