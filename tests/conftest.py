"""Shared fixtures: small purpose-made newsrooms built by real MkDocs in a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from masthead import layout

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

SECTIONS = [
    {"slug": "news", "title": "News", "title_zh": "新闻", "description": "Daily news."},
    {"slug": "economy", "title": "Economy", "title_zh": "经济"},
]


def settings(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "Test Ledger",
        "language": "en",
        "timezone": "Asia/Shanghai",
        "publisher": "Test Ledger",
        "disclaimer": "Invented stories.",
        "copyright": {"owner": "Test Ledger", "since": 2024},
        "page_size": 3,
        "sections": SECTIONS,
    }
    base.update(overrides)
    return base


def article(title: str = "A story", date: str = "2025-03-14 09:30", body: str = "Body text.",
            **fields: Any) -> str:
    meta = {"title": title, "date": date, **fields}
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return f"---\n{head}---\n\n{textwrap.dedent(body).strip()}\n"


@dataclass
class Site:
    root: Path

    @property
    def out(self) -> Path:
        return self.root / "site"

    def html(self, url: str) -> BeautifulSoup:
        path = self.out / url / "index.html" if not url.endswith(".html") else self.out / url
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    def build(self, *args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*MKDOCS, "build", *args], cwd=self.root, capture_output=True, text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}, timeout=300,
        )


def write_site(root: Path, files: Mapping[str, str | bytes], masthead: Mapping[str, Any] | None = None,
               site_url: str = "https://example.org/", **config: Any) -> Site:
    """Write a newsroom in ``root``: ``files`` maps paths below docs/ to their text or bytes."""
    docs = root / "docs"
    docs.mkdir(parents=True)
    for rel, text in files.items():
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    cfg = {
        "site_name": "Test Ledger",
        "site_url": site_url,
        "theme": {"name": "material", "custom_dir": str(ROOT / "overrides"),
                  "language": "en", "font": False},
        "hooks": [str(ROOT / "hooks" / "masthead_mkdocs.py")],
        "plugins": [],
        "markdown_extensions": ["tables", "attr_list", "toc"],
        "extra": {"masthead": dict(masthead) if masthead is not None else settings()},
        **config,
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return Site(root)


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Site]:
    """Write a newsroom: ``files`` maps paths below docs/ to their text."""
    return site_maker(tmp_path)


def site_maker(tmp_path: Path) -> Callable[..., Site]:
    """``make_site`` for any folder (module-scoped fixtures pass a tmp_path_factory folder)."""

    def make(files: Mapping[str, str | bytes], masthead: Mapping[str, Any] | None = None,
             site_url: str = "https://example.org/", **config: Any) -> Site:
        root = tmp_path / f"newsroom-{len(list(tmp_path.iterdir()))}"
        return write_site(root, files, masthead, site_url, **config)

    return make


def sample_source() -> Path:
    """The folder with the sample newsroom's (Motor Ledger's) mkdocs.yml and docs/: the repository
    itself upstream, tests/fixtures/sample/ in a newsroom made with `masthead init`. Tests never
    take the sample from the repository's docs/ directly: in a newsroom, that is its own."""
    return layout.sample_root(ROOT)


def sample_site(folder: Path) -> Site:
    """The sample newsroom, copied into ``folder`` with the engine's engine.yml beside it (its
    paths made absolute), so that it builds there like the newsroom it is."""
    source = sample_source()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / layout.DOCS, folder / layout.DOCS)
    shutil.copy(source / layout.NEWSROOM_CONFIG, folder / layout.NEWSROOM_CONFIG)
    write_engine_config(folder)
    return Site(folder)


def write_engine_config(folder: Path) -> Path:
    """engine.yml in ``folder``: the repository's, with its theme folder and hooks by absolute path."""
    engine = yaml.safe_load((ROOT / layout.ENGINE_CONFIG).read_text(encoding="utf-8"))
    engine["theme"]["custom_dir"] = str(ROOT / engine["theme"]["custom_dir"])
    engine["hooks"] = [str(ROOT / hook) for hook in engine["hooks"]]
    path = folder / layout.ENGINE_CONFIG
    path.write_text(yaml.safe_dump(engine, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The sample newsroom in a folder of its own, shared by the tests that only read or build it
    (each into its own --site-dir)."""
    return sample_site(tmp_path_factory.mktemp("sample") / "newsroom")


def leave_serve_mode() -> None:
    """Forget what in-process `mkdocs serve` builds left in masthead_perf (tests that drive
    MkDocs' build in this process call it when they are done)."""
    for name, module in list(sys.modules.items()):  # the event file: `mkdocs build` from now on
        if name.endswith("masthead_mkdocs.py") and hasattr(module, "on_startup"):
            module.on_startup(command="build", dirty=False)
    perf = sys.modules.get("masthead_perf")
    if perf is not None:
        perf.leave_serve()
