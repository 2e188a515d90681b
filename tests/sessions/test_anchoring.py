"""Finding a coded passage again after the note changed (no database)."""

from hypothesis import given
from hypothesis import strategies as st

from sessions.services import find_quote

words = st.text(alphabet="abcdefghij ", min_size=1, max_size=40)


@given(before=words, quote=st.text(alphabet="XYZ", min_size=3, max_size=10), after=words,
       inserted=words)  # fmt: skip
def test_a_quote_is_found_again_after_text_is_inserted_before_it(before, quote, after, inserted):
    text = before + quote + after
    start, end = find_quote(text, quote, near=len(before))
    assert text[start:end] == quote
    edited = inserted + text
    span = find_quote(edited, quote, near=start)
    assert span is not None
    assert edited[span[0] : span[1]] == quote


def test_the_nearest_occurrence_wins_and_the_named_occurrence_is_taken():
    text = "money here, and money there"
    assert find_quote(text, "money", near=15) == (16, 21)
    assert find_quote(text, "money", occurrence=0) == (0, 5)
    assert find_quote(text, "money", occurrence=1) == (16, 21)


def test_a_vanished_quote_is_not_found():
    assert find_quote("nothing of it remains", "money") is None
    assert find_quote("anything", "   ") is None


def test_markdown_marks_and_line_breaks_between_words_are_tolerated():
    text = "The alderman\n**wants results** before\nthe elections."
    start, end = find_quote(text, "alderman wants results before the elections")
    assert text[start:end].startswith("alderman") and text[start:end].endswith("elections")
