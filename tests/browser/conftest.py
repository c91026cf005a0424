"""Browser tests: the sample newsroom (``sample`` in tests/conftest.py) built under a GitHub Pages
project path, served on loopback, driven by Playwright in the system Chromium (Debian
`chromium`; `.ci/run` installs it).

Playwright's own browser download does not work here, so the executable is the system one
(`MASTHEAD_CHROMIUM`, default /usr/bin/chromium).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, Site

CHROMIUM = os.environ.get("MASTHEAD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
PROJECT_PATH = "/masthead/"
OUTPUT = ROOT / "tests-output"
# Flags for a closed network: no background connections, no GPU, root in a container.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"browser tests need Chromium at {CHROMIUM}; .ci/run installs it")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def site_pages(site: Path, *, redirects: bool = False) -> list[str]:
    """Every HTML page of a built site, as URLs relative to its root ("", "news/", "404.html").

    Redirect pages (old addresses of stories, ``aliases:``) send the browser on at once and are
    no pages of their own: left out, or the only ones listed with ``redirects=True``.
    """
    pages = []
    for path in sorted(site.rglob("*.html")):
        if ('http-equiv="refresh"' in path.read_text(encoding="utf-8")) != redirects:
            continue
        rel = path.relative_to(site).as_posix()
        pages.append(rel.removesuffix("index.html") if rel.endswith("index.html") else rel)
    return pages


@pytest.fixture(scope="session")
def served_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the sample is built: <folder>/masthead/ (a GitHub Pages project path)."""
    return tmp_path_factory.mktemp("served") / PROJECT_PATH.strip("/")


@contextlib.contextmanager
def build_and_serve(served_root: Path, newsroom: Path, *config: str) -> Iterator[str]:
    """Build the newsroom in folder ``newsroom`` (``config``: e.g. ``--config-file`` and a file)
    into ``served_root`` and serve its parent; yield the base URL of the site."""
    root = served_root.parent
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    base = f"http://127.0.0.1:{server.server_port}{PROJECT_PATH}"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", *config, "--site-dir", str(served_root)],
        cwd=newsroom, capture_output=True, text=True, timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": base},
    )
    assert result.returncode == 0, result.stderr
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def served_site(served_root: Path, sample: Site) -> Iterator[str]:
    """Build the sample at http://127.0.0.1:<port>/masthead/ and serve it; yield that base URL."""
    with build_and_serve(served_root, sample.root) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT
