"""The newsroom's own docs/ and mkdocs.yml (not the sample, unless this is upstream Masthead, where
they are the sample): checked and built strictly, as the Pages workflow builds them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from masthead import layout
from tests.conftest import MKDOCS, ROOT


def test_the_newsrooms_stories_pass_masthead_check() -> None:
    done = subprocess.run([sys.executable, "-m", "masthead.cli", "check"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_newsrooms_own_docs_build_strictly(tmp_path: Path) -> None:
    if layout.sample_root(ROOT) == ROOT:
        pytest.skip("docs/ is the sample newsroom here (upstream Masthead): test_sample.py builds it; "
                    "test_upgrade.py runs this test in an initialised clone")
    done = subprocess.run([*MKDOCS, "build", "--strict", "--site-dir", str(tmp_path / "site")], cwd=ROOT,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site/index.html").is_file()
