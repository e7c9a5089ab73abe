"""Corpus vocabulary: shingles so common in the scanned articles that they prove nothing.

Templated copy (earnings tables, dividend notices, court-report stock phrases) shares
most of its words with thousands of unrelated articles of the same kind. A shingle
found in more than ``common_share`` of the articles (and in at least
``common_min_docs`` of them, so that a small folder holding many copies of one story
keeps that story's words) takes no part in matching.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dupecheck.frequent import frequent_keys, key_chunks
from dupecheck.model import Document
from dupecheck.settings import Settings
from dupecheck.shingle import is_in, shingle_codes, shingled, shingles


def common_limit(articles: int, settings: Settings) -> float:
    """The number of ``articles`` a shingle must be found in *more than* to be corpus vocabulary.

    >>> common_limit(10_000, Settings()), common_limit(100, Settings())
    (200.0, 50)
    """
    return max(settings.common_share * articles, settings.common_min_docs)


def document_shingles(document: Document) -> frozenset[str]:
    """Every shingle of the document's content paragraphs: what its document frequency counts.

    >>> from dupecheck.document import build_document
    >>> from dupecheck.model import Article
    >>> sorted(document_shingles(build_document(Article("a", "Council votes to fund barrier."), Settings())))
    ['barrier', 'council', 'council vote', 'fund', 'fund barrier', 'vote', 'vote fund']
    """
    seen: set[str] = set()
    for paragraph in document.paragraphs:
        if paragraph.is_content:
            seen.update(shingles(paragraph.terms))
    return frozenset(seen)


def common_shingles(documents: Sequence[Document], settings: Settings) -> frozenset[str]:
    """Shingles found in more articles than the settings allow.

    >>> from dupecheck.document import build_document
    >>> from dupecheck.model import Article
    >>> docs = [build_document(Article(str(i), f"Quarterly dividend {i} cents paid in March."), Settings())
    ...         for i in range(60)]
    >>> sorted(common_shingles(docs, Settings(common_min_docs=50)))[:3]
    ['cent', 'cent paid', 'dividend']
    """
    return common_from_hashes(documents, [shingle_hash_array(document) for document in documents], settings)


def _shingles_of(document: Document, keys: set[int]) -> dict[int, str]:
    """The document's content shingles whose keys are among ``keys``, by key (keys made in numpy).

    >>> from dupecheck.document import build_document
    >>> from dupecheck.model import Article
    >>> from dupecheck.shingle import shingle_key
    >>> document = build_document(Article("a", "Council votes to fund barrier."), Settings())
    >>> found = _shingles_of(document, {shingle_key("fund barrier"), shingle_key("vote"), 7})
    >>> found == {shingle_key("vote"): "vote", shingle_key("fund barrier"): "fund barrier"}
    True
    """
    paragraphs = [p.terms for p in document.paragraphs if p.is_content]
    terms = [term for paragraph in paragraphs for term in paragraph]
    codes = shingle_codes(paragraphs)
    wanted = np.sort(np.fromiter(keys, dtype=np.uint64, count=len(keys)))
    found: dict[int, str] = {}
    for at in np.flatnonzero(is_in(codes.key, wanted)).tolist():
        pair = at - codes.words
        shingle = terms[at] if pair < 0 else f"{terms[codes.first[pair]]} {terms[codes.first[pair] + 1]}"
        found[int(codes.key[at])] = shingle
    return found


def shingle_hash_array(document: Document) -> np.ndarray:
    """The 64-bit key (:func:`~dupecheck.shingle.shingle_key`) of each content shingle, once each."""
    [array] = shingle_hash_arrays([document])
    return array


def shingle_hash_arrays(documents: Sequence[Document]) -> list[np.ndarray]:
    """:func:`shingle_hash_array` of each document, made in numpy for all of them together."""
    return [table.keys for table in shingled(documents)]


def common_from_hashes(
    documents: Sequence[Document], arrays: Sequence[np.ndarray], settings: Settings, jobs: int = 1
) -> frozenset[str]:
    """:func:`common_shingles`, counted over each document's :func:`shingle_hash_array` in numpy.

    Document frequencies are counted over hashes in numpy (:func:`~dupecheck.frequent.frequent_keys`)
    instead of a Python dict of every shingle of the corpus. The shingles behind the
    common keys are then read back from the first document holding each. The keys are
    stable, so ``arrays`` may come from other processes or from storage. ``jobs``
    processes share the counting.

    >>> from dupecheck.document import build_document
    >>> from dupecheck.model import Article
    >>> docs = [build_document(Article(str(i), f"Quarterly dividend {i} cents paid in March."), Settings())
    ...         for i in range(60)]
    >>> arrays, chosen = [shingle_hash_array(d) for d in docs], Settings(common_min_docs=50)
    >>> sorted(common_from_hashes(docs, arrays, chosen))[:3]
    ['cent', 'cent paid', 'dividend']
    """
    limit = common_limit(len(documents), settings)
    if len(documents) <= limit:
        return frozenset()
    common = frequent_keys(arrays, limit, jobs)
    missing = set(common.tolist())
    found: set[str] = set()
    for keys, owners in key_chunks(arrays):
        if not missing:
            break
        for number in np.unique(owners[is_in(keys, np.sort(np.fromiter(missing, np.uint64)))]).tolist():
            if not missing:
                break
            for key, shingle in _shingles_of(documents[number], missing).items():
                found.add(shingle)
                missing.discard(key)
    if missing:
        raise RuntimeError(f"{len(missing)} shingle keys match no shingle of the documents they came with")
    return frozenset(found)
