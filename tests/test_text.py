from masthead.text import (
    first_paragraph,
    insert_lead,
    plain_inline,
    print_urls,
    reading_minutes,
    shorten,
    wrap_tables,
)


def test_first_paragraph_skips_headings_images_and_tables() -> None:
    body = "# Heading\n\n![pic](a.png)\n\n| a | b |\n|---|---|\n\nThe **real** `lead`.\nSecond line."
    assert first_paragraph(body) == "The real lead. Second line."


def test_line_breaks_inside_chinese_do_not_become_spaces() -> None:
    assert plain_inline("新能源汽车\n销量增长") == "新能源汽车销量增长"


def test_plain_inline_decodes_entities_and_drops_tags() -> None:
    assert plain_inline("A &amp; B <b>bold</b> [x](y)") == "A & B bold x"


def test_shorten_counts_chinese_as_double_width() -> None:
    assert shorten("汽" * 100, 20) == "汽" * 10 + "…"
    assert shorten("one two three four", 12) == "one two…"
    assert shorten("short", 20) == "short"


def test_reading_minutes_of_mixed_text() -> None:
    assert reading_minutes("汽" * 400 + " word" * 230) == 2
    assert reading_minutes("") == 1


def test_insert_lead_joins_the_first_paragraph() -> None:
    assert insert_lead("<p>Body</p>", "<b>X</b> ") == "<p><b>X</b> Body</p>"
    assert insert_lead("<h2>H</h2>", "L") == "<p>L</p>\n<h2>H</h2>"


def test_tables_get_a_labelled_focusable_scroll_box() -> None:
    out = wrap_tables("<p>x</p><table><tr><td>1</td></tr></table><table></table>", 'A "b"')
    assert out.count('<div class="mh-table" tabindex="0" role="region" aria-label="A &quot;b&quot;">') == 2
    assert out.count("</table></div>") == 2


def test_print_urls_are_absolute_and_skip_anchors_and_mailto() -> None:
    html = ('<a href="../other/">o</a> <a class="x" href="https://ex.org/a?b=1&amp;c=2">e</a> '
            '<a href="#fn1">1</a> <a href="mailto:x@y.z">m</a>')
    out = print_urls(html, "https://user.github.io/repo/news/story/")
    assert 'data-print-url="https://user.github.io/repo/news/other/"' in out
    assert 'data-print-url="https://ex.org/a?b=1&amp;c=2"' in out
    assert out.count("data-print-url") == 2
