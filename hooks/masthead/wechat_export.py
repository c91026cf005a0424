"""The WeChat version of a story, from a site's own data: shared by the build and the CLI.

``story_of`` turns a story of the newsroom (its Article, rendered body, byline, promo and
disclaimer) into the plain ``wechat.Story``; ``picture_file`` picks the published picture WeChat
fetches. ``export`` is `masthead wechat`: it reads mkdocs.yml and the stories like the build,
renders the one story's Markdown with the site's own Markdown setup, and sanitises it the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import charts, i18n
from .article import Article
from .errors import MastheadError
from .images import ImageStore, Use, body_image_line
from .sanitize import sanitize_html
from .slugs import heading_ids
from .social import promo_line
from .wechat import Links, Promo, Story, Theme, labels, load_theme, render_story

if TYPE_CHECKING:
    from .newsroom import Newsroom

# Pictures WeChat fetches: the largest variant at most this wide (a phone screen at 3x is
# ~1080 px; WeChat shrinks larger ones itself, and rejects files over 10 MB).
PICTURE_WIDTH = 1080


def theme_of(room: Newsroom) -> Theme:
    """The WeChat article theme of the newsroom's settings (raises MastheadError)."""
    return load_theme(room.settings.extra.get("wechat"))


def story_of(room: Newsroom, article: Article, body_html: str, *, source_text: str = "") -> Story:
    """The plain values of ``article`` the WeChat version shows, as the site shows them."""
    lang = article.lang
    byline = []
    if article.authors:
        byline.append(("author", "、".join(article.authors) if i18n.family(lang) == "zh"
                       else ", ".join(article.authors)))
    byline.append(("source", article.source))
    byline.append(("published", room.format_date(article.date, lang)))
    if article.updated:
        byline.append(("updated", room.format_date(article.updated, lang)))
    dateline = ""
    if article.dateline:
        place = article.dateline.upper() if lang == "en" else article.dateline
        comma = "，" if lang.startswith("zh") else ", "
        dateline = f"{place}{comma}{article.source} — "
    promo = None
    wechat = room.social.wechat
    if wechat is not None and (line := promo_line(wechat, article, lang)):
        promo = Promo(line, wechat.account, wechat.id)
    return Story(src_uri=article.src_uri, url=article.url, lang=lang, title=article.title,
                 standfirst=article.deck or article.standfirst,  # as the story page shows it
                 byline=tuple(byline), body_html=body_html,
                 dateline=dateline, image=article.image, image_alt=article.image_alt, promo=promo,
                 disclaimer=room.settings.disclaimer, source_text=source_text)


class Titles(Mapping[str, str]):
    """Site-relative URL of every story -> its title (links to them become titled notes)."""

    def __init__(self, by_url: Mapping[str, Article]) -> None:
        self.by_url = by_url

    def __getitem__(self, url: str) -> str:
        return self.by_url[url].title

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_url)

    def __len__(self) -> int:
        return len(self.by_url)


_by_url: dict[str, Any] = {}  # the catalog last asked about, and its stories by URL


def stories_by_url(room: Newsroom) -> Mapping[str, Article]:
    """Every story of the newsroom by its site-relative URL, made once per catalog (a page of
    `mkdocs serve` asks for it; 10 000 stories times 10 000 pages would be slow)."""
    catalog = room.require_catalog()
    if _by_url.get("catalog") is not catalog:
        _by_url.clear()
        _by_url.update(catalog=catalog, stories={a.url: a for a in catalog.by_src.values()})
    stories: Mapping[str, Article] = _by_url["stories"]
    return stories


def picture_file(store: ImageStore, path: str, use: Use | None) -> str | None:
    """The published file WeChat fetches for the picture at site-relative ``path``: the largest
    variant in the picture's own format (JPEG or PNG) at most ``PICTURE_WIDTH`` wide, else the
    original (SVG, animated GIF, pipeline off). None for a file the pipeline cannot read (a
    fault for ``use``; with no ``use``, only pictures the build already made are looked at)."""
    found = store.sets.get(path) or (store.get(path, use) if use is not None else None)
    if found is None:
        return None
    own = found.full.own
    if own is None:
        return found.source
    fitting = [v for v in own.variants if v.width <= PICTURE_WIDTH] or [own.variants[0]]
    return fitting[-1].path


def render(room: Newsroom, article: Article, body_html: str, *, site_url: str,
           picture: Callable[[str], str | None], source_text: str = "") -> tuple[str, tuple[Article, ...]]:
    """The WeChat HTML of one story, and the stories it links to (their titles are in its
    notes); raises MastheadError for pictures without a public URL."""
    by_url = stories_by_url(room)
    links = Links(site_url=_slash(site_url), titles=Titles(by_url), picture=picture)
    story = story_of(room, article, body_html, source_text=source_text)
    html_text = render_story(story, theme_of(room), links)
    return html_text, tuple(by_url[url] for url in sorted(links.used) if url in by_url)


def copy_button(room: Newsroom, store: ImageStore, article: Article, body_html: str, *,
                site_url: str) -> dict[str, Any]:
    """What a story page's "Copy for WeChat" button needs: the HTML, or the problem that keeps
    the story from having a WeChat version; and the button's labels."""
    text = labels(article.lang)
    view = {"label": text["copy"], "copied": text["copied"], "failed": text["failed"]}

    def picture(path: str) -> str | None:  # the page's pictures: made (or reported) already
        return picture_file(store, path, None)

    try:
        html_text, linked = render(room, article, body_html, site_url=site_url, picture=picture)
    except MastheadError as exc:
        return {**view, "problem": "; ".join(f.format() for f in exc.faults)}
    # The linked stories are not drawn: they tell `mkdocs serve` to rebuild this page when one
    # of them is retitled (masthead_perf notes the stories a page's context holds).
    return {**view, "html": html_text, "stories": linked}


def published_site_url(config_file: str) -> str:
    """``site_url`` as mkdocs.yml sets it: in `mkdocs serve` the config holds the server's own
    address instead, which WeChat cannot fetch pictures from."""
    from mkdocs.utils.yaml import yaml_load

    with open(config_file, encoding="utf-8") as f:
        value = yaml_load(f).get("site_url")
    return value if isinstance(value, str) else ""


def _slash(url: str) -> str:
    return url if not url or url.endswith("/") else url + "/"


# -- `masthead wechat` ---------------------------------------------------------------------------


def export(config_file: str, story_path: str) -> str:
    """`masthead wechat STORY`: the story's WeChat HTML; MastheadError or ValueError on problems."""
    return Exporter(config_file).render(Path(story_path))


class Exporter:
    """A site read once (mkdocs.yml, every story, the Markdown setup), to render stories from."""

    def __init__(self, config_file: str) -> None:
        from mkdocs.config import load_config
        from mkdocs.structure.files import get_files

        from .dates import build_time
        from .images import load_image_settings
        from .mdrender import Renderer, Setup, Target
        from .newsroom import Newsroom
        from .social import load_with_social

        config = load_config(config_file)
        self.docs_dir = docs_dir = Path(config.docs_dir)
        self.site_url = config.site_url or ""
        settings, social = load_with_social(config.extra.get("masthead"), site_name=config.site_name,
                                            docs_dir=docs_dir)
        self.room = Newsroom(settings, directory_urls=config.use_directory_urls, now=build_time(),
                             site_url=self.site_url, social=social)
        self.room.load(docs_dir)
        theme_of(self.room)  # a bad theme setting is reported before anything is rendered
        targets = {f.src_uri: Target(f.src_uri, f.url) for f in get_files(config)}
        links = config.validation.links
        # the ```chart fence and heading ids, as the event file adds them in on_config
        configs = heading_ids(charts.superfences_config(dict(config.mdx_configs or {})))
        setup = Setup(extensions=tuple(config.markdown_extensions), extension_configs=configs,
                      use_directory_urls=config.use_directory_urls,
                      absolute_links=int(links.absolute_links),
                      unrecognized_links=int(links.unrecognized_links), not_found=int(links.not_found),
                      log_level=logging.ERROR)  # a broken link is `masthead check`'s and the build's
        self.renderer = Renderer(setup, targets)
        images = load_image_settings(settings.extra.get("images"), docs_dir=docs_dir)
        cache = (Path(config.config_file_path).parent / images.cache_dir).resolve()
        self.store = ImageStore(images, docs_dir, cache)

    def render(self, story: Path) -> str:
        """The WeChat HTML of the story file ``story``."""
        src_uri = _src_uri(self.docs_dir, story)
        article = self.room.require_catalog().by_src.get(src_uri)
        if article is None:
            raise ValueError(f"{story}: not a story of this site (stories are the .md files "
                             "in the section folders of docs/)")
        rendered = self.renderer.render(src_uri, article.url, False, article.body)
        # As the build does: sanitised, then the story's charts drawn into their placeholders.
        body = charts.fill(sanitize_html(rendered.html), self.room.charts.get(src_uri, {}))
        source_text = (self.docs_dir / src_uri).read_text(encoding="utf-8")

        def picture(path: str) -> str | None:
            line = None if path == article.image else body_image_line(source_text, path)
            use = Use(src_uri, line, "image" if path == article.image else "body image")
            return picture_file(self.store, path, use)

        html_text, _ = render(self.room, article, body, site_url=self.site_url, picture=picture,
                              source_text=source_text)
        self.store.raise_faults()
        return html_text


def _src_uri(docs_dir: Path, story: Path) -> str:
    """The story's path below docs/ (POSIX), whether given from the site folder or absolute."""
    try:
        rel = story.resolve().relative_to(docs_dir.resolve())
    except ValueError:
        raise ValueError(f"{story}: not a file in {docs_dir}; give the story's path, e.g. "
                         "docs/news/plant-opens.md") from None
    if not story.is_file():
        raise ValueError(f"{story}: no such file")
    return rel.as_posix()
