"""Tag identity rules: slugs (Chinese, mixed, hostile), variants, aliases, collisions, index order."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence

import pytest

from masthead.article import Article, parse_article
from masthead.catalog import build_catalog
from masthead.errors import MastheadError
from masthead.settings import load_settings
from masthead.tag_index import TagIndex, build_tag_index
from masthead.tags import (
    SLUG_LIMIT,
    TOP_TAGS,
    assign_slugs,
    read_aliases,
    resolve,
    tag_key,
    tag_problem,
    tag_slug,
)
from tests.conftest import article, settings

SAFE_SLUG = re.compile(r"^[^\W_]+(?:-[^\W_]+)*$")


def stories(*tag_lists: Sequence[str], aliases: Mapping[str, object] | None = None) -> list[Article]:
    """Published stories newest first, story ``i`` carrying ``tag_lists[i]``."""
    site = load_settings(settings(tag_aliases=aliases) if aliases else settings())
    sources = {f"news/s{i:02}.md": article(f"S{i:02}", f"2025-03-{28 - i:02} 09:00", tags=list(tags))
               for i, tags in enumerate(tag_lists)}
    return list(build_catalog(sources, site).articles)


def index(*tag_lists: Sequence[str], aliases: Mapping[str, object] | None = None) -> TagIndex:
    site = load_settings(settings(tag_aliases=aliases) if aliases else settings())
    return build_tag_index(stories(*tag_lists, aliases=aliases), site.tag_aliases)


# -- slugs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "slug"), [
    ("新能源", "xin-neng-yuan"),
    ("智能驾驶", "zhi-neng-jia-shi"),
    ("绿色出行", "lv-se-chu-xing"),   # ü is written v: the slug stays ASCII
    ("重庆", "chong-qing"),           # phrase readings, not the first reading of each character
    ("银行", "yin-hang"),
    ("充电桩", "chong-dian-zhuang"),
])
def test_chinese_tags_become_toneless_lowercase_pinyin_syllables(name: str, slug: str) -> None:
    assert tag_slug(name) == slug


@pytest.mark.parametrize(("name", "slug"), [
    ("EV", "ev"),
    ("Supply  chain", "supply-chain"),
    ("EV电池", "ev-dian-chi"),
    ("L9增程SUV", "l9-zeng-cheng-suv"),
    ("１号线", "1-hao-xian"),          # full-width digit
    ("ＥＶ", "ev"),                    # full-width letters
    ("Citroën", "citroen"),
    ("Straße", "strasse"),
    ("5G", "5g"),
    ("C++", "c"),
    ("Москва", "москва"),              # letters of other scripts are kept
])
def test_latin_and_mixed_tags_are_slugified(name: str, slug: str) -> None:
    assert tag_slug(name) == slug


@pytest.mark.parametrize("name", ["", " ", "..", ".", "/", "//", "../..", "!!!", "——", "🔋", "\\", "%"])
def test_names_without_letters_or_digits_have_no_slug_and_are_a_problem(name: str) -> None:
    assert tag_slug(name) == ""
    assert tag_problem(name, {}) is not None


@pytest.mark.parametrize("name", [
    "../../etc/passwd", "a/b", "..\\..\\windows", "C:\\x", "tags/../../x", ".hidden", "x\x00y",
    "<script>alert(1)</script>", "%2e%2e%2f", "a" + "‮" + "b", "EV?x=1#frag", " spaced   out ",
])
def test_hostile_names_give_a_single_safe_url_segment(name: str) -> None:
    slug = tag_slug(name)
    assert SAFE_SLUG.match(slug), slug
    assert "/" not in slug and "." not in slug and "\\" not in slug


def test_long_names_are_cut_at_a_word_boundary() -> None:
    slug = tag_slug("word " * 40)
    assert len(slug) <= SLUG_LIMIT and slug.endswith("word") and SAFE_SLUG.match(slug)
    assert len(tag_slug("x" * 500)) == SLUG_LIMIT
    assert len(tag_slug("电" * 100)) <= SLUG_LIMIT


# -- one tag, many spellings ---------------------------------------------------------------------


def test_case_width_and_spaces_are_one_tag_named_by_its_most_used_spelling() -> None:
    tags = index(["EV"], ["ev"], ["ＥＶ"], ["EV"], [" EV "]).tags
    assert len(tags) == 1
    assert (tags[0].name, tags[0].slug, tags[0].count) == ("EV", "ev", 5)
    assert tags[0].spellings == ("EV", "ev", "ＥＶ")
    assert tag_key(" Supply\u3000Chain ") == tag_key("supply chain")


def test_a_story_tagged_twice_in_two_spellings_counts_once() -> None:
    built = index(["EV", "ev"], ["batteries"])
    assert built.by_key["ev"].count == 1
    assert [t["name"] for t in built.of(built.by_key["ev"].articles[0])] == ["EV"]


def test_tied_spellings_pick_the_same_name_whatever_the_file_order() -> None:
    wide = "ＢＡＴＴＥＲＩＥＳ"
    forward = index(["Batteries"], ["batteries"], [wide], [wide], ["batteries"])
    backward = index(["batteries"], [wide], [wide], ["batteries"], ["Batteries"])
    # two tied at 2: half-width wins over full-width
    assert forward.tags[0].name == backward.tags[0].name == "batteries"
    assert index(["Batteries"], ["batteries"]).tags[0].name == "Batteries"
    assert index(["batteries"], ["Batteries"]).tags[0].name == "Batteries"


def test_aliases_from_settings_merge_into_the_tag_they_stand_for() -> None:
    built = index(["电动车"], ["电动汽车"], ["EVs"], ["EV"], ["evs"],
                  aliases={"电动车": "电动汽车", "EVs": "EV"})
    assert {t.name: (t.slug, t.count) for t in built.tags} == {"电动汽车": ("dian-dong-qi-che", 2),
                                                              "EV": ("ev", 3)}


def test_an_alias_onto_its_own_key_fixes_the_spelling_shown() -> None:
    built = index(["ev"], ["ev"], ["EV"], ["EVs"], aliases={"ev": "EV", "EVs": "ev"})
    assert [(t.name, t.count) for t in built.tags] == [("EV", 4)]
    aliases, _ = read_aliases({"ev": "EV", "EVs": "ev"}, "mkdocs.yml", "x")
    assert resolve("EVs", aliases) == ("ev", "EV")


def test_an_alias_can_rescue_a_name_that_has_no_slug() -> None:
    assert tag_problem("...", {"...": "ellipsis"}) is None
    assert tag_problem("...", {}) is not None


@pytest.mark.parametrize(("raw", "says"), [
    (["EV"], "expected a mapping, got a list"),
    ({"EVs": ["EV"]}, "expected text"),
    ({"EVs": True}, "expected text"),
    ({"EVs": ""}, "expected text"),
    ({"EVs": "!!"}, "no letters or digits"),
    ({"EVs": "EV", "evs": "batteries"}, "already stands for 'EV'"),
    ({"电动车": "电动汽车", "电动汽车": "新能源"}, "itself an alias of '新能源'"),
])
def test_bad_aliases_are_reported_naming_the_key(raw: object, says: str) -> None:
    with pytest.raises(MastheadError) as caught:
        load_settings(settings(tag_aliases=raw))
    report = caught.value.report()
    assert "mkdocs.yml: extra.masthead.tag_aliases" in report and says in report, report


def test_good_aliases_are_kept_by_their_normalised_key() -> None:
    site = load_settings(settings(tag_aliases={"EVs": "EV", " 电动车 ": "电动汽车", "ev": "EV"}))
    assert site.tag_aliases == {"evs": "EV", "电动车": "电动汽车", "ev": "EV"}
    assert "tag_aliases" not in site.extra


# -- collisions ----------------------------------------------------------------------------------


def test_tags_that_share_a_slug_get_distinct_slugs_independent_of_order() -> None:
    one = index(["supply chain"], ["supply-chain"], ["Supply_Chain"])
    two = index(["Supply_Chain"], ["supply-chain"], ["supply chain"])
    slugs = {t.name: t.slug for t in one.tags}
    assert slugs == {t.name: t.slug for t in two.tags}
    assert len(set(slugs.values())) == 3
    assert slugs["supply chain"] == "supply-chain"  # first in code-point order keeps the plain slug
    assert all(re.fullmatch(r"supply-chain-[0-9a-f]{6}", slugs[n]) for n in ("supply-chain", "Supply_Chain"))
    (clash,) = one.collisions
    message = clash.message()
    assert all(repr(name) in message for name in slugs) and "tags/supply-chain/" in message


def test_a_pinyin_slug_can_collide_with_a_latin_one() -> None:
    built = index(["汽车"], ["qi che"])
    assert {t.name: t.slug for t in built.tags}["qi che"] == "qi-che"
    assert built.by_key["汽车"].slug.startswith("qi-che-")
    assert "'汽车'" in built.collisions[0].message() and "'qi che'" in built.collisions[0].message()


def test_a_suffixed_slug_depends_on_the_tag_alone() -> None:
    pair, _ = assign_slugs(["c", "c++"])
    trio, _ = assign_slugs(["c", "c#", "c++"])
    assert pair["c++"] == trio["c++"] != trio["c#"]
    assert pair["c"] == trio["c"] == "c"


def test_a_suffix_never_takes_another_tags_slug() -> None:
    taken = "c-" + hashlib.sha256(b"c++").hexdigest()[:6]
    slugs, _ = assign_slugs(["c", "c++", taken])
    assert len(set(slugs.values())) == 3 and slugs[taken] == taken


def test_no_collision_no_warning() -> None:
    assert index(["EV"], ["ev"], ["新能源"]).collisions == ()


# -- the index ------------------------------------------------------------------------------------


def test_index_mixes_chinese_by_pinyin_and_english_alphabetically_in_letter_groups() -> None:
    built = index(["新能源", "EV", "batteries"], ["充电桩", "charging", "5G"], ["电池", "Москва"])
    groups = [(letter, [t.name for t in tags]) for letter, tags in built.groups()]
    assert groups == [("B", ["batteries"]), ("C", ["charging", "充电桩"]), ("D", ["电池"]),
                      ("E", ["EV"]), ("X", ["新能源"]), ("#", ["5G", "Москва"])]


def test_the_most_used_tags_are_highlighted_most_used_first() -> None:
    lists = [[f"t{j}" for j in range(i + 1)] for i in range(TOP_TAGS + 3)] + [["once"]]
    built = index(*lists)
    assert [t.name for t in built.top] == [f"t{j}" for j in range(TOP_TAGS)]
    assert not built.by_key["once"].top


def test_a_tag_used_once_is_not_highlighted() -> None:
    assert index(["a"], ["b"]).top == []


def test_tag_pages_list_published_stories_newest_first() -> None:
    built = index(["EV"], ["EV"], ["EV"])
    assert [a.title for a in built.by_key["ev"].articles] == ["S00", "S01", "S02"]


def test_an_unknown_tag_of_a_draft_has_no_url() -> None:
    site = load_settings(settings())
    draft, _ = parse_article("news/d.md", article(tags=["brand new", "EV"], draft=True), site)
    assert draft is not None
    built = index(["ev"])
    assert built.of(draft) == [{"name": "brand new", "url": None, "lang": "en"},
                               {"name": "ev", "url": "tags/ev/", "lang": "en"}]


# -- faults in articles ----------------------------------------------------------------------------


def test_a_tag_without_a_url_is_a_fault_naming_file_line_and_tag() -> None:
    site = load_settings(settings())
    source = "---\ntitle: T\ndate: 2025-01-01\ntags: [EV, '..', '/']\n---\nBody\n"
    result, faults = parse_article("news/bad.md", source, site)
    assert result is None
    assert [(f.file, f.line, f.field) for f in faults] == [("news/bad.md", 4, "tags")] * 2
    assert "'..'" in faults[0].message and "'/'" in faults[1].message


def test_tag_pages_hold_twenty_stories_unless_set_and_a_bad_size_names_the_key() -> None:
    assert load_settings(settings()).tag_page_size == 20
    assert load_settings(settings(tag_page_size=5)).tag_page_size == 5
    with pytest.raises(MastheadError, match=r"extra\.masthead\.tag_page_size: expected a whole number"):
        load_settings(settings(tag_page_size=0))
