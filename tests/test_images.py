"""The image pipeline alone: variants, safety limits, SVG sizes, the cache, body markup."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from masthead.errors import MastheadError
from masthead.images import (
    ImageCache,
    ImageProblem,
    ImageSettings,
    ImageStore,
    Use,
    load_image_settings,
    make_variants,
    resolve_src,
    rewrite_body,
    svg_size,
    target_widths,
)
from tests.imaging import animated_gif, photo, png_header, size_of

CFG = ImageSettings()


def by_name(outputs: list) -> dict:  # type: ignore[type-arg]
    return {o.name: o for o in outputs}


# -- variants -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "widths"), [
    (2400, [480, 960, 1600]),
    (1600, [480, 960, 1600]),
    (1200, [480, 960, 1200]),
    (960, [480, 960]),
    (300, [300]),
])
def test_target_widths_never_exceed_the_source(source: int, widths: list[int]) -> None:
    assert target_widths(source, (480, 960, 1600)) == widths


def test_a_large_jpeg_gets_webp_and_jpeg_at_every_width_thumbnails_and_a_share_card() -> None:
    fmt, width, height, outputs = make_variants(photo(2000, 1125), CFG)
    assert (fmt, width, height) == ("JPEG", 2000, 1125)
    files = by_name(outputs)
    assert sorted(files) == sorted([
        "480.webp", "480.jpg", "960.webp", "960.jpg", "1600.webp", "1600.jpg",
        "t320.webp", "t320.jpg", "t640.webp", "t640.jpg", "card.jpg"])
    for out in outputs:
        assert size_of(out.data) == (out.width, out.height), out.name
        expected = {"image/webp": "WEBP", "image/jpeg": "JPEG"}[out.mime]
        assert Image.open(io.BytesIO(out.data)).format == expected
    assert (files["960.jpg"].width, files["960.jpg"].height) == (960, 540)
    assert (files["t320.webp"].width, files["t320.webp"].height) == (320, 180)
    assert (files["card.jpg"].width, files["card.jpg"].height) == (1200, 630)
    assert len(files["480.webp"].data) < len(files["480.jpg"].data)


def test_a_small_png_is_never_upscaled_and_gets_no_share_card() -> None:
    fmt, _, _, outputs = make_variants(photo(300, 200, "PNG"), CFG)
    files = by_name(outputs)
    assert fmt == "PNG"
    assert {o.width for o in outputs if o.group == "full"} == {300}
    assert {o.width for o in outputs if o.group == "thumb"} == {300}  # the 16:9 crop is 300 wide
    assert "300.png" in files and "300.webp" in files and "card.jpg" not in files


def test_same_source_gives_byte_identical_variants() -> None:
    data = photo(1700, 900, seed=3)
    first = {o.name: o.data for o in make_variants(data, CFG)[3]}
    second = {o.name: o.data for o in make_variants(data, CFG)[3]}
    assert first == second


def test_metadata_is_stripped_and_exif_rotation_applied() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x0131] = "SecretCam 1.0"  # Software
    exif[0x010F] = "Maker"
    data = photo(1000, 500, exif=exif.tobytes(), comment=b"private note")
    _, width, height, outputs = make_variants(data, CFG)
    assert (width, height) == (500, 1000)  # upright
    for out in outputs:
        with Image.open(io.BytesIO(out.data)) as image:
            assert not image.getexif(), out.name
            assert "comment" not in image.info and "icc_profile" not in image.info, out.name
            assert b"SecretCam" not in out.data


def test_animated_gif_is_published_as_it_is() -> None:
    fmt, width, height, outputs = make_variants(animated_gif(), CFG)
    assert (fmt, width, height, outputs) == ("GIF", 120, 80, [])


def test_png_with_alpha_keeps_it_in_png_and_webp_and_flattens_the_jpeg_card() -> None:
    _, _, _, outputs = make_variants(photo(1300, 700, "PNG", alpha=True), CFG)
    files = by_name(outputs)
    assert Image.open(io.BytesIO(files["960.png"].data)).mode == "RGBA"
    assert Image.open(io.BytesIO(files["card.jpg"].data)).mode == "RGB"


# -- broken input ---------------------------------------------------------------------------------


def test_a_header_declaring_a_billion_pixels_is_refused_before_decoding() -> None:
    with pytest.raises(ImageProblem) as caught:
        make_variants(png_header(40_000, 30_000), CFG)
    assert caught.value.message.startswith("declares more than 179 million pixels")
    assert "decompression-bomb" in caught.value.message and "4000 px" in caught.value.fix


def test_an_image_over_max_pixels_names_the_limit_and_the_setting() -> None:
    with pytest.raises(ImageProblem) as caught:
        make_variants(png_header(9000, 6000), CFG)
    assert "9000 × 6000 px (54 megapixels), more than the limit of 40" in caught.value.message
    assert "extra.masthead.images.max_pixels" in caught.value.fix


def test_garbage_and_truncated_files_are_reported_not_crashed_on() -> None:
    with pytest.raises(ImageProblem, match="cannot be read as an image"):
        make_variants(b"this is not a picture at all" * 10, CFG)
    whole = photo(800, 600, progressive=False)
    with pytest.raises(ImageProblem, match="damaged"):
        make_variants(whole[: len(whole) // 2], CFG)


def test_formats_browsers_do_not_show_are_refused_with_a_fix() -> None:
    out = io.BytesIO()
    Image.new("RGB", (50, 50)).save(out, "BMP")
    with pytest.raises(ImageProblem) as caught:
        make_variants(out.getvalue(), CFG)
    assert "BMP" in caught.value.message and "JPEG" in caught.value.fix


# -- SVG ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("root", "size"), [
    ('width="1200" height="675" viewBox="0 0 1200 675"', (1200, 675)),
    ('viewBox="0 0 640 360"', (640, 360)),
    ('width="100%" viewBox="0 0 300 150"', (300, 150)),
    ('width="600px" viewBox="0 0 300 150"', (600, 300)),
    ('width="2.54cm" height="1in"', (96, 96)),
    ('', (0, 0)),
])
def test_svg_size_comes_from_the_root_element(root: str, size: tuple[int, int]) -> None:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" {root}><rect width="1" height="1"/></svg>'
    assert svg_size(svg.encode()) == size


def test_svg_with_entities_is_refused_without_expanding_them() -> None:
    laughs = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "haha"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
              '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&b;</text></svg>')
    with pytest.raises(ImageProblem, match="entities"):
        svg_size(laughs.encode())


def test_broken_svg_and_non_svg_xml_are_reported() -> None:
    with pytest.raises(ImageProblem, match="cannot be read as SVG"):
        svg_size(b"<svg width='10'")
    with pytest.raises(ImageProblem, match="not an SVG"):
        svg_size(b"<html><body/></html>")


# -- the cache ------------------------------------------------------------------------------------


def test_cache_hits_for_the_same_bytes_and_settings(tmp_path: Path) -> None:
    cache = ImageCache(tmp_path, CFG)
    data = photo(1000, 600)
    first = cache.get(data)
    meta = first.folder / "meta.json"
    stamp = meta.stat().st_mtime_ns
    second = ImageCache(tmp_path, CFG).get(data)  # a new build, the same folder
    assert (cache.misses, cache.hits) == (1, 0)
    assert second.digest == first.digest and meta.stat().st_mtime_ns == stamp


def test_a_changed_image_or_setting_is_made_again(tmp_path: Path) -> None:
    data = photo(1000, 600)
    base = ImageCache(tmp_path, CFG).get(data)
    edited = ImageCache(tmp_path, CFG)
    assert edited.get(photo(1000, 600, seed=9)).digest != base.digest and edited.misses == 1
    for changed in (ImageSettings(jpeg_quality=70), ImageSettings(widths=(400, 800)),
                    ImageSettings(webp_quality=60), ImageSettings(thumb_widths=(200,))):
        cache = ImageCache(tmp_path, changed)
        assert cache.get(data).digest != base.digest and cache.misses == 1
    # Where the cache lives and the card logo do not change a variant's bytes.
    same = ImageCache(tmp_path, ImageSettings(cache_dir="elsewhere", card_logo="x.png"))
    assert same.get(data).digest == base.digest and same.hits == 1


def test_a_damaged_cache_entry_is_made_again(tmp_path: Path) -> None:
    data = photo(1000, 600)
    entry = ImageCache(tmp_path, CFG).get(data)
    (entry.folder / "480.webp").unlink()
    cache = ImageCache(tmp_path, CFG)
    again = cache.get(data)
    assert cache.misses == 1 and (again.folder / "480.webp").is_file()


def test_the_store_names_every_use_of_a_broken_image(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "img").mkdir(parents=True)
    (docs / "img" / "bad.jpg").write_bytes(b"not a jpeg")
    (docs / "img" / "ok.png").write_bytes(photo(500, 300, "PNG"))
    store = ImageStore(CFG, docs, tmp_path / "cache")
    store.prepare(["img/bad.jpg", "img/ok.png", "img/gone.png"], workers=2)
    assert store.get("img/ok.png", Use("a.md", 3, "image")) is not None
    assert store.get("img/bad.jpg", Use("a.md", 8, "image")) is None
    assert store.get("img/bad.jpg", Use("b.md", 20, "body image")) is None
    assert store.get("img/gone.png", Use("c.md", 9, "image")) is None
    with pytest.raises(MastheadError) as caught:
        store.raise_faults()
    lines = caught.value.report().splitlines()[1:]
    assert lines[0].startswith("  a.md:8: image: img/bad.jpg: cannot be read as an image")
    assert lines[1].startswith("  b.md:20: body image: img/bad.jpg: cannot be read as an image")
    assert lines[2].startswith("  c.md:9: image: img/gone.png: the file does not exist")


# -- settings -------------------------------------------------------------------------------------


def test_image_settings_name_each_bad_key() -> None:
    with pytest.raises(MastheadError) as caught:
        load_image_settings({"widths": [480, "big"], "jpeg_quality": 101, "colour": "red",
                             "process": "yes", "card_logo": "logo.svg"})
    fields = {f.field for f in caught.value.faults}
    assert fields == {f"extra.masthead.images.{k}" for k in
                      ("widths", "jpeg_quality", "colour", "process", "card_logo")}
    assert load_image_settings({"widths": [1600, 480]}).widths == (480, 1600)
    assert load_image_settings(None) == ImageSettings()


# -- body images ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("src", "page", "path"), [
    ("../../assets/a.png", "news/story/", "assets/a.png"),
    ("../assets/a%20b.png", "news/story.html", "assets/a b.png"),
    ("/assets/a.png", "news/story/", "assets/a.png"),
    ("pic.png", "news/story/", "news/story/pic.png"),
    ("https://cdn.example.org/a.png", "news/story/", None),
    ("//cdn.example.org/a.png", "news/story/", None),
    ("data:image/png;base64,AAAA", "news/story/", None),
])
def test_resolve_src_follows_the_page_url(src: str, page: str, path: str | None) -> None:
    assert resolve_src(src, page) == path


def test_body_images_become_pictures_with_size_and_lazy_loading(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "assets").mkdir(parents=True)
    (docs / "assets" / "chart.png").write_bytes(photo(1200, 600, "PNG"))
    store = ImageStore(CFG, docs, tmp_path / "cache")

    def lookup(path: str, src: str) -> object:
        found = store.get(path, Use("news/story.md", None, "body image"))
        return found.full if found else None

    content = ('<p>Text <img alt="A chart" src="../../assets/chart.png" title="Sales" /></p>'
               '<p><img src="https://cdn.example.org/x.png" alt="remote"></p>'
               '<picture><img src="../../assets/chart.png" alt="editor\'s own"></picture>'
               '<img src="../../assets/chart.png" srcset="../../assets/chart.png 2x" alt="own srcset">')
    html = rewrite_body(content, "news/story/", lookup)  # type: ignore[arg-type]
    soup = BeautifulSoup(html, "html.parser")
    picture = soup.select_one("p > picture")
    assert picture is not None
    source = picture.select_one("source")
    assert source["type"] == "image/webp"
    assert [c.split()[1] for c in source["srcset"].split(", ")] == ["480w", "960w", "1200w"]
    img = picture.img
    assert img["alt"] == "A chart" and img["title"] == "Sales"
    assert (img["width"], img["height"]) == ("1200", "600")
    assert img["loading"] == "lazy" and img["src"].startswith("../../assets/img/")
    assert img["src"].endswith("-960.png")
    assert soup.select('img[alt="remote"]')[0]["src"] == "https://cdn.example.org/x.png"
    assert len(soup.select("picture")) == 2  # the editor's own <picture> is left alone
    assert soup.select_one('img[alt="own srcset"]')["srcset"] == "../../assets/chart.png 2x"
