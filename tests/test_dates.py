import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from masthead.dates import DateError, parse_date

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-14", dt.datetime(2025, 3, 14, tzinfo=SH)),
        ("2025-3-4", dt.datetime(2025, 3, 4, tzinfo=SH)),
        ("2025/3/4", dt.datetime(2025, 3, 4, tzinfo=SH)),
        ("2025-03-14 09:30", dt.datetime(2025, 3, 14, 9, 30, tzinfo=SH)),
        ("2025-03-14T09:30:15", dt.datetime(2025, 3, 14, 9, 30, 15, tzinfo=SH)),
        ("2025-03-14T09:30:00Z", dt.datetime(2025, 3, 14, 9, 30, tzinfo=dt.UTC)),
        ("2025-03-14T09:30+08:00", dt.datetime(2025, 3, 14, 1, 30, tzinfo=dt.UTC)),
        ("2025-03-14 09:30:00 +0800", dt.datetime(2025, 3, 14, 1, 30, tzinfo=dt.UTC)),
        ("2025-03-14 09:30:00 -0500", dt.datetime(2025, 3, 14, 14, 30, tzinfo=dt.UTC)),
        ("2025-03-14T09:30:00.250+01:00", dt.datetime(2025, 3, 14, 8, 30, 0, 250000, tzinfo=dt.UTC)),
        (dt.date(2025, 3, 14), dt.datetime(2025, 3, 14, tzinfo=SH)),
        (dt.datetime(2025, 3, 14, 9, 30), dt.datetime(2025, 3, 14, 9, 30, tzinfo=SH)),
    ],
)
def test_accepted_forms_give_the_same_instant(value: object, expected: dt.datetime) -> None:
    parsed = parse_date(value, SH)
    assert parsed.tzinfo is not None
    assert parsed == expected


def test_naive_dates_are_read_in_the_site_zone() -> None:
    assert parse_date("2025-03-14 09:30", SH).utcoffset() == dt.timedelta(hours=8)
    assert parse_date("2025-07-01", ZoneInfo("Europe/Berlin")).utcoffset() == dt.timedelta(hours=2)


def test_aware_yaml_datetimes_keep_their_offset() -> None:
    value = dt.datetime(2025, 3, 14, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert parse_date(value, SH) == value


@pytest.mark.parametrize(
    "value",
    ["yesterday", "14/03/2025", "2025-13-01", "2025-02-30", "2025-03-14 25:00", "", 2025, None,
     ["2025-03-14"], {"y": 2025}, True, "2025-03-14 09:30 +9999"],
)
def test_unreadable_dates_raise_a_date_error_with_the_value(value: object) -> None:
    with pytest.raises(DateError) as info:
        parse_date(value, SH)
    assert str(info.value)
