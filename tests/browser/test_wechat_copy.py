"""`mkdocs serve` shows a "Copy for WeChat" button on story pages that puts the story's WeChat
version on the clipboard as rich text; the published site has no such button."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from tests.browser.test_quality import AXE, VNU, WCAG_AA
from tests.conftest import ROOT

STORY = "news/hua-xin-bei-qiao-dian-chi-he-bing/"
PUBLISHED = "https://news.example.org/ledger/"  # site_url: where WeChat fetches the pictures


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def serve() -> Iterator[str]:
    """The sample under `mkdocs serve` (no live reload); yield its base URL."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": PUBLISHED})
    base = f"http://127.0.0.1:{port}/ledger/"  # serve mounts the site at site_url's path
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                with urllib.request.urlopen(base + STORY, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                problem = process.stderr.read() if process.stderr else ""
                raise AssertionError(f"mkdocs serve did not start: {problem}")
            time.sleep(1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_serve_button_copies_the_story_as_rich_text(browser: Any, serve: str, screenshots: Path) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812},
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(serve + STORY)
    button = page.get_by_role("button", name="复制到公众号")
    assert button.is_visible()
    template = page.evaluate("document.getElementById('mh-wechat-html').innerHTML")
    button.click()
    page.wait_for_function("document.querySelector('.mh-wechat-copy__status').textContent !== ''")
    assert page.locator(".mh-wechat-copy__status").inner_text().startswith("已复制")
    copied = page.evaluate("""async () => {
        const items = await navigator.clipboard.read();
        const out = {};
        for (const type of items[0].types) out[type] = await (await items[0].getType(type)).text();
        return out;
    }""")
    assert set(copied) == {"text/html", "text/plain"}
    # Chromium wraps what it puts on the clipboard in a <meta charset> header; the rest is ours.
    assert copied["text/html"].endswith(template)
    html_text = copied["text/html"]
    assert "class=" not in template and "<style" not in template and " id=" not in template
    root = lxml.html.fragment_fromstring(template)
    assert root.find(".//h1").text_content() == "华信汽车与北桥汽车宣布合并电池业务"
    assert all(img.get("src", "").startswith(PUBLISHED) for img in root.iter("img"))
    assert "[2] 联合声明：https://example.com/motor-ledger/huaxin-northbridge-statement" in html_text
    plain = copied["text/plain"].split("\n\n")
    assert plain[0] == "华信汽车与北桥汽车宣布合并电池业务" and plain[1].startswith("两家车企将把电芯工厂")
    assert "为什么是现在" in plain  # a heading: a line of its own
    page.screenshot(path=str(screenshots / "wechat-copy-button-phone.png"))
    context.close()


def test_the_serve_page_with_the_button_passes_axe_and_the_nu_checker(
    browser: Any, serve: str, tmp_path: Path
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(serve + STORY)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
    context.close()
    assert [v["id"] for v in result["violations"]] == []
    java = shutil.which("java")
    assert java and VNU.is_file(), "needs Java and `npm ci` (make install runs it)"
    with urllib.request.urlopen(serve + STORY, timeout=30) as response:
        (tmp_path / "story.html").write_bytes(response.read())
    checked = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json",
                              str(tmp_path / "story.html")], capture_output=True, text=True, timeout=300)
    messages = json.loads(checked.stderr or '{"messages": []}')["messages"]
    assert [m["message"] for m in messages if m["type"] == "error"] == []


def test_the_published_site_has_no_copy_button(served_site: str, served_root: Path) -> None:
    page = (served_root / STORY / "index.html").read_text(encoding="utf-8")
    assert "mh-wechat-html" not in page and "mh-wechat-copy.js" not in page
