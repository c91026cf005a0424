"""The WeChat Official Account (公众号) version of a story: one block of HTML to paste.

The account's editor keeps a narrow kind of HTML: it drops ``<style>`` blocks, classes and ids
(so every style here is inline), it does not keep links to other sites (so they become numbered
notes under the story, as doocs/md and mdnice do), and it fetches pictures by absolute URL.

``render_story`` takes a story's body as the site renders it (Markdown, then the sanitiser) and
rebuilds it with lxml on an allow-list: only the tags in ``TAGS`` and the attributes in
``ATTRIBUTES`` survive, every ``style`` is ours (made from the theme, never the editor's), and
every URL is absolute http(s). Nothing here knows MkDocs; the CLI (``wechat_export``) and the
event file give it plain values.

The theme lives in ``extra.masthead.wechat.article`` (see ``load_theme``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from .errors import Fault, MastheadError
from .i18n import family
from .settings import CONFIG_FILE, ROOT

THEME_PATH = f"{ROOT}.wechat.article"
HEADINGS = ("bar", "underline", "plain")
BUTTON = ("serve", "always")
_COLOUR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
# Links WeChat keeps in an article: other articles of the platform.
WECHAT_HOSTS = frozenset({"mp.weixin.qq.com"})

# What may reach the output: tags, and per tag the attributes besides ``style`` (always ours).
TAGS = frozenset({
    "section", "p", "h1", "h2", "h3", "h4", "span", "strong", "em", "u", "s", "sub", "sup",
    "code", "pre", "br", "hr", "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr",
    "th", "td", "img", "figure", "figcaption", "a",
})
ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "img": frozenset({"src", "alt"}), "a": frozenset({"href"}), "ol": frozenset({"start"}),
    "td": frozenset({"colspan", "rowspan"}), "th": frozenset({"colspan", "rowspan"}),
}
# Editor markup mapped onto the tags above (the rest is unwrapped, its text kept).
RENAME = {"b": "strong", "i": "em", "del": "s", "ins": "u", "mark": "strong", "h1": "h2",
          "h5": "h4", "h6": "h4", "div": "section", "aside": "section", "details": "section",
          "summary": "p", "dl": "section", "dt": "p", "dd": "p", "kbd": "code",
          "samp": "code", "var": "em", "cite": "em", "q": "span", "small": "span", "abbr": "span",
          "dfn": "em", "time": "span", "tfoot": "tbody", "figcaption": "figcaption"}
# Removed with everything inside: scripts and styles (the sanitiser took them already), inline
# SVG (the editor drops it; a chart's data stays in its table), and parts that need a browser.
DROP = frozenset({"script", "style", "svg", "source", "track", "template", "noscript", "iframe",
                  "object", "embed", "colgroup", "col", "wbr", "button", "input", "form"})

# What only the WeChat version says; the rest are the site's own labels (i18n, social).
LABELS = {
    "en": {"notes": "Links", "media": "Audio or video (see the story on the website)",
           "separator": ": ", "copy": "Copy for WeChat", "copied": "Copied: paste it into the "
           "WeChat editor", "failed": "Could not copy: allow the clipboard and try again"},
    "zh": {"notes": "参考链接", "media": "音视频（请在网站上查看原文）", "separator": "：",
           "copy": "复制到公众号", "copied": "已复制，可粘贴到公众号编辑器",
           "failed": "复制失败：请允许访问剪贴板后重试"},
    "zh-Hant": {"notes": "參考連結", "media": "音視頻（請在網站上查看原文）", "separator": "：",
                "copy": "複製到公眾號", "copied": "已複製，可貼上到公眾號編輯器",
                "failed": "複製失敗：請允許存取剪貼簿後重試"},
}


def labels(lang: str) -> dict[str, str]:
    """The labels of the WeChat version in ``lang``: its own, the site's and the promo's."""
    from . import i18n, social

    own = LABELS.get(lang) or LABELS["zh" if family(lang) == "zh" else "en"]
    site, promo = i18n.labels(lang), social.labels(lang)
    return {**own, **{k: site[k] for k in ("author", "source", "published", "updated", "disclaimer")},
            "promo_title": promo["promo_title"], "account": promo["wechat_account"],
            "id": promo["wechat_id"]}


@dataclass(frozen=True)
class Theme:
    """How the WeChat version looks (``extra.masthead.wechat.article``)."""

    accent: str = "#b3121b"  # the site's masthead red
    font_size: int = 16  # px, body text: 15-17 reads well on phones
    line_height: float = 1.75
    headings: str = "bar"  # bar: a rule at the left; underline; plain: accent colour only
    button: str = "serve"  # "Copy for WeChat" on story pages: in `mkdocs serve` only, or always


def load_theme(wechat: object) -> Theme:
    """The theme from the ``wechat`` block of ``extra.masthead`` (its ``article`` key)."""
    raw = wechat.get("article") if isinstance(wechat, Mapping) else None
    if raw is None:
        return Theme()
    faults: list[Fault] = []

    def fault(key: str, message: str, fix: str) -> None:
        faults.append(Fault(CONFIG_FILE, None, f"{THEME_PATH}.{key}" if key else THEME_PATH, message, fix))

    if not isinstance(raw, Mapping):
        fault("", "expected a mapping of settings",
              "write article: {accent: '#b3121b', font_size: 16, headings: bar}")
        raise MastheadError(faults)
    known = ("accent", "font_size", "line_height", "headings", "button")
    for key in raw:
        if key not in known:
            fault(str(key), "is not a known setting", f"use one of: {', '.join(known)}")
    base = Theme()
    accent = raw.get("accent", base.accent)
    if not isinstance(accent, str) or not _COLOUR_RE.match(accent):
        fault("accent", f"{accent!r:.40} is not a colour",
              "write a hex colour in quotes, e.g. accent: '#b3121b'")
        accent = base.accent
    size = raw.get("font_size", base.font_size)
    if isinstance(size, bool) or not isinstance(size, int) or not 15 <= size <= 17:
        fault("font_size", f"expected 15, 16 or 17 (px), got {size!r:.40}",
              "write font_size: 16; WeChat readers see 15-17 px best on phones")
        size = base.font_size
    height = raw.get("line_height", base.line_height)
    if isinstance(height, bool) or not isinstance(height, (int, float)) or not 1.4 <= height <= 2.2:
        fault("line_height", f"expected a number from 1.4 to 2.2, got {height!r:.40}",
              "write line_height: 1.75")
        height = base.line_height
    choices = {"headings": HEADINGS, "button": BUTTON}
    picked: dict[str, str] = {}
    for key, options in choices.items():
        value = raw.get(key, getattr(base, key))
        if value not in options:
            fault(key, f"{value!r:.40} is not one of {', '.join(options)}", f"write {key}: {options[0]}")
            value = getattr(base, key)
        picked[key] = str(value)
    if faults:
        raise MastheadError(faults)
    return Theme(accent=accent.lower(), font_size=size, line_height=float(height), **picked)


# -- the story ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Promo:
    text: str
    account: str
    wechat_id: str


@dataclass(frozen=True)
class Story:
    """Everything of one story the WeChat version shows, as plain values."""

    src_uri: str  # for messages: "news/plant-opens.md"
    url: str  # site-relative: "news/plant-opens/"
    lang: str
    title: str
    standfirst: str
    byline: tuple[tuple[str, str], ...]  # (label key, text): author, source, published, updated
    body_html: str  # the rendered, sanitised body
    dateline: str = ""  # "SHANGHAI, Motor Ledger — " as the site shows it, or ""
    image: str = ""  # site-relative path or http(s) URL of the lead picture
    image_alt: str = ""
    promo: Promo | None = None
    disclaimer: str = ""
    source_text: str = field(default="", repr=False)  # the Markdown file, for line numbers


@dataclass(frozen=True)
class Links:
    """What the links and pictures of a story point to."""

    site_url: str  # absolute, "" when the site has none
    titles: Mapping[str, str] = field(default_factory=dict)  # site-relative story URL -> title
    # site-relative path of a picture -> site-relative path of the file to show (a variant)
    picture: Callable[[str], str | None] = lambda path: path
    used: set[str] = field(default_factory=set)  # pages of the site the links pointed to (filled in)


def render_story(story: Story, theme: Theme, links: Links) -> str:
    """The story as WeChat-ready HTML; raise MastheadError naming each picture without a public URL."""
    css = Styles(theme, story.lang)
    text = labels(story.lang)
    notes = Notes(story, links)
    faults: list[Fault] = []
    root = _element("section", css.root)
    _add(root, "h1", css.style("h1"), story.title)
    if story.standfirst:
        _add(root, "p", css.style("standfirst"), story.standfirst)
    meta = "  ·  ".join(_byline_item(text, key, value, story.lang) for key, value in story.byline if value)
    if meta:
        _add(root, "p", css.style("byline"), meta)
    if story.image:
        src = _picture_url(story.image, story, links, faults, "image")
        if src:
            figure = _element("figure", css.style("figure"))
            figure.append(_element("img", css.style("img"), src=src, alt=story.image_alt))
            root.append(figure)
    body = _body(story, links, notes, faults)
    if story.dateline:
        _dateline(body, story.dateline)
    _allow_only(body, css)
    for section in list(body.iter("section")):  # a wrapper left with nothing in it
        if section is not body and not len(section) and not section.text_content().strip():
            _remove(section)
    for child in _blocks(body, css):
        root.append(child)
    if notes.items:
        box = _element("section", css.style("notes"))
        _add(box, "p", css.style("notes_title"), text["notes"])
        for number, (label, url) in enumerate(notes.items, start=1):
            line = f"[{number}] {label}" + (f"{text['separator']}{url}" if url and url != label else "")
            _add(box, "p", css.style("note"), line)
        root.append(box)
    if story.promo is not None:
        box = _element("section", css.style("promo"))
        _add(box, "p", css.style("promo_title"), text["promo_title"])
        _add(box, "p", css.style("promo_text"), story.promo.text)
        facts = f"{text['account']}{text['separator']}{story.promo.account}"
        if story.promo.wechat_id:
            facts += f"  ·  {text['id']}{text['separator']}{story.promo.wechat_id}"
        _add(box, "p", css.style("promo_facts"), facts)
        root.append(box)
    if story.disclaimer:
        p = _add(root, "p", css.style("disclaimer"), "")
        _add(p, "strong", "", text["disclaimer"]).tail = text["separator"] + story.disclaimer
    if faults:
        raise MastheadError(faults)
    return str(lxml.html.tostring(root, encoding="unicode")) + "\n"


def _byline_item(text: Mapping[str, str], key: str, value: str, lang: str) -> str:
    if key == "author" and family(lang) != "zh":
        return f"{text[key]} {value}"  # "By Priya Raman"
    return f"{text[key]}{text['separator']}{value}"


# -- styles -------------------------------------------------------------------------------------


class Styles:
    """The inline style of each kind of element, made from the theme and the story's language."""

    def __init__(self, theme: Theme, lang: str) -> None:
        a, size, lh = theme.accent, theme.font_size, f"{theme.line_height:g}"
        zh = family(lang) == "zh"
        # Chinese: justified, punctuation kept off line starts (line-break: strict), a little
        # letter spacing; English: ragged right (justified Latin text leaves rivers on phones).
        flow = ("text-align:justify;line-break:strict;letter-spacing:0.5px"
                if zh else "text-align:left;hyphens:auto")
        text = f"font-size:{size}px;line-height:{lh};color:#222222"
        heading = {"bar": f"border-left:4px solid {a};padding-left:10px",
                   "underline": f"border-bottom:2px solid {a};padding-bottom:4px",
                   "plain": f"color:{a}"}[theme.headings]
        self.root = f"{text};{flow};word-break:break-word;overflow-wrap:break-word"
        self.table: dict[str, str] = {
            "h1": f"font-size:{size + 6}px;line-height:1.4;font-weight:bold;color:#1a1a1a;margin:0 0 12px",
            "standfirst": f"font-size:{size}px;line-height:{lh};color:#595959;margin:0 0 12px",
            "byline": f"font-size:{size - 3}px;line-height:1.6;color:#7a7a7a;margin:0 0 20px;"
                      f"padding-bottom:10px;border-bottom:1px solid #e5e5e5",
            "dateline": f"font-weight:bold;color:{a}",
            "p": f"{text};{flow};margin:0 0 1em",
            "h2": f"font-size:{size + 3}px;line-height:1.5;font-weight:bold;color:#1a1a1a;"
                  f"margin:1.6em 0 0.8em;{heading}",
            "h3": f"font-size:{size + 1}px;line-height:1.5;font-weight:bold;color:{a};margin:1.4em 0 0.6em",
            "h4": f"font-size:{size}px;line-height:1.5;font-weight:bold;color:#1a1a1a;margin:1.2em 0 0.5em",
            "ul": f"{text};margin:0 0 1em;padding-left:1.5em;list-style-type:disc",
            "ol": f"{text};margin:0 0 1em;padding-left:1.5em;list-style-type:decimal",
            "li": f"{text};{flow};margin:0 0 0.4em",
            "blockquote": f"margin:0 0 1em;padding:10px 14px;border-left:3px solid {a};"
                          f"background:#f7f7f5;color:#595959;font-size:{size - 1}px;line-height:{lh}",
            "pre": "margin:0 0 1em;padding:12px;background:#f5f5f3;border-radius:4px;overflow-x:auto;"
                   "font-size:13px;line-height:1.6;color:#333333;white-space:pre;text-align:left",
            "code": "font-family:Menlo,Consolas,monospace;font-size:90%;color:#8c0e15;"
                    "background:#f5f5f3;padding:1px 4px;border-radius:3px",
            "pre_code": "font-family:Menlo,Consolas,monospace;font-size:13px;color:#333333;"
                        "background:none;padding:0;white-space:pre",
            "table_box": "margin:0 0 1em;overflow-x:auto",
            "table_caption": f"font-size:{size - 2}px;line-height:1.5;font-weight:bold;color:#333333;"
                             "margin:0 0 6px;text-align:left",
            "chart_note": f"font-size:{size - 3}px;line-height:1.6;color:#7a7a7a;margin:6px 0 0;"
                          "text-align:left",
            "table": f"border-collapse:collapse;width:100%;font-size:{size - 2}px;line-height:1.5",
            # Cells break lines between words only (Chinese between any two characters): a
            # wide table scrolls in its box instead of splitting "+34.6%" over two lines.
            "th": "border:1px solid #d9d9d9;padding:6px 8px;background:#f5f5f3;font-weight:bold;"
                  "text-align:left;word-break:normal;overflow-wrap:normal",
            "td": "border:1px solid #d9d9d9;padding:6px 8px;text-align:left;word-break:normal;"
                  "overflow-wrap:normal",
            "tr": "", "thead": "", "tbody": "",
            "img": "display:block;max-width:100%;height:auto;margin:0 auto",
            "figure": "margin:0 0 1em;padding:0",
            "figcaption": f"font-size:{size - 3}px;line-height:1.6;color:#7a7a7a;text-align:center;"
                          "margin-top:6px",
            "hr": "border:0;border-top:1px solid #e5e5e5;margin:1.5em 0",
            "strong": "font-weight:bold;color:#1a1a1a",
            "em": "font-style:italic", "u": "text-decoration:underline",
            "s": "text-decoration:line-through", "sub": "font-size:75%", "sup": "font-size:75%",
            "span": "", "br": "", "section": "margin:0 0 1em",
            "box": f"margin:0 0 1em;padding:10px 14px;border:1px solid #e5e5e5;border-left:3px solid {a};"
                   "background:#fafafa",
            "box_title": f"font-weight:bold;color:{a};margin:0 0 0.5em",
            "note_ref": f"font-size:75%;color:{a}",
            "a": f"color:{a};text-decoration:none;border-bottom:1px solid {a}",
            "notes": f"margin:2em 0 1em;padding-top:10px;border-top:1px solid #e5e5e5;font-size:{size - 3}px",
            "notes_title": f"font-size:{size - 2}px;font-weight:bold;color:#595959;margin:0 0 6px",
            "note": f"font-size:{size - 4}px;line-height:1.6;color:#7a7a7a;margin:0 0 4px;"
                    "word-break:break-all;text-align:left",
            "promo": f"margin:2em 0 1em;padding:14px 16px;background:#f7f7f5;border-top:3px solid {a};"
                     "text-align:center",
            "promo_title": f"font-size:{size}px;font-weight:bold;color:{a};margin:0 0 6px",
            "promo_text": f"font-size:{size - 1}px;line-height:1.6;color:#333333;margin:0 0 6px",
            "promo_facts": f"font-size:{size - 3}px;line-height:1.6;color:#7a7a7a;margin:0",
            "disclaimer": f"font-size:{size - 4}px;line-height:1.6;color:#8a8a8a;margin:1em 0 0;"
                          "text-align:left",
        }

    def style(self, kind: str) -> str:
        return self.table.get(kind, "")


# -- links become notes -----------------------------------------------------------------------


class Notes:
    """Numbered notes for the story's links: one number per address, in order of first use."""

    def __init__(self, story: Story, links: Links) -> None:
        self.story, self.links = story, links
        self.numbers: dict[str, int] = {}
        self.items: list[tuple[str, str]] = []  # (label, absolute URL or "")

    def number(self, key: str, label: str, url: str) -> int:
        if key not in self.numbers:
            self.items.append((label, url))
            self.numbers[key] = len(self.items)
        return self.numbers[key]

    def classify(self, href: str) -> tuple[str, str, str] | None:
        """What a link becomes: ("keep", url, "") for a WeChat article, ("note", key, story
        title or ""), or None for a link to drop (this story's own anchors, other schemes)."""
        href = href.strip()
        if not href or href.startswith("#"):
            return None
        try:
            parts = urlsplit(href)
        except ValueError:
            return None
        scheme = parts.scheme.lower()
        site = self.links.site_url
        if scheme in ("mailto", "tel"):
            return ("note", href, "")
        if scheme in ("http", "https"):
            if parts.hostname in WECHAT_HOSTS and scheme == "https":
                return ("keep", href, "")
            if site and href.startswith(site):  # the site's own address: a story of ours?
                return self._local(href[len(site):])
            return ("note", href, "")
        if scheme or parts.netloc:
            return None
        joined = urlsplit(urljoin("http://site.invalid/" + self.story.url, href))
        return self._local(joined.path.lstrip("/") + (f"#{joined.fragment}" if joined.fragment else ""))

    def _local(self, path: str) -> tuple[str, str, str] | None:
        page, _, fragment = path.partition("#")
        page = posixpath.normpath(page) + ("/" if page.endswith("/") else "") if page else ""
        page = "" if page in (".", "./") else page
        if page == self.story.url or page == self.story.url.rstrip("/"):
            return None  # this story itself: its own anchors go, their text stays
        self.links.used.add(page)
        title = self.links.titles.get(page, "")
        url = self.links.site_url + page + (f"#{fragment}" if fragment else "") if self.links.site_url else ""
        return ("note", url or page, title)


def _body(story: Story, links: Links, notes: Notes, faults: list[Fault]) -> Any:
    root = lxml.html.fragment_fromstring(story.body_html or "", create_parent="section")
    for element in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _remove(element)
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        classes = set((element.get("class") or "").split())
        if element.tag in DROP or classes & {"footnote-backref", "headerlink"}:
            _remove(element)
        elif element.tag == "picture":  # an editor's own <picture>: its <img> stays
            element.drop_tag()
    for element in list(root.iter("figure")):
        if "mh-chart" in (element.get("class") or "").split():
            _chart(element)
    for caption in list(root.iter("caption")):  # a table's title: a line above it
        line = lxml.html.Element("p")
        line.set("class", "mh-table-caption")
        line.text = caption.text_content().strip()
        table = caption.getparent()
        _remove(caption)
        if line.text and table is not None:
            table.addprevious(line)
    for element in list(root.iter("audio", "video")):
        _media(element, notes)
    for element in list(root.iter("a")):
        _link(element, notes)
    for element in list(root.iter("img")):
        src = _picture_url(element.get("src") or "", story, links, faults, "body image")
        if src:
            element.set("src", src)
        else:
            _remove(element)
    return root


def _chart(figure: Any) -> None:
    """A chart (charts.py's ``<figure class="mh-chart">``): its caption on one line, its data
    tables and its notes. The drawing, its colour key and the "Data" toggle go: the WeChat editor
    drops inline SVG, and the table carries the numbers."""
    for child in list(figure):
        if not isinstance(child.tag, str):
            continue
        if child.tag == "figcaption":
            parts = [s.text_content().strip() for s in child if s.tag == "span"]
            text = " · ".join(p for p in parts if p) or child.text_content().strip()
            for inner in list(child):
                child.remove(inner)
            child.text = text
            child.set("class", "mh-table-caption")  # a title above the table, not a picture's line
        elif child.tag == "p":
            child.set("class", "mh-chart-note")
        elif child.tag == "table":
            continue
        else:
            for table in list(child.iter("table")):
                child.addprevious(table)
                table.tail = None
            _remove(child)
    for caption in list(figure.iter("caption")):  # the figure's caption says it already
        _remove(caption)


BLOCKS = frozenset({"section", "p", "h1", "h2", "h3", "h4", "pre", "hr", "blockquote", "ul", "ol",
                    "table", "figure"})


def _blocks(body: Any, css: Styles) -> list[Any]:
    """The body's children, with text and inline elements between blocks (raw HTML an editor
    wrote without a paragraph) gathered into paragraphs of their own."""
    out: list[Any] = []
    loose: Any = None

    def paragraph() -> Any:
        p = lxml.html.Element("p")
        p.set("style", css.style("p"))
        out.append(p)
        return p

    if body.text and body.text.strip():
        loose = paragraph()
        loose.text = body.text.lstrip()
    for child in list(body):
        tail, child.tail = child.tail, None
        if child.tag in BLOCKS:
            out.append(child)
            loose = None
        else:
            loose = loose if loose is not None else paragraph()
            loose.append(child)
        if tail and tail.strip():
            if loose is None:
                loose = paragraph()
                loose.text = tail.lstrip()
            elif len(loose):
                loose[-1].tail = (loose[-1].tail or "") + tail
            else:
                loose.text = (loose.text or "") + tail
        elif loose is not None and len(loose) and tail:
            loose[-1].tail = (loose[-1].tail or "") + tail
    return out


def _link(a: Any, notes: Notes) -> None:
    found = notes.classify(a.get("href") or "")
    text = a.text_content().strip()
    if found is not None and found[0] == "keep":
        a.attrib.clear()
        a.set("href", found[1])
        return
    if found is not None and text:
        _, key, title = found
        url = key if "://" in key or key.startswith(("mailto:", "tel:")) else ""
        shown = url.removeprefix("mailto:").removeprefix("tel:")
        number = notes.number(key, title or text, shown)
        ref = etree.SubElement(a, "sup")
        ref.set("class", "mh-note-ref")
        ref.text = f"[{number}]"
    a.drop_tag()


def _media(element: Any, notes: Notes) -> None:
    """Audio and video cannot be pasted: a line with a note to the file takes their place."""
    src = element.get("src") or ""
    found = notes.classify(src) if src else None
    p = lxml.html.Element("p")
    label = labels(notes.story.lang)["media"]
    p.text = f"▶ {label}"
    if found is not None and found[0] != "keep" and "://" in found[1]:
        name = posixpath.basename(urlsplit(found[1]).path) or found[1]
        ref = etree.SubElement(p, "sup")
        ref.set("class", "mh-note-ref")
        ref.text = f"[{notes.number(found[1], name, found[1])}]"
    element.addprevious(p)
    _remove(element)


def _picture_url(src: str, story: Story, links: Links, faults: list[Fault], field_name: str) -> str:
    """The absolute URL of a picture; a fault when the site has no public address for it."""
    src = src.strip()
    parts = urlsplit(src)
    if parts.scheme in ("http", "https") and parts.netloc:
        return src
    if parts.scheme or parts.netloc or not parts.path:
        return ""
    joined = urlsplit(urljoin("http://site.invalid/" + story.url, parts.path)).path
    path = posixpath.normpath(joined).lstrip("/") if field_name != "image" else src.lstrip("/")
    if not links.site_url:
        from .images import body_image_line

        line = body_image_line(story.source_text, src) if field_name != "image" else _key_line(story, "image")
        faults.append(Fault(story.src_uri, line, field_name,
                            f"{path}: the picture has no public URL, because mkdocs.yml sets no site_url",
                            "set site_url: https://<your site>/ in mkdocs.yml (or the SITE_URL "
                            "variable) and publish the site, so WeChat can fetch the picture"))
        return ""
    shown = links.picture(path) or path
    return links.site_url + shown


def _key_line(story: Story, key: str) -> int | None:
    from .article import key_lines

    return key_lines(story.source_text).get(key) if story.source_text else None


def _dateline(body: Any, dateline: str) -> None:
    """The dateline at the start of the first paragraph, as on the site."""
    first = body[0] if len(body) and body[0].tag == "p" else None
    if first is None:
        first = lxml.html.Element("p")
        body.insert(0, first)
    lead = lxml.html.Element("span")
    lead.set("class", "mh-dateline")
    lead.text = dateline
    lead.tail = first.text
    first.text = None
    first.insert(0, lead)


# -- the allow-list -----------------------------------------------------------------------------


def _allow_only(root: Any, css: Styles) -> None:
    """Every element below ``root`` renamed or unwrapped to ``TAGS``, every attribute dropped
    but the allowed ones, and each one's style set from the theme (the classes and the tag it
    had say what it was)."""
    for element in list(root.iter()):
        if element is root:
            root.attrib.clear()
            continue
        if not isinstance(element.tag, str):
            _remove(element)
            continue
        was = element.tag
        tag = RENAME.get(was, was)
        classes = set((element.get("class") or "").split())
        align = _align(element)
        if tag not in TAGS:
            element.drop_tag()
            continue
        element.tag = tag
        kept = ATTRIBUTES.get(tag, frozenset())
        for name in list(element.attrib):
            if name not in kept:
                del element.attrib[name]
        if tag == "a" and not (element.get("href") or "").startswith("https://"):
            element.drop_tag()
            continue
        if tag == "ol" and not (element.get("start") or "").isdigit():
            element.attrib.pop("start", None)
        for name in ("colspan", "rowspan"):
            if name in element.attrib and not element.get(name, "").isdigit():
                del element.attrib[name]
        style = _style_of(element, was, classes, css)
        if not align and tag == "td" and _NUMBER_RE.match(element.text_content().strip()):
            align = "right"
        if align and tag in ("th", "td"):
            style = f"{style};text-align:{align}" if style else f"text-align:{align}"
        if style:
            element.set("style", style)
        if tag == "table":
            _box_table(element, css)


def _style_of(element: Any, was: str, classes: set[str], css: Styles) -> str:
    tag = element.tag
    if "mh-note-ref" in classes:
        return css.style("note_ref")
    if "mh-dateline" in classes:
        return css.style("dateline")
    if "admonition" in classes:
        return css.style("box")
    if "admonition-title" in classes or was in ("summary", "dt"):
        return css.style("box_title")
    if "mh-table-caption" in classes:
        return css.style("table_caption")
    if "mh-chart-note" in classes:
        return css.style("chart_note")
    parent = element.getparent()
    if tag == "code" and parent is not None and parent.tag == "pre":
        return css.style("pre_code")
    return css.style(tag)


_NUMBER_RE = re.compile(r"^[+\-−–]?[\d.,]+\s*%?$")  # a figure in a table cell: right-aligned
_ALIGN_RE = re.compile(r"text-align\s*:\s*(left|right|center|justify)")


def _align(element: Any) -> str:
    """A table cell's alignment (Python-Markdown writes it as an inline style or ``align``)."""
    value = element.get("align") or ""
    match = _ALIGN_RE.search(element.get("style") or "")
    value = match.group(1) if match else value
    return value if value in ("left", "right", "center", "justify") else ""


def _box_table(table: Any, css: Styles) -> None:
    """A table scrolls sideways in its own box on a phone."""
    box = lxml.html.Element("section")
    box.set("style", css.style("table_box"))
    table.addprevious(box)
    box.append(table)  # moves the table (and its tail) into the box
    box.tail, table.tail = table.tail, None


# -- small tree helpers -------------------------------------------------------------------------


def _element(tag: str, style: str, **attrs: str) -> Any:
    element = lxml.html.Element(tag)
    for name, value in attrs.items():
        element.set(name, value)
    if style:
        element.set("style", style)
    return element


def _add(parent: Any, tag: str, style: str, text: str) -> Any:
    child = etree.SubElement(parent, tag)
    if style:
        child.set("style", style)
    child.text = text or None
    return child


def _remove(element: Any) -> None:
    """Remove ``element`` and what it holds, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def notes_of(html_text: str) -> Sequence[str]:
    """The note lines of a rendered WeChat version (for tests and previews): "[1] ...", in order."""
    root = lxml.html.fragment_fromstring(html_text)
    return [p.text_content() for p in root.iter("p") if p.text_content().startswith("[")]
