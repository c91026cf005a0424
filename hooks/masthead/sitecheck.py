"""`masthead check`: the build's own validation over the whole site, without rendering a page.

It runs exactly what the build runs before writing anything (``settings.load_settings`` and
``Newsroom.load``), so "check passes" means "the build will not stop on the newsroom's content".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .addresses import Lost, MapRow, answers, lost_addresses
from .catalog import Catalog
from .errors import Fault, MastheadError
from .newsroom import Newsroom
from .settings import CONFIG_FILE, load_settings
from .sitemaps import previous_sitemap, read_locs
from .wechat import load_theme


@dataclass(frozen=True)
class CheckReport:
    faults: tuple[Fault, ...]
    catalog: Catalog | None = None
    authors: int = 0
    where: dict[str, str] = field(default_factory=dict)  # fault file -> path shown to the editor
    lost: tuple[Lost, ...] = ()  # addresses of the last build nothing answers now (warnings)

    @property
    def ok(self) -> bool:
        return not self.faults

    def path(self, fault: Fault) -> str:
        return self.where.get(fault.file, fault.file)


def check_site(
    raw_settings: object,
    *,
    docs_dir: Path,
    config_file: Path | None = None,
    site_name: str = "",
    directory_urls: bool = True,
    now: dt.datetime | None = None,
    base: Path | None = None,
    site_dir: Path | None = None,
    site_url: str = "",
    cache: Path | None = None,
) -> CheckReport:
    """Validate settings and every article, story list and authors file; never raises on content.

    Fault paths are shown relative to ``base`` (the working folder): ``docs/news/x.md``.
    ``site_dir`` and ``site_url``: the last build's sitemap there names the addresses it published;
    those no story or alias answers any more are reported as ``lost`` (warnings). Without a built
    site there, the copy the last build kept in ``cache`` (the build cache) stands in for it.
    """
    faults: list[Fault] = []
    catalog: Catalog | None = None
    room: Newsroom | None = None
    try:
        settings = load_settings(raw_settings, site_name=site_name, docs_dir=docs_dir)
    except MastheadError as exc:
        faults.extend(exc.faults)
    else:
        try:  # the WeChat version's theme, checked as the build checks it
            load_theme(settings.extra.get("wechat"))
        except MastheadError as exc:
            faults.extend(exc.faults)
        room = Newsroom(settings, directory_urls=directory_urls, now=now)
        try:
            catalog = room.load(docs_dir)
        except MastheadError as exc:
            faults.extend(exc.faults)
    where = _display_paths(faults, docs_dir, config_file, base)
    if config_file is not None and config_file.is_file():
        text = config_file.read_text(encoding="utf-8")
        faults = [_with_config_line(f, text) for f in faults]
    ordered = MastheadError(faults).faults if faults else []
    lost: list[Lost] = []
    if catalog is not None and room is not None and site_dir is not None and site_url:
        previous = read_locs(previous_sitemap(site_dir, cache))
        reserved, pages = room.reserved, {room.page_url(uri) for uri in room.generated}
        lost = lost_addresses(previous, site_url, catalog,
                              lambda url: url in pages or reserved(url) is not None)
    return CheckReport(tuple(ordered), catalog, len(room.staff.authors) if room else 0, where, tuple(lost))


def check_redirects(catalog: Catalog, site_dir: Path, rows: Iterable[MapRow] = (),
                    map_name: str = "") -> tuple[list[str], list[str]]:
    """Problems (an old address the built site does not answer) and notes (map rows that cannot
    be checked), one line each."""
    problems, notes = [], []
    for redirect in catalog.redirects():
        if why := answers(site_dir, redirect.url):
            problems.append(f"/{redirect.url} (alias of docs/{_source(catalog, redirect.target)}): {why}")
    for row in rows:
        if row.url is None:
            notes.append(f"{map_name}:{row.line}: {row.old}: {row.note}; not checked")
        elif why := answers(site_dir, row.url):
            problems.append(f"{map_name}:{row.line}: /{row.url}: {why}")
    return problems, notes


def _source(catalog: Catalog, url: str) -> str:
    return next((a.src_uri for a in catalog.articles if a.url == url), url)


def _display_paths(faults: Iterable[Fault], docs_dir: Path, config_file: Path | None,
                   base: Path | None) -> dict[str, str]:
    def shown(path: Path) -> str:
        if base is not None:
            try:
                return path.resolve().relative_to(base.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    where: dict[str, str] = {}
    for fault in faults:
        if fault.file == CONFIG_FILE and config_file is not None:
            where[fault.file] = shown(config_file)
        else:
            where[fault.file] = shown(docs_dir / fault.file)
    return where


def _with_config_line(fault: Fault, config_text: str) -> Fault:
    if fault.file != CONFIG_FILE or fault.line is not None:
        return fault
    line = config_line(config_text, fault.field)
    return Fault(fault.file, line, fault.field, fault.message, fault.fix) if line else fault


def config_line(config_text: str, dotted: str) -> int | None:
    """Line of ``extra.masthead.sections[1].slug`` in mkdocs.yml (tags such as !ENV are fine:
    the YAML is only composed, never constructed); the nearest existing parent if it is absent."""
    try:
        node: yaml.Node | None = yaml.compose(config_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line: int | None = None
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", dotted):
        child: yaml.Node | None = None
        if part.startswith("[") and isinstance(node, yaml.SequenceNode):
            index = int(part[1:-1])
            if index < len(node.value):
                child = node.value[index]
                line = child.start_mark.line + 1
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    child, line = value, key.start_mark.line + 1
                    break
        if child is None:
            break
        node = child
    return line


# -- output ----------------------------------------------------------------------------------


def text_lines(report: CheckReport) -> list[str]:
    """``docs/news/x.md:3: date: cannot read … (write it as …)``, one per fault."""
    return [Fault(report.path(f), f.line, f.field, f.message, f.fix).format() for f in report.faults]


def warning_lines(report: CheckReport, github: bool = False) -> list[str]:
    """One line per address the last build published that nothing answers now."""
    if github:
        return [f"::warning title=Masthead: address lost::{_escape_data(lost.message())}"
                for lost in report.lost]
    return [f"warning: {lost.message()}" for lost in report.lost]


def github_lines(report: CheckReport) -> list[str]:
    """GitHub Actions workflow commands: each fault shows on its line in the pull request."""
    lines = []
    for f in report.faults:
        props = {"file": report.path(f)}
        if f.line:
            props["line"] = str(f.line)
        props["title"] = f"Masthead: {f.field}"
        head = ",".join(f"{k}={_escape_property(v)}" for k, v in props.items())
        message = f"{f.message} ({f.fix})" if f.fix else f.message
        lines.append(f"::error {head}::{_escape_data(message)}")
    return lines


def summary(report: CheckReport) -> str:
    if not report.ok:
        n, files = len(report.faults), len({f.file for f in report.faults})
        return (f"Masthead found {n} problem{'s' if n != 1 else ''} in {files} "
                f"file{'s' if files != 1 else ''}; the build would stop.")
    catalog = report.catalog
    assert catalog is not None
    parts = [f"{len(catalog.articles)} published"]
    if catalog.drafts:
        parts.append(f"{len(catalog.drafts)} draft{'s' if len(catalog.drafts) != 1 else ''}")
    if catalog.expired:
        parts.append(f"{len(catalog.expired)} expired")
    if catalog.scheduled:
        parts.append(f"{len(catalog.scheduled)} scheduled (next: {catalog.scheduled[-1].src_uri} "
                     f"at {catalog.scheduled[-1].date.astimezone(catalog.settings.timezone):%Y-%m-%d %H:%M})")
    stories = len(catalog.by_src)
    staff = f", {report.authors} author{'s' if report.authors != 1 else ''}" if report.authors else ""
    lost = len(report.lost)
    warned = f"; {lost} address{'es' if lost != 1 else ''} of the last build lost (see above)" if lost else ""
    checked = f"Checked {stories} stor{'ies' if stories != 1 else 'y'} ({', '.join(parts)}){staff}"
    return f"{checked}: no problems{warned}."


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")

