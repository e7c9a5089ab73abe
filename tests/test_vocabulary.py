from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st
from synthetic import corpus_with_planted_copies

from dupecheck.document import build_document
from dupecheck.model import Article, Document
from dupecheck.parallel import ordered_map
from dupecheck.settings import Settings
from dupecheck.shingle import shingle_key
from dupecheck.vocabulary import (
    _shingles_of,
    common_from_hashes,
    common_limit,
    common_shingles,
    document_shingles,
    shingle_hash_array,
    shingle_hash_arrays,
)


def _templated(count: int) -> list[Article]:
    """Dividend notices sharing their wording, each with its own company and figures."""
    return [
        Article(
            f"n{number}",
            f"Company{number} declared a quarterly dividend of {number} cents a share, payable "
            f"to holders of record on March {number % 28 + 1}.\n\nThe board of Company{number} "
            "also confirmed its annual meeting date.",
        )
        for number in range(count)
    ]


def _counted(documents: list[Document], settings: Settings) -> frozenset[str]:
    """The common shingles by the definition: in more articles than the limit, counted by string."""
    counts = Counter(shingle for document in documents for shingle in document_shingles(document))
    limit = common_limit(len(documents), settings)
    return frozenset(shingle for shingle, count in counts.items() if count > limit)


def test_common_from_hashes_finds_exactly_the_common_shingles() -> None:
    articles, _ = corpus_with_planted_copies(300, seed=2)
    documents = [build_document(a, Settings()) for a in [*articles, *_templated(200)]]
    chosen = Settings(common_min_docs=20)
    expected = _counted(documents, chosen)
    assert len(expected) > 10  # the templated wording is common, the made-up words are not
    arrays = [shingle_hash_array(document) for document in documents]
    assert common_from_hashes(documents, arrays, chosen) == expected


def test_hashes_made_in_worker_processes_give_the_same_vocabulary() -> None:
    documents = [build_document(a, Settings()) for a in _templated(1200)]
    arrays = ordered_map(shingle_hash_array, documents, jobs=2)
    assert common_from_hashes(documents, arrays, Settings()) == _counted(documents, Settings())
    assert common_shingles(documents, Settings()) == _counted(documents, Settings())


def test_a_small_folder_has_no_corpus_vocabulary() -> None:
    documents = [build_document(a, Settings()) for a in _templated(30)]
    arrays = [shingle_hash_array(document) for document in documents]
    assert common_from_hashes(documents, arrays, Settings()) == frozenset()


def test_shingle_hash_arrays_hold_each_content_shingles_key_once() -> None:
    articles, _ = corpus_with_planted_copies(40)
    documents = [build_document(article, Settings()) for article in articles]
    for document, keys in zip(documents, shingle_hash_arrays(documents)):
        assert sorted(keys.tolist()) == sorted(shingle_key(s) for s in document_shingles(document))


@given(
    st.lists(
        st.lists(
            st.sampled_from(["Council", "votes", "fund", "barrier", "7.2", "tidal", "x" * 70]), max_size=9
        ),
        max_size=4,
    ),
    st.integers(min_value=0, max_value=2**16),
)
def test_the_shingles_read_back_for_keys_are_the_documents_shingles_with_those_keys(
    paragraphs: list[list[str]], seed: int
) -> None:
    text = "\n\n".join(" ".join(words) for words in paragraphs)
    document = build_document(Article("a", text), Settings(min_terms=1))
    every = {shingle_key(shingle): shingle for shingle in document_shingles(document)}
    wanted = {key for n, key in enumerate(sorted(every)) if (seed >> (n % 16)) & 1} | {12345}
    assert _shingles_of(document, wanted) == {key: every[key] for key in wanted if key in every}
