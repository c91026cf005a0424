"""How good are Masthead's related stories? Measured against what other generators would show.

    .venv/bin/python bench/related_eval.py                       # the sample newsroom (docs/)
    .venv/bin/python bench/related_eval.py --jekyll ../shared/corpora/18f-posts/content/posts

For every story with tags, each method picks k related stories (k = 5). A pick is a hit when it
shares at least one tag with the story. Masthead's content score is computed with every tag
hidden from the scorer, so tags only judge it. Baselines, in the same run on the same stories:

- newest in section: Jekyll's ``site.related_posts`` without LSI (the newest posts);
- most shared tags: Pelican's related_posts plugin (count of shared tags, newest first on ties);
- Hugo default: ``related`` indices tags 80, keywords 100, date 10 (the year), threshold 80,
  includeNewer false, case-sensitive keywords; also "Hugo, relaxed" with newer stories allowed
  and no threshold, which is kinder to it;
- chance: the share of all other stories (same language) that share a tag with the story.

Methods that see tags are near the ceiling of that metric by construction (they pick stories
that share tags). So a second, held-out metric is reported: each story's tags are split in two
by a fixed hash; scorers see only the first half of every story's tags; a pick is a hit when it
carries one of the source's *hidden* tags. That asks which ranking finds what the tags it saw
do not say.

Stories in a language with fewer than k + 1 stories are skipped; stories are only compared with
stories in their own language (Masthead's default).

The default table (issue 23) compares, per corpus, per language and per part, three rankers
judged by "shares a tag" at k: Masthead with every tag hidden (text alone), a plain TF-IDF
(scikit-learn's ``TfidfVectorizer(sublinear_tf=True, min_df=2)`` over the title twice and the
whole body, English words without stop words and Chinese character bigrams, cosine, top k, no
tuning: pip install '.[bench]'), and Masthead with tags. Each corpus is split by a hash of the
story's path (``part``): "tuning" (about half) is the only part to look at while tuning
weights and limits; "held-out" is kept aside and only reported. Every story stays a candidate
in both parts; the split only chooses whose picks are judged. Stories are only compared within
their language, so a corpus's "zh" rows are its Chinese stories on their own. ``--baselines``
adds the table of other generators' methods above.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import frontmatter
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from masthead.article import Article  # noqa: E402
from masthead.related import (  # noqa: E402
    DEFAULT_LIMITS,
    DEFAULT_WEIGHTS,
    Limits,
    RelatedIndex,
    Tokenizer,
    Weights,
    light_stem,
    tag_key,
)

Picker = Callable[[Article], list[Article]]

# -- corpora -------------------------------------------------------------------------------------


def load_masthead(config_file: Path) -> list[Article]:
    """The published stories of a Masthead site, read exactly as a build reads them."""
    from mkdocs.config import load_config

    from masthead.newsroom import Newsroom
    from masthead.settings import load_settings

    config = load_config(str(config_file))
    settings = load_settings(config.extra.get("masthead"), site_name=config.site_name,
                             docs_dir=Path(config.docs_dir))
    return list(Newsroom(settings).load(Path(config.docs_dir)).articles)


_FILE_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")


def load_jekyll(folder: Path) -> list[Article]:
    """Jekyll posts read leniently: dates from the front matter or the file name, tags and
    categories as lists or space/comma separated text, summary from excerpt or description."""
    articles: list[Article] = []
    for path in sorted(folder.glob("*.md")) + sorted(folder.glob("*.markdown")):
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            post = frontmatter.loads(text)
            meta, body = dict(post.metadata), post.content
        except (yaml.YAMLError, ValueError):
            meta, body = {}, text
        match = _FILE_DATE.match(path.stem)
        date = _date(meta.get("date")) or (
            dt.datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=dt.UTC) if match else None)
        if date is None:
            continue
        tags = _words(meta.get("tags")) + _words(meta.get("tag"))
        categories = _words(meta.get("categories")) + _words(meta.get("category"))
        summary = str(meta.get("excerpt") or meta.get("description") or "").strip()
        slug = match[4] if match else path.stem
        articles.append(Article(
            src_uri=f"posts/{path.name}", url=f"posts/{slug}/", title=str(meta.get("title") or slug),
            date=date, updated=None, authors=(), source="", section=categories[0] if categories else "posts",
            tags=tuple(dict.fromkeys(tags)), summary=summary, standfirst=summary, dateline="", image="",
            image_alt="", lang="en", pinned=False, draft=False, reading_minutes=1, body=body,
        ))
    return articles


def _date(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip().replace(" +", "+"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return None


def _words(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [w for w in re.split(r"[,\s]+", str(value)) if w]


# -- methods -------------------------------------------------------------------------------------


def newest_in_section(pool: Sequence[Article], k: int) -> Picker:
    newest = sorted(pool, key=lambda a: (-a.date.timestamp(), a.src_uri))

    def pick(a: Article) -> list[Article]:
        return [b for b in newest if b.section == a.section and b is not a][:k]
    return pick


def most_shared_tags(pool: Sequence[Article], k: int) -> Picker:
    by_tag: dict[str, list[Article]] = {}
    for b in pool:
        for t in {tag_key(t) for t in b.tags}:
            by_tag.setdefault(t, []).append(b)

    index = {b.src_uri: b for b in pool}

    def pick(a: Article) -> list[Article]:
        shared: Counter[str] = Counter()
        for t in {tag_key(t) for t in a.tags}:
            shared.update(b.src_uri for b in by_tag.get(t, []) if b is not a)
        ranked = sorted(shared, key=lambda s: (-shared[s], -index[s].date.timestamp(), s))
        return [index[s] for s in ranked[:k]]
    return pick


def hugo(pool: Sequence[Article], k: int, *, strict: bool = True) -> Picker:
    """Hugo's related content with its default configuration (see the module docstring)."""
    weights = {"keywords": 100, "date": 10, "tags": 80}
    low, high = min(weights.values()), max(weights.values())
    threshold = 80 if strict else 0

    def keys(b: Article) -> dict[str, set[str]]:
        return {"tags": set(b.tags), "date": {str(b.date.year)}, "keywords": set()}

    postings: dict[tuple[str, str], list[Article]] = {}
    for b in pool:
        for index, values in keys(b).items():
            for v in values:
                postings.setdefault((index, v), []).append(b)

    index = {b.src_uri: b for b in pool}

    def pick(a: Article) -> list[Article]:
        weight: Counter[str] = Counter()
        matches: Counter[str] = Counter()
        for name, values in keys(a).items():
            for v in values:
                for b in postings.get((name, v), []):
                    if b is a or (strict and b.date > a.date):
                        continue
                    weight[b.src_uri] += weights[name]
                    matches[b.src_uri] += 1
        kept = []
        for s in weight:
            average = weight[s] // matches[s]
            normalised = int((average - low) / (high - low) * 100 + 0.5)
            if normalised >= threshold // matches[s]:
                kept.append(s)
        kept.sort(key=lambda s: (-weight[s], -index[s].date.timestamp(), s))
        return [index[s] for s in kept[:k]]
    return pick


def masthead(pool: Sequence[Article], k: int, *, use_tags: bool, tokenizer: Tokenizer | None = None,
             weights: Weights = DEFAULT_WEIGHTS, limits: Limits = DEFAULT_LIMITS) -> Picker:
    index = RelatedIndex(pool, tokenizer=tokenizer or Tokenizer(), weights=weights, limits=limits,
                         use_tags=use_tags)

    def pick(a: Article) -> list[Article]:
        return index.related(a, k)
    return pick


# -- scoring -------------------------------------------------------------------------------------


def split_tags(a: Article) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(seen, hidden): a fixed split of a story's tags by a hash of the story and the tag."""
    seen: list[str] = []
    hidden: list[str] = []
    for t in a.tags:
        digest = hashlib.sha256(f"{a.src_uri}\0{tag_key(t)}".encode()).digest()[0]
        (hidden if digest % 2 else seen).append(t)
    if a.tags and not seen:  # keep at least one tag visible, one hidden
        seen.append(hidden.pop(0))
    if len(a.tags) > 1 and not hidden:
        hidden.append(seen.pop())
    return tuple(seen), tuple(hidden)


class Result:
    def __init__(self) -> None:
        self.hits = self.shown = self.sources = 0

    def add(self, hits: int, shown: int) -> None:
        self.hits += hits
        self.shown += shown
        self.sources += 1

    def row(self, k: int) -> tuple[str, str, str]:
        share = self.hits / self.shown if self.shown else 0.0
        filled = self.hits / (k * self.sources) if self.sources else 0.0
        avg = self.shown / self.sources if self.sources else 0.0
        return f"{share:.1%}", f"{filled:.1%}", f"{avg:.2f}"


def evaluate(articles: Sequence[Article], k: int, tokenizers: dict[str, Tokenizer],
             only: set[str] | None = None) -> list[tuple[str, Result, Result, float]]:
    groups: dict[str, list[Article]] = {}
    for a in articles:
        groups.setdefault(a.lang, []).append(a)
    groups = {lang: g for lang, g in sorted(groups.items()) if len(g) > k}
    hidden_pools = {lang: [replace(a, tags=split_tags(a)[0]) for a in g] for lang, g in groups.items()}
    no_tags = {lang: [replace(a, tags=()) for a in g] for lang, g in groups.items()}

    methods: list[tuple[str, Callable[[Sequence[Article]], Picker], bool]] = [
        ("chance (share of all other stories)", lambda p: (lambda a: []), True),
        ("newest in section (Jekyll)", lambda p: newest_in_section(p, k), True),
        ("most shared tags (Pelican)", lambda p: most_shared_tags(p, k), True),
        ("Hugo default (tags 80, date 10, threshold 80)", lambda p: hugo(p, k), True),
        ("Hugo relaxed (newer allowed, no threshold)", lambda p: hugo(p, k, strict=False), True),
    ]
    for name, tok in tokenizers.items():
        methods.append((f"Masthead content only, tags hidden ({name})",
                        lambda p, tok=tok: masthead(p, k, use_tags=False, tokenizer=tok), False))
    first = next(iter(tokenizers.values()))
    methods.append(("Masthead full score, tags visible",
                    lambda p: masthead(p, k, use_tags=True, tokenizer=first), True))

    rows = []
    for name, make, sees_tags in methods:
        if only and not any(o in name for o in only):
            continue
        plain, held = Result(), Result()
        started = time.perf_counter()
        for lang, group in groups.items():
            full = make(group if sees_tags else no_tags[lang])
            partial = make(hidden_pools[lang] if sees_tags else no_tags[lang])
            by_src = {a.src_uri: a for a in group}
            keys = {a.src_uri: {tag_key(t) for t in a.tags} for a in group}
            for i, a in enumerate(group):
                if not a.tags:
                    continue
                mine = keys[a.src_uri]
                if name.startswith("chance"):
                    others = [b for b in group if b is not a]
                    plain.add(sum(1 for b in others if mine & keys[b.src_uri]), len(others))
                    hidden = {tag_key(t) for t in split_tags(a)[1]}
                    if hidden:
                        held.add(sum(1 for b in others if hidden & keys[b.src_uri]), len(others))
                    continue
                picks = full(a if sees_tags else no_tags[lang][i])
                plain.add(sum(1 for b in picks if mine & keys[b.src_uri]), len(picks))
                hidden = {tag_key(t) for t in split_tags(a)[1]}
                if hidden:
                    src = hidden_pools[lang][i] if sees_tags else no_tags[lang][i]
                    picks = [by_src[b.src_uri] for b in partial(src)]
                    held.add(sum(1 for b in picks if hidden & keys[b.src_uri]), len(picks))
        rows.append((name, plain, held, time.perf_counter() - started))
    return rows


def table(title: str, articles: Sequence[Article], rows: list[tuple[str, Result, Result, float]],
          k: int) -> str:
    langs = Counter(a.lang for a in articles)
    with_tags = sum(1 for a in articles if a.tags)
    languages = ", ".join(f"{n} {lang}" for lang, n in sorted(langs.items()))
    distinct = len({tag_key(t) for a in articles for t in a.tags})
    head = (f"### {title}\n\n{len(articles)} stories ({languages}), {with_tags} with tags, "
            f"{distinct} distinct tags; k = {k}.\n")
    lines = [head,
             f"| method | share of related@{k} sharing ≥1 tag | hits / {k} | shown | "
             f"held-out tags: share | held-out: hits / {k} | seconds |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, plain, held, seconds in rows:
        s, f, n = plain.row(k)
        hs, hf, _ = held.row(k)
        if name.startswith("chance"):
            f = hf = n = "–"
        lines.append(f"| {name} | {s} | {f} | {n} | {hs} | {hf} | {seconds:.2f} |")
    return "\n".join(lines) + "\n"


# -- issue 23: text alone against a plain TF-IDF, on a tuning and a held-out part ----------------

PARTS = ("tuning", "held-out")


def part(a: Article) -> str:
    """The fixed split: "tuning" or "held-out", by the first byte of a hash of the path."""
    return PARTS[hashlib.sha256(f"related-eval\0{a.src_uri}".encode()).digest()[0] % 2]


_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def have_sklearn() -> bool:
    """Whether the TF-IDF baseline can run (scikit-learn is in the "bench" extra only)."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return False
    return True


def tfidf(pool: Sequence[Article], k: int) -> Picker:
    """The textbook baseline: TF-IDF cosine over title twice and the whole body, top k."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # bench only: pip install '.[bench]'

    words = TfidfVectorizer(stop_words="english").build_analyzer()

    def analyse(text: str) -> list[str]:
        latin = words(_CJK_RUN.sub(" ", text))
        runs = _CJK_RUN.findall(text)
        return latin + [r[i:i + 2] for r in runs for i in range(max(1, len(r) - 1))]

    vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2, analyzer=analyse)
    matrix = vectorizer.fit_transform([f"{a.title}\n{a.title}\n{a.body}" for a in pool])
    position = {a.src_uri: i for i, a in enumerate(pool)}

    def pick(a: Article) -> list[Article]:
        i = position[a.src_uri]
        similarity = (matrix @ matrix[i].T).toarray().ravel()
        similarity[i] = -1.0
        order = sorted(range(len(pool)), key=lambda j: (-similarity[j], pool[j].src_uri))
        return [pool[j] for j in order[:k]]
    return pick


def compare(articles: Sequence[Article], k: int, make_text: Callable[[Sequence[Article]], Picker],
            limits: Limits = DEFAULT_LIMITS) -> list[tuple[str, str, int, dict[str, Result]]]:
    """(language, part, judged stories, method → Result) for the three rankers of issue 23."""
    groups: dict[str, list[Article]] = {}
    for a in articles:
        groups.setdefault(a.lang, []).append(a)
    rows = []
    for lang, group in sorted(groups.items()):
        if len(group) <= k:
            continue
        untagged = [replace(a, tags=()) for a in group]
        pickers = {"hidden": make_text(untagged), "tags": masthead(group, k, use_tags=True, limits=limits)}
        if have_sklearn():
            pickers["tfidf"] = tfidf(untagged, k)
        keys = {a.src_uri: {tag_key(t) for t in a.tags} for a in group}
        for name in PARTS:
            results = {m: Result() for m in pickers}
            judged = [i for i, a in enumerate(group) if a.tags and part(a) == name]
            for method, picker in pickers.items():
                for i in judged:
                    picks = picker(group[i] if method == "tags" else untagged[i])
                    mine = keys[group[i].src_uri]
                    results[method].add(sum(1 for b in picks if mine & keys[b.src_uri]), len(picks))
            rows.append((lang, name, len(judged), results))
    return rows


def compare_table(title: str, rows: list[tuple[str, str, int, dict[str, Result]]], k: int) -> str:
    lines = [f"### {title}: related@{k} sharing a tag\n",
             "| language | part | stories judged | Masthead, tags hidden | plain TF-IDF | hidden − TF-IDF "
             "| Masthead with tags |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for lang, name, judged, r in rows:
        share = {m: (x.hits / x.shown if x.shown else 0.0) for m, x in r.items()}
        base = f"{share['tfidf']:.1%}" if "tfidf" in share else "–"
        gain = f"{share['hidden'] - share['tfidf']:+.1%}" if "tfidf" in share else "–"
        lines.append(f"| {lang} | {name} | {judged} | {share['hidden']:.1%} | {base} | {gain} "
                     f"| {share['tags']:.1%} |")
    if not have_sklearn():
        lines.append("\n(no TF-IDF column: scikit-learn is missing; `make bench-related` installs it)")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", type=Path, help="a Masthead mkdocs.yml (default: the sample's)")
    parser.add_argument("--jekyll", type=Path, action="append", default=[],
                        help="a folder of Jekyll posts (repeatable)")
    parser.add_argument("-k", type=int, default=5)
    parser.add_argument("--chinese", choices=["words", "bigrams", "both"], default="both",
                        help="Chinese tokenisation of the content-only score")
    parser.add_argument("--stemmer", choices=["light", "none", "snowball", "all"], default="light")
    parser.add_argument("--only", action="append", help="run only methods whose name contains this")
    parser.add_argument("--baselines", action="store_true",
                        help="also the table of other generators' methods and of held-out tags")
    parser.add_argument("--limit", action="append", default=[], metavar="NAME=NUMBER",
                        help="change one of related.Limits for Masthead's rankers, e.g. body_tokens=500")
    args = parser.parse_args(argv)
    limits = replace(DEFAULT_LIMITS, **{name: type(getattr(DEFAULT_LIMITS, name))(value)
                                        for name, value in (item.split("=", 1) for item in args.limit)})

    stemmers: dict[str, Callable[[str], str] | None] = {"light": light_stem, "none": None}
    if args.stemmer in ("snowball", "all"):
        import snowballstemmer  # not a dependency: install it by hand to compare

        stemmers["snowball"] = snowballstemmer.stemmer("english").stemWord
    chosen = list(stemmers) if args.stemmer == "all" else [args.stemmer]
    chinese = ["words", "bigrams"] if args.chinese == "both" else [args.chinese]

    def tokenizers(articles: Sequence[Article]) -> dict[str, Tokenizer]:
        """The tokenisers to compare: Chinese ones only where there is Chinese."""
        kinds = chinese if any(a.lang == "zh" for a in articles) else chinese[:1]
        def name(c: str, s: str) -> str:
            parts = ([f"zh {c}"] if len(kinds) > 1 else []) + ([f"stem {s}"] if len(chosen) > 1 else [])
            return ", ".join(parts) or "default"
        return {name(c, s): Tokenizer(chinese=c, stem=stemmers[s]) for c in kinds for s in chosen}

    corpora: list[tuple[str, list[Article]]] = []
    if args.config or not args.jekyll:
        config = args.config or ROOT / "mkdocs.yml"
        corpora.append((f"Masthead site {config}", load_masthead(config)))
    for folder in args.jekyll:
        posts = load_jekyll(folder)
        if not posts:  # a wrong path would otherwise print a table of 0 stories
            parser.error(f"--jekyll {folder}: no .md or .markdown posts there (set CORPUS_18F=…)")
        corpora.append((f"Jekyll posts {folder}", posts))
    for title, articles in corpora:
        if args.baselines:
            rows = evaluate(articles, args.k, tokenizers(articles), set(args.only) if args.only else None)
            print(table(title, articles, rows, args.k))
        started = time.perf_counter()
        result = compare(articles, args.k, lambda pool: masthead(pool, args.k, use_tags=False, limits=limits),
                         limits)
        print(compare_table(title, result, args.k))
        print(f"({len(articles)} stories, {time.perf_counter() - started:.1f} s)\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
