"""Atomic output: the build writes into a fresh folder beside the site and swaps it in at the end.

A build that fails or is killed half-way leaves the previous site whole. The swap is two renames
within one parent folder; if a build is killed between them, the next build restores the old
site first (``recover``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

STAGING_SUFFIX = ".masthead-new"
OLD_SUFFIX = ".masthead-old"


def staging_dir(site_dir: Path) -> Path:
    return site_dir.with_name(site_dir.name + STAGING_SUFFIX)


def old_dir(site_dir: Path) -> Path:
    return site_dir.with_name(site_dir.name + OLD_SUFFIX)


def recover(site_dir: Path) -> None:
    """Undo what a killed build left: a half-written staging folder, a half-done swap."""
    old = old_dir(site_dir)
    if old.exists():
        if site_dir.exists():
            shutil.rmtree(old)
        else:
            os.replace(old, site_dir)
    staging = staging_dir(site_dir)
    if staging.exists():
        shutil.rmtree(staging)


def prepare(site_dir: Path) -> Path:
    """A clean staging folder for this build to write into."""
    recover(site_dir)
    staging = staging_dir(site_dir)
    staging.mkdir(parents=True)
    return staging


def publish(site_dir: Path) -> None:
    """Swap the finished staging folder in place of the site."""
    staging = staging_dir(site_dir)
    old = old_dir(site_dir)
    if site_dir.exists():
        os.replace(site_dir, old)
    os.replace(staging, site_dir)
    if old.exists():
        shutil.rmtree(old)


def discard(site_dir: Path) -> None:
    """Drop a failed build's staging folder; the site stays as it was."""
    shutil.rmtree(staging_dir(site_dir), ignore_errors=True)
