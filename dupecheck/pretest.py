"""The pre-test of candidate pairs in numpy, made before any match view.

:func:`~dupecheck.align.may_relate` stops most candidate pairs, but it needs both
articles' match views, and making a view costs more than the test. A large corpus gives
LSH millions of candidate pairs of unrelated articles (they share a paragraph's worth of
mid-frequency words), so most of a large scan's verifying went into views of articles
that were never related. Instead, signing keeps each article's :class:`Evidence`: the
CRC-32 of each distinct evidence shingle, paragraph by paragraph. :func:`may_relate_pairs`
tests a few hundred candidate pairs with it in a few numpy calls.

The test lets through every pair :func:`~dupecheck.align.may_relate` lets through, and
perhaps a few more: a paragraph's share is its distinct shingles found in the other
article over its distinct shingles, where distinct shingles are counted by 64-bit key
(exact but for a collision of two such keys) and "found" is judged by CRC, so two
shingles sharing a CRC can only add to what is found. Pairs that pass are tested and
verified as before, so the report does not change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dupecheck.settings import Settings
from dupecheck.shingle import is_in


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
"""Partners' shingles tested in one numpy pass (more are tested a part at a time)."""


def may_relate_all(first: Evidence, partners: Sequence[Evidence], settings: Settings) -> np.ndarray:
    """For each of ``partners``, False only if :func:`~dupecheck.align.may_relate` is False with ``first``.

    Word-for-word copies (equal identities), which ``may_relate`` always lets through,
    are the caller's to add.

    >>> same = Evidence.of([np.array([1, 2, 3]), np.array([4, 5])])
    >>> other = Evidence.of([np.array([6, 7]), np.array([8])])
    >>> may_relate_all(same, [same, other], Settings()).tolist()
    [True, False]
    """
    return may_relate_pairs([first], np.zeros(len(partners), dtype=np.int64), partners, settings)


def may_relate_pairs(
    firsts: Sequence[Evidence], first_of: np.ndarray, partners: Sequence[Evidence], settings: Settings
) -> np.ndarray:
    """:func:`may_relate_all` for many pairs at once: partner ``k`` with ``firsts[first_of[k]]``.

    Pairs are tested together in a few numpy calls, whatever their number.

    >>> a = Evidence.of([np.array([1, 2, 3]), np.array([4, 5])])
    >>> b = Evidence.of([np.array([6, 7]), np.array([8])])
    >>> may_relate_pairs([a, b], np.array([0, 0, 1, 1]), [a, b, a, b], Settings()).tolist()
    [True, False, False, True]
    """
    passed = np.zeros(len(partners), dtype=bool)
    start = 0
    while start < len(partners):
        stop, shingles = start + 1, len(partners[start].hashes)
        while stop < len(partners) and shingles + len(partners[stop].hashes) <= _SHINGLES_AT_ONCE:
            shingles += len(partners[stop].hashes)
            stop += 1
        passed[start:stop] = _passed(firsts, first_of[start:stop], partners[start:stop], settings)
        start = stop
    return passed


def _tagged(tags: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """``hashes`` (uint32) with ``tags`` in the high 32 bits: one uint64 each."""
    return (tags.astype(np.uint64) << np.uint64(32)) | hashes.astype(np.uint64)


def _paragraph_starts(sizes: np.ndarray) -> np.ndarray:
    """Where each paragraph's shingles start in its article's (or articles') hashes."""
    starts: np.ndarray = np.cumsum(sizes) - sizes
    return starts


def _passed(
    firsts: Sequence[Evidence], first_of: np.ndarray, partners: Sequence[Evidence], settings: Settings
) -> np.ndarray:
    """:func:`may_relate_pairs` for partners whose shingles fit in memory together.

    A paragraph reaches the anchor threshold with that share of its shingles found in
    the other article. Every first article's shingles are tagged with its number and
    sorted; each partner shingle, tagged with its first article's number, is looked up
    once, and that serves both directions: a first article's shingle is in a partner
    when the partner holds a shingle equal to it.
    """
    threshold = settings.anchor_threshold
    # The first articles: their paragraphs numbered across all of them.
    first_sizes = np.concatenate([np.zeros(0, dtype=np.uint32), *(f.sizes for f in firsts)]).astype(np.int64)
    first_paragraph = np.repeat(np.arange(len(first_sizes)), first_sizes)
    keys = _tagged(
        np.repeat(np.arange(len(firsts)), [len(f.hashes) for f in firsts]),
        np.concatenate([np.zeros(0, dtype=np.uint32), *(f.hashes for f in firsts)]),
    )
    order = np.argsort(keys, kind="stable")
    ordered, first_paragraph = keys[order], first_paragraph[order]
    # The partners: each shingle tagged with its pair's first article, looked up in theirs.
    sizes = np.concatenate([np.zeros(0, dtype=np.uint32), *(p.sizes for p in partners)]).astype(np.int64)
    partner_of_paragraph = np.repeat(np.arange(len(partners)), [len(p.sizes) for p in partners])
    partner_of_shingle = np.repeat(partner_of_paragraph, sizes)
    hashes = np.concatenate([np.zeros(0, dtype=np.uint32), *(p.hashes for p in partners)])
    found = is_in(_tagged(first_of[partner_of_shingle], hashes), ordered)
    # The partners' paragraphs reaching the threshold in their first article.
    reached = np.zeros(len(partners), dtype=np.int64)
    kept = sizes > 0
    if kept.any():
        reaching = (
            np.add.reduceat(found, _paragraph_starts(sizes)[kept], dtype=np.int64) / sizes[kept] >= threshold
        )
        reached = np.bincount(partner_of_paragraph[kept], weights=reaching, minlength=len(partners))
    # The first articles' paragraphs reaching it in each partner: each (partner, shingle)
    # found once, then every equal shingle of the first article, in whichever paragraph.
    found_in = np.unique(_tagged(partner_of_shingle[found], hashes[found]))
    partner = (found_in >> np.uint64(32)).astype(np.int64)
    wanted = _tagged(first_of[partner], found_in & np.uint64(0xFFFFFFFF))
    low, high = np.searchsorted(ordered, wanted, "left"), np.searchsorted(ordered, wanted, "right")
    each = high - low
    positions = np.arange(each.sum()) - np.repeat(np.cumsum(each) - each, each) + np.repeat(low, each)
    cells, counts = np.unique(
        np.repeat(partner, each) * max(len(first_sizes), 1) + first_paragraph[positions], return_counts=True
    )
    reaching = counts / first_sizes[cells % max(len(first_sizes), 1)] >= threshold
    first_reached = np.bincount(cells[reaching] // max(len(first_sizes), 1), minlength=len(partners))
    paragraphs = np.array([len(p.sizes) for p in partners], dtype=np.int64)
    first_paragraphs = np.array([len(f.sizes) for f in firsts], dtype=np.int64)[first_of]
    needed = np.minimum(settings.min_anchors, np.minimum(first_paragraphs, paragraphs))
    result: np.ndarray = (needed > 0) & (np.maximum(reached, first_reached) >= needed)
    return result
