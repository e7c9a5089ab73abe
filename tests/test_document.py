from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from paths import SAMPLES

from dupecheck.boilerplate import read_patterns
from dupecheck.document import (
    build_document,
    check_rows,
    document_and_key_hashes,
    paragraphs_json,
    stored_rows,
)
from dupecheck.load import load_paths
from dupecheck.model import Article
from dupecheck.repeated import key_hash_array
from dupecheck.settings import Settings

_PARTS = [
    "Leave a Reply",
    "By Ann Lee, PA News",
    "The council voted to fund it.",
    "LONDON (AP) - Rain.",
    "\n\n",
    "\n",
]


def _same(article: Article, **options: object) -> None:
    document, hashes = document_and_key_hashes(article, Settings(), **options)  # type: ignore[arg-type]
    assert document == build_document(article, Settings(), **options)  # type: ignore[arg-type]
    assert sorted(hashes.tolist()) == sorted(key_hash_array(document).tolist())


@given(st.lists(st.sampled_from(_PARTS) | st.text(), max_size=8).map(" ".join))
def test_segmenting_with_key_hashes_gives_the_document_and_its_key_hashes(text: str) -> None:
    _same(Article("a", text))


_SPACES_AND_SCRIPTS = ["  \t", "\u3000", "\u2028", "\x1f", "Kōbe 神戸 café"]


@given(
    st.lists(st.sampled_from(_PARTS + _SPACES_AND_SCRIPTS) | st.text(), max_size=8).map(" ".join),
    st.integers(1, 6),
)
def test_every_segmented_document_passes_the_checks_of_stored_paragraphs(text: str, min_terms: int) -> None:
    document = build_document(Article("a", text), Settings(min_terms=min_terms))
    check_rows(text, stored_rows(paragraphs_json(document)), min_terms)


def test_the_samples_and_extra_patterns_give_the_same_document_and_key_hashes(tmp_path: Path) -> None:
    patterns = tmp_path / "patterns.txt"
    patterns.write_text("the council voted.*\n", encoding="utf-8")
    for article in load_paths([SAMPLES]).articles:
        _same(article)
        _same(article, boilerplate=read_patterns(patterns))
