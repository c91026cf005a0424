"""Footer filings that mainland-hosted sites must show: the ICP filing and the public-security one.

Settings (``extra.masthead.filings``; leave the block out and the footer shows nothing of it)::

    filings:
      icp: 京ICP备12345678号-1            # links to the MIIT filing site
      police: 京公网安备11010502030143号   # links to its record on the public-security filing site
      police_url: https://...             # optional: another address for that record
      police_badge: assets/beian.png      # optional: the filing badge, our own file in docs/

Numbers are checked for their shape (province, kind, digits); a malformed one is a fault naming
the key. Everything is plain Python; ``partials/mh-filings.html`` draws ``filings_view``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from .errors import Fault, MastheadError, describe

KEY = "filings"
KNOWN = ("icp", "police", "police_url", "police_badge")
MIIT_URL = "https://beian.miit.gov.cn/"
MPS_RECORD_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"
# Province-level divisions: the one-character name an ICP number starts with, and the first two
# digits of the administrative division code a public-security number starts with (GB/T 2260).
PROVINCES = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "辽": "21", "吉": "22", "黑": "23",
    "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36", "鲁": "37", "豫": "41",
    "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46", "渝": "50", "川": "51", "贵": "52",
    "云": "53", "藏": "54", "陕": "61", "甘": "62", "青": "63", "宁": "64", "新": "65",
}
_P = "".join(PROVINCES)
# 京ICP备12345678号-1 (a filing; "-n" numbers one of its sites) or 京ICP证030173号 (a licence).
ICP_RE = re.compile(rf"^([{_P}])ICP(备\d{{5,12}}号(?:-\d{{1,3}})?|证\d{{6}}号)$")
# 京公网安备 11010502030143号: 14 digits, the first six the division where it was filed.
POLICE_RE = re.compile(rf"^([{_P}])公网安备(\d{{14}})号$")
BADGE_TYPES = (".png", ".svg", ".webp", ".gif", ".jpg", ".jpeg")


@dataclass(frozen=True)
class Filings:
    icp: str = ""
    police: str = ""
    police_code: str = ""  # the 14 digits of the public-security number
    police_url: str = ""
    police_badge: str = ""  # a path below docs/

    def __bool__(self) -> bool:
        return bool(self.icp or self.police)


def load_filings(block: object, *, path: str, config_file: str,
                 docs_dir: Path | None = None) -> Filings:
    """Validate the filings block (``path`` names it in ``config_file``); raise MastheadError
    naming every bad key. settings.py calls this with the rest of ``extra.masthead``."""
    if block is None:
        return Filings()
    example = "{icp: 京ICP备12345678号-1, police: 京公网安备11010502030143号}"
    if not isinstance(block, Mapping) or not block:
        raise MastheadError([Fault(config_file, None, path, f"expected a mapping, got {describe(block)}",
                                   f"write {KEY}: {example}, or leave it out")])
    faults: list[Fault] = []

    def fault(key: str, message: str, fix: str) -> None:
        faults.append(Fault(config_file, None, f"{path}.{key}", message, fix))

    for key in block:
        if key not in KNOWN:
            fault(str(key), "is not a known setting", f"use one of: {', '.join(KNOWN)}")
    values: dict[str, str] = {}
    for key in KNOWN:
        value = block.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            fault(key, f"expected text, got {describe(value)}", f"write it as {KEY}: {example}")
            continue
        values[key] = value.strip()
    icp = _compact(values.get("icp", ""))
    if icp and not ICP_RE.match(icp):
        fault("icp", f"{values['icp']!r:.60} is not an ICP filing number",
              "copy it as the MIIT site shows it, e.g. 京ICP备12345678号-1 or 京ICP证030173号")
        icp = ""
    police = _compact(values.get("police", ""))
    code = ""
    if police:
        match = POLICE_RE.match(police)
        if match is None:
            fault("police", f"{values['police']!r:.60} is not a public-security filing number",
                  "copy it as the filing site shows it: province, 公网安备, 14 digits, 号, "
                  "e.g. 京公网安备11010502030143号")
            police = ""
        elif PROVINCES[match.group(1)] != match.group(2)[:2]:
            fault("police", f"{values['police']!r:.60}: {match.group(1)} is not the province of "
                  f"division code {match.group(2)[:6]}",
                  "check the number against the filing site; both must name the same province")
            police = ""
        else:
            code = match.group(2)
    police_url = values.get("police_url", "")
    if police_url:
        parts = urlsplit(police_url)
        if parts.scheme != "https" or not parts.netloc or re.search(r"[\s<>\"`]", police_url):
            fault("police_url", f"{police_url!r:.80} is not an https URL",
                  "write the full address of the record, starting with https://, or leave it out")
            police_url = ""
        elif "police" not in values:
            fault("police_url", "is set without police", "add police: the number it links")
    badge = values.get("police_badge", "")
    if badge:
        badge_path = PurePosixPath(badge)
        if (badge.startswith(("/", "\\")) or "://" in badge or ":" in badge or ".." in badge_path.parts
                or badge_path.suffix.lower() not in BADGE_TYPES):
            fault("police_badge", f"{badge!r:.80} must be an image file inside docs/ (never another "
                  "site's)", "save the badge as e.g. docs/assets/beian.png and write "
                  "police_badge: assets/beian.png")
            badge = ""
        elif docs_dir is not None and not (docs_dir / badge).is_file():
            fault("police_badge", f"file {badge!r:.80} does not exist in docs/",
                  "add the file or fix the path")
            badge = ""
        elif "police" not in values:
            fault("police_badge", "is set without police", "add police: the number it goes with")
    if faults:
        raise MastheadError(faults)
    return Filings(icp=icp, police=police, police_code=code,
                   police_url=police_url or (MPS_RECORD_URL.format(code=code) if code else ""),
                   police_badge=badge)


def _compact(number: str) -> str:
    """The number without the spaces editors copy along ("京公网安备 11010502030143号")."""
    return re.sub(r"\s+", "", number)


def filings_view(filings: Filings) -> dict[str, str] | None:
    """What the footer draws: each number with its link; None when there is none."""
    if not filings:
        return None
    view: dict[str, str] = {}
    if filings.icp:
        view.update(icp=filings.icp, icp_url=MIIT_URL)
    if filings.police:
        view.update(police=filings.police, police_url=filings.police_url,
                    police_badge=filings.police_badge)
    return view
