"""Template-step shortcuts give Jinja's own results: ``dict_first_getattr`` (masthead_perf/pages.py)
and the newsroom's date filters, worked out once per date."""

from __future__ import annotations

import collections
import datetime as dt
import zoneinfo
from typing import Any

import jinja2
import pytest

from masthead import i18n
from masthead.newsroom import Newsroom
from masthead.settings import load_settings
from masthead_perf.pages import dict_first_getattr


class Thing:
    name = "attribute"

    def __getitem__(self, key: str) -> str:
        return f"item {key}"


class Mapping(dict[str, Any]):
    name = "class attribute"


VALUES: list[Any] = [
    {"name": "item", "labels": {"x": "y"}},
    {"items": "an item called items", "keys": 1, "get": 2},  # dict's own names: the method wins
    {},
    {1: "not a string key"},
    Mapping(name="item"),
    Thing(),
    collections.OrderedDict(name="ordered"),
    "text",
    None,
    [1, 2],
    jinja2.Undefined(name="missing"),  # its attributes raise, in both
]
NAMES = ["name", "labels", "items", "keys", "get", "missing", "__class__", "upper", "x", "__len__"]


def attribute(env: jinja2.Environment, value: Any, name: str) -> Any:
    try:
        return env.getattr(value, name)
    except jinja2.UndefinedError as exc:
        return ("raised", str(exc))


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_dict_first_getattr_is_jinjas_getattr(value: Any) -> None:
    plain = jinja2.Environment()
    fast = jinja2.Environment()
    dict_first_getattr(fast)
    for name in NAMES:
        expected, got = attribute(plain, value, name), attribute(fast, value, name)
        assert type(got) is type(expected), name
        if isinstance(expected, jinja2.Undefined):
            assert got._undefined_name == expected._undefined_name  # type: ignore[attr-defined]
            assert got._undefined_obj is expected._undefined_obj  # type: ignore[attr-defined]
        else:
            assert got == expected, name


def test_templates_read_dicts_the_same_way() -> None:
    source = "{{ m.name }}|{{ m.labels.x }}|{{ m.items is callable }}|{{ m.nope is undefined }}|{{ o.name }}"
    context = {"m": {"name": "N", "labels": {"x": "X"}, "items": "I"}, "o": Thing()}
    fast = jinja2.Environment()
    dict_first_getattr(fast)
    expected = jinja2.Environment().from_string(source).render(context)
    assert fast.from_string(source).render(context) == expected
    strict = jinja2.Environment(undefined=jinja2.StrictUndefined)
    dict_first_getattr(strict)
    with pytest.raises(jinja2.UndefinedError):
        strict.from_string("{{ m.nope }}").render(context)


def test_installed_once() -> None:
    env = jinja2.Environment()
    dict_first_getattr(env)
    first = env.getattr
    dict_first_getattr(env)
    assert env.getattr is first


def test_a_sandbox_keeps_its_own_getattr() -> None:
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment()
    dict_first_getattr(env)
    assert "getattr" not in vars(env)


def test_date_filters_are_worked_out_once_per_instant() -> None:
    room = Newsroom(load_settings({"sections": [{"slug": "news", "title": "News"}],
                                   "timezone": "Asia/Shanghai"}, site_name="Daily"))
    utc = dt.datetime(2025, 3, 1, 23, 30, tzinfo=dt.UTC)
    same_instant = utc.astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    for lang in ("en", "zh"):
        for with_time in (True, False):
            expected = i18n.format_date(room.local(utc), lang, with_time=with_time)
            assert room.format_date(utc, lang, with_time) == expected
            assert room.format_date(same_instant, lang, with_time) == expected
    assert room.iso_date(utc) == room.iso_date(same_instant) == "2025-03-02T07:30:00+08:00"
    later = utc + dt.timedelta(minutes=1)
    assert room.iso_date(later) == "2025-03-02T07:31:00+08:00"
