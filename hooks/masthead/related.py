"""Related stories: text similarity, rare shared tags, section and time, in sub-quadratic time.

Each story's words (English: lowercased, stop words dropped, plurals folded; Chinese: words
from the rjieba dictionary segmenter) and each pair of adjacent words ("electric vehicle",
"充电 网络") are counted over its title (a title word counts five times), its summary (twice) and
its body (up to ``Limits.body_tokens``; pairs from its first ``pair_tokens``), weighted by
TF-IDF with a logarithmic term count and a softened IDF (``Weights.idf_power``), and the
vector is normalised, so the text similarity of two stories is a cosine in [0, 1].
Shared tags (aliases applied, as on the tag pages) count by rarity (an IDF-weighted cosine) and
multiply the text similarity; the same section and nearness in time add small bonuses (see
``Weights``). A story without tags is ranked in a second stage: its text similarity is helped
by its nearest stories' (pseudo-relevance feedback read from every story's shortlist, see
``RelatedIndex._feedback``).

Never all pairs (see ``Limits``): each term keeps only its strongest stories, a shared term
counts only when the product of its two weights is not negligible, and only a shortlist of
candidates per story gets the full score, so the work per story is bounded whatever the size
of the archive. Stories are looked up in batches over flat numpy arrays. Output depends only on
the input: every ranking ends with the date and the path as tie-breaks.

Nothing here knows MkDocs; ``Newsroom.load`` calls :func:`related_stories` once per build.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import PurePosixPath
from typing import Any

import numpy as np
import numpy.typing as npt
import rjieba

from .article import Article
from .cache import remember
from .errors import Fault, MastheadError
from .i18n import family
from .settings import CONFIG_FILE, ROOT
from .tags import resolve
from .tags import tag_key as tag_identity
from .text import CJK_RE

SETTINGS_KEY = "related"
DEFAULT_COUNT = 5
MAX_COUNT = 20

# -- settings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelatedSettings:
    """``extra.masthead.related``: how many stories, and whether languages may mix; with
    ``extra.masthead.tag_aliases`` (``(tag_key(alias), tag)`` pairs), so two tags the tag pages
    count as one also count as one here."""

    count: int = DEFAULT_COUNT
    mix_languages: bool = False
    tag_aliases: tuple[tuple[str, str], ...] = ()


def load_related_settings(raw: object, tag_aliases: Mapping[str, str] | None = None) -> RelatedSettings:
    """Validate ``extra.masthead.related``; raise MastheadError naming every bad key.
    ``tag_aliases`` is the checked ``Settings.tag_aliases``."""
    aliases = tuple(sorted((tag_aliases or {}).items()))
    path = f"{ROOT}.{SETTINGS_KEY}"
    if raw is None:
        return RelatedSettings(tag_aliases=aliases)
    if not isinstance(raw, Mapping):
        raise MastheadError([Fault(CONFIG_FILE, None, path, f"expected a mapping, got {raw!r:.40}",
                                   "write related: {count: 5, mix_languages: false}")])
    faults: list[Fault] = []
    count = raw.get("count", DEFAULT_COUNT)
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_COUNT:
        faults.append(Fault(CONFIG_FILE, None, f"{path}.count",
                            f"expected a whole number from 0 to {MAX_COUNT}, got {count!r:.40}",
                            f"write e.g. count: {DEFAULT_COUNT} (0 turns the block off)"))
        count = DEFAULT_COUNT
    mix = raw.get("mix_languages", False)
    if not isinstance(mix, bool):
        faults.append(Fault(CONFIG_FILE, None, f"{path}.mix_languages",
                            f"expected true or false, got {mix!r:.40}", "write mix_languages: false"))
        mix = False
    for key in sorted(set(raw) - {"count", "mix_languages"}, key=str):
        faults.append(Fault(CONFIG_FILE, None, f"{path}.{key}", "is not a setting of related stories",
                            "use count and mix_languages"))
    if faults:
        raise MastheadError(faults)
    return RelatedSettings(count=count, mix_languages=mix, tag_aliases=aliases)


# -- tags ---------------------------------------------------------------------------------------


def tag_key(tag: str, aliases: Mapping[str, str] | None = None) -> str:
    """The form in which two tags count as the same (``EV`` = ``ev`` = ``ＥＶ``, and an alias = its
    tag): the tag pages' own identity (tags.tag_key, tags.resolve)."""
    return resolve(tag, aliases)[0] if aliases else tag_identity(tag)


# -- words --------------------------------------------------------------------------------------

# English function words, and the reporting verbs every news story uses.
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are aren as at be because been before
being below between both but by can cannot could did do does doing don down during each even ever
every few for from further get gets got had has have having he her here hers herself him himself
his how however i if in into is isn it its itself just last least less let like made make makes
many may me might more most much must my myself new no nor not now of off often on once one only
or other our ours ourselves out over own per said same say says she should since so some such
than that the their theirs them themselves then there these they this those through to too two
under until up upon us very was we were what when where whether which while who whom whose why
will with within without would yet you your yours yourself yourselves
""".split())  # noqa: SIM905 (a word list reads best as text)

# Chinese function words of two characters and more (single characters are dropped anyway).
ZH_STOP_WORDS = frozenset("""
我们 你们 他们 她们 它们 自己 这个 那个 这些 那些 这样 那样 一个 一些 一种 没有 不是 就是 还是 或者
以及 并且 而且 但是 不过 因为 所以 如果 虽然 因此 此外 同时 其中 其他 其它 之后 之前 以后 以前 目前
已经 正在 可以 可能 需要 进行 通过 对于 关于 由于 作为 表示 认为 指出 介绍 记者 今年 去年 明年 今天
昨天 日前 近日 方面 情况 问题 有关 相关 主要 包括 以上 以下 左右 超过 达到 仍然 还有 一起 一直 表明
""".split())  # noqa: SIM905

_FENCE_RE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
# What to drop from a body before reading its words, and the text that betrays each: link and
# image targets, URLs, HTML tags, entities, template tags (Jekyll's {{ }} and {% %}).
_NOISE = (
    ("](", re.compile(r"\]\([^)]*\)")),
    ("://", re.compile(r"\w+://\S+")),
    ("<", re.compile(r"<[^>]*>")),
    ("&", re.compile(r"&#?\w+;")),
    ("{", re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)),
)
_CJK_RUN_RE = re.compile(f"{CJK_RE.pattern}+")
# Punctuation and symbols become spaces, so words are what str.split() gives: ASCII and
# Latin-1 punctuation, general punctuation (’ — …), CJK punctuation (，。「」) and fullwidth forms.
_SEPARATE = str.maketrans({c: " " for c in [
    *(c for c in range(0x00, 0xC0) if not chr(c).isalnum()), *range(0x2000, 0x2070),
    *range(0x3000, 0x3040), *range(0xFF01, 0xFF10), *range(0xFF1A, 0xFF21), *range(0xFF3B, 0xFF41),
    *range(0xFF5B, 0xFF66), 0xD7, 0xF7,
]})


def plain_text(markdown_text: str) -> str:
    """The words of a Markdown body: code blocks, URLs, tags and template syntax removed."""
    text = _FENCE_RE.sub(" ", markdown_text) if "```" in markdown_text or "~~~" in markdown_text \
        else markdown_text
    for mark, pattern in _NOISE:
        if mark in text:
            text = pattern.sub(" ", text)
    return text


def light_stem(word: str) -> str:
    """Fold English plurals (Harman's S-stemmer): ``batteries`` → ``battery``, ``cars`` → ``car``."""
    if len(word) > 4 and word.endswith("ies") and word[-4] not in "ae":
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("es") and word[-3] not in "aeo":
        # boxes, taxes, watches, crashes are plurals of box, tax, watch, crash; sales is sale+s.
        if word.endswith(("xes", "ches", "shes", "sses", "zzes")):
            return word[:-2]
        return word[:-1]
    if len(word) > 3 and word.endswith("s") and word[-2] not in "ius":
        return word[:-1]
    return word


@dataclass
class Tokenizer:
    """Splits text into tokens and maps tokens to index terms.

    ``chinese`` is "words" (rjieba's dictionary segmenter) or "bigrams" (overlapping character
    pairs). Keeps a cache of token → term, so a build stems each distinct word once.
    """

    chinese: str = "words"
    stem: Callable[[str], str] | None = light_stem
    _terms: dict[str, str] = field(default_factory=dict, repr=False)

    def tokens(self, text: str, limit: int = 0) -> list[str]:
        """Latin words lowercased, then Chinese words; with ``limit``, about the first ``limit``."""
        if limit:
            text = text[:limit * 8]  # more than ``limit`` words of any script; spares the regexes
        if text.isascii() or not CJK_RE.search(text):  # (isascii: a quick no for most English)
            words = text.translate(_SEPARATE).lower().split()
            return words[:limit] if limit else words
        if limit:
            text = text[:limit * 3]  # a Chinese word is about two characters
        words = _CJK_RUN_RE.sub(" ", text).translate(_SEPARATE).lower().split()
        runs = _CJK_RUN_RE.findall(text)
        if limit:  # a Chinese word is about two characters: segment no more than needed
            kept, size = [], 0
            for run in runs:
                if size >= limit * 2:
                    break
                kept.append(run)
                size += len(run)
            runs = kept
        chinese = self._chinese(runs)
        if limit:  # the first words of each script, in proportion
            share = limit * len(words) // max(1, len(words) + len(chinese))
            words, chinese = words[:share], chinese[:limit - share]
        return words + chinese

    def term(self, token: str) -> str:
        """The index term of a token; "" for stop words, numbers and single letters."""
        term = self._terms.get(token)
        if term is None:
            term = self._terms[token] = self._term(token)
        return term

    def terms(self, text: str, limit: int = 0) -> Counter[str]:
        """Counts of the index terms of ``text``."""
        counts: Counter[str] = Counter()
        for token, n in Counter(self.tokens(text, limit)).items():
            if term := self.term(token):
                counts[term] += n
        return counts

    def _term(self, token: str) -> str:
        if len(token) < 2 or token.isdigit():
            return ""
        if CJK_RE.match(token):
            return "" if token in ZH_STOP_WORDS else token
        if token in STOP_WORDS:
            return ""
        return self.stem(token) if self.stem else token

    def _chinese(self, runs: list[str]) -> list[str]:
        if self.chinese == "bigrams":
            return [run[i:i + 2] for run in runs for i in range(max(1, len(run) - 1))]
        # One call for every run; the line breaks between them keep words from spanning two.
        return rjieba.cut("\n".join(runs)) if runs else []


# -- scoring ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Weights:
    """How much each signal counts. Text and tags are cosines in [0, 1]; the rest are bonuses."""

    title: int = 5  # a title word counts as this many body words
    summary: int = 2
    # The IDF to this power (1: the textbook's): below 1, a rare word one story shares with
    # another counts less against the commoner words of a subject that many stories share
    # (issue 23: 0.8 ranked best on the tuning parts of every corpus; manual/related.md).
    idf_power: float = 0.8
    tag_boost: float = 12.0  # text similarity times (1 + tag_boost * tag similarity)
    tags: float = 0.5  # plus tag similarity times this: shared rare tags alone still count
    section: float = 0.05
    recency: float = 0.05  # times 0.5 ** (days apart / half_life_days)
    half_life_days: float = 60.0
    feedback: float = 1.0  # a story without tags: text plus this times its neighbours' (``_feedback``)


@dataclass(frozen=True)
class Limits:
    """The bounds that keep the work per story constant, and so the whole linear in stories."""

    body_tokens: int = 1000  # the whole body of most stories; bounds a long one
    pair_tokens: int = 150  # word pairs come from the first words of each text (the lead)
    postings: int = 16  # strongest stories kept per term
    least_product: float = 0.001  # a term shared by two stories counts only above this
    shortlist: int = 32  # about this many best candidates by text per story get the full score
    query_terms: int = 200  # a story looks for others through this many of its strongest terms
    neighbours: int = 10  # a story's nearest by text, whose shortlists feed back (no tags)
    tag_postings: int = 16  # stories nearest in time looked at per shared tag
    # `mkdocs serve`: from this many stories in an index, an edit re-ranks only the stories it
    # can change (``RelatedLists.update``); below, the lists are computed again in full (exact,
    # a fraction of a second).
    rerank_from: int = 1000
    batch_cells: int = 1 << 20  # stories × queries summed at once (8 MiB): few batches, little Python


DEFAULT_WEIGHTS = Weights()
DEFAULT_LIMITS = Limits()

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def _gather(starts: Ints, ends: Ints) -> tuple[Ints, Ints]:
    """Positions ``starts[j]:ends[j]`` for every j, concatenated, and the j each came from."""
    lengths = ends - starts
    total = int(lengths.sum())
    owners = np.repeat(np.arange(len(starts), dtype=np.int64), lengths)
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(total, dtype=np.int64), owners


def _counted(keys: Ints) -> tuple[Ints, Ints]:
    """``np.unique(keys, return_counts=True)`` (sorts ``keys`` in place), without its overhead:
    it is called once per story."""
    keys.sort()
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(first)
    return keys[starts], np.diff(np.append(starts, len(keys)))


def _ints(values: Iterable[int]) -> Ints:
    return np.fromiter(values, dtype=np.int64)


class _TokenIds(dict[str, int]):
    """Token → term id, filled on first sight (-1 for a token that is no term)."""

    def __init__(self, index: RelatedIndex) -> None:
        super().__init__()
        self.index = index

    def __missing__(self, token: str) -> int:
        term = self.index.tokenizer.term(token)
        ids = self.index.term_ids
        value = self[token] = ids.setdefault(term, len(ids)) if term else -1
        return value


class RelatedIndex:
    """An inverted index over one group of stories (one language, or all when they mix).

    Weights live in flat numpy arrays and stories are looked up in batches, so the work done
    in Python is per story (tokenising) and per batch, never per term or per candidate.
    """

    def __init__(
        self,
        articles: Sequence[Article],
        *,
        tokenizer: Tokenizer | None = None,
        weights: Weights = DEFAULT_WEIGHTS,
        limits: Limits = DEFAULT_LIMITS,
        use_tags: bool = True,
        tag_aliases: Mapping[str, str] | None = None,
    ) -> None:
        self.articles = list(articles)
        self.tokenizer = tokenizer or Tokenizer()
        self.weights, self.limits, self.use_tags = weights, limits, use_tags
        self.aliases = dict(tag_aliases or {})
        n = len(self.articles)
        self.position = {a.src_uri: i for i, a in enumerate(self.articles)}
        self.day_list = [_day(a) for a in self.articles]
        self.days = np.array(self.day_list, dtype=np.float64)
        # Ties are broken by path: the rank of each story's path among all of them.
        self.path_rank = np.empty(n, dtype=np.int64)
        self.path_rank[sorted(range(n), key=lambda i: self.articles[i].src_uri)] = np.arange(n)
        self.section_of = {s: k for k, s in enumerate(sorted({a.section for a in self.articles}))}
        self.section_ids = _ints(self.section_of[a.section] for a in self.articles)
        self.by_time = sorted(range(n), key=lambda i: (self.day_list[i], self.articles[i].src_uri))
        self.time_keys = [self.day_list[i] for i in self.by_time]
        self.batch = max(1, min(256, limits.batch_cells // max(1, n)))
        # The lowest shortlist bin of each story's last ranking (``_shortlist``): a story whose
        # text with it stays below cannot enter its list (`mkdocs serve`, ``replace``).
        self.floor = np.zeros(n, dtype=np.int64)
        self._stamp = np.zeros(self.batch * n, dtype=np.int32)  # (``_text_sums``; half the cache)
        self._last: tuple[Ints, Floats] = (np.zeros(0, dtype=np.int64), np.zeros(0))
        self.graph_ptr: Ints | None = None  # the shortlist graph (``_graph``), on first need
        self._index_terms()
        self._index_tags()

    # -- terms -----------------------------------------------------------------------------------

    def _words(self, article: Article) -> list[Ints]:
        """Word ids of the title, summary and body (stop words out), in reading order; a word
        first seen here gets the next id."""
        title, summary, body = related_inputs(article, self.tokenizer, self.limits)
        a, b = len(title), len(title) + len(summary)
        ids = np.fromiter(map(self.token_ids.__getitem__, chain(title, summary, body)), dtype=np.int64,
                          count=b + len(body))
        return [part[part >= 0] for part in (ids[:a], ids[a:b], ids[b:])]  # (slices: no np.split)

    def _keys(self, fields: Sequence[Ints], words: int) -> Ints:
        """The key of each word and each pair of adjacent words of ``fields`` (title, summary,
        body), repeated by the field's weight. A word's key is its id (-1: none, and no pair);
        the pair (a, b) is (a + 1) × ``words`` + b, so one sorted array holds both."""
        keys: list[Ints] = []
        for ids, times in zip(fields, (self.weights.title, self.weights.summary, 1), strict=True):
            paired = ids[:self.limits.pair_tokens + 1]
            first, second = paired[:-1], paired[1:]
            pairs = ((first + 1) * words + second)[(first >= 0) & (second >= 0)]
            keys += [ids[ids >= 0], pairs] * times
        return np.concatenate(keys)

    def term_names(self) -> list[str]:
        """The readable form of each term id: a word, or two words and a space between them."""
        words = sorted(self.term_ids, key=self.term_ids.__getitem__)
        return [words[k] if k < self.words else f"{words[k // self.words - 1]} {words[k % self.words]}"
                for k in self.keys.tolist()]

    def _index_terms(self) -> None:
        n = len(self.articles)
        self.term_ids: dict[str, int] = {}  # word → id (pairs are numbered in self.keys)
        self.token_ids = _TokenIds(self)
        fields = [self._words(a) for a in self.articles]
        self.words = words = max(1, len(self.term_ids))
        # Counted per story (tokens that stem alike, car and cars, add up), then numbered over
        # the archive in key order, so a draft's keys are found again by searchsorted.
        counted = [_counted(self._keys(f, words)) for f in fields]
        del fields
        sizes = [len(k) for k, _ in counted]
        keys = np.concatenate([k for k, _ in counted]) if counted else np.zeros(0, dtype=np.int64)
        tf = np.concatenate([c for _, c in counted]).astype(np.float64) if counted else np.zeros(0)
        del counted
        docs = np.repeat(np.arange(n, dtype=np.int64), sizes)
        self.keys = np.unique(keys)
        terms = np.searchsorted(self.keys, keys)  # (faster than numpy's return_inverse)
        del keys
        size = max(1, len(self.keys))
        df = np.bincount(terms, minlength=size)
        # Smoothed IDF, softened by ``Weights.idf_power``; a term only one story has links
        # nothing and is left out.
        self.idf = np.where(df > 1, np.log((1.0 + n) / (1.0 + df)) + 1.0, 0.0) ** self.weights.idf_power
        weights = self._weigh(terms, tf)
        keep = weights > 0
        terms, docs, weights = terms[keep], docs[keep], weights[keep]
        norms = np.sqrt(np.bincount(docs, weights=weights * weights, minlength=n))
        weights = weights / np.where(norms > 0, norms, 1.0)[docs]
        # A story asks with its ``query_terms`` strongest terms: a lower bound of the cosine,
        # and work per story that stays the same however large the archive grows.
        ptr = np.concatenate(([0], np.cumsum(np.bincount(docs, minlength=n)))).astype(np.int64)
        ask = _strongest(ptr, weights, self.limits.query_terms)
        self.doc_ptr = np.concatenate(([0], np.cumsum(np.bincount(docs[ask], minlength=n)))).astype(np.int64)
        self.doc_terms, self.doc_weights = terms[ask], weights[ask]
        # Postings: by term, strongest first, at most ``postings`` stories each. ``post_key``
        # orders them all (term, then weight down) so one searchsorted finds, for every query
        # term at once, where its products fall below ``least_product``.
        # Only the few strongest entries of a term in many stories are sorted (``_shortlist``).
        crowded = df > self.limits.postings
        number = np.cumsum(crowded) - 1  # of each crowded term among them
        many = crowded[terms]
        few = ~many
        many[many] = _shortlist(number[terms[many]], weights[many], int(crowded.sum()),
                                self.limits.postings)[0]
        candidates = np.flatnonzero(few | many)
        order = candidates[np.argsort(terms[candidates] * 2.0 + (1.0 - weights[candidates]), kind="stable")]
        self._set_postings(terms[order], docs[order], weights[order])  # ties stay in story order

    def _set_postings(self, terms: Ints, docs: Ints, weights: Floats) -> npt.NDArray[np.bool_]:
        """Keep the ``postings`` first entries of each term (given sorted by term, then weight
        down); return which entries were left out."""
        size = max(1, len(self.keys))
        starts = np.searchsorted(terms, np.arange(size + 1))
        kept = np.arange(len(terms)) - starts[terms] < self.limits.postings
        self.post_terms, self.post_docs, self.post_weights = terms[kept], docs[kept], weights[kept]
        self.post_start = np.searchsorted(self.post_terms, np.arange(size + 1)).astype(np.int64)
        self.post_key = self.post_terms * 2.0 + (1.0 - self.post_weights)
        return ~kept

    def _weigh(self, terms: Ints, tf: Floats) -> Floats:
        """TF-IDF with a logarithmic count: the tenth mention of a word adds little; the length
        of a story is taken out by the cosine (BM25's saturation and length norm ranked worse)."""
        result: Floats = self.idf[terms] * (1.0 + np.log(np.maximum(tf, 1.0)))
        return result

    def _query_vectors(self, chunk: Sequence[Article]) -> tuple[Ints, Floats, Ints]:
        """(terms, weights, query number) of every story of ``chunk``."""
        own = [self.position.get(a.src_uri) for a in chunk]
        if all(i is not None for i in own):
            mine = _ints(i for i in own if i is not None)
            positions, owners = _gather(self.doc_ptr[mine], self.doc_ptr[mine + 1])
            return self.doc_terms[positions], self.doc_weights[positions], owners
        parts = [self._draft_vector(a) for a in chunk]
        owners = np.repeat(np.arange(len(chunk), dtype=np.int64), [len(t) for t, _ in parts])
        return (np.concatenate([t for t, _ in parts]).astype(np.int64),
                np.concatenate([w for _, w in parts]).astype(np.float64), owners)

    def _draft_vector(self, article: Article) -> tuple[Ints, Floats]:
        """The query vector of a story outside the index (a draft in `mkdocs serve`)."""
        terms, weights = self._vector(article)
        ask = _strongest(_ints([0, len(terms)]), weights, self.limits.query_terms)
        return terms[ask], weights[ask]

    def _vector(self, article: Article) -> tuple[Ints, Floats]:
        """The whole vector of a story's text, by the index's words and IDF (a word or pair the
        index does not know, or only one story had, counts for nothing)."""
        words = self.words
        # Words the index has not seen get ids from ``words`` on: they and their pairs drop out.
        fields = [np.where(ids < words, ids, -1) for ids in self._words(article)]
        keys = self._keys(fields, words)
        at = np.minimum(np.searchsorted(self.keys, keys), max(0, len(self.keys) - 1))
        found = self.keys[at] == keys if len(self.keys) else np.zeros(len(keys), dtype=bool)
        terms, counts = np.unique(at[found], return_counts=True)
        weights = self._weigh(terms, counts.astype(np.float64))
        keep = weights > 0
        terms, weights = terms[keep], weights[keep]
        return terms, weights / (float(np.sqrt((weights * weights).sum())) or 1.0)

    def replace(self, article: Article) -> Ints:
        """Put the edited text of a story of the index in place of its old one (`mkdocs serve`);
        return the stories whose lists it can change (itself included).

        The IDF stays the last full computation's, so every other story keeps its vector: a
        word the edit adds to or removes from the archive moves its weight elsewhere only at the
        next full computation. A term whose strongest stories the edited one leaves keeps one
        fewer until then (the next strongest was not kept).
        """
        i = self.position[article.src_uri]
        self.articles[i] = article
        mine = self.post_docs == i
        old_terms, old_weights = self.post_terms[mine], self.post_weights[mine]
        terms, weights = self._vector(article)
        # Postings: the old entries out, the new ones in at their place, then each term's weakest
        # beyond ``postings`` out (the arrays stay sorted by term, then weight down).
        others = ~mine
        at = np.searchsorted(self.post_key[others], terms * 2.0 + (1.0 - weights))
        post_terms = np.insert(self.post_terms[others], at, terms)
        post_docs = np.insert(self.post_docs[others], at, i)
        post_weights = np.insert(self.post_weights[others], at, weights)
        # Another story pushed out of a term's postings by this one.
        out = self._set_postings(post_terms, post_docs, post_weights) & (post_docs != i)
        # The query side: its strongest terms in place of the old ones.
        ask = _strongest(_ints([0, len(terms)]), weights, self.limits.query_terms)
        start, end = int(self.doc_ptr[i]), int(self.doc_ptr[i + 1])
        self.doc_terms = np.concatenate((self.doc_terms[:start], terms[ask], self.doc_terms[end:]))
        self.doc_weights = np.concatenate((self.doc_weights[:start], weights[ask], self.doc_weights[end:]))
        self.doc_ptr[i + 1:] += int(ask.sum()) - (end - start)
        # A story's list can change if this one is, or was, among its candidates by text: its
        # text with it reaches the story's shortlist floor (``floor``; below it, the shortlist
        # and so the list stay as they were); or if its postings lost another story to this
        # one; or if its tag windows hold this one.
        now = self.post_docs == i
        text = np.maximum(self._text_with(old_terms, old_weights),
                          self._text_with(self.post_terms[now], self.post_weights[now])) * (1 + 1e-9)
        bins = np.minimum((np.sqrt(text) * _BINS).astype(np.int64), _BINS - 1)
        candidate = (text > 0) & (bins >= self.floor)
        lost = self._text_with(post_terms[out], post_weights[out]) > 0
        again = np.unique(np.concatenate((np.flatnonzero(candidate | lost), self._tag_finders(i), [i])))
        return again if self.graph_ptr is None else np.union1d(again, self._fed_by(again))

    def _fed_by(self, again: Ints) -> Ints:
        """The stories without tags whose feedback (``_feedback``) an edit can change, once the
        graph rows of ``again`` (the stories whose shortlists it can change) are computed again:
        those with a changed row among their neighbours', and those with a candidate (a story
        of their row) whose nearest neighbours changed. (A story's own row changes only if it
        is in ``again``.)"""
        assert self.graph_ptr is not None
        changed, moved = self._set_rows(again)
        rows = np.repeat(np.arange(len(self.articles), dtype=np.int64), np.diff(self.graph_ptr))
        head = np.arange(len(rows)) - self.graph_ptr[rows] < self.limits.neighbours
        found = np.unique(np.concatenate((rows[head & np.isin(self.graph_docs, changed)],
                                          rows[np.isin(self.graph_docs, moved)])))
        untagged: Ints = found[self.tag_ptr[found + 1] == self.tag_ptr[found]]
        return untagged

    def _text_with(self, terms: Ints, weights: Floats) -> Floats:
        """Each story's text similarity (as ``_ranked`` sums it, or a hair more) with a story
        posted under ``terms`` (each once) with ``weights``."""
        order = np.argsort(terms)
        terms, weights = terms[order], weights[order]
        asks = np.flatnonzero(np.isin(self.doc_terms, terms))
        theirs = weights[np.searchsorted(terms, self.doc_terms[asks])]
        mine = self.doc_weights[asks]
        counts = theirs >= np.minimum(self.limits.least_product / mine, 1.0) * (1 - 1e-9)
        finders = np.searchsorted(self.doc_ptr, asks[counts], side="right") - 1
        sums = np.bincount(finders, weights=(mine * theirs)[counts], minlength=len(self.articles))
        return sums.astype(np.float64)

    def _tag_finders(self, i: int) -> Ints:
        """The stories whose tag windows (``_tag_windows``) hold story ``i``."""
        half, found = self.limits.tag_postings // 2, []
        for t in self.tag_lists[i]:
            members = _ints(self.tag_members[t])
            at = np.searchsorted(self.tag_days[t], self.days[members], side="left")
            where = members.tolist().index(i)
            found.append(members[(at - half <= where) & (where < at + half)])
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)

    # -- tags ------------------------------------------------------------------------------------

    def _index_tags(self) -> None:
        n = len(self.articles)
        tag_sets = [self._tag_set(a) for a in self.articles]
        tag_df: Counter[str] = Counter()
        for tags in tag_sets:
            tag_df.update(tags)
        names = sorted(tag_df)
        self.tag_id = {t: k for k, t in enumerate(names)}
        # IDF squared: what one shared tag adds to the dot product of two tag vectors.
        self.tag_weight = np.array([math.log(1 + n / tag_df[t]) ** 2 for t in names], dtype=np.float64)
        self.tag_lists = [sorted(self.tag_id[t] for t in tags) for tags in tag_sets]
        self.tag_ptr = np.concatenate(([0], np.cumsum([len(x) for x in self.tag_lists]))).astype(np.int64)
        self.tag_ids = _ints(t for x in self.tag_lists for t in x)
        self.tag_norm = np.array([self._tag_norm(x) for x in self.tag_lists], dtype=np.float64)
        # Stories of each tag, oldest first, to take those nearest in time to a story.
        self.tag_members: list[list[int]] = [[] for _ in names]
        for i in self.by_time:
            for t in self.tag_lists[i]:
                self.tag_members[t].append(i)
        self.tag_days = [[self.day_list[i] for i in m] for m in self.tag_members]

    def _tag_set(self, article: Article) -> frozenset[str]:
        return frozenset(tag_key(t, self.aliases) for t in article.tags) if self.use_tags else frozenset()

    def _tag_norm(self, tags: Sequence[int]) -> float:
        return math.sqrt(sum(float(self.tag_weight[t]) for t in tags)) or 1.0

    def _query_tags(self, article: Article) -> list[int]:
        own = self.position.get(article.src_uri)
        if own is not None:
            return self.tag_lists[own]
        return sorted({self.tag_id[t] for t in self._tag_set(article) if t in self.tag_id})

    def _tag_windows(self, tags: Sequence[Sequence[int]], days: Sequence[float]) -> Ints:
        """Cells (query × n + story) of the stories nearest in time sharing each query tag."""
        half, n = self.limits.tag_postings // 2, len(self.articles)
        found: list[int] = []
        offsets: list[int] = []
        for q, (mine, day) in enumerate(zip(tags, days, strict=True)):
            for t in mine:
                at = bisect.bisect_left(self.tag_days[t], day)
                window = self.tag_members[t][max(0, at - half):at + half]
                found.extend(window)
                offsets.extend([q * n] * len(window))
        return _ints(found) + _ints(offsets)

    def _tag_similarity(self, tags: Sequence[Sequence[int]], queries: Ints, stories: Ints) -> Floats:
        """IDF-weighted cosine of the tags of each query and story pair."""
        count = len(self.tag_id)
        wanted = _ints(q * count + t for q, mine in enumerate(tags) for t in mine)
        if not len(wanted) or not len(stories):
            return np.zeros(len(stories), dtype=np.float64)
        norms = np.array([self._tag_norm(mine) for mine in tags], dtype=np.float64)
        positions, owners = _gather(self.tag_ptr[stories], self.tag_ptr[stories + 1])
        theirs = self.tag_ids[positions]
        shared = np.isin(queries[owners] * count + theirs, wanted)
        dot = np.bincount(owners[shared], weights=self.tag_weight[theirs[shared]], minlength=len(stories))
        result: Floats = dot / (norms[queries] * self.tag_norm[stories])
        return result

    # -- queries ---------------------------------------------------------------------------------

    def _text_sums(self, chunk: Sequence[Article]) -> tuple[Ints, Floats, npt.NDArray[np.bool_]]:
        """The first stage: each query's text products summed by cell (query × n + story): the
        cells touched, their text and which are on the query's shortlist (about ``shortlist``
        best). Sets ``floor`` of the queries in the index, and what ``_text_of`` reads.

        A stamp array (cells of a batch) numbers each cell by one of the products written to
        it; the products are then summed by that number (a ``bincount`` as long as the products,
        not the batch's cells): no sort, and no array of sums to scan or reset."""
        n = len(self.articles)
        terms, weights, owners = self._query_vectors(chunk)
        cut = np.minimum(self.limits.least_product / weights, 1.0)
        # Each query term's postings (``postings`` at most), then those whose product with it is
        # not negligible: a prefix of each (``post_key`` orders a term's strongest first). A
        # comparison per posting is cheaper than a binary search of every term's postings.
        positions, entry = _gather(self.post_start[terms], self.post_start[terms + 1])
        counts = self.post_key[positions] <= (terms * 2.0 + (1.0 - cut))[entry]
        positions, entry = positions[counts], entry[counts]  # and the query term of each
        queries = owners[entry]
        cells = queries * n + self.post_docs[positions]
        steps = np.arange(len(cells), dtype=np.int32)  # (fewer than 2**31 products a batch)
        self._stamp[cells] = steps  # one of the writes to each cell wins: it numbers the cell
        winner = self._stamp[cells]
        products = self.post_weights[positions] * weights[entry]
        del positions, entry  # (the peak of memory is here: a few arrays as long as the products)
        # Summed in product order, as np.add.at would: the same floats to the last bit.
        sums = np.bincount(winner, weights=products, minlength=len(cells)).astype(np.float64, copy=False)
        first = np.flatnonzero(winner == steps)
        del steps, winner, products
        touched, text = cells[first], sums[first]
        self._last = cells, sums
        short, floor = _shortlist(queries[first], text, len(chunk), self.limits.shortlist)
        own = _ints(self.position.get(a.src_uri, -1) for a in chunk)
        self.floor[own[own >= 0]] = floor[own >= 0]
        return touched, text, short

    def _text_of(self, found: Ints) -> Floats:
        """The text of each of ``found`` cells as the last ``_text_sums`` summed it (0 for a
        cell it did not touch: its stamp is an older batch's, whose number names another cell)."""
        cells, sums = self._last
        if not len(cells):
            return np.zeros(len(found), dtype=np.float64)
        step = self._stamp[found]
        step = np.where(step < len(cells), step, 0)
        result: Floats = np.where(cells[step] == found, sums[step], 0.0)
        return result

    def _neighbours(self, chunk: Sequence[Article], cells: Ints, text: Floats) -> tuple[Ints, Ints, Floats]:
        """(query number, story, share) of the ``neighbours`` nearest stories by text among
        each query's shortlisted ``cells`` (never itself), nearest first; a neighbour's share is
        its text over the sum of its query's (the weights of the feedback)."""
        n, k = len(self.articles), self.limits.neighbours
        queries, stories = cells // n, cells % n
        own = _ints(self.position.get(a.src_uri, -1) for a in chunk)
        other = stories != own[queries]
        queries, stories, text = queries[other], stories[other], text[other]
        order = np.lexsort((self.path_rank[stories], -np.round(text, 9), queries))
        queries, stories, text = queries[order], stories[order], text[order]
        first = np.arange(len(queries)) - np.searchsorted(queries, queries) < k
        queries, stories, text = queries[first], stories[first], text[first]
        total = np.bincount(queries, weights=text, minlength=len(chunk))
        return queries, stories, text / np.where(total > 0, total, 1.0)[queries]

    def _graph(self) -> None:
        """Every story's shortlist by text (``_text_sums``, itself left out), nearest first:
        the rows the second stage reads (``_feedback``). Computed once, on first need."""
        if self.graph_ptr is not None:
            return
        n = len(self.articles)
        self.graph_ptr = np.zeros(n + 1, dtype=np.int64)
        self.graph_docs, self.graph_text = np.zeros(0, dtype=np.int64), np.zeros(0)
        self._set_rows(np.arange(n, dtype=np.int64), compare=False)

    def _set_rows(self, stories: Ints, *, compare: bool = True) -> tuple[Ints, Ints]:
        """Compute the graph rows of ``stories`` (sorted) again; with ``compare``, return those
        whose row and those whose nearest ``neighbours`` changed (`mkdocs serve`)."""
        assert self.graph_ptr is not None
        n, k = len(self.articles), self.limits.neighbours
        parts: list[tuple[Ints, Ints, Floats]] = []
        for start in range(0, len(stories), self.batch):
            mine = stories[start:start + self.batch]
            touched, text, short = self._text_sums([self.articles[i] for i in mine.tolist()])
            cells, text = touched[short], text[short]
            asking, found = mine[cells // n], cells % n
            other = found != asking
            parts.append((asking[other], found[other], text[other]))
        asking = np.concatenate([[], *(q for q, _, _ in parts)]).astype(np.int64)
        found = np.concatenate([[], *(s for _, s, _ in parts)]).astype(np.int64)
        text = np.concatenate([[], *(t for _, _, t in parts)])
        order = np.lexsort((self.path_rank[found], -np.round(text, 9), asking))
        asking, found, text = asking[order], found[order], text[order]
        first = np.arange(len(asking)) - np.searchsorted(asking, asking) < self.limits.shortlist
        asking, found, text = asking[first], found[first], text[first]  # exactly ``shortlist``
        # The old rows of ``stories`` out, the new ones in (rows stay in story order).
        sizes = np.diff(self.graph_ptr)
        old_docs, old_text, old_ptr = self.graph_docs, self.graph_text, self.graph_ptr
        keep = np.ones(len(old_docs), dtype=bool)
        keep[_gather(old_ptr[stories], old_ptr[stories + 1])[0]] = False
        rows = np.concatenate((np.repeat(np.arange(n, dtype=np.int64), sizes)[keep], asking))
        order = np.argsort(rows, kind="stable")
        self.graph_docs = np.concatenate((old_docs[keep], found))[order]
        self.graph_text = np.concatenate((old_text[keep], text))[order]
        self.graph_ptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n)))).astype(np.int64)
        changed: list[int] = []
        moved: list[int] = []
        for i in stories.tolist() if compare else ():  # an edit's few hundred, in Python
            before = old_docs[old_ptr[i]:old_ptr[i + 1]], old_text[old_ptr[i]:old_ptr[i + 1]]
            after = (self.graph_docs[self.graph_ptr[i]:self.graph_ptr[i + 1]],
                     self.graph_text[self.graph_ptr[i]:self.graph_ptr[i + 1]])
            if len(before[0]) != len(after[0]) or not (np.array_equal(before[0], after[0])
                                                       and np.array_equal(before[1], after[1])):
                changed.append(i)
                if not np.array_equal(before[0][:k], after[0][:k]):
                    moved.append(i)
        return _ints(changed), _ints(moved)

    def _feedback(self, cells: Ints, text: Floats, asking: Ints, near: Ints, share: Floats, rows: Ints,
                  rows_text: Floats) -> Floats:
        """The ``text`` similarity of each candidate cell (query × n + story) after pseudo-relevance
        feedback, read from the shortlist graph instead of summing whole vectors:

        - the query's neighbours' similarity to the story (Rocchio: the query's vector plus its
          nearest stories', weighted by their ``share``; a neighbour is itself similar by 1);
        - the query's similarity to the story's own ``neighbours`` nearest (the other side), as
          the query's shortlist has it (``rows``: its cells, sorted, ``rows_text``; 0 if not on
          it, 1 for the query itself);
        - half the share of those neighbours the two have in common (shared nearest neighbours).

        The three are added ``feedback`` times to the text, and the sum divided by 1 +
        ``feedback``. (``asking``, ``near``, ``share``: from ``_neighbours``.)"""
        n, k = len(self.articles), self.limits.neighbours
        assert self.graph_ptr is not None
        # The query's side: each neighbour's row, and the neighbour itself.
        positions, owners = _gather(self.graph_ptr[near], self.graph_ptr[near + 1])
        keys = np.concatenate((asking[owners] * n + self.graph_docs[positions], asking * n + near))
        values = np.concatenate((self.graph_text[positions] * share[owners], share))
        forth = _lookup(*_summed(keys, values), cells)
        # The story's side: the query's text with each of the story's nearest (first of its row).
        stories = cells % n
        starts = self.graph_ptr[stories]
        positions, owners = _gather(starts, np.minimum(starts + k, self.graph_ptr[stories + 1]))
        theirs = (cells // n)[owners] * n + self.graph_docs[positions]
        back = np.bincount(owners, weights=_lookup(rows, rows_text, theirs), minlength=len(cells)) / k
        mine = np.sort(asking * n + near)
        shared = _lookup(mine, np.ones(len(mine)), theirs)
        common = np.bincount(owners, weights=shared, minlength=len(cells)) / k
        beta = self.weights.feedback
        result: Floats = (text + beta * (forth + back + 0.5 * common)) / (1.0 + beta)
        return result

    def _ranked(
        self, chunk: Sequence[Article], skips: Sequence[set[str]], keep: int
    ) -> tuple[Ints, Ints, Floats]:
        """(query number, story, score) of the best ``keep`` candidates of each query, best
        first (all candidates when ``keep`` is 0); never a story in its query's ``skips``.

        Text products are summed by cell (query × n + story) through a stamp array kept between
        batches (``_text_sums``; a dense array scanned per batch would make the work grow with
        the square of the archive): no sort of the products.
        Candidates are about the ``shortlist`` best stories of each query by text, and the
        stories nearest in time of each of the query's tags. A story without tags is ranked in
        a second stage, from the shortlists of its nearest stories (``_feedback``); one of the
        index reads its own shortlist from the graph (``_graph``) instead of summing it again.
        """
        n = len(self.articles)
        tags = [self._query_tags(a) for a in chunk]
        day_list = [_day(a) for a in chunk]
        own = _ints(self.position.get(a.src_uri, -1) for a in chunk)
        untagged = _ints(len(t) for t in tags) == 0
        feedback = bool(self.weights.feedback) and bool(untagged.any())
        if feedback:
            self._graph()  # before this batch's sums: it sums every story's with the same stamps
        # Stories of the index without tags read their shortlist from the graph; others sum it.
        from_graph = untagged & (own >= 0) & feedback
        summing = np.flatnonzero(~from_graph)
        cells, text = np.zeros(0, dtype=np.int64), np.zeros(0)
        rows, rows_text = cells, text  # the shortlists: cells and text
        if len(summing):
            asked = summing.tolist()
            touched, sums, short = self._text_sums([chunk[q] for q in asked])
            listed, rows_text = touched[short], sums[short]  # numbered in ``asked``
            windows = self._tag_windows([tags[q] for q in asked], [day_list[q] for q in asked])
            found = np.unique(np.concatenate((listed, windows)))
            cells, text = summing[found // n] * n + found % n, self._text_of(found)
            rows = summing[listed // n] * n + listed % n
        if from_graph.any():
            assert self.graph_ptr is not None
            numbers = np.flatnonzero(from_graph)
            positions, owners = _gather(self.graph_ptr[own[numbers]], self.graph_ptr[own[numbers] + 1])
            found, row_text = numbers[owners] * n + self.graph_docs[positions], self.graph_text[positions]
            cells, text = np.concatenate((cells, found)), np.concatenate((text, row_text))
            rows, rows_text = np.concatenate((rows, found)), np.concatenate((rows_text, row_text))
        order = np.argsort(cells)
        cells, text = cells[order], text[order]
        if feedback:  # for the queries without tags: tags say what the text stands in for
            asking, near, share = self._neighbours(chunk, rows, rows_text)
            chosen = untagged[asking]
            asking, near, share = asking[chosen], near[chosen], share[chosen]
            # Each query's shortlist without itself, and itself as similar by 1.
            mine = np.flatnonzero(own >= 0)
            other = rows % n != own[rows // n]
            rows, rows_text = _summed(np.concatenate((rows[other], mine * n + own[mine])),
                                      np.concatenate((rows_text[other], np.ones(len(mine)))))
            fed = untagged[cells // n]
            text[fed] = self._feedback(cells[fed], text[fed], asking, near, share, rows, rows_text)
        skipped = _ints(q * n + self.position[s] for q, skip in enumerate(skips) for s in skip
                        if s in self.position)
        allowed = ~np.isin(cells, skipped)
        cells, text = cells[allowed], text[allowed]
        queries, stories = cells // n, cells % n
        w = self.weights
        score = text
        if self.use_tags:
            similarity = self._tag_similarity(tags, queries, stories)
            score = text * (1 + w.tag_boost * similarity) + w.tags * similarity
        section = _ints(self.section_of.get(a.section, -1) for a in chunk)
        day = np.array(day_list, dtype=np.float64)
        score = (score + w.section * (self.section_ids[stories] == section[queries])
                 + w.recency * 0.5 ** (np.abs(self.days[stories] - day[queries]) / w.half_life_days))
        order = np.lexsort((self.path_rank[stories], -self.days[stories], -np.round(score, 9), queries))
        queries, stories, score = queries[order], stories[order], score[order]
        if keep:
            rank = np.arange(len(queries)) - np.searchsorted(queries, queries)
            best_few = rank < keep
            queries, stories, score = queries[best_few], stories[best_few], score[best_few]
        return queries, stories, score

    def scores(self, article: Article) -> dict[str, float]:
        """Path → score of every candidate for ``article``, best first (for tests and tuning)."""
        _, stories, score = self._ranked([article], [{article.src_uri}], 0)
        return {self.articles[int(i)].src_uri: float(s) for i, s in zip(stories, score, strict=True)}

    def related(self, article: Article, count: int, *, exclude: Iterable[str] = ()) -> list[Article]:
        """The ``count`` best stories for ``article``, then the nearest in time to fill up."""
        return self.related_many([article], count, {article.src_uri: set(exclude)})[0]

    def related_many(
        self, queries: Sequence[Article], count: int, exclude: Mapping[str, Iterable[str]] | None = None
    ) -> list[list[Article]]:
        """``related`` for each of ``queries``, worked out a batch at a time."""
        if count <= 0:
            return [[] for _ in queries]
        exclude = exclude or {}
        result: list[list[Article]] = []
        for start in range(0, len(queries), self.batch):
            chunk = queries[start:start + self.batch]
            skips = [{a.src_uri, *exclude.get(a.src_uri, ())} for a in chunk]
            picked: list[list[Article]] = [[] for _ in chunk]
            if self.articles:
                numbers, stories, _ = self._ranked(chunk, skips, count)
                for q, i in zip(numbers.tolist(), stories.tolist(), strict=True):
                    picked[q].append(self.articles[i])
            for q, article in enumerate(chunk):
                if len(picked[q]) < count:
                    taken = skips[q] | {a.src_uri for a in picked[q]}
                    picked[q] += self._fill(article, count - len(picked[q]), taken)
            result.extend(picked)
        return result

    def _fill(self, article: Article, need: int, skip: set[str]) -> list[Article]:
        """Stories nearest in time, same section first, so a story that shares no words with
        any other still ends with a full block (what a newest-in-section list would give)."""
        day = _day(article)
        same: list[Article] = []
        rest: list[Article] = []
        # Bounded walk outward in time: the fill never scans the archive.
        for n, i in enumerate(_outward(self.by_time, self.time_keys, day)):
            if len(same) >= need or n >= need + self.limits.postings:
                break
            other = self.articles[i]
            if other.src_uri not in skip:
                (same if other.section == article.section else rest).append(other)
        return (same + rest)[:need]


_CHARS_PER_TOKEN = 12  # a body is read no further than this many characters per token it may give
_BINS = 64  # text scores binned by their square root: finer where scores are low


def related_inputs(article: Article, tokenizer: Tokenizer | None = None,
                   limits: Limits = DEFAULT_LIMITS) -> tuple[list[str], list[str], list[str]]:
    """The tokens of a story's title, standfirst and body: all ``RelatedIndex`` reads of its
    texts; besides them it reads only the story's path, tags, section, date, language and pins.
    `mkdocs serve` reuses the last build's related stories when none of these changed."""
    tok = tokenizer or Tokenizer()
    body = tok.tokens(plain_text(article.body[:limits.body_tokens * _CHARS_PER_TOKEN]), limits.body_tokens)
    return tok.tokens(article.title), tok.tokens(article.standfirst), body


def _shortlist(queries: Ints, text: Floats, count: int, size: int) -> tuple[npt.NDArray[np.bool_], Ints]:
    """Which entries are among about the ``size`` best ``text`` of their query (or term, in
    ``queries``: numbers from 0 to ``count``); ties and bin width may keep a few more, never
    fewer: a histogram per query instead of a sort per query. Also each query's lowest bin kept
    (0: all)."""
    bins = np.minimum((np.sqrt(text) * _BINS).astype(np.int64), _BINS - 1)
    counts = np.bincount(queries * _BINS + bins, minlength=count * _BINS).reshape(count, _BINS)
    at_least = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]  # entries in this bin or higher
    full = at_least >= size
    lowest = np.where(full.any(axis=1), _BINS - 1 - np.argmax(full[:, ::-1], axis=1), 0)
    result: npt.NDArray[np.bool_] = bins >= lowest[queries]
    return result, lowest


def _summed(keys: Ints, values: Floats) -> tuple[Ints, Floats]:
    """The distinct ``keys``, sorted, and the sum of the ``values`` of each."""
    found, where = np.unique(keys, return_inverse=True)
    return found, np.bincount(where, weights=values, minlength=len(found)).astype(np.float64)


def _lookup(keys: Ints, values: Floats, wanted: Ints) -> Floats:
    """The value of each of ``wanted`` in sorted ``keys`` (0 where it is not there)."""
    if not len(keys):
        return np.zeros(len(wanted), dtype=np.float64)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    result: Floats = np.where(keys[at] == wanted, values[at], 0.0)
    return result


def _strongest(ptr: Ints, weights: Floats, count: int) -> npt.NDArray[np.bool_]:
    """Which entries are among the ``count`` largest ``weights`` of their story (the story of
    entry j is the i with ptr[i] <= j < ptr[i + 1]); ties at the threshold are all kept."""
    keep = np.ones(len(weights), dtype=bool)
    long = np.flatnonzero(np.diff(ptr) > count)
    for i in long.tolist():  # only the longer stories: a partition each, no sort of the archive
        start, end = int(ptr[i]), int(ptr[i + 1])
        mine = weights[start:end]
        keep[start:end] = mine >= np.partition(mine, len(mine) - count)[len(mine) - count]
    return keep


def _day(article: Article) -> float:
    return article.date.timestamp() / 86400


def _outward(members: Sequence[int], keys: Sequence[float], day: float) -> Iterator[int]:
    """``members`` (sorted by ``keys``) from the nearest to ``day`` outward; the earlier first
    when two are as near."""
    hi = bisect.bisect_left(keys, day)
    lo = hi - 1
    while lo >= 0 or hi < len(members):
        if hi >= len(members) or (lo >= 0 and day - keys[lo] <= keys[hi] - day):
            yield members[lo]
            lo -= 1
        else:
            yield members[hi]
            hi += 1


# -- the build's lists -------------------------------------------------------------------------


def resolve_pin(src_uri: str, target: str, known: Mapping[str, Any]) -> str | None:
    """The ``src_uri`` a ``related:`` entry names: relative to the story, else from docs/."""
    base = PurePosixPath() if target.startswith("/") else PurePosixPath(src_uri).parent
    for start in (base, PurePosixPath()):
        parts: list[str] = []
        for part in (start / target.lstrip("/")).parts:
            if part == "..":
                if not parts:
                    break
                parts.pop()
            elif part != ".":
                parts.append(part)
        else:
            candidate = "/".join(parts)
            if candidate in known:
                return candidate
    return None


def check_pins(
    articles: Iterable[Article], known: Mapping[str, Article], line_of: Callable[[str], int | None]
) -> list[Fault]:
    """A fault for every ``related:`` entry that names no story, or the story itself."""
    faults: list[Fault] = []
    for article in articles:
        if not isinstance(article.related, tuple):
            continue
        for target in article.related:
            found = resolve_pin(article.src_uri, target, known)
            if found is None:
                faults.append(Fault(article.src_uri, line_of(article.src_uri), "related",
                                    f"{target!r} is not a story of this site",
                                    "write the path of a story's file, relative to this one "
                                    "(../economy/rates.md) or from docs/ (/economy/rates.md)"))
            elif found == article.src_uri:
                faults.append(Fault(article.src_uri, line_of(article.src_uri), "related",
                                    f"{target!r} is this story itself", "remove it from the list"))
    return faults


def related_stories(published: Sequence[Article], others: Sequence[Article], settings: RelatedSettings,
                    known: Mapping[str, Article], **options: Any) -> dict[str, tuple[Article, ...]]:
    """``src_uri`` → related stories, for every published story and for ``others`` (drafts).

    Only ``published`` stories are ever listed. Pins (``related: [paths]``) come first, in the
    editor's order; ``related: false`` gives an empty tuple. Pins must be checked first.
    ``options``: ``tokenizer``, ``weights``, ``limits`` (see ``RelatedLists``).

    Without ``options``, in a build with a render cache, the lists (as paths) are kept in the
    cache under everything they are worked out from (``_what_related_reads``): a build of an
    unchanged archive (a warm build, CI after a template change) reads them instead of
    computing them again.
    """
    if options:
        return RelatedLists(published, others, settings, known, **options).lists
    paths = remember(RELATED_KIND, related_cache_inputs(published, others, settings, known),
                     lambda: related_paths(published, others, settings, known))
    return lists_of(paths, published)


RELATED_KIND = "related_lists"  # the render cache's name for a build's lists (as paths)
Paths = dict[str, tuple[str, ...]]  # src_uri -> the src_uris of its related stories


def related_paths(published: Sequence[Article], others: Sequence[Article], settings: RelatedSettings,
                  known: Mapping[str, object]) -> Paths:
    """The lists of ``related_stories``, as paths: what the render cache keeps, and what a
    process of their own returns (related_process.py)."""
    lists = RelatedLists(published, others, settings, known).lists
    return {src: tuple(a.src_uri for a in found) for src, found in lists.items()}


def lists_of(paths: Paths, published: Sequence[Article]) -> dict[str, tuple[Article, ...]]:
    """``related_paths``' lists with this build's own Article objects."""
    live = {a.src_uri: a for a in published}
    return {src: tuple(live[p] for p in found) for src, found in paths.items()}


def related_cache_inputs(published: Sequence[Article], others: Sequence[Article], settings: RelatedSettings,
                         known: Mapping[str, object]) -> tuple[Any, ...]:
    """Everything the lists are worked out from: their key in the render cache."""
    return ([_what_related_reads(a) for a in published], [_what_related_reads(a) for a in others],
            settings, sorted(known))


def related_reads(article: Article) -> Article:
    """The story with its body cut to what the lists read of it (``related_inputs``): less to
    send to another process, the same lists."""
    limit = DEFAULT_LIMITS.body_tokens * _CHARS_PER_TOKEN
    return dataclasses.replace(article, body=article.body[:limit]) if len(article.body) > limit else article


def _what_related_reads(article: Article) -> tuple[Any, ...]:
    """Every field of a story that ``RelatedLists`` reads (see ``related_inputs``): when none of
    them changed, neither did any list."""
    return (article.src_uri, article.lang, article.date, article.section, article.tags,
            article.related, article.title, article.standfirst,
            article.body[:DEFAULT_LIMITS.body_tokens * _CHARS_PER_TOKEN])


class RelatedLists:
    """The related stories of one build (``lists``), with the indexes they came from, which
    `mkdocs serve` keeps to re-rank only what an edit can change (``update``)."""

    def __init__(
        self,
        published: Sequence[Article],
        others: Sequence[Article],
        settings: RelatedSettings,
        known: Mapping[str, object],
        *,
        tokenizer: Tokenizer | None = None,
        weights: Weights = DEFAULT_WEIGHTS,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.settings, self.known, self.limits = settings, known, limits
        tokenizer = tokenizer or Tokenizer()
        groups: dict[str, list[Article]] = {}
        for a in published:
            groups.setdefault(self._group(a), []).append(a)
        self.indexes = {key: RelatedIndex(g, tokenizer=tokenizer, weights=weights, limits=limits,
                                          tag_aliases=dict(settings.tag_aliases))
                        for key, g in sorted(groups.items())}
        self.live = {a.src_uri: a for a in published}
        self.lists: dict[str, tuple[Article, ...]] = {}
        self._rank([*published, *others])

    def _group(self, article: Article) -> str:
        """The index a story is ranked in: its language's (zh-Hant with zh), or the one index."""
        return "" if self.settings.mix_languages else family(article.lang)

    def _rank(self, articles: Sequence[Article]) -> None:
        """Work out the lists of ``articles``: pins first, then the index's best."""
        count = self.settings.count
        pinned: dict[str, list[Article]] = {}
        asking: dict[str, list[Article]] = {}
        for article in articles:
            if article.related is False or count == 0:
                self.lists[article.src_uri] = ()
                continue
            pins = pinned[article.src_uri] = []
            if isinstance(article.related, tuple):
                for target in article.related:
                    src = resolve_pin(article.src_uri, target, self.known)
                    if src in self.live and src != article.src_uri and self.live[src] not in pins:
                        pins.append(self.live[src])
            self.lists[article.src_uri] = tuple(pins[:count])
            if len(pins) < count:
                asking.setdefault(self._group(article), []).append(article)
        for key, queries in asking.items():
            if key not in self.indexes:
                continue
            exclude = {a.src_uri: [p.src_uri for p in pinned[a.src_uri]] for a in queries}
            found = self.indexes[key].related_many(queries, count, exclude)
            for article, best in zip(queries, found, strict=True):
                self.lists[article.src_uri] = tuple([*pinned[article.src_uri], *best][:count])

    def update(self, edited: Sequence[Article], others: Sequence[Article],
               known: Mapping[str, object]) -> list[str] | None:
        """After ``edited`` stories (published, same paths and shapes) changed only their texts:
        re-rank them, the stories whose candidates involved them (``RelatedIndex.replace``) and
        ``others`` (the drafts); return the paths re-ranked. None (compute again in full) if a
        story is not in this build's indexes, or its index is smaller than ``rerank_from``."""
        for article in edited:
            index = self.indexes.get(self._group(article))
            if index is None or article.src_uri not in index.position \
                    or len(index.articles) < self.limits.rerank_from:
                return None
        self.known = known
        again: dict[str, Article] = {}
        for article in edited:
            self.live[article.src_uri] = article
            index = self.indexes[self._group(article)]
            for i in index.replace(article).tolist():
                again[index.articles[i].src_uri] = index.articles[i]
        again.update((a.src_uri, a) for a in others)
        self._rank(list(again.values()))
        return list(again)
