import datetime as dt

import pytest

from masthead.article import Article, article_url, parse_article
from masthead.settings import Settings, load_settings
from tests.conftest import article, settings


@pytest.fixture
def site() -> Settings:
    return load_settings(settings())


def parse(text: str, site: Settings, uri: str = "news/story.md", **kw: object) -> Article:
    result, faults = parse_article(uri, text, site, **kw)  # type: ignore[arg-type]
    assert faults == [], [f.format() for f in faults]
    assert result is not None
    return result


def fault_lines(text: str, site: Settings, uri: str = "news/story.md", **kw: object) -> list[str]:
    result, faults = parse_article(uri, text, site, **kw)  # type: ignore[arg-type]
    assert result is None
    return [f.format() for f in faults]


def test_all_fields_are_read_and_normalised(site: Settings) -> None:
    a = parse(article(
        "Plant opens", "2025-03-14 09:30", updated="2025-03-15", author="Li Ming",
        source="Wire", tags="新能源、电池, EV，出口", summary="One line.", dateline="Hefei",
        lang="zh", pinned=True, keep_me={"x": 1},
    ), site)
    assert a.title == "Plant opens" and a.url == "news/story/"
    assert a.date == dt.datetime(2025, 3, 14, 1, 30, tzinfo=dt.UTC)
    assert a.updated is not None and a.updated > a.date and a.modified == a.updated
    assert a.authors == ("Li Ming",) and a.source == "Wire"
    assert a.tags == ("新能源", "电池", "EV", "出口")
    assert (a.summary, a.dateline, a.lang, a.pinned, a.draft) == ("One line.", "Hefei", "zh", True, False)
    assert a.section == "news" and a.extra == {"keep_me": {"x": 1}}


def test_defaults_come_from_the_site_and_the_folder(site: Settings) -> None:
    a = parse(article(body="First *paragraph* with a [link](x.md).\n\nSecond."), site,
              uri="economy/x.md")
    assert a.section == "economy" and a.source == "Test Ledger" and a.lang == "en"
    assert a.summary == "First paragraph with a link."
    assert a.authors == () and a.tags == () and a.updated is None


def test_authors_accepts_a_list_and_chinese_enumeration(site: Settings) -> None:
    assert parse(article(authors=["Anna Berg", "Li Ming"]), site).authors == ("Anna Berg", "Li Ming")
    assert parse(article(author="张伟、王芳"), site).authors == ("张伟", "王芳")


def test_section_front_matter_overrides_the_folder(site: Settings) -> None:
    assert parse(article(section="economy"), site).section == "economy"


def test_chinese_reading_time_counts_characters(site: Settings) -> None:
    chinese = parse(article(body="汽" * 2000, lang="zh"), site)
    english = parse(article(body=" ".join(["word"] * 460)), site)
    assert chinese.reading_minutes == 5  # 2000 characters at 400 a minute
    assert english.reading_minutes == 2  # 460 words at 230 a minute


def test_image_path_resolves_from_the_article(site: Settings) -> None:
    seen: list[str] = []

    def exists(path: str) -> bool:
        seen.append(path)
        return True

    a = parse(article(image="../assets/p.svg", image_alt="A plant"), site, exists=exists)
    assert a.image == "assets/p.svg" and seen == ["assets/p.svg"]
    assert parse(article(image="/img/p.png", image_alt=""), site, exists=exists).image == "img/p.png"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"title": None}, "title", "is required"),
        ({"title": ["a"]}, "title", "expected text"),
        ({"date": "soon"}, "date", "cannot read"),
        ({"date": None}, "date", "is required"),
        ({"updated": "2025-03-01"}, "updated", "before date"),
        ({"tags": ["EV", {"x": 1}]}, "tags", "must be text"),
        ({"tags": {"a": 1}}, "tags", "expected a list"),
        ({"section": "sports"}, "section", "not a section"),
        ({"lang": "fr"}, "lang", "not supported"),
        ({"pinned": "yes please"}, "pinned", "true or false"),
        ({"author": "A", "authors": ["B"]}, "authors", "both"),
        ({"image": "p.png"}, "image_alt", "required when image"),
        ({"image": "../../../etc/passwd", "image_alt": ""}, "image", "outside docs"),
        ({"image": "javascript:alert(1)", "image_alt": ""}, "image", "not a path"),
    ],
)
def test_each_fault_names_file_line_field_and_fix(
    site: Settings, fields: dict[str, object], field: str, words: str
) -> None:
    meta = {"title": "T", "date": "2025-03-14 09:30", **fields}
    text = article(**meta)  # type: ignore[arg-type]
    messages = [m for m in fault_lines(text, site, exists=lambda p: True) if f": {field}" in m]
    assert messages, fault_lines(text, site)
    assert messages[0].startswith("news/story.md:")
    assert words in messages[0] and "(" in messages[0]


def test_missing_image_file_is_reported(site: Settings) -> None:
    [message] = fault_lines(article(image="gone.png", image_alt="x"), site, exists=lambda p: False)
    assert "news/gone.png" in message and "does not exist" in message


def test_broken_yaml_reports_the_line(site: Settings) -> None:
    text = "---\ntitle: Fine\ndate: 2025-03-14\ntags: [EV, \nsummary: x\n---\nbody\n"
    [message] = fault_lines(text, site)
    assert message.startswith("news/story.md:") and "broken YAML" in message
    assert message.startswith("news/story.md:4: front matter:")  # the unclosed "[" of tags


def test_all_faults_of_one_file_come_together(site: Settings) -> None:
    messages = fault_lines("---\ndate: never\ntags: [[1]]\nlang: xx\n---\n", site)
    assert {m.split(": ")[1] for m in messages} >= {"title", "date", "tags", "lang"}
    assert any(m.startswith("news/story.md:2: date") for m in messages)


def test_an_impossible_yaml_date_is_one_fault_among_the_others(site: Settings) -> None:
    # YAML reads 2026-13-45 as a timestamp and its parser fails on month 13: that must not hide
    # the file's other faults behind a "cannot be read" of the whole front matter.
    text = "---\ntitle: Fine\ndate: 2026-13-45\nupdated: 2026-02-30 10:00:00\nlang: xx\n---\nBody.\n"
    messages = fault_lines(text, site)
    assert not any("front matter" in m for m in messages), messages
    [date] = [m for m in messages if m.startswith("news/story.md:3: date:")]
    assert "'2026-13-45' is not a real date" in date and "month must be in 1..12" in date
    assert "write it as YYYY-MM-DD" in date
    assert any(m.startswith("news/story.md:4: updated:") and "day is out of range" in m for m in messages)
    assert any(m.startswith("news/story.md:5: lang:") for m in messages)


@pytest.mark.parametrize(
    ("written", "expected"),
    [("2025-03-14", dt.datetime(2025, 3, 14, tzinfo=dt.timezone(dt.timedelta(hours=8)))),
     ("2025-03-14 09:30:15", dt.datetime(2025, 3, 14, 9, 30, 15, tzinfo=dt.timezone(dt.timedelta(hours=8)))),
     ("2025-03-14T09:30:00Z", dt.datetime(2025, 3, 14, 9, 30, tzinfo=dt.UTC)),
     ("2025-03-14t09:30:00.5-05:00",
      dt.datetime(2025, 3, 14, 9, 30, 0, 500000, tzinfo=dt.timezone(dt.timedelta(hours=-5))))],
)
def test_yaml_timestamps_read_as_text_still_mean_the_same_time(
    site: Settings, written: str, expected: dt.datetime
) -> None:
    # Unquoted, these were YAML timestamps (datetime objects); now dates.parse_date reads them.
    story = parse(f"---\ntitle: T\ndate: {written}\n---\nBody.\n", site)
    assert story.date == expected


def test_bom_and_crlf_are_accepted(site: Settings) -> None:
    text = "\ufeff" + article("Windows story").replace("\n", "\r\n")
    assert parse(text, site).title == "Windows story"


@pytest.mark.parametrize(
    ("uri", "url"),
    [("news/a.md", "news/a/"), ("news/a/index.md", "news/a/"), ("news/README.md", "news/"),
     ("news/新能源.md", "news/新能源/")],
)
def test_article_url_matches_mkdocs(uri: str, url: str) -> None:
    assert article_url(uri) == url


def test_article_url_without_directory_urls() -> None:
    assert article_url("news/a.md", directory_urls=False) == "news/a.html"
