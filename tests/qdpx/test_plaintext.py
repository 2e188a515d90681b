"""A note's Markdown as the plain text its reader sees, and spans moved both ways."""

import pytest

from sessions.plaintext import to_plain_text


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("dit is een *kans*", "dit is een kans"),
        ("dit is een *kans", "dit is een *kans"),  # a lone star is shown, so it stays
        ("# Kop\r\n\r\nTekst", "Kop\n\nTekst"),
        ("> citaat\n- punt", "citaat\n- punt"),
        ("een **sterke** en *lichte* zin", "een sterke en lichte zin"),
        ("zie [de site](https://example.org) nu", "zie de site nu"),
        ("`a*b*` en snake_case_naam en _nadruk_", "a*b* en snake_case_naam en nadruk"),
        ("geen \\*ster\\*", "geen *ster*"),
        ("Loës 👍🏽 *wél*", "Loës 👍🏽 wél"),
    ],
)
def test_markdown_marks_are_taken_out(markdown, plain):
    assert to_plain_text(markdown).text == plain


def test_spans_move_onto_the_plain_text_and_back():
    markdown = "De wethouder: **geen budget** 😀 voor *werk*."
    plain = to_plain_text(markdown)
    start = markdown.index("geen budget")
    span = plain.to_plain(start, start + len("geen budget"))
    assert plain.text[span[0] : span[1]] == "geen budget"
    assert plain.to_source(*span) == (start, start + len("geen budget"))
    # A span that crossed marks in the Markdown keeps its words.
    whole = plain.to_plain(markdown.index("**"), markdown.index("voor") + 4)
    assert plain.text[whole[0] : whole[1]] == "geen budget 😀 voor"
    # A span of marks alone is empty on the plain text.
    assert (
        plain.to_plain(markdown.index("**"), markdown.index("**") + 2)
        == (plain.to_plain(markdown.index("**"), markdown.index("**"))[0],) * 2
    )


@pytest.mark.parametrize(
    "markdown", ["", "gewone tekst zonder tekens", "regel een\nregel twee", "Loës 👍🏽 wél"]
)
def test_a_note_without_marks_is_its_own_plain_text(markdown):
    plain = to_plain_text(markdown)
    assert plain.text == markdown
    assert plain.kept == tuple(range(len(markdown)))
    assert plain.source_length == len(markdown)
