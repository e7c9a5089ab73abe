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
import itertools
import math
from collections import defaultdict
from collections.abc import Sequence

from dupecheck.model import Document, ParagraphKind
from dupecheck.text import normalize

MIN_ARTICLES = 3
"""A paragraph must appear in at least this many articles (and 1% of them) to be learned."""
SHARE_OF_ARTICLES = 0.01
UNRELATED_BELOW = 0.2
"""Average Jaccard of the sharing articles' other terms below which they count as unrelated."""
_SAMPLE = 20
"""Articles sampled per repeated paragraph to judge whether they are related: bounded work."""


def _key(text: str) -> str:
    return " ".join(normalize(text).split())


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
    needed = max(MIN_ARTICLES, math.ceil(SHARE_OF_ARTICLES * len(documents)))
    if len(documents) < needed:
        return tuple(documents)
    carriers: dict[str, set[int]] = defaultdict(set)
    for number, document in enumerate(documents):
        for paragraph in document.paragraphs:
            if paragraph.is_content:
                carriers[_key(document.text_of(paragraph))].add(number)
    frequent = {key: sorted(found) for key, found in carriers.items() if len(found) >= needed}
    if not frequent:
        return tuple(documents)
    others = [
        frozenset(
            term
            for paragraph in document.paragraphs
            if paragraph.is_content and _key(document.text_of(paragraph)) not in frequent
            for term in paragraph.terms
        )
        for document in documents
    ]
    learned: set[str] = set()
    for key, found in frequent.items():
        # Sampled by id, so the decision does not depend on the order articles were read in.
        sample = sorted(found, key=lambda number: documents[number].id)[:_SAMPLE]
        scores = [_jaccard(others[i], others[j]) for i, j in itertools.combinations(sample, 2)]
        if sum(scores) / len(scores) < UNRELATED_BELOW:
            learned.add(key)
    if not learned:
        return tuple(documents)
    marked = []
    for document in documents:
        paragraphs = tuple(
            dataclasses.replace(
                paragraph,
                kind=ParagraphKind.BOILERPLATE,
                reason=f"repeated in {len(frequent[key])} articles",
            )
            if paragraph.is_content and (key := _key(document.text_of(paragraph))) in learned
            else paragraph
            for paragraph in document.paragraphs
        )
        marked.append(dataclasses.replace(document, paragraphs=paragraphs))
    return tuple(marked)
