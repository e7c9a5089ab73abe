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
    # Imported here: datasketch imports scipy, which a scan (signature_matrix) never needs.
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
    a, b = _permutations(settings.num_perm, settings.seed)
    out = np.full((settings.num_perm, len(hash_sets)), EMPTY, dtype=np.uint32)
    lengths = np.fromiter((len(h) for h in hash_sets), dtype=np.int64, count=len(hash_sets))
    rows = np.flatnonzero(lengths)
    if not len(rows):
        return out.T.copy()
    flat = _premix(np.concatenate([np.asarray(hash_sets[int(r)], dtype=np.uint32) for r in rows]))
    ends = np.cumsum(lengths[rows])
    starts = ends - lengths[rows]
    first = 0
    while first < len(rows):
        # A block of whole sets, at least one, about _BLOCK values long.
        last = max(first + 1, int(np.searchsorted(ends, starts[first] + _BLOCK, side="right")))
        begin, end = starts[first], ends[last - 1]
        permuted = a[:, None] * flat[None, begin:end] + b[:, None]
        out[:, rows[first:last]] = np.minimum.reduceat(permuted, starts[first:last] - begin, axis=1)
        first = last
    return np.ascontiguousarray(out.T)


def signature_of(values: np.ndarray, settings: Settings) -> MinHash:
    """A MinHash holding stored hash values (an index's), for datasketch's LSH to take."""
    from datasketch import MinHash

    return MinHash(num_perm=settings.num_perm, seed=settings.seed, hashvalues=values, scheme=SCHEME)
