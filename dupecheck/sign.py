"""MinHash signatures of paragraphs: the only module that knows datasketch's MinHash.

:func:`signature_matrix` signs many shingle sets in a few numpy operations; its rows are
the very values datasketch's ``MinHash.update_batch`` gives (same permutations, same
pre-mix), so signatures stored by an index and made by a scan agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from dupecheck.settings import Settings

if TYPE_CHECKING:
    from datasketch import MinHash

SCHEME = "affine32"
EMPTY = np.uint32(0xFFFFFFFF)
"""The value of every slot of an empty set's signature."""

# Shingle values per numpy block: a block of (num_perm x values) uint32 stays in the CPU's cache.
_BLOCK = 1 << 12


def _identity(value: int) -> int:
    return value


def _template(settings: Settings) -> MinHash:
    # Imported here: datasketch imports scipy, which a scan (signature_rows) never needs.
    from datasketch import MinHash

    return MinHash(num_perm=settings.num_perm, seed=settings.seed, hashfunc=_identity, scheme=SCHEME)


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` of datasketch's affine32 permutations ``h -> a * h + b mod 2**32``.

    Drawn as ``MinHash._init_permutations`` draws them (an odd ``a``, so the map is a
    bijection), without importing datasketch; tests check the two agree.
    """
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def signatures(hash_sets: Iterable[list[int]], settings: Settings) -> list[MinHash]:
    """One MinHash per set of pre-hashed shingles, all with the settings' seed and size."""
    template = _template(settings)
    out = []
    for hashes in hash_sets:
        signature = template.copy()
        if hashes:
            signature.update_batch(np.asarray(hashes, dtype=np.uint32))
        out.append(signature)
    return out


def _premix(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, as datasketch applies it before its affine permutations."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = values ^ (values >> np.uint32(16))
    return mixed


def signature_matrix(hash_sets: Sequence[Sequence[int] | np.ndarray], settings: Settings) -> np.ndarray:
    """Signatures of many sets of 32-bit shingle hashes, one uint32 row each.

    Equal, value for value, to ``signatures(hash_sets, settings)[k].hashvalues``, at a
    fraction of the cost: every shingle of every set is permuted in one pass and each
    row takes the minimum over its own run of values.

    >>> rows = signature_matrix([[1, 2, 3], [], [3]], Settings(num_perm=16))
    >>> rows.shape, bool((rows[1] == EMPTY).all())
    ((3, 16), True)
    >>> bool((rows[0] == signatures([[1, 2, 3]], Settings(num_perm=16))[0].hashvalues).all())
    True
    """
    lengths = np.fromiter((len(h) for h in hash_sets), dtype=np.int64, count=len(hash_sets))
    rows = np.flatnonzero(lengths)
    out = np.full((len(hash_sets), settings.num_perm), EMPTY, dtype=np.uint32)
    if len(rows):
        values = np.concatenate([np.asarray(hash_sets[int(r)], dtype=np.uint32) for r in rows])
        out[rows] = signature_rows(values, lengths[rows], settings)
    return out


def signature_rows(values: np.ndarray, lengths: np.ndarray, settings: Settings) -> np.ndarray:
    """:func:`signature_matrix` of sets held end to end in ``values``, ``lengths`` their sizes (none 0).

    >>> small = Settings(num_perm=16)
    >>> rows = signature_rows(np.array([1, 2, 3, 3], dtype=np.uint32), np.array([3, 1]), small)
    >>> bool((rows == signature_matrix([[1, 2, 3], [3]], small)).all())
    True
    """
    a, b = _permutations(settings.num_perm, settings.seed)
    out = np.empty((settings.num_perm, len(lengths)), dtype=np.uint32)
    if not len(lengths):
        return out.T.copy()
    flat = _premix(np.asarray(values, dtype=np.uint32))
    ends = np.cumsum(lengths)
    starts = ends - lengths
    # Blocks of whole sets, at least one a block, about _BLOCK values long.
    blocks = []
    first = 0
    while first < len(lengths):
        last = max(first + 1, int(np.searchsorted(ends, starts[first] + _BLOCK, side="right")))
        blocks.append((first, last))
        first = last
    # Permuted in place in one buffer: a new (num_perm x values) array a block costs
    # more in fresh memory than the arithmetic does.
    widest = max(int(ends[last - 1] - starts[first]) for first, last in blocks)
    buffer = np.empty((settings.num_perm, widest), dtype=np.uint32)
    for first, last in blocks:
        begin, end = starts[first], ends[last - 1]
        permuted = buffer[:, : end - begin]
        np.multiply(a[:, None], flat[None, begin:end], out=permuted)
        permuted += b[:, None]
        out[:, first:last] = np.minimum.reduceat(permuted, starts[first:last] - begin, axis=1)
    return np.ascontiguousarray(out.T)


def signature_of(values: np.ndarray, settings: Settings) -> MinHash:
    """A MinHash holding stored hash values (an index's), for datasketch's LSH to take."""
    from datasketch import MinHash

    return MinHash(num_perm=settings.num_perm, seed=settings.seed, hashvalues=values, scheme=SCHEME)
