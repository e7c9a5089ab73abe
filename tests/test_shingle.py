from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dupecheck.shingle import shingle_hashes, shingles
from dupecheck.text import content_terms


def test_shingles_are_words_and_adjacent_pairs() -> None:
    assert shingles(("a", "b", "c")) == {"a", "b", "c", "a b", "b c"}


def test_hashes_are_stable_across_processes() -> None:
    assert shingle_hashes(frozenset({"council"})) == [2398180322]


@given(st.text())
def test_shingling_never_fails(text: str) -> None:
    hashes = shingle_hashes(shingles(content_terms(text)))
    assert all(0 <= h < 2**32 for h in hashes)
