"""Shingles of a paragraph: its content words and the pairs of adjacent content words.

Single words let a reworded paragraph still meet its source; word pairs reward kept
phrasing, which independent reports of the same event rarely share.
"""

from __future__ import annotations

import hashlib
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, islice, pairwise

import numpy as np

from dupecheck.mix import MASK, mix64, mix64_int
from dupecheck.model import Document
from dupecheck.parallel import SharedMemo, share_memo


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


# Shingles as numbers. Building every "a b" string to hash it was a third of a scan's
# time. Here each distinct term is hashed once per process, and a pair's CRC-32 is combined
# from its words' in numpy: crc32(A + B) is crc32(A) advanced over len(B) zero bytes
# (a linear map, applied by table a byte at a time) XOR crc32(B), as zlib's
# crc32_combine computes it. The values are exactly shingle_hash_table's.

KEYS = "words: blake2b-64; pairs: splitmix64(a * 0x9E3779B97F4A7C15 ^ b)"
"""How shingle keys are made: stored keys (:mod:`dupecheck.cache`) are only reused under the same."""

_LONGEST = 64
"""Words up to this many UTF-8 bytes are combined by table; a pair ending in a longer one is hashed whole."""
_TERMS_KEPT = 1_000_000
_PAIR = 0x9E3779B97F4A7C15
"""Odd multiplier that makes a pair's key depend on the order of its words."""


@lru_cache(maxsize=1)
def _shift_tables() -> np.ndarray:
    """``tables[n, k, v]``: a CRC-32 holding byte ``v`` at byte ``k``, advanced over ``n`` zero bytes."""
    basis = np.array(
        [
            [zlib.crc32(bytes(n), 1 << bit) ^ zlib.crc32(bytes(n)) for bit in range(32)]
            for n in range(_LONGEST + 1)
        ],
        dtype=np.uint32,
    )
    bits = ((np.arange(256)[:, None] >> np.arange(8)) & 1).astype(bool)
    tables = np.zeros((_LONGEST + 1, 4, 256), dtype=np.uint32)
    for k in range(4):
        for bit in range(8):
            tables[:, k, :] ^= np.where(bits[None, :, bit], basis[:, 8 * k + bit, None], np.uint32(0))
    return tables


class _Terms:
    """Every term seen in this process, numbered, with its CRC-32s and 64-bit key in numpy columns."""

    def __init__(self) -> None:
        self._number: dict[str, int] = {}
        # Columns: crc32(term), crc32(term + " "), UTF-8 length, 64-bit key.
        self._columns = np.zeros((4, 1024), dtype=np.uint64)
        self._lock = threading.Lock()

    def columns(self, terms: Sequence[str]) -> np.ndarray:
        """The four columns of each of ``terms``, in order (a new array)."""
        with self._lock:
            number = self._number
            try:  # one pass when every term is numbered, as most are
                chosen = np.fromiter(map(number.__getitem__, terms), dtype=np.int64, count=len(terms))
            except KeyError:
                unknown = set(terms).difference(number)
                if len(number) + len(unknown) > _TERMS_KEPT:
                    number.clear()
                    unknown = set(terms)
                self._add(sorted(unknown))
                chosen = np.fromiter(map(number.__getitem__, terms), dtype=np.int64, count=len(terms))
            return self._columns[:, chosen]

    def _add(self, unknown: list[str]) -> None:
        rows = []
        for term in unknown:
            data = term.encode("utf-8", "surrogatepass")
            rows.append((zlib.crc32(data), zlib.crc32(b" ", zlib.crc32(data)), len(data), term_key(term)))
        self._put(unknown, np.array(rows, dtype=np.uint64).reshape(-1, 4).T)

    def _put(self, terms: list[str], rows: np.ndarray) -> None:
        # Rows are written before the terms are numbered: an interruption leaves no term
        # pointing at a row that was never filled.
        first = len(self._number)
        needed = first + len(terms)
        if needed > self._columns.shape[1]:
            grown = np.zeros((4, max(needed, 2 * self._columns.shape[1])), dtype=np.uint64)
            grown[:, :first] = self._columns[:, :first]
            self._columns = grown
        self._columns[:, first:needed] = rows
        self._number.update(zip(terms, range(first, needed)))

    # Shared with scan workers (dupecheck.parallel.share_memo): terms are numbered in the
    # order they are added, so a worker's new terms are its last numbers.

    def mark(self) -> int:
        """How many terms are numbered."""
        return len(self._number)

    def added(self, mark: int) -> tuple[list[str], np.ndarray]:
        """Terms numbered since there were ``mark``, with their columns (all, if fewer are numbered now)."""
        with self._lock:
            count = len(self._number)
            start = mark if mark <= count else 0
            terms = list(islice(reversed(self._number), count - start))[::-1]
            return terms, self._columns[:, start:count].copy()

    def learn(self, added: tuple[list[str], np.ndarray]) -> None:
        """Number terms another process numbered, with the columns it made for them."""
        terms, rows = added
        with self._lock:
            new = [at for at, term in enumerate(terms) if term not in self._number]
            if not new:
                return
            if len(self._number) + len(new) > _TERMS_KEPT:
                self._number.clear()
                new = list(range(len(terms)))[:_TERMS_KEPT]
            self._put([terms[at] for at in new], rows[:, new])


_TERMS = _Terms()
share_memo(SharedMemo(mark=_TERMS.mark, added=_TERMS.added, learn=_TERMS.learn))


def term_key(term: str) -> int:
    """A term's stable 64-bit key (the first 8 bytes of its BLAKE2b digest)."""
    return int.from_bytes(
        hashlib.blake2b(term.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little"
    )


def first_of_each(keys: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Positions of the first occurrence of each distinct key within each group, grouped in order.

    Equivalent to de-duplicating ``(group, key)`` pairs; one sort of a 64-bit mix of the
    two instead of a two-key ``lexsort`` (ten times slower): two different pairs share
    a mix with a probability of about one in 10^19.

    >>> first_of_each(np.array([5, 5, 7, 5], dtype=np.uint64), np.array([0, 0, 0, 1])).tolist()
    [0, 2, 3]
    """
    _, _, first = _runs(keys, groups)
    # Then ordered by (group, position).
    size = max(len(keys), 1)
    found: np.ndarray = np.sort(groups[first].astype(np.int64) * size + first) % size
    return found


def _runs(keys: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(group, key)`` pairs sorted by a 64-bit mix of the two (equal pairs are equal mixes).

    Returns the sorting order, the run of equal pairs each sorted item is in (0, 1, ...),
    and the earliest position of each run.
    """
    mixed = keys ^ mix64(groups.astype(np.uint64))
    order = np.argsort(mixed)
    ordered = mixed[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    runs = np.flatnonzero(starts)
    earliest = np.minimum.reduceat(order, runs) if len(runs) else order[:0]
    return order, np.cumsum(starts) - 1, earliest


def is_in(values: np.ndarray, sorted_values: np.ndarray) -> np.ndarray:
    """Which of ``values`` are among ``sorted_values`` (sorted, repeats allowed), like ``np.isin``.

    Both are taken as uint64 (shingle keys, or the pre-test's tagged CRC-32s). A table
    indexed by the low bits of the sorted values holds, for each slot only one of them
    falls in, that value's position: most values are answered by one look in it and one
    comparison. Values in a slot several fall in are found by binary search, as are all
    of them when they are few beside the sorted values (then the table costs more).

    >>> is_in(np.array([7, 3, 1 << 40, 9]), np.array([3, 3, 9])).tolist()
    [False, True, False, True]
    """
    values = np.asarray(values, dtype=np.uint64)
    sorted_values = np.asarray(sorted_values, dtype=np.uint64)
    found = np.zeros(len(values), dtype=bool)
    count = len(sorted_values)
    if not count or not len(values):
        return found
    if 4 * len(values) < count:
        _search(values, sorted_values, np.arange(len(values)), found)
        return found
    # 16 to 32 slots a sorted value, so few share one.
    bits = min(max(count.bit_length() + 4, 12), 20)
    mask = np.uint64((1 << bits) - 1)
    slots = (sorted_values & mask).astype(np.intp)
    numbers = np.arange(1, count + 1, dtype=np.int32)
    position = np.zeros(1 << bits, dtype=np.int32)  # a sorted value's position + 1; 0: none
    position[slots] = numbers
    # Where several fall in one slot, only one position is kept there: the others mark it shared.
    shared = np.zeros(1 << bits, dtype=bool)
    shared[slots[position[slots] != numbers]] = True
    value_slots = (values & mask).astype(np.intp)
    at = position[value_slots]
    maybe = np.flatnonzero(at)
    alone = ~shared[value_slots[maybe]]
    sure = maybe[alone]
    found[sure] = sorted_values[at[sure] - 1] == values[sure]
    _search(values, sorted_values, maybe[~alone], found)
    return found


def _search(values: np.ndarray, sorted_values: np.ndarray, chosen: np.ndarray, found: np.ndarray) -> None:
    """Set ``found`` at ``chosen`` to whether those values are in ``sorted_values``, by binary search."""
    if len(chosen):
        wanted = values[chosen]
        at = np.minimum(np.searchsorted(sorted_values, wanted), len(sorted_values) - 1)
        found[chosen] = sorted_values[at] == wanted


def shingle_key(shingle: str) -> int:
    """The stable 64-bit key of one shingle, as :func:`shingle_codes` gives it.

    >>> shingle_key("council") == term_key("council")
    True
    """
    first, _, second = shingle.partition(" ")
    if not second:
        return term_key(first)
    return mix64_int(((term_key(first) * _PAIR) & MASK) ^ term_key(second))


def shingle_keys(shingle_set: Iterable[str]) -> np.ndarray:
    """The keys (:func:`shingle_key`) of some shingles, sorted and distinct, as uint64.

    >>> keys = shingle_keys(["vote", "council", "vote"])
    >>> keys.tolist() == sorted({shingle_key("vote"), shingle_key("council")})
    True
    """
    return np.unique(np.array([shingle_key(shingle) for shingle in shingle_set], dtype=np.uint64))


@dataclass(frozen=True, slots=True, eq=False)
class ShingleCodes:
    """Every shingle occurrence of some paragraphs as numbers, words first, then adjacent pairs.

    A shingle found twice in a paragraph is listed twice: keys count as a set, and a
    MinHash of the CRCs is the same whatever repeats. (Arrays: compared by identity.)
    """

    paragraph: np.ndarray
    """Which of the paragraphs (0, 1, ...) each shingle comes from."""
    crc: np.ndarray
    """uint32: its CRC-32, the value MinHash signs (equal to :func:`shingle_hash_table`'s)."""
    key: np.ndarray
    """uint64: its 64-bit key (:func:`shingle_key`), what document frequencies are counted over."""
    words: int
    """How many of the shingles (the first ones) are single words."""
    first: np.ndarray
    """For each pair (after the words), its first word's place among the words; its second is next."""


def split_by_owner(values: np.ndarray, owners: np.ndarray, count: int) -> list[np.ndarray]:
    """``values`` cut into one array per owner ``0 .. count - 1`` (``owners`` sorted, one per value).

    >>> [a.tolist() for a in split_by_owner(np.array([5, 6, 7]), np.array([0, 0, 2]), 3)]
    [[5, 6], [], [7]]
    >>> split_by_owner(np.array([]), np.array([]), 0)
    []
    """
    if count == 0:
        return []
    return np.split(values, np.searchsorted(owners, np.arange(1, count)))


def content_codes(documents: Sequence[Document]) -> tuple[ShingleCodes, list[int]]:
    """The :func:`shingle_codes` of the documents' content paragraphs, and how many each document has."""
    terms = [p.terms for document in documents for p in document.paragraphs if p.is_content]
    counts = [sum(1 for p in document.paragraphs if p.is_content) for document in documents]
    return shingle_codes(terms), counts


def shingle_codes(paragraphs: Sequence[Sequence[str]]) -> ShingleCodes:
    """The shingles of each paragraph's terms (:func:`shingles`), as numbers computed in numpy.

    >>> codes = shingle_codes([("council", "vote"), ("fund",)])
    >>> codes.paragraph.tolist(), codes.words
    ([0, 0, 1, 0], 3)
    >>> table = shingle_hash_table([frozenset({"council", "vote", "fund", "council vote"})])
    >>> codes.crc.tolist() == [table[s] for s in ("council", "vote", "fund", "council vote")]
    True
    >>> int(codes.key[3]) == shingle_key("council vote")
    True
    """
    terms = list(chain.from_iterable(paragraphs))
    owner = np.repeat(np.arange(len(paragraphs), dtype=np.int32), list(map(len, paragraphs)))
    columns = _TERMS.columns(terms)
    crc, crc_spaced, length, key = columns[0], columns[1], columns[2], columns[3]
    first = np.flatnonzero(owner[:-1] == owner[1:])
    second = first + 1
    shift = np.minimum(length[second], _LONGEST).astype(np.intp)
    spaced = crc_spaced[first].astype(np.uint32)
    tables = _shift_tables()
    pair_crc = (
        tables[shift, 0, spaced & 0xFF]
        ^ tables[shift, 1, (spaced >> 8) & 0xFF]
        ^ tables[shift, 2, (spaced >> 16) & 0xFF]
        ^ tables[shift, 3, spaced >> 24]
        ^ crc[second].astype(np.uint32)
    )
    for at in np.flatnonzero(length[second] > _LONGEST).tolist():
        pair = f"{terms[first[at]]} {terms[second[at]]}"
        pair_crc[at] = zlib.crc32(pair.encode("utf-8", "surrogatepass"))
    pair_key = mix64((key[first] * np.uint64(_PAIR)) ^ key[second])
    return ShingleCodes(
        paragraph=np.concatenate([owner, owner[first]]),
        crc=np.concatenate([crc.astype(np.uint32), pair_crc]),
        key=np.concatenate([key, pair_key]),
        words=len(terms),
        first=first,
    )


@dataclass(frozen=True, slots=True, eq=False)
class Shingled:
    """An article's content shingles as numbers, each once a paragraph: what signing reads.

    Made with the article's shingle keys while it is segmented, and stored, so signing
    reads no document and looks up no word again (an article whose shingle keys come from
    a cache is shingled again when it must be signed). (Arrays: compared by identity.)
    """

    keys: np.ndarray
    """uint64: the article's distinct shingle keys, in the order :func:`shingled` gives."""
    crcs: np.ndarray
    """uint32: the CRC-32 of each key's shingle."""
    members: np.ndarray
    """Each content paragraph's distinct shingles as positions in ``keys``, paragraph after
    paragraph: a paragraph's words first, then its pairs, each in order of first use."""
    sizes: np.ndarray
    """uint32: how many of ``members`` each content paragraph has."""
    words: np.ndarray
    """uint32: how many of them are single words."""

    def encode(self) -> bytes:
        """All but the keys as bytes (:meth:`decode` reads them with the keys, kept apart)."""
        wide = bool(len(self.members)) and int(self.members.max()) > 0xFFFF
        head = np.array([len(self.sizes), int(wide)], dtype="<u4")
        parts = (head, self.sizes, self.words, self.crcs)
        members = np.asarray(self.members, dtype="<u4" if wide else "<u2").tobytes()
        return b"".join(np.asarray(part, dtype="<u4").tobytes() for part in parts) + members

    @classmethod
    def decode(cls, keys: np.ndarray, blob: bytes) -> Shingled:
        """The shingles :meth:`encode` wrote, with their ``keys``.

        >>> from dupecheck.model import Article, Paragraph, ParagraphKind
        >>> paragraphs = [Paragraph(n, 0, 0, ParagraphKind.CONTENT, terms) for n, terms in enumerate(
        ...     [("council", "vote"), ("vote",)])]
        >>> [made] = shingled([Document(Article("a", ""), tuple(paragraphs))])
        >>> again = Shingled.decode(made.keys, made.encode())
        >>> again.members.tolist(), again.sizes.tolist(), again.words.tolist()
        ([0, 1, 2, 1], [3, 1], [2, 1])
        """
        count, wide = (int(value) for value in np.frombuffer(blob, dtype="<u4", count=2))
        values = np.frombuffer(blob, dtype="<u4", count=2 + 2 * count + len(keys))
        members = np.frombuffer(blob, dtype="<u4" if wide else "<u2", offset=4 * len(values))
        return cls(
            keys=keys,
            crcs=values[2 + 2 * count :].astype(np.uint32),
            members=members.astype(np.uint32),
            sizes=values[2 : 2 + count].astype(np.uint32),
            words=values[2 + count : 2 + 2 * count].astype(np.uint32),
        )


def shingled(documents: Sequence[Document]) -> list[Shingled]:
    """The :class:`Shingled` of each document's content paragraphs, made in numpy for all of them together.

    Its ``keys`` hold every distinct key of the article once, in order of first use
    paragraph by paragraph (a paragraph's words before its pairs).
    """
    codes, counts = content_codes(documents)
    # Each paragraph's distinct shingles, by (paragraph, position): its words come first.
    chosen = first_of_each(codes.key, codes.paragraph)
    owner = np.repeat(np.arange(len(documents)), counts)[codes.paragraph[chosen]]
    # Their article's distinct keys, in order of first use.
    order, run, earliest = _runs(codes.key[chosen], owner)
    is_first = np.zeros(len(order), dtype=bool)
    is_first[earliest] = True
    rank = np.cumsum(is_first) - 1  # a first use's place among all the articles' distinct keys
    at = np.empty(len(order), dtype=np.int64)
    at[order] = rank[earliest][run]
    firsts = np.flatnonzero(is_first)
    key_counts = np.bincount(owner[firsts], minlength=len(documents))
    members = (at - (np.cumsum(key_counts) - key_counts)[owner]).astype(np.uint32)
    paragraphs = sum(counts)
    sizes = np.bincount(codes.paragraph[chosen], minlength=paragraphs).astype(np.uint32)
    words = np.bincount(codes.paragraph[chosen[chosen < codes.words]], minlength=paragraphs).astype(np.uint32)
    ends = np.cumsum(counts, dtype=np.int64)
    member_ends = np.cumsum(np.bincount(owner, minlength=len(documents)))
    keys = split_by_owner(codes.key[chosen[firsts]], owner[firsts], len(documents))
    crcs = split_by_owner(codes.crc[chosen[firsts]], owner[firsts], len(documents))
    return [
        Shingled(keys=k, crcs=c, members=m, sizes=s, words=w)
        for k, c, m, s, w in zip(
            keys,
            crcs,
            np.split(members, member_ends[:-1]),
            np.split(sizes, ends[:-1]),
            np.split(words, ends[:-1]),
        )
    ]
