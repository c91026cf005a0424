"""The render cache: results of earlier builds, found again by the digest of their inputs.

One SQLite file (``.cache/masthead/render.sqlite`` beside mkdocs.yml; ``.cache/`` is ignored by
Git). Entries are ``(kind, key) -> value``: ``kind`` says what was cached ("source",
"markdown", "page"), ``key`` is the digest of *every* input of the result (the text, the
templates, the settings, the code that made it), so an entry is never stale: when an input
changes, the key changes and the entry is simply not found. Values are pickled (not compressed:
on two busy cores zlib cost more than the disk space it saved, about 30 KB an article).

New entries are stored in a few large transactions (every 32 MB and when the build ends); entries
no build has used for two days are then dropped, so the file holds about one site's worth of
results (two when ``mkdocs serve`` and ``mkdocs build`` take turns: served pages carry the
local address; never more than three). Two builds sharing the cache at once only cost each
other hits.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from .fingerprint import digest

FORMAT = 4  # bump when the layout of cached values changes (the file is then emptied)
KEEP_DAYS = 2  # entries no build used for this long are dropped
KEEP_SITES = 3  # ... and all entries the last build did not use, when there are this many sites' worth
FLUSH_BYTES = 32 << 20  # new entries are stored whenever this much has been made
LIST_AFTER = 200  # lookups before all stored keys are read at once (see RenderCache._list_entries)
ENV_DIR = "MASTHEAD_CACHE_DIR"  # where to keep it instead of .cache/masthead/
ENV_OFF = "MASTHEAD_CACHE"  # "off": no cache at all
# Libraries whose behaviour is part of every cached result.
LIBRARIES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2",
             "python-frontmatter", "pyyaml", "zxing-cpp", "pypinyin",
             "rjieba", "numpy")  # related stories: Chinese words, and the sums that rank them


def cache_dir(project_dir: Path) -> Path | None:
    """Where the cache lives for the project whose mkdocs.yml is in ``project_dir`` (None: off)."""
    if os.environ.get(ENV_OFF, "").lower() in ("off", "0", "no", "false"):
        return None
    custom = os.environ.get(ENV_DIR)
    return Path(custom) if custom else project_dir / ".cache" / "masthead"


def code_digest(folders: Iterable[Path]) -> str:
    """Digest of the Python sources below ``folders`` and of the libraries' versions."""
    h = hashlib.sha256(f"format {FORMAT} python {sys.version}".encode())
    for name in LIBRARIES:
        try:
            h.update(f"{name}=={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name} missing;".encode())
    for folder in sorted(set(folders)):
        for path in sorted(folder.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def tree_digest(folders: Iterable[Path]) -> str:
    """Digest of every file below ``folders`` (templates: any of them may be included)."""
    h = hashlib.sha256()
    for folder in folders:
        h.update(b"\1" + str(folder).encode())
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


class RenderCache:
    """A persistent map ``(kind, key) -> value``; ``None`` path: a cache that never hits."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.db: sqlite3.Connection | None = None
        self.pending: dict[tuple[str, str], bytes] = {}
        self.pending_bytes = 0
        self.stored: dict[tuple[str, str], int] = {}  # (kind, key) -> day, of those known
        self.knows_all = False  # ``stored`` lists every entry of the file
        self.asked = 0
        self.today = int(time.time() // 86400)
        self.recalled: dict[tuple[str, tuple[Any, ...]], Any] = {}  # memoized calls, this build
        self.used: set[tuple[str, str]] = set()
        self.hits: dict[str, int] = {}
        self.misses: dict[str, int] = {}
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(folder / "render.sqlite", timeout=60, isolation_level=None,
                                      check_same_thread=False)
            # 16 KB pages (SQLite's default is 4 KB): the KB-sized values span a quarter as many
            # pages, so storing a cold build's entries makes fewer writes (~35 % less CPU, ~6 %
            # larger file). Takes effect when the file is made; a WAL file keeps its page size.
            self.db.execute("PRAGMA page_size=16384")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            if self.db.execute("PRAGMA user_version").fetchone()[0] != FORMAT:
                self.db.execute("DROP TABLE IF EXISTS entries")
                self.db.execute(f"PRAGMA user_version = {FORMAT}")
            # ``day``: the last day (days since 1970) a build used the entry; before ``value``,
            # so listing the keys does not walk the values' overflow pages. A rowid table, not
            # WITHOUT ROWID: its values are KBs, which SQLite's own advice keeps out of the key's
            # tree (storing a cold build's entries took ~40 % less CPU).
            self.db.execute("CREATE TABLE IF NOT EXISTS entries (kind TEXT, key TEXT, day INTEGER, "
                            "value BLOB, PRIMARY KEY (kind, key))")
            ignore = folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Masthead's render cache: safe to delete.\n*\n", encoding="utf-8")
        except (OSError, sqlite3.Error):
            self.db = None  # a read-only checkout still builds, just without the cache

    @property
    def enabled(self) -> bool:
        return self.db is not None

    def get(self, kind: str, key: str) -> Any | None:
        """The value stored under ``(kind, key)``, or None."""
        if self.db is None:
            return None
        blob = self.pending.get((kind, key))
        self.asked += 1
        if not self.knows_all and self.asked > LIST_AFTER:
            self._list_entries()
        if blob is None and (not self.knows_all or (kind, key) in self.stored):
            try:
                row = self.db.execute("SELECT value, day FROM entries WHERE kind = ? AND key = ?",
                                      (kind, key)).fetchone()
            except sqlite3.Error:
                row = None
            if row:
                blob, self.stored[(kind, key)] = row
        if blob is None:
            self.misses[kind] = self.misses.get(kind, 0) + 1
            return None
        try:
            value = pickle.loads(blob)
        except Exception:  # written by another version, or damaged: a miss
            self.misses[kind] = self.misses.get(kind, 0) + 1
            return None
        self.used.add((kind, key))
        self.hits[kind] = self.hits.get(kind, 0) + 1
        return value

    def put(self, kind: str, key: str, value: Any) -> None:
        if self.db is None:
            return
        blob = pickle.dumps(value, protocol=5)
        self.pending[(kind, key)] = blob
        self.pending_bytes += len(blob)
        self.used.add((kind, key))
        if self.pending_bytes > FLUSH_BYTES:  # keep memory flat at 10 000 articles
            self._store()

    def _list_entries(self) -> None:
        """Learn every stored key at once, so that a miss (every lookup of a cold build) costs no
        query. Done on the ``LIST_AFTER``-th lookup: a rebuild of `mkdocs serve` asks for a few
        dozen entries and should not read the keys of a whole site."""
        self.knows_all = True
        if self.db is None:
            return
        try:
            listed = {(kind, key): day for kind, key, day
                      in self.db.execute("SELECT kind, key, day FROM entries")}
        except sqlite3.Error:
            return
        self.stored = {**listed, **self.stored}

    def _store(self) -> None:
        if self.db is None or not self.pending:
            return
        rows = [(k, key, blob, self.today) for (k, key), blob in self.pending.items()]
        self.stored.update(dict.fromkeys(self.pending, self.today))
        self.pending.clear()
        self.pending_bytes = 0
        self._transaction(lambda db: db.executemany(
            "INSERT OR REPLACE INTO entries (kind, key, value, day) VALUES (?, ?, ?, ?)", rows))

    def _transaction(self, work: Callable[[sqlite3.Connection], object]) -> None:
        """Run ``work`` in one write transaction; on any database error, lose it (a cache)."""
        if self.db is None:
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
            work(self.db)
            self.db.execute("COMMIT")
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")

    def close(self, *, prune: bool) -> None:
        """Store new entries, date the used ones; with ``prune``, drop those unused for days.

        Entries a build did not use are kept for ``KEEP_DAYS``: ``mkdocs serve`` (whose pages
        carry the local address) and ``mkdocs build`` can take turns without emptying the
        other's part of the cache. When the file holds more than ``KEEP_SITES`` times what this
        build used (a day of edits to the newest headlines, which are on every page), only
        this build's entries are kept.
        """
        if self.db is None:
            return
        self._store()
        today = self.today
        touched = [(today, kind, key) for kind, key in self.used
                   if self.stored.get((kind, key), today) != today]

        used = sorted(self.used)

        def date_and_prune(db: sqlite3.Connection) -> None:
            db.executemany("UPDATE entries SET day = ? WHERE kind = ? AND key = ?", touched)
            if not prune:
                return
            db.execute("DELETE FROM entries WHERE day < ?", (today - KEEP_DAYS,))
            (total,) = db.execute("SELECT count(*) FROM entries").fetchone()
            if total > KEEP_SITES * len(used) + 1000:  # many edits today: keep this build's only
                db.execute("CREATE TEMP TABLE IF NOT EXISTS used (kind TEXT, key TEXT, "
                           "PRIMARY KEY (kind, key))")
                db.execute("DELETE FROM used")
                db.executemany("INSERT OR IGNORE INTO used VALUES (?, ?)", used)
                db.execute("DELETE FROM entries WHERE NOT EXISTS (SELECT 1 FROM used "
                           "WHERE used.kind = entries.kind AND used.key = entries.key)")

        self._transaction(date_and_prune)
        db, self.db = self.db, None
        with contextlib.suppress(sqlite3.Error):
            db.close()

    def stats(self) -> dict[str, dict[str, int]]:
        return {"hits": dict(sorted(self.hits.items())), "misses": dict(sorted(self.misses.items()))}


# -- pure functions remembered across builds ----------------------------------------------------

F = TypeVar("F", bound=Callable[..., Any])
MEMOIZED: dict[str, Callable[..., Any]] = {}  # kind -> the remembered function
_active: tuple[RenderCache, str] | None = None  # this build's cache and code digest


def memoized(kind: str) -> Callable[[F], F]:
    """Remember a pure function's results in the build's render cache (``kind`` names them).

    Outside a build with a cache (tests, ``MASTHEAD_SPEED=off``) the function is simply called.
    The key is the digest of the arguments and of the code, like every cache key.
    """

    def wrap(function: F) -> F:
        @functools.wraps(function)
        def remembered(*args: Any) -> Any:
            if _active is None:
                return function(*args)
            cache, code = _active
            try:
                known = cache.recalled.get((kind, args))
            except TypeError:  # unhashable arguments: no recall, the cache still works
                known = None
            if known is not None:
                return known
            key = memo_key(kind, code, args)
            value = cache.get(kind, key)
            if value is None:
                value = function(*args)
                cache.put(kind, key, value)
            with contextlib.suppress(TypeError):  # the same call on many pages: ask once
                cache.recalled[(kind, args)] = value
            return value

        for name in ("cache_clear", "cache_info"):  # an lru_cache underneath stays reachable
            if hasattr(function, name):
                setattr(remembered, name, getattr(function, name))
        MEMOIZED[kind] = remembered
        return remembered  # type: ignore[return-value]

    return wrap


def remember(kind: str, inputs: Any, make: Callable[[], Any]) -> Any:
    """``make()``, kept in the build's render cache under the digest of ``inputs`` (and of the
    code): for a result worked out from objects too large to digest whole, when ``inputs`` is
    everything ``make`` reads of them. Outside a build with a cache, simply ``make()``."""
    found = remembered(kind, inputs)
    if found is None:
        return make()
    key, value = found
    if value is None:
        value = make()
        keep(kind, key, value)
    return value


def remembered(kind: str, inputs: Any) -> tuple[str, Any | None] | None:
    """``remember`` in two steps, for a result worked out elsewhere (another process): the key
    of ``inputs`` and what the cache holds under it (None: a miss; store the result with
    ``keep``). None outside a build with a cache."""
    if _active is None:
        return None
    cache, code = _active
    key = memo_key(kind, code, (inputs,))
    return key, cache.get(kind, key)


def keep(kind: str, key: str, value: Any) -> None:
    """Store ``value`` under a key ``remembered`` gave (nothing outside a build with a cache)."""
    if _active is not None:
        _active[0].put(kind, key, value)


def memo_key(kind: str, code: str, args: tuple[Any, ...]) -> str:
    return digest((kind, code, args))


def activate(cache: RenderCache | None, code: str = "") -> None:
    """Make ``cache`` the one ``memoized`` functions use (None: none) for this build."""
    global _active
    _active = (cache, code) if cache is not None and cache.enabled else None
