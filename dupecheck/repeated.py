"""Boilerplate learned from the corpus: a paragraph many unrelated articles carry.

A site's own furniture ("Follow us on ...", a newsletter blurb, a standard disclaimer)
appears word for word under many different stories; copies of one story repeat
paragraphs too, but they share the rest of their text as well. So a paragraph
counts as boilerplate only when it appears in at least ``max(3, 1%)`` of the
articles and those articles share little else (their other content terms have a
Jaccard similarity below 0.2 on average).
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import math
from collections.abc import Collection, Container, Iterable, Iterator, Mapping, Sequence

import numpy as np

from dupecheck.frequent import carriers, frequent_keys
from dupecheck.model import Document, ParagraphKind, document_ids
from dupecheck.text import fold

MIN_ARTICLES = 3
"""A paragraph must appear in at least this many articles (and 1% of them) to be learned."""
SHARE_OF_ARTICLES = 0.01
UNRELATED_BELOW = 0.2
"""Average Jaccard of the sharing articles' other terms below which they count as unrelated."""
_SAMPLE = 20
"""Articles sampled per repeated paragraph to judge whether they are related: bounded work."""


def paragraph_key(text: str) -> str:
    r"""The form a paragraph is compared in across articles: normalized, spaces collapsed (:func:`fold`).

    >>> paragraph_key("Follow  us\non  Mastodon.")
    'follow us on mastodon.'
    """
    return fold(text)


def carriers_needed(articles: int) -> int:
    """How many of ``articles`` must carry a paragraph for it to be learned: ``max(3, 1%)``.

    >>> carriers_needed(10), carriers_needed(1000)
    (3, 10)
    """
    return max(MIN_ARTICLES, math.ceil(SHARE_OF_ARTICLES * articles))


def content_keys(document: Document) -> frozenset[str]:
    """The keys (:func:`paragraph_key`) of the document's content paragraphs."""
    return frozenset(paragraph_key(document.text_of(p)) for p in document.paragraphs if p.is_content)


def other_terms(document: Document, frequent: Container[str]) -> frozenset[str]:
    """The terms of the document's content paragraphs whose key is not among the ``frequent`` ones."""
    return frozenset(
        term
        for paragraph in document.paragraphs
        if paragraph.is_content and paragraph_key(document.text_of(paragraph)) not in frequent
        for term in paragraph.terms
    )


def judged_sample(carriers: Iterable[tuple[str, int]]) -> list[int]:
    """The articles (numbers) judged for a repeated paragraph, from its ``(id, number)`` carriers.

    Sampled by id, so the decision does not depend on the order articles were read in.

    >>> judged_sample([("b", 0), ("a", 1), ("c", 2)])
    [1, 0, 2]
    """
    return [number for _, number in sorted(carriers)[:_SAMPLE]]


def unrelated(others: Sequence[frozenset[str]]) -> bool:
    """Whether articles with these other terms share little: average pairwise Jaccard below 0.2.

    >>> unrelated([frozenset("ab"), frozenset("cd"), frozenset("ef")])
    True
    """
    scores = [_jaccard(a, b) for a, b in itertools.combinations(others, 2)]
    return sum(scores) / len(scores) < UNRELATED_BELOW


def mark_repeated(document: Document, learned: Mapping[str, int]) -> Document:
    """``document`` with its content paragraphs whose key is in ``learned`` (key: carriers) marked.

    A document with none of them is returned as it is (the same object).
    """
    paragraphs = tuple(
        dataclasses.replace(
            paragraph,
            kind=ParagraphKind.BOILERPLATE,
            reason=f"repeated in {learned[key]} articles",
        )
        if paragraph.is_content and (key := paragraph_key(document.text_of(paragraph))) in learned
        else paragraph
        for paragraph in document.paragraphs
    )
    if all(new is old for new, old in zip(paragraphs, document.paragraphs)):
        return document
    return dataclasses.replace(document, paragraphs=paragraphs)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 1.0


def repeated_paragraphs(documents: Sequence[Document]) -> tuple[Document, ...]:
    r"""``documents`` with each content paragraph repeated across unrelated articles marked boilerplate.

    The paragraph's reason says how many articles carry it (``repeated in 12 articles``).

    >>> from dupecheck.document import build_document
    >>> from dupecheck.model import Article
    >>> from dupecheck.settings import Settings
    >>> blurb = "Follow the Wrenmouth Gazette on every social network for breaking local news."
    >>> stories = ["The ferry board raised fares by a tenth.", "A puppet museum reopened after repairs.",
    ...            "School governors voted for a longer lunch break."]
    >>> docs = [build_document(Article(str(n), f"{s}\n\n{blurb}"), Settings()) for n, s in enumerate(stories)]
    >>> [p.reason for p in repeated_paragraphs(docs)[0].paragraphs]
    ['', 'repeated in 3 articles']
    """
    return repeated_from_hashes(documents, [key_hash_array(document) for document in documents])


KEYS = "blake2b-64 of paragraph_key"
"""How paragraph keys are hashed: stored hashes (:mod:`dupecheck.cache`) are only reused under the same."""


class KeyHashError(ValueError):
    """Paragraph key hashes given for a document are not its paragraphs' (stored ones, damaged)."""


def key_hash(key: str) -> int:
    """A paragraph key's stable 64-bit hash (the first 8 bytes of its BLAKE2b digest)."""
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def key_hash_array(document: Document) -> np.ndarray:
    """The :func:`key_hash` of each content paragraph key (see :func:`repeated_from_hashes`)."""
    return key_hashes(content_keys(document))


def key_hashes(keys: Collection[str]) -> np.ndarray:
    """The :func:`key_hash` of each of ``keys``, as uint64."""
    return np.fromiter((key_hash(key) for key in keys), dtype=np.uint64, count=len(keys))


def repeated_from_hashes(documents: Sequence[Document], arrays: Sequence[np.ndarray]) -> tuple[Document, ...]:
    """:func:`repeated_paragraphs`, carriers counted over each document's :func:`key_hash_array` in numpy.

    The hashes are stable, so ``arrays`` may come from other processes or from storage;
    :func:`repeated_paragraphs` shows an example.
    """
    marked = dict(learned_marks(documents, arrays))
    return tuple(marked.get(number, document) for number, document in enumerate(documents))


def learned_marks(
    documents: Sequence[Document], arrays: Sequence[np.ndarray]
) -> Iterator[tuple[int, Document]]:
    """The documents :func:`repeated_from_hashes` changes, by number, as it changes them, one at a time.

    Carriers are counted over the hashes (:mod:`dupecheck.frequent`); a document is read
    only to name a frequent key, to judge a sample of its carriers, or to be marked, so
    ``documents`` may be kept on disk (:class:`~dupecheck.spill.DocumentStore`). Hashes
    that are not a document's (from a damaged store) are a :class:`KeyHashError`, raised
    before any document is given.
    """
    needed = carriers_needed(len(documents))
    if len(documents) < needed or not len(arrays):
        return
    found = carriers(arrays, frequent_keys(arrays, needed - 1))
    if not found:
        return
    ids = document_ids(documents)
    samples = {
        hashed: judged_sample((ids[n], n) for n in numbers.tolist()) for hashed, numbers in found.items()
    }
    frequent: dict[str, np.ndarray] = {}
    for hashed, sample in samples.items():
        key = next((key for key in content_keys(documents[sample[0]]) if key_hash(key) == hashed), None)
        if key is None:
            raise KeyHashError(
                f"article '{ids[sample[0]]}' has no content paragraph whose key hashes to {hashed:016x}"
            )
        frequent[key] = found[hashed]
    others: dict[int, frozenset[str]] = {}  # only for the articles sampled
    learned: dict[str, int] = {}
    for key, numbers in frequent.items():
        sample = samples[key_hash(key)]
        for number in sample:
            if number not in others:
                others[number] = other_terms(documents[number], frequent)
        if unrelated([others[number] for number in sample]):
            learned[key] = len(numbers)
    if not learned:
        return
    for number in np.unique(np.concatenate([frequent[key] for key in learned])).tolist():
        document = documents[number]
        marked = mark_repeated(document, learned)
        if marked is not document:
            yield number, marked
