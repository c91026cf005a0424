"""Git, as `masthead init` and `masthead upgrade` need it: the `git` command run as a subprocess."""

from __future__ import annotations

import subprocess
from pathlib import Path


class RepoError(Exception):
    """Git is missing, the folder is no Git repository, or a Git command failed."""


def git(cwd: Path, *args: str, binary: bool = False) -> str:
    """Run ``git args`` in ``cwd``; its output (stripped of its last newline), or RepoError."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=600,
                              env=_quiet_env())
    except FileNotFoundError:
        raise RepoError("git is not installed; install Git first (https://git-scm.com)") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RepoError(f"git {' '.join(args[:2])} failed: {message[-1] if message else done.returncode}")
    return done.stdout.decode("utf-8", "surrogateescape").removesuffix("\n")


def git_bytes(cwd: Path, *args: str) -> bytes:
    """Run ``git args`` in ``cwd``; its output as bytes (file contents), or RepoError."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=600, env=_quiet_env())
    if done.returncode != 0:
        raise RepoError(f"git {' '.join(args[:2])} failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


def _quiet_env() -> dict[str, str]:
    import os

    # No pager, no prompt for a password of a private remote (it would hang a script).
    return {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C"}


def require_clean(root: Path, command: str) -> None:
    """RepoError unless ``root`` is the top of a Git work tree with nothing uncommitted: what
    the command changes can then always be seen with `git diff` and undone with Git."""
    if not (root / ".git").exists():
        raise RepoError(f"{root} is not the top folder of a Git repository; `masthead {command}` "
                        "changes many files and needs Git to show and undo them: run it in your "
                        "newsroom's clone (or `git init && git add -A && git commit -m Start` first)")
    changed = git(root, "status", "--porcelain", "--untracked-files=normal")
    if changed:
        files = [line[3:] for line in changed.splitlines()]
        shown = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
        raise RepoError(f"the Git tree has uncommitted changes ({shown}); commit or stash them first, "
                        f"so that what `masthead {command}` changes is all you see in `git diff`")
