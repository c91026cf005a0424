"""Join Pagefind bundles of one language, each indexed by its own run, into one bundle.

Pagefind holds every page it indexes in memory until it writes the bundle (~200 KB per story
page), so a large site is indexed in parts, one run after the other. Searching the parts one by
one would not give one index's results: Pagefind completes or drops a query word by what *its*
index holds, and scores with its own page counts. So the parts are joined here into the files a
single run writes for the parts' pages taken in order (pages numbered part after part):

- page fragments are the same files; a fragment's name is the start of the SHA-1 of its content,
  made longer where two names would be the same, in page order, as Pagefind does;
- the word index: the parts' words merged in order (each part lists its words sorted), the page
  lists of a word put one after the other, and cut into chunks by Pagefind's rule;
- filters: the pages of each value put together; sort orders: all pages ordered again by their
  values, read from the documents (the bundle keeps only the order);
- the language's metadata and ``pagefind-entry.json`` to match.

The layouts are Pagefind 1.5's (``pyproject.toml`` pins it); a file in another shape raises
FormatError and changes nothing outside ``out``. Pagefind's files are gzip of ``pagefind_dcd``
followed by CBOR, read with cbor2 (the index of 7 000 stories is 23 MB of CBOR; its C decoder
reads it in ~1 s, a pure-Python one took ~7 s); the words' page entries are copied as bytes.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import heapq
import html
import io
import itertools
import json
import os
import re
import shutil
import struct
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import cbor2

from .pagefind_bundle import ENTRY_FILE, SIGNATURE, FormatError, read, write_encoded

# Pagefind cuts the sorted words into chunks of at least this many locations (word and meta
# locations, +1 per page).
CHUNK_SIZE = 20000
_DATA_DIRS = ("fragment", "index", "filter")
_SORT_ATTR = re.compile(r'\sdata-pagefind-sort="([^"]*)"')
_SORT_SPEC = re.compile(r"\s*([^\[\],\s]+)\[([^\[\],\s]+)\]\s*")
_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def encode_head(major: int, arg: int) -> bytes:
    """The head of a CBOR item (major type 0: an unsigned integer; 4: an array of ``arg`` items)
    in its shortest form, as Pagefind writes it."""
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise FormatError("integer too large for CBOR")


def full_hash(data: bytes) -> str:
    """Pagefind's content hash: SHA-1, each byte in hex *without* a leading zero."""
    return "".join(format(byte, "x") for byte in hashlib.sha1(data).digest())


class _Part:
    """One part's bundle: its language, metadata and where its pages start in the whole."""

    def __init__(self, bundle: Path, first_page: int) -> None:
        self.bundle = bundle
        entry = json.loads((bundle / ENTRY_FILE).read_text(encoding="utf-8"))
        languages = entry.get("languages") or {}
        if len(languages) != 1:
            raise FormatError(f"{bundle}: a part must hold one language, it holds {sorted(languages)}")
        (self.language, self.info), = languages.items()
        self.entry = entry
        meta = read(bundle / f"pagefind.{self.info['hash']}.pf_meta")
        if not (isinstance(meta, list) and len(meta) == 6 and all(isinstance(m, list) for m in meta[1:])):
            raise FormatError(f"{bundle}: unexpected metadata layout")
        self.version, self.pages, self.chunks, self.filters, self.sorts, self.meta_keys = meta
        self.first_page = first_page
        self.remap: list[int] | None = None  # its meta keys' numbers in the joined index

    def words(self) -> Iterator[tuple[list[Any], bytes]]:
        """The part's words in order, decoded and as they are in the file.

        A word is ``[word, pages, variants]``; ``pages`` are ``[page number step, locations,
        meta locations]`` (the step from the page before, the first from page 0); ``variants``
        are ``[[spelling with diacritics, pages], …]`` for the word's other spellings (Borås for
        boras)."""
        for chunk in self.chunks:
            path = self.bundle / "index" / f"{chunk[2]}.pf_index"
            data = gzip.decompress(path.read_bytes())
            if not data.startswith(SIGNATURE + b"\x81"):
                raise FormatError(f"{path.name}: unexpected index chunk layout")
            stream = io.BytesIO(data)
            stream.seek(len(SIGNATURE) + 1)
            decoder = cbor2.CBORDecoder(stream)
            count = _array_head(data, len(SIGNATURE) + 1, stream)
            for _ in range(count):
                start = stream.tell()
                try:
                    word = decoder.decode()
                except (cbor2.CBORDecodeError, ValueError) as exc:
                    raise FormatError(f"{path.name}: {exc}") from None
                if not (isinstance(word, list) and len(word) == 3 and isinstance(word[0], str)
                        and isinstance(word[1], list) and isinstance(word[2], list)
                        and all(isinstance(v, list) and len(v) == 2 for v in word[2])):
                    raise FormatError(f"{self.bundle}: unexpected word layout")
                yield word, data[start:stream.tell()]
            if stream.tell() != len(data):
                raise FormatError(f"{path.name}: trailing bytes")


def _array_head(data: bytes, at: int, stream: io.BytesIO) -> int:
    """The length of the CBOR array whose head is at ``at``; ``stream`` moved past the head."""
    first = data[at]
    sizes = {24: 1, 25: 2, 26: 4, 27: 8}
    if first >> 5 != 4 or (first & 31 >= 24 and first & 31 not in sizes):
        raise FormatError("unexpected index chunk layout")
    if first & 31 < 24:
        stream.seek(at + 1)
        return first & 31
    size = sizes[first & 31]
    stream.seek(at + 1 + size)
    return int.from_bytes(data[at + 1:at + 1 + size], "big")


def merge(parts: Sequence[Path], out: Path, sort_values: Callable[[str], Mapping[str, str]]) -> None:
    """Write into ``out`` (a new folder) the bundle joining the bundles ``parts`` of one language.

    ``sort_values(url)``: the ``data-pagefind-sort`` values of the page at ``url`` (see
    :func:`sort_values_of`), needed to order the pages of different parts.
    """
    loaded: list[_Part] = []
    first = 0
    for bundle in parts:
        part = _Part(bundle, first)
        first += len(part.pages)
        loaded.append(part)
    if not loaded:
        raise FormatError("no parts to merge")
    head = loaded[0]
    for part in loaded[1:]:
        if (part.language, part.version) != (head.language, head.version):
            raise FormatError(f"{part.bundle}: another language or Pagefind version than {head.bundle}")
    out.mkdir(parents=True)
    # The merge makes millions of small lists and no reference cycles; in a build process that
    # holds every page, each collection the allocations set off would walk all of it (10 000
    # stories: the English merge, ~3 s on its own, took 11 s in the build with the collector on,
    # 4 s with it off).
    collecting = gc.isenabled()
    gc.disable()
    try:
        _merge(loaded, out, sort_values)
    finally:
        if collecting:
            gc.enable()


def _merge(loaded: list[_Part], out: Path, sort_values: Callable[[str], Mapping[str, str]]) -> None:
    head = loaded[0]
    lang = head.language
    meta_keys = sorted({key for part in loaded for key in part.meta_keys})  # the pages' meta keys
    for part in loaded:
        numbers = [meta_keys.index(key) for key in part.meta_keys]
        part.remap = None if numbers == list(range(len(numbers))) else numbers
    for name in _DATA_DIRS:
        (out / name).mkdir()

    pages, urls = _fragments(loaded, out, lang)
    chunks = _words(loaded, out, lang)
    filters = _filters(loaded, out, lang)
    sorts = _sorts(loaded, urls, sort_values)
    meta = cbor2.dumps([head.version, pages, chunks, filters, sorts, meta_keys])
    meta_hash = f"{lang}_{full_hash(meta)[:len(lang) + 8]}"
    write_encoded(out / f"pagefind.{meta_hash}.pf_meta", meta)

    for path in sorted(head.bundle.iterdir()):  # scripts, styles and wasm: the same in every part
        if path.is_file() and path.name != ENTRY_FILE and not path.name.endswith(".pf_meta"):
            shutil.copyfile(path, out / path.name)
    entry = dict(head.entry)
    entry["languages"] = {lang: {**head.info, "hash": meta_hash, "page_count": len(pages)}}
    (out / ENTRY_FILE).write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                                  encoding="utf-8")


def _fragments(parts: list[_Part], out: Path, lang: str) -> tuple[list[list[Any]], list[str]]:
    """Link the page fragments into ``out`` under the names one run gives them; the metadata's
    page list ``[name, word count]`` and the pages' URLs, in page order.

    One run names a page by the shortest start (at least 8 characters) of its content hash that
    no page before it has. A part's run saw fewer pages before it, so its name is that start or
    a shorter one: it is kept unless a page of an earlier part took it.
    """
    pages: list[list[Any]] = []
    urls: list[str] = []
    taken: set[str] = set()
    for part in parts:
        for entry in part.pages:
            if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
                raise FormatError(f"{part.bundle}: unexpected page entry")
            source = part.bundle / "fragment" / f"{entry[0]}.pf_fragment"
            data = gzip.decompress(source.read_bytes())
            if not data.startswith(SIGNATURE):
                raise FormatError(f"{source.name} does not start with Pagefind's signature")
            name = entry[0]
            if name in taken:
                whole = f"{lang}_{full_hash(data[len(SIGNATURE):])}"
                length = len(name)
                while whole[:length] in taken:
                    if length >= len(whole):
                        raise FormatError(f"{source.name}: two pages with the same content")
                    length += 1
                name = whole[:length]
            taken.add(name)
            _link(source, out / "fragment" / f"{name}.pf_fragment")
            pages.append([name, entry[1]])
            urls.append(_url(data))
    return pages, urls


def _link(source: Path, dest: Path) -> None:
    """``dest`` as a hard link to ``source`` (a copy where links are not allowed): the parts'
    bundles may be kept in the cache and must stay whole."""
    try:
        os.link(source, dest)
    except OSError:
        shutil.copyfile(source, dest)


def _url(fragment: bytes) -> str:
    """The ``url`` of a page fragment (its first key: the rest, the page's text, is not parsed)."""
    start = len(SIGNATURE)
    if not fragment.startswith(b'{"url":', start):
        raise FormatError("a page fragment does not start with its url")
    url, _ = json.JSONDecoder().raw_decode(fragment.decode("utf-8"), start + 7)
    if not isinstance(url, str):
        raise FormatError("a page fragment's url is not a string")
    return url


class _Pages:
    """A page list of one word (or spelling) growing part after part."""

    def __init__(self) -> None:
        self.pages: list[list[Any]] = []
        self.last = 0  # the number of the list's last page

    def add(self, pages: list[list[Any]], part: _Part) -> None:
        if not pages:
            return
        if part.remap is not None:
            pages = [[page[0], page[1], _remapped(page[2], part.remap)] for page in pages]
        # The part's first page follows the last page of the parts before (or page 0).
        start = part.first_page + pages[0][0]
        self.pages.append([start - self.last, *pages[0][1:]])
        self.pages.extend(pages[1:])
        self.last = part.first_page + sum(page[0] for page in pages)


def _remapped(meta_locations: list[int], remap: list[int]) -> list[int]:
    """Meta locations (``-(key number + 1)`` before the positions of a word in that meta field)
    with a part's key numbers made the joined index's."""
    return [-remap[-n - 1] - 1 if n < 0 else n for n in meta_locations]


class _Joined:
    """One word of the joined index: its pages and its spellings' pages, in part order."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.parts: list[tuple[list[Any], bytes, _Part, int]] = []  # word, its bytes, part, last page
        self.size = 0  # Pagefind's measure of the word for cutting chunks
        # Pages in every part, no other spellings and the parts' meta keys numbered as in the
        # joined index: the bytes can be spliced.
        self.plain = True

    def add(self, word: list[Any], data: bytes, part: _Part) -> None:
        last = part.first_page
        size = 0
        for page in word[1]:
            last += page[0]
            size += len(page[1]) + len(page[2]) + 1
        self.size += size
        self.parts.append((word, data, part, last))
        self.plain = self.plain and bool(word[1]) and not word[2] and part.remap is None

    def encode(self) -> bytes:
        """The word's CBOR: the parts' page lists one after the other, each part's first step
        made a step from the last page of the parts before. The page entries are copied as they
        are (``[step, locations, meta locations]``, all but the first step unchanged)."""
        if not self.plain:
            return cbor2.dumps(self.word())
        if len(self.parts) == 1 and self.parts[0][2].first_page == 0:
            return self.parts[0][1]
        text = cbor2.dumps(self.text)
        pieces = [b"\x83", text, encode_head(4, sum(len(word[1]) for word, *_ in self.parts))]
        last = 0
        for word, data, part, end in self.parts:
            step = word[1][0][0]
            at = 1 + len(text) + len(encode_head(4, len(word[1])))
            if not (data[at] == 0x83 and data[-1] == 0x80):
                return cbor2.dumps(self.word())
            pieces += [b"\x83", encode_head(0, part.first_page + step - last),
                       data[at + 1 + len(encode_head(0, step)):-1]]
            last = end
        pieces.append(b"\x80")
        return b"".join(pieces)

    def word(self) -> list[Any]:
        """The word decoded (for words with other spellings, without pages of their own, or
        from a part whose meta keys are numbered otherwise)."""
        pages = _Pages()
        variants: dict[str, _Pages] = {}
        for word, _, part, _ in self.parts:
            pages.add(word[1], part)
            for spelling, listed in word[2]:
                variants.setdefault(spelling, _Pages()).add(listed, part)
        return [self.text, pages.pages, [[spelling, v.pages] for spelling, v in variants.items()]]


def _stream(n: int, part: _Part) -> Iterator[tuple[str, int, list[Any], bytes, _Part]]:
    for word, data in part.words():
        yield word[0], n, word, data, part


def _words(parts: list[_Part], out: Path, lang: str) -> list[list[str]]:
    """Write the merged word index in chunks; the metadata's ``[from, to, name]`` list."""
    streams = [_stream(n, part) for n, part in enumerate(parts)]
    chunks: list[tuple[str, str, str]] = []
    names: set[str] = set()
    chunk: list[bytes] = []
    bounds: list[str] = []
    size = 0
    current: _Joined | None = None
    writing: list[Future[None]] = []

    with ThreadPoolExecutor(max_workers=1) as writer:  # zlib lets the decoding go on meanwhile

        def flush() -> None:
            nonlocal chunk, size
            data = b"\x81" + encode_head(4, len(chunk)) + b"".join(chunk)
            whole = f"{lang}_{full_hash(data)}"
            length = len(lang) + 8
            while whole[:length] in names and length < len(whole):
                length += 1
            names.add(whole[:length])
            writing.append(writer.submit(write_encoded, out / "index" / f"{whole[:length]}.pf_index", data))
            chunks.append((bounds[0], bounds[-1], whole[:length]))
            chunk, size = [], 0
            bounds.clear()

        def close(joined: _Joined) -> None:
            nonlocal size
            chunk.append(joined.encode())
            bounds.append(joined.text)
            size += joined.size
            if size >= CHUNK_SIZE:
                flush()

        for text, _, word, data, part in heapq.merge(*streams, key=lambda item: item[:2]):
            if current is None or current.text != text:
                if current is not None:
                    close(current)
                current = _Joined(text)
            current.add(word, data, part)
        if current is not None:
            close(current)
        if chunk:
            flush()
        for done in writing:
            done.result()

    named = [[start, end, name] for start, end, name in chunks]
    for left, right in itertools.pairwise(named):  # shortest prefixes telling neighbours apart
        common = 0
        for a, b in zip(left[1], right[0], strict=False):
            if a != b:
                break
            common += 1
        if left[1][:common + 1] >= left[0]:  # Pagefind 1.5 keeps a "to" that would sort before "from"
            left[1] = left[1][:common + 1]
        right[0] = right[0][:common + 1]
    return named


def _filters(parts: list[_Part], out: Path, lang: str) -> list[list[str]]:
    """Write one filter chunk per filter with every part's pages; the metadata's
    ``[filter, name]`` list (pagefind_bundle.make_reproducible orders both afterwards)."""
    merged: dict[str, dict[str, list[int]]] = {}
    for part in parts:
        for entry in part.filters:
            if not (isinstance(entry, list) and len(entry) == 2):
                raise FormatError(f"{part.bundle}: unexpected filter entry")
            chunk = read(part.bundle / "filter" / f"{entry[1]}.pf_filter")
            if not (isinstance(chunk, list) and len(chunk) == 2 and chunk[0] == entry[0]):
                raise FormatError(f"{part.bundle}: unexpected filter chunk layout")
            values = merged.setdefault(entry[0], {})
            for value, numbers in chunk[1]:
                values.setdefault(value, []).extend(part.first_page + n for n in numbers)
    listed = []
    for name, values in merged.items():
        data = cbor2.dumps([name, [[value, sorted(numbers)] for value, numbers in values.items()]])
        whole = f"{lang}_{full_hash(data)}"
        write_encoded(out / "filter" / f"{whole[:len(lang) + 8]}.pf_filter", data)
        listed.append([name, whole[:len(lang) + 8]])
    return listed


def _sorts(parts: list[_Part], urls: list[str],
           sort_values: Callable[[str], Mapping[str, str]]) -> list[list[Any]]:
    """Each sort key's pages in the order one run gives: a stable sort of the pages, in page
    order, by their values, as numbers when every value is one (as 32-bit floats), else as text."""
    keys = sorted({entry[0] for part in parts for entry in part.sorts})
    if not keys:
        return []
    values = [sort_values(url) for url in urls]
    sorts = []
    for key in keys:
        having = [(n, v[key]) for n, v in enumerate(values) if key in v]
        if all(_number(value) is not None for _, value in having):
            having.sort(key=lambda item: _number(item[1]) or 0.0)
        else:
            having.sort(key=lambda item: item[1].encode("utf-8"))
        order = [n for n, _ in having]
        expected = sum(len(entry[1]) for part in parts for entry in part.sorts if entry[0] == key)
        if len(order) != expected:
            raise FormatError(f"sort {key!r}: {len(order)} pages have a value, the parts sort {expected}")
        sorts.append([key, order])
    return sorts


def _number(value: str) -> float | None:
    """The value as Pagefind compares it: a 32-bit integer or float, made a 32-bit float."""
    if _INT.fullmatch(value) and -(2 ** 31) <= int(value) < 2 ** 31:
        number = float(int(value))
    elif _FLOAT.fullmatch(value):
        number = float(value)
    else:
        return None
    try:
        result: float = struct.unpack("<f", struct.pack("<f", number))[0]
    except OverflowError:
        return None
    return result


def sort_values_of(document: str) -> dict[str, str]:
    """The ``data-pagefind-sort="key[data-attr], …"`` values a search document gives its page."""
    found: dict[str, str] = {}
    at = document.find(" data-pagefind-sort=")
    while at >= 0:
        tag = document[document.rfind("<", 0, at):document.find(">", at) + 1]
        spec = _SORT_ATTR.search(tag)
        if spec is None:
            raise FormatError(f"cannot read the data-pagefind-sort of {tag[:80]!r}")
        for item in html.unescape(spec.group(1)).split(","):
            match = _SORT_SPEC.fullmatch(item)
            if match is None:
                raise FormatError(f"data-pagefind-sort={spec.group(1)!r}: only key[attribute] is merged")
            value = re.search(rf'\s{re.escape(match.group(2))}="([^"]*)"', tag)
            if value is not None:
                found.setdefault(match.group(1), html.unescape(value.group(1)))
        at = document.find(" data-pagefind-sort=", at + 1)
    return found


__all__ = ["CHUNK_SIZE", "full_hash", "merge", "sort_values_of"]
