"""`masthead import site.WordPress.xml`: a WordPress export becomes stories that build strictly."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import frontmatter
import pytest
import yaml

from masthead import wordpress
from masthead.cli import main
from masthead.importer import Post
from masthead.wordpress import BodyConverter, Export, Item, read_export, to_markdown, wpautop
from tests.conftest import ROOT, Site, article
from tests.imaging import photo

MakeSite = Callable[..., Site]
EXPORT = ROOT / "tests/fixtures/wordpress/ledger.WordPress.xml"
SECTIONS = "行业新闻:news,Reviews:economy"


def run(site: Site, source: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(site.root)
    out = io.StringIO()
    code = main(["import", str(source), *args], out=out)
    return code, out.getvalue()


def item(content: str, title: str = "T", **fields: object) -> Item:
    values: dict[str, object] = dict(
        line=1, id="1", type="post", status="publish", title=title, link="", creator="", content=content,
        excerpt="", date="", date_gmt="", name="", password="", sticky=False, parent="0", categories=[],
        meta={}, comments=0, attachment_url="")
    values.update(fields)
    return Item(**values)  # type: ignore[arg-type]


def convert(content: str, attachments: list[Item] | None = None) -> tuple[str, dict[str, int]]:
    post = Post("x.xml:1", Path("x.xml"), {}, content, "wordpress")
    the_item = item(content)
    export = Export(Path("x.xml"), "https://old.example.cn", {}, [the_item, *(attachments or [])])
    body = BodyConverter(post, the_item, export).convert(content)
    counts: dict[str, int] = {}
    for note in post.notes:
        counts[note.kind] = counts.get(note.kind, 0) + note.count
    return body, counts


# -- the body ------------------------------------------------------------------------------------


def test_wpautop_makes_paragraphs_of_blank_lines_and_leaves_blocks_and_pre_alone() -> None:
    text = ("First line\nsecond line\n\nNext para\n\n<h2>Head</h2>\n\n<pre>a\n\nb</pre>\n\n"
            "<ul>\n<li>x</li>\n</ul>")
    assert wpautop(text) == ("<p>First line<br />\nsecond line</p>\n\n<p>Next para</p>\n\n<h2>Head</h2>\n\n"
                             "<pre>a\n\nb</pre>\n\n<ul>\n<li>x</li>\n</ul>")


def test_classic_editor_content_shortcodes_and_html_without_markdown_form() -> None:
    attachments = [item("", title="hose", id="7", type="attachment", parent="1",
                        attachment_url="https://old.example.cn/u/hose.png",
                        meta={"_wp_attachment_image_alt": "A hose"})]
    content = ('One\ntwo\n\n[caption id="a" width="300"]<img src="https://old.example.cn/u/a.jpg" '
               'alt="Plant"> The plant[/caption]\n\n[gallery]\n\n'
               'H<sub>2</sub>O [sic] [photo by Li Ming] and [[caption]] literally.\n\n'
               '[embed]https://www.youtube.com/watch?v=abc[/embed]\n\n[video src="https://old.example.cn/v.mp4"]'
               '\n\n[unknown_widget id="3"]\n\n[box]Inside[/box]\n\n<iframe src="https://maps.example/x" '
               'title="Map"></iframe>\n\n<!--more-->\n\n<pre>[caption]kept[/caption]</pre>')
    body, counts = convert(content, attachments)
    assert body.startswith("One  \ntwo\n\n![Plant](https://old.example.cn/u/a.jpg)\n\n*The plant*\n\n")
    assert "![A hose](https://old.example.cn/u/hose.png)" in body  # [gallery]: the post's attachments
    assert "H<sub>2</sub>O [sic] [photo by Li Ming] and [caption] literally." in body
    assert "<https://www.youtube.com/watch?v=abc>" in body
    assert '<video controls="" src="https://old.example.cn/v.mp4">' in body
    assert "unknown_widget" not in body and "[box]" not in body and "Inside" in body
    assert "[Map](https://maps.example/x)" in body and "<iframe" not in body
    assert "more" not in body and "```\n[caption]kept[/caption]\n```" in body
    assert counts == {"shortcode-rendered": 4, "shortcode-removed": 2}


def test_block_editor_comments_go_and_its_paragraphs_are_not_split_again() -> None:
    content = ('<!-- wp:paragraph {"align":"center"} -->\n<p>A\nB</p>\n<!-- /wp:paragraph -->\n\n'
               '<!-- wp:separator --><hr class="wp-block-separator"/><!-- /wp:separator -->')
    body, counts = convert(content)
    assert body == "A\nB\n\n---\n" and counts == {}
    assert to_markdown("<p>a <strong>b</strong></p><h3>c</h3>") == "a **b**\n\n### c\n"


# -- whole imports -------------------------------------------------------------------------------


def test_a_wordpress_export_imports_every_case_and_builds_strictly(
    tmp_path: Path, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch,
) -> None:
    authors = "# The newsroom's staff\nlena-hartmann:\n  name: Lena Hartmann\n  title: Correspondent\n"
    site = make_site({"news/existing.md": article("Existing"), "authors.yml": authors})
    code, out = run(site, EXPORT, "--sections", SECTIONS, monkeypatch=monkeypatch)
    assert code == 0, out
    docs = site.root / "docs"
    assert "imported 6 of 8 posts" in out
    # Published, Chinese, classic editor, sticky, featured image, category mapped by --sections.
    zh = frontmatter.load(docs / "news/lan-wan-l7-zhao-hui.md")  # percent-encoded post_name → pinyin
    assert zh["title"] == "蓝湾L7召回一万辆" and zh["pinned"] is True
    assert zh["date"] == "2024-05-06 08:08:09"  # post_date_gmt 00:08:09 in Asia/Shanghai
    assert zh["author"] == "张伟" and zh["tags"] == ["新能源"] and zh["summary"] == "蓝湾召回一万辆L7。"
    assert zh["aliases"] == ["/2024/05/蓝湾l7召回/"]
    assert zh["image"] == "https://old.example.cn/wp-content/uploads/2024/05/plant.jpg"
    assert zh["image_alt"] == "蓝湾在合肥的工厂"
    assert "召回范围见[英文报道](../economy/bluebay-recalls-l7.md)。" in zh.content  # ?p=102, relinked
    assert "*蓝湾在合肥的工厂*" in zh.content and "**编者注：**" in zh.content
    # English, block editor: categories Reviews → economy, Recalls → a tag.
    en = frontmatter.load(docs / "economy/bluebay-recalls-l7.md")
    assert en["tags"] == ["Recalls", "Brakes"] and en["author"] == "Lena Hartmann"
    assert "[Chinese report](../news/lan-wan-l7-zhao-hui.md)" in en.content
    assert "## What owners should do" in en.content and "| L7 | 10,000 |" in en.content
    assert "wp:" not in en.content and "contact-form" not in en.content
    # Drafts, pending and private → drafts (no old address to keep); future → its date.
    for name in ("news/draft-battery-prices.md", "news/dealer-survey.md", "news/nei-bu.md"):
        story = frontmatter.load(docs / name)
        assert story["draft"] is True and "aliases" not in story.metadata, name
    assert frontmatter.load(docs / "news/draft-battery-prices.md")["date"] == "2024-06-01 10:00"
    scheduled = frontmatter.load(docs / "economy/motor-show.md")
    assert scheduled["date"] == "2031-04-01 09:00" and "aliases" not in scheduled.metadata  # never public
    assert not list(docs.rglob("members*.md")) and not list(docs.rglob("about*.md"))
    for line in ("password-protected: 1 in 1 file", "status-skipped: 1 in 1 file",
                 "not-a-post: 1 in 1 file", "comments-dropped: 2 in 1 file", "image-remote: 1 in 1 file",
                 "shortcode-removed: 2 in 1 file"):
        assert f"  {line}" in out, line
    assert "ledger.WordPress.xml:185: password-protected" in out  # the item's line in the export
    # authors.yml: merged, the existing entry and comment kept, new people added by display name.
    staff = (docs / "authors.yml").read_text(encoding="utf-8")
    assert staff.startswith(authors)
    assert yaml.safe_load(staff) == {"lena-hartmann": {"name": "Lena Hartmann", "title": "Correspondent"},
                                     "omar": {"name": "Omar Reyes"}, "zhangwei": {"name": "张伟"}}
    rows = (site.root / "import-ledger.WordPress-addresses.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "old,new" and "/2024/05/蓝湾l7召回/,/news/lan-wan-l7-zhao-hui/" in rows
    assert "/?p=102,/economy/bluebay-recalls-l7/" in rows and not any("p=103" in r for r in rows)

    result = site.build("--strict")
    assert result.returncode == 0, result.stderr
    page = site.html("news/lan-wan-l7-zhao-hui/")
    assert page.h1.get_text() == "蓝湾L7召回一万辆"
    assert page.find("audio") is None and site.html("economy/bluebay-recalls-l7/").find("audio") is not None


def test_fetch_images_copies_the_featured_picture_into_docs(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch,
) -> None:
    fetched: list[str] = []

    def fake_fetch(url: str) -> bytes:
        fetched.append(url)
        return photo(16, 9, "JPEG")

    monkeypatch.setattr(wordpress, "fetch", fake_fetch)
    site = make_site({})
    code, out = run(site, EXPORT, "--sections", SECTIONS, "--fetch-images", monkeypatch=monkeypatch)
    assert code == 0, out
    zh = frontmatter.load(site.root / "docs/news/lan-wan-l7-zhao-hui.md")
    uploads = "assets/imported/old.example.cn/wp-content/uploads/2024/05"
    assert zh["image"] == f"../{uploads}/plant.jpg"
    assert (site.root / "docs" / uploads / "plant.jpg").is_file()
    # the pictures in the text too, each fetched once
    assert f"![蓝湾工厂](../{uploads}/plant.jpg)" in zh.content
    assert f"![A worn brake hose](../{uploads}/hose.png)" in zh.content
    names = ("hose.png", "plant.jpg")
    assert sorted(fetched) == [f"https://old.example.cn/{uploads.removeprefix('assets/imported/old.example.cn/')}/{n}"
                               for n in names]
    assert "image-remote" not in out
    assert site.build("--strict").returncode == 0


def test_a_fetched_file_that_is_not_a_picture_or_not_on_the_web_is_left_out_with_a_warning(
    tmp_path: Path, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(wordpress, "fetch", lambda url: b"<html>Not found</html>")
    site = make_site({})
    code, out = run(site, EXPORT, "--fetch-images", monkeypatch=monkeypatch)
    assert code == 0, out
    assert "image-fetch-failed: 2 in 1 file" in out  # plant.jpg (featured and in the text), hose.png
    assert "plant.jpg: not a picture (UnidentifiedImageError)" in out
    assert "image" not in frontmatter.load(site.root / "docs/news/lan-wan-l7-zhao-hui.md").metadata
    assert not (site.root / "docs/assets").exists()

    picture = tmp_path / "plant.jpg"
    picture.write_bytes(photo(16, 9, "JPEG"))
    monkeypatch.undo()
    with pytest.raises(ValueError, match="not a web address"):  # an export cannot make it read local files
        wordpress.fetch(picture.as_uri())
    assert "image" not in frontmatter.load(site.root / "docs/news/lan-wan-l7-zhao-hui.md").metadata


def test_a_malformed_export_is_refused_with_its_line_and_nothing_is_written(
    tmp_path: Path, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    lines[142] = lines[142].replace("</title>", "")  # line 143: an item's <title> left open
    broken = tmp_path / "broken.xml"
    broken.write_text("\n".join(lines), encoding="utf-8")
    site = make_site({"news/existing.md": article("Existing")})
    before = sorted(p.relative_to(site.root) for p in site.root.rglob("*"))
    code, out = run(site, broken, monkeypatch=monkeypatch)
    err = capsys.readouterr().err
    assert code == 2 and out == ""
    assert f"{broken}:" in err and "not well-formed" in err and "Traceback" not in err
    line = int(err.split(f"{broken}:")[1].split(":")[0])
    assert 143 <= line <= 160, err
    assert sorted(p.relative_to(site.root) for p in site.root.rglob("*")) == before


def test_an_export_with_entities_or_of_another_kind_reads_no_local_file(
    tmp_path: Path, make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    head = '<?xml version="1.0" encoding="UTF-8" ?>'
    text = EXPORT.read_text(encoding="utf-8").replace(
        head, f'{head}\n<!DOCTYPE rss [<!ENTITY leak SYSTEM "{secret.as_uri()}">]>',
    ).replace("<![CDATA[蓝湾L7召回一万辆]]></title>", "蓝湾L7召回一万辆&leak;</title>")
    export = tmp_path / "entity.xml"
    export.write_text(text, encoding="utf-8")
    parsed = read_export(export)
    assert parsed.items[0].title == "蓝湾L7召回一万辆"
    site = make_site({})
    code, _ = run(site, export, monkeypatch=monkeypatch)
    assert code == 0
    assert not any("TOP-SECRET" in p.read_text(encoding="utf-8") for p in (site.root / "docs").rglob("*.md"))

    rss = tmp_path / "feed.xml"
    rss.write_text('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>x</title></channel></rss>\n',
                   encoding="utf-8")
    assert run(site, rss, monkeypatch=monkeypatch)[0] == 2
    assert f"{rss}:2: not a WordPress export" in capsys.readouterr().err


def test_a_dry_run_of_an_export_writes_nothing_and_unknown_sections_are_refused(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({})
    code, out = run(site, EXPORT, "--dry-run", monkeypatch=monkeypatch)
    assert code == 0 and "would import 6 of 8 posts" in out and "would write 4 old addresses" in out
    assert not (site.root / "docs/news").exists() and not list(site.root.glob("*.csv"))
    assert run(site, EXPORT, "--sections", "Reviews:sports", monkeypatch=monkeypatch)[0] == 2
    assert "--sections: 'Reviews':'sports'" in capsys.readouterr().err


def test_authors_join_the_staff_file_by_display_name_without_taking_a_used_url_name(tmp_path: Path) -> None:
    staff = tmp_path / "authors.yml"
    staff.write_text("authors:\n  lena:\n    name: Lena Berg\n", encoding="utf-8")  # Material's layout
    people = {"lena": "Lena Hartmann", "lb": "Lena Berg", "wz": "王志"}
    added = wordpress.merge_authors(staff, people, "x.xml")
    assert added == ["lena-2", "wz"]
    assert yaml.safe_load(staff.read_text(encoding="utf-8")) == {"authors": {
        "lena": {"name": "Lena Berg"}, "lena-2": {"name": "Lena Hartmann"}, "wz": {"name": "王志"}}}
    assert wordpress.merge_authors(staff, {"lena": "Lena Hartmann"}, "x.xml") == []  # already there
