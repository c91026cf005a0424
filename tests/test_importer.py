"""`masthead import`: Hugo, Jekyll and Pelican posts become stories that build strictly."""

from __future__ import annotations

import datetime as dt
import io
import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import frontmatter
import pytest

from masthead.cli import main
from masthead.importer import (
    BodyConverter,
    ImportOptions,
    LinkResolver,
    Post,
    map_front_matter,
    parse_front_matter,
    read_post,
    split_front_matter,
)
from masthead.oldsite import OldSite, PostFacts, hugo_address, jekyll_address, old_address, pelican_settings
from masthead.settings import load_settings
from tests.conftest import ROOT, Site, article, settings
from tests.imaging import photo

MakeSite = Callable[..., Site]
FIXTURE = ROOT / "tests/fixtures/18f/posts"
SETTINGS = load_settings(settings())
TINY_PNG = photo(16, 9, "PNG")  # a real picture: the build's image pipeline reads every one


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return folder


Mapped = tuple[dict[str, object], dict[str, object], Post]


def mapped(meta: dict[str, object], name: str = "post.md", flavour: str = "hugo") -> Mapped:
    post = Post(name, Path(name), meta, "", flavour)
    fields, kept = map_front_matter(post, SETTINGS, "news")
    return fields, kept, post


def convert(body: str, flavour: str = "jekyll", meta: dict[str, object] | None = None,
            tmp: Path | None = None) -> tuple[str, Post]:
    post = Post("post.md", Path("post.md"), meta or {}, body, flavour, dest="news/post.md")
    source = tmp or Path("/nonexistent-import-folder")
    links = LinkResolver(source, Path("/nonexistent-docs"), ImportOptions("news"), lambda p: False)
    links.register(post)
    return BodyConverter(post, links).convert(body), post


def kinds(post: Post) -> dict[str, int]:
    counts: dict[str, int] = {}
    for note in post.notes:
        counts[note.kind] = counts.get(note.kind, 0) + note.count
    return counts


# -- reading front matter ------------------------------------------------------------------------


def test_front_matter_of_every_generator_is_found() -> None:
    assert split_front_matter("---\ntitle: A\n---\nBody")[0:2] == ("yaml", "title: A\n")
    assert split_front_matter('+++\ntitle = "A"\n+++\n\nBody') == ("toml", 'title = "A"\n', "\nBody")
    assert split_front_matter('{"title": "A"}\nBody')[0] == "json"
    kind, _, body = split_front_matter("Title: A\nDate: 2020-01-01\nTags: a, b\n\nBody\n")
    assert (kind, body) == ("pelican", "Body\n")
    assert split_front_matter("# Just Markdown\n\nText")[0] == ""
    assert parse_front_matter("toml", 'title = "A"\ndate = 2020-01-02T03:04:05Z\n')[0]["title"] == "A"
    pelican, _ = parse_front_matter("pelican", "Title: A long\n    title\nAuthors: Li Ming, Anna Berg\n")
    assert pelican == {"title": "A long title", "authors": "Li Ming, Anna Berg"}


def test_bom_crlf_and_tabs_in_front_matter_are_read(tmp_path: Path) -> None:
    raw = "\ufeff---\r\ntitle: Tabs\r\ntags:\r\n- one\t\t\r\n-\ttwo\r\n---\r\n\r\nBody\r\n"
    path = tmp_path / "2019-05-01-tabs.md"
    path.write_bytes(raw.encode("utf-8"))
    post = read_post(path, tmp_path, "auto")
    assert post.meta == {"title": "Tabs", "tags": ["one", "two"]}
    assert post.body == "Body\n" and "\r" not in post.body
    assert kinds(post) == {"front-matter-repaired": 1}


# -- mapping fields ------------------------------------------------------------------------------


def test_hugo_fields_map_to_ours_and_the_rest_is_kept_under_imported() -> None:
    fields, kept, post = mapped({
        "title": "Plant opens", "date": "2020-01-01", "publishDate": "2020-01-03T08:00:00+08:00",
        "lastmod": "2020-02-01", "description": "The *plant* opens.", "categories": ["Economy", "Batteries"],
        "tags": "EV", "authors": ["Li Ming", {"name": "Anna Berg"}], "draft": True, "weight": 3,
        "slug": "Plant Opens Now",
    })
    assert fields == {
        "title": "Plant opens", "date": "2020-01-03T08:00+08:00", "updated": "2020-02-01",
        "authors": ["Li Ming", "Anna Berg"], "summary": "The plant opens.", "tags": ["EV", "Batteries"],
        "draft": True,
    }
    assert post.section == "economy" and post.slug == "plant-opens-now"
    assert kept == {"weight": 3}
    assert kinds(post) == {"category-as-tag": 1}


def test_jekyll_fields_dates_from_file_names_and_space_separated_tags() -> None:
    fields, kept, post = mapped({"title": "T", "last_modified_at": "2016-09-27 14:00:00 -4",
                                 "author": "Li Ming", "tags": "ev batteries", "published": False,
                                 "category": "news", "excerpt": "Short."},
                                name="2016-09-26-t.md", flavour="jekyll")
    assert fields["date"] == "2016-09-26"
    assert fields["updated"] == "2016-09-27T14:00-04:00"
    assert fields["author"] == "Li Ming" and fields["tags"] == ["ev", "batteries"]
    assert fields["draft"] is True and fields["summary"] == "Short."
    assert post.section == "news" and kept == {}
    assert kinds(post) == {"date-from-file-name": 1}


def test_pelican_fields_comma_separated_and_status_draft() -> None:
    fields, _, post = mapped({"title": "T", "date": "2021-05-06 07:08", "modified": "2021-05-01",
                              "tags": "a, b, c", "authors": "Li Ming, Anna Berg", "status": "draft",
                              "summary": "<p>Hello <b>world</b></p>"}, flavour="pelican")
    assert fields["date"] == "2021-05-06 07:08" and "updated" not in fields
    assert fields["tags"] == ["a", "b", "c"] and fields["authors"] == ["Li Ming", "Anna Berg"]
    assert fields["draft"] is True and fields["summary"] == "Hello world"
    assert kinds(post) == {"updated-before-date": 1}


def test_a_post_without_title_or_date_gets_them_from_its_file(tmp_path: Path) -> None:
    path = write(tmp_path, {"my_first-post.md": "---\nlayout: post\n---\nHi\n"}) / "my_first-post.md"
    post = Post("my_first-post.md", path, {"layout": "post"}, "Hi\n", "hugo")
    fields, kept = map_front_matter(post, SETTINGS, "news")
    assert fields["title"] == "My first post"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", str(fields["date"]))
    assert kinds(post) == {"title-from-file-name": 1, "date-from-file-time": 1}
    assert kept == {"layout": "post"}


# -- bodies --------------------------------------------------------------------------------------


def test_liquid_becomes_text_links_images_or_nothing_and_code_is_left_alone() -> None:
    body = textwrap.dedent("""\
        See [us]({{ "/about/" | url }}) and {{ site.baseurl }}/x.
        {% image "assets/a.png" "A chart" %}
        {{ "https://www.youtube-nocookie.com/embed/abc" | embed: "Demo day" }}
        Thanks to {{ "melody" | team_link }}. {{ "melody" | team_photo }}
        {% comment %}secret {{ x }}{% endcomment %}{% include footer.html %}
        Title again: {{ page.title }}.

        ```liquid
        {%raw%}{% for p in posts %}{{ p }}{% endfor %}{%endraw%}
        ```

        Inline `{{ kept }}` too. {% raw %}{{ literal }}{% endraw %}
        {% highlight ruby %}
        puts "{{ x }}"
        {% endhighlight %}
        """)
    out, post = convert(body, meta={"title": "Hello"})
    assert "See [us](/about/) and /x." in out
    assert "<!-- image not imported: assets/a.png (A chart) -->" in out
    assert "[Demo day](https://www.youtube-nocookie.com/embed/abc)" in out
    assert "Thanks to melody. \n" in out
    assert "secret" not in out and "footer" not in out
    assert "Title again: Hello." in out
    assert "```liquid\n{% for p in posts %}{{ p }}{% endfor %}\n```" in out
    assert "Inline `{{ kept }}` too. {{ literal }}" in out
    assert '```ruby\nputs "{{ x }}"\n```' in out
    assert kinds(post) == {"liquid-rendered": 7, "liquid-removed": 3, "image-not-found": 1}
    assert all(n.file == "post.md" for n in post.notes)


def test_hugo_shortcodes_become_images_links_code_or_nothing() -> None:
    body = textwrap.dedent("""\
        {{< figure src="https://example.org/a.png" alt="A plant" caption="The plant" >}}
        {{< youtube dQw4w9WgXcQ >}}
        {{< tweet user="li" id="123" >}}
        {{% notice warning %}}Careful **now**{{% /notice %}}
        {{< highlight go >}}
        fmt.Println("{{< not a shortcode >}}")
        {{< /highlight >}}
        Write {{</* youtube id */>}} to embed. {{< param "x" >}}
        """)
    out, post = convert(body, flavour="hugo")
    assert "![A plant](https://example.org/a.png)\n\n*The plant*" in out
    assert "[YouTube video](https://www.youtube.com/watch?v=dQw4w9WgXcQ)" in out
    assert "[Post on X](https://x.com/li/status/123)" in out
    assert "Careful **now**" in out and "notice" not in out
    assert '```go\nfmt.Println("{{< not a shortcode >}}")\n```' in out
    assert "Write {{< youtube id >}} to embed. \n" in out
    assert kinds(post) == {"shortcode-rendered": 4, "shortcode-removed": 3}


# -- whole imports -------------------------------------------------------------------------------


def import_into(site: Site, source: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(site.root)
    out = io.StringIO()
    code = main(["import", str(source), *args], out=out)
    return code, out.getvalue()


def test_a_hugo_site_imports_with_bundles_refs_and_toml(
    tmp_path: Path, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch,
) -> None:
    hugo = write(tmp_path / "blog", {
        "hugo.toml": 'baseURL = "https://blog.example.org/"\n',
        "static/images/logo.png": TINY_PNG,
        "content/posts/_index.md": "---\ntitle: Posts\n---\n",
        "content/posts/plant/index.md": """
            +++
            title = "Plant opens"
            date = 2024-05-06T07:08:09+08:00
            categories = ["economy"]
            tags = ["EV"]
            [cover]
            image = "cover.png"
            alt = "The plant"
            +++
            Read [the other]({{< ref "other.md" >}}) and see ![logo](/images/logo.png).
            """,
        "content/posts/plant/cover.png": TINY_PNG,
        "content/posts/other.md": "---\ntitle: Other\ndate: 2024-05-01\n---\nBack to [plant](plant/).\n",
    })
    site = make_site({"news/existing.md": article("Existing")})
    code, out = import_into(site, hugo / "content/posts", monkeypatch=monkeypatch)
    assert code == 0, out
    assert "imported 2 of 3 files" in out and "_index.md: skipped: a Hugo list page" in out
    plant = frontmatter.load(site.root / "docs/economy/plant.md")
    assert plant["image"] == "../assets/imported/content/posts/plant/cover.png"
    assert plant["image_alt"] == "The plant" and plant["tags"] == ["EV"]
    assert "[the other](../news/other.md)" in plant.content
    assert "![logo](../assets/imported/images/logo.png)" in plant.content
    assert (site.root / "docs/assets/imported/images/logo.png").is_file()
    assert "[plant](plant/)" not in (site.root / "docs/news/other.md").read_text(encoding="utf-8")
    result = site.build("--strict")
    assert result.returncode == 0, result.stderr
    assert site.html("economy/plant/").h1.get_text() == "Plant opens"


def test_a_pelican_site_imports_with_filename_and_static_links(
    tmp_path: Path, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch,
) -> None:
    pelican = write(tmp_path / "site", {
        "pelicanconf.py": "AUTHOR = 'x'\n",
        "content/first.md": "Title: First\nDate: 2020-01-01 10:00\nCategory: News\nTags: a, b\n\n"
                            "See [second]({filename}/second.markdown) and ![pic]({static}/images/p.png). "
                            "Also [tags]({tag}a).\n",
        "content/second.markdown": "Title: Second\nDate: 2020-01-02\nStatus: draft\n\n"
                                   "Text {{ not liquid }}\n",
        "content/images/p.png": TINY_PNG,
        "content/notes.rst": "Title\n=====\n",
    })
    site = make_site({})
    code, out = import_into(site, pelican / "content", "--section", "economy", monkeypatch=monkeypatch)
    assert code == 0, out
    first = (site.root / "docs/news/first.md").read_text(encoding="utf-8")
    assert "[second](../economy/second.md)" in first
    assert "![pic](../assets/imported/content/images/p.png)" in first and "Also tags." in first
    second = frontmatter.load(site.root / "docs/economy/second.md")
    assert second["draft"] is True and "{{ not liquid }}" in second.content  # Pelican has no Liquid
    assert "notes.rst: skipped: .rst files are not Markdown" in out
    assert site.build("--strict").returncode == 0


def test_import_never_overwrites_and_a_dry_run_writes_nothing(
    tmp_path: Path, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = write(tmp_path / "posts", {"2020-01-01-plant.md": "---\ntitle: New plant\n---\nx\n"})
    site = make_site({"news/plant.md": article("Old plant")})
    code, out = import_into(site, source, "--dry-run", monkeypatch=monkeypatch)
    assert code == 0 and "would import 1 of 1 files" in out
    assert sorted(p.name for p in (site.root / "docs/news").iterdir()) == ["plant.md"]
    code, out = import_into(site, source, monkeypatch=monkeypatch)
    assert "renamed: news/plant.md is taken: writing news/plant-2.md" in out
    assert frontmatter.load(site.root / "docs/news/plant.md")["title"] == "Old plant"
    assert frontmatter.load(site.root / "docs/news/plant-2.md")["title"] == "New plant"


def test_the_18f_sample_imports_whole_and_builds_strictly(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = make_site({})
    code, out = import_into(site, FIXTURE, monkeypatch=monkeypatch)
    assert code == 0, out
    posts = sorted(FIXTURE.glob("*.md"))
    assert f"imported {len(posts)} of {len(posts)} files" in out
    counts = dict(re.findall(r"^  ([a-z-]+): (\d+) in", out, re.MULTILINE))
    assert set(counts) >= {"liquid-rendered", "liquid-removed", "field-unmapped", "date-from-file-name",
                           "front-matter-repaired", "image-not-found", "renamed"}
    assert "2016-05-19-content-debt" in out.split("front-matter-repaired:")[0].rsplit("\n", 1)[-1]

    docs = site.root / "docs/news"
    assert {p.name for p in docs.glob("andrew-hyder-award*.md")} == {"andrew-hyder-award.md",
                                                                      "andrew-hyder-award-2.md"}
    # A link by the old URL (date from the front matter, not the file name) finds the imported post.
    treasury = (docs / "treasury-and-the-data-act-full-of-sunshine.md").read_text(encoding="utf-8")
    assert "(data-act-data-act-explainer.md)" in treasury
    # No template syntax is left outside code.
    for path in docs.glob("*.md"):
        text = re.sub(r"```.*?```|`[^`\n]+`", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        assert not re.search(r"\{\{|\{%", text), path.name
    https = frontmatter.load(docs / "why-we-use-https-in-every-gov-website-we-make.md")
    assert https["date"] == "2014-11-13"

    result = site.build("--strict")
    assert result.returncode == 0, result.stderr
    page = site.html("news/how-to-use-more-open-source/")
    assert page.h1.get_text() == "How to use more open source in your next federal IT acquisition"
    assert len(list((site.out / "news").glob("*/index.html"))) == len(posts)


def test_with_the_old_sites_address_missing_images_and_pages_point_there(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = make_site({})
    code, _ = import_into(site, FIXTURE, "--source-url", "https://18f.gsa.gov/", monkeypatch=monkeypatch)
    assert code == 0
    hello = frontmatter.load(site.root / "docs/news/hello-world-we-are-18f.md")
    assert "[18F](https://18f.gsa.gov/)" in hello.content
    ato_file = site.root / "docs/news/taking-the-ato-process-from-6-months-to-30-days.md"
    ato = ato_file.read_text(encoding="utf-8")
    kanban = "https://18f.gsa.gov/assets/blog/ato/ato-kanban.png"
    assert f"![Screenshot of the ATO Kanban board on GitHub.]({kanban})" in ato
    assert site.build("--strict").returncode == 0


# -- the old site's addresses, taxonomies and expiry ----------------------------------------------

FIXTURES = ROOT / "tests/fixtures"


def aliases(path: Path) -> object:
    return frontmatter.load(path)["aliases"]


def test_a_hugo_site_root_gives_topics_as_tags_and_sections_old_addresses_as_aliases(
    tmp_path: Path, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = make_site({})
    csv_path = tmp_path / "map.csv"
    code, out = import_into(site, FIXTURES / "hugo-site/content", "--address-map", str(csv_path),
                            monkeypatch=monkeypatch)
    assert code == 0, out
    plant = frontmatter.load(site.root / "docs/economy/huaxin-plant.md")  # topics: [Economy, …]
    assert plant["tags"] == ["EV", "Batteries"]
    assert plant["deck"] == "The plant will make cells for 200,000 cars a year"
    assert plant["expires"] == "2099-01-01"
    # permalinks posts: /:year/:month/:slug/ first, then the post's own aliases (relative: from its folder)
    assert plant["aliases"] == ["/2024/05/huaxin-plant/", "/old/huaxin-plant/", "/2024/05/plant-old"]
    assert "imported" not in plant.metadata  # topics, aliases, deck and expiryDate are all mapped
    bundle = frontmatter.load(site.root / "docs/news/plant-bundle.md")
    assert bundle["aliases"] == ["/2024/05/蓝湾召回/"] and bundle["tags"] == ["召回"]
    assert bundle["deck"] == "一万辆L7轿车"  # Hugo themes' subtitle
    assert frontmatter.load(site.root / "docs/news/special.md")["aliases"] == ["/special/report/"]
    assert frontmatter.load(site.root / "docs/news/brief-one.md")["aliases"] == ["/briefs/brief-one/"]
    # expiryDate 2020-06-01 has passed: counted, not imported
    assert not (site.root / "docs/news/spring-offer.md").exists()
    assert "  expired: 1 in 1 file" in out and "imported 4 of 5 files" in out
    assert csv_path.read_text(encoding="utf-8").splitlines() == [
        "old,new",
        "/2024/05/huaxin-plant/,/economy/huaxin-plant/",
        "/2024/05/plant-old,/economy/huaxin-plant/",
        "/2024/05/蓝湾召回/,/news/plant-bundle/",
        "/briefs/brief-one/,/news/brief-one/",
        "/old/huaxin-plant/,/economy/huaxin-plant/",
        "/special/report/,/news/special/",
    ]
    assert f"address map: wrote 6 old addresses → {csv_path}" in out
    result = site.build("--strict")
    assert result.returncode == 0, result.stderr


def test_keep_expired_imports_expired_posts_without_the_date(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = make_site({})
    code, out = import_into(site, FIXTURES / "hugo-site/content", "--keep-expired", monkeypatch=monkeypatch)
    assert code == 0, out
    offer = frontmatter.load(site.root / "docs/news/spring-offer.md")
    assert "expires" not in offer.metadata and offer["tags"] == ["Offers"]
    assert "expiry-dropped: 1 in 1 file" in out
    assert (site.root / "import-content-addresses.csv").is_file()  # the default: here, named after the source


def test_hugo_config_folder_ugly_urls_and_a_permalink_given_on_the_command_line(
    tmp_path: Path, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch,
) -> None:
    hugo = write(tmp_path / "blog", {
        "config/_default/hugo.toml": "uglyURLs = true\n",
        "config/_default/permalinks.toml": '[page]\nnews = "/:section/:year/:contentbasename/"\n',
        "content/news/Plant-Opens.md": "---\ntitle: Plant opens\ndate: 2024-05-06\n---\nx\n",
        "content/blog/other.md": "---\ntitle: Other\ndate: 2024-05-07\n---\nx\n",
    })
    site = make_site({})
    code, out = import_into(site, hugo / "content", monkeypatch=monkeypatch)
    assert code == 0, out
    assert aliases(site.root / "docs/news/plant-opens.md") == ["/news/2024/plant-opens.html"]
    assert aliases(site.root / "docs/news/other.md") == ["/blog/other.html"]  # Hugo's default
    site = make_site({})
    code, out = import_into(site, hugo / "content", "--permalink", "/:year/:month/:day/:title/",
                            monkeypatch=monkeypatch)
    assert frontmatter.load(site.root / "docs/news/other.md")["aliases"] == ["/2024/05/07/other.html"]


def test_jekyll_permalink_styles_categories_collections_and_redirect_from(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = make_site({})
    code, out = import_into(site, FIXTURES / "jekyll-site", monkeypatch=monkeypatch)
    assert code == 0, out
    docs = site.root / "docs"
    assert aliases(docs / "economy/plant-opens.md") == ["/economy/2024/05/06/plant-opens.html"]
    assert frontmatter.load(docs / "news/motor-show.md")["aliases"] == ["/news/2024/05/08/motor-show.html"]
    assert frontmatter.load(docs / "news/recall.md")["aliases"] == ["/custom/recall/", "/2024/recall.html"]
    assert frontmatter.load(docs / "news/l7-review.md")["aliases"] == ["/reviews/l7-review/"]
    site = make_site({})
    import_into(site, FIXTURES / "jekyll-site/_posts", "--permalink", "pretty", monkeypatch=monkeypatch)
    assert frontmatter.load(site.root / "docs/economy/plant-opens.md")["aliases"] == \
        ["/economy/2024/05/06/plant-opens/"]


def test_pelican_settings_are_read_without_running_them(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch,
) -> None:
    conf = FIXTURES / "pelican-site/pelicanconf.py"
    assert "raise SystemExit" in conf.read_text(encoding="utf-8")  # running it would stop the import
    assert pelican_settings(conf)["ARTICLE_URL"] == "posts/{date:%Y}/{date:%m}/{slug}/"
    assert "SITEURL" not in pelican_settings(conf)  # computed: not a literal, left alone
    site = make_site({})
    code, out = import_into(site, FIXTURES / "pelican-site/content", monkeypatch=monkeypatch)
    assert code == 0, out
    docs = site.root / "docs"
    assert frontmatter.load(docs / "economy/plant-opens-today.md")["aliases"] == \
        ["/posts/2024/05/plant-opens-today/"]
    assert frontmatter.load(docs / "news/recall.md")["aliases"] == ["/posts/2024/05/recall-of-the-l7/"]


def test_a_broken_configuration_of_the_old_site_is_named_with_its_line(
    tmp_path: Path, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    hugo = write(tmp_path / "blog", {"config.yml": "title: x\npermalinks: [a\n",
                                     "content/posts/a.md": "---\ntitle: A\n---\nx\n"})
    site = make_site({})
    code, _ = import_into(site, hugo / "content/posts", monkeypatch=monkeypatch)
    assert code == 2
    assert f"{hugo / 'config.yml'}:3:" in capsys.readouterr().err
    assert not (site.root / "docs/news").exists()


def test_old_address_rules_of_each_generator() -> None:
    facts = PostFacts("2024-05-06-plant-opens.md", "Plant Opens!", dt.date(2024, 5, 6), "",
                      ("News", "EV cars"))
    assert jekyll_address("date", facts) == "/news/ev-cars/2024/05/06/plant-opens.html"
    assert jekyll_address("ordinal", facts) == "/news/ev-cars/2024/127/plant-opens.html"
    assert jekyll_address("none", facts) == "/news/ev-cars/plant-opens.html"
    assert jekyll_address("/:year/:i_month/:slug", facts) == "/2024/5/plant-opens"
    hugo = OldSite("hugo", None, {"posts": "/:2006/:01/:02/:title/"})
    post = PostFacts("posts/蓝湾 召回.md", "蓝湾 召回！", dt.datetime(2024, 5, 6, 8), "")
    assert hugo_address(hugo, post, Path("/content")) == "/2024/05/06/蓝湾-召回/"
    pelican = OldSite("pelican", None, {"": "{category}/{slug}.html"})
    assert old_address(pelican, PostFacts("a.md", "A b", None, "", ("News",)), {}, Path()) == "/News/a-b.html"
    own = {"url": "https://x.org/k/"}  # the post's own address wins; a full URL loses its host
    assert old_address(pelican, PostFacts("a.md", "A", None, ""), own, Path()) == "/k/"


def test_an_old_address_that_is_a_story_of_the_new_site_is_not_made_an_alias(
    tmp_path: Path, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch,
) -> None:
    hugo = write(tmp_path / "blog", {
        "hugo.toml": '[permalinks]\nposts = "/news/:filename/"\n',
        "content/posts/existing.md": "---\ntitle: A\ndate: 2024-05-06\nslug: a\n---\nx\n",
        "content/posts/b.md": "---\ntitle: B\ndate: 2024-05-06\nslug: c\n---\nx\n",
        "content/posts/c.md": "---\ntitle: C\ndate: 2024-05-06\nslug: b\n---\nx\n",
        "content/posts/d.md": "---\ntitle: D\ndate: 2024-05-06\n"
                              "aliases: [/, /tags/ev/, /economy/, '/x?y=1', /old/d/, '/a|b/']\n---\nx\n",
    })
    site = make_site({"news/existing.md": article("Existing")})
    code, out = import_into(site, hugo / "content/posts", monkeypatch=monkeypatch)
    assert code == 0, out
    # existing.md was /news/existing/, the address of a story already there; b and c swapped names
    for name in ("a", "b", "c"):
        assert "aliases" not in frontmatter.load(site.root / f"docs/news/{name}.md").metadata, name
    assert frontmatter.load(site.root / "docs/news/d.md")["aliases"] == ["/old/d/"]  # the build's own dropped
    assert "alias-dropped: 8 in 4 files" in out and "'a|b' contains |" in out
