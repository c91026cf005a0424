"""Atomic output: a failed, strict-aborted or killed build leaves the previous site whole."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from masthead import output
from tests.conftest import Site, article

MakeSite = Callable[..., Site]


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_publish_swaps_and_recover_undoes_a_half_done_swap(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "old.html").write_text("old")
    staging = output.prepare(site)
    (staging / "new.html").write_text("new")
    output.publish(site)
    assert [p.name for p in site.iterdir()] == ["new.html"]
    assert not output.staging_dir(site).exists() and not output.old_dir(site).exists()
    # killed between the two renames: the site is gone, the old copy is beside it
    os.replace(site, output.old_dir(site))
    output.staging_dir(site).mkdir()
    output.recover(site)
    assert [p.name for p in site.iterdir()] == ["new.html"]
    assert not output.staging_dir(site).exists()


def test_a_strict_build_aborted_by_a_warning_keeps_the_old_site(make_site: MakeSite) -> None:
    site = make_site({"news/a.md": article("A")})
    assert site.build("--strict").returncode == 0
    before = snapshot(site.out)
    (site.root / "docs/news/b.md").write_text(article("B", body="See [this](missing.md)."), "utf-8")
    result = site.build("--strict")
    assert result.returncode == 1 and "missing.md" in result.stderr
    assert snapshot(site.out) == before
    assert not output.staging_dir(site.out).exists()


def test_a_build_killed_half_way_leaves_the_previous_site_whole(make_site: MakeSite) -> None:
    body = "\n\n".join(["A paragraph of filler text for a longer story."] * 40)
    files = {f"news/s{i:04d}.md": article(f"Story {i}", f"2025-01-{1 + i % 28:02d} 08:00", body=body)
             for i in range(600)}
    site = make_site(files)
    assert site.build().returncode == 0
    before = snapshot(site.out)
    (site.root / "docs/news/s0000.md").write_text(article("Changed"), "utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "build"], cwd=site.root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    staging = output.staging_dir(site.out)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(staging.glob("news/*/index.html"))) > 20:  # pages are being written
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the build finished before it could be killed; make the site bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert snapshot(site.out) == before  # the old site, every byte
    assert site.build().returncode == 0  # the next build cleans up and publishes
    assert not staging.exists()
    assert "Changed" in (site.out / "news/s0000/index.html").read_text("utf-8")


def test_same_input_builds_byte_identical_output(make_site: MakeSite, tmp_path: Path) -> None:
    files = {f"news/s{i}.md": article(f"Story {i}", f"2025-01-{1 + i:02d}", tags=["EV", "电池"],
                                      lang="zh" if i % 2 else "en") for i in range(12)}
    site = make_site(files, site_url="https://user.github.io/repo/")
    env = {"SOURCE_DATE_EPOCH": "1735689600"}
    assert site.build("--strict", env=env).returncode == 0
    first = snapshot(site.out)
    assert site.build("--strict", env=env).returncode == 0
    assert snapshot(site.out) == first
    assert any(name.endswith("sitemap.xml.gz") for name in first)


def test_outsized_stories_build_in_bounds_with_warnings(make_site: MakeSite) -> None:
    """A 5 MB story, a story with 10 000 tags and a 2 000-character headline build (not
    --strict: warnings), and the pages that list them stay small."""
    long_title = "长" * 2000
    paragraph = "Filler words for a very long story, repeated many times over. " * 20
    files = {
        "news/huge.md": article("Huge story", "2025-01-01", body="\n\n".join([paragraph] * 4100)),
        "news/tags.md": article("Many tags", "2025-01-02", tags=[f"tag {i}" for i in range(10_000)]),
        "news/title.md": article(long_title, "2025-01-03"),
    }
    site = make_site(files)
    assert len((site.root / "docs/news/huge.md").read_bytes()) > 5_000_000
    result = site.build()
    assert result.returncode == 0, result.stderr
    for words in ["news/huge.md: body: 5 MB", "news/tags.md: tags: 10000 tags; only the first 100",
                  "news/title.md: title: 2000 characters"]:
        assert words in result.stderr, words
    assert len(list((site.out / "tags").glob("*/index.html"))) == 100
    section = (site.out / "news/index.html").read_text("utf-8")
    assert long_title not in section and "长" * 199 + "…" in section
    assert len(section) < 60_000
    strict = site.build("--strict")
    assert strict.returncode == 1  # warnings stop a strict build; the old site stays
