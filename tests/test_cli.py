"""The `masthead` command: `new` and `check` (import has its own file, test_importer.py)."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import frontmatter
import pytest
import yaml

from masthead.cli import main
from masthead.slugs import slugify
from tests.conftest import ROOT, Site, article, settings

MakeSite = Callable[..., Site]
EPOCH = str(int(dt.datetime(2025, 3, 14, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp()))


@pytest.fixture
def in_site(monkeypatch: pytest.MonkeyPatch, make_site: MakeSite) -> Callable[..., Site]:
    """A newsroom, with the working folder and the build time set to it."""

    def make(files: dict[str, str] | None = None, **kw: object) -> Site:
        site = make_site(files if files is not None else {"news/a.md": article()}, **kw)
        monkeypatch.chdir(site.root)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return site

    return make


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


# -- slugs ---------------------------------------------------------------------------------------


def test_slugs_are_ascii_with_pinyin_for_chinese_and_cut_at_a_word() -> None:
    assert slugify("Huaxin opens a plant — in Hefei!") == "huaxin-opens-a-plant-in-hefei"
    assert slugify("蓝湾汽车召回逾四万辆电动车") == "lan-wan-qi-che-zhao-hui-yu-si-wan-liang-dian-dong-che"
    assert slugify("蓝湾L7召回") == "lan-wan-l7-zhao-hui"
    assert slugify("西安车展") == "xi-an-che-zhan"  # one syllable per character
    assert slugify("Tomás Ferreira") == "tomas-ferreira"
    assert slugify("!!!") == "story"
    long = slugify("word " * 30)
    assert len(long) <= 60 and not long.endswith("-") and long.endswith("word")


# -- new -----------------------------------------------------------------------------------------


def test_new_writes_a_draft_named_from_the_title_dated_now_in_the_site_zone(
    in_site: Callable[..., Site], capsys: pytest.CaptureFixture[str],
) -> None:
    site = in_site()
    code, out = run("new", "news", "Huaxin opens a plant in Hefei")
    assert code == 0
    assert out == "docs/news/huaxin-opens-a-plant-in-hefei.md\n"
    post = frontmatter.load(site.root / out.strip())
    assert post["title"] == "Huaxin opens a plant in Hefei"
    assert post["date"] == "2025-03-14 09:30"  # Shanghai wall clock at the epoch
    assert post["draft"] is True
    assert "lang" not in post.metadata  # the site's own language


def test_new_names_a_chinese_story_in_pinyin_and_marks_its_language(in_site: Callable[..., Site]) -> None:
    site = in_site()
    code, out = run("new", "economy", "蓝湾汽车召回四万辆")
    assert code == 0 and out.strip() == "docs/economy/lan-wan-qi-che-zhao-hui-si-wan-liang.md"
    post = frontmatter.load(site.root / out.strip())
    assert post["title"] == "蓝湾汽车召回四万辆" and post["lang"] == "zh"
    assert "在这里写正文" in post.content


def test_new_never_overwrites_a_taken_name_gets_a_suffix(in_site: Callable[..., Site]) -> None:
    site = in_site({"news/monthly-sales.md": article("Monthly sales"), "news/monthly-sales-2/index.md":
                    article("Folder story")})
    before = (site.root / "docs/news/monthly-sales.md").read_bytes()
    code, out = run("new", "news", "Monthly sales")
    assert code == 0
    assert out.splitlines() == [
        "note: news/monthly-sales.md is taken or reserved; the new story is named monthly-sales-3.md",
        "docs/news/monthly-sales-3.md"]
    assert (site.root / "docs/news/monthly-sales.md").read_bytes() == before


def test_new_refuses_a_chosen_slug_that_is_taken_and_writes_nothing(
    in_site: Callable[..., Site], capsys: pytest.CaptureFixture[str],
) -> None:
    site = in_site({"news/plant.md": article("Plant")})
    before = sorted(p.name for p in (site.root / "docs/news").iterdir())
    code, out = run("new", "news", "Another plant", "--slug", "plant")
    assert code == 2 and out == ""
    assert "already exists; nothing was written" in capsys.readouterr().err
    assert sorted(p.name for p in (site.root / "docs/news").iterdir()) == before


@pytest.mark.parametrize(("argv", "message"), [
    (["new", "sport", "X"], "'sport' is not a section of this site; use one of: news, economy"),
    (["new", "news", "  "], "the title is empty"),
    (["new", "news", "X", "--slug", "Not A Slug"], "is not a file name"),
    (["new", "news", "Index"], ""),  # "index" would be the section page: it becomes index-2
])
def test_new_explains_what_it_cannot_do(
    in_site: Callable[..., Site], capsys: pytest.CaptureFixture[str], argv: list[str], message: str,
) -> None:
    in_site()
    code, out = run(*argv)
    if message:
        assert code == 2 and message in capsys.readouterr().err
    else:
        assert code == 0 and out.splitlines()[-1] == "docs/news/index-2.md"


def test_a_new_story_passes_check_and_builds_once_published(in_site: Callable[..., Site]) -> None:
    site = in_site()
    code, out = run("new", "news", "Plant opens", "--publish")
    assert code == 0
    path = site.root / out.strip()
    assert "draft" not in frontmatter.load(path).metadata
    assert run("check")[0] == 0
    result = site.build("--strict", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.stderr
    assert site.html("news/plant-opens/").h1.get_text() == "Plant opens"


# -- check ---------------------------------------------------------------------------------------


BROKEN = {
    "news/good.md": article("Good"),
    "news/bad-date.md": article(date="next Monday"),
    "news/no-title.md": "---\ndate: 2025-01-01\n---\nx\n",
    "sports/x.md": article("Unknown section"),
    "authors.yml": "li-ming:\n  title: no name\n",
}


def test_check_passes_a_good_site_with_a_summary_and_writes_nothing(in_site: Callable[..., Site]) -> None:
    site = in_site({"news/a.md": article("A"), "news/b.md": article("B", draft=True),
                    "news/c.md": article("C", "2026-01-01 08:00"), "authors.yml": "li:\n  name: Li\n"})
    code, out = run("check")
    assert code == 0
    assert out == ("Checked 3 stories (1 published, 1 draft, 1 scheduled (next: news/c.md at "
                   "2026-01-01 08:00)), 1 author: no problems.\n")
    assert not (site.root / "site").exists()


def test_check_reports_exactly_the_faults_the_build_reports(in_site: Callable[..., Site]) -> None:
    site = in_site(BROKEN)
    code, out = run("check")
    assert code == 1
    lines = out.splitlines()
    assert lines[-1] == "Masthead found 4 problems in 4 files; the build would stop."
    assert "docs/news/bad-date.md:3: date: cannot read 'next Monday' as a date" in out
    assert "docs/authors.yml:1: li-ming.name: is required" in out
    build = site.build()
    assert build.returncode == 1
    reported = sorted(line.strip() for line in build.stderr.splitlines() if line.startswith("  "))
    assert sorted(line.removeprefix("docs/") for line in lines[:-1]) == reported


def test_check_github_format_annotates_the_faulty_lines(in_site: Callable[..., Site]) -> None:
    site = in_site(BROKEN, masthead=settings(timezone="Mars/Olympus"))
    config = (site.root / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(config, start=1) if "timezone:" in text)
    code, out = run("check", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (f"::error file=mkdocs.yml,line={line},title=Masthead%3A extra.masthead.timezone::"
                        "'Mars/Olympus' is not an IANA time zone (write e.g. timezone: Asia/Shanghai)")
    assert lines[-1].startswith("Masthead found 1 problem in 1 file")

    in_site(BROKEN)
    _, out = run("check", "--format", "github")
    assert ("::error file=docs/news/bad-date.md,line=3,title=Masthead%3A date::cannot read "
            "'next Monday' as a date") in out
    assert "::error file=docs/sports/x.md,line=" not in out  # no line for a folder-made section
    assert "::error file=docs/sports/x.md,title=Masthead%3A section (from the folder)::" in out


def test_check_reads_env_tags_in_mkdocs_yml_and_takes_another_config(in_site: Callable[..., Site]) -> None:
    site = in_site({"news/a.md": article()})
    config = site.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "site_url: https://example.org/", 'site_url: !ENV [SITE_URL, "https://example.org/"]')
    assert "!ENV" in text
    config.write_text(text, encoding="utf-8")
    os.chdir(site.root.parent)
    code, out = run("--config", f"{site.root.name}/mkdocs.yml", "check")
    assert code == 0 and out.startswith("Checked 1 story")


def test_check_without_a_config_file_says_where_to_run_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("check")[0] == 2
    assert "mkdocs.yml: no such file" in capsys.readouterr().err


def test_the_console_script_is_installed(in_site: Callable[..., Site]) -> None:
    site = in_site(BROKEN)
    script = Path(sys.executable).parent / "masthead"
    result = subprocess.run([str(script), "check"], cwd=site.root, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1 and "docs/news/bad-date.md:3: date:" in result.stdout
    assert result.stderr == ""


def test_pages_workflow_checks_stories_before_building_and_runs_hourly() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/pages.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"] == [{"cron": "17 * * * *"}]
    steps = [s.get("run", "") for s in workflow["jobs"]["build"]["steps"]]
    check = steps.index(".venv/bin/masthead check --format github")
    build = next(i for i, run in enumerate(steps) if "mkdocs build --strict" in run)
    assert check < build
