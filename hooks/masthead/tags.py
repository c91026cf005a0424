"""Tag identity, in one place: which names are one tag, what it is called and where it lives.

- **Identity.** Two spellings are one tag when they normalise alike: NFKC (full-width ``ＥＶ`` is
  ``EV``), case folded, whitespace collapsed (:func:`tag_key`). Settings can map aliases on top
  (``extra.masthead.tag_aliases: {电动车: 电动汽车, EVs: EV}``, read by :func:`read_aliases`).
- **Name.** A tag is shown in its most used spelling; ties go to the half-width spelling, then to
  the first in code-point order (``EV`` before ``ev``), so the name never depends on file order.
- **URL.** :func:`tag_slug` is the only function that turns a tag into a URL segment: Chinese
  characters become toneless pinyin syllables (``新能源`` → ``xin-neng-yuan``), Latin letters lose
  their accents, other letters and digits stay, everything else separates words. A name with no
  letters or digits (``..``, ``/``, ``!!!``) has no slug and is a fault of the article
  (:func:`tag_problem`). Two tags with one slug get distinct, stable slugs (:func:`assign_slugs`).

The tags of one build (which stories carry each tag) are in ``tag_index.py``: this module
knows names only, so ``settings`` and ``article`` can use it without an import cycle.

Pure Python; knows nothing of MkDocs.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

from .errors import Fault, describe

INDEX_URL = "tags/"
SLUG_LIMIT = 80  # characters; long names are cut at a word boundary
TOP_TAGS = 10  # the most used tags highlighted on the index (only those used more than once)
OTHER_GROUP = "#"  # index group of names that start with neither a letter nor a Chinese character

# Chinese characters (CJK unified ideographs, their extensions and compatibility forms, 〇).
_HAN_RUN = re.compile(
    "[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U0003134f]+"
)
_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script


# -- identity ------------------------------------------------------------------------------------


def tag_key(name: str) -> str:
    """The identity of a tag: NFKC, case folded, whitespace collapsed (``" Ｅv "`` → ``"ev"``)."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def clean(name: str) -> str:
    """An editor's spelling with its whitespace collapsed (what a page shows)."""
    return " ".join(name.split())


def read_aliases(raw: object, file: str, path: str) -> tuple[dict[str, str], list[Fault]]:
    """Check the ``tag_aliases`` setting: ``{alias: tag}``; return ``{tag_key(alias): tag}``.

    An alias may only point at a tag that is not itself an alias (no chains), and two spellings
    of one alias may not point at different tags. Mapping a tag onto its own key (``ev: EV``)
    is allowed: it fixes the spelling the pages show.
    """
    fix = "write tag_aliases: {电动车: 电动汽车, EVs: EV} (alias: the tag it stands for)"
    if raw is None:
        return {}, []
    if not isinstance(raw, Mapping):
        return {}, [Fault(file, None, path, f"expected a mapping, got {describe(raw)}", fix)]
    faults: list[Fault] = []
    aliases: dict[str, str] = {}
    spelled: dict[str, str] = {}
    for alias, target in raw.items():
        where = f"{path}.{alias}"
        if not _is_text(alias) or not _is_text(target) or not tag_key(str(target)):
            faults.append(Fault(file, None, where, f"expected text → text, got {describe(alias)} → "
                                f"{describe(target)}", fix))
            continue
        key, name = tag_key(str(alias)), clean(str(target))
        if not key:
            faults.append(Fault(file, None, where, "the alias is empty", fix))
        elif not tag_slug(tag_key(name)):
            faults.append(Fault(file, None, where, f"tag {name!r} has no letters or digits to "
                                "make its URL from", "point the alias at a tag with a name"))
        elif key in aliases and tag_key(aliases[key]) != tag_key(name):
            faults.append(Fault(file, None, where, f"{spelled[key]!r} already stands for "
                                f"{aliases[key]!r}", "keep one of the two"))
        else:
            aliases.setdefault(key, name)
            spelled.setdefault(key, str(alias))
    for key, name in sorted(aliases.items()):
        target = tag_key(name)
        if target != key and target in aliases and tag_key(aliases[target]) != target:
            faults.append(Fault(file, None, f"{path}.{spelled[key]}",
                                f"points at {name!r}, which is itself an alias of "
                                f"{aliases[target]!r}", f"write {spelled[key]}: {aliases[target]}"))
    return aliases, faults


def resolve(name: str, aliases: Mapping[str, str]) -> tuple[str, str]:
    """``(key, spelling)`` of the tag an editor's ``name`` stands for, aliases applied."""
    key, spelling = tag_key(name), clean(name)
    for _ in range(2):  # the alias, then the spelling its target may fix (``ev: EV``)
        target = aliases.get(key)
        if target is None or (key == tag_key(target) and spelling == target):
            break
        key, spelling = tag_key(target), target
    return key, spelling


def tag_problem(name: str, aliases: Mapping[str, str]) -> str | None:
    """Why ``name`` cannot be a tag (as a message), or None when it can."""
    key, _ = resolve(name, aliases)
    if not tag_slug(key):
        return f"tag {clean(name)!r:.60} has no letters or digits to make its URL from"
    return None


# -- URLs ----------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def tag_slug(name: str) -> str:
    """The URL segment of a tag name: ``新能源`` → ``xin-neng-yuan``, ``Supply chain`` → ``supply-chain``.

    ASCII for Latin and Chinese names; letters of other scripts are kept (lowercase). Never
    contains ``/``, ``.`` or ``..``; empty when the name has no letters or digits at all.
    """
    words: list[str] = []
    text = unicodedata.normalize("NFKC", name).casefold()
    at = 0
    for run in _HAN_RUN.finditer(text):
        words += _latin_words(text[at:run.start()])
        words += _pinyin(run.group())
        at = run.end()
    words += _latin_words(text[at:])
    return _cut("-".join(words), SLUG_LIMIT)


def _latin_words(text: str) -> list[str]:
    """Letters and digits in ``text``, accents removed (``Citroën`` → ``citroen``)."""
    if not text:
        return []
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _WORD.findall(unicodedata.normalize("NFC", bare))


def _pinyin(han: str) -> list[str]:
    """Toneless pinyin, one syllable per character, readings from pypinyin's phrase tables."""
    from pypinyin import lazy_pinyin  # ~0.3 s to import: only sites with Chinese tags pay it

    # A character pypinyin cannot read (none known) becomes its code point, still ASCII.
    syllables = lazy_pinyin(han, errors=lambda chars: "-".join(f"u{ord(c):x}" for c in chars))
    return [s.replace("ü", "v").lower() for s in syllables if s]


def _cut(slug: str, limit: int) -> str:
    if len(slug) <= limit:
        return slug
    head = slug[:limit + 1]
    return head[:head.rfind("-")] if "-" in head else slug[:limit]


def sort_key(name: str) -> tuple[str, str, str]:
    """Index order: group letter, then pinyin or letters word by word, then the name itself."""
    words = tag_slug(name).split("-")
    spelled = " ".join(words)
    first = spelled[:1].upper()
    group = first if "A" <= first <= "Z" else OTHER_GROUP
    return ("\uffff" if group == OTHER_GROUP else group, spelled, name)


def assign_slugs(keys: Iterable[str]) -> tuple[dict[str, str], list[tuple[str, ...]]]:
    """Distinct slugs for tag ``keys``; also the groups of keys whose names share a slug.

    In a group the key first in code-point order keeps the plain slug; each other key gets
    ``-`` and the start of its own SHA-256 in hex, so its URL depends on its name alone, never
    on file order or on which article was read first.
    """
    by_slug: dict[str, list[str]] = {}
    for key in sorted(set(keys)):
        by_slug.setdefault(tag_slug(key), []).append(key)
    slugs: dict[str, str] = {}
    clashes: list[tuple[str, ...]] = []
    taken = set(by_slug)
    for slug, group in sorted(by_slug.items()):
        slugs[group[0]] = slug
        if len(group) > 1:
            clashes.append(tuple(group))
        for key in group[1:]:
            digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
            size = 6
            while f"{slug}-{digest[:size]}" in taken:
                size += 2
            slugs[key] = f"{slug}-{digest[:size]}"
            taken.add(slugs[key])
    return slugs, clashes


def script_lang(name: str) -> str:
    """``zh`` for a name with Chinese characters (for the ``lang`` attribute), else ``en``."""
    return "zh" if _HAN_RUN.search(name) else "en"


def _is_text(value: object) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)
