"""Real builds with pictures: the markup, the published files, the cache, share cards, faults."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import Tag
from PIL import Image

from tests.conftest import Site, article, settings, write_site
from tests.imaging import photo, png_header

MakeSite = Callable[..., Site]
SITE_URL = "https://example.org/ledger/"
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360">'
       b'<rect width="640" height="360" fill="#369"/></svg>')


def newsroom(make_site: MakeSite, **images: object) -> Site:
    files: dict[str, str | bytes] = {
        "assets/photo.jpg": photo(2000, 1125),
        "assets/chart.png": photo(1200, 600, "PNG", seed=2),
        "assets/drawing.svg": SVG,
        "assets/logo.png": photo(128, 128, "PNG", seed=4),
        "news/photo.md": article("Plant opens", "2025-03-14 09:30", image="../assets/photo.jpg",
                                 image_alt="The new plant", body=(
                                     "First paragraph.\n\n![Sales by month](../assets/chart.png)\n\n"
                                     "Last paragraph.")),
        "news/drawing.md": article("Drawn story", "2025-03-13 09:30", image="../assets/drawing.svg",
                                   image_alt="A blue field"),
        "economy/zh.md": article("新能源汽车销量创新高，出口同比增长三成", "2025-03-12 09:30", lang="zh"),
    }
    masthead = settings(images={"card_logo": "assets/logo.png", **images})
    return make_site(files, masthead=masthead, site_url=SITE_URL)


def published(site: Site, page_url: str, ref: str) -> Path:
    """The file a URL written on the page at ``page_url`` points to."""
    path = urlsplit(urljoin(SITE_URL + page_url, ref)).path.removeprefix(urlsplit(SITE_URL).path)
    return site.out / path


def srcset_files(site: Site, page_url: str, srcset: str) -> list[tuple[Path, int]]:
    out = []
    for candidate in srcset.split(", "):
        ref, width = candidate.split()
        out.append((published(site, page_url, ref), int(width.removesuffix("w"))))
    return out


def check_picture(site: Site, page_url: str, picture: Tag, widths: list[int]) -> None:
    """Every candidate of every format exists, has the stated width, and the formats agree."""
    source, img = picture.select_one("source"), picture.img
    assert source["type"] == "image/webp"
    for srcset, fmt in ((source["srcset"], "WEBP"), (img["srcset"], None)):
        files = srcset_files(site, page_url, srcset)
        assert [w for _, w in files] == widths
        for path, width in files:
            with Image.open(path) as image:
                assert image.width == width, path
                assert fmt is None or image.format == fmt
    assert published(site, page_url, img["src"]).is_file()
    assert source["sizes"] == img["sizes"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """One newsroom built once for the read-only tests of this module."""
    root = tmp_path_factory.mktemp("images") / "newsroom"
    site = newsroom(lambda files, **kw: write_site(root, files, **kw))
    result = site.build("--strict")
    assert result.returncode == 0, result.stderr
    return site


def test_article_figure_is_a_responsive_picture_loaded_first(built: Site) -> None:
    page = built.html("news/photo/")
    picture = page.select_one(".mh-article__figure picture")
    assert picture is not None
    check_picture(built, "news/photo/", picture, [480, 960, 1600])
    img = picture.img
    assert (img["width"], img["height"]) == ("1600", "900")
    assert img["alt"] == "The new plant"
    assert img.get("fetchpriority") == "high" and not img.get("loading")
    assert img["src"].endswith("-960.jpg")


def test_body_images_are_pictures_loaded_lazily(built: Site) -> None:
    page = built.html("news/photo/")
    picture = page.select_one(".mh-article__body picture")
    assert picture is not None
    check_picture(built, "news/photo/", picture, [480, 960, 1200])
    img = picture.img
    assert img["alt"] == "Sales by month" and img["loading"] == "lazy"
    assert (img["width"], img["height"]) == ("1200", "600")


def test_story_cards_use_small_thumbnails_never_the_original(built: Site) -> None:
    section = built.html("news/")
    media = section.select(".mh-card__media")
    pictures = [m.picture for m in media if m.picture]
    assert len(pictures) == 1
    check_picture(built, "news/", pictures[0], [320, 640])
    img = pictures[0].img
    assert (img["width"], img["height"]) == ("640", "360") and img["loading"] == "lazy"
    for page_url in ("", "news/", "economy/", "news/photo/", "news/drawing/"):
        html = (built.out / page_url / "index.html").read_text(encoding="utf-8")
        # JSON-LD (structured data for crawlers, not a picture readers download) may name the original.
        html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
        assert "photo.jpg" not in html and "chart.png" not in html, page_url


def test_search_results_show_the_smallest_card_thumbnail_not_the_figure(built: Site) -> None:
    page = built.html("news/photo/")
    metas = page.select("[data-pagefind-meta*=image]")
    assert [m.name for m in metas] == ["span"] and metas[0].has_attr("hidden")
    with Image.open(published(built, "news/photo/", metas[0]["data-image"])) as image:
        assert (image.format, image.size) == ("JPEG", (320, 180))
    assert page.select_one(".mh-article__figure img").get("data-pagefind-meta") is None
    svg = built.html("news/drawing/").select_one("[data-pagefind-meta*=image]")
    assert published(built, "news/drawing/", svg["data-image"]).read_bytes() == SVG


def test_front_page_lead_is_eager_and_the_rest_lazy(built: Site) -> None:
    front = built.html("")
    lead = front.select_one(".mh-front__lead picture img")
    assert lead is not None and lead.get("fetchpriority") == "high" and not lead.get("loading")
    lazy = [img for img in front.select("img") if img is not lead]
    assert lazy and all(img.get("loading") == "lazy" for img in lazy)


def test_svg_is_published_untouched_with_its_size(built: Site) -> None:
    img = built.html("news/drawing/").select_one(".mh-article__figure img")
    assert img is not None and img.find_parent("picture") is None
    assert (img["width"], img["height"]) == ("640", "360")
    assert published(built, "news/drawing/", img["src"]).read_bytes() == SVG


def test_every_article_has_a_1200_by_630_share_image(built: Site) -> None:
    kinds = {}
    for url in ("news/photo/", "news/drawing/", "economy/zh/"):
        page = built.html(url)
        image = page.select_one('meta[property="og:image"]')["content"]
        assert image.startswith(SITE_URL)
        assert page.select_one('meta[name="twitter:image"]')["content"] == image
        assert page.select_one('meta[name="twitter:card"]')["content"] == "summary_large_image"
        meta = {m["property"]: m["content"] for m in page.select('meta[property^="og:image:"]')}
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
        with Image.open(published(built, url, image)) as picture:
            assert picture.size == (1200, 630)
            kinds[url] = (picture.format, meta["og:image:type"], meta["og:image:alt"])
    assert kinds["news/photo/"] == ("JPEG", "image/jpeg", "The new plant")  # the story's photo
    assert kinds["news/drawing/"] == ("PNG", "image/png", "Drawn story")  # an SVG is never drawn
    assert kinds["economy/zh/"] == ("PNG", "image/png", "新能源汽车销量创新高，出口同比增长三成")
    # Listings show the site's own card (issue 13), not a story's.
    listing = built.html("news/").select_one('meta[property="og:image"]')["content"]
    assert listing.startswith(SITE_URL + "assets/") and listing not in {
        built.html(url).select_one('meta[property="og:image"]')["content"] for url in kinds}


def test_a_rebuild_reuses_the_cache_and_gives_identical_files(built: Site) -> None:
    cache = built.root / ".cache" / "masthead"
    before = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
    images = {p.name: p.read_bytes() for p in (built.out / "assets/img").iterdir()}
    assert before and images
    result = built.build("--strict")
    assert result.returncode == 0, result.stderr
    after = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
    assert after == before, "nothing in the cache was made again"
    # Without the cache (a fresh clone), the same bytes come out.
    shutil.rmtree(cache)
    assert built.build("--strict").returncode == 0
    assert {p.name: p.read_bytes() for p in (built.out / "assets/img").iterdir()} == images


def test_a_changed_image_gets_new_files_and_the_page_follows(make_site: MakeSite) -> None:
    site = newsroom(make_site)
    assert site.build("--strict").returncode == 0
    old = site.html("news/photo/").select_one(".mh-article__figure img")["src"]
    (site.root / "docs/assets/photo.jpg").write_bytes(photo(1800, 1000, seed=5))
    assert site.build("--strict").returncode == 0
    img = site.html("news/photo/").select_one(".mh-article__figure img")
    assert img["src"] != old and (img["width"], img["height"]) == ("1600", "889")
    assert not published(site, "news/photo/", old).exists()  # the old variant is not published


def test_a_changed_setting_remakes_the_variants(make_site: MakeSite) -> None:
    site = newsroom(make_site)
    assert site.build("--strict").returncode == 0
    cfg = (site.root / "mkdocs.yml").read_text(encoding="utf-8")
    (site.root / "mkdocs.yml").write_text(cfg.replace("card_logo: assets/logo.png",
                                                      "card_logo: assets/logo.png\n      widths: [400, 800]"),
                                          encoding="utf-8")
    assert site.build("--strict").returncode == 0
    picture = site.html("news/photo/").select_one(".mh-article__figure picture")
    check_picture(site, "news/photo/", picture, [400, 800])


def test_bad_images_stop_the_build_naming_each_article_and_file(make_site: MakeSite) -> None:
    files: dict[str, str | bytes] = {
        "assets/broken.jpg": b"\xff\xd8\xff\xe0 not really a jpeg",
        "assets/huge.png": png_header(12000, 9000),
        "assets/entities.svg": b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>',
        "news/a.md": article("A", image="../assets/broken.jpg", image_alt=""),
        "news/b.md": article("B", body="Intro.\n\n![Big](../assets/huge.png)\n"),
        "news/c.md": article("C", image="../assets/entities.svg", image_alt="x"),
    }
    site = make_site(files)
    (site.root / "site").mkdir()
    (site.root / "site" / "index.html").write_text("old site", encoding="utf-8")
    result = site.build("--strict")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "news/a.md:4: image: assets/broken.jpg: cannot be read as an image" in result.stderr
    assert ("news/b.md:8: body image: assets/huge.png: is 12000 × 9000 px (108 megapixels), more "
            "than the limit of 40") in result.stderr
    assert "news/c.md:4: image: assets/entities.svg: declares XML entities" in result.stderr
    assert (site.root / "site" / "index.html").read_text(encoding="utf-8") == "old site"


def test_process_false_publishes_originals_with_their_size(make_site: MakeSite) -> None:
    site = newsroom(make_site, process=False)
    assert site.build("--strict").returncode == 0
    img = site.html("news/photo/").select_one(".mh-article__figure img")
    assert img.find_parent("picture") is None and img["src"] == "../../assets/photo.jpg"
    assert (img["width"], img["height"]) == ("2000", "1125")
    assert not (site.out / "assets/img").exists() or not list((site.out / "assets/img").glob("*.webp"))


def test_image_settings_errors_name_the_key(make_site: MakeSite) -> None:
    site = make_site({"news/a.md": article("A")}, masthead=settings(images={"jpeg_quality": 5}))
    result = site.build("--strict")
    assert result.returncode == 1
    assert "mkdocs.yml: extra.masthead.images.jpeg_quality: expected a whole number from 30 to 100" \
        in result.stderr


def test_card_image_of_a_jpeg_is_cropped_not_stretched(built: Site) -> None:
    image = built.html("news/photo/").select_one('meta[property="og:image"]')["content"]
    with Image.open(published(built, "news/photo/", image)) as card:
        source = Image.open(io.BytesIO(photo(2000, 1125)))
        # The card is the centre of the photo: its middle row matches the photo's middle row.
        left = source.crop((0, 562, 2000, 563)).resize((1, 1)).getpixel((0, 0))
        right = card.convert("RGB").crop((0, 315, 1200, 316)).resize((1, 1)).getpixel((0, 0))
        assert all(abs(a - b) < 12 for a, b in zip(left, right, strict=True))
