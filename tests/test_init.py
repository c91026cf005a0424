"""`masthead init`: values checked first (nothing changes on a bad one), then a newsroom of its
own that builds strictly and shows nothing of the sample (Motor Ledger)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import frontmatter
import pytest
import yaml
from bs4 import BeautifulSoup

from masthead import layout
from masthead.cli import main
from masthead.init import (
    InitError,
    InitOptions,
    ask_missing,
    check_options,
    check_site_url,
    guide_url,
    parse_sections,
)
from tests.conftest import Site, sample_site

ZH = ["--name", "汽车纪事", "--language", "zh", "--timezone", "Asia/Shanghai",
      "--site-url", "https://example.github.io/autonews",
      "--sections", "news:新闻,new-vehicles:新车,data-report:数据报告"]
# Words of the sample that must not be seen on a new newsroom's site.
SAMPLE_WORDS = ("Motor Ledger", "motorledger", "汽车纪事 Motor", "Lena Hartmann", "Huaxin", "华信",
                "fictional newsroom", "Kestrel")


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
                          cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


@pytest.fixture
def clone(tmp_path: Path) -> Site:
    """A clone of Masthead as a new user has it: the sample newsroom at the root, committed."""
    site = sample_site(tmp_path / "newsroom")
    (site.root / ".gitignore").write_text("site/\n.cache/\n", encoding="utf-8")
    git(site.root, "init", "-q", "-b", "main")
    commit_all(site.root, "Masthead")
    return site


def init(site: Site, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["--config", str(site.root / "mkdocs.yml"), "init", *argv], out=out)
    return code, out.getvalue(), err.getvalue()


def fingerprint(root: Path) -> dict[str, str]:
    """Every file below ``root`` (but .git) and its hash: to show that nothing changed."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.parts}


# -- the values ---------------------------------------------------------------------------------


def test_sections_are_read_with_ascii_or_chinese_punctuation_and_each_fault_is_named() -> None:
    assert parse_sections("news:新闻，new-vehicles：新车, data") == (
        [("news", "新闻"), ("new-vehicles", "新车"), ("data", "Data")], [])
    sections, problems = parse_sections("News:x,news:新闻,news:again,tags:标签,a b:c")
    assert [s for s, _ in sections] == ["News", "news", "news", "tags", "a b"]
    assert problems == [
        "--sections: 'News' is not a URL slug (use lowercase letters, digits and hyphens, e.g. "
        "new-vehicles:新车)",
        "--sections: 'news' is listed twice (give every section its own slug)",
        "--sections: 'tags' is used by the build itself (choose another; reserved: archive, assets, "
        "authors, feeds, page, search, tags)",
        "--sections: 'a b' is not a URL slug (use lowercase letters, digits and hyphens, e.g. "
        "new-vehicles:新车)",
    ]
    assert parse_sections(" , ")[1] == ['--sections: no section given (write e.g. --sections '
                                        '"news:新闻,economy:经济")']


@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.github.io/autonews", "https://example.github.io/autonews/"),
    ("http://news.example.org/", "http://news.example.org/"),
    ("ftp://example.org/", ""), ("example.org", ""), ("https://", ""), ("https://a.org/?x=1", ""),
    ("javascript:alert(1)", ""),
])
def test_the_site_address_must_be_http_or_https_and_ends_with_a_slash(url: str, expected: str) -> None:
    address, problem = check_site_url(url)
    assert address == expected
    assert bool(problem) == (not expected) and (not problem or problem.startswith("--site-url: "))


def test_every_bad_value_is_reported_at_once() -> None:
    options = InitOptions(name="", language="fr", timezone="Mars/Olympus", site_url="example.org",
                          sections="news,news", wechat_name="汽车纪事")
    with pytest.raises(InitError) as caught:
        check_options(options)
    flags = [p.split(":")[0] for p in caught.value.problems]
    assert flags == ["--name", "--language", "--timezone", "--site-url", "--sections",
                     "--wechat-name and --wechat-id"]
    assert "'Mars/Olympus' is not an IANA time zone" in str(caught.value)
    with pytest.raises(InitError, match="--wechat-id: '12ab' is not a WeChat ID"):
        check_options(InitOptions(name="N", language="en", timezone="UTC", site_url="https://a.org/",
                                  sections="news", wechat_name="N", wechat_id="12ab"))


def test_a_terminal_is_asked_for_each_missing_value_again_until_it_is_right() -> None:
    answers = iter(["汽车纪事", "fr", "zh", "Asia/Shanghai", "https://example.org/news", "News:新闻",
                    "news:新闻"])
    asked: list[str] = []

    def ask(question: str) -> str:
        asked.append(question)
        return next(answers)

    err = io.StringIO()
    options = ask_missing(InitOptions(), ask, err)
    assert (options.name, options.language, options.timezone, options.site_url, options.sections) == (
        "汽车纪事", "zh", "Asia/Shanghai", "https://example.org/news", "news:新闻")
    assert len(asked) == 7 and asked[1] == asked[2] and asked[1].startswith("Language")
    assert "--language: 'fr' is not supported" in err.getvalue()
    assert "--sections: 'News' is not a URL slug" in err.getvalue()
    with pytest.raises(InitError, match="--name: is required"):
        ask_missing(InitOptions(), lambda _: "", err)


def test_the_editors_guide_link_comes_from_the_pages_address_or_the_origin_remote() -> None:
    assert guide_url("https://you.github.io/autonews/", "") == \
        "https://github.com/you/autonews/blob/main/EDITORS.md"
    assert guide_url("https://you.github.io/", "") == "https://github.com/you/you.github.io/blob/main/EDITORS.md"
    assert guide_url("https://news.example.org/", "git@github.com:desk/newsroom.git") == \
        "https://github.com/desk/newsroom/blob/main/EDITORS.md"
    assert guide_url("https://news.example.org/", "/srv/git/newsroom") == ""


# -- refusals change nothing --------------------------------------------------------------------


def test_without_a_terminal_missing_values_are_an_error_and_nothing_changes(clone: Site) -> None:
    before = fingerprint(clone.root)
    code, out, err = init(clone, "--name", "汽车纪事", "--language", "de")
    assert code == 2 and out == ""
    assert "masthead init: nothing was changed:" in err
    for problem in ("--timezone: is required", "--site-url: is required", "--sections: is required",
                    "--language: 'de' is not supported"):
        assert problem in err
    assert fingerprint(clone.root) == before


def test_a_dirty_tree_or_a_folder_without_git_is_refused(clone: Site, tmp_path: Path) -> None:
    story = clone.root / "docs/news/draft.md"
    story.write_text("---\ntitle: Work in progress\ndate: 2025-01-01\n---\n", encoding="utf-8")
    before = fingerprint(clone.root)
    code, _, err = init(clone, *ZH)
    assert code == 2 and "uncommitted changes (docs/news/draft.md)" in err
    assert fingerprint(clone.root) == before
    bare = sample_site(tmp_path / "no-git")
    before = fingerprint(bare.root)
    code, _, err = init(bare, *ZH)
    assert code == 2 and "is not the top folder of a Git repository" in err
    assert fingerprint(bare.root) == before


# -- real newsrooms -----------------------------------------------------------------------------


def built_text(site: Site) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in site.out.rglob("*") if p.suffix in (".html", ".xml", ".json", ".txt"))


def test_a_chinese_newsroom_builds_strictly_with_nothing_of_the_sample(clone: Site) -> None:
    code, out, err = init(clone, *ZH, "--wechat-name", "汽车纪事", "--wechat-id", "autonews_cn")
    assert code == 0, err
    assert "docs/news/welcome.md (your first story)" in out
    assert sorted(p.relative_to(clone.root / "docs").as_posix()
                  for p in (clone.root / "docs").rglob("*") if p.is_file()) == ["news/welcome.md"]
    # the sample moved, whole, to where the engine's tests find it
    fixture = clone.root / layout.SAMPLE_FIXTURE
    assert (fixture / "docs/authors.yml").is_file() and len(list(fixture.rglob("*.md"))) >= 40
    assert layout.sample_root(clone.root) == fixture
    config = yaml.load((clone.root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert config["INHERIT"] == "engine.yml" and "theme" not in config and "hooks" not in config
    masthead = config["extra"]["masthead"]
    assert [s["slug"] for s in masthead["sections"]] == ["news", "new-vehicles", "data-report"]
    assert masthead["wechat"] == {"account": "汽车纪事", "id": "autonews_cn"}
    assert not {"tag_aliases", "editions", "disclaimer", "weibo", "logo", "images"} & set(masthead)
    story = frontmatter.load(clone.root / "docs/news/welcome.md")
    assert story["title"] == "欢迎来到汽车纪事" and story["tags"] == ["网站"]
    assert dt.datetime.strptime(story["date"], "%Y-%m-%d %H:%M")  # dated now, in the site's zone

    result = clone.build("--strict")
    assert result.returncode == 0, result.stderr
    page = clone.html("news/welcome")
    assert page.h1.get_text() == "欢迎来到汽车纪事" and page.html["lang"] == "zh"
    links = [a.get("href") for a in page.select("a")]
    assert "https://github.com/example/autonews/blob/main/EDITORS.md" in links
    assert [a.get_text(strip=True) for a in clone.html("").select(".mh-sections a")] == \
        ["首页", "新闻", "新车", "数据报告"]
    text = built_text(clone)
    assert "autonews_cn" in text
    assert not [w for w in SAMPLE_WORDS if w in text]
    # a second init is refused: the newsroom is initialised
    commit_all(clone.root, "Our newsroom")
    code, _, err = init(clone, *ZH)
    assert code == 2 and "was initialised on" in err and "--force" in err


def test_an_english_newsroom_with_its_own_sections_builds(clone: Site) -> None:
    code, _, err = init(clone, "--name", "Harbour Wire", "--language", "en", "--timezone", "Europe/Lisbon",
                        "--site-url", "https://news.example.org/", "--sections", "ports:Ports,shipping",
                        "--publisher", "Harbour Wire Ltd", "--short-name", "Wire")
    assert code == 0, err
    result = clone.build("--strict")
    assert result.returncode == 0, result.stderr
    page = clone.html("ports/welcome")
    assert page.h1.get_text() == "Welcome to Harbour Wire" and page.html["lang"] == "en"
    assert [a.get_text(strip=True) for a in page.select(".mh-sections a")] == ["Home", "Ports", "Shipping"]
    assert BeautifulSoup((clone.out / "shipping/index.html").read_text(encoding="utf-8"),
                         "html.parser").h1.get_text(strip=True) == "Shipping"
    text = built_text(clone)
    assert "Harbour Wire Ltd" in text and not [w for w in SAMPLE_WORDS if w in text]


def test_force_writes_the_settings_anew_and_keeps_the_stories(clone: Site) -> None:
    assert init(clone, *ZH)[0] == 0
    own = clone.root / "docs/news/plant.md"
    own.write_text("---\ntitle: 工厂开工\ndate: 2025-05-01 08:00\n---\n\n正文。\n", encoding="utf-8")
    commit_all(clone.root, "A story")
    code, _, err = init(clone, *ZH[:-1], "news:要闻,economy:经济", "--language", "zh-Hant", "--force")
    assert code == 0, err
    assert own.is_file() and (clone.root / "docs/news/welcome.md").is_file()
    masthead = yaml.load((clone.root / "mkdocs.yml").read_text(encoding="utf-8"),
                         Loader=yaml.BaseLoader)["extra"]["masthead"]
    assert masthead["language"] == "zh-Hant" and masthead["sections"][0]["title"] == "要闻"
    # a section the stories need cannot be dropped: refused, nothing changed
    commit_all(clone.root, "Settings")
    before = fingerprint(clone.root)
    code, _, err = init(clone, *ZH[:-1], "economy:经济", "--force")
    assert code == 2 and "docs/news/plant.md" in err and "section" in err
    assert fingerprint(clone.root) == before


def test_keep_sample_keeps_the_stories_and_the_settings_they_need(clone: Site) -> None:
    code, _, err = init(clone, *ZH[:-1], "news:新闻", "--keep-sample")
    assert code == 0, err
    masthead = yaml.load((clone.root / "mkdocs.yml").read_text(encoding="utf-8"),
                         Loader=yaml.BaseLoader)["extra"]["masthead"]
    assert masthead["name"] == "汽车纪事" and masthead["language"] == "zh"
    assert [s["slug"] for s in masthead["sections"]][:2] == ["news", "new-vehicles"]
    assert masthead["editions"]["zh"]["path"] == "" and masthead["editions"]["en"]["path"] == "zh/"
    assert (clone.root / "docs/authors.yml").is_file()
    out = io.StringIO()
    assert main(["--config", str(clone.root / "mkdocs.yml"), "check"], out=out) == 0, out.getvalue()


def test_the_first_story_is_dated_now_in_the_site_zone(clone: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    moment = dt.datetime(2026, 3, 1, 23, 59, 30, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))
    assert init(clone, *ZH)[0] == 0
    story = frontmatter.load(clone.root / "docs/news/welcome.md")
    assert story["date"] == moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
