"""Which files of a Masthead repository are the engine's and which are the newsroom's.

The engine (code, templates, its MkDocs wiring, tests, tools and guides) comes from Masthead and
is replaced by `masthead upgrade`; the newsroom (its stories, its settings) is never touched by
it. The list lives here once: `upgrade` uses it and manual/newsroom.md describes it.
"""

from __future__ import annotations

from pathlib import Path

# The engine's MkDocs configuration; a newsroom's mkdocs.yml starts with `INHERIT: engine.yml`.
ENGINE_CONFIG = "engine.yml"
NEWSROOM_CONFIG = "mkdocs.yml"
DOCS = "docs"
# The newsroom's record of `masthead init` and of the Masthead commit its engine files come from.
RECORD = ".masthead.yml"
# Where `masthead init` keeps the sample newsroom (Motor Ledger) for the engine's tests, and
# where `masthead upgrade` refreshes it; upstream Masthead has the sample at its root instead.
SAMPLE_FIXTURE = "tests/fixtures/sample"

# The engine's paths: a folder ends with "/". Everything else is the newsroom's: docs/,
# mkdocs.yml, .masthead.yml, other files it adds (a CNAME, its own .github/ files).
ENGINE_PATHS = (
    "hooks/",
    "overrides/",
    ENGINE_CONFIG,
    "pyproject.toml",
    "Makefile",
    "package.json",
    "package-lock.json",
    ".gitignore",
    ".ci/",
    ".github/workflows/",
    "tests/",
    "bench/",
    "tools/",
    "manual/",
    "README.md",
    "README.zh.md",
    "EDITORS.md",
    "EDITORS.zh.md",
)


def is_engine_path(path: str) -> bool:
    """Whether ``path`` (relative, with "/") is the engine's. The sample kept for the tests is
    not: `upgrade` refreshes it from upstream's sample on its own."""
    if path == SAMPLE_FIXTURE or path.startswith(SAMPLE_FIXTURE + "/"):
        return False
    return any(path.startswith(p) if p.endswith("/") else path == p for p in ENGINE_PATHS)


def sample_root(repo: Path) -> Path:
    """The folder holding the sample newsroom's mkdocs.yml and docs/: the fixture in an
    initialised newsroom, else the repository itself (upstream Masthead)."""
    fixture = repo / SAMPLE_FIXTURE
    return fixture if (fixture / NEWSROOM_CONFIG).is_file() else repo
