"""Charts: ```chart blocks read and checked (charts.py), drawn (chartsvg.py), and built into pages."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from masthead import chartsvg
from masthead.charts import Chart, feed_html, fill, find_blocks, story_charts
from masthead.chartsvg import figure, number, text_width, tick_texts, with_unit, wrap
from masthead.cli import main
from tests.conftest import Site, article

MakeSite = Callable[..., Site]
FONT_SIZE = chartsvg.FONT
ZONE = ZoneInfo("Asia/Shanghai")
ISSUE_EXAMPLE = """\
type: column            # bar, column, stacked-column, line
title: 2026年10月新能源乘用车销量
unit: 万辆
source: 乘联会
data: |
  品牌, 9月, 10月
  华信, 12.1, 13.4
  蓝湾, 8.7, 9.9
"""


def story(*blocks: str, head: str = "---\ntitle: T\ndate: 2025-01-01\n---\n\nText.\n") -> str:
    return head + "".join(f"\n```chart\n{b.rstrip()}\n```\n" for b in blocks)


def charts_of(source: str, lang: str = "en", files: dict[str, str] | None = None,
              src_uri: str = "news/a.md") -> tuple[list[Chart], list[str]]:
    found, faults = story_charts(src_uri, source, lang=lang, zone=ZONE,
                                 read=lambda path: (files or {}).get(path))
    return list(found.values()), [f.format() for f in faults]


def chart(body: str, lang: str = "en", files: dict[str, str] | None = None) -> Chart:
    found, faults = charts_of(story(body), lang, files)
    assert faults == []
    return found[0]


# -- reading -------------------------------------------------------------------------------------


def test_the_issue_example_reads_as_a_column_chart() -> None:
    c = chart(ISSUE_EXAMPLE, lang="zh")
    assert (c.kind, c.title, c.unit, c.source, c.label) == (
        "column", "2026年10月新能源乘用车销量", "万辆", "乘联会", "品牌")
    assert c.series == ("9月", "10月") and c.categories == ("华信", "蓝湾")
    assert c.values == ((12.1, 8.7), (13.4, 9.9))
    assert c.decimals == 1


def test_csv_file_next_to_the_story_tabs_full_width_commas_grouping_and_gaps() -> None:
    c = chart("type: bar\ntitle: Sales\nfile: ../data/sales.csv",
              files={"data/sales.csv": 'Maker\tOct\nHuaxin\t"1,234"\nLanwan\t\n'})
    assert c.values == ((1234.0, None),)
    zh = chart("type: bar\ntitle: 销量\ndata: |\n  品牌，10月\n  华信，−3.5\n")
    assert zh.values == ((-3.5,),)


def test_only_real_chart_fences_are_read() -> None:
    source = ("---\ntitle: \"```chart\"\n---\n\n````markdown\n```chart\ntype: nope\n```\n````\n\n"
              "- in a list:\n\n    ~~~chart\n    type: line\n    ~~~\n\n```python\nchart = 1\n```\n")
    blocks = find_blocks(source + "\n> Quoted:\n>\n> ```chart\n> type: bar\n> ```\n")
    assert [(b.line, b.text.strip()) for b in blocks] == [(13, "type: line"), (23, "type: bar")]


def test_dates_are_written_the_page_way_and_moved_into_the_newsroom_zone() -> None:
    body = "type: line\ntitle: T\ndata: |\n  Month, A\n  2026-09, 1\n  2026-10, 2\n"
    assert chart(body, lang="zh").categories == ("2026年9月", "2026年10月")
    assert chart(body).categories == ("Sep 2026", "Oct 2026")
    late = chart("type: line\ntitle: T\ndata: |\n  At, A\n  2026-10-31T20:00Z, 1\n  2026-11-02, 2\n")
    assert late.categories == ("1 Nov 2026", "2 Nov 2026")  # 04:00 on 1 November in Shanghai
    assert late.times is not None and late.times[1] - late.times[0] == pytest.approx(1 - 4 / 24)


# -- faults --------------------------------------------------------------------------------------


def test_every_fault_names_the_file_line_and_fix_all_at_once() -> None:
    source = story(
        "type: pie\ntitle: Wrong type\ndata: |\n  a, b\n  x, 1\n",  # block 1: body from line 9
        "type: column\ntitle: Ragged\ndata: |\n  a, b, c\n  x, 1\n  y, 2, 3\n  z, one, 3\n",
        "type: bar\ntitle: Empty\ndata: |\n  a, b\n",
        "type: line\ntitle: Missing file\nfile: nowhere.csv\n",
        "type: line\ntitle: Many\ncolour: red\ndata: |\n  a,1,2,3,4,5,6,7\n  x,1,2,3,4,5,6,7\n",
        "type: column\ntitle: Bars from zero\nmin: 5\ndata: |\n  a, b\n  x, 10\n",
        "title: [unclosed\n",
    )
    found, faults = charts_of(source)
    assert found == [] and len(faults) == 8
    assert faults[:-1] == [
        "news/a.md:9: chart: type 'pie' is not a chart type (use one of: column, bar, stacked-column, "
        "stacked-bar, line)",
        "news/a.md:21: chart: this row has 2 cells, the header has 3 (give every row as many cells as the "
        "header; leave a cell empty for no value)",
        "news/a.md:30: chart: the table has a header but no rows of data (add at least one row of numbers "
        "under the header)",
        "news/a.md:36: chart: the file 'news/nowhere.csv' does not exist or is not UTF-8 text (put the CSV "
        "file next to the story, or fix the name)",
        "news/a.md:42: chart: unknown field 'colour' (use the fields type, title, description, unit, source, "
        "notes, data, file, highlight, decimals, min, max)",
        "news/a.md:44: chart: 7 series; the palette tells at most 6 apart (split the chart in two, or leave "
        "out the smaller series)",
        "news/a.md:51: chart: bars must start at zero, so min cannot be above 0 (remove min, or use type: "
        "line to show a range)",
    ]
    assert faults[-1].startswith("news/a.md:58: chart: broken YAML: ")  # the unclosed "[" (libyaml's words)
    assert faults[-1].endswith("(write one field per line, e.g. type: column; "
                               "quote text that contains a colon)")
    _, bad_number = charts_of(story("type: column\ntitle: T\ndata: |\n  a, b\n  x, twelve\n"))
    assert bad_number == ["news/a.md:13: chart: 'twelve' in column 'b' is not a number (write digits such "
                          "as 12.5 or 1,234; leave the cell empty when there is no value)"]


def test_faults_in_a_csv_file_point_into_that_file_and_an_open_block_is_reported() -> None:
    _, faults = charts_of(story("type: bar\ntitle: T\nfile: s.csv"), files={"news/s.csv": "a,b\nx,1\ny\n"})
    assert faults == ["news/s.csv:3: chart: this row has 1 cells, the header has 2 (give every row as many "
                      "cells as the header; leave a cell empty for no value)"]
    _, faults = charts_of("Text.\n\n```chart\ntype: bar\n")
    assert faults == ["news/a.md:3: chart: the chart block is not closed "
                      "(end it with ``` on a line of its own)"]
    _, faults = charts_of(story("type: bar\ntitle: T\nfile: ../../etc/passwd"))
    assert faults[0].startswith("news/a.md:11: chart: '../../etc/passwd' is not a file below docs/")


# -- drawing -------------------------------------------------------------------------------------


def _texts(svg: str) -> list[tuple[float, str, str, int]]:
    """(x, anchor, text, size) of every line of text in an SVG."""
    found = []
    for attrs, inner in re.findall(r"<text ([^>]*)>(.*?)</text>", svg):
        size = int(re.search(r'font-size="(\d+)"', attrs)[1])  # type: ignore[index]
        anchor = m[1] if (m := re.search(r'text-anchor="(\w+)"', attrs)) else "start"
        spans = re.findall(r'<tspan x="([\d.-]+)"[^>]*>(.*?)</tspan>', inner) or \
            [(re.search(r'x="([\d.-]+)"', attrs)[1], inner)]  # type: ignore[index]
        found += [(float(x), anchor, t, size) for x, t in spans]
    return found


def _plots(html: str) -> dict[str, str]:
    found = re.finditer(r'<svg class="mh-chart__plot mh-chart__plot--(\w+)".*?</svg>', html)
    return {m[1]: m[0] for m in found}


def assert_text_inside(html: str) -> None:
    """No line of text of either layout runs off its SVG (by the writer's own measure)."""
    for svg in _plots(html).values():
        width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg)[1])  # type: ignore[index]
        for x, anchor, text, size in _texts(svg):
            w = text_width(text.replace("&amp;", "&").replace("&lt;", "<"), size)
            left = x - {"start": 0, "middle": w / 2, "end": w}[anchor]
            assert left >= -0.5 and left + w <= width + 0.5, (text, left, w, width)


LONG = "东岳汽车集团股份有限公司新能源乘用车分公司（含合资品牌）"


def test_long_chinese_labels_wrap_and_turn_columns_into_bars() -> None:
    c = chart(f"type: column\ntitle: T\ndata: |\n  品牌, 销量\n  {LONG}, 12\n  华信, 9\n", lang="zh")
    html = figure(c, "c")
    plots = _plots(html)
    assert set(plots) == {"wide", "narrow"}
    assert "<rect x=" in plots["narrow"] and plots["narrow"].count("<tspan") >= 2  # the name wraps
    assert_text_inside(html)
    lines = wrap(LONG, 100)
    assert "".join(lines) == LONG and all(text_width(t, 13) <= 100 for t in lines)
    assert not any(line.startswith(("）", "，")) for line in wrap("甲乙丙丁戊（己庚），辛壬癸", 60))
    assert wrap("Northbridge Cell Works (captive)", 90) == ["Northbridge", "Cell Works", "(captive)"]


def test_negative_values_hang_below_and_left_of_zero() -> None:
    c = chart("type: bar\ntitle: Change\nunit: '%'\ndata: |\n  Maker, Change\n  A, 12.5\n  B, -3.6\n")
    html = figure(c, "c")
    narrow = _plots(html)["narrow"]
    zero = float(re.search(r'<line x1="([\d.]+)"', narrow)[1])  # type: ignore[index]
    bars = [(float(x), float(w)) for x, w in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*'
                                                        r'fill="#1f5fa8"', narrow)]
    assert bars[0][0] == pytest.approx(zero, abs=0.1)  # the positive bar starts at zero
    assert bars[1][0] + bars[1][1] == pytest.approx(zero, abs=0.1)  # the negative one ends there
    assert "−3.6" in html and "-3.6" not in html
    assert_text_inside(html)
    column = figure(chart("type: column\ntitle: T\ndata: |\n  a, b\n  x, -4\n  y, 9\n"), "d")
    assert "−5" in column and ">10<" in column  # the axis reaches round ticks below and above
    lowest = _plots(figure(chart("type: column\ntitle: T\ndecimals: 1\ndata: |\n  a, b\n  x, -5\n  y, 9\n"),
                           "e"))["wide"]
    value = re.search(r'<text x="[\d.]+" y="([\d.]+)"[^>]*>−5.0<', lowest)
    name = re.search(r'<text x="[\d.]+" y="([\d.]+)" font-size="13"[^>]*>x<', lowest)
    assert value and name and float(value[1]) + 4 < float(name[1]) - FONT_SIZE  # a value on the lowest tick
    assert_text_inside(column)


def test_one_data_point_still_draws_a_mark() -> None:
    line = chart("type: line\ntitle: T\ndata: |\n  Month, A\n  2026-10, 3\n")
    html = figure(line, "c")
    assert html.count("<circle") == 2  # one point in each layout
    assert_text_inside(html)
    column = figure(chart("type: column\ntitle: T\ndata: |\n  a, b\n  x, 3\n"), "d")
    assert column.count('fill="#1f5fa8"><title>') == 2
    assert_text_inside(column)


def test_many_series_get_distinct_colours_and_a_key() -> None:
    header = ", ".join(f"S{i}" for i in range(6))
    rows = "\n".join(f"  {m}, " + ", ".join(str(i + j) for i in range(6)) for j, m in enumerate("ABCDEFGH"))
    for kind in ("column", "stacked-column", "bar", "stacked-bar", "line"):
        c = chart(f"type: {kind}\ntitle: T\ndata: |\n  x, {header}\n{rows}\n")
        html = figure(c, "c")
        assert html.count("<li>") == 6
        assert len(set(chartsvg.series_colours(c))) == 6
        assert_text_inside(html)


def test_highlight_greys_out_the_rest_and_marks_the_category() -> None:
    c = chart("type: line\ntitle: T\nhighlight: EV\ndata: |\n  m, EV, Petrol, Diesel\n"
              "  2026-01, 1, 2, 3\n  2026-02, 2, 3, 4\n")
    assert chartsvg.series_colours(c) == ["#1f5fa8", *chartsvg.MUTED[:2]]
    one = figure(chart("type: column\ntitle: T\nhighlight: y\ndata: |\n  a, b\n  x, 1\n  y, 2\n"), "c")
    assert 'fill="#8a8a8a"><title>x: 1</title>' in one and 'fill="#1f5fa8"><title>y: 2</title>' in one


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_colours_pass_wcag_contrast_on_the_chart_background() -> None:
    for colour in (*chartsvg.PALETTE, *chartsvg.MUTED, chartsvg.AXIS):
        assert contrast(colour, chartsvg.BACKGROUND) >= 3, colour
    for colour in (chartsvg.TEXT, chartsvg.SOFT):
        assert contrast(colour, chartsvg.BACKGROUND) >= 4.5, colour
        assert contrast(colour, chartsvg.BAND) >= 4.5, colour


def test_numbers_are_written_for_the_language() -> None:
    assert with_unit(number(12.1, 1), "万辆", "zh") == "12.1万辆"
    assert with_unit(number(1234, 0), "units", "en") == "1,234 units"
    assert with_unit(number(54.3, 1), "%", "en") == "54.3%"
    assert number(-0.04, 1) == "0.0" and number(-2, 1) == "−2.0"
    assert tick_texts([0, 50000, 100000, 150000], "zh") == ["0", "5万", "10万", "15万"]
    assert tick_texts([0, 50000, 100000, 150000], "zh-Hant")[-1] == "15萬"
    assert tick_texts([0, 2.5e8, 5e8], "zh") == ["0", "2.5亿", "5.0亿"]
    assert tick_texts([0, 500000, 1000000], "en") == ["0", "0.5M", "1.0M"]
    assert tick_texts([0, 0.5, 1], "en") == ["0", "0.5", "1.0"]


def test_drawing_is_deterministic_and_escapes_editor_text() -> None:
    hostile = '<script>alert(1)</script> & "q"'
    c = chart(f"type: bar\ntitle: '{hostile}'\nsource: '<img src=x onerror=alert(1)>'\n"
              f"data: |\n  a, \"<b>s</b>\"\n  \"</text><script>x</script>\", 1\n")
    html = figure(c, "c")
    assert html == figure(c, "c")
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;" in html
    assert html.count("<title id=") == 2  # each layout's own title, escaped like the rest
    assert_text_inside(html)


def test_fill_swaps_placeholders_once_each_and_drops_unknown_ones() -> None:
    found, _ = story_charts("a.md", story(ISSUE_EXAMPLE), lang="zh", zone=ZONE)
    key = next(iter(found))
    slot = f'<div class="mh-chart-slot" data-mh-chart="{key}"></div>'
    forged = '<div class="mh-chart-slot" data-mh-chart="0123456789abcdef"></div>'
    unknown: list[str] = []
    html = fill(f"<p>x</p>{slot}{slot}{forged}", found, unknown.append)
    assert html.count('<figure class="mh-chart') == 2 and unknown == ["0123456789abcdef"]
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    feed = feed_html(html)
    assert "<svg" not in feed and "<details" not in feed and feed.count("<table") == 2


# -- a real build and `masthead check` -------------------------------------------------------------


def test_a_story_with_charts_builds_pages_feeds_and_the_same_bytes_twice(make_site: MakeSite) -> None:
    body = ("Sales rose.\n\n```chart\n" + ISSUE_EXAMPLE + "```\n\n"
            "- From a file:\n\n    ```chart\n    type: line\n    title: 月度销量\n"
            "    file: sales.csv\n    ```\n")
    site = make_site({"news/sales.md": article("销量", lang="zh", body=body),
                      "news/sales.csv": "月份,华信\n2026-09,12.1\n2026-10,13.4\n"})
    result = site.build("--strict")
    assert result.returncode == 0, result.stderr
    page = site.html("news/sales/")
    figures = page.select("figure.mh-chart")
    assert [f["class"][1] for f in figures] == ["mh-chart--column", "mh-chart--line"]
    first = figures[0]
    assert first.figcaption.get_text(" ", strip=True) == "2026年10月新能源乘用车销量 单位：万辆"
    svg = first.select_one("svg.mh-chart__plot--wide")
    assert svg["role"] == "img" and svg.title.get_text() == "2026年10月新能源乘用车销量"
    assert "柱状图" in svg.desc.get_text()
    assert [td.get_text() for td in first.select("table tbody td")] == ["12.1", "13.4", "8.7", "9.9"]
    assert first.select_one(".mh-chart__foot").get_text() == "来源：乘联会"
    assert [th.get_text() for th in figures[1].select("tbody th")] == ["2026年9月", "2026年10月"]
    assert not page.select(".mh-chart-slot")
    feed = json.loads((site.out / "feeds/feed.json").read_text(encoding="utf-8"))
    content = feed["items"][0]["content_html"]
    assert "<table" in content and "<svg" not in content
    before = (site.out / "news/sales/index.html").read_bytes()
    assert site.build("--strict").returncode == 0
    assert (site.out / "news/sales/index.html").read_bytes() == before
    csv_file = site.root / "docs/news/sales.csv"
    csv_file.write_text("月份,华信\n2026-09,12.1\n2026-10,15.0\n", encoding="utf-8")
    assert site.build("--strict").returncode == 0  # a changed CSV file reaches the page (no stale cache)
    assert "15.0" in site.html("news/sales/").select("figure.mh-chart")[1].table.get_text()


def test_bad_charts_stop_the_build_and_check_reports_the_same(make_site: MakeSite,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site({
        "news/good.md": article("Good"),
        "news/bad.md": article("Bad", body="```chart\ntype: pie\ntitle: T\ndata: |\n  a, b\n  x, 1\n```\n\n"
                                             "```chart\ntype: bar\ntitle: T\nfile: gone.csv\n```\n"),
        "news/bad-front.md": "---\ntitle: X\n---\n\n```chart\ntype: bar\n```\n",
    })
    result = site.build("--strict")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    reported = sorted(line.strip() for line in result.stderr.splitlines() if line.startswith("  "))
    assert "news/bad.md:7: chart: type 'pie' is not a chart type (use one of: column, bar, stacked-column, " \
           "stacked-bar, line)" in reported
    assert any(line.startswith("news/bad.md:17: chart: the file 'news/gone.csv' does not exist")
               for line in reported)
    assert any(line.startswith("news/bad-front.md: date: is required") for line in reported)
    assert any(line.startswith("news/bad-front.md:6: chart: title is required") for line in reported)
    assert not (site.out / "news/good/index.html").exists()
    monkeypatch.chdir(site.root)
    out = io.StringIO()
    assert main(["check"], out=out) == 1
    lines = out.getvalue().splitlines()[:-1]
    assert sorted(line.removeprefix("docs/") for line in lines) == reported


def test_the_sample_has_charts_of_three_kinds_in_both_languages() -> None:
    from tests.conftest import ROOT

    kinds: dict[str, set[str]] = {}
    for path in sorted((ROOT / "docs/data-report").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        lang = "zh" if "\nlang: zh" in text else "en"
        for c in charts_of(text, lang, src_uri=path.relative_to(ROOT / "docs").as_posix(),
                           files={p.relative_to(ROOT / "docs").as_posix(): p.read_text(encoding="utf-8")
                                  for p in Path(ROOT / "docs/data-report").glob("*.csv")})[0]:
            kinds.setdefault(c.kind, set()).add(lang)
    assert len(kinds) >= 3 and set().union(*kinds.values()) == {"zh", "en"}
