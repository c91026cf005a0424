"""Charts in stories: ```chart blocks (YAML) read, checked and turned into plain values.

An editor writes a fenced block with the info string ``chart`` whose body is YAML (manual/charts.md).
The newsroom reads every story's blocks while it reads the story (``story_charts``), so a bad
chart stops the build, and ``masthead check``, with ``file:line: chart: message (fix)`` like any
other fault. Rendering is in two steps, because the page's HTML is sanitised after Markdown and
an allow-list sanitiser drops inline SVG:

1. Markdown (``fence_format``, pymdownx.superfences' formatter, run in worker processes too)
   writes a placeholder naming the block by a digest of its text;
2. after the sanitiser, ``fill`` swaps each placeholder for the figure ``chartsvg`` draws from
   the checked chart of that digest. A placeholder typed by hand into raw HTML can only name a
   chart of the same story: everything drawn comes from checked values, and all text is escaped.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import math
import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from .errors import Fault, describe

KINDS = ("column", "bar", "stacked-column", "stacked-bar", "line")
FIELDS = ("type", "title", "description", "unit", "source", "notes", "data", "file", "highlight",
          "decimals", "min", "max")
MAX_SERIES = 6  # colours the palette tells apart (chartsvg.PALETTE)
MAX_BARS = 40  # categories of a bar or column chart that still read on a phone
MAX_POINTS = 400  # points of a line chart
MISSING = frozenset({"", "-", "–", "—", "n/a", "NA"})
FIELD = "chart"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's when PyYAML has it: 10× faster

_QUOTE_RE = re.compile(r"^ {0,3}(?:> ?)+")
_OPEN_RE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")
_SLOT_RE = re.compile(r'<div class="mh-chart-slot" data-mh-chart="([0-9a-f]{16})"></div>')
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}")


@dataclass(frozen=True)
class Chart:
    """One checked chart: everything the drawing needs, as plain values."""

    kind: str
    title: str
    description: str
    unit: str
    source: str
    notes: str
    label: str  # the header of the first column ("Maker")
    categories: tuple[str, ...]  # as shown (dates written the page's way)
    series: tuple[str, ...]
    values: tuple[tuple[float | None, ...], ...]  # values[series][category]
    highlight: str
    decimals: int
    minimum: float | None
    maximum: float | None
    lang: str
    times: tuple[float, ...] | None = None  # a line chart over dates: each point's day number


@dataclass(frozen=True)
class Block:
    """A ```chart block found in a story: the line of its opening fence and its text."""

    line: int
    text: str
    closed: bool = True

    @property
    def key(self) -> str:
        return chart_key(self.text)


def chart_key(text: str) -> str:
    """The digest that names a block's text (the same for the scanner and the formatter)."""
    lines = [line.rstrip() for line in textwrap.dedent(text.expandtabs(4)).splitlines()]
    normal = "\n".join(lines).strip("\n")
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def has_chart(source: str) -> bool:
    """Cheap test before scanning: could the story hold a chart block?"""
    return "chart" in source and ("```" in source or "~~~" in source)


def find_blocks(source: str) -> list[Block]:
    """The chart blocks of a story's text, outside its front matter and other code blocks."""
    # Block-quote markers off, as pymdownx.superfences reads a fence inside a quote.
    lines = [_QUOTE_RE.sub("", line) for line in source.expandtabs(4).splitlines()]
    start = 0
    if lines and re.fullmatch(r"-{3,}\s*", lines[0]):
        for number in range(1, len(lines)):
            if re.fullmatch(r"(-{3,}|\.{3})\s*", lines[number]):
                start = number + 1
                break
    blocks: list[Block] = []
    number = start
    while number < len(lines):
        match = _OPEN_RE.match(lines[number])
        if match is None or (match["fence"][0] == "`" and "`" in match["info"]):
            number += 1
            continue
        fence, info = match["fence"], match["info"].strip()
        closing = re.compile(rf"^ *{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        end = next((n for n in range(number + 1, len(lines)) if closing.match(lines[n])), None)
        is_chart = re.match(r"^\{?\s*\.?chart(\s|\}|$)", info) is not None
        if is_chart:
            body = lines[number + 1:end if end is not None else len(lines)]
            blocks.append(Block(number + 1, "\n".join(body), closed=end is not None))
        if end is None:
            break
        number = end + 1
    return blocks


# -- reading one block ---------------------------------------------------------------------------

Reader = Callable[[str], str | None]  # docs-relative path -> the file's text, or None


@dataclass
class _Where:
    """Turns a line of the block (or of its CSV file) into a fault."""

    src_uri: str
    first: int  # file line of the block's first body line
    faults: list[Fault]

    def add(self, line: int | None, message: str, fix: str, file: str = "") -> None:
        self.faults.append(Fault(file or self.src_uri, line, FIELD, message, fix))

    def at(self, body_line: int | None) -> int:
        return self.first + (body_line or 0)


def parse_chart(text: str, *, src_uri: str, first_line: int, lang: str, zone: ZoneInfo,
                read: Reader | None = None) -> tuple[Chart | None, list[Fault]]:
    """Read one block's YAML (body line 0 is file line ``first_line``); the chart, or None and faults."""
    where = _Where(src_uri, first_line, [])
    text = textwrap.dedent(text.expandtabs(4))
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            spec = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        # Where the broken construct starts (an unclosed "["), else where the parser gave up.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        last = max(text.count("\n") - (1 if text.endswith("\n") else 0), 0)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where.add(where.at(min(mark.line, last) if mark else 0), f"broken YAML: {problem}",
                  "write one field per line, e.g. type: column; quote text that contains a colon")
        return None, where.faults
    if not isinstance(spec, dict) or not isinstance(node, yaml.MappingNode):
        where.add(where.at(0), f"expected fields such as type: and title:, got {describe(spec)}",
                  "write type:, title: and data: on lines of their own")
        return None, where.faults
    lines = {str(k.value): k.start_mark.line for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    value_lines = {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}

    def fault(name: str, message: str, fix: str) -> None:
        where.add(where.at(lines.get(name, 0)), message, fix)

    for name in spec:
        if str(name) not in FIELDS:
            fault(str(name), f"unknown field {str(name)!r:.40}", f"use the fields {', '.join(FIELDS)}")

    def text_field(name: str, required: bool = False) -> str:
        value = spec.get(name)
        if value is None or value == "":
            if required:
                fault(name, f"{name} is required", f"add {name}: …")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            fault(name, f"{name} must be text, got {describe(value)}", f"write {name}: and one line of text")
            return ""
        return " ".join(str(value).split())

    kind = text_field("type", required=True)
    if kind and kind not in KINDS:
        fault("type", f"type {kind!r:.40} is not a chart type", f"use one of: {', '.join(KINDS)}")
    title = text_field("title", required=True)
    decimals = _decimals(spec.get("decimals"), lambda m, f: fault("decimals", m, f))
    minimum = _bound(spec, "min", lambda m, f: fault("min", m, f))
    maximum = _bound(spec, "max", lambda m, f: fault("max", m, f))
    if minimum is not None and maximum is not None and minimum >= maximum:
        fault("max", f"max {maximum:g} is not above min {minimum:g}", "make max larger than min")

    table = _table_source(spec, value_lines, where, lambda n, m, f: fault(n, m, f), src_uri, read)
    if table is None:
        return None, where.faults
    csv_text, csv_file, csv_first = table
    rows = _rows(csv_text, csv_first, where, csv_file)
    if rows is None:
        return None, where.faults
    header, body = rows
    label, series = header[0][1], tuple(cell for _, cell in header[1:])
    seen: set[str] = set()
    for name in series:
        if name in seen or not name:
            where.add(header[0][0], f"the header names series {name!r:.40} twice" if name
                      else "a series in the header has no name",
                      "give every column of numbers a name of its own", csv_file)
        seen.add(name)
    if len(series) > MAX_SERIES:
        where.add(header[0][0], f"{len(series)} series; the palette tells at most {MAX_SERIES} apart",
                  "split the chart in two, or leave out the smaller series", csv_file)
    limit = MAX_POINTS if kind == "line" else MAX_BARS
    if len(body) > limit:
        where.add(header[0][0], f"{len(body)} rows; a {kind} chart shows at most {limit}",
                  "use a line chart for long series, or show the rest as a table", csv_file)
    categories = [cells[0] for _, cells in body]
    values: list[list[float | None]] = [[] for _ in series]
    places = 0
    for line, cells in body:
        for index, cell in enumerate(cells[1:]):
            number, shown = _number(cell)
            if number is None and cell.strip() not in MISSING:
                where.add(line, f"{cell!r:.40} in column {series[index]!r:.40} is not a number",
                          "write digits such as 12.5 or 1,234; leave the cell empty when there is no value",
                          csv_file)
            values[index].append(number)
            places = max(places, shown)
    every = [v for column in values for v in column if v is not None]
    if not every:
        if not where.faults:
            where.add(header[0][0], "the table has no numbers", "fill in the values", csv_file)
        return None, where.faults
    stacked = kind.startswith("stacked")
    if stacked and min(every) < 0:
        where.add(header[0][0], "a stacked chart cannot show negative values",
                  "use type: column or bar for values below zero", csv_file)
    tops = [sum(v for v in row if v is not None and v > 0) for row in zip(*values, strict=True)] \
        if stacked else every
    if kind != "line" and minimum is not None and minimum > 0:
        fault("min", "bars must start at zero, so min cannot be above 0",
              "remove min, or use type: line to show a range")
    if kind != "line" and maximum is not None and maximum < 0:
        fault("max", "bars must reach zero, so max cannot be below 0", "remove max")
    if minimum is not None and min(every) < minimum:
        fault("min", f"the value {min(every):g} is below min {minimum:g}", "lower min or remove it")
    if maximum is not None and max(tops) > maximum:
        fault("max", f"the value {max(tops):g} is above max {maximum:g}", "raise max or remove it")
    highlight = text_field("highlight")
    if highlight and highlight not in series and highlight not in categories:
        fault("highlight", f"{highlight!r:.40} is neither a series nor a category of the table",
              f"write one of: {', '.join([*series, *categories][:8])}")
    if where.faults:
        return None, where.faults
    shown_categories, times = _dates(categories, lang, zone)
    if highlight in categories:  # named as the editor wrote it, shown as the page writes it
        highlight = shown_categories[categories.index(highlight)]
    return Chart(
        kind=kind, title=title, description=text_field("description"), unit=text_field("unit"),
        source=text_field("source"), notes=text_field("notes"), label=label,
        categories=tuple(shown_categories), series=series,
        values=tuple(tuple(column) for column in values), highlight=highlight,
        decimals=decimals if decimals is not None else min(places, 3),
        minimum=minimum, maximum=maximum, lang=lang,
        times=times if kind == "line" else None,
    ), []


def _decimals(value: Any, fault: Callable[[str, str], None]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4:
        fault(f"decimals must be a whole number from 0 to 4, got {describe(value)}", "write e.g. decimals: 1")
        return None
    return value


def _bound(spec: Mapping[str, Any], name: str, fault: Callable[[str, str], None]) -> float | None:
    value = spec.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        fault(f"{name} must be a number, got {describe(value)}", f"write e.g. {name}: 0")
        return None
    return float(value)


def _table_source(spec: Mapping[str, Any], value_lines: Mapping[str, Any], where: _Where,
                  fault: Callable[[str, str, str], None], src_uri: str,
                  read: Reader | None) -> tuple[str, str, int] | None:
    """(CSV text, file it came from or "", file line of its first line)."""
    data, file = spec.get("data"), spec.get("file")
    if data is not None and file is not None:
        fault("file", "both data and file are set", "keep one: the table inline, or the CSV file's name")
        return None
    if data is None and file is None:
        fault("type", "the chart has no data", "add data: | and the table below it, or file: numbers.csv")
        return None
    if data is not None:
        if not isinstance(data, str) or not data.strip():
            fault("data", f"data must be a table of text lines, got {describe(data)}",
                  "write data: | and the rows below it, indented, values separated by commas")
            return None
        node = value_lines["data"]
        block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
        return data, "", where.at(node.start_mark.line + (1 if block else 0))
    if not isinstance(file, str) or not file.strip():
        fault("file", f"file must be the name of a CSV file, got {describe(file)}", "write file: sales.csv")
        return None
    path = _resolve(src_uri, file.strip())
    if path is None:
        fault("file", f"{file!r:.60} is not a file below docs/",
              "write the CSV file's name relative to the story, e.g. file: sales.csv")
        return None
    found = read(path) if read is not None else None
    if found is None:
        fault("file", f"the file {path!r:.80} does not exist or is not UTF-8 text",
              "put the CSV file next to the story, or fix the name")
        return None
    return found, path, 1


def _resolve(src_uri: str, name: str) -> str | None:
    if "\\" in name or ":" in name or "\x00" in name or name.startswith("/"):
        return None
    parts: list[str] = []
    for part in (PurePosixPath(src_uri).parent / name).parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts) or None


def _rows(text: str, first: int, where: _Where,
          file: str) -> tuple[list[tuple[int, str]], list[tuple[int, list[str]]]] | None:
    """The header (line, cell) and the rows (line, cells) of a CSV text; comma, tab or "，"."""
    numbered = [(first + i, line) for i, line in enumerate(text.removeprefix("\ufeff").splitlines())
                if line.strip()]
    if not numbered:
        where.add(first, "the table is empty", "write a header row and at least one row of numbers", file)
        return None
    head = numbered[0][1]
    delimiter = "\t" if "\t" in head else "," if "," in head else "，" if "，" in head else ","
    parsed = [(line, [c.strip() for c in row])
              for line, row in zip((n for n, _ in numbered),
                                   csv.reader((t for _, t in numbered), delimiter=delimiter,
                                              skipinitialspace=True), strict=True)]
    header_line, header = parsed[0]
    if len(header) < 2:
        where.add(header_line, "the header row needs a label column and at least one series",
                  "write e.g. Maker, Sept, Oct (values separated by commas)", file)
        return None
    if len(parsed) < 2:
        where.add(header_line, "the table has a header but no rows of data",
                  "add at least one row of numbers under the header", file)
        return None
    ok = True
    for line, cells in parsed[1:]:
        if len(cells) != len(header):
            where.add(line, f"this row has {len(cells)} cells, the header has {len(header)}",
                      "give every row as many cells as the header; leave a cell empty for no value", file)
            ok = False
    if not ok:
        return None
    return [(header_line, c) for c in header], parsed[1:]


def _number(cell: str) -> tuple[float | None, int]:
    """A cell's number and how many decimals it was written with; (None, 0) if it is none."""
    text = cell.strip().replace("−", "-").replace(" ", "").removesuffix("%")
    if _GROUPED_RE.match(text):
        text = text.replace(",", "")
    if not _NUMBER_RE.match(text):
        return None, 0
    value = float(text)
    if not math.isfinite(value):
        return None, 0
    places = len(text.split(".")[1]) if "." in text and "e" not in text.lower() else 0
    return value, places


def _dates(categories: list[str], lang: str, zone: ZoneInfo) -> tuple[list[str], tuple[float, ...] | None]:
    """Categories that are all dates become labels written the page's way, and day numbers.

    ``2026-10`` is a month and ``2026-10-12`` a day (calendar dates: no time zone); a time with
    an offset (``2026-10-12T23:00Z``) is moved into the newsroom's zone first.
    """
    shown: list[str] = []
    times: list[float] = []
    for cell in categories:
        match = _DATE_RE.match(cell)
        try:
            if match:
                year, month, day = int(match[1]), int(match[2] or 1), int(match[3] or 1)
                moment = dt.datetime(year, month, day)
                precision = 3 if match[3] else 2 if match[2] else 1
            elif _DATETIME_RE.match(cell):
                parsed = dt.datetime.fromisoformat(cell.replace(" ", "T", 1))
                moment = (parsed.replace(tzinfo=zone) if parsed.tzinfo is None
                          else parsed).astimezone(zone).replace(tzinfo=None)
                precision = 3
            else:
                return list(categories), None
        except ValueError:
            return list(categories), None
        shown.append(_date_label(moment, precision, lang))
        times.append(moment.toordinal() + (moment.hour * 60 + moment.minute) / 1440)
    return shown, tuple(times)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _date_label(moment: dt.datetime, precision: int, lang: str) -> str:
    if lang.startswith("zh"):
        return (f"{moment.year}年", f"{moment.year}年{moment.month}月",
                f"{moment.year}年{moment.month}月{moment.day}日")[precision - 1]
    return (f"{moment.year}", f"{_MONTHS[moment.month - 1]} {moment.year}",
            f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}")[precision - 1]


# -- a story's charts ------------------------------------------------------------------------------


def story_charts(src_uri: str, source: str, *, lang: str, zone: ZoneInfo,
                 read: Reader | None = None) -> tuple[dict[str, Chart], list[Fault]]:
    """Every chart block of one story, checked: {digest of the block: chart}, and all faults."""
    charts: dict[str, Chart] = {}
    faults: list[Fault] = []
    if not has_chart(source):
        return charts, faults
    for block in find_blocks(source.removeprefix("\ufeff")):
        if not block.closed:
            faults.append(Fault(src_uri, block.line, FIELD, "the chart block is not closed",
                                "end it with ``` on a line of its own"))
            continue
        chart, found = parse_chart(block.text, src_uri=src_uri, first_line=block.line + 1,
                                   lang=lang, zone=zone, read=read)
        faults.extend(found)
        if chart is not None:
            charts[block.key] = chart
    return charts, faults


# -- Markdown and HTML ---------------------------------------------------------------------------


def fence_format(source: str, language: str, class_name: str, options: Mapping[str, Any], md: Any,
                 **_: Any) -> str:
    """pymdownx.superfences' formatter for ```chart: a placeholder ``fill`` replaces."""
    return f'<div class="mh-chart-slot" data-mh-chart="{chart_key(source)}"></div>'


def superfences_config(configs: dict[str, Any]) -> dict[str, Any]:
    """``mdx_configs`` with the chart fence added to pymdownx.superfences' custom fences."""
    own = dict(configs.get("pymdownx.superfences") or {})
    fences = [f for f in own.get("custom_fences", []) if f.get("name") != FIELD]
    fences.append({"name": FIELD, "class": "mh-chart", "format": fence_format})
    own["custom_fences"] = fences
    return {**configs, "pymdownx.superfences": own}


def fill(content: str, charts: Mapping[str, Chart],
         unknown: Callable[[str], None] | None = None) -> str:
    """The page's HTML with every chart placeholder replaced by its figure (after sanitising)."""
    if "mh-chart-slot" not in content:
        return content
    from .chartsvg import figure

    count: dict[str, int] = {}

    def swap(match: re.Match[str]) -> str:
        key = match[1]
        chart = charts.get(key)
        if chart is None:
            if unknown is not None:
                unknown(key)
            return ""
        count[key] = count.get(key, 0) + 1
        suffix = f"-{count[key]}" if count[key] > 1 else ""
        return figure(chart, f"chart-{key[:8]}{suffix}")

    return _SLOT_RE.sub(swap, content)


_PLOTS_RE = re.compile(r'<ul class="mh-chart__key">.*?</ul>|<div class="mh-chart__plots"[^>]*>.*?</div>',
                       re.DOTALL)
_DETAILS_RE = re.compile(r'<details class="mh-chart__data"><summary>.*?</summary>(.*?)</details>', re.DOTALL)


def feed_html(content: str) -> str:
    """A story's HTML for feeds: a chart's table (open) stands in for its pictures and key."""
    if "mh-chart__plots" not in content:
        return content
    return _DETAILS_RE.sub(r"\1", _PLOTS_RE.sub("", content))


def escape(value: str) -> str:
    return html.escape(value, quote=True)
