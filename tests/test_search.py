"""Static search: Pagefind's index over real builds, the search page, and the pure helpers."""

from __future__ import annotations

import filecmp
import gzip
import json
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

import pytest

from masthead import pagefind_bundle, search
from masthead.pagefind_bundle import ENTRY_FILE, make_reproducible
from masthead.search import (
    BINARY_ENV,
    SearchError,
    SearchSource,
    build_index,
    documents_digest,
    page_view,
    script_json,
    search_document,
)
from masthead.settings import load_settings
from tests.conftest import Site, article, settings, site_maker

MakeSite = Callable[..., Site]


def fragments(site: Site) -> list[dict[str, object]]:
    """Every page record Pagefind wrote (gzip of "pagefind_dcd" + JSON)."""
    records = []
    for path in sorted((site.out / "pagefind/fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        records.append(json.loads(data.removeprefix(b"pagefind_dcd")))
    return records


def newsroom() -> dict[str, str]:
    return {
        "news/plant.md": article(
            "Huaxin opens a battery plant", "2025-03-14 09:30", authors=["Li Ming", "Anna Berg"],
            tags=["EV", "batteries"], image="../img/p.svg", image_alt="A plant",
            body="The quokkaplant opened in Hefei on Monday."),
        "economy/rates.md": article("Loan rates ease", "2025-03-10", body="Banks cut rates again."),
        "news/zh.md": article("钠离子电池中试线投产", "2025-03-12 10:00", lang="zh",
                              tags=["电池"], body="星驰电池的钠离子中试线周一投产。"),
        "news/secret.md": article("Unpublished scoop", "2025-03-15", draft=True,
                                  body="The zebrafinch embargo lifts next week."),
        "img/p.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """One build of the small newsroom above, shared by the read-only checks below."""
    site = site_maker(tmp_path_factory.mktemp("search"))(newsroom())
    result = site.build("--strict")
    assert result.returncode == 0, result.stderr
    assert "search index: 3 pages (en 2, zh 1)" in result.stderr
    return site


# -- the index ----------------------------------------------------------------------------------


def test_index_holds_every_published_article_in_its_language_and_no_draft(built: Site) -> None:
    entry = json.loads((built.out / "pagefind" / ENTRY_FILE).read_text(encoding="utf-8"))
    assert {lang: info["page_count"] for lang, info in entry["languages"].items()} == {"en": 2, "zh": 1}
    records = fragments(built)
    assert sorted(r["url"] for r in records) == ["/economy/rates/", "/news/plant/", "/news/zh/"]
    text = " ".join(str(r["content"]) for r in records)
    assert "quokkaplant" in text
    # Chinese is cut into words (Pagefind marks the cuts with zero-width spaces): 钠离子|中试|线.
    assert "钠离子\u200b中试\u200b线" in text
    assert "zebrafinch" not in text and "Unpublished scoop" not in text
    assert not (built.out / "news/secret").exists()


def test_only_the_article_body_is_indexed_not_menus_bylines_rails_or_footers(built: Site) -> None:
    plant = next(r for r in fragments(built) if r["url"] == "/news/plant/")
    content = str(plant["content"])
    assert content.startswith("Huaxin opens a battery plant.")
    for chrome in ["Skip to content", "Home", "Economy", "Published", "Source", "min read",
                   "Loan rates ease", "Invented stories", "Tags", "Search"]:
        assert chrome not in content, chrome


def test_articles_carry_metadata_filters_and_a_date_sort_key(built: Site) -> None:
    plant = next(r for r in fragments(built) if r["url"] == "/news/plant/")
    meta = plant["meta"]
    assert isinstance(meta, dict)
    assert meta["title"] == "Huaxin opens a battery plant"
    assert meta["date"] == "2025-03-14T09:30:00+08:00"
    assert meta["section"] == "News"
    assert meta["author"] == "Li Ming, Anna Berg"
    # The image is relative to the article; the search page resolves it against the result's URL.
    assert urljoin("https://example.org/news/plant/", str(meta["image"])) == "https://example.org/img/p.svg"
    assert plant["filters"] == {"section": ["news"], "tag": ["EV", "batteries"]}
    zh = next(r for r in fragments(built) if r["url"] == "/news/zh/")
    assert zh["filters"] == {"section": ["news"], "tag": ["电池"]}
    assert zh["meta"]["section"] == "新闻"  # type: ignore[index]
    page = built.html("news/plant/")
    assert page.select_one("[data-pagefind-sort]")["data-sort"] == "1741915800"  # 2025-03-14 01:30 UTC
    assert page.select("[data-pagefind-body]") == [page.select_one("article.mh-article")]
    assert page.select_one(".mh-rail [data-pagefind-body]") is None
    # A story without a picture has none in its results: Pagefind takes the first picture of
    # the indexed element, and the related stories' thumbnails must not be it.
    rates = next(r for r in fragments(built) if r["url"] == "/economy/rates/")
    assert "image" not in rates["meta"]  # type: ignore[operator]
    assert built.html("economy/rates/").select(".mh-related img"), "the test needs a related picture"


def test_two_builds_write_byte_identical_search_indexes(make_site: MakeSite) -> None:
    first, second = make_site(newsroom()), make_site(newsroom())
    for site in (first, second):
        assert site.build("--strict").returncode == 0
    comparison = filecmp.dircmp(first.out / "pagefind", second.out / "pagefind")

    def same(c: filecmp.dircmp[str]) -> bool:
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        return (not c.left_only and not c.right_only and not mismatch and not errors
                and all(same(sub) for sub in c.subdirs.values()))

    assert same(comparison)


# -- failure ------------------------------------------------------------------------------------


def failing_indexer(tmp_path: Path) -> Path:
    script = tmp_path / "pagefind_extended"
    script.write_text("#!/bin/sh\necho 'Error: could not parse /site/broken.html' >&2\nexit 3\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_a_failing_indexer_stops_the_build_with_its_message_and_keeps_the_old_site(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(newsroom())
    assert site.build().returncode == 0
    before = {p: p.read_bytes() for p in site.out.rglob("*") if p.is_file()}
    result = site.build(env={BINARY_ENV: str(failing_indexer(tmp_path))})
    assert result.returncode == 1
    assert {p: p.read_bytes() for p in site.out.rglob("*") if p.is_file()} == before
    # Nothing left beside the site but the image cache, which is kept across builds on purpose.
    assert sorted(p.name for p in site.root.iterdir() if p.name != ".cache") == ["docs", "mkdocs.yml", "site"]
    assert "Traceback" not in result.stderr + result.stdout
    assert "the Pagefind search indexer failed (exit code 3)" in result.stderr
    assert "could not parse /site/broken.html" in result.stderr
    missing = site.build(env={BINARY_ENV: str(tmp_path / "nowhere")})
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert f"{BINARY_ENV}=" in missing.stderr and "is not a file" in missing.stderr


def test_a_failed_run_keeps_the_previous_index_and_leaves_no_staging(built: Site, tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    (site_dir / "pagefind").mkdir(parents=True)
    (site_dir / "pagefind" / ENTRY_FILE).write_text("{}", encoding="utf-8")
    with pytest.raises(SearchError, match="exit code 3"):
        build_index(site_dir, executable=failing_indexer(tmp_path))
    assert (site_dir / "pagefind" / ENTRY_FILE).read_text(encoding="utf-8") == "{}"
    assert sorted(p.name for p in site_dir.iterdir()) == ["pagefind"]


def test_the_index_of_the_search_documents_is_the_index_of_the_whole_site(
        built: Site, tmp_path: Path) -> None:
    """The build indexes small copies of the story pages; Pagefind reading the full pages
    must give the very same bundle."""
    whole = tmp_path / "whole"
    shutil.copytree(built.out, whole, ignore=shutil.ignore_patterns("pagefind"))
    build_index(whole)
    compared = filecmp.dircmp(whole / "pagefind", built.out / "pagefind")
    assert sorted(compared.left_list) == sorted(compared.right_list)
    for path in sorted((whole / "pagefind").rglob("*")):
        twin = built.out / "pagefind" / path.relative_to(whole / "pagefind")
        assert path.is_dir() or path.read_bytes() == twin.read_bytes()


def write_documents(site: Path, folder: Path) -> Path:
    """``folder`` with the search documents of the built ``site`` (what SearchSource writes)."""
    for page in sorted(site.rglob("*.html")):
        document = search_document(page.read_text(encoding="utf-8"))
        if document is not None:
            target = folder / page.relative_to(site)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(document, encoding="utf-8")
    return folder


def test_the_runs_folders_are_removed_in_the_background_once_the_index_is_built(
        built: Site, tmp_path: Path) -> None:
    """The runs' folders of links and their bundles (beside the documents, outside the site)
    are removed by a thread of their own after build_index returns, not left behind."""
    source = write_documents(built.out, tmp_path / "documents")
    site = tmp_path / "site"
    site.mkdir()
    report = build_index(site, source=source, pages_per_part=1)
    assert report.runs == 3 and (site / "pagefind" / "masthead-parts.json").is_file()
    search._sweeper.submit(lambda: None).result()  # the removals queued before it are done
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents", "site"]
    assert sorted(p.name for p in site.iterdir()) == ["pagefind"]


def test_a_large_site_indexed_one_language_at_a_time_has_the_indexes_of_one_run(
        built: Site, tmp_path: Path) -> None:
    """Past LANGUAGE_PARTS_FROM pages Pagefind runs once per language (its peak memory is then
    the largest language's): every file of a language's part is the file one run writes for
    that language, so search results cannot change."""
    source = write_documents(built.out, tmp_path / "documents")
    apart = tmp_path / "apart"
    apart.mkdir()
    report = build_index(apart, source=source, languages_apart_from=2)
    assert report.parts == 2 and report.pages == {"en": 2, "zh": 1}
    manifest = json.loads((apart / "pagefind" / "masthead-parts.json").read_text(encoding="utf-8"))
    assert manifest == {"parts": [{"path": "", "languages": ["en"]},
                                  {"path": "part-2/", "languages": ["zh"]}]}
    whole = built.out / "pagefind"
    for part, lang in (("", "en"), ("part-2/", "zh")):
        files = sorted(p for p in (apart / "pagefind" / part).rglob(f"{lang}_*") if "part-" not in
                       p.relative_to(apart / "pagefind" / part).as_posix())
        assert len(files) >= 3  # meta, an index chunk, fragments, filters
        for path in files:
            twin = whole / path.relative_to(apart / "pagefind" / part)
            assert path.read_bytes() == twin.read_bytes(), path.name
    # At most that many pages, or one language: one run, as before.
    single = tmp_path / "single"
    single.mkdir()
    assert build_index(single, source=source, languages_apart_from=3).parts == 1


def test_the_allocator_setting_given_to_pagefind_does_not_change_the_bundle(
        built: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """search._run asks Pagefind's jemalloc to return memory within 50 ms (a lower peak); the index
    must be the one Pagefind writes with its own defaults (a value set by the developer wins)."""
    bundles = []
    for name, conf in (("ours", None), ("defaults", "")):
        site = tmp_path / name
        shutil.copytree(built.out, site, ignore=shutil.ignore_patterns("pagefind"))
        if conf is None:
            monkeypatch.delenv("_RJEM_MALLOC_CONF", raising=False)
        else:
            monkeypatch.setenv("_RJEM_MALLOC_CONF", conf)
        build_index(site)
        bundles.append(site / "pagefind")
    files = sorted(p.relative_to(bundles[0]) for p in bundles[0].rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(bundles[1]) for p in bundles[1].rglob("*") if p.is_file())
    assert all((bundles[0] / f).read_bytes() == (bundles[1] / f).read_bytes() for f in files)


def page_urls(bundle: Path) -> list[str]:
    """The URLs of the pages a Pagefind bundle (one part) holds."""
    urls = []
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        urls.append(json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))["url"])
    return sorted(urls)


def test_a_large_newsroom_is_indexed_by_several_runs_joined_per_language(
        built: Site, make_site: MakeSite) -> None:
    """Pagefind needs memory for every page it indexes at once: past ``pages_per_part`` pages
    the build runs it several times and joins the runs' indexes per language (the same index as
    one run: tests/test_pagefind_merge.py); masthead-parts.json tells the search page what to
    open."""
    site = make_site(newsroom(), settings(search={"pages_per_part": 1}))
    result = site.build("--strict")
    assert result.returncode == 0, result.stderr
    assert "search index: 3 pages (en 2, zh 1) in 2 parts by 3 Pagefind runs" in result.stderr
    bundle = site.out / "pagefind"
    manifest = json.loads((bundle / "masthead-parts.json").read_text(encoding="utf-8"))
    assert manifest == {"parts": [{"path": "", "languages": ["en"]},
                                  {"path": "part-2/", "languages": ["zh"]}]}
    held = [page_urls(bundle / part["path"]) for part in manifest["parts"]]
    assert [len(urls) for urls in held] == [2, 1]
    assert sorted(url for urls in held for url in urls) == page_urls(built.out / "pagefind")
    for part in manifest["parts"]:
        assert (bundle / part["path"] / "pagefind.js").is_file()
    assert not list(site.root.glob("**/.pagefind-staging*"))
    # One part when the site fits: the bundle of a small newsroom says so too.
    assert json.loads((built.out / "pagefind/masthead-parts.json").read_text(encoding="utf-8")) == {
        "parts": [{"path": "", "languages": ["en", "zh"]}]}


def test_an_index_in_parts_is_byte_identical_from_one_build_to_the_next(make_site: MakeSite) -> None:
    first = make_site(newsroom(), settings(search={"pages_per_part": 1}))
    second = make_site(newsroom(), settings(search={"pages_per_part": 1}))
    for site in (first, second):
        assert site.build("--strict").returncode == 0
    files = sorted(p.relative_to(first.out) for p in (first.out / "pagefind").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second.out) for p in (second.out / "pagefind").rglob("*")
                           if p.is_file())
    assert all((first.out / f).read_bytes() == (second.out / f).read_bytes() for f in files)


@pytest.mark.parametrize(("search", "fault"), [
    ({"pages_per_part": 0}, "extra.masthead.search.pages_per_part: expected a whole number of at least 1"),
    ({"pages_per_part": "many"}, "extra.masthead.search.pages_per_part: expected a whole number"),
    ({"parts": 3}, "extra.masthead.search.parts: is not a search setting"),
    ("yes", "extra.masthead.search: expected a mapping"),
])
def test_a_bad_search_setting_stops_the_build_naming_the_key(
        make_site: MakeSite, search: object, fault: str) -> None:
    site = make_site(newsroom(), settings(search=search))
    result = site.build()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert fault in result.stderr


def bundle_bytes(site: Site) -> dict[str, bytes]:
    bundle = site.out / "pagefind"
    return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in sorted(bundle.rglob("*"))
            if p.is_file()}


def test_the_index_of_unchanged_stories_comes_from_the_cache_and_an_edit_indexes_again(
        make_site: MakeSite) -> None:
    site = make_site(newsroom())
    assert site.build("--strict").returncode == 0
    first = bundle_bytes(site)
    # A style sheet is added (every page changes, the story bodies do not): the same index.
    (site.root / "docs/house.css").write_text(".mh-article { color: navy; }\n", encoding="utf-8")
    with (site.root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("extra_css: [house.css]\n")
    again = site.build("--strict")
    assert again.returncode == 0, again.stderr
    assert "its index, kept in the cache" in again.stderr
    assert bundle_bytes(site) == first
    # A story body changes: Pagefind runs again and finds the new word.
    story = site.root / "docs/economy/rates.md"
    story.write_text(story.read_text(encoding="utf-8").replace("again.", "again, said the okapi."),
                     encoding="utf-8")
    edited = site.build("--strict")
    assert edited.returncode == 0, edited.stderr
    assert "kept in the cache" not in edited.stderr
    assert any("okapi" in str(record["content"]) for record in fragments(site))
    # Without the cache, Pagefind always runs.
    off = site.build("--strict", env={"MASTHEAD_CACHE": "off"})
    assert off.returncode == 0 and "kept in the cache" not in off.stderr


def test_search_documents_keep_the_story_body_whatever_the_editor_wrote() -> None:
    hostile = ('x<a title="<!--/mh-search-body--> <article class=&quot;mh-article&quot; '
               'data-pagefind-body>">y</a>')
    page = ('<!doctype html><html lang="zh" class="no-js"><head><title>A &lt;b&gt; title</title>'
            '<meta name="description" '
            'content="&lt;article class=&quot;mh-article&quot; data-pagefind-body&gt;">'
            '</head><body><header>menu</header><main>'
            f'<article class="mh-article" data-pagefind-body><h1>T</h1>{hostile}</article>'
            '<!--/mh-search-body--><aside>rail &lt;!--/mh-search-body--&gt;</aside></main></body></html>')
    document = search_document(page)
    assert document == ('<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>A &lt;b&gt; title'
                        '</title></head><body><article class="mh-article" data-pagefind-body><h1>T</h1>'
                        f'{hostile}</article></body></html>')
    assert search_document(page.replace(" data-pagefind-body", "")) is None  # drafts, listings
    # What follows the template's BODY_REST marker (related stories, comments: nothing Pagefind
    # keeps, and it changes when other stories do) is left out; an editor's copy of the marker
    # in the body does not cut it short.
    sneaky = hostile.replace("<!--/mh-search-body-->", "<!--mh-search-rest-->")
    related = page.replace(hostile, sneaky).replace(
        "</article><!--/mh-search-body-->",
        '<footer data-pagefind-ignore><li data-pagefind-filter="tag">EV</li></footer>'
        '<!--mh-search-rest--><aside class="mh-related">Other &lt;!--mh-search-rest--&gt; story'
        "</aside></article><!--/mh-search-body-->")
    assert search_document(related) == (
        '<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>A &lt;b&gt; title'
        '</title></head><body><article class="mh-article" data-pagefind-body><h1>T</h1>'
        f'{sneaky}<footer data-pagefind-ignore><li data-pagefind-filter="tag">EV</li></footer>'
        "</article></body></html>")


def test_search_documents_keep_of_the_footer_only_what_pagefind_reads() -> None:
    """The footer's share bar, promotion and disclaimer are left out of the search document;
    its tag filters stay. An editor's raw-HTML copy of the footer in the body changes nothing."""
    foot = ('<footer class="mh-article__foot" data-pagefind-ignore>'
            '<section class="mh-share"><h2 id="mh-share-title">Share</h2><svg><path d="M0 0"/></svg>'
            '</section><div class="mh-tags"><ul>'
            '<li class="mh-tag" data-pagefind-filter="tag"><a href="../t/ev/">EV &lt;b&gt;</a></li>'
            '<li class="mh-tag" data-pagefind-filter="tag" lang="zh">电池</li></ul></div>'
            '<span hidden data-pagefind-meta="x[data-x]" data-x="1"><b data-pagefind-filter="k">v</b></span>'
            '<img data-pagefind-meta="y[src]" src="y.png">'
            '<aside class="mh-disclaimer"><p>Fiction.</p></aside></footer>')
    editor = '<footer class="mh-article__foot" data-pagefind-ignore><p>raw HTML</p></footer>'
    page = ('<!doctype html><html lang="en"><head><title>T</title></head><body>'
            f'<article class="mh-article" data-pagefind-body><h1>T</h1>{editor}<p>Body.</p>\n    {foot}\n'
            '    <!--mh-search-rest--><aside class="mh-related">Other</aside></article>'
            '<!--/mh-search-body--></body></html>')
    kept = ('<footer class="mh-article__foot" data-pagefind-ignore>'
            '<li class="mh-tag" data-pagefind-filter="tag"><a href="../t/ev/">EV &lt;b&gt;</a></li>'
            '<li class="mh-tag" data-pagefind-filter="tag" lang="zh">电池</li>'
            '<span hidden data-pagefind-meta="x[data-x]" data-x="1"><b data-pagefind-filter="k">v</b></span>'
            '<img data-pagefind-meta="y[src]" src="y.png"></footer>')
    assert search_document(page) == (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>T</title></head><body>'
        f'<article class="mh-article" data-pagefind-body><h1>T</h1>{editor}<p>Body.</p>\n    {kept}'
        '</article></body></html>')
    # A footer in another shape (an element Pagefind reads with one of its own kind inside) is
    # kept whole rather than cut wrongly.
    nested = page.replace('<span hidden data-pagefind-meta="x[data-x]" data-x="1">',
                          '<span hidden data-pagefind-meta="x[data-x]" data-x="1"><span>a</span>')
    document = search_document(nested)
    assert document is not None and "mh-disclaimer" in document and "mh-related" not in document
    # So is a footer whose text names a Pagefind attribute; one on a new line is still found.
    named = page.replace("<p>Fiction.</p>", "<p>see data-pagefind-filter</p>")
    assert "see data-pagefind-filter" in (search_document(named) or "")
    wrapped = page.replace('<li class="mh-tag" data-pagefind-filter="tag" lang="zh">',
                           '<li class="mh-tag"\n    data-pagefind-filter="tag" lang="zh">')
    document = search_document(wrapped) or ""
    assert '<li class="mh-tag"\n    data-pagefind-filter="tag" lang="zh">电池</li>' in document
    assert "mh-disclaimer" not in document


def test_search_source_writes_changed_documents_only_and_drops_pages_no_longer_built() -> None:
    page = ('<html lang="en"><title>t</title><article class="mh-article" data-pagefind-body>{}</article>'
            '<!--/mh-search-body-->')
    source = SearchSource()
    source.start()
    source.put("news/index.html", "<html lang='en'><p>a listing</p></html>")
    assert source.finish() is None  # nothing to index: Pagefind is given the site instead
    source.start()
    source.put("news/a/index.html", page.format("one"))
    source.put("news/b/index.html", page.format("two"))
    source.put("news/index.html", "<html lang='en'><p>a listing</p></html>")
    root = source.finish()
    assert root is not None
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html")) == [
        "news/a/index.html", "news/b/index.html"]
    kept = (root / "news/a/index.html").stat().st_mtime_ns
    assert {path: d.lang for path, d in source.documents().items()} == {
        "news/a/index.html": "en", "news/b/index.html": "en"}
    source.start()  # a `mkdocs serve` rebuild: a unchanged, b gone, c new in Chinese
    source.put("news/a/index.html", page.format("one"))
    source.put("news/c/index.html", page.replace('lang="en"', 'lang="zh"').format("三"))
    source.finish()
    assert (root / "news/a/index.html").stat().st_mtime_ns == kept
    assert not (root / "news/b/index.html").exists()
    # What build_index cuts the runs by, known without reading the documents again.
    assert {path: d.lang for path, d in source.documents().items()} == {
        "news/a/index.html": "en", "news/c/index.html": "zh"}
    # The digest it keeps while writing is the digest of what the folder holds (the search
    # cache's key comes from it instead of reading every document again).
    assert source.digest() == documents_digest(root)
    source.start()
    source.put("news/a/index.html", page.format("one, edited"))
    source.finish()
    assert source.digest() == documents_digest(root)
    # A `mkdocs build` is done with them once the index is built: the folder goes, in the
    # background, and a next build in the same process writes every document again.
    source.discard()
    search._sweeper.submit(lambda: None).result()
    assert not root.exists() and source.documents() == {}
    source.start()
    source.put("news/a/index.html", page.format("one"))
    again = source.finish()
    assert again is not None and again != root and (again / "news/a/index.html").is_file()


# -- the search page and the masthead box --------------------------------------------------------


def test_search_page_has_a_form_a_noscript_message_and_its_script_settings(built: Site) -> None:
    page = built.html("search/")
    assert page.h1.get_text() == "Search the stories"
    form = page.select_one("form.mh-search__form")
    assert form["action"] == "./" and form["method"] == "get"
    assert [o["value"] for o in form.select("select[name=section] option")] == ["", "news", "economy"]
    assert "Search needs JavaScript" in page.noscript.get_text()
    assert [a["href"] for a in page.noscript.select("a")] == ["../news/", "../economy/"]
    config = json.loads(page.select_one("#mh-search-config").string)
    assert config["lang"] == "en" and config["languages"] == ["en", "zh"]
    assert config["sections"] == {"news": "News", "economy": "Economy"}
    script = page.select_one("script[type=module]")["src"]
    assert (built.out / "search" / script).resolve() == (
        built.out / "assets/javascripts/masthead-search.js").resolve()
    assert page.select_one(".mh-search-box") is None  # the page's own form replaces it
    assert page.select_one("[data-pagefind-body]") is None


def test_masthead_search_box_points_at_the_search_page_under_a_project_path(make_site: MakeSite) -> None:
    site = make_site(newsroom(), site_url="https://user.github.io/repo/")
    assert site.build("--strict").returncode == 0
    for url, page_url in [("news/plant/", "https://user.github.io/repo/news/plant/"),
                          ("", "https://user.github.io/repo/"),
                          ("404.html", "https://user.github.io/repo/404.html")]:
        box = site.html(url).select_one("form.mh-search-box")
        assert box["method"] == "get" and box.select_one("input[name=q]") is not None
        assert urljoin(page_url, box["action"]) == "https://user.github.io/repo/search/", url


def test_a_chinese_newsroom_gets_a_chinese_search_page(make_site: MakeSite) -> None:
    site = make_site({"news/zh.md": article("钠离子电池中试线投产", "2025-03-12", lang="zh")},
                     masthead=settings(language="zh"))
    assert site.build("--strict").returncode == 0
    page = site.html("search/")
    assert page.html["lang"] == "zh" and page.h1.get_text() == "搜索文章"
    assert "搜索需要 JavaScript" in page.noscript.get_text()
    config = json.loads(page.select_one("#mh-search-config").string)
    assert config["sections"] == {"news": "新闻", "economy": "经济"}
    assert config["labels"]["results"] == "找到 {n} 篇文章。"
    assert site.html("news/zh/").select_one(".mh-search-box button").get_text() == "搜索"


def test_editor_text_in_search_metadata_is_escaped(make_site: MakeSite) -> None:
    evil = '"><script>alert(1)</script>'
    site = make_site({"news/evil.md": article("Evil", author=evil, tags=[evil])},
                     masthead=settings(sections=[{"slug": "news", "title": evil}]))
    assert site.build("--strict").returncode == 0
    for url in ["news/evil/", "search/"]:
        page = site.html(url)
        code = [s for s in page.find_all("script")
                if s.get("type") not in ("application/json", "application/ld+json")]
        assert [s for s in code if "alert" in (s.string or "")] == [], url
    config = site.html("search/").select_one("#mh-search-config")
    assert "<" not in config.string and json.loads(config.string)["sections"] == {"news": evil}
    record = fragments(site)[0]
    assert record["meta"]["author"] == evil  # type: ignore[index]


# -- pure helpers ---------------------------------------------------------------------------------


def write_bundle(root: Path, *, reverse: bool) -> Path:
    """A two-language bundle as Pagefind 1.5 lays it out, with hash-map order either way round."""
    bundle = root / "pagefind"
    (bundle / "filter").mkdir(parents=True)
    order: Callable[[list[object]], list[object]] = (lambda xs: xs[::-1]) if reverse else list
    pagefind_bundle.write(bundle / "filter/en_1111111.pf_filter",
                          ["tag", order([["EV", order([3, 1])], ["batteries", [2]]])])
    pagefind_bundle.write(bundle / "filter/en_2222222.pf_filter", ["section", [["news", [1, 2, 3]]]])
    pagefind_bundle.write(bundle / "filter/zh_3333333.pf_filter", ["tag", [["电池", [0]]]])
    pagefind_bundle.write(bundle / "pagefind.en_aaaaaaaaaa.pf_meta", [
        "1.5.2", [["en_p1", 7]], [["00", "the", "en_i1"]],
        order([["tag", "en_1111111"], ["section", "en_2222222"]]), [["date", [0]]], ["title"]])
    pagefind_bundle.write(bundle / "pagefind.zh_bbbbbbbbbb.pf_meta", [
        "1.5.2", [["zh_p2", 9]], [], [["tag", "zh_3333333"]], [], ["title"]])
    languages = {"en": {"hash": "en_aaaaaaaaaa", "wasm": "en", "page_count": 3},
                 "zh": {"hash": "zh_bbbbbbbbbb", "wasm": None, "page_count": 1}}
    entry = {"version": "1.5.2", "languages": dict(order(list(languages.items()))),  # type: ignore[arg-type]
             "include_characters": ["_"]}
    (bundle / ENTRY_FILE).write_text(json.dumps(entry), encoding="utf-8")
    return bundle


def test_bundles_that_differ_only_in_hash_map_order_become_identical(tmp_path: Path) -> None:
    one = write_bundle(tmp_path / "one", reverse=False)
    two = write_bundle(tmp_path / "two", reverse=True)
    assert (one / ENTRY_FILE).read_bytes() != (two / ENTRY_FILE).read_bytes()
    make_reproducible(one)
    make_reproducible(two)
    names = sorted(p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(two).as_posix() for p in two.rglob("*") if p.is_file())
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    entry = json.loads((one / ENTRY_FILE).read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["en", "zh"]
    meta = pagefind_bundle.read(one / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")
    assert [name for name, _ in meta[3]] == ["section", "tag"]
    tag = pagefind_bundle.read(one / "filter" / f"{dict(meta[3])['tag']}.pf_filter")
    assert tag == ["tag", [["EV", [1, 3]], ["batteries", [2]]]]
    assert meta[:3] == ["1.5.2", [["en_p1", 7]], [["00", "the", "en_i1"]]]


def test_an_unknown_bundle_layout_is_refused_before_anything_changes(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path, reverse=False)
    pagefind_bundle.write(bundle / "pagefind.zh_bbbbbbbbbb.pf_meta", ["1.6.0", {"new": "layout"}])
    before = {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    with pytest.raises(pagefind_bundle.FormatError):
        make_reproducible(bundle)
    assert {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()} == before


def test_cbor_reader_and_writer_keep_the_bytes_pagefind_writes(built: Site) -> None:
    item = ["1.5.2", [["en_1", 300], ["zh_2", 70000]], -5, b"\x00\x01", "电池" * 20, None]
    assert pagefind_bundle.decode(pagefind_bundle.encode(item)) == item
    assert pagefind_bundle.encode(300) == b"\x19\x01\x2c"  # shortest form, as Pagefind writes
    for bad in (b"\x01\x02", b"\x82\x01", b"\x1c"):  # trailing bytes, cut short, reserved
        with pytest.raises(pagefind_bundle.FormatError):
            pagefind_bundle.decode(bad)
    files = sorted((built.out / "pagefind").rglob("*.pf_*"))
    assert {p.suffix for p in files} >= {".pf_meta", ".pf_index", ".pf_filter"}
    for path in files:
        if path.suffix != ".pf_fragment":  # JSON, not CBOR
            data = gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd")
            assert pagefind_bundle.encode(pagefind_bundle.decode(data)) == data, path.name


def test_script_json_cannot_close_its_script_element() -> None:
    text = script_json({"title": "</script><!-- & 新闻"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"title": "</script><!-- & 新闻"}


def test_page_view_labels_sections_in_the_page_language(tmp_path: Path) -> None:
    s = load_settings(settings(), docs_dir=tmp_path)
    view = page_view(s, "zh", ["zh", "en", "zh"])
    assert view["sections"] == [{"slug": "news", "title": "新闻"}, {"slug": "economy", "title": "经济"}]
    config = json.loads(view["config_json"])
    assert config["languages"] == ["en", "zh"] and config["lang"] == "zh"
    assert config["labels"]["none"].startswith("没有找到")
