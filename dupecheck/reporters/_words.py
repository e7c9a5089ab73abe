"""Which words of a paragraph its counterpart does not share: shared by the reporters that mark them."""

from __future__ import annotations

from collections.abc import Iterable

from dupecheck.text import term_spans


def changed_spans(text: str, other_terms: Iterable[str]) -> list[tuple[int, int]]:
    """Character spans of the words of ``text`` whose term is not among ``other_terms``.

    Stopwords have no term, so they never count as changed: only words that matching
    compares are marked.

    >>> changed_spans("Councils voted to fund it", ["council", "fund"])
    [(9, 14)]
    """
    others = frozenset(other_terms)
    return [(start, end) for start, end, term in term_spans(text) if term and term not in others]
