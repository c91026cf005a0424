"""The `masthead` command for editors: `new`, `check`, `import` and `wechat`; for the site's
developer: `init` (hooks/masthead/init.py) and `upgrade` (hooks/masthead/upgrade.py).

    masthead new news "Huaxin opens a plant in Hefei"
    masthead check                  # or: masthead check --format github (in CI)
    masthead import ../old-blog/content/posts --section news
    masthead wechat docs/news/plant-opens.md -o -

Each reads the site's mkdocs.yml with MkDocs' own loader (which understands tags such as
``!ENV``), then calls the same pure functions the build uses.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .dates import DateError, build_time
from .errors import MastheadError
from .settings import Settings, load_settings

if TYPE_CHECKING:
    from .sitecheck import CheckReport

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """A problem that stops a command: printed as one line, exit code 2."""


@dataclass(frozen=True)
class Project:
    """What the commands need from mkdocs.yml."""

    config_file: Path
    docs_dir: Path
    site_name: str
    directory_urls: bool
    raw_settings: object
    site_dir: Path | None = None  # the built site (the last build's sitemap, --redirects)
    site_url: str = ""

    def settings(self) -> Settings:
        try:
            return load_settings(self.raw_settings, site_name=self.site_name, docs_dir=self.docs_dir)
        except MastheadError as exc:
            raise CommandError(exc.report().replace("nothing was written", "fix mkdocs.yml first")) from None


def load_project(config_file: str) -> Project:
    """Read mkdocs.yml with MkDocs' loader; config problems become one CommandError."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    path = Path(config_file)
    if not path.is_file():
        raise CommandError(f"{config_file}: no such file; run the command in the site's folder "
                           "(where mkdocs.yml is) or pass --config path/to/mkdocs.yml")
    from mkdocs import exceptions
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)  # its INFO lines are not for editors
    try:
        config = load_config(str(path))
    except (exceptions.MkDocsException, OSError) as exc:
        raise CommandError(f"{config_file}: cannot be read: {exc}") from None
    return Project(path, Path(config.docs_dir), config.site_name, config.use_directory_urls,
                   config.extra.get("masthead"), Path(config.site_dir), config.site_url or "")


# -- commands ------------------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    from .newstory import NewStoryError, create_story

    project = load_project(args.config)
    settings = project.settings()
    now = build_time()
    try:
        story = create_story(project.docs_dir, args.section, args.title, settings, now=now,
                             slug=args.slug or "", lang=args.lang or "", draft=not args.publish,
                             story_id=args.story_id or "")
    except NewStoryError as exc:
        raise CommandError(str(exc)) from None
    shown = _shown(story.path)
    if story.renamed_from:
        print(f"note: {args.section}/{story.renamed_from}.md is taken or reserved; the new story is named "
              f"{story.path.name}", file=out)
    print(shown, file=out)
    return EXIT_OK


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from .cache import cache_dir
    from .sitecheck import check_site, github_lines, summary, text_lines, warning_lines

    project = load_project(args.config)
    report = check_site(project.raw_settings, docs_dir=project.docs_dir,
                        config_file=project.config_file, site_name=project.site_name,
                        directory_urls=project.directory_urls, now=build_time(), base=Path.cwd(),
                        site_dir=project.site_dir, site_url=project.site_url,
                        cache=cache_dir(project.config_file.parent))
    lines = github_lines(report) if args.format == "github" else text_lines(report)
    for line in [*lines, *warning_lines(report, github=args.format == "github")]:
        print(line, file=out)
    print(summary(report), file=out)
    if report.ok and (args.redirects or args.map):
        return _check_redirects(project, report, args.map, out)
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def _check_redirects(project: Project, report: CheckReport, map_file: str | None, out: TextIO) -> int:
    """`masthead check --redirects [--map FILE.csv]`: every old address answers in the built site."""
    from .addresses import read_map
    from .sitecheck import check_redirects

    site = project.site_dir
    if site is None or not (site / "index.html").is_file():
        raise CommandError(f"{site}: no built site; run mkdocs build first")
    rows = []
    if map_file:
        try:
            rows = read_map(Path(map_file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise CommandError(f"--map {map_file}: cannot be read: {exc}") from None
    assert report.catalog is not None
    problems, notes = check_redirects(report.catalog, site, rows, map_file or "")
    for line in notes:
        print(f"note: {line}", file=out)
    for line in problems:
        print(line, file=out)
    checked = len(report.catalog.redirects()) + sum(1 for r in rows if r.url is not None)
    if problems:
        print(f"{len(problems)} of {checked} old addresses do not answer in {_shown(site)}: add "
              "aliases for them, or rebuild the site.", file=out)
        return EXIT_PROBLEMS
    print(f"All {checked} old addresses answer in {_shown(site)}.", file=out)
    return EXIT_OK


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    from .importer import ImportOptions, import_folder
    from .oldsite import SiteConfigError
    from .wordpress import ExportError, import_export

    project = load_project(args.config)
    settings = project.settings()
    source = Path(args.folder)
    if not source.is_dir() and not source.is_file():
        raise CommandError(f"{args.folder}: not a folder of posts or a WordPress export file")
    known = ", ".join(s.slug for s in settings.sections)
    section = args.section or settings.sections[0].slug
    if settings.section(section) is None:
        raise CommandError(f"--section {section!r} is not a section of this site; use one of: {known}")
    pairs = [p.rpartition(":") for p in (args.sections or "").split(",") if p.strip()]
    sections = {name.strip(): slug.strip() for name, _, slug in pairs}
    for name, slug in sections.items():
        if not name or settings.section(slug) is None:
            raise CommandError(f"--sections: {name!r}:{slug!r} does not map a category to a section "
                               f"of this site; write NAME:SECTION, SECTION one of: {known}")
    address_map = Path(args.address_map or f"import-{source.stem or 'posts'}-addresses.csv")
    options = ImportOptions(section=section, flavour=args.source_format, source_url=args.source_url or "",
                            dry_run=args.dry_run, permalink=args.permalink or "",
                            keep_expired=args.keep_expired, sections=sections, address_map=address_map,
                            fetch_images=args.fetch_images)
    try:
        if source.is_file():
            report = import_export(source, project.docs_dir, settings, options)
        else:
            report = import_folder(source, project.docs_dir, settings, options)
    except (ExportError, SiteConfigError) as exc:
        raise CommandError(str(exc)) from None
    for line in report.lines():
        print(line, file=out)
    return EXIT_OK if report.imported or not report.files else EXIT_PROBLEMS


def cmd_wechat(args: argparse.Namespace, out: TextIO) -> int:
    from .wechat_export import export

    load_project(args.config)  # a missing or unreadable mkdocs.yml: one line, exit code 2
    try:
        html_text = export(args.config, args.story)
    except MastheadError as exc:
        print(exc.report().replace("nothing was written", "no WeChat version was written"), file=sys.stderr)
        return EXIT_PROBLEMS
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    if args.output == "-":
        out.write(html_text)
    else:
        target = Path(args.output or Path(args.story).with_suffix(".wechat.html").name)
        try:
            target.write_text(html_text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{target}: cannot be written ({exc.strerror})") from None
        print(_shown(target), file=out)
    return EXIT_OK


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# -- entry point ---------------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="masthead", description="Masthead's tools for editors "
                                "(new, check, import) and for the site's developer (init, upgrade).")
    p.add_argument("-f", "--config", default="mkdocs.yml",
                   help="the site's mkdocs.yml (default: %(default)s)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new = sub.add_parser("new", help="create a story file with its front matter filled in",
                         description="Create docs/<section>/<name>.md (a draft) and print its path. "
                         "The name comes from the title (pinyin for Chinese); an existing file is never "
                         "overwritten: a taken name gets -2, -3… and a taken --slug is refused.")
    new.add_argument("section", help="section slug, e.g. news")
    new.add_argument("title", help='the headline, in quotes: "Huaxin opens a plant"')
    new.add_argument("--slug", help="file name to use instead of one made from the title")
    new.add_argument("--lang", choices=["zh", "zh-Hant", "en"],
                     help="language of the story (default: from the title)")
    new.add_argument("--publish", action="store_true", help="do not mark the story as a draft")
    new.add_argument("--story-id", help="pair it with its translation in the other edition (the "
                                        "same story_id in both files; sites with editions)")
    new.set_defaults(run=cmd_new)

    check = sub.add_parser("check", help="check every story and setting the way the build does",
                           description="Run the build's checks without building: every problem as "
                           "file:line: field: message (fix), then a summary. Exit code 1 if any.")
    check.add_argument("--format", choices=["text", "github"], default="text",
                       help="github: GitHub Actions annotations on the faulty lines")
    check.add_argument("--redirects", action="store_true",
                       help="also confirm in the built site (mkdocs build first) that every alias "
                            "has its redirect page, pointing at a page that exists")
    check.add_argument("--map", metavar="FILE.csv",
                       help="with --redirects: also every old address of this address map "
                            "(columns old,new; masthead import writes it)")
    check.set_defaults(run=cmd_check)

    imp = sub.add_parser("import", help="copy a Hugo, Jekyll or Pelican folder or a WordPress export "
                         "into docs/",
                         description="Convert the posts below FOLDER (or in a WordPress export file) into "
                         "stories in docs/<section>/, each with its old address as an alias; report "
                         "everything that could not be mapped and write the address map (CSV).")
    imp.add_argument("folder", help="the folder of posts, e.g. ../blog/content/posts or ../blog/_posts, "
                     "or a WordPress export, e.g. site.WordPress.2024-05-06.xml")
    imp.add_argument("--section",
                     help="section for posts whose category is not a section (default: the first)")
    imp.add_argument("--from", dest="source_format", choices=["auto", "hugo", "jekyll", "pelican"],
                     default="auto", help="the generator the posts were written for (default: guess)")
    imp.add_argument("--source-url", help="the old site's address, e.g. https://blog.example.org: "
                     "links and images to its pages that were not imported point there")
    imp.add_argument("--permalink", help="the old site's address rule in its own syntax, when its "
                     "configuration is not at hand, e.g. /:year/:month/:slug/ or {date:%%Y}/{slug}.html")
    imp.add_argument("--sections", help='categories to sections, e.g. "行业新闻:news,Reviews:new-vehicles"')
    imp.add_argument("--keep-expired", action="store_true",
                     help="import posts whose expiry date has passed (without the date)")
    imp.add_argument("--fetch-images", action="store_true",
                     help="WordPress: copy the old site's pictures into docs/ instead of linking to them")
    imp.add_argument("--address-map", help="where to write the old → new address map "
                     "(default: import-<source>-addresses.csv here)")
    imp.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    imp.set_defaults(run=cmd_import)

    wechat = sub.add_parser("wechat", help="write a story as HTML to paste into the WeChat account's editor",
                            description="Render STORY as the site does, with every style inline, links "
                            "as numbered notes and pictures by their address on the published site "
                            "(site_url). Writes <name>.wechat.html in this folder, or FILE, or prints "
                            "it with -o -.")
    wechat.add_argument("story", help="the story's file, e.g. docs/news/plant-opens.md")
    wechat.add_argument("-o", "--output", metavar="FILE", help="where to write it; - prints it")
    wechat.set_defaults(run=cmd_wechat)

    from . import init, upgrade  # the developer's commands, each in its own module

    init.register(sub)
    upgrade.register(sub)
    return p


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run one command; the exit code: 0 fine, 1 problems found, 2 the command could not run."""
    out = out or sys.stdout
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args, out)
    except CommandError as exc:
        print(f"masthead {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DateError as exc:
        print(f"masthead {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return code


if __name__ == "__main__":
    sys.exit(main())
