"""Paths that become URLs and files: what every system and browser can take."""

from __future__ import annotations

from pathlib import PurePosixPath

# Names Windows cannot check out (editors clone the newsroom there too), any extension.
_DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                           *(f"lpt{i}" for i in range(1, 10))})
_URL_BREAKING = set('#?%\\"<>|*:')


def unsafe_path(src_uri: str) -> str | None:
    """Why a story's path cannot safely become a URL and a file on every system, or None."""
    parts = PurePosixPath(src_uri).parts
    for part in parts:
        stem = part.split(".")[0].lower()
        if stem in _DEVICE_NAMES:
            return f"{part!r} is a reserved device name on Windows"
        if bad := sorted(set(part) & _URL_BREAKING):
            return f"{part!r} contains {' '.join(bad)}, which break URLs or file systems"
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in part):
            return f"{part!r} contains a control character"
        if part.endswith((" ", ".")) and part not in (".", ".."):
            return f"{part!r} ends with a space or a dot"
    if len(src_uri.encode("utf-8")) > 200:
        return "the path is longer than 200 bytes (some systems refuse it)"
    return None
