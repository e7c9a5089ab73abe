from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dupecheck.segment import _blocks, _cut, check_spans, paragraph_spans


def test_blank_lines_separate_paragraphs_and_wrapped_lines_stay_together() -> None:
    text = "First line\nwrapped.\n\n  Second.  \n\n\n"
    spans = paragraph_spans(text)
    assert [text[s:e] for s, e in spans] == ["First line\nwrapped.", "Second."]


def test_long_lines_without_blank_lines_are_a_paragraph_each() -> None:
    first, second = "A sentence that runs on. " * 5, "Another one, just as long. " * 5
    text = f"{first}\n{second}\n"
    assert [text[s:e] for s, e in paragraph_spans(text)] == [first.strip(), second.strip()]


def test_short_lines_without_blank_lines_are_one_hard_wrapped_paragraph() -> None:
    text = "Supermarkets General reported sales\nof 424.8 mln dlrs for the period,\nup 7.2 pct."
    assert paragraph_spans(text) == ((0, len(text)),)


def test_a_stray_blank_line_does_not_change_indented_paragraphs() -> None:
    text = "First paragraph\nwraps here.\n    Second paragraph\nwraps.\n    Third."
    spans = paragraph_spans(text)
    with_blank = text.replace("    Third.", "\n    Third.")
    assert [text[s:e] for s, e in spans] == [with_blank[s:e] for s, e in paragraph_spans(with_blank)]


def test_indented_first_lines_start_paragraphs() -> None:
    text = "Wire copy begins\nhere and wraps.\n    Second paragraph\nwraps too.\n    Third."
    parts = [text[s:e] for s, e in paragraph_spans(text)]
    assert parts == ["Wire copy begins\nhere and wraps.", "Second paragraph\nwraps too.", "Third."]


def test_empty_and_blank_texts_have_no_paragraphs() -> None:
    assert paragraph_spans("") == ()
    assert paragraph_spans(" \n\n\t\n") == ()


@given(st.text())
def test_spans_are_ordered_trimmed_and_in_range(text: str) -> None:
    previous_end = 0
    for start, end in paragraph_spans(text):
        assert previous_end <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        previous_end = end


_LONG = "w" * 120


@given(
    st.lists(
        st.sampled_from(
            ["\n", "\n\n", "\n \n", "  ", "\t", " ", "\r", "\u2028", "word", "x.", _LONG, "\n  Indented"]
        ),
        max_size=16,
    ).map("".join)
)
def test_a_text_without_line_breaks_in_its_paragraphs_is_split_as_by_every_cut(text: str) -> None:
    # paragraph_spans skips looking for cuts when no block's text holds a line break.
    assert paragraph_spans(text) == _cut(text, _blocks(text))


_PIECES = ["\n", "\n\n", "  ", "\t", "\r\n", "\u2028", "\x1c", "\u3000", "word", "A longer line. " * 8]
_LINES = st.lists(st.sampled_from(_PIECES) | st.text(max_size=12), max_size=30).map("".join)


@given(_LINES)
def test_the_spans_of_any_text_pass_the_checks_of_stored_spans(text: str) -> None:
    check_spans(text, paragraph_spans(text))
