"""Old addresses of the sample's stories (``aliases:``) land on the story in Chromium under the
project path, and their redirect pages pass the Nu Html Checker and axe."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.browser.conftest import site_pages
from tests.browser.test_quality import AXE, VNU, WCAG_AA

# (old address, the story's address): the sample's aliases (docs/news/solanza-…, lan-wan-…).
MOVED = [("news/solanza-delay-valencia-plant/", "news/solanza-delays-valencia-plant/"),
         ("news/lan-wan-zhao-hui.html", "news/lan-wan-qi-che-zhao-hui/")]


def test_an_old_address_lands_on_the_story_without_script(
    browser: Any, served_site: str, served_root: Path
) -> None:
    assert sorted(site_pages(served_root, redirects=True)) == sorted(old for old, _ in MOVED)
    context = browser.new_context(java_script_enabled=False)  # the meta refresh alone
    page = context.new_page()
    for old, new in MOVED:
        page.goto(served_site + old)
        page.wait_for_url(served_site + new)
        assert page.locator("h1.mh-article__title").count() == 1, old
    context.close()


def test_redirect_pages_pass_the_nu_checker_and_axe(
    browser: Any, served_site: str, served_root: Path
) -> None:
    redirects = [served_root / (old + "index.html" if old.endswith("/") else old) for old, _ in MOVED]
    java = shutil.which("java")
    assert java and VNU.is_file() and AXE.is_file(), "needs Java and `npm ci` (make install runs it)"
    result = subprocess.run([java, "-jar", str(VNU), "--format", "json", *map(str, redirects)],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert [m["message"] for m in messages if m["type"] in ("error", "non-document-error")] == []
    assert len({m.get("url") for m in messages}) <= len(redirects)  # it read our files, no other
    page = browser.new_page()
    violations: list[str] = []
    for path in redirects:
        # Its own markup, as written; loaded into about:blank, where the relative refresh
        # address resolves to nothing, so the page stays for axe to read.
        page.goto("about:blank")
        page.set_content(path.read_text(encoding="utf-8"))
        assert page.title().endswith("Motor Ledger") or page.title().endswith("汽车纪事")
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
        violations += [f"{path.name}: {v['id']}: {v['help']}" for v in found["violations"]]
        assert found["passes"], path  # axe did read the page
    page.close()
    assert violations == []
