"""Old addresses (aliases), expiring stories and decks: front matter, build, `masthead check`."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from masthead import aliases
from masthead.aliases import AliasError, Redirect, normalise
from masthead.article import parse_article
from masthead.catalog import build_catalog
from masthead.cli import main
from masthead.errors import MastheadError
from masthead.settings import load_settings
from tests.conftest import Site, article, settings

MakeSite = Callable[..., Site]
SHANGHAI = ZoneInfo("Asia/Shanghai")
EPOCH = str(int(dt.datetime(2025, 3, 20, 9, 0, tzinfo=SHANGHAI).timestamp()))


# -- aliases, read and checked -------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "url"), [
    ("/2019/03/old-slug/", "2019/03/old-slug/"),
    ("2019/03/old-slug", "2019/03/old-slug/"),
    ("/news//old.html", "news/old.html"),
    ("/blog/old.HTM", "blog/old.HTM"),
    ("/2019/%E6%B1%BD%E8%BD%A6/", "2019/汽车/"),
    ("/", ""),
    ("/2019/old/index.html", "2019/old/"),
])
def test_an_alias_becomes_a_site_relative_url(raw: str, url: str) -> None:
    assert normalise(raw) == url


@pytest.mark.parametrize(("raw", "why"), [
    ("https://old.example.org/2019/x/", "scheme or host"),
    ("//old.example.org/x/", "scheme or host"),
    ("javascript:alert(1)", "scheme or host"),
    ("C:/site/x.html", "scheme or host"),
    ("/x/?p=12", "query"),
    ("/x/#top", "fragment"),
    ("/news/../../etc/", ". or .."),
    ("/news/%2E%2E/%2e%2e/x/", ". or .."),
    ("/news/./x/", ". or .."),
    ("\\news\\x", "backslash"),
    ("/news/a%3Cb/", "<"),
    ("/news/%FF/", "not UTF-8"),
    ("  ", "empty"),
])
def test_an_alias_that_is_no_path_of_this_site_is_refused(raw: str, why: str) -> None:
    with pytest.raises(AliasError, match="(?i)" + why.replace(".", r"\.").replace("?", r"\?")):
        normalise(raw)


def test_redirect_file_and_relative_link_under_any_project_path() -> None:
    deep = Redirect("2019/03/old-slug/", "news/plant-opens/", "Plant opens", "en")
    assert deep.file == "2019/03/old-slug/index.html"
    assert deep.href() == "../../../news/plant-opens/"
    flat = Redirect("old.html", "news/plant-opens/", "Plant opens", "en")
    assert (flat.file, flat.href()) == ("old.html", "news/plant-opens/")
    assert Redirect("news/a.html", "news/b.html", "B", "en").href() == "b.html"
    view = deep.view("https://example.org/ledger/", "Ledger", {"moved_title": "Moved: {title}",
                                                                "moved_text": "Moved: "})
    assert view["canonical"] == "https://example.org/ledger/news/plant-opens/"
    chinese = Redirect("old/", "news/汽车 新闻/", "T", "zh").href()
    assert chinese == "../news/%E6%B1%BD%E8%BD%A6%20%E6%96%B0%E9%97%BB/"


def parse(**fields: object) -> tuple[object, list[str]]:
    article_, faults = parse_article("news/plant-opens.md", article("Plant opens", **fields),
                                     load_settings(settings()))
    return article_, [f.format() for f in faults]


def test_aliases_redirect_from_and_a_single_path_are_read_alike() -> None:
    a, _ = parse(aliases=["/2019/03/plant/", "/old.html", "/2019/03/plant"])
    b, _ = parse(redirect_from="/2019/03/plant/")
    assert a.aliases == ("2019/03/plant/", "old.html")  # type: ignore[attr-defined]
    assert b.aliases == ("2019/03/plant/",)  # type: ignore[attr-defined]


def test_bad_aliases_are_faults_with_file_line_and_field() -> None:
    _, faults = parse(aliases=["https://x.example/a/", "/a/../b/", 42])
    assert len(faults) == 3
    assert all(f.startswith("news/plant-opens.md:4: aliases: ") for f in faults)
    _, both = parse(aliases=["/a/"], redirect_from=["/b/"])
    assert any("both aliases and redirect_from" in f for f in both)


def catalog_faults(sources: dict[str, str], reserved: Callable[[str], str | None] | None = None,
                   docs: frozenset[str] = frozenset()) -> list[str]:
    try:
        build_catalog(sources, load_settings(settings()), reserved=reserved, exists=docs.__contains__)
    except MastheadError as exc:
        return [f.format() for f in exc.faults]
    return []


def test_an_alias_owned_by_another_page_or_story_is_a_fault() -> None:
    sources = {
        "news/a.md": article("A", aliases=["/news/b/", "/old/shared/"]),
        "news/b.md": article("B", aliases=["/old/shared/", "/news/b/"]),
        "news/c.md": article("C", aliases=["/news/", "/tags/ev/", "/feeds/x/", "/", "/about/",
                                           "/assets/x.html"]),
        "economy/d.md": article("D", aliases=["/economy/old-d/"]),
    }
    found = catalog_faults(sources, lambda url: "tag pages" if url.startswith("tags/") else None,
                           frozenset({"about.md"}))
    assert ("news/a.md:4: aliases: /news/b/ is the address of news/b.md "
            "(remove it, or rename that story)") in found
    assert ("news/b.md:4: aliases: /old/shared/ is also an alias of news/a.md "
            "(keep the old address in one story only)") in found
    assert any(f.startswith("news/b.md:4: aliases: /news/b/ is the story's own address") for f in found)
    assert any("/tags/ev/ is the tag pages" in f for f in found)
    assert any("/feeds/x/ is the folder /feeds/" in f for f in found)
    assert any("/ is the front page" in f for f in found)
    assert any("/about/ is a file in docs/" in f for f in found)
    assert any("/assets/x.html is the folder /assets/" in f for f in found)
    assert not any(f.startswith("economy/d.md") for f in found)
    assert len(found) == 8


# -- expires and deck ----------------------------------------------------------------------------


def test_expires_before_date_is_a_fault_and_subtitle_reads_as_deck() -> None:
    _, faults = parse(expires="2025-03-01")
    assert faults == ["news/plant-opens.md:4: expires: 2025-03-01T00:00:00+08:00 is not after date "
                      "2025-03-14T09:30:00+08:00 (expires is when the story comes down: a time after "
                      "date, or remove it)"]
    a, _ = parse(subtitle="A <b>deck</b>")
    assert a.deck == "A <b>deck</b>"  # type: ignore[attr-defined]
    assert a.summary == "A <b>deck</b>"  # type: ignore[attr-defined]  # no summary: the deck serves
    _, both = parse(deck="x", subtitle="y")
    assert any("both deck and subtitle" in f for f in both)


def test_an_expired_story_leaves_the_catalog_like_a_scheduled_one() -> None:
    sources = {"news/a.md": article("A", expires="2025-03-15 09:00"), "news/b.md": article("B")}
    s = load_settings(settings())
    before = build_catalog(sources, s, now=dt.datetime(2025, 3, 15, 8, 59, tzinfo=SHANGHAI))
    after = build_catalog(sources, s, now=dt.datetime(2025, 3, 15, 9, 0, tzinfo=SHANGHAI))
    assert [a.title for a in before.articles] == ["A", "B"]
    assert [a.title for a in after.articles] == ["B"] and [a.title for a in after.expired] == ["A"]
    assert after.is_withheld("news/a.md") and after.is_expired("news/a.md")


# -- builds --------------------------------------------------------------------------------------


def newsroom() -> dict[str, str]:
    return {
        "news/plant-opens.md": article("Plant opens", "2025-03-14 09:30", summary="The summary.",
                                       deck="A deck <with> markup & more",
                                       aliases=["/2019/03/plant-open/", "/news/plant-open.html"]),
        "news/gone.md": article("Gone story", "2025-03-01", expires="2025-03-10",
                                aliases=["/old/gone/"]),
        "news/other.md": article("Other story", "2025-03-02"),
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Site:
    from tests.conftest import site_maker

    site = site_maker(tmp_path_factory.mktemp("redirects"))(newsroom(),
                                                           site_url="https://example.org/ledger/")
    result = site.build("--strict", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.stderr
    return site


def test_each_alias_is_a_redirect_page_with_refresh_canonical_noindex_and_a_link(built: Site) -> None:
    page = built.html("2019/03/plant-open/")
    assert page.html["lang"] == "en"
    assert page.title.get_text() == "Moved: Plant opens - Test Ledger"
    refresh = page.select_one('meta[http-equiv="refresh"]')["content"]
    assert refresh == "0; url=../../../news/plant-opens/"
    assert page.select_one('link[rel="canonical"]')["href"] == "https://example.org/ledger/news/plant-opens/"
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    assert page.select_one("main a")["href"] == "../../../news/plant-opens/"
    assert page.select("script") == []
    flat = built.html("news/plant-open.html")
    assert flat.select_one('meta[http-equiv="refresh"]')["content"] == "0; url=plant-opens/"


def test_redirect_pages_are_in_no_sitemap_feed_or_search_index(built: Site) -> None:
    listed = "".join(p.read_text(encoding="utf-8") for p in built.out.rglob("*.xml"))
    assert "plant-open/" not in listed and "plant-open.html" not in listed
    assert "news/plant-opens/" in listed
    assert "data-pagefind-body" not in (built.out / "2019/03/plant-open/index.html").read_text("utf-8")
    others = [p for p in built.out.rglob("*.html") if "plant-open" not in str(p) and "pagefind" not in str(p)]
    for page in others:
        assert "plant-open/" not in page.read_text(encoding="utf-8").replace("plant-opens/", ""), page


def test_an_expired_story_and_its_aliases_are_gone_from_the_build(built: Site) -> None:
    assert not (built.out / "news/gone").exists()
    assert not (built.out / "old/gone").exists()
    for page in built.out.rglob("*.html"):
        assert "Gone story" not in page.read_text(encoding="utf-8"), page


def test_the_deck_stands_under_the_headline_escaped_and_the_summary_serves_cards(built: Site) -> None:
    story = built.html("news/plant-opens/")
    deck = story.select_one(".mh-article__head .mh-article__deck")
    assert deck.get_text() == "A deck <with> markup & more"
    assert "A deck &lt;with&gt; markup &amp; more" in str(deck)
    assert story.select_one('meta[name="description"]')["content"] == "The summary."


def test_a_bad_alias_stops_the_build_naming_file_line_and_field(make_site: MakeSite) -> None:
    site = make_site({"news/a.md": article("A", aliases=["/news/b/"]), "news/b.md": article("B")})
    result = site.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "news/a.md:4: aliases: /news/b/ is the address of news/b.md" in result.stderr
    assert not (site.out / "index.html").exists()


# -- masthead check --------------------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_check_warns_when_a_published_address_is_lost_and_names_the_alias_to_add(
    built: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "newsroom"
    shutil.copytree(built.root, root)
    (root / "docs/news/other.md").rename(root / "docs/news/other-story.md")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    code, out = run("check")
    assert code == 0
    assert out.splitlines()[0] == (
        "warning: /news/other/ was published by the last build and no story or alias answers there "
        "now; if the story was renamed, add aliases: [/news/other/] to docs/news/other-story.md")
    assert out.splitlines()[-1] == ("Checked 3 stories (2 published, 1 expired): no problems; "
                                    "1 address of the last build lost (see above).")
    text = (root / "docs/news/other-story.md").read_text(encoding="utf-8")
    (root / "docs/news/other-story.md").write_text(text.replace("date:", "aliases: [/news/other/]\ndate:"),
                                                   encoding="utf-8")
    code, out = run("check")
    assert (code, out.startswith("warning")) == (0, False)
    code, out = run("check", "--format", "github")
    assert "::warning" not in out


def test_check_redirects_confirms_every_old_address_answers_in_the_built_site(
    built: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "newsroom"
    shutil.copytree(built.root, root)
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    code, out = run("check", "--redirects")
    assert code == 0 and out.splitlines()[-1] == "All 2 old addresses answer in site."
    (root / "map.csv").write_text("old,new\n/2019/03/plant-open/,/news/plant-opens/\n"
                                  "https://old.example/news/other/,/news/other/\n"
                                  "https://old.example/?p=12,/news/other/\n"
                                  "/2018/missing/,/news/other/\n", encoding="utf-8")
    code, out = run("check", "--redirects", "--map", "map.csv")
    assert code == 1
    assert "note: map.csv:4: https://old.example/?p=12: has a query" in out
    assert "map.csv:5: /2018/missing/: no page there" in out
    assert out.splitlines()[-1].startswith("1 of 5 old addresses do not answer in site")
    shutil.rmtree(root / "site/news/plant-opens")
    code, out = run("check", "--redirects")
    assert code == 1
    assert ("/2019/03/plant-open/ (alias of docs/news/plant-opens.md): its redirect page points at "
            "/news/plant-opens/, which is not in the site") in out


def test_the_folders_the_build_writes_are_reserved_from_aliases() -> None:
    from masthead import feeds, search

    assert feeds.FEEDS_DIR in aliases.RESERVED_FOLDERS
    assert search.BUNDLE_DIR + "/" in aliases.RESERVED_FOLDERS


def test_serve_shows_an_expired_story_marked_and_lists_it_nowhere(make_site: MakeSite) -> None:
    from bs4 import BeautifulSoup

    from tests.test_schedule import serve_build

    out = serve_build(make_site(newsroom()), {"SOURCE_DATE_EPOCH": EPOCH})
    page = BeautifulSoup((out / "news/gone/index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.select_one(".mh-draft--expired").get_text() == "Expired: taken down 10 March 2025, 00:00"
    assert page.select_one("[data-pagefind-body]") is None
    for listing in ["news", "", "archive/2025/03"]:
        text = (out / listing / "index.html").read_text(encoding="utf-8")
        assert "Gone story" not in text, listing


def test_check_warns_on_a_fresh_checkout_from_the_sitemap_the_last_build_kept_in_its_cache(
    built: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The publish workflow checks before it builds, on a fresh clone with no site/: the copy of
    the last published sitemap in .cache/masthead (restored by the workflow) stands in for it."""
    root = tmp_path / "newsroom"
    shutil.copytree(built.root, root)
    kept = root / ".cache/masthead/published-sitemap.xml"
    assert kept.read_bytes() == (built.out / "sitemap.xml").read_bytes()
    shutil.rmtree(root / "site")
    (root / "docs/news/other.md").rename(root / "docs/news/other-story.md")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    code, out = run("check")
    assert code == 0
    assert out.splitlines()[0].startswith("warning: /news/other/ was published by the last build")
    kept.unlink()  # no built site and no kept copy: nothing to compare with, no warning
    code, out = run("check")
    assert (code, out.startswith("warning")) == (0, False)
