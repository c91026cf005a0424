"""`masthead upgrade`: bring the engine's files from Masthead at a commit, leave the newsroom's.

    masthead upgrade --from https://github.com/<owner>/masthead.git [--ref v1.2]

The engine's paths are listed once, in layout.py. Upstream is cloned into a temporary folder;
each engine file is compared three ways (the Masthead commit this newsroom's engine came from,
the newsroom's file, upstream's new file), as Git compares them, by blob id:

- changed upstream, untouched here: replaced;
- edited here, unchanged upstream: kept;
- edited here and changed upstream: listed before anything is written, and replaced only with
  --force (the newsroom's version stays in Git's history).

The newsroom's stories and settings (docs/, mkdocs.yml) are never read or written; the sample
newsroom for the engine's tests (tests/fixtures/sample/) is refreshed from upstream's sample.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from . import layout
from .init import read_record, write_record
from .repo import RepoError, git, require_clean

Tree = Mapping[str, tuple[str, str]]  # path -> (mode, blob id)


class UpgradeError(Exception):
    """The upgrade cannot go on; nothing was written."""


@dataclass
class Plan:
    """What an upgrade writes: paths relative to the newsroom, with "/"."""

    base: str  # the Masthead commit the engine came from ("" when unknown)
    target: str
    write: list[str] = field(default_factory=list)  # added or changed upstream
    remove: list[str] = field(default_factory=list)  # removed upstream
    kept: list[str] = field(default_factory=list)  # the newsroom's edits upstream did not touch
    replaced: list[str] = field(default_factory=list)  # the newsroom's edits upstream changed too

    @property
    def changes(self) -> int:
        return len(self.write) + len(self.remove)


def tree(repo: Path, commit: str) -> dict[str, tuple[str, str]]:
    """The engine's files at ``commit``: path -> (mode, blob id)."""
    listing = git(repo, "ls-tree", "-r", "-z", "--full-tree", commit)
    files: dict[str, tuple[str, str]] = {}
    for entry in listing.split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        mode, kind, blob = meta.split()
        if kind == "blob" and layout.is_engine_path(path):
            files[path] = (mode, blob)
    return files


def plan(local: Tree, target: Tree, base: Tree | None, base_id: str, target_id: str) -> Plan:
    """Decide file by file, as a three-way merge does (without merging inside a file)."""
    result = Plan(base_id, target_id)
    for path in sorted(set(local) | set(target) | set(base or {})):
        mine, theirs = local.get(path), target.get(path)
        if mine == theirs:
            continue
        if base is not None:
            was = base.get(path)
            if theirs == was:  # upstream left it alone: the newsroom's edit (or addition) stays
                result.kept.append(path)
                continue
            if mine != was:
                result.replaced.append(path)
        elif mine is not None and theirs is not None:  # no common history: any difference may be ours
            result.replaced.append(path)
        elif theirs is None:  # a file of the newsroom's own that upstream never had: keep
            result.kept.append(path)
            continue
        (result.write if theirs is not None else result.remove).append(path)
    return result


@dataclass(frozen=True)
class Upstream:
    clone: Path
    target: str
    base: str


def fetch(root: Path, source: str, ref: str, folder: Path, record: Mapping[str, Any]) -> Upstream:
    """Clone ``source`` into ``folder``; find the commit ``ref`` names and the base: the
    recorded commit of the last upgrade, else where the newsroom's history meets upstream's."""
    where = Path(source).expanduser()
    url = str(where.resolve()) if where.exists() else source
    clone = folder / "upstream"
    try:
        git(folder, "clone", "--quiet", "--no-checkout", url, str(clone))
    except RepoError as exc:
        raise UpgradeError(f"cannot clone {source}: {exc}") from None
    target = ""
    for name in (f"origin/{ref}", ref):
        try:
            target = git(clone, "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}")
            break
        except RepoError:
            continue
    if not target:
        raise UpgradeError(f"{source} has no branch, tag or commit {ref!r}; pass --ref with one it has")
    recorded = str((record.get("upstream") or {}).get("commit") or "")
    if recorded and _has_commit(clone, recorded):
        return Upstream(clone, target, recorded)
    try:
        git(clone, "fetch", "--quiet", str(root), "HEAD:refs/masthead/newsroom")
        base = git(clone, "merge-base", target, "refs/masthead/newsroom")
    except RepoError:
        base = ""
    return Upstream(clone, target, base)


def _has_commit(repo: Path, commit: str) -> bool:
    try:
        git(repo, "cat-file", "-e", f"{commit}^{{commit}}")
    except RepoError:
        return False
    return True


def apply(root: Path, changes: Plan, files: Path) -> None:
    """Write the plan: ``files`` holds upstream's tree at the target commit."""
    for path in changes.write:
        dest = root / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.is_symlink() or dest.exists():
            dest.unlink()
        shutil.copy2(files / path, dest, follow_symlinks=False)  # a link stays a link
    for path in changes.remove:
        dest = root / path
        dest.unlink(missing_ok=True)
        parent = dest.parent
        while parent != root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


def refresh_sample(root: Path, files: Path) -> bool:
    """Replace tests/fixtures/sample/ with upstream's sample newsroom; False when upstream has
    none. Upstream's sample is its fixture when it is itself initialised, else its root."""
    source = layout.sample_root(files)
    if not (source / layout.NEWSROOM_CONFIG).is_file() or not (source / layout.DOCS).is_dir():
        return False
    dest = root / layout.SAMPLE_FIXTURE
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy2(source / layout.NEWSROOM_CONFIG, dest / layout.NEWSROOM_CONFIG)
    shutil.copytree(source / layout.DOCS, dest / layout.DOCS)
    return True


def upgrade(root: Path, source: str, ref: str, *, force: bool, out: TextIO) -> Plan:
    """Bring the engine from ``source`` at ``ref``; UpgradeError (nothing written) when the
    newsroom's own edits would be replaced without ``force``."""
    require_clean(root, "upgrade")
    record = read_record(root)
    with tempfile.TemporaryDirectory(prefix="masthead-upgrade-") as tmp:
        upstream = fetch(root, source, ref, Path(tmp), record)
        local = tree(root, "HEAD")
        base = tree(upstream.clone, upstream.base) if upstream.base else None
        changes = plan(local, tree(upstream.clone, upstream.target), base, upstream.base, upstream.target)
        if changes.replaced and not force:
            how = ("edited here and changed by Masthead since" if base is not None else
                   "different from Masthead's (no shared history: they may be your edits)")
            raise UpgradeError("\n  ".join([
                f"nothing was written: these engine files are {how}:", *changes.replaced,
                "keep your changes elsewhere (e.g. your own settings in mkdocs.yml), or run again with "
                "--force to take Masthead's (yours stay in Git: `git show HEAD:<path>`)"]))
        files = Path(tmp) / "files"
        files.mkdir()
        git(upstream.clone, f"--work-tree={files}", "checkout", "--quiet", upstream.target, "--", ".")
        apply(root, changes, files)
        sample = bool(record.get("initialised")) or (root / layout.SAMPLE_FIXTURE).is_dir()
        refreshed = sample and refresh_sample(root, files)
        log = git(upstream.clone, "log", "--oneline", "--no-decorate", "-n", "20",
                  f"{upstream.base}..{upstream.target}") if upstream.base else ""
    write_record(root, {**record, "upstream": {"source": source, "ref": ref, "commit": upstream.target}})
    _report(changes, refreshed, log, out)
    return changes


def _report(changes: Plan, refreshed: bool, log: str, out: TextIO) -> None:
    frm = changes.base[:12] if changes.base else "(unknown)"
    print(f"Masthead engine {frm} -> {changes.target[:12]}", file=out)
    if log:
        print("Masthead's commits since:\n  " + log.replace("\n", "\n  "), file=out)
    for label, paths in (("updated", [p for p in changes.write if p not in changes.replaced]),
                         ("replaced your edits in", changes.replaced),
                         ("removed", changes.remove), ("kept your edits in", changes.kept)):
        if paths:
            print(f"{label} {len(paths)} file{'s' if len(paths) != 1 else ''}:", file=out)
            for path in paths:
                print(f"  {path}", file=out)
    if not changes.changes:
        print("the engine is already up to date", file=out)
    if refreshed:
        print(f"refreshed {layout.SAMPLE_FIXTURE}/ (the sample newsroom the engine's tests build)", file=out)
    print(f"recorded the commit in {layout.RECORD}", file=out)


def inherits_engine(config: Path) -> bool:
    """Whether the newsroom's mkdocs.yml builds on engine.yml (newsrooms made before the split
    carry the engine's wiring themselves, and miss its changes)."""
    try:
        text = config.read_text(encoding="utf-8")
    except OSError:
        return False
    return any(line.split("#")[0].strip() == f"INHERIT: {layout.ENGINE_CONFIG}" for line in text.splitlines())


def run_check(root: Path, config: str, out: TextIO) -> int:
    """`masthead check` with the new engine's code, in a fresh process."""
    done = subprocess.run([sys.executable, "-m", "masthead.cli", "--config", config, "check"], cwd=root,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    out.write(done.stdout)
    if done.returncode not in (0, 1):
        out.write(done.stderr)
        print("masthead check could not run: run `make install`, then `masthead check`", file=out)
    return done.returncode


def register(sub: Any) -> None:
    """Add `masthead upgrade` to the command's subparsers."""
    p = sub.add_parser(
        "upgrade", help="bring Masthead's latest engine into this newsroom",
        description="Replace the engine's files (manual/newsroom.md lists them) with those of "
        "Masthead at --ref; your stories and settings (docs/, mkdocs.yml) stay as they are. "
        "Refuses on uncommitted changes; lists your own edits of engine files before writing.")
    p.add_argument("--from", dest="source", required=True,
                   help="Masthead's repository: a Git URL or a folder, e.g. "
                   "https://github.com/<owner>/masthead.git")
    p.add_argument("--ref", default="main", help="branch, tag or commit to take (default: %(default)s)")
    p.add_argument("--force", action="store_true",
                   help="replace engine files you edited that Masthead changed too")
    p.set_defaults(run=cmd_upgrade)


def cmd_upgrade(args: argparse.Namespace, out: TextIO) -> int:
    """`masthead upgrade`: 0 done and checked, 1 done but the check found problems, 2 nothing done."""
    root = Path(args.config).resolve().parent
    try:
        upgrade(root, args.source, args.ref, force=args.force, out=out)
    except (UpgradeError, RepoError) as exc:
        print(f"masthead upgrade: {exc}", file=sys.stderr)
        return 2
    if not inherits_engine(Path(args.config)):
        print(f"note: {args.config} does not start with `INHERIT: {layout.ENGINE_CONFIG}`, so changes to "
              f"the engine's MkDocs wiring do not reach it: keep only your own settings there and add "
              "that line (manual/settings.md)", file=out)
    print("running masthead check:", file=out)
    code = run_check(root, str(Path(args.config).resolve()), out)
    print("next: `make build` (it reinstalls the engine's dependencies if pyproject.toml changed), "
          "review `git diff`, then commit: git add -A && git commit -m \"Upgrade Masthead\"", file=out)
    return 0 if code == 0 else 1
