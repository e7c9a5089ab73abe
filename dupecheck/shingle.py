"""Shingles of a paragraph: its content words and the pairs of adjacent content words.

Single words let a reworded paragraph still meet its source; word pairs reward kept
phrasing, which independent reports of the same event rarely share.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from itertools import pairwise


def shingles(terms: Sequence[str]) -> frozenset[str]:
    """The unigram and bigram shingles of a sequence of terms.

    >>> sorted(shingles(("council", "vote", "fund")))
    ['council', 'council vote', 'fund', 'vote', 'vote fund']
    """
    return frozenset(terms) | frozenset(f"{a} {b}" for a, b in pairwise(terms))


def shingle_hashes(shingle_set: frozenset[str]) -> list[int]:
    """Stable 32-bit hashes of shingles, sorted (Python's ``hash`` changes per process)."""
    return sorted(zlib.crc32(s.encode("utf-8")) for s in shingle_set)


def shingle_hash_table(shingle_sets: Iterable[frozenset[str]]) -> dict[str, int]:
    """The stable 32-bit hash of every shingle in any of the sets, each hashed once.

    >>> table = shingle_hash_table([frozenset({"council"}), frozenset({"council", "vote"})])
    >>> table["council"] == shingle_hashes(frozenset({"council"}))[0], len(table)
    (True, 2)
    """
    return {shingle: zlib.crc32(shingle.encode("utf-8")) for shingle in frozenset().union(*shingle_sets)}
