"""Reading the dates editors write: YAML dates, ISO 8601 and the loose forms newsrooms use."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from zoneinfo import ZoneInfo

DATE_FORMS = "YYYY-MM-DD, YYYY-MM-DD HH:MM, YYYY/M/D or ISO 8601 such as 2025-03-14T09:30+08:00"

_DATE_RE = re.compile(
    r"""^\s*
    (?P<y>\d{4})(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})
    (?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,6})\d*)?)?)?
    \s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?
    \s*$""",
    re.VERBOSE | re.IGNORECASE,
)


class DateError(ValueError):
    """The value is not a date Masthead can read; the message says why."""


def parse_date(value: object, zone: ZoneInfo) -> dt.datetime:
    """Return a timezone-aware datetime; naive values are read in ``zone``."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=zone)
    if not isinstance(value, str):
        raise DateError(f"expected a date, got {type(value).__name__} {value!r:.40}")
    match = _DATE_RE.match(value)
    if match is None:
        raise DateError(f"cannot read {value!r:.60} as a date")
    g = match.groupdict()
    try:
        tz = _offset(g["tz"]) if g["tz"] else zone
        return dt.datetime(
            int(g["y"]),
            int(g["m"]),
            int(g["d"]),
            int(g["H"] or 0),
            int(g["M"] or 0),
            int(g["S"] or 0),
            int((g["f"] or "0").ljust(6, "0")),
            tzinfo=tz,
        )
    except ValueError as exc:  # month 13, 25 o'clock, offset beyond a day
        raise DateError(f"{value!r:.60} is not a real date or time: {exc}") from None


def _offset(text: str) -> dt.tzinfo:
    if text.upper() == "Z":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def build_time(environ: Mapping[str, str] | None = None) -> dt.datetime:
    """The build's "now", which decides what is published: scheduled stories wait for it.

    ``SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds convention) fixes it, so a
    build can be repeated byte for byte and tests can choose the moment; otherwise the clock.
    """
    env = os.environ if environ is None else environ
    raw = env.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        try:
            return dt.datetime.fromtimestamp(int(raw), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise DateError(f"SOURCE_DATE_EPOCH={raw!r:.40} is not a whole number of seconds") from None
    return dt.datetime.now(dt.UTC)
