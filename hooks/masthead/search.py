"""Static search: Pagefind run over the finished site, and the search page's plain values.

Pagefind (PyPI ``pagefind[extended]``, a Rust binary shipped inside the wheel) reads the built
HTML, keeps what article pages mark with ``data-pagefind-body`` and writes a bundle of small
index chunks below ``site/pagefind/``; a reader's browser fetches only the chunks a query needs.
The *extended* binary is the one that segments Chinese into words (the plain one indexes a whole
Chinese sentence as one "word").

Nothing here knows MkDocs: the event file calls :func:`build_index` after the build.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, CancelledError, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import timing
from .errors import Fault, MastheadError
from .pagefind_bundle import ENTRY_FILE, FormatError, make_reproducible
from .pagefind_merge import merge, sort_values_of
from .settings import CONFIG_FILE, ROOT, Settings

BUNDLE_DIR = "pagefind"
SEARCH_PAGE = "search/index.md"
# Set to a Pagefind binary to use it instead of the one from the pagefind-bin-extended wheel.
BINARY_ENV = "MASTHEAD_PAGEFIND"
_STAGING = ".pagefind-staging"
_INSTALL = "pip install 'pagefind[extended]' (it is a dependency of Masthead: pip install -e .)"

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "search": "Search",
        "search_title": "Search the stories",
        "search_placeholder": "Search stories",
        "search_query": "Words to look for",
        "search_section": "Section",
        "search_all_sections": "All sections",
        "search_sort": "Order",
        "search_relevance": "Best match first",
        "search_newest": "Newest first",
        "search_tag": "Tag",
        "search_remove_tag": "Remove the tag filter",
        "search_loading": "Searching…",
        "search_results": "{n} stories found.",
        "search_one_result": "1 story found.",
        "search_none": "No stories match. Try fewer or other words.",
        "search_more": "More results",
        "search_failed": "Search is not available right now. Browse the sections instead.",
        "search_noscript": "Search needs JavaScript, which is off in your browser. "
                           "The sections below list every story, newest first.",
    },
    "zh": {
        "search": "搜索",
        "search_title": "搜索文章",
        "search_placeholder": "搜索文章",
        "search_query": "搜索词",
        "search_section": "栏目",
        "search_all_sections": "全部栏目",
        "search_sort": "排序",
        "search_relevance": "最相关",
        "search_newest": "最新",
        "search_tag": "标签",
        "search_remove_tag": "取消标签筛选",
        "search_loading": "正在搜索…",
        "search_results": "找到 {n} 篇文章。",
        "search_one_result": "找到 1 篇文章。",
        "search_none": "没有找到相关文章，请换个词或减少关键词。",
        "search_more": "更多结果",
        "search_failed": "搜索暂时不可用，请按栏目浏览。",
        "search_noscript": "搜索需要 JavaScript，您的浏览器已将其关闭。下面各栏目按时间列出全部文章。",
    },
    "zh-Hant": {
        "search": "搜尋",
        "search_title": "搜尋文章",
        "search_placeholder": "搜尋文章",
        "search_query": "搜尋字詞",
        "search_section": "欄目",
        "search_all_sections": "全部欄目",
        "search_sort": "排序",
        "search_relevance": "最相關",
        "search_newest": "最新",
        "search_tag": "標籤",
        "search_remove_tag": "取消標籤篩選",
        "search_loading": "搜尋中…",
        "search_results": "找到 {n} 篇文章。",
        "search_one_result": "找到 1 篇文章。",
        "search_none": "沒有找到相關文章，請換個詞或減少關鍵字。",
        "search_more": "更多結果",
        "search_failed": "搜尋暫時無法使用，請依欄目瀏覽。",
        "search_noscript": "搜尋需要 JavaScript，您的瀏覽器已將其關閉。下方各欄目依時間列出全部文章。",
    },
}


def labels(lang: str) -> dict[str, str]:
    return LABELS.get(lang, LABELS["en"])


class SearchError(Exception):
    """The search index could not be built; the message says why and what to do."""


@dataclass(frozen=True)
class IndexReport:
    """What one Pagefind run wrote."""

    pages: Mapping[str, int]  # language -> indexed pages
    files: int
    bytes: int
    seconds: float
    parts: int = 1  # bundles the search page opens (one per language for a large site)
    runs: int = 1  # Pagefind runs, joined per language (see build_index)
    runs_kept: int = 0  # of those, bundles taken from the cache (their documents had not changed)
    reused: bool = False  # the stories were the same: the bundle kept by the last build

    def summary(self) -> str:
        langs = ", ".join(f"{lang} {n}" for lang, n in sorted(self.pages.items()))
        total = sum(self.pages.values())
        parts = f" in {self.parts} parts" if self.parts > 1 else ""
        if self.runs > self.parts:
            parts += f" by {self.runs} Pagefind runs"
        if self.runs_kept:
            parts += f" ({self.runs_kept} of them kept in the cache)"
        how = " (the same stories as the last build: its index, kept in the cache)" if self.reused else ""
        return (f"search index: {total} pages ({langs or 'none'}){parts}, {self.files} files, "
                f"{self.bytes / 1024:.0f} KiB, {self.seconds:.1f} s{how}")


def pagefind_executable() -> Path:
    """The Pagefind binary: ``$MASTHEAD_PAGEFIND``, else the one in the pagefind-bin-extended wheel."""
    override = os.environ.get(BINARY_ENV)
    if override:
        path = Path(override)
        if not path.is_file():
            raise SearchError(f"{BINARY_ENV}={override} is not a file (unset it, or point it at "
                              "a pagefind_extended binary)")
        return path
    try:
        module = importlib.import_module("pagefind_bin_extended")
        found: Path = Path(module.get_executable())
    except (ImportError, FileNotFoundError) as exc:
        raise SearchError(f"the Pagefind search indexer is not installed ({exc}): {_INSTALL}") from None
    return found


# What article.html writes around the part of a story page that search indexes, and before the
# end of it that holds nothing Pagefind keeps (related stories, comments).
BODY_START = '<article class="mh-article" data-pagefind-body>'
BODY_REST = "<!--mh-search-rest-->"
BODY_END = "<!--/mh-search-body-->"
# The article's footer (share bar, tags, promotion, disclaimer): Pagefind indexes none of it, but
# it reads the tag filters inside. Search documents keep those elements only (_without_footer).
FOOT_START = '<footer class="mh-article__foot" data-pagefind-ignore>'
FOOT_END = "</footer>"
_PAGEFIND_DATA = re.compile(r"data-pagefind-(?:filter|meta|default-meta|sort)\b")
_START_TAG = re.compile(r"<([a-z][a-z0-9]*)\b[^<>]*>")
_HTML_LANG = re.compile(r'<html\b[^>]*?\blang="([^"<>]*)"')
_TITLE = re.compile(r"<title>([^<]*)</title>")


def search_document(html: str) -> str | None:
    """The part of a finished page Pagefind needs, as a small document of its own; None for
    pages search does not index.

    A story page is ~37 KB of which Pagefind keeps only the ``data-pagefind-body`` element; it
    parses all of it though, which was a third of its time. The element is found by markers only
    the template writes: editors' words before it are escaped (no ``<``), and the search for the
    end runs backwards over what follows it, which is escaped as well. The related stories and
    comments at the element's end are left out (from BODY_REST): Pagefind ignores them, and they
    change when other stories do, which would make the document change (and Pagefind run again
    over its run of stories, see build_index) without a change to the index. So is the article's
    footer (share bar with its QR code, promotion, disclaimer: ~40 % of the document), all but
    the elements that carry Pagefind data (the tag filters): Pagefind skips that markup, but it
    has to read it. The index Pagefind makes from these documents is byte-identical to the one
    it makes from the pages.
    """
    start = html.find(BODY_START)
    end = html.rfind(BODY_END)
    if start < 0 or end < start:
        return None
    rest = html.rfind(BODY_REST, start, end)
    body = html[start:end] if rest < 0 else _without_footer(html, start, rest) + "</article>"
    lang = _HTML_LANG.search(html, 0, start)
    title = _TITLE.search(html, 0, start)
    return (f'<!doctype html><html lang="{lang.group(1) if lang else ""}"><head><meta charset="utf-8">'
            f"<title>{title.group(1) if title else ''}</title></head><body>"
            f"{body}</body></html>")


def _without_footer(html: str, start: int, rest: int) -> str:
    """``html[start:rest]`` with the article footer (which ends at ``rest``) cut down to the
    elements that carry ``data-pagefind-*`` data; unchanged when the footer is not in the shape
    the template writes. The footer is found backwards from ``rest``: what follows it is made
    by the template (editors' words in it are escaped), the body before it may hold raw HTML."""
    foot = html.rfind(FOOT_START, start, rest)
    close = html.rfind(FOOT_END, foot, rest)
    if foot < 0 or close < 0 or html[close + len(FOOT_END):rest].strip():
        return html[start:rest]
    inside = html[foot + len(FOOT_START):close]
    kept: list[str] = []
    done = 0  # where the last kept element ends (an element inside it is kept with it)
    at = inside.find("data-pagefind-")
    while at >= 0:
        if not _PAGEFIND_DATA.match(inside, at):  # data-pagefind-ignore, -weight, ...
            at = inside.find("data-pagefind-", at + 1)
            continue
        match = _START_TAG.match(inside, inside.rfind("<", 0, at))
        if match is None or match.end() <= at or not inside[at - 1].isspace():
            return html[start:rest]  # not an attribute of a start tag: keep it all
        name = match.group(1)
        if match.group(0).endswith("/>") or name in _VOID:
            done = match.end()
        else:
            end = inside.find(f"</{name}>", match.end())
            if end < 0 or f"<{name}" in inside[match.end():end]:  # nested: keep the whole footer
                return html[start:rest]
            done = end + len(name) + 3
        kept.append(inside[match.start():done])
        at = inside.find("data-pagefind-", done)
    return html[start:foot] + FOOT_START + "".join(kept) + FOOT_END


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})


@dataclass(frozen=True)
class Document:
    """A search document as build_index cuts the stories into Pagefind runs and joins them: its
    language, its ``data-pagefind-sort`` values (None: not in the ``key[attribute]`` form the
    join reads) and the digest of its bytes."""

    lang: str
    sorts: Mapping[str, str] | None
    digest: bytes

    @classmethod
    def of(cls, document: str, digest: bytes) -> Document:
        lang = _HTML_LANG.search(document, 0, 200)
        try:
            sorts: Mapping[str, str] | None = sort_values_of(document)
        except FormatError:
            sorts = None
        return cls(lang.group(1) if lang else "", sorts, digest)

    @property
    def date(self) -> int:
        """The date Pagefind sorts the story by (seconds; 0 without one)."""
        date = (self.sorts or {}).get("date", "")
        return int(date) if date.isdigit() else 0


def read_documents(folder: Path) -> dict[str, Document]:
    """:meth:`SearchSource.documents` of a folder of search documents, read from disk."""
    documents = {}
    for path in folder.rglob("*.html"):
        data = path.read_bytes()
        documents[path.relative_to(folder).as_posix()] = Document.of(data.decode("utf-8"),
                                                                     _document_digest(data))
    return documents


class SearchSource:
    """A folder of :func:`search_document` copies of the site's story pages, at the pages' own
    paths, for Pagefind to read instead of the site.

    It lives as long as the process (``mkdocs serve`` rebuilds reuse it: a page whose document
    did not change is not written again) and is removed when the process ends.
    """

    def __init__(self) -> None:
        self._root: Path | None = None
        self._documents: dict[str, Document] = {}  # path -> what is on disk
        self._seen: set[str] = set()

    @property
    def root(self) -> Path:
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="masthead-search-"))
            atexit.register(shutil.rmtree, self._root, True)
        return self._root

    def start(self) -> None:
        """A build begins: the pages it does not put are dropped by :meth:`finish`."""
        self._seen = set()

    def put(self, dest_path: str, html: str) -> None:
        """Keep the search document of the page written to ``dest_path`` (site-relative)."""
        document = search_document(html)
        if document is None:
            return
        data = document.encode("utf-8")
        digest = _document_digest(data)
        self._seen.add(dest_path)
        known = self._documents.get(dest_path)
        if known is not None and known.digest == digest:
            return
        target = self.root / dest_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self._documents[dest_path] = Document.of(document, digest)

    def keep(self, dest_path: str) -> None:
        """The page at ``dest_path`` is the one put by the last build (`mkdocs serve` kept it)."""
        if dest_path in self._documents:
            self._seen.add(dest_path)

    def finish(self) -> Path | None:
        """Remove documents of pages this build did not write; the folder to index, or None
        when there is no story to index (Pagefind refuses a folder without pages; given the
        site, it writes the empty index the search page expects)."""
        for gone in self._documents.keys() - self._seen:
            (self.root / gone).unlink(missing_ok=True)
            del self._documents[gone]
        return self.root if self._documents else None

    def discard(self) -> None:
        """Forget the documents and remove their folder in the background (a ``mkdocs build``
        is done with them once the index is built: removing a folder per story took seconds
        at exit); a later build writes them all again."""
        if self._root is not None:
            _remove_later(self._root)
        self._root = None
        self._documents = {}

    def documents(self) -> dict[str, Document]:
        """What build_index needs to know of each document in the folder, by its path."""
        return dict(self._documents)

    def digest(self) -> str:
        """Digest of the folder's documents (their paths and bytes), from what :meth:`put`
        computed: the same as :func:`documents_digest` of the folder, without reading it."""
        h = hashlib.sha256()
        for path, known in sorted(self._documents.items()):
            h.update(path.encode() + b"\0" + known.digest)
        return h.hexdigest()


def _document_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def documents_digest(folder: Path) -> str:
    """Digest of the documents in ``folder`` (their paths and bytes), as :meth:`SearchSource.digest`."""
    h = hashlib.sha256()
    for path in sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()):
        h.update(path.encode() + b"\0" + _document_digest((folder / path).read_bytes()))
    return h.hexdigest()


# Pagefind holds every page it indexes in memory until it writes the bundle: ~200 KB per story
# page (2.1 GB for 10 000), whatever the size of the HTML. So it never holds more than
# ``extra.masthead.search.pages_per_part`` pages (default PAGES_PER_RUN) at once: a site with more
# is cut into runs of at most half that many pages, two of which go side by side (RUNS_AT_ONCE;
# one at a time on a machine with one CPU), and pagefind_merge.py joins a language's runs into
# the index one run would write (the same words, pages, filters and orders: tested), so results
# do not depend on it. A run keeps ~1.1 cores busy: two half-size runs at once use both cores for
# the memory of one full-size run. The cut does not depend on the machine, so neither do the bytes.
#
# A site of more than LANGUAGE_PARTS_FROM stories (or than pages_per_part) also gets one bundle
# per language, which masthead-parts.json lists for the search page: Pagefind keeps a separate
# index per language, and a language indexed alone gives the very files it has in the one-run
# bundle (tested).
PAGES_PER_RUN = 2000
RUNS_AT_ONCE = 2
LANGUAGE_PARTS_FROM = 2000
PARTS_FILE = "masthead-parts.json"  # in the bundle: which parts there are, with their languages
PART_DIR = "part-{n}"  # part n (2, 3, ...) of the bundle; part 1 is the bundle folder itself
_PARTS_HINT = ("write pages_per_part: 2000 (Pagefind then holds at most 2000 stories at once, "
               "~400 MB)")


def runs_at_once(pages_per_part: int, cpus: int | None = None) -> int:
    """How many Pagefind runs of a cut site go side by side: RUNS_AT_ONCE, but no more than the
    CPUs this process may use and than runs of :func:`run_size` pages that fit ``pages_per_part``."""
    if cpus is None:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(RUNS_AT_ONCE, cpus, pages_per_part // run_size(pages_per_part)))


def run_size(pages_per_part: int) -> int:
    """The most pages in one run of a site cut into runs: half of ``pages_per_part`` (at least 1)."""
    return max(1, pages_per_part // RUNS_AT_ONCE)


def load_search_settings(settings: Settings) -> int | None:
    """Validate ``extra.masthead.search``; the pages per Pagefind run (None: one run)."""
    raw = settings.extra.get("search") or {}
    path = f"{ROOT}.search"
    if not isinstance(raw, Mapping):
        raise MastheadError([Fault(CONFIG_FILE, None, path, "expected a mapping",
                                   "write search: {pages_per_part: 2000}")])
    faults = [Fault(CONFIG_FILE, None, f"{path}.{key}", "is not a search setting",
                    "use pages_per_part") for key in sorted(set(raw) - {"pages_per_part"}, key=str)]
    pages = raw.get("pages_per_part")
    if pages is not None and (isinstance(pages, bool) or not isinstance(pages, int) or pages < 1):
        faults.append(Fault(CONFIG_FILE, None, f"{path}.pages_per_part",
                            f"expected a whole number of at least 1, got {pages!r:.40}", _PARTS_HINT))
    if faults:
        raise MastheadError(faults)
    return pages if isinstance(pages, int) else None


def build_index(site_dir: Path, *, executable: Path | None = None, source: Path | None = None,
                pages_per_part: int | None = None, keep: Path | None = None,
                source_digest: str | None = None, documents: Mapping[str, Document] | None = None,
                languages_apart_from: int = LANGUAGE_PARTS_FROM) -> IndexReport:
    """Index the built site in ``site_dir`` into ``site_dir/pagefind/``.

    ``source``: a :class:`SearchSource` folder to read instead of the site's pages. When it holds
    more than ``languages_apart_from`` or ``pages_per_part`` pages, each language is indexed into
    a part of its own (``pagefind/``, ``pagefind/part-2/``, …, listed with their languages in the
    bundle's ``masthead-parts.json`` for the search page), and a language of more than half
    ``pages_per_part`` pages (default PAGES_PER_RUN) by several Pagefind runs of at most half
    that, oldest stories first, two at a time (:func:`runs_at_once`), whose bundles are joined,
    in the runs' order, into the one a single run writes (pagefind_merge.py).

    ``keep``: a cache folder. The bundle is kept there under a digest of everything it is made
    from (the search documents, the Pagefind binary, this code, the parts); a later build whose
    documents are the same (a template, style or setting changed outside the story bodies, or
    nothing did) links the kept bundle into the site instead of running Pagefind. Each run's
    bundle is kept too, under the digest of its documents: after a new story (it joins the
    newest run) or an edit, only the runs whose documents changed run again.
    ``source_digest``: :meth:`SearchSource.digest` of ``source`` (else the folder is read).
    ``documents``: :meth:`SearchSource.documents` of ``source`` (else each document is read).

    Pagefind writes into a staging folder that replaces the old bundle only when every run
    succeeded, so a failed run never leaves half an index; the few files Pagefind writes in a
    random order are rewritten in a fixed one (see pagefind_bundle.py), so the same site gives
    the same bytes. Raises SearchError with Pagefind's own words.
    """
    exe = executable or pagefind_executable()
    per_run = pages_per_part or PAGES_PER_RUN
    staging = site_dir / _STAGING
    # Parts 2, 3, ... are made beside the staging folder and moved into it once every part is
    # made: a join writes part 1 into a new folder (the staging folder itself) while other
    # parts are being made.
    others = site_dir / (_STAGING + "-parts")
    target = site_dir / BUNDLE_DIR
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(others, ignore_errors=True)
    started = time.perf_counter()
    kept = None
    if keep is not None and source is not None:
        kept = keep / "bundle" / _bundle_key(exe, source_digest or documents_digest(source),
                                             per_run, languages_apart_from)
    reused = kept is not None and (kept / PARTS_FILE).is_file()
    runs = _Runs(exe, keep / "runs" if keep is not None else None)
    groups: list[list[_Run]] = []
    try:
        if kept is not None and reused:
            _link_tree(kept, staging)
        else:
            if source is not None:
                if documents is None:
                    documents = read_documents(source)
                groups = _split(source, per_run, languages_apart_from, documents, runs.key)
            timing.annotate("search_split_s", round(time.perf_counter() - started, 2))
            outs: list[Path] = []
            jobs: list[Future[Any]] = []
            # Runs go side by side (in their fixed order); a language's runs are joined in a
            # thread of their own once they are made, while Pagefind indexes the next language.
            with ThreadPoolExecutor(max_workers=runs_at_once(per_run),
                                    thread_name_prefix="masthead-pagefind") as pagefind, \
                    ThreadPoolExecutor(max_workers=1, thread_name_prefix="masthead-merge") as joiner:
                for n, group in enumerate(groups or [[_Run(source or site_dir, None)]], start=1):
                    out = staging if n == 1 else others / PART_DIR.format(n=n)
                    outs.append(out)
                    if len(group) == 1:
                        jobs.append(pagefind.submit(runs.into, group[0], out))
                    else:
                        made = [pagefind.submit(runs.bundle, run) for run in group]
                        jobs += made
                        jobs.append(joiner.submit(_join_when_made, made, group, out, documents or {}))
                wait(jobs, return_when=FIRST_EXCEPTION)
                for job in jobs:  # after a failure, start no more runs
                    job.cancel()
            for job in jobs:  # the first failure in the runs' order, whichever failed first
                failure = None if job.cancelled() else job.exception()
                if failure is not None and not isinstance(failure, CancelledError):
                    raise failure
            for out in outs[1:]:
                out.rename(staging / out.name)
            outs = [staging] + [staging / out.name for out in outs[1:]]
            parts = [{"path": "" if n == 1 else PART_DIR.format(n=n) + "/",
                      "languages": sorted(indexed_pages(out))} for n, out in enumerate(outs, start=1)]
            (staging / PARTS_FILE).write_text(json.dumps({"parts": parts}, sort_keys=True) + "\n",
                                              encoding="utf-8")
            if kept is not None:
                _keep(staging, kept)
            runs.prune()
            timing.annotate("search_runs", {"ran": runs.done, "kept": runs.reused})
        pages: dict[str, int] = {}
        manifest = json.loads((staging / PARTS_FILE).read_text(encoding="utf-8"))
        for part in manifest["parts"]:
            for lang, count in indexed_pages(staging / part["path"]).items():
                pages[lang] = pages.get(lang, 0) + count
        seconds = time.perf_counter() - started
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(others, ignore_errors=True)
        if groups:  # the runs' folders of links and their new bundles, outside the site
            _remove_later(groups[0][0].folder.parent.parent)
    files = [p for p in target.rglob("*") if p.is_file()]
    return IndexReport(pages=dict(sorted(pages.items())), files=len(files),
                       bytes=sum(p.stat().st_size for p in files), seconds=seconds,
                       parts=len(manifest["parts"]), runs=runs.done + runs.reused,
                       runs_kept=runs.reused, reused=reused)


@dataclass(frozen=True)
class _Run:
    """The documents of one Pagefind run (a folder of hard links), and the key its bundle is
    kept under (None: not kept)."""

    folder: Path
    key: str | None


class _Runs:
    """Pagefind runs, their bundles kept in ``cache`` (when given) under their documents' key."""

    def __init__(self, exe: Path, cache: Path | None) -> None:
        self.exe = exe
        self.cache = cache
        self.used: set[str] = set()
        self.done = 0
        self.reused = 0
        self._code = _code_key(exe)
        self._lock = threading.Lock()  # runs go side by side, each in a thread

    def key(self, documents: list[tuple[str, bytes]]) -> str | None:
        if self.cache is None:
            return None
        h = hashlib.sha256(f"run 1; {self._code}; ".encode())
        for path, digest in documents:
            h.update(path.encode() + b"\0" + digest)
        return h.hexdigest()[:32]

    def _kept(self, run: _Run) -> Path | None:
        if self.cache is None or run.key is None:
            return None
        with self._lock:
            self.used.add(run.key)
        kept = self.cache / run.key
        return kept if (kept / ENTRY_FILE).is_file() else None

    def into(self, run: _Run, out: Path) -> None:
        """The run's bundle in ``out`` (linked from the cache, else made and kept)."""
        kept = self._kept(run)
        if kept is not None:
            self._count(reused=1)
            _link_tree(kept, out)
            return
        _run(self.exe, run.folder, out)
        self._count(done=1)
        if self.cache is not None and run.key is not None:
            _store(out, self.cache / run.key)

    def bundle(self, run: _Run) -> Path:
        """The run's bundle, to be read only (the kept one, or a new one next to its folder)."""
        kept = self._kept(run)
        if kept is not None:
            self._count(reused=1)
            return kept
        bundle = run.folder.with_name(run.folder.name + "-bundle")
        _run(self.exe, run.folder, bundle)
        self._count(done=1)
        if self.cache is not None and run.key is not None:
            _store(bundle, self.cache / run.key)
        return bundle

    def _count(self, *, done: int = 0, reused: int = 0) -> None:
        with self._lock:
            self.done += done
            self.reused += reused

    def prune(self) -> None:
        """Drop kept run bundles this build did not use."""
        if self.cache is None or not self.cache.is_dir():
            return
        for old in self.cache.iterdir():
            if old.name not in self.used:
                shutil.rmtree(old, ignore_errors=True)


def _store(bundle: Path, kept: Path, *, alone: bool = False) -> None:
    """A copy of ``bundle`` (hard links) at ``kept``; ``alone``: the only entry of its folder. A
    cache that cannot be written is no error (the next build runs Pagefind again)."""
    holder = kept.parent
    fresh = None
    try:
        holder.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=".new-", dir=holder))
        _link_tree(bundle, fresh)
        if alone:
            for old in holder.iterdir():
                if old != fresh:
                    shutil.rmtree(old, ignore_errors=True)
        fresh.rename(kept)
    except OSError:
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)


def _join_when_made(made: list[Future[Path]], group: list[_Run], out: Path,
                    documents: Mapping[str, Document]) -> None:
    """The runs' bundles, once Pagefind has made them all, joined into ``out`` in the runs' order
    (whichever finished first)."""
    _join([run.result() for run in made], group, out, documents)


def _join(bundles: list[Path], group: list[_Run], out: Path, documents: Mapping[str, Document]) -> None:
    """The runs' ``bundles`` joined into ``out`` (build_index removes the runs' folders and new
    bundles afterwards). ``documents``: what SearchSource knows of each document (the join
    needs their sort values)."""
    started = time.perf_counter()
    by_url = {"/" + path.removesuffix("index.html"): known for path, known in documents.items()}

    def sort_values(url: str) -> Mapping[str, str]:
        known = by_url.get(url)
        if known is None:
            raise FormatError(f"no search document for {url}")
        if known.sorts is None:
            raise FormatError(f"the data-pagefind-sort of {url} is not in the key[attribute] form")
        return known.sorts

    try:
        merge(bundles, out, sort_values)
        make_reproducible(out)
    except (FormatError, OSError, KeyError) as exc:
        raise SearchError(f"the Pagefind runs' indexes cannot be joined ({exc}); use the Pagefind "
                          "version pyproject.toml names") from None
    timing.annotate(f"search_merge_s_{group[0].folder.parent.name}", round(time.perf_counter() - started, 2))


def _bundle_key(exe: Path, documents: str, per_run: int, languages_apart_from: int) -> str:
    """Digest of what a bundle is made from: the documents' digest, the binary, this code and the
    parts."""
    h = hashlib.sha256(f"bundle 5; parts {per_run} {languages_apart_from}; "
                       f"documents {documents}; {_code_key(exe)}".encode())
    return h.hexdigest()[:32]


def _code_key(exe: Path) -> str:
    """Digest of the code that makes a bundle: this module, Pagefind's and the binary."""
    h = hashlib.sha256()
    here = Path(__file__).parent
    for code in ("search.py", "pagefind_bundle.py", "pagefind_merge.py"):
        h.update((here / code).read_bytes())
    binary = exe.stat()
    h.update(f"{exe.resolve()} {binary.st_size} {binary.st_mtime_ns};".encode())
    return h.hexdigest()


# Removing the runs' folders (a folder per story) took 1-5 s on the bench machine, whose file
# system discards each freed block at once; nothing waits for it, so a thread of its own does it
# while the build goes on (the process waits for that thread when it exits).
_sweeper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="masthead-search-sweep")


def _remove_later(folder: Path) -> None:
    """Remove ``folder`` (temporary, outside the site) in the background."""
    try:
        _sweeper.submit(shutil.rmtree, folder, True)
    except RuntimeError:  # the interpreter is exiting (`mkdocs serve` stopped mid-index)
        shutil.rmtree(folder, ignore_errors=True)


def _link_tree(source: Path, target: Path) -> None:
    """``target`` as a copy of ``source`` made of hard links (copies across file systems);
    each folder is made once (a bundle is thousands of files in a few folders)."""
    for folder, _, names in os.walk(source):
        into = target / Path(folder).relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        for name in names:
            _link(Path(folder, name), into / name, made=True)


def _link(source: Path, dest: Path, *, made: bool = False) -> None:
    """``dest`` as a hard link to ``source`` (a copy where links are not allowed); ``made``:
    its folder exists."""
    if not made:
        dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, dest)
    except OSError:
        shutil.copy2(source, dest)


def _keep(bundle: Path, kept: Path) -> None:
    """Keep ``bundle`` as the cache's only bundle, at ``kept``."""
    _store(bundle, kept, alone=True)


def _split(source: Path, per_run: int, languages_apart_from: int,
           documents: Mapping[str, Document],
           key: Callable[[list[tuple[str, bytes]]], str | None]) -> list[list[_Run]]:
    """The Pagefind runs: a list per language (the language with most pages first), each run a
    folder of hard links to at most ``run_size(per_run)`` pages (two such runs go side by side),
    oldest first (by date, then path): a new story joins the newest run, and the runs before keep
    their documents. [] when one run will do (at most ``languages_apart_from`` and ``per_run``
    pages, or one language of at most ``per_run``). ``documents``: what
    SearchSource knows of each document, by path; ``key``: the key of a run's kept bundle, from
    its documents' paths and digests."""
    if len(documents) <= min(per_run, languages_apart_from):
        return []
    by_lang: dict[str, list[str]] = {}
    for rel, known in sorted(documents.items(), key=lambda item: (item[1].date, item[0])):
        by_lang.setdefault(known.lang, []).append(rel)
    if len(by_lang) == 1 and len(documents) <= per_run:
        return []
    holder = Path(tempfile.mkdtemp(prefix="masthead-search-parts-", dir=source.parent))
    groups: list[list[_Run]] = []
    size = run_size(per_run)
    # The largest language first: its runs are joined while Pagefind indexes the others.
    for _, pages in sorted(by_lang.items(), key=lambda item: (-len(item[1]), item[0])):
        group: list[_Run] = []
        for start in range(0, len(pages), size):
            folder = holder / str(len(groups) + 1) / str(len(group) + 1)
            chunk = pages[start:start + size]
            for rel in chunk:
                _link(source / rel, folder / rel)
            group.append(_Run(folder, key([(rel, documents[rel].digest) for rel in sorted(chunk)])))
        groups.append(group)
    return groups


# Pagefind's binary allocates with jemalloc (prefixed build: it reads _RJEM_MALLOC_CONF), which
# by default keeps freed pages for 10 s before giving them back. Pagefind frees the words of each
# page while it builds the index from them, so with freed pages returned within 50 ms its peak
# is ~16 % lower (a run of 2 000 English stories: 472 → 398 MB, same bundle bytes) for ~3 % more
# CPU. Returning them at once (dirty_decay_ms:0) saved 1 MB more and cost 10 % more CPU: each
# page given back was soon asked for again (madvise, then a page fault, 60 000 times a run).
_JEMALLOC_CONF = "_RJEM_MALLOC_CONF"
_MEMORY_FIRST = "dirty_decay_ms:50,muzzy_decay_ms:0"


def _run(exe: Path, site: Path, out: Path) -> None:
    """One Pagefind run over ``site`` into ``out``, made reproducible."""
    command = [str(exe), "--site", str(site), "--output-path", str(out), "--quiet"]
    env = {_JEMALLOC_CONF: _MEMORY_FIRST, **os.environ}  # a value set by the developer wins
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    except OSError as exc:
        raise SearchError(f"cannot run the Pagefind search indexer {exe}: {exc} ({_INSTALL})") from None
    if result.returncode != 0:
        raise SearchError(_failure(result.returncode, result.stdout + result.stderr))
    if not (out / ENTRY_FILE).is_file():
        raise SearchError(_failure(result.returncode, result.stdout + result.stderr
                                   + f"\n(no {ENTRY_FILE} was written)"))
    try:
        make_reproducible(out)
    except (FormatError, OSError, KeyError) as exc:
        raise SearchError(f"Pagefind wrote a bundle Masthead cannot make reproducible ({exc}); "
                          "use the Pagefind version pyproject.toml names") from None


def _failure(code: int, output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()][-15:]
    said = "\n".join("    " + line for line in lines) or "    (it printed nothing)"
    return (f"the Pagefind search indexer failed (exit code {code}); it said:\n{said}\n"
            "  (fix what it names and build again; the pages were written, the search index was not)")


def indexed_pages(bundle: Path) -> dict[str, int]:
    """Pages per language, from the bundle's entry file."""
    data: dict[str, Any] = json.loads((bundle / ENTRY_FILE).read_text(encoding="utf-8"))
    return {lang: int(info.get("page_count", 0)) for lang, info in sorted(data["languages"].items())}


def script_json(value: Any) -> str:
    """JSON safe inside an HTML ``<script>`` element (no ``</script>``, no ``<!--``)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def page_view(settings: Settings, lang: str, languages: Sequence[str]) -> dict[str, Any]:
    """Plain values for the search page: the section choices and the script's configuration.

    ``languages`` are the languages of the published stories: the script searches the index of
    each, since Pagefind keeps one index per language and searches only the page's by default.
    """
    words = labels(lang)
    sections = [{"slug": s.slug, "title": s.label(lang)} for s in settings.sections]
    config = {
        "lang": lang,
        "languages": sorted(set(languages)),
        "sections": {s["slug"]: s["title"] for s in sections},
        "labels": {k.removeprefix("search_"): v for k, v in words.items()
                   if k in {"search_loading", "search_results", "search_one_result", "search_none",
                            "search_more", "search_failed", "search_tag", "search_remove_tag"}},
    }
    return {"sections": sections, "config_json": script_json(config)}
