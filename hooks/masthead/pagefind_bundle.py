"""Make a Pagefind bundle byte-identical from one run to the next.

Pagefind 1.5 keeps filters in Rust hash maps, which are seeded at random in every process:
each filter chunk (``filter/*.pf_filter``) lists its values in a different order each run, so
its content hash, its file name, the language's ``pagefind.<lang>_<hash>.pf_meta`` that names it
and ``pagefind-entry.json`` change too, although they mean the same. The word index, the page
fragments, the wasm and the scripts are already identical between runs.

This module rewrites those few files in a fixed order. Pagefind's files are gzip of
``pagefind_dcd`` followed by CBOR; the small CBOR reader and writer here cover what Pagefind
writes (integers, strings, arrays, maps; anything else is copied as it was).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SIGNATURE = b"pagefind_dcd"
ENTRY_FILE = "pagefind-entry.json"


class FormatError(ValueError):
    """A Pagefind file is not in the shape this module knows."""


@dataclass(frozen=True)
class Raw:
    """A CBOR item kept byte for byte (floats, simple values, tags)."""

    data: bytes


# -- CBOR ------------------------------------------------------------------------------------------


def _head(data: bytes, at: int) -> tuple[int, int, int]:
    """(major type, argument, position after the head) of the item at ``at``."""
    if at >= len(data):
        raise FormatError("truncated CBOR")
    first = data[at]
    major, info = first >> 5, first & 31
    if info < 24:
        return major, info, at + 1
    sizes = {24: 1, 25: 2, 26: 4, 27: 8}
    if info not in sizes:
        raise FormatError(f"unsupported CBOR length {info}")
    end = at + 1 + sizes[info]
    if end > len(data):
        raise FormatError("truncated CBOR")
    return major, int.from_bytes(data[at + 1:end], "big"), end


def _decode(data: bytes, at: int) -> tuple[Any, int]:
    """The item at ``at`` and the position after it."""
    major, arg, after = _head(data, at)
    if major == 0:
        return arg, after
    if major == 1:
        return -1 - arg, after
    if major in (2, 3):
        chunk = data[after:after + arg]
        if len(chunk) != arg:
            raise FormatError("truncated CBOR string")
        return (chunk if major == 2 else chunk.decode("utf-8")), after + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, after = _decode(data, after)
            items.append(item)
        return items, after
    if major == 5:
        pairs = _Map()
        for _ in range(arg):
            key, after = _decode(data, after)
            value, after = _decode(data, after)
            pairs.append((key, value))
        return pairs, after
    if major == 7:  # floats and simple values: kept as they are
        return Raw(data[at:after]), after
    raise FormatError("CBOR tags are not expected in Pagefind files")


class _Map(list[tuple[Any, Any]]):
    """A CBOR map, kept as ordered pairs so nothing is reordered unless asked."""


def decode(data: bytes) -> Any:
    item, end = _decode(data, 0)
    if end != len(data):
        raise FormatError("trailing bytes after CBOR item")
    return item


def encode_head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise FormatError("integer too large for CBOR")


def encode(item: Any) -> bytes:
    if isinstance(item, Raw):
        return item.data
    if isinstance(item, bool) or item is None:
        raise FormatError("booleans and null are kept as Raw")
    if isinstance(item, int):
        return encode_head(0, item) if item >= 0 else encode_head(1, -1 - item)
    if isinstance(item, bytes):
        return encode_head(2, len(item)) + item
    if isinstance(item, str):
        data = item.encode("utf-8")
        return encode_head(3, len(data)) + data
    if isinstance(item, dict):
        item = _Map(item.items())
    if isinstance(item, _Map):
        return encode_head(5, len(item)) + b"".join(encode(k) + encode(v) for k, v in item)
    if isinstance(item, list):
        return encode_head(4, len(item)) + b"".join(encode(x) for x in item)
    raise FormatError(f"cannot encode {type(item).__name__}")


# -- Pagefind files --------------------------------------------------------------------------------


def read(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise FormatError(f"{path.name} does not start with Pagefind's signature")
    return decode(data[len(SIGNATURE):])


def write(path: Path, item: Any) -> None:
    path.write_bytes(gzip.compress(SIGNATURE + encode(item), mtime=0))


def _key(item: Any) -> tuple[str, bytes]:
    """Order of ``[name, ...]`` pairs: by name, then by their CBOR bytes."""
    name = item[0] if isinstance(item, list) and item and isinstance(item[0], str) else ""
    return name, encode(item)


def _sorted_pages(value: Any) -> Any:
    """``[value, [page, ...]]`` with its page numbers in order (they are a set)."""
    if isinstance(value, list) and len(value) == 2 and isinstance(value[1], list) \
            and all(isinstance(n, int) for n in value[1]):
        return [value[0], sorted(value[1])]
    return value


def _hash(lang: str, item: Any, length: int) -> str:
    return f"{lang}_{hashlib.sha256(encode(item)).hexdigest()[:length]}"


def make_reproducible(bundle: Path) -> None:
    """Rewrite the bundle's filter chunks, metadata files and entry file in a fixed order.

    Filter chunk: ``[name, [[value, [page, ...]], ...]]`` -> values and their pages sorted.
    Language metadata: ``[version, pages, index chunks, filter chunks, sorts, meta keys]`` where
    filter chunks are ``[[name, chunk hash], ...]`` -> names sorted, hashes of the new chunks.
    Raises FormatError (and changes nothing) if a file is not in that shape.
    """
    entry_path = bundle / ENTRY_FILE
    entry: dict[str, Any] = json.loads(entry_path.read_text(encoding="utf-8"))
    languages: dict[str, Any] = entry.get("languages") or {}
    writes: list[tuple[Path, Any]] = []
    removes: list[Path] = []
    for lang in sorted(languages):
        info = languages[lang]
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = read(meta_path)
        if not (isinstance(meta, list) and len(meta) >= 4 and isinstance(meta[3], list)):
            raise FormatError(f"{meta_path.name}: unexpected layout")
        renamed: list[list[Any]] = []
        for pair in meta[3]:
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str)):
                raise FormatError(f"{meta_path.name}: unexpected filter entry")
            name, old_hash = pair
            old_path = bundle / "filter" / f"{old_hash}.pf_filter"
            chunk = read(old_path)
            if not (isinstance(chunk, list) and len(chunk) == 2 and isinstance(chunk[1], list)):
                raise FormatError(f"{old_path.name}: unexpected layout")
            chunk = [chunk[0], sorted((_sorted_pages(v) for v in chunk[1]), key=_key)]
            new_hash = _hash(old_hash.split("_")[0], chunk, len(old_hash.split("_", 1)[1]))
            writes.append((bundle / "filter" / f"{new_hash}.pf_filter", chunk))
            removes.append(old_path)
            renamed.append([name, new_hash])
        meta = [*meta[:3], sorted(renamed, key=_key), *meta[4:]]
        new_meta_hash = _hash(info["hash"].split("_")[0], meta, len(info["hash"].split("_", 1)[1]))
        writes.append((bundle / f"pagefind.{new_meta_hash}.pf_meta", meta))
        removes.append(meta_path)
        info["hash"] = new_meta_hash
    for path in removes:
        path.unlink()
    for path, item in writes:
        write(path, item)
    entry["languages"] = {lang: languages[lang] for lang in sorted(languages)}
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


__all__ = ["FormatError", "Raw", "decode", "encode", "make_reproducible", "read", "write"]
