"""A deterministic newsroom of N generated articles, for benchmarks.

    python bench/corpus.py --articles 1000 --out bench/out/corpus-1000

writes four sites over the same stories:

- ``masthead/``: a complete newsroom (``mkdocs.yml`` derived from the repository's, with its
  hooks/ and overrides/ by absolute path, and the repository's docs/assets), articles in
  ``docs/<section>/<name>.md`` with Masthead's front matter;
- ``plain/``: MkDocs + Material only (no hooks), the same docs folder, articles out of the nav;
- ``hugo/``: Hugo (bench/hugo's configuration and layouts) with tags, categories, authors and
  related content, the same stories as ``content/<section>/<name>.md``;
- ``blog/``: Material's blog + tags plugins, the same stories as ``docs/blog/posts/<section>/``
  with the front matter the blog plugin reads (``date``, ``categories``, ``tags``, ``slug``) and
  ``<!-- more -->`` after the first paragraph, as the blog plugin's guide recommends.

About 70 % of the stories are English and 30 % Chinese (``lang: zh``), 400-1 200 words (a Chinese
"word" is a two-character word), tags drawn from a Zipf distribution, the five sections of the
repository's mkdocs.yml, dates spread over five years. The same N and seed give byte-identical
files.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from masthead import layout

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = layout.sample_root(ROOT)  # the sample newsroom: its settings and pictures
SEED = 20_260_101
START = dt.datetime(2021, 1, 1, 6, 0)
DAYS = 5 * 365
ZIPF_S = 1.1  # tag frequency ~ 1 / rank^s


def _words(text: str) -> list[str]:
    return text.split()


EN_WORDS = _words("""
the a of to and in for on with at by from as that is was will said its it has have are were be
been market sales model battery electric vehicle car cars maker carmaker plant factory supplier
price prices quarter year month growth demand output exports imports charging network range
driver drivers software chip chips steel aluminium lithium nickel cobalt cells pack motor engine
hybrid plug-in fuel cell hydrogen truck trucks bus buses fleet dealers dealer showroom order
orders delivery deliveries production line shift workers union wage talks strike policy tax
subsidy tariff rules regulator ministry safety recall crash test rating emissions carbon target
investment capital shares investors profit loss margin revenue costs platform brand launch
premium compact sedan SUV pickup coupe wagon range-topping entry-level mid-size autonomous
sensor lidar radar camera map update over-the-air warranty service repair parts logistics port
rail shipping container freight credit loans leasing insurance consumers households survey data
index report analysts forecast outlook region province city district capital north south east
west coast inland border trade partner agreement joint venture stake merger acquisition deal
""")
EN_NAMES = _words("""Huaxin Northbridge Vellmark Solanza Kestrel Aurel Lanwan Chiheng Xingchi Meridian Orvane
Tallis Brightwater Corvane Helmfield Quarry Ostrava Linden Marrow Pellham""")
EN_CITIES = _words("""Hefei Shanghai Shenzhen Wuhan Chongqing Munich Stuttgart Turin Valencia Detroit
Nagoya Ulsan Pune Monterrey Gothenburg""")
ZH_WORDS = _words("""
汽车 电池 新能源 销量 市场 工厂 产能 供应 价格 季度 同比 增长 需求 出口 进口 充电 网络 续航 司机
软件 芯片 钢材 铝材 锂矿 镍价 电芯 电机 发动机 混动 插电 燃料 氢能 卡车 客车 车队 经销商 展厅
订单 交付 生产 产线 工人 工会 工资 谈判 政策 税收 补贴 关税 规则 监管 部门 安全 召回 碰撞 测试
评级 排放 碳排 目标 投资 资本 股价 投资者 利润 亏损 利润率 收入 成本 平台 品牌 发布 高端 紧凑
轿车 皮卡 自动 驾驶 传感器 激光 雷达 摄像头 地图 升级 质保 服务 维修 零部件 物流 港口 铁路 航运
集装箱 货运 信贷 贷款 租赁 保险 消费者 家庭 调查 数据 指数 报告 分析师 预测 前景 地区 省份 城市
园区 沿海 内陆 边境 贸易 伙伴 协议 合资 股份 并购 收购 交易 表示 认为 预计 宣布 计划 今年 去年
本月 上月 行业 企业 公司 集团 车型 技术 研发 标准 试点 项目 规模 速度 质量 用户 体验 成本
""")
ZH_NAMES = _words("华信 北桥 维尔马 索兰扎 红隼 奥瑞尔 蓝湾 驰恒 星驰 子午 欧文 泰利斯")
ZH_CITIES = _words("合肥 上海 深圳 武汉 重庆 广州 长春 宁波 西安 天津 成都 苏州")
ZH_PUNCT = "，，，、；"
AUTHORS_EN = ["Lena Hartmann", "Priya Raman", "Tom Becker", "Ana Ruiz", "Felix Andrade",
              "Mia Olsen", "Kenji Mori", "Sara Costa"]
AUTHORS_ZH = ["李明", "王芳", "张伟", "陈静", "刘洋", "赵磊"]
TAG_EN = _words("""EV batteries charging autonomous driving policy trade exports supply chain chips
recalls pricing hydrogen trucks earnings labour safety software SUVs hybrids lithium tariffs
robotaxis insurance credit logistics emissions steel dealers leasing subsidies""")
TAG_ZH = _words("""新能源 电池 充电 智能驾驶 政策 出口 供应链 芯片 召回 价格战 氢能 重卡 财报 安全 软件
混动 锂矿 关税 保险 物流 排放 经销商 补贴 出海 固态电池 换电""")


@dataclass(frozen=True)
class Story:
    """One generated story, before it is written in a site's dialect."""

    index: int
    section: str
    name: str
    title: str
    date: dt.datetime
    lang: str
    author: str
    tags: tuple[str, ...]
    summary: str | None
    dateline: str | None
    paragraphs: tuple[str, ...]  # Markdown blocks; [0] is the first paragraph


def repo_config() -> dict[str, Any]:
    """The sample newsroom's mkdocs.yml over the engine's engine.yml, merged as MkDocs' INHERIT
    merges them, as plain data (``!ENV [NAME, default]`` → the default)."""

    class Loader(yaml.SafeLoader):
        pass

    def env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)[-1]
        return None

    Loader.add_constructor("!ENV", env)
    text = (SAMPLE / layout.NEWSROOM_CONFIG).read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=Loader)
    data.pop("INHERIT", None)
    engine_text = (ROOT / layout.ENGINE_CONFIG).read_text(encoding="utf-8")
    engine: dict[str, Any] = yaml.load(engine_text, Loader=Loader)
    return _merged(engine, data)


def markdown_extensions() -> tuple[list[str], dict[str, Any]]:
    """The newsroom's Markdown extensions (``repo_config``): their names, and settings by name."""
    names: list[str] = []
    configs: dict[str, Any] = {}
    for ext in repo_config().get("markdown_extensions", []):
        if isinstance(ext, dict):
            (name, cfg), = ext.items()
            names.append(name)
            configs[name] = cfg or {}
        else:
            names.append(ext)
    return names, configs


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` on top of ``base``: mappings merged key by key, anything else replaced."""
    out = dict(base)
    for key, value in over.items():
        both = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = _merged(out[key], value) if both else value
    return out


def sections() -> list[str]:
    return [s["slug"] for s in repo_config()["extra"]["masthead"]["sections"]]


def tag_picker(rng: random.Random) -> tuple[list[str], list[float]]:
    """All tags with cumulative Zipf weights; English and Chinese tags interleaved by rank."""
    tags = [t for pair in itertools.zip_longest(TAG_EN, TAG_ZH) for t in pair if t]
    rng.shuffle(tags)
    weights = list(itertools.accumulate(1 / (rank ** ZIPF_S) for rank in range(1, len(tags) + 1)))
    return tags, weights


def en_sentence(rng: random.Random, links: list[str]) -> str:
    words = [rng.choice(EN_WORDS) for _ in range(rng.randint(9, 22))]
    words[0] = rng.choice(EN_NAMES)
    if rng.random() < 0.15:
        words[rng.randrange(1, len(words))] = f"**{rng.choice(EN_WORDS)}**"
    if rng.random() < 0.1:
        words.append(f"{rng.randint(2, 98)}.{rng.randint(0, 9)}%")
    if links and rng.random() < 0.05:
        k = rng.randrange(1, len(words))
        words[k] = f"[{words[k]}]({rng.choice(links)})"
    return " ".join(words) + "."


def zh_sentence(rng: random.Random, links: list[str]) -> str:
    parts = []
    for i in range(rng.randint(8, 20)):
        word = rng.choice(ZH_NAMES) if i == 0 else rng.choice(ZH_WORDS)
        if i and rng.random() < 0.18:
            word = rng.choice(ZH_PUNCT) + word
        parts.append(word)
    if rng.random() < 0.1:
        parts.append(f"{rng.randint(2, 98)}.{rng.randint(0, 9)}%")
    if links and rng.random() < 0.05:
        k = rng.randrange(1, len(parts))
        parts[k] = f"[{parts[k]}]({rng.choice(links)})"
    return "".join(parts) + "。"


def body(rng: random.Random, lang: str, words: int, links: list[str]) -> list[str]:
    """Markdown blocks of about ``words`` words: paragraphs, sometimes a subhead, list or table."""
    sentence = zh_sentence if lang == "zh" else en_sentence
    blocks: list[str] = []
    count = 0
    while count < words:
        roll = rng.random()
        if blocks and roll < 0.06:
            blocks.append("## " + (sentence(rng, [])[:-1] if lang == "en" else sentence(rng, [])[:14]))
        elif blocks and roll < 0.11:
            items = [sentence(rng, []) for _ in range(rng.randint(3, 5))]
            blocks.append("\n".join(f"- {item}" for item in items))
            count += sum(len(i.split()) if lang == "en" else len(i) // 2 for i in items)
        elif blocks and roll < 0.13:
            rows = ["| 2025 | 2024 | change |", "|---:|---:|---:|"]
            for _ in range(rng.randint(3, 6)):
                a, b = rng.randint(100, 9000), rng.randint(100, 9000)
                rows.append(f"| {a:,} | {b:,} | {100 * (a - b) / b:+.1f}% |")
            blocks.append("\n".join(rows))
        elif blocks and roll < 0.15:
            blocks.append("> " + sentence(rng, []))
        else:
            sentences = [sentence(rng, links) for _ in range(rng.randint(2, 5))]
            text = ("" if lang == "zh" else " ").join(sentences)
            blocks.append(text)
            count += len(text.split()) if lang == "en" else len(text) // 2
    return blocks


def stories(n: int, seed: int = SEED) -> list[Story]:
    rng = random.Random(seed)
    slugs = sections()
    tags, cumulative = tag_picker(rng)
    made: list[Story] = []
    for i in range(n):
        lang = "zh" if rng.random() < 0.3 else "en"
        section = slugs[i % len(slugs)] if i < len(slugs) else rng.choice(slugs)
        minute = rng.randrange(DAYS * 24 * 60)
        date = START + dt.timedelta(minutes=minute)
        picked: list[str] = []
        for _ in range(rng.randint(2, 5)):
            tag = tags[min(bisect.bisect(cumulative, rng.random() * cumulative[-1]), len(tags) - 1)]
            if tag not in picked:
                picked.append(tag)
        # Links point at stories made before this one (they exist whatever N is).
        links = [f"../{s.section}/{s.name}.md" for s in rng.sample(made, min(3, len(made)))]
        blocks = body(rng, lang, rng.randint(400, 1200), links)
        sentence = zh_sentence if lang == "zh" else en_sentence
        if lang == "zh":
            title = "".join(rng.choice(ZH_WORDS) for _ in range(rng.randint(4, 9)))
            title = rng.choice(ZH_NAMES) + title
            name = f"zh-{i:05d}-{section}"
            author = rng.choice(AUTHORS_ZH)
            dateline = rng.choice(ZH_CITIES) if rng.random() < 0.5 else None
        else:
            words = [rng.choice(EN_WORDS) for _ in range(rng.randint(5, 10))]
            title = rng.choice(EN_NAMES) + " " + " ".join(words)
            title = title[0].upper() + title[1:]
            name = "-".join(w.lower() for w in title.split()[:5]) + f"-{i:05d}"
            author = rng.choice(AUTHORS_EN)
            dateline = rng.choice(EN_CITIES) if rng.random() < 0.5 else None
        summary = sentence(rng, []).replace("**", "") if rng.random() < 0.4 else None
        made.append(Story(i, section, name, title, date, lang, author, tuple(picked), summary,
                          dateline, tuple(blocks)))
    return made


def _front(meta: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "---\n\n"


def masthead_text(story: Story) -> str:
    return _story_text(story, {"title": story.title, "date": story.date.strftime("%Y-%m-%d %H:%M"),
                               "author": story.author, "tags": list(story.tags)})


def _story_text(story: Story, meta: dict[str, Any]) -> str:
    """``meta`` and the story's optional fields as front matter, then its body."""
    if story.lang == "zh":
        meta["lang"] = "zh"
    if story.summary:
        meta["summary"] = story.summary
    if story.dateline:
        meta["dateline"] = story.dateline
    return _front(meta) + "\n\n".join(story.paragraphs) + "\n"


def blog_text(story: Story, category: str) -> str:
    meta: dict[str, Any] = {"date": story.date, "slug": story.name, "categories": [category],
                            "tags": list(story.tags), "authors": []}
    del meta["authors"]  # the blog plugin wants authors from .authors.yml; leave them out
    blocks = list(story.paragraphs)
    head = _front(meta) + f"# {story.title}\n\n" + blocks[0] + "\n\n<!-- more -->\n\n"
    return head + "\n\n".join(blocks[1:]) + "\n"


def hugo_text(story: Story, category: str) -> str:
    return _story_text(story, {"title": story.title, "date": story.date.strftime("%Y-%m-%dT%H:%M:%S"),
                               "authors": [story.author], "tags": list(story.tags),
                               "categories": [category]})


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_masthead_config(out: Path, config: dict[str, Any] | None = None) -> None:
    """Write the Masthead site's ``mkdocs.yml`` below ``out``: this checkout's settings, with
    absolute paths to this checkout's hooks and templates. A reused corpus gets it written
    again, so it never builds with the engine of the checkout that first made it."""
    config = config or repo_config()
    masthead_cfg = dict(config)
    masthead_cfg.update(
        docs_dir="docs", site_dir="site", site_url="https://example.org/news/",
        hooks=[str(ROOT / h) for h in config.get("hooks", [])],
    )
    masthead_cfg["theme"] = {**config["theme"], "custom_dir": str(ROOT / config["theme"]["custom_dir"])}
    masthead_cfg.pop("nav", None)
    _write(out / "masthead" / "mkdocs.yml", yaml.safe_dump(masthead_cfg, allow_unicode=True, sort_keys=False))


def write_corpus(n: int, out: Path, seed: int = SEED) -> dict[str, Any]:
    """Write the three sites below ``out`` (replacing it); return a summary."""
    if out.exists():
        shutil.rmtree(out)
    made = stories(n, seed)
    config = repo_config()
    titles = {s["slug"]: s["title"] for s in config["extra"]["masthead"]["sections"]}

    # Masthead: the repository's settings and extensions, its hooks and templates.
    site = out / "masthead"
    docs = site / "docs"
    shutil.copytree(SAMPLE / "docs" / "assets", docs / "assets")
    for story in made:
        _write(docs / story.section / f"{story.name}.md", masthead_text(story))
    write_masthead_config(out, config)

    base_theme = {"name": "material", "language": "en", "font": False}
    extensions = config.get("markdown_extensions", [])

    # Plain MkDocs + Material: the same docs folder, MkDocs' default plugins, no nav of articles.
    plain_cfg = {
        "site_name": config["site_name"], "site_url": "https://example.org/news/",
        "docs_dir": "../masthead/docs", "site_dir": "site", "theme": base_theme,
        "markdown_extensions": extensions, "nav": [{"Home": "https://example.org/news/"}],
        "validation": {"nav": {"omitted_files": "info"}},
    }
    _write(out / "plain" / "mkdocs.yml", yaml.safe_dump(plain_cfg, allow_unicode=True, sort_keys=False))

    # Material's blog + tags.
    blog = out / "blog"
    _write(blog / "docs" / "index.md", "# " + config["site_name"] + "\n\nNews.\n")
    _write(blog / "docs" / "blog" / "index.md", "# Blog\n")
    _write(blog / "docs" / "tags.md", "# Tags\n\n<!-- material/tags -->\n")
    for story in made:
        _write(blog / "docs" / "blog" / "posts" / story.section / f"{story.name}.md",
               blog_text(story, titles[story.section]))
    blog_cfg = {
        "site_name": config["site_name"], "site_url": "https://example.org/news/",
        "docs_dir": "docs", "site_dir": "site", "theme": base_theme,
        "markdown_extensions": extensions, "plugins": ["blog", "tags"],
        "nav": [{"Home": "index.md"}, {"Blog": "blog/index.md"}, {"Tags": "tags.md"}],
    }
    _write(blog / "mkdocs.yml", yaml.safe_dump(blog_cfg, allow_unicode=True, sort_keys=False))

    # Hugo: the same stories in its front matter (sections as categories), bench/hugo's layouts.
    hugo = out / "hugo"
    shutil.copytree(ROOT / "bench" / "hugo", hugo)
    for slug, title in titles.items():
        _write(hugo / "content" / slug / "_index.md", _front({"title": title}))
    for story in made:
        _write(hugo / "content" / story.section / f"{story.name}.md", hugo_text(story, titles[story.section]))

    summary = {
        "articles": n, "seed": seed,
        "chinese": sum(s.lang == "zh" for s in made),
        "tags": len({t for s in made for t in s.tags}),
        "first": min(s.date for s in made).isoformat() if made else None,
        "last": max(s.date for s in made).isoformat() if made else None,
        "articles_paths": [f"{s.section}/{s.name}" for s in made],
    }
    _write(out / "corpus.json", json.dumps(summary, ensure_ascii=False, indent=1))
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or ROOT / "bench" / "out" / f"corpus-{args.articles}"
    summary = write_corpus(args.articles, out, args.seed)
    print(f"{summary['articles']} articles ({summary['chinese']} Chinese, {summary['tags']} tags, "
          f"{summary['first']} … {summary['last']}) in {out}")


if __name__ == "__main__":
    main()
