"""Corpus vocabulary: shingles so common in the scanned articles that they prove nothing.

Templated copy (earnings tables, dividend notices, court-report stock phrases) shares
most of its words with thousands of unrelated articles of the same kind. A shingle
found in more than ``common_share`` of the articles (and in at least
``common_min_docs`` of them, so that a small folder holding many copies of one story
keeps that story's words) takes no part in matching.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from dupecheck.model import Document
from dupecheck.settings import Settings
from dupecheck.shingle import shingles


def common_shingles(documents: Sequence[Document], settings: Settings) -> frozenset[str]:
    """Shingles found in more articles than the settings allow.

    >>> from dupecheck.document import build_document
    >>> from dupecheck.model import Article
    >>> docs = [build_document(Article(str(i), f"Quarterly dividend {i} cents paid in March."), Settings())
    ...         for i in range(60)]
    >>> sorted(common_shingles(docs, Settings(common_min_docs=50)))[:3]
    ['cent', 'cent paid', 'dividend']
    """
    limit = max(settings.common_share * len(documents), settings.common_min_docs)
    if len(documents) <= limit:
        return frozenset()
    counts: Counter[str] = Counter()
    for document in documents:
        seen: set[str] = set()
        for paragraph in document.paragraphs:
            if paragraph.is_content:
                seen.update(shingles(paragraph.terms))
        counts.update(seen)
    return frozenset(shingle for shingle, count in counts.items() if count > limit)
