"""Markup renders Markdown with footnotes and lets nothing executable through."""

import pytest

from nrfsite.core.markup import Cite, citation_keys, parse_citations, render, to_plain_text


def footnote(cite):
    return f'<sup class="ref"><a href="#ref-{cite.key}">{cite.key}{", " + cite.locator if cite.locator else ""}</a></sup>'


def test_markers_in_pandoc_syntax_are_parsed_in_order():
    text = "Massoud called for talks.[@wapo-2021; @bbc-2021, p. 4] Later [@wapo-2021]. Not [a link] or [@ bad]."
    assert parse_citations(text) == [Cite("wapo-2021"), Cite("bbc-2021", "p. 4"), Cite("wapo-2021")]
    assert citation_keys(text) == ["wapo-2021", "bbc-2021"]


def test_markers_render_through_the_cite_callback():
    html = render("The NRF was formed.[@wapo-2021, p. 2]", cite=footnote)
    assert html == (
        '<p>The NRF was formed.<sup class="ref"><a href="#ref-wapo-2021" rel="nofollow noopener noreferrer">'
        "wapo-2021, p. 2</a></sup></p>\n"
    )


def test_markdown_is_rendered_and_headings_stay_below_the_page_title():
    html = render("# Structure\n\n*Led* by **Massoud**\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<h2>Structure</h2>" in html
    assert "<em>Led</em>" in html
    assert "<strong>Massoud</strong>" in html
    assert "<td>1</td>" in html


@pytest.mark.parametrize(
    ("payload", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "<img"),
        ("[click](javascript:alert(1))", 'href="javascript'),
        ("[click](&#106;avascript:alert(1))", 'href="javascript'),
        ("[click](JaVaScRiPt:alert(1))", 'href="JaVaScRiPt'),
        ('<iframe srcdoc="<script>alert(1)</script>">', "<iframe"),
        ("<b onmouseover=alert(1)>unclosed", "<b "),
        ("![x](https://example.org/x.png)", "<img"),
    ],
)
def test_hostile_markup_never_renders_as_html(payload, forbidden):
    html = render(f"Text {payload} more")
    assert forbidden not in html
    assert "more" in html


def test_hostile_cite_output_is_sanitized_too():
    html = render("x [@a]", cite=lambda cite: '<sup onclick="alert(1)"><script>alert(1)</script>1</sup>')
    assert "onclick" not in html
    assert "<script" not in html


def test_links_get_a_safe_rel():
    assert 'rel="nofollow noopener noreferrer"' in render("[BBC](https://www.bbc.co.uk/)")


def test_bidi_overrides_and_nul_bytes_are_removed():
    assert render("evil\u202egnp.exe\x00") == "<p>evilgnp.exe</p>\n"


def test_plain_text_drops_markers_and_markdown():
    assert to_plain_text("**NRF** leader[@wapo-2021] is *Massoud* &amp; co.") == "NRF leader is Massoud & co."
