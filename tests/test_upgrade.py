"""`masthead upgrade` with real Git repositories in a temporary folder: Masthead upstream, and a
newsroom cloned from it and initialised. The engine's changes arrive; the newsroom's stories,
settings and deletions stay; its own edits of engine files are named before anything is written."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from masthead import layout
from masthead.cli import main
from masthead.upgrade import plan
from tests.conftest import ROOT, Site
from tests.test_init import ZH, commit_all, fingerprint, git

OWN_STORY = ("---\ntitle: 工厂开工\ndate: 2025-05-01 08:00\n---\n\n"
             "新厂的 HTML 页面。\n\n*[HTML]: 超文本标记语言\n")
PROBE = "<!-- masthead-upgrade-probe -->"


def run(root: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["--config", str(root / "mkdocs.yml"), *argv], out=out)
    return code, out.getvalue(), err.getvalue()


def repository_files(dest: Path) -> None:
    """This repository's files as they are now (committed or not, ignored ones left out)."""
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listing):
        source = ROOT / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)


@pytest.fixture
def upstream(tmp_path: Path) -> Path:
    """Masthead's repository: its first commit is this working tree."""
    root = tmp_path / "masthead"
    repository_files(root)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "Masthead 1")
    return root


@pytest.fixture
def newsroom(upstream: Path, tmp_path: Path) -> Site:
    """A newsroom cloned from upstream, initialised, with one story of its own."""
    root = tmp_path / "autonews"
    git(tmp_path, "clone", "-q", str(upstream), str(root))
    code, _, err = run(root, "init", *ZH)
    assert code == 0, err
    commit_all(root, "Our newsroom")
    (root / "docs/news/plant.md").write_text(OWN_STORY, encoding="utf-8")
    commit_all(root, "First story")
    return Site(root)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, path
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


SAMPLE_STORY = "docs/news/kestrel-trucks-fuel-cell-order.md"


def engine_change(upstream: Path) -> None:
    """Masthead 2: hooks/, overrides/, the engine's configuration and the sample change."""
    append(upstream / "hooks/masthead/text.py", "# Masthead 2")
    append(upstream / "overrides/partials/mh-footer.html", PROBE)
    edit(upstream / "engine.yml", "  - pymdownx.tilde\n", "  - pymdownx.tilde\n  - abbr\n")
    edit(upstream / SAMPLE_STORY, "title: ", "title: Updated — ")
    (upstream / "docs/news/upstream-new-story.md").write_text(
        "---\ntitle: A new sample story\ndate: 2025-06-01 08:00\n---\n\nText.\n", encoding="utf-8")
    commit_all(upstream, "Masthead 2")


def test_the_engine_arrives_and_the_newsroom_keeps_its_stories_settings_and_deletions(
        upstream: Path, newsroom: Site) -> None:
    root = newsroom.root
    settings_before = (root / "mkdocs.yml").read_bytes()
    docs_before = fingerprint(root / "docs")
    engine_change(upstream)
    code, out, err = run(root, "upgrade", "--from", str(upstream))
    assert code == 0, out + err
    head = git(upstream, "rev-parse", "HEAD").strip()
    assert f"-> {head[:12]}" in out and "Masthead 2" in out  # upstream's commits since are listed
    for path in ("engine.yml", "hooks/masthead/text.py", "overrides/partials/mh-footer.html"):
        assert f"  {path}\n" in out
        assert (root / path).read_bytes() == (upstream / path).read_bytes(), path
    assert "refreshed tests/fixtures/sample/" in out
    assert "Checked 2 stories (2 published): no problems." in out  # `masthead check` ran last
    # the newsroom's own files: untouched, and the sample's stories stay deleted
    assert (root / "mkdocs.yml").read_bytes() == settings_before
    assert fingerprint(root / "docs") == docs_before
    assert not (root / SAMPLE_STORY).exists() and not (root / "docs/news/upstream-new-story.md").exists()
    # the sample reaches the engine's tests instead
    fixture = root / layout.SAMPLE_FIXTURE
    assert (fixture / SAMPLE_STORY).read_bytes() == (upstream / SAMPLE_STORY).read_bytes()
    assert (fixture / "docs/news/upstream-new-story.md").is_file()
    record = yaml.safe_load((root / layout.RECORD).read_text(encoding="utf-8"))
    assert record["upstream"]["commit"] == head and record["initialised"]
    changed = {line[3:] for line in git(root, "status", "--porcelain").splitlines()}
    assert changed == {"engine.yml", "hooks/masthead/text.py", "overrides/partials/mh-footer.html",
                       layout.RECORD, f"{layout.SAMPLE_FIXTURE}/{SAMPLE_STORY}",
                       f"{layout.SAMPLE_FIXTURE}/docs/news/upstream-new-story.md"}
    result = newsroom.build("--strict")
    assert result.returncode == 0, result.stderr
    page = newsroom.html("news/plant")
    assert page.select_one("abbr[title='超文本标记语言']") is not None  # engine.yml's new extension
    assert PROBE in (newsroom.out / "news/plant/index.html").read_text(encoding="utf-8")


def test_edits_of_engine_files_are_named_before_anything_is_written(upstream: Path, newsroom: Site) -> None:
    root = newsroom.root
    append(root / "overrides/partials/mh-footer.html", "<!-- our footer line -->")
    append(root / "Makefile", "# our own target")
    commit_all(root, "Our engine edits")
    engine_change(upstream)
    before = fingerprint(root)
    code, out, err = run(root, "upgrade", "--from", str(upstream))
    assert code == 2 and out == ""
    assert "nothing was written: these engine files are edited here and changed by Masthead since" in err
    assert "\n  overrides/partials/mh-footer.html\n" in err and "Makefile" not in err
    assert fingerprint(root) == before
    code, out, err = run(root, "upgrade", "--from", str(upstream), "--force")
    assert code == 0, out + err
    assert "replaced your edits in 1 file:\n  overrides/partials/mh-footer.html\n" in out
    assert "kept your edits in 1 file:\n  Makefile\n" in out
    assert "# our own target" in (root / "Makefile").read_text(encoding="utf-8")
    assert (root / "overrides/partials/mh-footer.html").read_bytes() == \
        (upstream / "overrides/partials/mh-footer.html").read_bytes()
    commit_all(root, "Upgrade Masthead")
    # the next upgrade starts from the recorded commit: nothing new upstream, nothing to do
    code, out, _ = run(root, "upgrade", "--from", str(upstream))
    assert code == 0 and "the engine is already up to date" in out
    # a file upstream removes goes, unless the newsroom changed it
    (upstream / "tools" / "card_font.py").unlink()
    commit_all(upstream, "Masthead 3")
    commit_all(root, "Record") if git(root, "status", "--porcelain") else None
    code, out, _ = run(root, "upgrade", "--from", str(upstream))
    assert code == 0 and "removed 1 file:\n  tools/card_font.py\n" in out
    assert not (root / "tools/card_font.py").exists()


def test_a_dirty_tree_or_an_unknown_ref_changes_nothing(upstream: Path, newsroom: Site) -> None:
    root = newsroom.root
    append(root / "docs/news/plant.md", "More text.")
    code, _, err = run(root, "upgrade", "--from", str(upstream))
    assert code == 2 and "uncommitted changes (docs/news/plant.md)" in err
    commit_all(root, "More")
    before = fingerprint(root)
    code, _, err = run(root, "upgrade", "--from", str(upstream), "--ref", "no-such-branch")
    assert code == 2 and "has no branch, tag or commit 'no-such-branch'" in err
    code, _, err = run(root, "upgrade", "--from", str(root.parent / "nowhere"))
    assert code == 2 and "cannot clone" in err
    assert fingerprint(root) == before


A, B, C = ("100644", "a"), ("100644", "b"), ("100644", "c")


def test_plan_decides_file_by_file_like_a_three_way_merge() -> None:
    base = {"same": A, "theirs": A, "mine": A, "both": A, "gone": A, "gone-mine": A}
    local = {"same": A, "theirs": A, "mine": B, "both": B, "gone": A, "gone-mine": B, "added-mine": C}
    target = {"same": A, "theirs": B, "mine": A, "both": C, "new": A}
    result = plan(local, target, base, "base", "target")
    assert result.write == ["both", "new", "theirs"]
    assert result.remove == ["gone", "gone-mine"]
    assert result.kept == ["added-mine", "mine"]
    assert result.replaced == ["both", "gone-mine"]  # "gone-mine": edited here, removed upstream
    assert result.changes == 5
    unknown = plan({"x": A, "y": A, "mine": A}, {"x": B, "y": A, "z": A}, None, "", "target")
    assert unknown.replaced == ["x"] and unknown.write == ["x", "z"] and unknown.kept == ["mine"]


def test_init_then_upgrade_then_make_build_on_a_fresh_clone(tmp_path: Path) -> None:
    """This repository's last commit, cloned as a new user does; the engine's own tests then run
    in the initialised newsroom, on the sample kept as their fixture."""
    root = tmp_path / "fresh"
    git(tmp_path, "clone", "-q", str(ROOT), str(root))
    (root / ".venv").symlink_to(ROOT / ".venv")  # the installed tools (`make install` needs a network)
    with (root / ".git/info/exclude").open("a", encoding="utf-8") as exclude:
        exclude.write(".venv\n")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    masthead = [str(Path(sys.executable).parent / "masthead")]
    done = subprocess.run([*masthead, "init", *ZH], cwd=root, capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=300)
    assert done.returncode == 0, done.stderr
    commit_all(root, "Our newsroom")
    done = subprocess.run([*masthead, "upgrade", "--from", str(ROOT), "--ref", "HEAD"], cwd=root,
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the engine is already up to date" in done.stdout
    # -o: the tools are installed already (their stamp is older than this fresh checkout)
    done = subprocess.run(["make", "-o", ".venv/.installed", "build"], cwd=root, capture_output=True,
                          text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    built = "\n".join(p.read_text(encoding="utf-8") for p in (root / "site").rglob("*.html"))
    assert "汽车纪事" in built and "Motor Ledger" not in built
    tests = ["tests/test_newsroom.py", "tests/test_sample.py::test_sample_has_the_promised_variety"]
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
                          cwd=root, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "3 passed" in done.stdout and "skipped" not in done.stdout  # the newsroom's own build ran


def test_a_newsroom_whose_settings_do_not_inherit_the_engine_is_told(tmp_path: Path) -> None:
    from masthead.upgrade import inherits_engine

    config = tmp_path / "mkdocs.yml"
    config.write_text("# settings\nINHERIT: engine.yml   # wiring\nsite_name: A\n", encoding="utf-8")
    assert inherits_engine(config)
    config.write_text("site_name: A\ntheme:\n  name: material\n# INHERIT: engine.yml\n", encoding="utf-8")
    assert not inherits_engine(config) and not inherits_engine(tmp_path / "missing.yml")
