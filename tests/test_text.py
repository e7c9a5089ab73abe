from __future__ import annotations

import re
import unicodedata

import pytest
import Stemmer
from hypothesis import given
from hypothesis import strategies as st

from dupecheck import text
from dupecheck.parallel import ordered_map
from dupecheck.text import (
    _ASCII_WORD,
    _FOLD,
    _WORD,
    _WORD_RULE,
    STOPWORDS,
    content_terms,
    normalize,
    term_spans,
)


def test_normalize_folds_quotes_dashes_and_spaces() -> None:
    assert normalize("“Quote” ‘it’ — now\u00a0ＡＢ") == "\"quote\" 'it' - now ab"


def test_content_terms_drop_function_words_and_stem() -> None:
    assert content_terms("The councillors were voting on the barriers") == ("councillor", "vote", "barrier")


def test_content_terms_keep_numbers() -> None:
    assert "214" in content_terms("It will cost $214 million")


def test_scan_workers_leave_the_terms_of_the_words_they_met_to_this_process() -> None:
    words = [f"qzv{n}ings" for n in range(1200)]
    found = ordered_map(content_terms, words, jobs=2)
    stemmed = [Stemmer.Stemmer("english").stemWord(word) for word in words]
    assert found == [(term,) for term in stemmed]
    assert [text._TERMS[word] for word in words] == stemmed


def test_the_term_memo_empties_itself_at_its_cap_and_still_gives_every_term(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(text, "_TERMS_KEPT", 5)
    monkeypatch.setattr(text, "_TERMS", text._TermMemo())
    words = [
        "councils",
        "voted",
        "barriers",
        "floods",
        "rivers",
        "bridges",
        "mayors",
        "funded",
        "the",
        "walls",
    ]
    stemmer = Stemmer.Stemmer("english")
    expected = tuple(stemmer.stemWord(word) for word in words if word != "the")
    assert content_terms(" ".join(words)) == expected
    assert 0 < len(text._TERMS) <= 5
    assert content_terms(" ".join(words)) == expected


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


def _terms_one_word_at_a_time(text: str) -> tuple[str, ...]:
    """content_terms without its memo: every word folded, filtered and stemmed on its own."""
    stemmer = Stemmer.Stemmer("english")
    found = _WORD.findall(unicodedata.normalize("NFKC", text).translate(_FOLD).lower())
    return tuple(stemmer.stemWord(w.replace("'", "")) for w in found if w not in STOPWORDS)


@given(
    st.lists(
        st.sampled_from(["The", "don't", "Ｃｏｕｎｃｉｌ", "’s", "it’s", "300,000", "東京", "Said"])
        | st.text()
    )
)
def test_content_terms_equal_terms_made_one_word_at_a_time(parts: list[str]) -> None:
    text = " ".join(parts)
    assert content_terms(text) == _terms_one_word_at_a_time(text)
    assert content_terms(text) == _terms_one_word_at_a_time(text)  # again, from the memo


@given(
    st.lists(
        st.sampled_from(["don't", "300,000", "7.2", "1/2", "a_b", "x'", "'y", "3rd", "4.", ",5", "2,3a"])
        | st.text(alphabet=st.characters(max_codepoint=127))
    )
)
def test_ascii_text_has_the_same_words_by_the_ascii_pattern(parts: list[str]) -> None:
    text = " ".join(parts).lower()
    assert _ASCII_WORD.findall(text) == _WORD.findall(text)


_EDGES = [
    "1.2.3x",
    "12.5mln",
    "3.4_",
    "300,000",
    "1/2",
    "don't",
    "rock'n'roll",
    "''",
    "x''y",
    "4.",
    "東京",
    "ｘ２",
]


@given(st.lists(st.sampled_from(_EDGES) | st.text(alphabet="ab1_2'.,/ -x9\n東é٣"), max_size=8).map("".join))
def test_the_possessive_word_patterns_find_what_the_plain_rule_finds(text: str) -> None:
    assert _WORD.findall(text) == re.findall(_WORD_RULE, text)
    if text.isascii():
        assert _ASCII_WORD.findall(text) == re.findall(_WORD_RULE, text)
