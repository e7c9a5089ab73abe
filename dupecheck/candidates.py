"""Candidate pairs of articles from LSH over paragraph signatures: the only user of MinHashLSH."""

from __future__ import annotations

from collections.abc import Sequence

from datasketch import MinHash, MinHashLSH

from dupecheck.settings import Settings

ParagraphKey = tuple[int, int]


def candidate_pairs(
    keys: Sequence[ParagraphKey], minhashes: Sequence[MinHash], settings: Settings
) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, of documents with at least one pair of colliding paragraphs.

    ``keys[k]`` is ``(document index, paragraph index)`` of ``minhashes[k]``. The LSH
    threshold is low on purpose: a rewritten paragraph shares few of its source's
    words, and the verifier, not LSH, decides what is related.
    """
    lsh = MinHashLSH(threshold=settings.candidate_threshold, num_perm=settings.num_perm)
    # Keyed by document, not paragraph: a bucket holding a thousand paragraphs of
    # one long article answers a query with one key, not a thousand.
    with lsh.insertion_session() as session:
        for (document, _), minhash in zip(keys, minhashes):
            session.insert(document, minhash, check_duplication=False)
    pairs: set[tuple[int, int]] = set()
    for (document, _), minhash in zip(keys, minhashes):
        for other in lsh.query(minhash):
            if other != document:
                pairs.add((min(document, other), max(document, other)))
    return sorted(pairs)


def identical_pairs(contents: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, of documents whose content is the same, word for word.

    Exact copies are found this way even when every word they hold is corpus
    vocabulary that LSH never sees (a re-sent table of figures).

    >>> identical_pairs(["a b", "c", "a b", ""])
    [(0, 2)]
    """
    by_content: dict[str, list[int]] = {}
    for index, content in enumerate(contents):
        if content:
            by_content.setdefault(content, []).append(index)
    return sorted(
        (first, other) for same in by_content.values() for first in same for other in same if first < other
    )
