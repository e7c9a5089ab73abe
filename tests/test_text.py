from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dupecheck.text import STOPWORDS, content_terms, normalize, term_spans


def test_normalize_folds_quotes_dashes_and_spaces() -> None:
    assert normalize("“Quote” ‘it’ — now\u00a0ＡＢ") == "\"quote\" 'it' - now ab"


def test_content_terms_drop_function_words_and_stem() -> None:
    assert content_terms("The councillors were voting on the barriers") == ("councillor", "vote", "barrier")


def test_content_terms_keep_numbers() -> None:
    assert "214" in content_terms("It will cost $214 million")


def test_term_spans_index_the_original_text() -> None:
    text = "“Flooded” streets, the mayor said."
    for start, end, term in term_spans(text):
        assert text[start:end]
        assert term == "" or term not in STOPWORDS


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


@given(st.text())
def test_content_terms_never_fail(text: str) -> None:
    assert all(term for term in content_terms(text))
