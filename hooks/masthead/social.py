"""WeChat follow block, subscribe promo, share bar, views counter and Giscus comments.

Settings live beside the rest of the newsroom's, under ``extra.masthead``::

    wechat:  {account, id, follow_url | qr_image, copy, copy_zh,
              promo: {copy, copy_zh, sections: {<slug>: {copy, copy_zh} | false}}}
    weibo:   {name, url}
    share:   true | false          # the share bar on articles; on by default
    counter: {url, hit}            # a views counter service, by URL template
    giscus:  {repo, repo_id, category, category_id, mapping, strict, reactions,
              input_position, theme, lang}

Each block is off unless configured: nothing is drawn for it, not even an empty frame.
QR codes are made here at build time (zxing-cpp encodes, a small writer below draws the SVG):
the same input always gives the same bytes. Templates draw the values of ``social_view``.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urljoin, urlsplit
from xml.sax.saxutils import escape as xml_escape

import numpy
import zxingcpp

from .cache import memoized
from .errors import Fault, MastheadError
from .i18n import family
from .settings import CONFIG_FILE, ROOT, Settings, _Reader, load_settings

if TYPE_CHECKING:
    from .article import Article

SOCIAL_KEYS = ("wechat", "weibo", "share", "counter", "giscus")
WEIBO_SHARE = "https://service.weibo.com/share/share.php"
GISCUS_CLIENT = "https://giscus.app/client.js"
# A WeChat ID (微信号): 6 to 20 letters, digits, "_" or "-", starting with a letter.
WECHAT_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{5,19}$")
GITHUB_REPO_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
GISCUS_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
GISCUS_MAPPINGS = ("pathname", "url", "title", "og:title")
COUNTER_FIELDS = ("path", "url")
QR_BORDER = 4  # the quiet zone around a QR code, in modules (ISO 18004 asks for 4)
_DARK_RUN = re.compile(rb"\x00+")  # a run of dark modules in a row of zxing-cpp's image
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")
QR_FOLDER = "assets/masthead"  # the follow block's QR code, one file for every page (see follow_qr_file)
# Characters that are never part of a URL (RFC 3986), and whitespace or control characters.
_NOT_IN_URL = re.compile(r"[\s\x00-\x1f\x7f<>\"`\\^|]")
# Characters left as they are when a URL is made ASCII: the reserved ones and "%".
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "follow_title": "Follow us",
        "follow_copy": "Follow us on WeChat for the day's top stories.",
        "wechat_account": "WeChat official account",
        "wechat_id": "WeChat ID",
        "follow_qr_alt": "QR code to follow {account} on WeChat",
        "scan_to_follow": "Scan with WeChat to follow",
        "open_in_wechat": "Open in WeChat",
        "weibo": "Weibo",
        "promo_title": "Subscribe on WeChat",
        "promo_copy": "Get the day's top stories on WeChat.",
        "share_title": "Share this story",
        "share_wechat": "WeChat",
        "show_qr": " – show the QR code",
        "share_wechat_hint": "Scan with WeChat to open this story, then share it with friends or Moments.",
        "share_qr_alt": "QR code of this story's link: {url}",
        # Inside WeChat's own browser (mh-social.js): WeChat's menu instead of a code to scan.
        "show_wechat_menu": " – how to share in WeChat",
        "share_menu_hint": "Tap {menu} at the top right of WeChat, then choose Send to Chat or "
                           "Share to Moments.",
        "share_menu_name": "More",
        "share_menu_close": "Got it",
        "share_weibo": "Weibo",
        "new_tab": "(opens in a new tab)",
        "copy_link": "Copy link",
        "copied": "Link copied.",
        "copy_failed": "Copy the link from the box.",
        "link_label": "Link to this story",
        "share_more": "Share…",
        "views": "Views",
        "comments": "Comments",
        "load_comments": "Show comments",
        "comments_note": "Comments are hosted on GitHub Discussions by giscus.app and load only when "
                         "you ask for them.",
        "comments_noscript": "Comments need JavaScript.",
    },
    "zh": {
        "follow_title": "关注我们",
        "follow_copy": "关注我们的微信公众号，获取每日要闻。",
        "wechat_account": "微信公众号",
        "wechat_id": "微信号",
        "follow_qr_alt": "关注微信公众号“{account}”的二维码",
        "scan_to_follow": "微信扫一扫，关注公众号",
        "open_in_wechat": "在微信中打开",
        "weibo": "微博",
        "promo_title": "订阅我们的微信公众号",
        "promo_copy": "每日要闻，尽在微信公众号。",
        "share_title": "分享本文",
        "share_wechat": "微信",
        "show_qr": "（显示二维码）",
        "share_wechat_hint": "用微信扫一扫打开本文，再分享给朋友或朋友圈。",
        "share_qr_alt": "本文链接的二维码：{url}",
        "show_wechat_menu": "（如何在微信中分享）",
        "share_menu_hint": "点击微信右上角的 {menu}，选择“发送给朋友”或“分享到朋友圈”。",
        "share_menu_name": "更多",
        "share_menu_close": "知道了",
        "share_weibo": "微博",
        "new_tab": "（在新标签页打开）",
        "copy_link": "复制链接",
        "copied": "链接已复制。",
        "copy_failed": "请从框中手动复制链接。",
        "link_label": "本文链接",
        "share_more": "更多分享方式",
        "views": "阅读",
        "comments": "评论",
        "load_comments": "显示评论",
        "comments_note": "评论由 giscus.app 托管在 GitHub Discussions 上，点击后才会加载。",
        "comments_noscript": "评论需要启用 JavaScript。",
    },
    "zh-Hant": {
        "follow_title": "關注我們",
        "follow_copy": "關注我們的微信公眾號，取得每日要聞。",
        "wechat_account": "微信公眾號",
        "wechat_id": "微信號",
        "follow_qr_alt": "關注微信公眾號「{account}」的 QR 碼",
        "scan_to_follow": "用微信掃描，關注公眾號",
        "open_in_wechat": "在微信中開啟",
        "weibo": "微博",
        "promo_title": "訂閱我們的微信公眾號",
        "promo_copy": "每日要聞，盡在微信公眾號。",
        "share_title": "分享本文",
        "share_wechat": "微信",
        "show_qr": "（顯示 QR 碼）",
        "share_wechat_hint": "用微信掃描開啟本文，再分享給朋友或朋友圈。",
        "share_qr_alt": "本文連結的 QR 碼：{url}",
        "show_wechat_menu": "（如何在微信中分享）",
        "share_menu_hint": "點擊微信右上角的 {menu}，選擇「傳送給朋友」或「分享到朋友圈」。",
        "share_menu_name": "更多",
        "share_menu_close": "知道了",
        "share_weibo": "微博",
        "new_tab": "（在新分頁開啟）",
        "copy_link": "複製連結",
        "copied": "連結已複製。",
        "copy_failed": "請從框中手動複製連結。",
        "link_label": "本文連結",
        "share_more": "更多分享方式",
        "views": "閱讀",
        "comments": "評論",
        "load_comments": "顯示評論",
        "comments_note": "評論由 giscus.app 託管於 GitHub Discussions，點擊後才會載入。",
        "comments_noscript": "評論需要啟用 JavaScript。",
    },
}


def labels(lang: str) -> dict[str, str]:
    return LABELS.get(lang, LABELS["en"])


# -- settings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Copy:
    """One line of text, with an optional Chinese version for Chinese pages."""

    text: str = ""
    text_zh: str = ""

    def pick(self, lang: str) -> str:
        return self.text_zh if family(lang) == "zh" and self.text_zh else self.text


@dataclass(frozen=True)
class WeChat:
    account: str
    id: str
    follow_url: str = ""
    qr_image: str = ""  # a path below docs/ or an https URL
    copy: Copy = field(default_factory=Copy)
    promo: Copy = field(default_factory=Copy)
    # Section slug -> its promo line, or None where the section shows no promo.
    section_promo: Mapping[str, Copy | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Weibo:
    url: str
    name: str = ""


@dataclass(frozen=True)
class Counter:
    url: str  # template of the JSON counter's URL, with {path} and/or {url}
    hit: str = ""  # template of the URL that records a view, if the service needs one


@dataclass(frozen=True)
class Giscus:
    repo: str
    repo_id: str
    category: str
    category_id: str
    mapping: str = "pathname"
    strict: bool = False
    reactions: bool = True
    input_position: str = "bottom"
    theme: str = "light"
    lang: str = ""  # "" follows the page: zh-CN on Chinese pages, en otherwise


@dataclass(frozen=True)
class Social:
    """The newsroom's social settings; an empty Social draws nothing but the share bar."""

    wechat: WeChat | None = None
    weibo: Weibo | None = None
    share: bool = True
    counter: Counter | None = None
    giscus: Giscus | None = None


class _Block(_Reader):
    """A settings block under ``extra.masthead`` that refuses keys it does not know."""

    def __init__(self, raw: Mapping[str, Any], path: str, faults: list[Fault],
                 known: tuple[str, ...]) -> None:
        super().__init__(raw, path, faults)
        for key in raw:
            if key not in known:
                self.fault(str(key), "is not a known setting", f"use one of: {', '.join(known)}")

    def url(self, key: str, *, required: bool = False, example: str = "https://...",
            template: bool = False) -> str:
        value = self.text(key, default=None if required else "", example=example)
        if not value:
            return ""
        if template and not self.placeholders(key, value):
            return ""
        try:
            parts = urlsplit(value)
        except ValueError:
            parts = urlsplit("")
        if parts.scheme not in ("https", "http") or not parts.netloc or _NOT_IN_URL.search(value):
            self.fault(key, f"{value!r:.80} is not an http(s) URL",
                       f"write a full address starting with https://, e.g. {key}: {example}")
            return ""
        return value

    def placeholders(self, key: str, value: str) -> bool:
        try:
            fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(value)
                      if name is not None]
        except ValueError:
            fields = [("{", "", None)]
        bad = [name for name, spec, conv in fields if name not in COUNTER_FIELDS or spec or conv]
        if bad:
            self.fault(key, f"unknown placeholder {{{bad[0]}}} in {value!r:.80}",
                       "use {path} (the page's path) or {url} (the page's full address)")
            return False
        return True

    def flag(self, key: str, *, default: bool) -> bool:
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            self.fault(key, f"expected true or false, got {value!r:.40}",
                       f"write {key}: {str(default).lower()}")
            return default
        return value

    def choice(self, key: str, choices: tuple[str, ...], *, default: str) -> str:
        value = self.text(key, default=default, example=default)
        if value not in choices:
            self.fault(key, f"{value!r:.40} is not one of {', '.join(choices)}", f"write {key}: {default}")
            return default
        return value

    def copy(self, key: str = "copy") -> Copy:
        return Copy(self.text(key, default=""), self.text(f"{key}_zh", default=""))


def _mapping(raw: Mapping[str, Any], key: str, path: str, faults: list[Fault],
             example: str) -> Mapping[str, Any] | None:
    """The block under ``key``: None when absent (or false), a fault when not a mapping."""
    value = raw.get(key)
    if value is None or value is False:
        return None
    if not isinstance(value, Mapping) or not value:
        faults.append(Fault(CONFIG_FILE, None, f"{path}.{key}", "expected a mapping of settings",
                            f"write it as {key}: {example}, or leave it out"))
        return None
    return value


def load_social(raw: Mapping[str, Any], *, sections: tuple[str, ...] | None = None,
                docs_dir: Path | None = None) -> Social:
    """Validate the social keys of ``extra.masthead``; raise MastheadError naming each bad key.

    ``sections`` (the section slugs) checks per-section promo lines; None skips that check.
    """
    faults: list[Fault] = []
    wechat = _wechat(raw, faults, sections, docs_dir)
    weibo = None
    if (block := _mapping(raw, "weibo", ROOT, faults, "{name: 汽车纪事, url: https://weibo.com/...}")):
        r = _Block(block, f"{ROOT}.weibo", faults, ("name", "url"))
        url = r.url("url", required=True, example="https://weibo.com/motorledger")
        weibo = Weibo(url=url, name=r.text("name", default=""))
    share = raw.get("share", True)
    if not isinstance(share, bool):
        faults.append(Fault(CONFIG_FILE, None, f"{ROOT}.share", f"expected true or false, got {share!r:.40}",
                            "write share: false to leave out the share bar, or remove the key"))
        share = True
    counter = None
    if (block := _mapping(raw, "counter", ROOT, faults,
                          "{url: https://example.goatcounter.com/counter/{path}.json}")):
        r = _Block(block, f"{ROOT}.counter", faults, ("url", "hit"))
        counter = Counter(
            url=r.url("url", required=True, template=True,
                      example="https://example.goatcounter.com/counter/{path}.json"),
            hit=r.url("hit", template=True, example="https://example.goatcounter.com/count?p={path}"))
    giscus = _giscus(raw, faults)
    if faults:
        raise MastheadError(faults)
    return Social(wechat=wechat, weibo=weibo, share=share, counter=counter, giscus=giscus)


def _wechat(raw: Mapping[str, Any], faults: list[Fault], sections: tuple[str, ...] | None,
            docs_dir: Path | None) -> WeChat | None:
    path = f"{ROOT}.wechat"
    block = _mapping(raw, "wechat", ROOT, faults, "{account: 汽车纪事, id: motorledger, follow_url: ...}")
    if block is None or set(block) == {"article"}:  # article: the WeChat version's look (wechat.py)
        return None
    r = _Block(block, path, faults,
               ("account", "id", "follow_url", "qr_image", "copy", "copy_zh", "promo", "article"))
    account = r.text("account", example="汽车纪事 Motor Ledger")
    wechat_id = r.text("id", example="motorledger")
    if wechat_id and not WECHAT_ID_RE.match(wechat_id):
        r.fault("id", f"{wechat_id!r:.40} is not a WeChat ID",
                "write the account's 微信号: 6-20 letters, digits, _ or -, starting with a letter")
    follow_url = r.url("follow_url", example="https://mp.weixin.qq.com/...")
    qr_image = r.text("qr_image", default="")
    if qr_image:
        qr_image = _image(r, qr_image, docs_dir)
    promo, section_promo = Copy(), {}
    if (promo_raw := _mapping(block, "promo", path, faults, "{copy: ..., sections: {news: {copy: ...}}}")):
        p = _Block(promo_raw, f"{path}.promo", faults, ("copy", "copy_zh", "sections"))
        promo = p.copy()
        section_promo = _section_promo(promo_raw, f"{path}.promo", faults, sections)
    return WeChat(account=account, id=wechat_id, follow_url=follow_url, qr_image=qr_image,
                  copy=r.copy(), promo=promo, section_promo=section_promo)


def _image(r: _Reader, value: str, docs_dir: Path | None) -> str:
    if value.startswith("https://"):
        return value if not _NOT_IN_URL.search(value) else _bad_image(r, value)
    path = PurePosixPath(value)
    if value.startswith(("/", "\\")) or ".." in path.parts or ":" in value or _NOT_IN_URL.search(value):
        return _bad_image(r, value)
    if docs_dir is not None and not (docs_dir / value).is_file():
        r.fault("qr_image", f"file {value!r:.80} does not exist in docs/", "add the file or fix the path")
        return ""
    return value


def _bad_image(r: _Reader, value: str) -> str:
    r.fault("qr_image", f"{value!r:.80} must be a path inside docs/ or an https URL",
            "write e.g. qr_image: assets/wechat-qr.png")
    return ""


def _section_promo(promo: Mapping[str, Any], path: str, faults: list[Fault],
                   sections: tuple[str, ...] | None) -> dict[str, Copy | None]:
    raw = promo.get("sections")
    if raw is None:
        return {}
    fix = "write sections: {news: {copy: ..., copy_zh: ...}, economy: false}"
    if not isinstance(raw, Mapping):
        faults.append(Fault(CONFIG_FILE, None, f"{path}.sections", "expected a mapping of section slugs",
                            fix))
        return {}
    found: dict[str, Copy | None] = {}
    for slug, value in raw.items():
        key = f"{path}.sections.{slug}"
        if sections is not None and slug not in sections:
            faults.append(Fault(CONFIG_FILE, None, key, "is not a section of this site",
                                f"use one of: {', '.join(sections)}"))
        elif value is False:
            found[str(slug)] = None
        elif isinstance(value, Mapping):
            found[str(slug)] = _Block(value, key, faults, ("copy", "copy_zh")).copy()
        else:
            faults.append(Fault(CONFIG_FILE, None, key, "expected a mapping or false", fix))
    return found


def _giscus(raw: Mapping[str, Any], faults: list[Fault]) -> Giscus | None:
    block = _mapping(raw, "giscus", ROOT, faults, "{repo: owner/name, repo_id: ..., category: ...}")
    if block is None:
        return None
    r = _Block(block, f"{ROOT}.giscus", faults,
               ("repo", "repo_id", "category", "category_id", "mapping", "strict", "reactions",
                "input_position", "theme", "lang"))
    repo = r.text("repo", example="motorledger/comments")
    if repo and not GITHUB_REPO_RE.match(repo):
        r.fault("repo", f"{repo!r:.60} is not a GitHub repository", "write it as owner/name")
    ids = {}
    for key in ("repo_id", "category_id"):
        ids[key] = r.text(key, example="the value giscus.app shows for your repository")
        if ids[key] and not GISCUS_ID_RE.match(ids[key]):
            r.fault(key, f"{ids[key]!r:.60} is not a giscus id", "copy it from giscus.app")
    theme = r.text("theme", default="light")
    if _NOT_IN_URL.search(theme):
        r.fault("theme", f"{theme!r:.40} is not a giscus theme", "write e.g. theme: light")
    lang = r.text("lang", default="")
    if lang and not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", lang):
        r.fault("lang", f"{lang!r:.40} is not a language tag", "write e.g. lang: zh-CN, or leave it out")
    return Giscus(
        repo=repo, repo_id=ids["repo_id"], category=r.text("category", example="Announcements"),
        category_id=ids["category_id"], mapping=r.choice("mapping", GISCUS_MAPPINGS, default="pathname"),
        strict=r.flag("strict", default=False), reactions=r.flag("reactions", default=True),
        input_position=r.choice("input_position", ("bottom", "top"), default="bottom"),
        theme=theme, lang=lang,
    )


def load_with_social(raw: object, *, site_name: str = "",
                     docs_dir: Path | None = None) -> tuple[Settings, Social]:
    """The newsroom settings and their social keys, every fault of both reported at once."""
    faults: list[Fault] = []
    settings: Settings | None = None
    try:
        settings = load_settings(raw, site_name=site_name, docs_dir=docs_dir)
    except MastheadError as exc:
        faults.extend(exc.faults)
    social = Social()
    if isinstance(raw, Mapping):
        slugs = tuple(s.slug for s in settings.sections) if settings else None
        try:
            social = load_social(raw, sections=slugs, docs_dir=docs_dir)
        except MastheadError as exc:
            faults.extend(exc.faults)
    if faults or settings is None:
        raise MastheadError(faults)
    return settings, social


# -- URLs and QR codes -------------------------------------------------------------------------


def canonical_url(site_url: str, url: str) -> str:
    """The page's full address, as MkDocs writes it in <link rel="canonical">, in ASCII.

    ``site_url`` may carry a project path (``https://user.github.io/repo/``); ``url`` is the
    page's site-relative URL (``news/新能源/``), percent-encoded here the way MkDocs does.
    """
    base = site_url if site_url.endswith("/") else site_url + "/"
    return quote(urljoin(base, quote(url)), safe=_URL_SAFE)


def weibo_share_url(url: str, title: str) -> str:
    """Weibo's share page for ``url`` with ``title`` as the post's text."""
    return f"{WEIBO_SHARE}?{urlencode({'url': url, 'title': title}, quote_via=quote)}"


def counter_url(template: str, page_url: str) -> str:
    """A counter URL template filled for one page: {path} and {url}, each one encoded component."""
    if not template:
        return ""
    path = urlsplit(page_url).path or "/"
    return template.format(path=quote(path, safe=""), url=quote(page_url, safe=""))


def qr_code(content: str) -> tuple[bytes, ...]:
    """The QR code of ``content`` (a URL), error correction M: its rows of modules, no quiet zone.

    One byte per module, 0 dark and 255 light. zxing-cpp (C++) encodes it and picks the mask by
    ISO 18004's penalty rules, in ~0.25 ms where segno took ~1 ms in Python (issue 25).
    A QR code carries ASCII: characters beyond it are percent-encoded as UTF-8, the same address
    (RFC 3987) that every phone reads alike, where raw UTF-8 bytes leave the reader to guess.
    """
    ascii_url = _NOT_ASCII.sub(lambda m: quote(m[0]), content)
    barcode = zxingcpp.create_barcode(ascii_url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = numpy.asarray(barcode.to_image(scale=1, add_quiet_zones=False), dtype=numpy.uint8)
    return tuple(row.tobytes() for row in image)


def _qr_path_svg(rows: tuple[bytes, ...], attrs: str, title: str = "") -> str:
    """An SVG of a QR code at scale 1: a white square and one black path of horizontal runs.

    ``attrs`` go on the <svg> element, ``title`` (if any) names it. The path
    strokes each run of dark modules along the middle of its row (``M x y.5``, then ``m dx dy``
    from the previous run's end and ``h length``); no size attributes, CSS sizes it.
    """
    size = len(rows) + 2 * QR_BORDER
    d: list[str] = []
    x = y = 0  # the pen, in modules, after the last run (y without the .5)
    for row_y, row in enumerate(rows, QR_BORDER):
        for run in _DARK_RUN.finditer(row):
            start, length = run.start() + QR_BORDER, run.end() - run.start()
            d.append(f"m{start - x} {row_y - y}h{length}" if d else f"M{start} {row_y}.5h{length}")
            x, y = start + length, row_y
    named = f"<title>{xml_escape(title)}</title>" if title else ""
    return (f'<svg {attrs} viewBox="0 0 {size} {size}">{named}'
            f'<path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/>'
            f'<path stroke="#000" d="{"".join(d)}"/></svg>')


@memoized("qr")  # across builds, in the render cache; drawn in the workers on cold builds
@functools.lru_cache(maxsize=4096)
def qr_svg(content: str, label: str) -> str:
    """The QR code of ``content`` as inline SVG, sized by CSS, named by ``label`` for screen readers.

    Dark modules on a white quiet zone whatever the page's colours, so phones can scan it.
    Cached: a pure function of its arguments (``mkdocs serve`` rebuilds reuse it).
    """
    attrs = f'class="mh-qr" role="img" aria-label="{html.escape(label)}" shape-rendering="crispEdges"'
    return _qr_path_svg(qr_code(content), attrs, label)


@functools.lru_cache(maxsize=16)
def follow_qr_file(content: str) -> tuple[str, str]:
    """The follow block's QR code of ``content`` as an SVG file: ``(docs-relative path, text)``.

    Every page shows the same code, so it is one file (``<img>``, sized by the template) rather
    than ~2 KB of inline SVG on each page. Its name carries a digest of its text: a new
    ``follow_url`` is a new file, so browsers may cache it for good.
    """
    svg = _qr_path_svg(qr_code(content), 'xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges"')
    name = hashlib.sha256(svg.encode()).hexdigest()[:12]
    return f"{QR_FOLDER}/wechat-qr-{name}.svg", svg + "\n"


def generated_files(social: Social) -> dict[str, str]:
    """Files the social blocks need besides the pages: docs-relative path -> text."""
    wechat = social.wechat
    if wechat is None or wechat.qr_image or not wechat.follow_url:
        return {}
    path, svg = follow_qr_file(wechat.follow_url)
    return {path: svg}


# -- the view templates draw -------------------------------------------------------------------


def social_view(
    social: Social,
    *,
    lang: str,
    site_url: str = "",
    site_name: str = "",
    article: Article | None = None,
) -> dict[str, Any]:
    """Plain values for the follow block, and on articles the share bar, promo and extras."""
    text = labels(lang)
    view: dict[str, Any] = {"labels": text, "follow": _follow(social, lang, text)}
    if article is None:
        return view
    page_url = canonical_url(site_url, article.url) if site_url else ""
    if social.share and page_url:
        share_title = f"{article.title} - {site_name}" if site_name else article.title
        view["share"] = {
            "url": page_url,
            "title": article.title,
            "weibo_url": weibo_share_url(page_url, share_title),
            "qr_svg": qr_svg(page_url, text["share_qr_alt"].format(url=page_url)),
        }
    if social.wechat is not None and (line := promo_line(social.wechat, article, lang)):
        view["promo"] = {"text": line, "account": social.wechat.account, "id": social.wechat.id}
    if social.counter is not None and page_url:
        view["counter"] = {"url": counter_url(social.counter.url, page_url),
                           "hit": counter_url(social.counter.hit, page_url)}
    if social.giscus is not None:
        view["giscus"] = {"client": GISCUS_CLIENT, "config": giscus_config(social.giscus, lang)}
    view["script"] = any(k in view for k in ("share", "counter", "giscus"))
    return view


def _follow(social: Social, lang: str, text: Mapping[str, str]) -> dict[str, Any] | None:
    wechat, weibo = social.wechat, social.weibo
    if wechat is None and weibo is None:
        return None
    follow: dict[str, Any] = {
        "weibo": {"url": weibo.url, "name": weibo.name} if weibo else None,
        "wechat": None,
    }
    if wechat is not None:
        alt = text["follow_qr_alt"].format(account=wechat.account)
        qr_image = wechat.qr_image or (follow_qr_file(wechat.follow_url)[0] if wechat.follow_url else "")
        follow["text"] = wechat.copy.pick(lang) or text["follow_copy"]
        follow["wechat"] = {
            "account": wechat.account,
            "id": wechat.id,
            "follow_url": wechat.follow_url,
            "qr_alt": alt,
            "qr_image": qr_image,  # the editor's picture, or one file of follow_url's QR code
        }
    return follow


def promo_line(wechat: WeChat, article: Article, lang: str) -> str:
    """The subscribe promo's line for ``article``: its own, its section's, the site's, or none."""
    own = article.wechat_promo
    if own is False:
        return ""
    if isinstance(own, str):
        return own
    if article.section in wechat.section_promo:
        section = wechat.section_promo[article.section]
        if section is None:
            return ""
        if line := section.pick(lang):
            return line
    return wechat.promo.pick(lang) or labels(lang)["promo_copy"]


def giscus_config(giscus: Giscus, lang: str) -> str:
    """The ``data-*`` attributes of giscus' script, as JSON for the first-party loader."""
    return json.dumps({
        "repo": giscus.repo,
        "repo-id": giscus.repo_id,
        "category": giscus.category,
        "category-id": giscus.category_id,
        "mapping": giscus.mapping,
        "strict": "1" if giscus.strict else "0",
        "reactions-enabled": "1" if giscus.reactions else "0",
        "emit-metadata": "0",
        "input-position": giscus.input_position,
        "theme": giscus.theme,
        "lang": giscus.lang or {"zh": "zh-CN", "zh-Hant": "zh-TW"}.get(lang, "en"),
        "loading": "lazy",
    }, ensure_ascii=False, sort_keys=True)
