"""Stable digests of plain values: the keys of the render cache.

``digest(value)`` is the same for equal values in any process on any day, and differs when
anything in the value differs. It accepts only what it can read completely: None, bool, int,
float, str, bytes, dates and times, time zones, enums, mappings, sequences, sets, dataclasses,
and objects that describe themselves with ``__fingerprint__()``. Anything else raises
``Unfingerprintable``: a cache must miss rather than serve a page made from different inputs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import io
import pickle
import struct
import types
import zoneinfo
from collections.abc import Callable, Mapping
from typing import Any

# id -> (the object, kept alive; its digest; what ``track`` found inside it)
Memo = dict[int, tuple[object, bytes, frozenset[str]]]
Track = Callable[[Any], "str | None"]
OPAQUE = "\0opaque"  # what ``track`` returns for a value whose insides it does not want to hear of


class Unfingerprintable(TypeError):
    """A value whose content cannot be read completely (a function, an open file, ...)."""


def quick_digest(value: Any, memo: Memo | None = None, *, found: set[str] | None = None,
                 track: Track | None = None) -> str:
    """Hex SHA-256 of ``value`` pickled: fast, for values built the same way in every build.

    Equal pickles mean equal values, so a hit is never stale; values that are equal but were
    built differently (the order of a set of strings) may pickle apart and cost a miss.
    Raises ``Unfingerprintable`` for what cannot be pickled (a lambda, a file).

    With ``memo``, a frozen dataclass (an article, listed on many pages) is pickled once per
    build and stands for its digest afterwards; the memo keeps it alive so its id stays its own.

    With ``memo``, ``track`` and ``found``: ``track(obj)`` is asked of every frozen dataclass in
    ``value`` (also those inside memoized ones) and the names it returns are added to ``found``
    (`mkdocs serve` notes which stories each page shows this way); nothing inside a value for
    which it returns ``OPAQUE`` is asked.
    """
    return _DigestPickler.run(value, memo, found, track)


class _DigestPickler(pickle.Pickler):
    def __init__(self, buffer: io.BytesIO, root: Any, memo: Memo | None, found: set[str] | None,
                 track: Track | None) -> None:
        super().__init__(buffer, protocol=5)
        # No memo of pickle's own: a string shared by two articles pickles like two equal strings.
        self.fast = True
        self.root, self.digests, self.found, self.track = root, memo, found, track

    @classmethod
    def run(cls, value: Any, memo: Memo | None, found: set[str] | None = None,
            track: Track | None = None) -> str:
        buffer = io.BytesIO()
        if track is not None and found is not None and (name := track(value)) is not None:
            if name == OPAQUE:
                found = track = None
            else:
                found.add(name)
        try:
            cls(buffer, value, memo, found, track).dump(value)
        except Unfingerprintable:
            raise
        except Exception as exc:  # pickle raises several types; RecursionError on a cycle
            raise Unfingerprintable(str(exc)) from None
        return hashlib.sha256(buffer.getbuffer()).hexdigest()

    # Called for objects other than plain str, int, list, dict, ... (unlike persistent_id).
    def reducer_override(self, obj: Any) -> Any:
        if self.digests is None or obj is self.root or isinstance(obj, type):
            return NotImplemented
        params = getattr(type(obj), "__dataclass_params__", None)
        if params is None or not params.frozen:
            return NotImplemented
        known = self.digests.get(id(obj))
        if known is None:
            inside: set[str] = set()
            text = self.run(obj, self.digests, inside, self.track)
            known = (obj, text.encode(), frozenset(inside))
            self.digests[id(obj)] = known
        if self.found is not None:
            self.found |= known[2]
        return (_Digested, (known[1].decode(),))


class DigestOnce:
    """``digest_of(value)`` once per object: for a value that many pages share as one object and
    nobody changes (``Newsroom.site_view``'s dicts, the follow block). Each object is kept alive
    with its digest, so its id is never another object's while the digest is kept."""

    def __init__(self, digest_of: Callable[[Any], str]) -> None:
        self.digest_of = digest_of
        self.known: dict[int, tuple[object, str]] = {}

    def __call__(self, value: Any) -> str:
        known = self.known.get(id(value))
        if known is None or known[0] is not value:
            known = self.known[id(value)] = (value, self.digest_of(value))
        return known[1]


class _Digested(str):
    """Stands for a frozen dataclass's digest inside a pickle (never unpickled)."""


def digest(value: Any, *, memo: Memo | None = None) -> str:
    """Hex SHA-256 of ``value``'s canonical form.

    ``memo`` lets a caller reuse the digests of frozen dataclasses (an article appears on many
    pages) within one build; it keeps the objects alive so their ids are not reused.
    """
    h = hashlib.sha256()
    _feed(h.update, value, memo, 0)
    return h.hexdigest()


_MAX_DEPTH = 64


def _feed(put: Callable[[bytes], object], value: Any, memo: Memo | None,
          depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise Unfingerprintable("value nested too deeply (a cycle?)")
    if value is None:
        put(b"N")
    elif value is True or value is False:
        put(b"T" if value else b"F")
    elif isinstance(value, enum.Enum):
        put(b"E" + _text(f"{type(value).__qualname__}.{value.name}"))
    elif isinstance(value, int):
        put(b"I" + _text(str(value)))
    elif isinstance(value, float):
        put(b"D" + struct.pack(">d", value))
    elif isinstance(value, str):
        put(b"S" + _text(value))
    elif isinstance(value, (bytes, bytearray)):
        put(b"B" + struct.pack(">Q", len(value)) + bytes(value))
    elif isinstance(value, (dt.datetime, dt.date, dt.time)):
        # isoformat keeps the offset; the zone's name tells zones with equal offsets apart.
        zone = getattr(value, "tzinfo", None)
        put(b"t" + _text(value.isoformat() + "|" + (str(zone) if zone else "")))
    elif isinstance(value, dt.timedelta):
        put(b"d" + _text(repr(value.total_seconds())))
    elif isinstance(value, (zoneinfo.ZoneInfo, dt.timezone)):
        put(b"z" + _text(str(value)))
    elif hasattr(value, "__fingerprint__"):
        put(b"P" + _text(type(value).__qualname__))
        _feed(put, value.__fingerprint__(), memo, depth + 1)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _dataclass(put, value, memo, depth)
    elif isinstance(value, Mapping):
        if all(type(k) is str for k in value):
            put(b"m" + struct.pack(">Q", len(value)))
            for key in sorted(value):
                put(_text(key))
                _feed(put, value[key], memo, depth + 1)
        else:
            items = [(digest(k), v) for k, v in value.items()]
            items.sort(key=lambda kv: kv[0])
            put(b"M" + struct.pack(">Q", len(items)))
            for hashed, item in items:
                put(hashed.encode())
                _feed(put, item, memo, depth + 1)
    elif isinstance(value, (list, tuple)):
        put(b"L" + struct.pack(">Q", len(value)))
        for item in value:
            _feed(put, item, memo, depth + 1)
    elif isinstance(value, (set, frozenset)):
        members = sorted(digest(v) for v in value)
        put(b"U" + struct.pack(">Q", len(members)) + "".join(members).encode())
    else:
        raise Unfingerprintable(f"cannot fingerprint a {type(value).__module__}.{type(value).__qualname__}")


def _dataclass(put: Callable[[bytes], object], value: Any, memo: Memo | None,
               depth: int) -> None:
    frozen = type(value).__dataclass_params__.frozen
    if memo is not None and frozen and (known := memo.get(id(value))) is not None:
        put(known[1])
        return
    h = hashlib.sha256()
    h.update(b"C" + _text(f"{type(value).__module__}.{type(value).__qualname__}"))
    for f in dataclasses.fields(value):
        h.update(_text(f.name))
        _feed(h.update, getattr(value, f.name), memo, depth + 1)
    done = h.digest()
    if memo is not None and frozen:
        memo[id(value)] = (value, done, frozenset())
    put(done)


def _text(text: str) -> bytes:
    data = text.encode("utf-8", "surrogatepass")
    return struct.pack(">Q", len(data)) + data


def loose(value: Any, depth: int = 0) -> Any:
    """``value`` as plain data for a digest, for settings objects ``digest`` would refuse.

    Functions and classes become their qualified names, a ``functools.partial`` its function and
    arguments; other objects their type and their attributes. For values made from a settings
    file (MkDocs' config), where a changed setting shows up in the file's text as well: not for
    page content.
    """
    if depth > 12:
        return "…"
    if value is None or isinstance(value, (bool, int, float, str, bytes, enum.Enum, dt.date,
                                           dt.time, dt.timedelta, dt.tzinfo)):
        return value
    if isinstance(value, Mapping):
        return {str(k): loose(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [loose(v, depth + 1) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(repr(loose(v, depth + 1)) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: loose(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value)}
    if isinstance(value, types.ModuleType):
        return f"<module {value.__name__}>"
    if isinstance(value, functools.partial):  # e.g. toc's slugify made by pymdownx.slugs.slugify(case=...)
        return {"<partial>": loose(value.func, depth + 1), "args": loose(value.args, depth + 1),
                "keywords": loose(value.keywords, depth + 1)}
    if isinstance(value, type) or callable(value):
        qualname = getattr(value, "__qualname__", type(value).__qualname__)
        return f"{getattr(value, '__module__', '?')}.{qualname}"
    attributes = getattr(value, "__dict__", None)
    name = f"{type(value).__module__}.{type(value).__qualname__}"
    if isinstance(attributes, dict):
        return {"<type>": name, **{k: loose(v, depth + 1) for k, v in sorted(attributes.items())
                                   if not k.startswith("_")}}
    return name
