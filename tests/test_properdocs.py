"""The second engine: ProperDocs 1.6, the maintained fork of MkDocs 1.6, builds the same site.

ProperDocs redirects every ``mkdocs.*`` import to its own modules (Material still needs ``mkdocs``
installed beside it), so our hooks run unchanged; only the generator tag says which engine ran.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import ROOT, Site, article

GENERATOR = re.compile(rb'<meta name="generator" content="([^"]*)">')
ENGINES = {"mkdocs": [sys.executable, "-m", "mkdocs"], "properdocs": [sys.executable, "-m", "properdocs"]}


def build(engine: str, cwd: Path, *args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "MASTHEAD_CACHE_DIR": str(cache),
           "SOURCE_DATE_EPOCH": str(EPOCH)}
    return subprocess.run([*ENGINES[engine], "build", "--strict", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


EPOCH = int(time.time()) // 3600 * 3600  # one "now" for both builds of the sample


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample built by each engine, each with a cache of its own (nothing shared)."""
    out: dict[str, Path] = {}
    for engine in ENGINES:
        folder = tmp_path_factory.mktemp(engine)
        result = build(engine, ROOT, "--site-dir", str(folder / "site"), cache=folder / "cache")
        assert result.returncode == 0, result.stderr[-3000:]
        out[engine] = folder / "site"
    return out


def test_properdocs_builds_the_sample_page_for_page_like_mkdocs(sites: dict[str, Path]) -> None:
    files = {engine: sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
             for engine, site in sites.items()}
    assert files["mkdocs"] == files["properdocs"]
    assert len(files["mkdocs"]) > 100
    differ = []
    for rel in files["mkdocs"]:
        mk, pd = ((sites[e] / rel).read_bytes() for e in ENGINES)
        if GENERATOR.sub(b"", mk) != GENERATOR.sub(b"", pd):
            differ.append(str(rel))
    assert differ == []


def test_the_generator_tag_names_the_engine_that_built_the_page(sites: dict[str, Path]) -> None:
    material = metadata.version("mkdocs-material")
    for engine, name in (("mkdocs", f"MkDocs {metadata.version('mkdocs')}"),
                         ("properdocs", f"ProperDocs {metadata.version('properdocs')}")):
        found = GENERATOR.findall((sites[engine] / "index.html").read_bytes())
        assert found == [f"Masthead on {name} with Material for MkDocs {material}".encode()]


def test_a_broken_link_fails_properdocs_again_when_the_page_comes_from_the_cache(
    make_site: Callable[..., Site], tmp_path: Path
) -> None:
    # Under ProperDocs the page module logs as "properdocs.structure.pages": the renderer must
    # keep those warnings with the cached page, or a rebuild would pass --strict silently.
    site = make_site({"news/a.md": article("A", body="See [the plan](gone.md).")})
    for _ in range(2):
        result = build("properdocs", site.root, cache=tmp_path / "cache")
        assert result.returncode == 1
        assert "contains a link 'gone.md', but the target 'news/gone.md' is not found" in result.stderr
    assert (tmp_path / "cache" / "render.sqlite").exists()


def test_properdocs_gives_a_chinese_heading_its_text_as_id(make_site: Callable[..., Site],
                                                           tmp_path: Path) -> None:
    # The engine's toc slugify (masthead.slugs.heading_ids) reaches ProperDocs' Markdown too.
    site = make_site({"news/a.md": article("A", body="## 抢人大战\n\nText.\n\n## Why now?\n\nText.")})
    result = build("properdocs", site.root, cache=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    assert [h["id"] for h in site.html("news/a/").select(".mh-article__body h2")] == ["抢人大战", "why-now"]
