"""What does a chart cost a build? Reading and checking a ```chart block, then drawing its figure.

    .venv/bin/python bench/charts_bench.py --charts 1000
    .venv/bin/python bench/charts_bench.py --charts 100 --compare   # and pygal, matplotlib, vl-convert

The charts are made up but shaped like a newsroom's: the five types, 3-24 rows, 1-4 series,
half Chinese, some long category names and negative values. Reported: milliseconds per chart for
reading (``story_charts``) and drawing (``chartsvg.figure``), bytes per figure, whether two
drawings of the same chart are the same bytes, and what 1 000 charts add to a build of
``--build-seconds`` (a cold 10 000-story build on the 2-core machine: 70-90 s).

``--compare`` draws one 8-row, 2-series column chart with each library that is installed
(``pip install pygal matplotlib vl-convert-python`` in a scratch venv; none is a dependency):
ms per chart, bytes, deterministic bytes, and whether the SVG carries a script.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "hooks"))

from masthead.charts import KINDS, story_charts
from masthead.chartsvg import figure

NAMES_EN = ["Huaxin Motors", "Lanwan Auto", "Northbridge Auto", "Vellmark", "Oristo Motors",
            "Ruichuan Auto", "Solanza", "Aurel Mobility", "Northbridge Cell Works (captive)"]
NAMES_ZH = ["华信汽车", "蓝湾汽车", "瑞川汽车", "东岳汽车集团股份有限公司新能源分公司", "启明", "远帆",
            "海岳"]


def make_block(rng: random.Random, index: int) -> tuple[str, str]:
    """(story text, lang) with one chart block."""
    kind = KINDS[index % len(KINDS)]
    zh = index % 2 == 0
    rows = rng.randint(3, 24 if kind == "line" else 12)
    series = rng.randint(1, 4)
    names = NAMES_ZH if zh else NAMES_EN
    header = ", ".join(["月份" if zh else "Month", *(f"S{i}" for i in range(series))])
    lines = []
    for r in range(rows):
        label = f"2025-{r % 12 + 1:02d}" if kind == "line" else f"{names[r % len(names)]} {r}"
        low = 0 if kind.startswith("stacked") else -20
        lines.append(", ".join([label, *(f"{rng.uniform(low, 300):.1f}" for _ in range(series))]))
    table = "\n".join(f"  {line}" for line in [header, *lines])
    text = (f"---\ntitle: T\n---\n\n```chart\ntype: {kind}\ntitle: {'销量' if zh else 'Sales'} {index}\n"
            f"unit: {'万辆' if zh else 'units'}\nsource: Desk\ndata: |\n{table}\n```\n")
    return text, "zh" if zh else "en"


def own(count: int, build_seconds: float) -> None:
    rng = random.Random(24)
    blocks = [make_block(rng, i) for i in range(count)]
    zone = ZoneInfo("Asia/Shanghai")
    start = time.perf_counter()
    charts = []
    for i, (text, lang) in enumerate(blocks):
        found, faults = story_charts(f"s/{i}.md", text, lang=lang, zone=zone)
        assert not faults, faults
        charts.extend(found.values())
    read = time.perf_counter() - start
    start = time.perf_counter()
    drawn = [figure(chart, f"c{i}") for i, chart in enumerate(charts)]
    draw = time.perf_counter() - start
    same = all(figure(chart, f"c{i}") == drawn[i] for i, chart in enumerate(charts[:50]))
    per = (read + draw) / count
    print(f"own writer: {count} charts; read and check {1000 * read / count:.2f} ms, draw "
          f"{1000 * draw / count:.2f} ms per chart; {sum(map(len, drawn)) // count} bytes per figure; "
          f"deterministic={same}")
    print(f"1 000 charts: {per * 1000:.1f} s = {100 * per * 1000 / build_seconds:.1f} % of a "
          f"{build_seconds:.0f} s build")


CATEGORIES = ["华信", "蓝湾", "东岳汽车集团有限公司", "Northwind", "川行", "启明", "远帆", "海岳"]
FIRST = [12.1, 8.7, 6.5, 5.2, 4.9, 3.3, 2.8, 1.9]
SECOND = [13.4, 9.9, 7.0, 5.0, 5.5, 3.1, 3.0, 2.2]


def with_pygal() -> str:
    import pygal

    chart = pygal.Bar(js=[], width=640, height=360, title="2026年10月新能源乘用车销量")
    chart.x_labels = CATEGORIES
    chart.add("9月", FIRST)
    chart.add("10月", SECOND)
    return str(chart.render(is_unicode=True))


def with_matplotlib() -> str:
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "masthead"  # stable ids
    plt.rcParams["svg.fonttype"] = "none"  # text as text
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    x = range(len(CATEGORIES))
    ax.bar([i - 0.2 for i in x], FIRST, 0.4, label="9月")
    ax.bar([i + 0.2 for i in x], SECOND, 0.4, label="10月")
    ax.set_xticks(list(x), CATEGORIES)
    ax.set_title("2026年10月新能源乘用车销量")
    ax.legend()
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)
    return out.getvalue()


def with_vega_lite() -> str:
    import vl_convert

    values = [{"c": c, "s": s, "v": v} for s, column in (("9月", FIRST), ("10月", SECOND))
              for c, v in zip(CATEGORIES, column, strict=True)]
    spec = {"width": 560, "height": 300, "title": "2026年10月新能源乘用车销量", "data": {"values": values},
            "mark": "bar", "encoding": {"x": {"field": "c", "type": "nominal"}, "xOffset": {"field": "s"},
                                        "y": {"field": "v", "type": "quantitative"},
                                        "color": {"field": "s"}}}
    return str(vl_convert.vegalite_to_svg(spec))


def compare(count: int) -> None:
    import warnings

    warnings.simplefilter("ignore")  # matplotlib's missing-glyph warnings
    for name, draw in (("pygal", with_pygal), ("matplotlib", with_matplotlib),
                       ("vl-convert (Vega-Lite)", with_vega_lite)):
        try:
            first = draw()
        except ImportError:
            print(f"{name}: not installed")
            continue
        start = time.perf_counter()
        outputs = [draw() for _ in range(count)]
        ms = 1000 * (time.perf_counter() - start) / count
        print(f"{name}: {ms:.1f} ms per chart, {len(first.encode())} bytes, "
              f"deterministic={all(o == first for o in outputs)}, script={'<script' in first}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--charts", type=int, default=1000)
    parser.add_argument("--build-seconds", type=float, default=80.0)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    own(args.charts, args.build_seconds)
    if args.compare:
        compare(min(args.charts, 100))


if __name__ == "__main__":
    main()
