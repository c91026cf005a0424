"""The WeChat version of a story (hooks/masthead/wechat.py, wechat_export.py, `masthead wechat`)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import lxml.html
import pytest

from masthead.cli import main
from masthead.errors import MastheadError
from masthead.sanitize import sanitize_html
from masthead.wechat import Links, Promo, Story, Theme, load_theme, notes_of, render_story
from masthead.wechat_export import Exporter
from tests.conftest import ROOT, Site, article, settings

SITE = "https://news.example.org/"


def story(body: str, **fields: object) -> Story:
    values: dict[str, object] = {
        "src_uri": "news/plant.md", "url": "news/plant/", "lang": "en", "title": "Plant opens",
        "standfirst": "", "byline": (("source", "Ledger"),), "body_html": sanitize_html(body),
    }
    values.update(fields)
    return Story(**values)  # type: ignore[arg-type]


def render(body: str, *, theme: Theme | None = None, site_url: str = SITE,
           titles: dict[str, str] | None = None, **fields: object) -> str:
    return render_story(story(body, **fields), theme or Theme(), Links(site_url, titles or {}))


def tree(html_text: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(html_text)


def styles(element: lxml.html.HtmlElement) -> dict[str, str]:
    return dict(part.split(":", 1) for part in (element.get("style") or "").split(";") if part)


# -- inline styles -------------------------------------------------------------------------------


def test_every_element_gets_its_style_inline_from_the_theme() -> None:
    body = """<h2>Why now</h2><p>Text with <strong>bold</strong> and <code>x = 1</code>.</p>
    <blockquote><p>A quote.</p></blockquote>
    <pre><code class="language-py">print(1)</code></pre>
    <table><thead><tr><th style="text-align: right;">Units</th></tr></thead>
    <tbody><tr><td style="text-align: right;">12</td></tr></tbody></table>"""
    theme = Theme(accent="#0055aa", font_size=17, line_height=1.8, headings="underline")
    root = tree(render(body, theme=theme))
    h2 = root.find(".//h2")
    assert styles(h2)["border-bottom"] == "2px solid #0055aa"
    p = next(p for p in root.iter("p") if "Text with" in p.text_content())
    assert styles(p)["font-size"] == "17px" and styles(p)["line-height"] == "1.8"
    assert styles(root.find(".//blockquote"))["border-left"] == "3px solid #0055aa"
    inline, block = root.find(".//p/code"), root.find(".//pre/code")
    assert "background" in styles(inline) and styles(block)["white-space"] == "pre"
    assert styles(root.find(".//pre"))["overflow-x"] == "auto"
    th, td = root.find(".//th"), root.find(".//td")
    assert styles(th)["text-align"] == "right" and styles(td)["text-align"] == "right"
    box = root.find(".//table").getparent()
    assert box.tag == "section" and styles(box)["overflow-x"] == "auto"  # scrolls on a phone
    for element in root.iter():
        if element.tag not in ("tr", "thead", "tbody", "span", "br"):
            assert element.get("style"), element.tag


def test_chinese_is_justified_with_strict_line_breaks_and_english_is_not() -> None:
    def paragraph(body: str, lang: str) -> dict[str, str]:
        root = tree(render(f"<p>{body}</p>", lang=lang))
        return styles(next(p for p in root.iter("p") if p.text == body))

    zh, en = paragraph("正文。", "zh"), paragraph("Text.", "en")
    assert zh["text-align"] == "justify" and zh["line-break"] == "strict"
    assert en["text-align"] == "left"


def test_headline_standfirst_byline_dateline_promo_and_disclaimer_frame_the_body() -> None:
    html_text = render("<p>First paragraph.</p>", lang="zh", title="标题", standfirst="导语",
                       byline=(("author", "周文博、Marcus Ellery"), ("source", "汽车纪事"),
                               ("published", "2026年11月24日 08:00")),
                       dateline="上海，汽车纪事 — ", disclaimer="虚构的新闻。",
                       promo=Promo("每晚一份简报。", "汽车纪事", "motorledger_demo"))
    root = tree(html_text)
    texts = [p.text_content() for p in root.iter("h1", "p")]
    assert texts[:3] == ["标题", "导语",
                         "作者：周文博、Marcus Ellery  ·  来源：汽车纪事  ·  发布：2026年11月24日 08:00"]
    assert texts[3] == "上海，汽车纪事 — First paragraph."
    assert texts[-4:] == ["订阅我们的微信公众号", "每晚一份简报。",
                          "微信公众号：汽车纪事  ·  微信号：motorledger_demo", "免责声明：虚构的新闻。"]


def test_chart_figures_keep_their_caption_and_table_and_lose_the_drawing() -> None:
    # The shape of charts.py's figures: a caption, a colour key and plots (inline SVG), the data
    # in <details>, notes under it.
    chart = """<figure class="mh-chart mh-chart--bar" id="chart-1"><figcaption class="mh-chart__head">
    <span class="mh-chart__title">Sales by month</span><span class="mh-chart__unit">Unit: cars</span>
    </figcaption><ul class="mh-chart__key"><li><svg><rect/></svg>2025</li></ul>
    <div class="mh-chart__plots"><svg viewBox="0 0 10 10" onload="alert(1)"><text>hidden</text></svg></div>
    <details class="mh-chart__data"><summary>Data</summary><table><caption>Sales by month (cars)
    </caption><thead><tr><th scope="col">Month</th><th scope="col">Units</th></tr></thead><tbody><tr>
    <th scope="row">Jan</th><td class="mh-chart__num">5</td></tr></tbody></table></details>
    <p class="mh-chart__foot">Source: Ledger</p></figure>"""
    out = render_story(story("<p>x</p>", body_html=chart), Theme(), Links(SITE))
    check_clean(out)
    figure = tree(out).find(".//figure")
    assert "<svg" not in out and "hidden" not in out and "2025" not in out and "Data" not in out
    assert [e.text_content().strip() for e in figure.iter("figcaption", "p")] == [
        "Sales by month · Unit: cars", "Source: Ledger"]
    assert [c.text_content() for c in figure.iter("th", "td")] == ["Month", "Units", "Jan", "5"]
    assert styles(figure.find(".//td"))["text-align"] == "right"  # a number
    assert figure.find(".//section") is not None  # the table scrolls in its box


def test_a_table_caption_is_a_line_above_the_table() -> None:
    root = tree(render("<table><caption>Sales</caption><tr><td>a</td></tr></table>"))
    line = root.find(".//table").getparent().getprevious()
    assert line.tag == "p" and line.text == "Sales" and root.find(".//caption") is None


def test_footnote_backlinks_go_and_their_numbers_stay() -> None:
    body = """<p>Claim<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>.</p>
    <div class="footnote"><hr><ol><li id="fn:1"><p>Source. <a class="footnote-backref"
    href="#fnref:1" title="Jump back">&#8617;</a></p></li></ol></div>"""
    out = render(body)
    assert "↩" not in out and "<a" not in out
    assert tree(out).find(".//sup").text_content() == "1"
    assert tree(out).find(".//li").text_content().strip() == "Source."


# -- links become notes --------------------------------------------------------------------------


def test_links_become_numbered_notes_repeated_ones_share_a_number_own_anchors_are_dropped() -> None:
    body = """<p><a href="https://example.com/report">the report</a>, <a href="#why-now">below</a>,
    <a href="../other-story/">another story</a>, <a href="https://example.com/b">B</a> and
    <a href="https://example.com/report">the report again</a>, <a href="../plant/#x">here</a>,
    <a href="mailto:desk@example.org">write</a>.</p>"""
    out = render(body, titles={"news/other-story/": "Other story's title"})
    root = tree(out)
    assert root.find(".//a") is None
    first = root.find(".//p[sup]")
    assert [s.text for s in first.iter("sup")] == ["[1]", "[2]", "[3]", "[1]", "[4]"]
    assert "below," in first.text_content() and "here," in first.text_content()
    assert notes_of(out) == [
        "[1] the report: https://example.com/report",
        f"[2] Other story's title: {SITE}news/other-story/",
        "[3] B: https://example.com/b",
        "[4] write: desk@example.org",
    ]


def test_links_to_the_site_by_its_full_address_are_recognised_as_its_stories() -> None:
    out = render(f'<p><a href="{SITE}news/other-story/">x</a> <a href="{SITE}news/plant/#a">self</a></p>',
                 titles={"news/other-story/": "Other"})
    assert notes_of(out) == [f"[1] Other: {SITE}news/other-story/"]


def test_links_to_wechat_articles_stay_links() -> None:
    out = render('<p><a href="https://mp.weixin.qq.com/s/abc">earlier post</a></p>')
    a = tree(out).find(".//a")
    assert a.get("href") == "https://mp.weixin.qq.com/s/abc" and notes_of(out) == []


def test_a_chinese_story_lists_its_notes_under_a_chinese_label() -> None:
    out = render('<p><a href="https://example.com/s">联合声明</a>。</p>', lang="zh")
    assert "参考链接" in out and notes_of(out) == ["[1] 联合声明：https://example.com/s"]


# -- safety ------------------------------------------------------------------------------------


HOSTILE_BODY = """<p onclick="steal()">Hi <a href="javascript:alert(1)">click</a>
<a href="JaVaScRiPt:alert(2)" onmouseover="x()">two</a> <img src="x.png" onerror="alert(3)" alt="a">
<span style="background:url(javascript:alert(4))">s</span></p><script>alert(5)</script>
<style>p{color:red}</style><iframe src="https://evil.example"></iframe>
<a href="data:text/html,<script>alert(6)</script>">data</a><form><button>b</button></form>
<p class="x" id="y" data-x="1" aria-label="z">attrs</p><svg><script>alert(7)</script></svg>"""


def check_clean(html_text: str) -> None:
    """No style block, class, id, script, event handler or relative or non-http URL."""
    assert not re.search(r"<\s*(style|script|iframe|svg|form|object|embed)\b", html_text, re.I)
    assert not re.search(r"<[^>]*\s(class|id|on[a-z]+)\s*=", html_text, re.I)  # in a tag
    assert "javascript:" not in html_text.lower()
    root = tree(html_text)
    for element in root.iter():
        for name, value in element.attrib.items():
            assert name in ("style", "src", "alt", "href", "start", "colspan", "rowspan"), name
            if name in ("src", "href"):
                assert value.startswith(("https://", "http://")), value
            if name == "style":
                assert "url(" not in value and "expression" not in value


def test_hostile_markup_never_reaches_the_output() -> None:
    check_clean(render(HOSTILE_BODY))


def test_hostile_front_matter_is_escaped_as_text() -> None:
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>"\''
    out = render("<p>x</p>", title=evil, standfirst=evil, byline=(("author", evil),),
                 dateline=evil, disclaimer=evil, promo=Promo(evil, evil, "abcdef"))
    check_clean(out)
    assert out.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 7  # each field once


def test_the_same_story_gives_the_same_bytes() -> None:
    body = '<p><a href="https://example.com/a">a</a> <img src="../../assets/p.png" alt="p"></p>'
    assert render(body) == render(body)


# -- pictures ------------------------------------------------------------------------------------


def test_pictures_are_fetched_by_absolute_url_from_the_published_site() -> None:
    links = Links(SITE, picture=lambda path: "assets/img/abc-960.jpg" if path == "assets/p.jpg" else None)
    out = render_story(story('<p><img src="../../assets/p.jpg" alt="Plant"></p>', image="assets/lead.png",
                             image_alt="Lead"), Theme(), links)
    srcs = [img.get("src") for img in tree(out).iter("img")]
    assert srcs == [f"{SITE}assets/lead.png", f"{SITE}assets/img/abc-960.jpg"]


def test_without_site_url_each_picture_is_named_with_its_line_and_the_fix() -> None:
    source = "---\ntitle: T\nimage: ../assets/lead.png\n---\n\nText\n\n![Plant](../assets/p.jpg)\n"
    with pytest.raises(MastheadError) as caught:
        render('<p><img src="../../assets/p.jpg" alt="Plant"></p>', site_url="",
               image="assets/lead.png", source_text=source)
    report = caught.value.report()
    assert "news/plant.md:3: image: assets/lead.png: the picture has no public URL" in report
    assert "news/plant.md:8: body image: assets/p.jpg: the picture has no public URL" in report
    assert "set site_url" in report


# -- theme settings ---------------------------------------------------------------------------


def test_theme_defaults_suit_chinese_reading_on_phones() -> None:
    assert load_theme(None) == load_theme({"account": "x"}) == Theme()
    assert (Theme().font_size, Theme().line_height) == (16, 1.75)
    assert load_theme({"article": {"accent": "#ABC", "font_size": 15, "headings": "plain"}}) == Theme(
        accent="#abc", font_size=15, headings="plain")


def test_bad_theme_settings_are_all_reported_at_once_with_their_fix() -> None:
    with pytest.raises(MastheadError) as caught:
        load_theme({"article": {"accent": "red; background:url(x)", "font_size": 20, "line_height": "2",
                                "headings": "box", "button": "never", "colour": 1}})
    fields = [f.field for f in caught.value.faults]
    assert fields == [f"extra.masthead.wechat.article.{k}" for k in
                      ("accent", "button", "colour", "font_size", "headings", "line_height")]
    assert all(f.fix for f in caught.value.faults)


# -- the sample newsroom and the command ---------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> Iterator[Exporter]:
    yield Exporter(str(ROOT / "mkdocs.yml"))


def sample_stories() -> list[Path]:
    return sorted(p for p in (ROOT / "docs").glob("*/*.md"))


def test_every_sample_story_in_both_languages_is_clean(sample: Exporter) -> None:
    langs = set()
    for path in sample_stories():
        found = sample.room.require_catalog().by_src.get(path.relative_to(ROOT / "docs").as_posix())
        if found is None:
            continue
        langs.add(found.lang)
        out = sample.render(path)
        check_clean(out)
        assert found.title.split()[0] in out
    assert {"en", "zh"} <= langs


def test_a_sample_story_links_and_pictures(sample: Exporter) -> None:
    out = sample.render(ROOT / "docs/news/hua-xin-bei-qiao-dian-chi-he-bing.md")
    notes = notes_of(out)
    assert notes[0].startswith("[1] 首批动力电池退役高峰来临")
    assert notes[0].endswith("/industry-report/dong-li-dian-chi-hui-shou/")
    assert notes[1] == "[2] 联合声明：https://example.com/motor-ledger/huaxin-northbridge-statement"
    lead = tree(out).find(".//img")
    assert re.fullmatch(r"https://\S+/assets/img/[0-9a-f]{16}-\d+\.jpg", lead.get("src"))
    assert sample.render(ROOT / "docs/news/hua-xin-bei-qiao-dian-chi-he-bing.md") == out
    chart = tree(sample.render(ROOT / "docs/data-report/battery-installations-q2-2025.md"))
    caption = next(f for f in chart.iter("figcaption") if "Battery installations" in f.text_content())
    assert caption.getparent().find(".//table") is not None


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_the_command_prints_writes_and_explains(
    monkeypatch: pytest.MonkeyPatch, make_site: Callable[..., Site], capsys: pytest.CaptureFixture[str]
) -> None:
    body = "Text with [a link](https://example.com/x).\n\n![Plant](../plant.svg)"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"></svg>'
    site = make_site({"news/a.md": article("Plant <opens>", body=body), "plant.svg": svg})
    monkeypatch.chdir(site.root)
    code, out = run("wechat", "docs/news/a.md", "-o", "-")
    assert code == 0 and "Plant &lt;opens&gt;" in out and "[1] a link: https://example.com/x" in out
    assert 'src="https://example.org/plant.svg"' in out
    code, out = run("wechat", "docs/news/a.md")
    assert code == 0 and out.strip() == "a.wechat.html"
    written = (site.root / "a.wechat.html").read_text(encoding="utf-8")
    assert written == run("wechat", "docs/news/a.md", "-o", "-")[1]
    code, _ = run("wechat", "docs/news/missing.md")
    assert code == 2 and "no such file" in capsys.readouterr().err
    code, _ = run("wechat", "docs/news/a.md", "-o", "no/such/folder/a.html")
    assert code == 2 and "no/such/folder/a.html: cannot be written" in capsys.readouterr().err
    config = (site.root / "mkdocs.yml").read_text(encoding="utf-8")
    (site.root / "mkdocs.yml").write_text(config.replace("site_url: https://example.org/\n", ""),
                                          encoding="utf-8")
    code, _ = run("wechat", "docs/news/a.md", "-o", "-")
    err = capsys.readouterr().err
    assert code == 1 and "docs" not in err.split(":")[0]
    assert "news/a.md:8: body image: plant.svg: the picture has no public URL" in err


def test_a_theme_without_an_account_sets_the_look_and_button_always_publishes_the_button(
    make_site: Callable[..., Site]
) -> None:
    body = "See [the filing](https://example.com/f)."
    site = make_site({"news/a.md": article("Plant opens", body=body)},
                     settings(wechat={"article": {"button": "always", "accent": "#0055aa"}}))
    result = site.build("--strict")
    assert result.returncode == 0, result.stderr
    page = site.html("news/a/")
    template = page.find("template", id="mh-wechat-html")
    assert template is not None and page.find("button", attrs={"data-mh-wechat-copy": True})
    copied = template.decode_contents()
    check_clean(copied)
    assert "#0055aa" in copied and "[1] the filing: https://example.com/f" in copied
    assert "Subscribe on WeChat" not in copied  # no account: no promo


def test_a_bad_theme_stops_the_build_and_check_with_the_key(
    monkeypatch: pytest.MonkeyPatch, make_site: Callable[..., Site]
) -> None:
    site = make_site({"news/a.md": article()}, settings(wechat={"article": {"font_size": 20}}))
    result = site.build()
    assert result.returncode == 1 and "extra.masthead.wechat.article.font_size" in result.stderr
    assert "Traceback" not in result.stderr
    monkeypatch.chdir(site.root)
    code, out = run("check")
    assert code == 1 and "extra.masthead.wechat.article.font_size: expected 15, 16 or 17" in out


def test_loose_text_an_editor_wrote_between_blocks_becomes_paragraphs() -> None:
    out = render("Lead <b>bold</b> text<p>Para</p> after <i>it</i>")
    body = [p.text_content() for p in tree(out).iter("p")][1:]  # after the byline
    assert body == ["Lead bold text", "Para", "after it"]


def test_a_deck_stands_under_the_headline_in_place_of_the_summary(
    monkeypatch: pytest.MonkeyPatch, make_site: Callable[..., Site]
) -> None:
    site = make_site({"news/a.md": article("Plant opens", summary="The summary.", deck="The deck.")})
    monkeypatch.chdir(site.root)
    code, out = run("wechat", "docs/news/a.md", "-o", "-")
    assert code == 0 and next(p.text_content() for p in tree(out).iter("p")) == "The deck."
    assert "The summary." not in out
