"""`masthead new`: a story file with its front matter filled in, never over an existing one."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from .editions import STORY_ID_RE
from .i18n import family
from .settings import Settings
from .slugs import slugify
from .text import CJK_RE

# Names that would give the story the URL of a generated page or of its folder.
TAKEN_NAMES = frozenset({"index", "readme", "page"})


class NewStoryError(Exception):
    """The story cannot be created; the message says why and what to do."""


@dataclass(frozen=True)
class NewStory:
    path: Path  # the file written
    renamed_from: str = ""  # the name that was taken, when a suffix was added


def is_free(folder: Path, name: str) -> bool:
    """No story ``name.md`` (nor a folder story ``name/index.md``) that would share its URL."""
    return (
        name.lower() not in TAKEN_NAMES
        and not (folder / f"{name}.md").exists()
        and not (folder / name).exists()
    )


def free_name(folder: Path, name: str) -> str:
    """``name``, or ``name-2``, ``name-3``… : the first that no file in ``folder`` uses."""
    if is_free(folder, name):
        return name
    n = 2
    while not is_free(folder, f"{name}-{n}"):
        n += 1
    return f"{name}-{n}"


def story_language(title: str, site_language: str) -> str:
    """``zh`` (or the site's ``zh-Hant``) for a Chinese headline, ``en`` for one without Chinese
    characters."""
    chinese = family(site_language) == "zh"
    if CJK_RE.search(title):
        return site_language if chinese else "zh"
    return "en" if chinese else site_language


def front_matter(title: str, date: dt.datetime, lang: str, settings: Settings, *, draft: bool,
                 story_id: str = "") -> str:
    """The new story's text: every field an editor fills in, with a hint for each."""
    zh = family(lang) == "zh"
    lines = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"date: {date.astimezone(settings.timezone):%Y-%m-%d %H:%M}"
        f"{'   # 发布时间（站点时区）' if zh else '   # publication time, site time zone'}",
        "author:       # " + ("作者，多人写成 [张伟, 王芳]" if zh else "Your Name, or [Li Ming, Anna Berg]"),
        "dateline:     # " + ("发稿地，如 上海" if zh else "city the story is filed from, e.g. Shanghai"),
        "tags: []      # " + ("如 [新能源, 电池]" if zh else "e.g. [EV, batteries]"),
        "summary:      # " + ("一句话摘要" if zh else "one plain sentence for cards and feeds"),
        "image:        # " + ("题图，如 ../assets/images/x.jpg" if zh else "e.g. ../assets/images/plant.jpg"),
        "image_alt:    # " + ("描述题图" if zh else "what the picture shows"),
    ]
    if lang != settings.language:
        lines.append(f"lang: {lang}")
    if story_id:  # pairs the story with its translation in the other edition (editions.py)
        hint = "与原文或译文相同" if zh else "the same as its translation's"
        lines.append(f"story_id: {story_id}  # {hint}")
    if draft:
        lines.append("draft: true  # " + ("删去此行即发布" if zh else "delete this line to publish"))
    lines += ["---", "", "在这里写正文。" if zh else "Write the story here.", ""]
    return "\n".join(lines)


def create_story(
    docs_dir: Path,
    section: str,
    title: str,
    settings: Settings,
    *,
    now: dt.datetime,
    slug: str = "",
    lang: str = "",
    draft: bool = True,
    story_id: str = "",
) -> NewStory:
    """Write ``docs/<section>/<slug>.md``. A name taken by another story gets ``-2`` (``-3``…);
    a ``slug`` the editor chose is never changed: if it is taken, nothing is written."""
    if settings.section(section) is None:
        known = ", ".join(s.slug for s in settings.sections)
        raise NewStoryError(f"{section!r} is not a section of this site; use one of: {known}")
    if not title.strip():
        raise NewStoryError("the title is empty; write it in quotes: masthead new news \"Plant opens\"")
    title = " ".join(title.split())
    folder = docs_dir / section
    renamed_from = ""
    if slug:
        if slugify(slug) != slug:
            raise NewStoryError(f"{slug!r} is not a file name; use lowercase letters, digits and "
                                f"hyphens, e.g. {slugify(slug)}")
        if not is_free(folder, slug):
            raise NewStoryError(f"{(folder / slug).as_posix()}.md (or a story with its URL) already "
                                "exists; nothing was written. Choose another --slug.")
        name = slug
    else:
        wanted = slugify(title)
        name = free_name(folder, wanted)
        renamed_from = wanted if name != wanted else ""
    if story_id and not STORY_ID_RE.match(story_id):
        raise NewStoryError(f"{story_id!r} is not a story_id; use letters, digits, '.', '_' and '-', "
                            "e.g. 2025-plant-opens")
    lang = lang or story_language(title, settings.language)
    text = front_matter(title, now, lang, settings, draft=draft, story_id=story_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:  # "x": never overwrite
            handle.write(text)
    except FileExistsError:
        raise NewStoryError(f"{path.as_posix()} appeared while writing; nothing was changed") from None
    return NewStory(path, renamed_from)
