"""A checked chart drawn as an accessible figure: two inline SVGs, the data table, the source.

Our own small SVG writer (issue 24 compared pygal, Vega-Lite via vl-convert-python and
matplotlib; see manual/charts.md): plain ``<rect>``, ``<path>`` and ``<text>`` in a viewBox,
every coordinate rounded to a tenth, so the same chart always gives the same bytes; no script,
no style sheet, no font of its own (the text inherits the page's fonts).

Each chart is drawn twice: a wide layout (640 units; columns, lines) and a narrow one (340 units,
about a phone's column at 1:1: every bar or column chart becomes horizontal bars with the
category written above its bars, so long Chinese names wrap instead of colliding). CSS shows one
(``.mh-chart__plot--wide`` / ``--narrow``); the other is ``display: none``, hidden from screen
readers too. Both carry ``width``/``height``, so the browser reserves the space before layout.
Text is measured by an estimate (CJK characters 1 em, Latin letters about 0.6 em), kept on the
generous side so labels wrap early rather than run off.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from .charts import Chart, escape

WIDE, NARROW = 640, 340
FONT, SMALL, LINE = 13, 12, 16
# Marks: at least 3:1 against the white background (WCAG 1.4.11); text at least 4.5:1.
PALETTE = ("#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#a16207", "#0e7490")
MUTED = ("#8a8a8a", "#6b6b6b", "#9a7b6b")
TEXT, SOFT, GRID, AXIS, BAND, BACKGROUND = "#1f1f1f", "#575757", "#e3e3e3", "#6b6b6b", "#f0f0f0", "#ffffff"

LABELS = {
    "en": {"data": "Data", "source": "Source", "unit": "Unit", "notes": "Note",
           "column": "Column chart", "bar": "Bar chart", "stacked-column": "Stacked column chart",
           "stacked-bar": "Stacked bar chart", "line": "Line chart", "to": "to",
           "summary": "{kind} of {series} over {n} {what} ({first} {to} {last}); "
                      "values from {low} to {high}. The numbers are in the data table.",
           "categories": "categories", "points": "points", "sep": ", ", "comma": ", ", "colon": ": "},
    "zh": {"data": "数据", "source": "来源", "unit": "单位", "notes": "注",
           "column": "柱状图", "bar": "条形图", "stacked-column": "堆积柱状图",
           "stacked-bar": "堆积条形图", "line": "折线图", "to": "至",
           "summary": "{kind}：{series}，{n}个{what}（{first}{to}{last}），"
                      "数值从{low}到{high}。具体数字见数据表。",
           "categories": "类别", "points": "时间点", "sep": "、", "comma": "，", "colon": "："},
    "zh-Hant": {"data": "數據", "source": "來源", "unit": "單位", "notes": "註",
                "column": "柱狀圖", "bar": "條形圖", "stacked-column": "堆疊柱狀圖",
                "stacked-bar": "堆疊條形圖", "line": "折線圖", "to": "至",
                "summary": "{kind}：{series}，{n}個{what}（{first}{to}{last}），"
                           "數值從{low}到{high}。具體數字見數據表。",
                "categories": "類別", "points": "時間點", "sep": "、", "comma": "，", "colon": "："},
}


def labels(lang: str) -> dict[str, str]:
    return LABELS.get(lang) or LABELS["zh" if lang.startswith("zh") else "en"]


# -- numbers ---------------------------------------------------------------------------------------


def number(value: float, decimals: int) -> str:
    """``1,234.5``; a true minus sign; never ``-0``."""
    text = f"{abs(value):,.{decimals}f}"
    negative = value < 0 and text.strip("0.,") != ""
    return ("−" if negative else "") + text


def with_unit(text: str, unit: str, lang: str) -> str:
    """A value and its unit, the language's way: ``12.1万辆``, ``1,234 units``, ``54%``."""
    if not unit:
        return text
    if lang.startswith("zh") or unit in ("%", "‰", "pp") or unit.startswith("%"):
        return text + unit
    return f"{text} {unit}"


def _scale(top: float, lang: str) -> tuple[float, str]:
    """Divisor and suffix for axis ticks: 万/亿 in Chinese, k/M/bn in English."""
    if lang.startswith("zh"):
        hant = lang == "zh-Hant"
        if top >= 1e8:
            return 1e8, "億" if hant else "亿"
        if top >= 1e4:
            return 1e4, "萬" if hant else "万"
        return 1, ""
    for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e4, "k")):
        if top >= size:
            return size, suffix
    return 1, ""


def tick_texts(ticks: Sequence[float], lang: str) -> list[str]:
    """Axis labels of ``ticks``: as few decimals as the step needs, large numbers shortened."""
    top = max(abs(t) for t in ticks) if ticks else 0
    size, suffix = _scale(top, lang)
    step = abs(ticks[1] - ticks[0]) / size if len(ticks) > 1 else 1
    decimals = 0
    while decimals < 4 and abs(step * 10 ** decimals - round(step * 10 ** decimals)) > 1e-6:
        decimals += 1
    return [number(t / size, decimals) + suffix if t else "0" for t in ticks]


def nice_ticks(low: float, high: float, count: int) -> list[float]:
    """About ``count`` round steps (1, 2, 2.5, 5 × 10ⁿ) covering low..high."""
    if high <= low:
        high = low + (abs(low) or 1)
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw - 1e-12)
    start = math.floor(low / step + 1e-9) * step
    end = math.ceil(high / step - 1e-9) * step
    n = round((end - start) / step)
    return [round(start + i * step, 10) for i in range(n + 1)]


def _axis(chart: Chart, low: float, high: float, count: int) -> tuple[float, float, list[float]]:
    """The value axis: the editor's min/max, else round ticks around the data."""
    ticks = nice_ticks(low if chart.minimum is None else chart.minimum,
                       high if chart.maximum is None else chart.maximum, count)
    lo = ticks[0] if chart.minimum is None else chart.minimum
    hi = ticks[-1] if chart.maximum is None else chart.maximum
    return lo, hi, [t for t in ticks if lo - 1e-9 <= t <= hi + 1e-9]


# -- text --------------------------------------------------------------------------------------------


@functools.cache
def _em(ch: str) -> float:
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch in " il.,:;'|!()[]ijtf":
        return 0.36
    if ch.isupper() or ch in "mwMW%@":
        return 0.8
    return 0.64


def text_width(text: str, size: float) -> float:
    return sum(map(_em, text)) * size


_NO_START = set("，。、；：？！）》」』】〉,.;:!?)%")
_NO_END = set("（《「『【〈(")


def _tokens(text: str) -> list[str]:
    """Pieces a line may break between: Latin words (with their space), single CJK characters;
    closing punctuation stays with what comes before, opening punctuation with what follows."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in ("W", "F")
        if ch == " ":
            tokens.append(word + " ")
            word = ""
        elif wide:
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        else:
            word += ch
    if word:
        tokens.append(word)
    merged: list[str] = []
    for token in tokens:
        if merged and (token[0] in _NO_START or merged[-1].rstrip()[-1:] in _NO_END):
            merged[-1] += token
        else:
            merged.append(token)
    return merged


def wrap(text: str, width: float, size: float = FONT) -> list[str]:
    """``text`` in lines no wider than ``width`` (a word longer than that is cut)."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if text_width((line + token).rstrip(), size) <= width or not line.strip():
            line += token
        else:
            lines.append(line.rstrip())
            line = token
        while text_width(line.rstrip(), size) > width and len(line.rstrip()) > 1:
            cut = len(line)
            while cut > 1 and text_width(line[:cut], size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _n(value: float) -> str:
    text = f"{value:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


# -- drawing ----------------------------------------------------------------------------------------


@dataclass
class _Svg:
    width: int
    parts: list[str] = field(default_factory=list)

    def rect(self, x: float, y: float, w: float, h: float, fill: str, tip: str = "") -> None:
        title = f"<title>{escape(tip)}</title>" if tip else ""
        end = f">{title}</rect>" if title else "/>"
        self.parts.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(w, 0))}" '
                          f'height="{_n(max(h, 0))}" fill="{fill}"{end}')

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1) -> None:
        self.parts.append(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
                          f'stroke="{stroke}" stroke-width="{_n(width)}"/>')

    def text(self, x: float, y: float, lines: Sequence[str], *, size: int = FONT, anchor: str = "start",
             fill: str = TEXT, bold: bool = False) -> None:
        attrs = f'x="{_n(x)}" y="{_n(y)}" font-size="{size}" fill="{fill}"'
        if anchor != "start":
            attrs += f' text-anchor="{anchor}"'
        if bold:
            attrs += ' font-weight="bold"'
        if len(lines) == 1:
            self.parts.append(f"<text {attrs}>{escape(lines[0])}</text>")
            return
        spans = "".join(f'<tspan x="{_n(x)}" dy="{0 if i == 0 else LINE}">{escape(t)}</tspan>'
                        for i, t in enumerate(lines))
        self.parts.append(f"<text {attrs}>{spans}</text>")

    def render(self, height: float, css: str, ident: str, title: str, desc: str) -> str:
        h = math.ceil(height)
        return (f'<svg class="mh-chart__plot {css}" viewBox="0 0 {self.width} {h}" width="{self.width}" '
                f'height="{h}" role="img" aria-labelledby="{ident}-t {ident}-d" '
                f'xmlns="http://www.w3.org/2000/svg">'
                f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
                f'<rect width="{self.width}" height="{h}" fill="{BACKGROUND}"/>'
                + "".join(self.parts) + "</svg>")


def series_colours(chart: Chart) -> list[str]:
    """One colour per series; a highlighted series keeps the first colour, the others go grey."""
    if chart.highlight in chart.series:
        muted = iter(MUTED * len(chart.series))
        return [PALETTE[0] if s == chart.highlight else next(muted) for s in chart.series]
    return list(PALETTE[:len(chart.series)])


def _bar_colour(chart: Chart, colours: Sequence[str], series: int, category: int) -> str:
    """A highlighted category of a one-series chart stands out; the rest of it is grey."""
    if len(chart.series) == 1 and chart.highlight and chart.highlight not in chart.series:
        return PALETTE[0] if chart.highlight == chart.categories[category] else MUTED[0]
    return colours[series]


def _is_highlit(chart: Chart, category: int) -> bool:
    return bool(chart.highlight) and chart.highlight == chart.categories[category]


def _tip(chart: Chart, series: int, category: int, value: float | None) -> str:
    shown = with_unit(number(value, chart.decimals), chart.unit, chart.lang) if value is not None else "–"
    name = chart.series[series]
    colon, comma = labels(chart.lang)["colon"], labels(chart.lang)["comma"]
    return f"{chart.categories[category]}{comma}{name}{colon}{shown}" if len(chart.series) > 1 \
        else f"{chart.categories[category]}{colon}{shown}"


def _stack_totals(chart: Chart) -> list[float]:
    return [sum(v for v in column if v is not None) for column in zip(*chart.values, strict=True)]


def _extent(chart: Chart) -> tuple[float, float]:
    if chart.kind.startswith("stacked"):
        totals = _stack_totals(chart)
        return 0.0, max(totals)
    every = [v for column in chart.values for v in column if v is not None]
    return min(every), max(every)


def columns(chart: Chart, ident: str, desc: str) -> str | None:
    """Vertical columns (wide layout); None when a category name needs more than three lines."""
    stacked = chart.kind.startswith("stacked")
    low, high = _extent(chart)
    lo, hi, ticks = _axis(chart, min(0.0, low), max(0.0, high), 5)
    texts = tick_texts(ticks, chart.lang)
    left = max(text_width(t, SMALL) for t in texts) + 10
    width, count = WIDE - left - 6, len(chart.categories)
    slot = width / count
    names = [wrap(c, slot - 6) for c in chart.categories]
    if max(len(lines) for lines in names) > 3:
        return None
    series = len(chart.series)
    group = slot * (0.72 if series > 1 else 0.6)
    bar = group / series
    colours = series_colours(chart)
    values_shown = [number(v, chart.decimals) for column in chart.values for v in column if v is not None]
    room = bar + (2 if series > 1 else slot * 0.3)
    labelled = not stacked and max(text_width(t, SMALL) for t in values_shown) <= room
    if stacked:
        totals = [number(t, chart.decimals) for t in _stack_totals(chart)]
        labelled = max(text_width(t, SMALL) for t in totals) <= slot - 4
    top, plot = (20 if labelled else 10), 220
    below = SMALL + 4 if labelled and low < 0 else 0  # room for a value under the lowest column
    svg = _Svg(WIDE)

    def y(v: float) -> float:
        return top + (hi - v) / (hi - lo) * plot

    for j in range(count):
        if _is_highlit(chart, j) and series > 1:
            svg.rect(left + j * slot, top, slot, plot, BAND)
    for t, text in zip(ticks, texts, strict=True):
        svg.line(left, y(t), WIDE - 6, y(t), AXIS if t == 0 else GRID)
        svg.text(left - 6, y(t) + 4, [text], size=SMALL, anchor="end", fill=SOFT)
    for j in range(count):
        x0 = left + j * slot + (slot - group) / 2
        base = 0.0
        for i in range(series):
            value = chart.values[i][j]
            if value is None:
                continue
            colour = _bar_colour(chart, colours, i, j)
            tip = _tip(chart, i, j, value)
            if stacked:
                gap = 1 if base else 0
                svg.rect(x0, y(base + value), group, y(base) - y(base + value) - gap, colour, tip)
                base += value
                continue
            x = x0 + i * bar
            svg.rect(x + 0.5, y(max(value, 0)), bar - 1, abs(y(value) - y(0)), colour, tip)
            if labelled:
                ly = y(value) - 4 if value >= 0 else y(value) + SMALL + 2
                svg.text(x + bar / 2, ly, [number(value, chart.decimals)], size=SMALL, anchor="middle")
        if stacked and labelled:
            svg.text(x0 + group / 2, y(base) - 4, [number(base, chart.decimals)], size=SMALL, anchor="middle")
        svg.text(left + (j + 0.5) * slot, top + plot + below + 8 + FONT, names[j], anchor="middle",
                 bold=_is_highlit(chart, j))
    height = top + plot + below + 12 + max(len(lines) for lines in names) * LINE
    return svg.render(height, "mh-chart__plot--wide", ident, chart.title, desc)


def bars(chart: Chart, ident: str, desc: str, *, width: int, above: bool) -> str:
    """Horizontal bars, each value written at its end: names beside the bars (wide) or above
    them (narrow, where a long name gets the whole width to wrap in)."""
    stacked = chart.kind.startswith("stacked")
    series = len(chart.series)
    low, high = _extent(chart)
    lo = min(0.0, low if chart.minimum is None else min(low, chart.minimum))
    hi = max(0.0, high if chart.maximum is None else max(high, chart.maximum))
    if hi == lo:
        hi = lo + 1
    if stacked:
        ends = [number(t, chart.decimals) for t in _stack_totals(chart)]
        negative_room, positive_room = 0.0, max(text_width(t, SMALL) for t in ends) + 6
    else:
        shown = [(v, number(v, chart.decimals))
                 for column in chart.values for v in column if v is not None]
        negative_room = max((text_width(t, SMALL) + 6 for v, t in shown if v < 0), default=0.0)
        positive_room = max((text_width(t, SMALL) + 6 for v, t in shown if v >= 0), default=0.0)
    if above:
        name_width = float(width)
        names = [wrap(c, name_width) for c in chart.categories]
        start = 0.0
    else:
        name_width = min(max(text_width(c, FONT) for c in chart.categories) + 2, width * 0.32)
        names = [wrap(c, name_width) for c in chart.categories]
        start = name_width + 10
    # Bars of one category sit a label's line box apart (1.5 × SMALL: CJK fonts such as Noto Sans
    # CJK draw digits in a taller box than Latin ones), so the values at their ends never overlap.
    thick, gap = (16, 0) if series == 1 else (14, 4)
    group = series * thick + (series - 1) * gap if not stacked else 18
    x_lo, x_hi = start + negative_room, width - positive_room - 2

    def x(v: float) -> float:
        return x_lo + (v - lo) / (hi - lo) * (x_hi - x_lo)

    colours = series_colours(chart)
    svg = _Svg(width)
    rows: list[tuple[float, float]] = []
    y = 6.0
    for j, lines in enumerate(names):
        text_height = len(lines) * LINE
        height = (text_height + 4 + group) if above else max(text_height, group)
        rows.append((y, height))
        if _is_highlit(chart, j) and series > 1:
            svg.rect(0, y - 3, width, height + 6, BAND)
        y += height + (14 if above else 10)
    for j, (top, row) in enumerate(rows):
        lines = names[j]
        if above:
            svg.text(0, top + FONT, lines, bold=_is_highlit(chart, j))
            bar_top = top + len(lines) * LINE + 4
        else:
            text_top = top + (row - len(lines) * LINE) / 2
            svg.text(0, text_top + FONT, lines, bold=_is_highlit(chart, j))
            bar_top = top + (row - group) / 2
        base = 0.0
        for i in range(series):
            value = chart.values[i][j]
            if value is None:
                continue
            colour = _bar_colour(chart, colours, i, j)
            tip = _tip(chart, i, j, value)
            if stacked:
                gap = 1 if base else 0
                svg.rect(x(base) + gap, bar_top, x(base + value) - x(base) - gap, group, colour, tip)
                base += value
                continue
            bar_y = bar_top + i * (thick + gap)
            svg.rect(x(min(value, 0)), bar_y, abs(x(value) - x(0)), thick, colour, tip)
            label = number(value, chart.decimals)
            if value >= 0:
                svg.text(x(value) + 4, bar_y + thick / 2 + 4, [label], size=SMALL)
            else:
                svg.text(x(value) - 4, bar_y + thick / 2 + 4, [label], size=SMALL, anchor="end")
        if stacked:
            svg.text(x(base) + 4, bar_top + group / 2 + 4, [number(base, chart.decimals)], size=SMALL)
    if lo < 0:
        svg.line(x(0), 2, x(0), y - 4, AXIS)
    css = "mh-chart__plot--narrow" if above else "mh-chart__plot--wide"
    return svg.render(y - 4, css, ident, chart.title, desc)


def lines(chart: Chart, ident: str, desc: str, *, width: int) -> str:
    """A line per series over the categories (evenly spaced) or over time (dates)."""
    count = len(chart.categories)
    low, high = _extent(chart)
    lo, hi, ticks = _axis(chart, min(0.0, low), max(0.0, high), 5 if width == WIDE else 4)
    texts = tick_texts(ticks, chart.lang)
    positions = list(chart.times) if chart.times is not None else [float(j) for j in range(count)]
    first_w = min(text_width(chart.categories[0], SMALL), 120) / 2
    last_w = min(text_width(chart.categories[-1], SMALL), 120) / 2
    left = max(max(text_width(t, SMALL) for t in texts) + 10, first_w + 6)
    right = max(last_w + 6, 8)
    plot_w, plot_h, top = width - left - right, (220 if width == WIDE else 200), 10
    p0, p1 = positions[0], positions[-1]

    def x(p: float) -> float:
        return left + plot_w / 2 if p1 == p0 else left + (p - p0) / (p1 - p0) * plot_w

    def y(v: float) -> float:
        return top + (hi - v) / (hi - lo) * plot_h

    # Which category names fit under the axis: every k-th, as wide apart as the widest needs.
    widest = max(min(text_width(c, SMALL), 120) for c in chart.categories) + 10
    spacing = plot_w / max(count - 1, 1)
    stride = max(1, math.ceil(widest / spacing)) if count > 1 else 1
    shown = list(range(0, count, stride))
    if count > 1 and shown[-1] != count - 1:  # the newest point is always named
        if x(positions[-1]) - x(positions[shown[-1]]) < widest:
            shown.pop()
        shown.append(count - 1)
    names = {j: wrap(chart.categories[j], max(widest - 10, 60), SMALL) for j in shown}
    svg = _Svg(width)
    for t, text in zip(ticks, texts, strict=True):
        svg.line(left, y(t), width - right, y(t), AXIS if t == 0 else GRID)
        svg.text(left - 6, y(t) + 4, [text], size=SMALL, anchor="end", fill=SOFT)
    colours = series_colours(chart)
    order = sorted(range(len(chart.series)), key=lambda i: chart.series[i] == chart.highlight)
    for i in order:
        highlit = chart.series[i] == chart.highlight
        weight = 3.0 if highlit else 1.5 if chart.highlight in chart.series else 2.5
        path: list[str] = []
        pen = "M"
        for j, value in enumerate(chart.values[i]):
            if value is None:
                pen = "M"
                continue
            path.append(f"{pen}{_n(x(positions[j]))} {_n(y(value))}")
            pen = "L"
        if path:
            svg.parts.append(f'<path d="{"".join(path)}" fill="none" stroke="{colours[i]}" '
                             f'stroke-width="{_n(weight)}" stroke-linejoin="round" stroke-linecap="round"/>')
        if count <= 30 or len(path) == 1:
            for j, value in enumerate(chart.values[i]):
                if value is not None:
                    tip = escape(_tip(chart, i, j, value))
                    svg.parts.append(f'<circle cx="{_n(x(positions[j]))}" cy="{_n(y(value))}" r="3" '
                                     f'fill="{colours[i]}"><title>{tip}</title></circle>')
    deepest = 1
    for j in shown:
        cx = x(positions[j])
        svg.line(cx, top + plot_h, cx, top + plot_h + 4, AXIS)
        svg.text(cx, top + plot_h + 8 + SMALL, names[j], size=SMALL, anchor="middle", fill=SOFT,
                 bold=_is_highlit(chart, j))
        deepest = max(deepest, len(names[j]))
    css = "mh-chart__plot--wide" if width == WIDE else "mh-chart__plot--narrow"
    return svg.render(top + plot_h + 12 + deepest * LINE, css, ident, chart.title, desc)


def description(chart: Chart) -> str:
    """What the chart shows, in a sentence (the editor's ``description`` if given)."""
    if chart.description:
        return chart.description
    words = labels(chart.lang)
    low, high = _extent(chart) if not chart.kind.startswith("stacked") else (
        min(v for column in chart.values for v in column if v is not None), _extent(chart)[1])
    return words["summary"].format(
        kind=words[chart.kind], series=words["sep"].join(chart.series), n=len(chart.categories),
        what=words["points" if chart.times is not None else "categories"],
        first=chart.categories[0], last=chart.categories[-1], to=words["to"],
        low=with_unit(number(low, chart.decimals), chart.unit, chart.lang),
        high=with_unit(number(high, chart.decimals), chart.unit, chart.lang))


def table(chart: Chart) -> str:
    words = labels(chart.lang)
    caption = chart.title + (f"（{chart.unit}）" if chart.lang.startswith("zh") else f" ({chart.unit})") \
        if chart.unit else chart.title
    head = "".join(f'<th scope="col">{escape(name)}</th>' for name in (chart.label, *chart.series))
    rows = []
    for j, category in enumerate(chart.categories):
        cells = "".join(f'<td class="mh-chart__num">{"–" if v is None else number(v, chart.decimals)}</td>'
                        for v in (column[j] for column in chart.values))
        rows.append(f'<tr><th scope="row">{escape(category)}</th>{cells}</tr>')
    return (f'<details class="mh-chart__data"><summary>{words["data"]}</summary>'
            f'<table class="mh-chart__table"><caption>{escape(caption)}</caption>'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></details>')


def figure(chart: Chart, ident: str) -> str:
    """The whole ``<figure class="mh-chart">`` for one chart; ``ident`` is unique on the page."""
    words = labels(chart.lang)
    desc = description(chart)
    if chart.kind == "line":
        wide = lines(chart, f"{ident}-w", desc, width=WIDE)
        narrow = lines(chart, f"{ident}-n", desc, width=NARROW)
    else:
        drawn = columns(chart, f"{ident}-w", desc) if chart.kind in ("column", "stacked-column") else None
        wide = drawn or bars(chart, f"{ident}-w", desc, width=WIDE, above=False)
        narrow = bars(chart, f"{ident}-n", desc, width=NARROW, above=True)
    head = f'<span class="mh-chart__title">{escape(chart.title)}</span>'
    if chart.unit:
        head += f'<span class="mh-chart__unit">{words["unit"]}{words["colon"]}{escape(chart.unit)}</span>'
    key = ""
    if len(chart.series) > 1:
        items = "".join(
            f'<li><svg class="mh-chart__swatch" viewBox="0 0 10 10" width="10" height="10" '
            f'aria-hidden="true"><rect width="10" height="10" fill="{colour}"/></svg>{escape(name)}</li>'
            for name, colour in zip(chart.series, series_colours(chart), strict=True))
        key = f'<ul class="mh-chart__key">{items}</ul>'
    foot = []
    if chart.source:
        foot.append(f'{words["source"]}{words["colon"]}{escape(chart.source)}')
    if chart.notes:
        foot.append(f'{words["notes"]}{words["colon"]}{escape(chart.notes)}')
    foot_html = f'<p class="mh-chart__foot">{"<br>".join(foot)}</p>' if foot else ""
    kind = chart.kind
    return (f'<figure class="mh-chart mh-chart--{kind}" id="{ident}">'
            f'<figcaption class="mh-chart__head">{head}</figcaption>{key}'
            f'<div class="mh-chart__plots" data-pagefind-ignore>{wide}{narrow}</div>'
            f"{table(chart)}{foot_html}</figure>")
