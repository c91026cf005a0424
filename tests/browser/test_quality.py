"""Every page of the sample passes the Nu Html Checker and axe-core (WCAG 2.1 AA) with zero errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import site_pages
from tests.conftest import ROOT

VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
AXE = ROOT / "node_modules/axe-core/axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def test_nu_checker_reports_no_error_on_any_page(served_site: str, served_root: Path) -> None:
    java = shutil.which("java")
    assert java and VNU.is_file(), "needs Java and `npm ci` (make install runs it)"
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--skip-non-html", "--format", "json", str(served_root)],
        capture_output=True, text=True, timeout=600,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '').split('/masthead/')[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in messages if m["type"] == "error"]
    assert errors == []
    assert len(site_pages(served_root)) > 40  # the checker saw the whole site


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 375, "height": 812}],
                         ids=["desktop", "phone"])
def test_axe_finds_no_wcag_21_aa_violation_and_no_foreign_request_on_any_page(
    browser: Any, served_site: str, served_root: Path, viewport: dict[str, int]
) -> None:
    assert AXE.is_file(), "needs `npm ci` (make install runs it)"
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    # While we are on every page anyway: nothing may come from another origin by default
    # (Google Fonts and CDNs are slow or blocked for readers in mainland China).
    origin = urlsplit(served_site).netloc
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url)
            if urlsplit(r.url).scheme in ("http", "https") and urlsplit(r.url).netloc != origin else None)
    violations: list[str] = []
    pages = site_pages(served_root)
    for rel in pages:
        page.goto(served_site + rel)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
        violations += [f"{rel or '/'}: {v['id']}: {v['help']} ({len(v['nodes'])}×: "
                       f"{v['nodes'][0]['target']})" for v in result["violations"]]
    context.close()
    assert violations == []
    assert foreign == []
