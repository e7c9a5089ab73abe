"""The pre-test of candidate pairs in numpy, made before any match view.

:func:`~dupecheck.align.may_relate` stops most candidate pairs, but it needs both
articles' match views, and making a view costs more than the test. A large corpus gives
LSH millions of candidate pairs of unrelated articles (they share a paragraph's worth of
mid-frequency words), so most of a large scan's verifying went into views of articles
that were never related. Instead, signing keeps each article's :class:`Evidence`: the
CRC-32 of each distinct evidence shingle, paragraph by paragraph. :func:`may_relate_all`
tests one article against all its candidate partners at once with it.

The test lets through every pair :func:`~dupecheck.align.may_relate` lets through, and
perhaps a few more: a paragraph's share is its distinct shingles found in the other
article over its distinct shingles, where the count of distinct shingles is exact (it
is taken over 64-bit keys) and "found" is judged by CRC, so two shingles sharing a CRC
can only add to what is found. Pairs that pass are tested and verified as before, so
the report does not change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dupecheck.settings import Settings


@dataclass(frozen=True, slots=True, eq=False)
class Evidence:
    """An article's evidence shingles as numbers, what the pre-test reads (arrays: compared by identity)."""

    sizes: np.ndarray
    """uint32: how many distinct evidence shingles each content paragraph has (0 for none)."""
    hashes: np.ndarray
    """uint32: their CRC-32s, paragraph after paragraph."""

    @classmethod
    def of(cls, paragraphs: Sequence[np.ndarray]) -> Evidence:
        """The evidence of an article from each content paragraph's distinct shingles' CRC-32s."""
        sizes = np.array([len(found) for found in paragraphs], dtype=np.uint32)
        hashes = np.concatenate([np.zeros(0, dtype=np.uint32), *paragraphs]).astype(np.uint32)
        return cls(sizes, hashes)

    def encode(self) -> bytes:
        """The evidence as bytes (:meth:`decode` reads them)."""
        head = np.array([len(self.sizes)], dtype="<u4")
        return b"".join(np.asarray(part, dtype="<u4").tobytes() for part in (head, self.sizes, self.hashes))

    @classmethod
    def decode(cls, blob: bytes) -> Evidence:
        """The evidence :meth:`encode` wrote.

        >>> evidence = Evidence.decode(Evidence.of([np.array([7, 9]), np.array([])]).encode())
        >>> evidence.sizes.tolist(), evidence.hashes.tolist()
        ([2, 0], [7, 9])
        """
        values = np.frombuffer(blob, dtype="<u4").astype(np.uint32, copy=False)
        count = int(values[0])
        return cls(values[1 : 1 + count], values[1 + count :])


_SHINGLES_AT_ONCE = 1 << 22
"""Shingles tested in one numpy pass: the first article's are repeated for each partner."""


def may_relate_all(first: Evidence, partners: Sequence[Evidence], settings: Settings) -> np.ndarray:
    """For each of ``partners``, False only if :func:`~dupecheck.align.may_relate` is False with ``first``.

    Word-for-word copies (equal identities), which ``may_relate`` always lets through,
    are the caller's to add.

    >>> same = Evidence.of([np.array([1, 2, 3]), np.array([4, 5])])
    >>> other = Evidence.of([np.array([6, 7]), np.array([8])])
    >>> may_relate_all(same, [same, other], Settings()).tolist()
    [True, False]
    """
    passed = np.zeros(len(partners), dtype=bool)
    at_once = max(1, _SHINGLES_AT_ONCE // max(len(first.hashes), 1))
    for start in range(0, len(partners), at_once):
        chosen = partners[start : start + at_once]
        paragraphs = np.array([len(partner.sizes) for partner in chosen])
        needed = np.minimum(settings.min_anchors, np.minimum(len(first.sizes), paragraphs))
        reached = np.maximum(
            _first_reaching(first, chosen, settings.anchor_threshold),
            _partners_reaching(chosen, first, settings.anchor_threshold),
        )
        passed[start : start + len(chosen)] = (needed > 0) & (reached >= needed)
    return passed


def _first_reaching(first: Evidence, partners: Sequence[Evidence], threshold: float) -> np.ndarray:
    """For each partner, how many of ``first``'s paragraphs have ``threshold`` of their shingles in it."""
    kept = first.sizes > 0
    if not kept.any() or not partners:
        return np.zeros(len(partners), dtype=np.int64)
    # Each partner's distinct CRCs, tagged with its number in the high bits: sorted as a whole.
    tagged = np.concatenate(
        [
            (np.uint64(number) << np.uint64(32)) | np.unique(partner.hashes).astype(np.uint64)
            for number, partner in enumerate(partners)
        ]
    )
    tags = np.arange(len(partners), dtype=np.uint64)[:, None] << np.uint64(32)
    queries = (tags | first.hashes.astype(np.uint64)[None, :]).ravel()
    found = _among(queries, tagged).reshape(len(partners), len(first.hashes))
    starts = np.r_[0, np.cumsum(first.sizes.astype(np.int64))[:-1]][kept]
    counts = np.add.reduceat(found, starts, axis=1, dtype=np.int64)
    reaching: np.ndarray = np.count_nonzero(counts / first.sizes[kept] >= threshold, axis=1)
    return reaching


def _partners_reaching(partners: Sequence[Evidence], first: Evidence, threshold: float) -> np.ndarray:
    """For each partner, how many of its paragraphs have ``threshold`` of their shingles in ``first``."""
    sizes = np.concatenate([np.zeros(0, dtype=np.uint32), *(p.sizes for p in partners)])
    owners = np.repeat(np.arange(len(partners)), [len(p.sizes) for p in partners])
    kept = sizes > 0
    if not kept.any():
        return np.zeros(len(partners), dtype=np.int64)
    hashes = np.concatenate([p.hashes for p in partners])
    found = _among(hashes, np.unique(first.hashes))
    starts = np.r_[0, np.cumsum(sizes.astype(np.int64))[:-1]][kept]
    reaching = np.add.reduceat(found, starts, dtype=np.int64) / sizes[kept] >= threshold
    return np.bincount(owners[kept], weights=reaching, minlength=len(partners)).astype(np.int64)


def _among(values: np.ndarray, sorted_values: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in ``sorted_values`` (sorted; empty allowed)."""
    if not len(sorted_values):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_values, values), len(sorted_values) - 1)
    found: np.ndarray = sorted_values[at] == values
    return found
