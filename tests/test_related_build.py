"""Real builds: the "Related stories" block at the end of article pages."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Site, article, settings

MakeSite = Callable[..., Site]


def battery_desk() -> dict[str, str | bytes]:
    return {
        "news/plant.md": article("Huaxin opens battery plant", "2025-03-14 09:30",
                                 "The battery plant makes lithium cells for electric cars.",
                                 tags=["batteries"], image="../assets/cell.svg", image_alt="A cell"),
        "news/recycling.md": article("Battery recycling plant opens", "2025-03-10",
                                     "Old lithium cells from electric cars are recycled at a new plant.",
                                     tags=["batteries"]),
        "economy/cells.md": article("Lithium cell prices fall", "2025-03-12",
                                    "Prices of lithium battery cells fell again.", tags=["batteries"],
                                    image="../assets/cell.svg", image_alt="A cell"),
        "economy/rates.md": article("Central bank cuts rates", "2025-03-11",
                                    "Loans get cheaper as the central bank cuts its interest rate."),
        "news/zh.md": article("电池回收产能扩张", "2025-03-13", "多家企业扩建动力电池回收工厂。", lang="zh",
                              tags=["电池"]),
        "news/zh-2.md": article("动力电池价格下降", "2025-03-09", "动力电池价格继续下降，电池企业利润承压。",
                                lang="zh", tags=["电池"]),
        "news/off.md": article("A story without the block", "2025-03-08", "Battery plant cells.",
                               related=False),
        "news/pinned.md": article("Pinned relations", "2025-03-07", "Battery plant cells.",
                                  related=["../economy/rates.md"]),
        "assets/cell.svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"/>',
    }


def test_article_pages_end_with_related_stories_title_link_date_section_and_picture(
    make_site: MakeSite,
) -> None:
    site = make_site(battery_desk(), masthead=settings(related={"count": 2}))
    result = site.build("--strict")
    assert result.returncode == 0, result.stderr
    page = site.html("news/plant/")
    block = page.select_one("article.mh-article > aside.mh-related")
    assert block is not None and block.h2.get_text(strip=True) == "Related stories"
    assert block.has_attr("data-pagefind-ignore")  # other stories' headlines stay out of this one's index
    assert block["aria-labelledby"] == block.h2["id"]
    items = block.select("li.mh-related__item")
    assert [i.select_one(".mh-related__title a").get_text() for i in items] == [
        "Battery recycling plant opens", "Lithium cell prices fall"]
    links = [i.select_one(".mh-related__title a")["href"] for i in items]
    assert links == ["../recycling/", "../../economy/cells/"]
    assert [i.select_one(".mh-related__section").get_text() for i in items] == ["News", "Economy"]
    assert items[0].time["datetime"] == "2025-03-10T00:00:00+08:00"
    assert items[0].time.get_text() == "10 March 2025"
    assert items[0].img is None  # no picture, no thumbnail
    thumb = items[1].select_one("a.mh-related__media img")
    assert thumb["src"] == "../../assets/cell.svg" and thumb["alt"] == "" and thumb["loading"] == "lazy"
    assert items[1].select_one("a.mh-related__media")["aria-hidden"] == "true"


def test_chinese_pages_get_chinese_stories_and_label(make_site: MakeSite) -> None:
    site = make_site(battery_desk())
    assert site.build("--strict").returncode == 0
    block = site.html("news/zh/").select_one(".mh-related")
    assert block.h2.get_text(strip=True) == "相关报道"
    assert [a.get_text() for a in block.select(".mh-related__title a")] == ["动力电池价格下降"]
    assert block.select_one(".mh-related__section").get_text() == "新闻"
    assert block.time.get_text() == "2025年3月9日"


def test_related_false_leaves_the_block_out_and_pins_come_first(make_site: MakeSite) -> None:
    site = make_site(battery_desk())
    assert site.build("--strict").returncode == 0
    assert site.html("news/off/").select_one(".mh-related") is None
    pinned = [a.get_text() for a in site.html("news/pinned/").select(".mh-related__title a")]
    assert pinned[0] == "Central bank cuts rates" and len(pinned) == 5
    assert "A story without the block" in [a.get_text() for a in
                                            site.html("news/recycling/").select(".mh-related__title a")]


def test_a_pin_to_a_missing_story_stops_the_build_naming_file_line_and_path(make_site: MakeSite) -> None:
    files = battery_desk()
    files["news/broken.md"] = article("Broken pin", related=["../economy/gone.md"])
    site = make_site(files)
    result = site.build("--strict")
    assert result.returncode == 1
    assert ("news/broken.md:4: related: '../economy/gone.md' is not a story of this site"
            in result.stderr)
    assert "Traceback" not in result.stderr and not (site.out / "index.html").exists()


def test_a_bad_related_setting_stops_the_build_naming_the_key(make_site: MakeSite) -> None:
    site = make_site(battery_desk(), masthead=settings(related={"count": "five"}))
    result = site.build("--strict")
    assert result.returncode == 1
    assert "mkdocs.yml: extra.masthead.related.count: expected a whole number from 0 to 20" in result.stderr


def test_related_blocks_are_byte_identical_across_builds(make_site: MakeSite) -> None:
    first, second = make_site(battery_desk()), make_site(battery_desk())
    assert first.build("--strict").returncode == 0 and second.build("--strict").returncode == 0
    for url in ["news/plant/", "news/zh/", "economy/rates/"]:
        block = first.html(url).select_one(".mh-related")
        assert block is not None and str(block) == str(second.html(url).select_one(".mh-related"))


def test_untagged_stories_get_a_full_block_from_their_text(make_site: MakeSite) -> None:
    files = {f"news/s{i}.md": article(title, f"2025-03-{10 + i:02d}", body)
             for i, (title, body) in enumerate([
                 ("Hydrogen truck fleet grows", "Fuel cell trucks join the hydrogen fleet at the port."),
                 ("Port tests hydrogen trucks", "The port tests fuel cell trucks and a hydrogen station."),
                 ("Hydrogen station opens", "A hydrogen station for fuel cell trucks opens."),
                 ("Bank cuts rates", "The central bank cuts its interest rate."),
                 ("Car loans cheaper", "Car loans get cheaper after the central bank cut."),
                 ("Football final", "The local team wins the cup."),
                 ("Fuel cell costs fall", "Fuel cell stacks for trucks cost less this year."),
             ])}
    site = make_site(files, masthead=settings(related={"count": 5}))
    assert site.build("--strict").returncode == 0
    titles = [a.get_text() for a in site.html("news/s0/").select(".mh-related__title a")]
    assert len(titles) == 5  # no tags anywhere, still a full block
    # The text alone puts the hydrogen stories first.
    assert set(titles[:3]) == {"Port tests hydrogen trucks", "Hydrogen station opens", "Fuel cell costs fall"}


def test_tag_aliases_apply_to_related_stories(make_site: MakeSite) -> None:
    same = "Carmakers report quarterly deliveries."
    files = {"news/src.md": article("Deliveries", "2025-03-14", same, tags=["EVs"]),
             "news/ev.md": article("Deliveries up", "2025-03-01", same, tags=["EV"]),
             "news/other.md": article("Deliveries down", "2025-03-13", same, tags=["trucks"])}
    site = make_site(files, masthead=settings(related={"count": 1}, tag_aliases={"EVs": "EV"}))
    assert site.build("--strict").returncode == 0
    # Without the alias the nearer date would win; EVs and EV are one tag, as on the tag pages.
    assert [a.get_text() for a in site.html("news/src/").select(".mh-related__title a")] == ["Deliveries up"]
