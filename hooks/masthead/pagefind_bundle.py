"""Make a Pagefind bundle byte-identical from one run to the next.

Pagefind 1.5 keeps filters in Rust hash maps, which are seeded at random in every process:
each filter chunk (``filter/*.pf_filter``) lists its values in a different order each run, so
its content hash, its file name, the language's ``pagefind.<lang>_<hash>.pf_meta`` that names it
and ``pagefind-entry.json`` change too, although they mean the same. The word index, the page
fragments, the wasm and the scripts are already identical between runs.

This module rewrites those few files in a fixed order. Pagefind's files are gzip of
``pagefind_dcd`` followed by CBOR (read and written with cbor2; Pagefind writes definite
lengths and the shortest forms, which cbor2 writes too, so a file read and written again keeps
its bytes).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import cbor2

SIGNATURE = b"pagefind_dcd"
ENTRY_FILE = "pagefind-entry.json"


class FormatError(ValueError):
    """A Pagefind file is not in the shape this module knows."""


def decode(data: bytes) -> Any:
    stream = io.BytesIO(data)
    try:
        item = cbor2.CBORDecoder(stream).decode()
    except (cbor2.CBORDecodeError, ValueError) as exc:
        raise FormatError(f"not CBOR as Pagefind writes it: {exc}") from None
    if stream.tell() != len(data):
        raise FormatError("trailing bytes after the CBOR item")
    return item


def encode(item: Any) -> bytes:
    try:
        return cbor2.dumps(item)
    except (cbor2.CBOREncodeError, ValueError) as exc:
        raise FormatError(f"cannot encode {type(item).__name__}: {exc}") from None


# -- Pagefind files --------------------------------------------------------------------------------


def read(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise FormatError(f"{path.name} does not start with Pagefind's signature")
    return decode(data[len(SIGNATURE):])


def write(path: Path, item: Any) -> None:
    write_encoded(path, encode(item))


def write_encoded(path: Path, data: bytes) -> None:
    """``data`` (CBOR) as a Pagefind file."""
    path.write_bytes(gzip.compress(SIGNATURE + data, compresslevel=6, mtime=0))


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


__all__ = ["FormatError", "decode", "encode", "make_reproducible", "read", "write", "write_encoded"]
