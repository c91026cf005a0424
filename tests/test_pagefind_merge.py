"""Joining the bundles of several Pagefind runs (pagefind_merge.py): the index one run writes."""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
import struct
import time
from pathlib import Path
from typing import Any

import cbor2
import pytest

from masthead.pagefind_bundle import FormatError
from masthead.pagefind_merge import full_hash, sort_values_of
from masthead.search import build_index

WORDS = [
    "battery", "batteries", "batt", "charging", "charger", "cell", "cells", "plant", "plants",
    "price", "prices", "export", "exports", "tariff", "tariffs", "lidar", "robotaxi", "hybrid",
    "hybrids", "sedan", "sedans", "truck", "trucks", "fleet", "dealer", "dealers", "margin",
    "margins", "output", "quarter", "forecast", "supplier", "suppliers",
    # Other spellings of one word: Pagefind indexes "boras" and keeps "Borås" beside it.
    "Borås", "Boras", "Liège", "Ekström", "Tomás", "Tomas", "résumé", "resumé", "resume",
]
ZH = [
    "电池", "充电", "出口", "关税", "工厂", "车队", "经销商", "利润",
    "季度", "预测", "供应商", "电动", "混动", "卡车", "轿车",
]


def document(n: int, rng: random.Random) -> tuple[str, str]:
    """A search document in the shape search.search_document writes, with a date that some
    other documents share (exactly, or within the 128 s a 32-bit float cannot tell apart)."""
    zh = n % 4 == 3
    words = ZH if zh else WORDS
    body = "".join(f"<p>{' '.join(rng.choice(words) for _ in range(rng.randint(40, 90)))}</p>"
                   for _ in range(rng.randint(3, 6)))
    heading = " ".join(rng.choice(words) for _ in range(3))
    stamp = 1_700_000_000 + (n // 3) * 86_400 + (n % 3) * 7
    section = ("news", "economy", "new-vehicles")[n % 3]
    tags = sorted({rng.choice(words) for _ in range(2)})
    html = (f'<!doctype html><html lang="{"zh" if zh else "en"}"><head><meta charset="utf-8">'
            f"<title>Story {n}</title></head><body><article data-pagefind-body>"
            f'<span hidden data-pagefind-ignore data-pagefind-meta="date[data-date]" '
            f'data-pagefind-filter="section[data-slug]" data-pagefind-sort="date[data-sort]" '
            f'data-date="2023-11-{1 + n % 28:02d}" data-slug="{section}" data-sort="{stamp}"></span>'
            + "".join(f'<span hidden data-pagefind-filter="tag">{t}</span>' for t in tags)
            + (f'<img data-pagefind-meta="image[src]" src="/i/{n}.png" alt="">' if n % 5 == 0 else "")
            + f'<h1 data-pagefind-meta="title">Story {n} {heading}</h1><h2 id="h{n}">{heading}</h2>'
            f"{body}</article></body></html>")
    return f"{section}/story-{n:03d}/index.html", html


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("documents")
    rng = random.Random(8)
    for n in range(96):
        path, html = document(n, rng)
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(html, encoding="utf-8")
    return root


def read(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(b"pagefind_dcd")
    return cbor2.loads(data[len(b"pagefind_dcd"):])


def f32(value: str) -> float:
    result: float = struct.unpack("<f", struct.pack("<f", float(value)))[0]
    return result


def located(entries: list[Any], urls: list[str]) -> dict[str, Any]:
    """A page list (``[step from the page before, locations, meta locations]``) by URL."""
    page = 0
    found = {}
    for step, locations, meta_locations in entries:
        page += step
        found[urls[page]] = (locations, meta_locations)
    return found


def contents(bundle: Path, lang: str) -> dict[str, Any]:
    """What a language's index holds, with page numbers replaced by the pages' URLs (the order
    of pages is the order Pagefind found the files in, which differs between the two ways)."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    info = entry["languages"][lang]
    version, pages, chunks, filters, sorts, keys = read(bundle / f"pagefind.{info['hash']}.pf_meta")
    fragments = {}
    urls = []
    for name, word_count in pages:
        data = gzip.decompress((bundle / "fragment" / f"{name}.pf_fragment").read_bytes())
        record = json.loads(data.removeprefix(b"pagefind_dcd"))
        urls.append(record["url"])
        fragments[record["url"]] = (name, word_count, data)
    words = {}
    boundaries = []
    for start, end, name in chunks:
        listed = read(bundle / "index" / f"{name}.pf_index")[0]
        boundaries.append((start, end, listed[0][0], listed[-1][0]))
        for text, entries, variants in listed:
            words[text] = (located(entries, urls),
                           [(spelling, located(pages, urls)) for spelling, pages in variants])
    filtered = {}
    for name, chunk_name in filters:
        chunk = read(bundle / "filter" / f"{chunk_name}.pf_filter")
        filtered[name] = {value: sorted(urls[n] for n in numbers) for value, numbers in chunk[1]}
    return {"version": version, "keys": keys, "count": info["page_count"], "fragments": fragments,
            "words": words, "chunks": boundaries, "filters": filtered,
            "sorts": {key: [urls[n] for n in order] for key, order in sorts}}


def test_runs_joined_give_the_index_of_one_run(documents: Path, tmp_path: Path) -> None:
    """96 documents (72 English, 24 Chinese) indexed at most 7 at a time: every word with its
    pages and locations, the chunks the words are cut into and their bounds, the page fragments
    and their file names, the filters and the date order are those of one Pagefind run."""
    one = tmp_path / "one"
    one.mkdir()
    assert build_index(one, source=documents, languages_apart_from=1000).runs == 1
    runs = tmp_path / "runs"
    runs.mkdir()
    report = build_index(runs, source=documents, pages_per_part=14, languages_apart_from=1000)
    assert report.pages == {"en": 72, "zh": 24}
    assert (report.parts, report.runs) == (2, 11 + 4)
    assert "in 2 parts by 15 Pagefind runs" in report.summary()
    manifest = json.loads((runs / "pagefind/masthead-parts.json").read_text(encoding="utf-8"))
    assert manifest == {"parts": [{"path": "", "languages": ["en"]},
                                  {"path": "part-2/", "languages": ["zh"]}]}
    for lang, part in (("en", ""), ("zh", "part-2/")):
        whole = contents(one / "pagefind", lang)
        joined = contents(runs / "pagefind" / part, lang)
        if lang == "en":  # the English index spans chunks and has words spelled several ways
            assert len(whole["chunks"]) > 1
            assert any(len(variants) > 1 for _, variants in whole["words"].values())
            # A meta key the last run's pages (stories 93 and 94) do not have: that run numbers
            # the keys otherwise, and its words' meta locations are renumbered.
            assert "image" in whole["keys"]
        for key in ("version", "keys", "count", "fragments", "words", "chunks", "filters"):
            assert joined[key] == whole[key], (lang, key)
        # The date order: the same, but for pages whose dates a 32-bit float cannot tell apart
        # (Pagefind keeps those in the order it found the files).
        stamps = {url: f32(sort_values_of((documents / url.strip("/") / "index.html")
                                          .read_text(encoding="utf-8"))["date"])
                  for url in whole["fragments"]}
        for order in (whole["sorts"]["date"], joined["sorts"]["date"]):
            assert [stamps[url] for url in order] == sorted(stamps.values())
        assert sorted(joined["sorts"]["date"]) == sorted(whole["sorts"]["date"])
        assert lang == "zh" or len(set(stamps.values())) < len(stamps)  # ties to keep in order
    # The files besides: scripts, styles and the language's wasm, as one run writes them.
    for path in sorted((one / "pagefind").glob("*")):
        if path.is_file() and path.suffix in (".js", ".css", ".pagefind"):
            assert path.read_bytes() == (runs / "pagefind" / path.name).read_bytes(), path.name


def test_joined_fragment_names_follow_pagefinds_rule() -> None:
    """Names are the start of SHA-1 written byte by byte in hex without leading zeros (SHA-1 of
    nothing is da39a3ee5e6b4b0d3255bfef95601890afd80709: 0d, 07 and 09 lose their zeros)."""
    assert full_hash(b"") == "da39a3ee5e6b4bd3255bfef95601890afd879"


def test_sort_values_come_from_the_sort_attributes_of_the_document() -> None:
    html = ('<span data-pagefind-sort="date[data-sort], weight[data-w]" data-sort="17" '
            'data-w="a&amp;b"></span><p data-pagefind-sort="date[data-x]" data-x="99"></p>')
    assert sort_values_of(html) == {"date": "17", "weight": "a&b"}
    assert sort_values_of("<p>no sort</p>") == {}
    with pytest.raises(FormatError, match="only key\\[attribute\\]"):
        sort_values_of('<p data-pagefind-sort="date">2024</p>')


def test_runs_are_cut_per_language_the_largest_first_oldest_stories_first(tmp_path: Path) -> None:
    """The language with most pages is indexed first (its runs are joined while Pagefind indexes
    the others); each language in runs of ``per_run`` pages from its oldest story, so a new
    story joins the newest run and the runs before keep their documents (and kept bundles)."""
    from masthead.search import Document, _split, read_documents

    source = tmp_path / "documents"
    stamps = [5, 50, 40, 30, 1, 20, 10]
    for n, lang in enumerate(["en", "zh", "zh", "zh", "en", "zh", "zh"]):
        path = source / f"s{n}/index.html"
        path.parent.mkdir(parents=True)
        path.write_text(f'<!doctype html><html lang="{lang}"><body><span data-pagefind-sort='
                        f'"date[data-sort]" data-sort="{stamps[n]}"></span>{n}</body></html>',
                        encoding="utf-8")

    def held(groups: list[Any]) -> list[list[list[str]]]:
        return [[sorted(p.relative_to(run.folder).parent.as_posix() for p in run.folder.rglob("*.html"))
                 for run in group] for group in groups]

    def key(documents: list[tuple[str, bytes]]) -> str:
        return ",".join(path.split("/")[0] for path, _ in documents)

    groups = _split(source, 4, 1000, read_documents(source), key)
    assert held(groups) == [[["s5", "s6"], ["s2", "s3"], ["s1"]], [["s0", "s4"]]]
    assert [[run.key for run in group] for group in groups] == [["s5,s6", "s2,s3", "s1"], ["s0,s4"]]
    # A newer Chinese story: the runs before the newest keep their documents.
    path = source / "s7/index.html"
    path.parent.mkdir()
    path.write_text('<!doctype html><html lang="zh"><body><span data-pagefind-sort="date[data-sort]" '
                    'data-sort="60"></span>7</body></html>', encoding="utf-8")
    again = _split(source, 4, 1000, read_documents(source), key)
    assert held(again)[0] == [["s5", "s6"], ["s2", "s3"], ["s1", "s7"]]
    known = {f"s{n}/index.html": Document("en", {}, b"") for n in range(8)}  # as SearchSource knows
    assert _split(source, 8, 1000, known, key) == []  # one language that fits one run


def bundle_files(bundle: Path) -> dict[str, bytes]:
    return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}


def test_a_new_or_edited_story_runs_pagefind_again_only_for_its_run(
        documents: Path, tmp_path: Path) -> None:
    """Each run's bundle is kept under its documents' digest; the index made from kept and new
    runs is byte for byte the index made without the cache."""
    source = tmp_path / "documents"
    shutil.copytree(documents, source)
    cache = tmp_path / "cache"

    def build(name: str, keep: Path | None) -> tuple[Any, dict[str, bytes]]:
        site = tmp_path / name
        site.mkdir()
        report = build_index(site, source=source, pages_per_part=14, languages_apart_from=1000,
                             keep=keep)
        return report, bundle_files(site / "pagefind")

    first, _ = build("first", cache)
    assert (first.runs, first.runs_kept) == (15, 0)
    assert len(list((cache / "runs").iterdir())) == 15
    # A new English story, the newest: it joins the newest English run (stories 93 and 94).
    _, html = document(96, random.Random(96))
    (source / "news/story-096/index.html").parent.mkdir()
    (source / "news/story-096/index.html").write_text(html, encoding="utf-8")
    second, kept = build("second", cache)
    assert (second.runs, second.runs_kept) == (15, 14)
    assert "(14 of them kept in the cache)" in second.summary()
    assert kept == build("fresh", None)[1]
    # An edit to an old story: its run only.
    old = source / "economy/story-004/index.html"
    old.write_text(old.read_text(encoding="utf-8").replace("<p>", "<p>quokka ", 1), encoding="utf-8")
    third, kept = build("third", cache)
    assert (third.runs, third.runs_kept) == (15, 14)
    assert kept == build("fresh-again", None)[1]
    assert "quokka" in contents(tmp_path / "third/pagefind", "en")["words"]
    assert len(list((cache / "runs").iterdir())) == 15  # runs no build uses any more are dropped


def test_a_page_whose_name_an_earlier_run_took_gets_a_longer_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind names a page by the shortest start of its content hash that no page before it
    has. Two runs can give two pages the same name; joined, the later page's name grows by
    characters of its own hash, as one run would have named it."""
    from masthead import pagefind_bundle, pagefind_merge
    from masthead.search import _run, pagefind_executable

    bundles = []
    for n, word in enumerate(("okapi", "quokka")):
        folder = tmp_path / f"documents-{n}"
        page = folder / f"news/{word}/index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<!doctype html><html lang="en"><body><article data-pagefind-body>'
                        f"<h1>{word}</h1><p>The {word} story.</p></article></body></html>",
                        encoding="utf-8")
        bundle = tmp_path / f"bundle-{n}"
        _run(pagefind_executable(), folder, bundle)
        # Make the two runs name their page alike, as if both hashes began "aaaaaaa".
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        meta_path = bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta"
        meta = pagefind_bundle.read(meta_path)
        (bundle / "fragment" / f"{meta[1][0][0]}.pf_fragment").rename(
            bundle / "fragment" / "en_aaaaaaa.pf_fragment")
        meta[1][0][0] = "en_aaaaaaa"
        pagefind_bundle.write(meta_path, meta)
        bundles.append(bundle)
    real = pagefind_merge.full_hash

    def colliding(data: bytes) -> str:
        for n, word in enumerate((b"okapi", b"quokka")):
            if data.startswith(b'{"url":') and word in data:
                return "aaaaaaa" + "bc"[n] + "0" * 30
        return real(data)

    monkeypatch.setattr(pagefind_merge, "full_hash", colliding)
    pagefind_merge.merge(bundles, tmp_path / "joined", lambda url: {})
    joined = contents(tmp_path / "joined", "en")
    assert {url: name for url, (name, _, _) in joined["fragments"].items()} == {
        "/news/okapi/": "en_aaaaaaa", "/news/quokka/": "en_aaaaaaac"}
    assert set(joined["words"]) >= {"okapi", "quokka"}


def test_runs_side_by_side_give_the_bytes_of_runs_one_at_a_time_whichever_finishes_first(
        documents: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs go side by side; the joins take them in their fixed order, so the bundle is the same
    byte for byte as runs made one after the other, even when the later runs finish first."""
    from masthead import search

    one_at_a_time = tmp_path / "serial"
    one_at_a_time.mkdir()
    with monkeypatch.context() as patch:
        patch.setattr(search, "runs_at_once", lambda pages_per_part: 1)
        serial = build_index(one_at_a_time, source=documents, pages_per_part=14,
                             languages_apart_from=1000)
    real_run = search._run
    finished: list[str] = []

    def later_runs_first(exe: Path, site: Path, out: Path) -> None:
        time.sleep(0.4 / int(site.name))  # run 1 of a language waits longest
        real_run(exe, site, out)
        finished.append(f"{site.parent.name}/{site.name}")

    monkeypatch.setattr(search, "_run", later_runs_first)
    monkeypatch.setattr(search, "runs_at_once", lambda pages_per_part: 16)
    side_by_side = tmp_path / "parallel"
    side_by_side.mkdir()
    report = build_index(side_by_side, source=documents, pages_per_part=14, languages_apart_from=1000)
    assert (report.runs, report.parts) == (serial.runs, serial.parts) == (15, 2)
    assert finished[:2] != ["1/1", "1/2"]  # they did finish out of order
    assert bundle_files(side_by_side / "pagefind") == bundle_files(one_at_a_time / "pagefind")


def test_a_failed_run_among_runs_side_by_side_leaves_no_index_and_names_pagefinds_words(
        documents: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One run of several failing: the runs not started are not started, the site keeps its old
    bundle, nothing half-made is left, and the error is Pagefind's."""
    from masthead import search

    real_run = search._run
    started: list[str] = []

    def third_fails(exe: Path, site: Path, out: Path) -> None:
        started.append(site.name)
        if (site.parent.name, site.name) == ("1", "3"):
            raise search.SearchError(search._failure(3, "Error: could not parse /site/broken.html"))
        real_run(exe, site, out)

    monkeypatch.setattr(search, "_run", third_fails)
    site = tmp_path / "site"
    (site / "pagefind").mkdir(parents=True)
    (site / "pagefind" / "pagefind-entry.json").write_text("{}", encoding="utf-8")
    with pytest.raises(search.SearchError, match="exit code 3") as failure:
        build_index(site, source=documents, pages_per_part=14, languages_apart_from=1000)
    assert "could not parse /site/broken.html" in str(failure.value)
    assert len(started) < 15  # the runs after the failure were not started
    assert sorted(p.name for p in site.iterdir()) == ["pagefind"]
    assert (site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8") == "{}"


def test_two_runs_go_side_by_side_on_two_cpus_and_one_on_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs of half ``pages_per_part`` pages, two at once: Pagefind never holds more than
    ``pages_per_part`` pages; a machine with one CPU (or a process bound to one) runs one."""
    from masthead import search

    assert [search.run_size(n) for n in (2000, 1001, 14, 2, 1)] == [1000, 500, 7, 1, 1]
    assert search.runs_at_once(2000, cpus=2) == search.runs_at_once(2000, cpus=8) == 2
    assert search.runs_at_once(2000, cpus=1) == 1
    assert search.runs_at_once(1, cpus=2) == 1  # two runs of one page would hold two
    if hasattr(os, "sched_getaffinity"):
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
        monkeypatch.setattr(os, "cpu_count", lambda: 8)
        assert search.runs_at_once(2000) == 1


def test_a_part_made_while_the_first_is_still_joined_does_not_stop_the_join(
        documents: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Chinese part (one run, or kept in the cache) can be made before the English runs are
    joined into the bundle folder: the join still writes a new folder, and the bundle is the one
    made in the other order."""
    from masthead import search

    def build(name: str) -> dict[str, bytes]:
        site = tmp_path / name
        site.mkdir()
        report = build_index(site, source=documents, pages_per_part=60, languages_apart_from=1000)
        assert (report.parts, report.runs) == (2, 3 + 1)  # English 30 + 30 + 12, Chinese 24
        assert sorted(p.name for p in site.iterdir()) == ["pagefind"]
        return bundle_files(site / "pagefind")

    first = build("first")
    real_join = search._join

    def late_join(*args: Any) -> None:
        time.sleep(1.0)  # the Chinese run is done by then
        real_join(*args)

    monkeypatch.setattr(search, "_join", late_join)
    assert build("late") == first
