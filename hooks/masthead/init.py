"""`masthead init`: turn a clone of Masthead into the newsroom's own, in one command.

It checks every value first and changes nothing when one is wrong. Then it moves the sample
newsroom (Motor Ledger) to tests/fixtures/sample/, where the engine's tests find it, writes the
newsroom's settings into mkdocs.yml (which inherits the engine's wiring from engine.yml) and
leaves one first story in docs/, in the newsroom's language.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from . import layout
from .errors import MastheadError
from .i18n import family
from .settings import LANGUAGES, RESERVED_SLUGS, SLUG_RE
from .social import WECHAT_ID_RE

FIRST_STORY = "welcome"


class InitError(Exception):
    """Bad input or a repository init must not change; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n  ".join(["nothing was changed:", *problems]))


@dataclass(frozen=True)
class InitOptions:
    """What the newsroom chose; every value is text as typed (checked by ``check_options``)."""

    name: str = ""
    language: str = ""
    timezone: str = ""
    site_url: str = ""
    sections: str = ""
    short_name: str = ""
    publisher: str = ""
    description: str = ""
    wechat_name: str = ""
    wechat_id: str = ""
    keep_sample: bool = False
    force: bool = False


# The values init cannot do without, with the flag and the question asked on a terminal.
REQUIRED = (
    ("name", "--name", "Newsroom name (e.g. 汽车纪事)"),
    ("language", "--language", f"Language ({', '.join(LANGUAGES)})"),
    ("timezone", "--timezone", "Time zone (e.g. Asia/Shanghai)"),
    ("site_url", "--site-url", "Site address (e.g. https://you.github.io/autonews/)"),
    ("sections", "--sections", "Sections, slug:title separated by commas (e.g. news:新闻,data:数据)"),
)


@dataclass(frozen=True)
class Choices:
    """Checked choices, ready to be written."""

    name: str
    language: str
    timezone: ZoneInfo
    site_url: str
    sections: tuple[tuple[str, str], ...]
    short_name: str
    publisher: str
    description: str
    wechat: Mapping[str, str] = field(default_factory=dict)


def missing(options: InitOptions) -> list[tuple[str, str, str]]:
    """The required values not given: (field, flag, question)."""
    return [r for r in REQUIRED if not getattr(options, r[0]).strip()]


def parse_sections(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """``news:新闻,new-vehicles:新车`` → [(slug, title)], and a problem per bad entry. Chinese
    commas and colons (，：) are read like ASCII ones; ``news`` alone gets the title "News"."""
    sections: list[tuple[str, str]] = []
    problems: list[str] = []
    seen: set[str] = set()
    for raw in re.split(r"[,，、]", text):
        entry = raw.strip()
        if not entry:
            continue
        slug, title = ([*re.split(r"[:：]", entry, maxsplit=1), ""])[:2]
        slug, title = slug.strip(), " ".join(title.split()) or slug.strip().replace("-", " ").capitalize()
        if not SLUG_RE.match(slug):
            problems.append(f"--sections: {slug!r} is not a URL slug (use lowercase letters, digits and "
                            "hyphens, e.g. new-vehicles:新车)")
        elif slug in RESERVED_SLUGS:
            problems.append(f"--sections: {slug!r} is used by the build itself (choose another; reserved: "
                            f"{', '.join(sorted(RESERVED_SLUGS))})")
        elif slug in seen:
            problems.append(f"--sections: {slug!r} is listed twice (give every section its own slug)")
        seen.add(slug)
        sections.append((slug, title))
    if not sections and not problems:
        problems.append("--sections: no section given (write e.g. --sections \"news:新闻,economy:经济\")")
    return sections, problems


def check_site_url(url: str) -> tuple[str, str]:
    """The site's address with its final "/", and a problem ("" when fine)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url.strip():
        return "", (f"--site-url: {url!r} is not an http(s) address (write the address the site is "
                    "published at, e.g. https://you.github.io/autonews/)")
    if parts.query or parts.fragment:
        return "", f"--site-url: {url!r} has a ?query or #fragment; give the site's folder address only"
    text = url.strip()
    return (text if text.endswith("/") else text + "/"), ""


def check_options(options: InitOptions) -> Choices:
    """Every value checked at once; InitError lists each problem with its fix."""
    problems = [f"{flag}: is required (pass {flag} …)" for _, flag, _ in missing(options)]
    language = options.language.strip()
    if language and language not in LANGUAGES:
        problems.append(f"--language: {language!r} is not supported (use one of {', '.join(LANGUAGES)})")
    zone = ZoneInfo("UTC")
    if options.timezone.strip():
        try:
            zone = ZoneInfo(options.timezone.strip())
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"--timezone: {options.timezone!r} is not an IANA time zone "
                            "(write e.g. Asia/Shanghai or Europe/Berlin)")
    site_url = ""
    if options.site_url.strip():
        site_url, problem = check_site_url(options.site_url)
        problems += [problem] if problem else []
    sections: list[tuple[str, str]] = []
    if options.sections.strip():
        sections, section_problems = parse_sections(options.sections)
        problems += section_problems
    wechat: dict[str, str] = {}
    if bool(options.wechat_name.strip()) != bool(options.wechat_id.strip()):
        problems.append("--wechat-name and --wechat-id: give both (the account's name and its 微信号) "
                        "or neither")
    elif options.wechat_id.strip():
        if not WECHAT_ID_RE.match(options.wechat_id.strip()):
            problems.append(f"--wechat-id: {options.wechat_id!r} is not a WeChat ID (6-20 letters, "
                            "digits, _ or -, starting with a letter)")
        wechat = {"account": options.wechat_name.strip(), "id": options.wechat_id.strip()}
    if problems:
        raise InitError(problems)
    name = " ".join(options.name.split())
    return Choices(name=name, language=language, timezone=zone, site_url=site_url,
                    sections=tuple(sections), short_name=" ".join(options.short_name.split()) or name,
                    publisher=" ".join(options.publisher.split()) or name,
                    description=" ".join(options.description.split()), wechat=wechat)


# -- what init writes -----------------------------------------------------------------------------


def settings_block(room: Choices, now: dt.datetime, sample: Mapping[str, Any] | None = None
                   ) -> dict[str, Any]:
    """The ``extra.masthead`` block. With ``sample`` (--keep-sample): the sample's settings its
    stories need (tag aliases, editions, logo, its sections after the newsroom's) are kept."""
    block: dict[str, Any] = {
        "name": room.name,
        "short_name": room.short_name,
        "language": room.language,
        "timezone": room.timezone.key,
        "publisher": room.publisher,
        "copyright": {"owner": room.publisher, "since": now.year},
    }
    if room.wechat:
        block["wechat"] = dict(room.wechat)
    sections = [{"slug": slug, "title": title} for slug, title in room.sections]
    if sample is not None:
        own = {slug for slug, _ in room.sections}
        sections += [s for s in sample.get("sections", []) if s.get("slug") not in own]
        for key in ("logo", "images", "tag_aliases", "disclaimer", "weibo", "page_size",
                    "front_page_per_section"):
            if key in sample:
                block[key] = sample[key]
        if not room.wechat and "wechat" in sample:
            block["wechat"] = sample["wechat"]
        if (editions := _editions(sample.get("editions"), room.language)) is not None:
            block["editions"] = editions
    block["sections"] = sections
    return block


def _editions(raw: object, language: str) -> dict[str, Any] | None:
    """The sample's two editions with the newsroom's language at the site root, or None when
    the newsroom's language is neither of them."""
    if not isinstance(raw, Mapping) or language not in raw:
        return None
    editions = {lang: dict(entry) for lang, entry in raw.items()}
    root = next((lang for lang, entry in editions.items() if not str(entry.get("path", "")).strip("/")), "")
    if root != language:
        editions[root]["path"], editions[language]["path"] = editions[language].get("path", ""), ""
    return editions


def config_text(room: Choices, block: Mapping[str, Any]) -> str:
    """The newsroom's mkdocs.yml: its own choices on top of the engine's engine.yml."""
    lines = [
        f"# {room.name}: a Masthead newsroom. This file holds the newsroom's own settings",
        "# (manual/settings.md); the engine's MkDocs wiring (theme, hooks, Markdown extensions) comes",
        f"# from {layout.ENGINE_CONFIG}, which `masthead upgrade` keeps up to date.",
        f"INHERIT: {layout.ENGINE_CONFIG}",
        f"site_name: {_scalar(room.name)}",
    ]
    if room.description:
        lines.append(f"site_description: {_scalar(room.description)}")
    lines += [
        "# The published address. The Pages workflow sets SITE_URL to the repository's Pages",
        "# address (a custom domain's, once set); this one is for builds on your machine.",
        f"site_url: !ENV [SITE_URL, {json.dumps(room.site_url)}]",
    ]
    extra = yaml.safe_dump({"extra": {"masthead": dict(block)}}, allow_unicode=True, sort_keys=False,
                           width=100)
    return "\n".join(lines) + "\n" + extra


def _scalar(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def guide_url(site_url: str, origin: str) -> str:
    """The editors' guide on GitHub: from the Pages address (``you.github.io/repo/``) or the
    ``origin`` remote; "" when neither names a GitHub repository."""
    parts = urlsplit(site_url)
    host = parts.hostname or ""
    if host.endswith(".github.io"):
        owner = host.removesuffix(".github.io")
        repo = parts.path.strip("/").split("/")[0] or host
        return f"https://github.com/{owner}/{repo}/blob/main/EDITORS.md"
    match = re.match(r"^(?:https://github\.com/|git@github\.com:)([\w.-]+)/([\w.-]+?)(?:\.git)?/?$", origin)
    return f"https://github.com/{match[1]}/{match[2]}/blob/main/EDITORS.md" if match else ""


def first_story(room: Choices, now: dt.datetime, guide: str) -> str:
    """The newsroom's first story, in its language: what an editor writes, shown by example."""
    local = now.astimezone(room.timezone).replace(second=0, microsecond=0)
    section = room.sections[0][1]
    if family(room.language) == "zh":
        trad = room.language == "zh-Hant"
        title = ("歡迎來到" if trad else "欢迎来到") + room.name
        summary = "這是第一篇稿件，展示稿件的寫法。" if trad else "这是第一篇稿件，展示稿件的写法。"
        guide_line = (f"[編輯指南]({guide})" if trad else f"[编辑指南]({guide})") if guide else (
            "倉庫裡的編輯指南 EDITORS.zh.md" if trad else "仓库里的编辑指南 EDITORS.zh.md")
        tags = ["網站"] if trad else ["网站"]
        body = (
            f"每篇稿件都是 `docs/<栏目>/` 里的一个 Markdown 文件。这一篇在「{section}」栏目里。"
            "文件开头两行 `---` 之间是稿件信息（front matter）：标题 `title`、发布时间 `date`（站点时区）、"
            "摘要 `summary`、标签 `tags`，还可以写作者 `author`、发稿地 `dateline`、题图 `image`。\n\n"
            "新建稿件：`masthead new <栏目> \"标题\"`；检查全部稿件：`masthead check`；"
            f"本地预览：`make serve`。详见{guide_line}。\n\n"
            "读完就可以删掉这篇稿件，换上你们自己的新闻。\n"
        ) if not trad else (
            f"每篇稿件都是 `docs/<欄目>/` 裡的一個 Markdown 檔案。這一篇在「{section}」欄目裡。"
            "檔案開頭兩行 `---` 之間是稿件資訊（front matter）：標題 `title`、發布時間 `date`（站點時區）、"
            "摘要 `summary`、標籤 `tags`，還可以寫作者 `author`、發稿地 `dateline`、題圖 `image`。\n\n"
            "新建稿件：`masthead new <欄目> \"標題\"`；檢查全部稿件：`masthead check`；"
            f"本地預覽：`make serve`。詳見{guide_line}。\n\n"
            "讀完就可以刪掉這篇稿件，換上你們自己的新聞。\n"
        )
    else:
        title = f"Welcome to {room.name}"
        summary = "The newsroom's first story: how a story is written, by example."
        guide_line = (f"the [editors' guide]({guide})" if guide
                      else "the editors' guide, EDITORS.md in the repository")
        tags = ["site"]
        body = (
            f"Every story is one Markdown file in `docs/<section>/`; this one is in {section}. "
            "Between the two `---` lines at its top is its front matter: the headline (`title`), the "
            "time it goes live (`date`, in the site's time zone), a one-line `summary` and `tags`; "
            "`author`, `dateline` and a picture (`image`) are optional.\n\n"
            "Start a story with `masthead new <section> \"Headline\"`, check every story with "
            f"`masthead check` and preview the site with `make serve`. More in {guide_line}.\n\n"
            "Delete this story once you have read it, and publish your own.\n"
        )
    meta = {"title": title, "date": f"{local:%Y-%m-%d %H:%M}", "summary": summary, "tags": tags}
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)
    return f"---\n{head}---\n\n{body}"


# -- running it -----------------------------------------------------------------------------------


@dataclass
class InitResult:
    config: Path
    story: Path | None  # None: the newsroom has stories already (--force)
    sample: Path | None  # where the sample went, when it was moved
    lines: list[str] = field(default_factory=list)


def read_record(root: Path) -> dict[str, Any]:
    """The newsroom's record (.masthead.yml); {} when there is none."""
    path = root / layout.RECORD
    if not path.is_file():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return raw if isinstance(raw, dict) else {}


def write_record(root: Path, record: Mapping[str, Any]) -> None:
    head = ("# Masthead's record of this newsroom, written by `masthead init` and `masthead upgrade`.\n"
            "# Keep it in Git: `upgrade` reads which Masthead commit the engine's files came from.\n")
    text = head + yaml.safe_dump(dict(record), allow_unicode=True, sort_keys=False)
    (root / layout.RECORD).write_text(text, encoding="utf-8")


def init_newsroom(root: Path, options: InitOptions, *, now: dt.datetime, origin: str = "") -> InitResult:
    """Check everything, then write the newsroom. InitError (nothing changed) when a value or
    the repository is not right. The caller has checked that the Git tree is clean."""
    room = check_options(options)
    problems: list[str] = []
    config = root / layout.NEWSROOM_CONFIG
    record = read_record(root)
    if record.get("initialised") and not options.force:
        problems.append(f"this newsroom was initialised on {record['initialised']} ({layout.RECORD}); "
                        "run again with --force to write its settings anew (its stories stay)")
    if not (root / layout.ENGINE_CONFIG).is_file() or not config.is_file():
        problems.append(f"{root} has no {layout.ENGINE_CONFIG} and {layout.NEWSROOM_CONFIG}: run "
                        "masthead init in the top folder of a clone of Masthead")
    if problems:
        raise InitError(problems)
    sample_settings = _sample_settings(config) if options.keep_sample else None
    block = settings_block(room, now, sample_settings)
    docs = root / layout.DOCS
    reinit = bool(record.get("initialised"))
    guide = guide_url(room.site_url, origin)
    story_rel = f"{room.sections[0][0]}/{FIRST_STORY}.md"
    with tempfile.TemporaryDirectory(prefix="masthead-init-") as tmp:
        staged = Path(tmp) / "docs"
        if options.keep_sample or reinit:
            shutil.copytree(docs, staged)
        else:
            staged.mkdir()
        if sample_settings is not None and not reinit:
            _keep_languages(staged, str(sample_settings.get("language") or "en"), room.language)
        story_path = staged / story_rel
        # Written anew only into a newsroom without stories (--force on one that has them: not).
        write_story = not story_path.exists() and not (reinit and any(staged.rglob("*.md")))
        if write_story:
            story_path.parent.mkdir(parents=True, exist_ok=True)
            story_path.write_text(first_story(room, now, guide), encoding="utf-8")
        _check_staged(block, staged, room.name, now)  # the build's own checks, before any change
        sample_to = None
        if not reinit:
            sample_to = root / layout.SAMPLE_FIXTURE
            if sample_to.exists():
                shutil.rmtree(sample_to)
            sample_to.mkdir(parents=True)
            shutil.copy2(config, sample_to / layout.NEWSROOM_CONFIG)
            shutil.copytree(docs, sample_to / layout.DOCS)
        if not options.keep_sample and not reinit:
            shutil.rmtree(docs)
            shutil.copytree(staged, docs)
        else:
            shutil.copytree(staged, docs, dirs_exist_ok=True)
    config.write_text(config_text(room, block), encoding="utf-8")
    write_record(root, {**record, "initialised": record.get("initialised") or f"{now:%Y-%m-%d}"})
    return InitResult(config, docs / story_rel if write_story else None, sample_to)


def _keep_languages(docs: Path, sample_language: str, language: str) -> None:
    """Kept sample stories without a ``lang:`` were in the sample's language: say so, now that the
    site's language (their default) may be another."""
    if sample_language == language:
        return
    for path in sorted(docs.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        head = text.split("\n---", 1)[0] if text.startswith("---\n") else ""
        if head and not re.search(r"^lang\s*:", head, re.MULTILINE):
            path.write_text(f"---\nlang: {sample_language}\n{text[4:]}", encoding="utf-8")


def _sample_settings(config: Path) -> dict[str, Any]:
    from mkdocs.config import load_config

    loaded = load_config(str(config))
    block = loaded.extra.get("masthead")
    return dict(block) if isinstance(block, Mapping) else {}


def _check_staged(block: Mapping[str, Any], docs: Path, name: str, now: dt.datetime) -> None:
    """Run `masthead check`'s validation on the staged newsroom; InitError on any fault."""
    from .feeds import load_feed_settings
    from .images import load_image_settings
    from .search import load_search_settings
    from .sitecheck import check_site
    from .social import load_with_social

    faults = []
    try:
        settings, _ = load_with_social(block, site_name=name, docs_dir=docs)
        load_feed_settings(settings)
        load_search_settings(settings)
        load_image_settings(settings.extra.get("images"), docs_dir=docs)
    except MastheadError as exc:
        faults += exc.faults
    report = check_site(block, docs_dir=docs, site_name=name, now=now, base=docs.parent)
    faults += [replace(f, file=report.path(f)) for f in report.faults]  # docs/news/x.md
    if faults:
        raise InitError([f.format() for f in sorted(set(faults))])


# -- the command ----------------------------------------------------------------------------------


def ask_missing(options: InitOptions, ask: Callable[[str], str], err: TextIO) -> InitOptions:
    """On a terminal: ask for each required value the flags did not give, again until it is
    right (an empty answer or end of input stops: InitError)."""
    values: dict[str, str] = {}
    for name, flag, question in missing(options):
        while True:
            try:
                answer = ask(f"{question}: ").strip()
            except EOFError:
                answer = ""
            if not answer:
                raise InitError([f"{flag}: is required"])
            trial = _with(options, {**values, name: answer})
            try:
                check_options(trial)
            except InitError as exc:
                own = [p for p in exc.problems if p.startswith(flag) and "is required" not in p]
                if own:
                    print("  " + "\n  ".join(own), file=err)
                    continue
            values[name] = answer
            break
    return _with(options, values)


def _with(options: InitOptions, values: Mapping[str, str]) -> InitOptions:
    fields = {**{f: getattr(options, f) for f in ("name", "language", "timezone", "site_url", "sections")},
              **values}
    return replace(options, name=fields["name"], language=fields["language"], timezone=fields["timezone"],
                   site_url=fields["site_url"], sections=fields["sections"])


def register(sub: Any) -> None:
    """Add `masthead init` to the command's subparsers."""
    p = sub.add_parser(
        "init", help="turn this clone of Masthead into your newsroom",
        description="Write your newsroom's settings into mkdocs.yml, move the sample newsroom to "
        f"{layout.SAMPLE_FIXTURE}/ (for the engine's tests) and write a first story. Asks on a "
        "terminal for what the flags do not give; never asks otherwise. Every value is checked "
        "first: on a problem nothing changes.")
    p.add_argument("--name", default="", help='the newsroom\'s name, e.g. "汽车纪事"')
    p.add_argument("--language", default="", help=f"its language: {', '.join(LANGUAGES)}")
    p.add_argument("--timezone", default="", help="its IANA time zone, e.g. Asia/Shanghai")
    p.add_argument("--site-url", default="", help="the published address, e.g. "
                   "https://you.github.io/autonews/ (a project site's path included)")
    p.add_argument("--sections", default="", help='slug:title pairs, first one first, e.g. '
                   '"news:新闻,new-vehicles:新车,data-report:数据报告"')
    p.add_argument("--short-name", default="", help="a shorter name for narrow screens (default: --name)")
    p.add_argument("--publisher", default="", help="the default source of stories and the copyright "
                   "owner (default: --name)")
    p.add_argument("--description", default="", help="one sentence about the site (search engines)")
    p.add_argument("--wechat-name", default="", help="the WeChat official account's name")
    p.add_argument("--wechat-id", default="", help="its WeChat ID (微信号)")
    p.add_argument("--keep-sample", action="store_true",
                   help="keep the sample's stories, authors and pictures in docs/ (to explore)")
    p.add_argument("--force", action="store_true",
                   help="write the settings of an initialised newsroom anew (its stories stay)")
    p.set_defaults(run=cmd_init)


def cmd_init(args: argparse.Namespace, out: TextIO) -> int:
    """`masthead init`: 0 done, 2 nothing changed (the reason on stderr)."""
    from .dates import build_time
    from .repo import RepoError, git, require_clean

    root = Path(args.config).resolve().parent
    options = InitOptions(**{f: getattr(args, f) for f in (
        "name", "language", "timezone", "site_url", "sections", "short_name", "publisher",
        "description", "wechat_name", "wechat_id", "keep_sample", "force")})
    try:
        if missing(options) and sys.stdin.isatty():
            options = ask_missing(options, input, sys.stderr)
        check_options(options)  # bad values first: they need no repository
        require_clean(root, "init")
        try:
            origin = git(root, "remote", "get-url", "origin")
        except RepoError:
            origin = ""
        result = init_newsroom(root, options, now=build_time(), origin=origin)
    except (InitError, RepoError) as exc:
        print(f"masthead init: {exc}", file=sys.stderr)
        return 2
    story = f" and {_rel(result.story, root)} (your first story)" if result.story else ""
    print(f"wrote {_rel(result.config, root)} (your settings){story}", file=out)
    if result.sample is not None:
        print(f"moved the sample newsroom to {_rel(result.sample, root)}/ (the engine's tests use it)",
              file=out)
    print("next: `make serve` to preview, then commit and push (README, \"Start your newsroom\")",
          file=out)
    return 0


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()
