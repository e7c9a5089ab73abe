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
    with lsh.insertion_session() as session:
        for key, minhash in zip(keys, minhashes):
            session.insert(key, minhash, check_duplication=False)
    pairs: set[tuple[int, int]] = set()
    for (document, _), minhash in zip(keys, minhashes):
        for other, _ in lsh.query(minhash):
            if other != document:
                pairs.add((min(document, other), max(document, other)))
    return sorted(pairs)
