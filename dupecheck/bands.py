"""LSH band keys of MinHash signatures, for indexes that live outside memory (see :mod:`dupecheck.index`).

The bands are chosen as datasketch's ``MinHashLSH`` chooses them for a threshold, so a
stored index proposes the same paragraph collisions as a scan does in memory.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.integrate import quad


def _false_positive(threshold: float, bands: int, rows: int) -> float:
    area, _ = quad(lambda s: 1 - (1 - s ** float(rows)) ** float(bands), 0.0, threshold)
    return float(area)


def _false_negative(threshold: float, bands: int, rows: int) -> float:
    area, _ = quad(lambda s: 1 - (1 - (1 - s ** float(rows)) ** float(bands)), threshold, 1.0)
    return float(area)


@lru_cache(maxsize=16)
def band_layout(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` minimising false positives plus false negatives, equally weighted.

    >>> band_layout(0.25, 128)
    (42, 3)
    """
    best, layout = float("inf"), (0, 0)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            error = 0.5 * _false_positive(threshold, bands, rows) + 0.5 * _false_negative(
                threshold, bands, rows
            )
            if error < best:
                best, layout = error, (bands, rows)
    return layout


def _mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, elementwise: spreads every input bit over the whole 64-bit word."""
    z = values + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One signed 64-bit key per band of each signature (rows of ``signatures``).

    Two signatures get the same key in a band when the band's values agree (the band's
    number is mixed in, so equal values in different bands do not collide).

    >>> values = np.arange(16, dtype=np.uint32).reshape(2, 8)
    >>> keys = band_keys(values, 2, 4)
    >>> keys.shape, keys.dtype.name
    ((2, 2), 'int64')
    >>> bool((band_keys(values[:1], 2, 4) == keys[0]).all())
    True
    """
    matrix = np.atleast_2d(np.asarray(signatures)).astype(np.uint64)
    shaped = matrix[:, : bands * rows].reshape(len(matrix), bands, rows)
    keys = np.broadcast_to(_mix(np.arange(1, bands + 1, dtype=np.uint64)), (len(matrix), bands))
    for row in range(rows):
        keys = _mix(keys ^ shaped[:, :, row])
    return keys.view(np.int64)


def colliding_pairs(
    owners: np.ndarray, signatures: np.ndarray, bands: int, rows: int
) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, of owners with signatures that agree on some band.

    ``owners[k]`` is the owner (an article) of row ``k`` of ``signatures``. Rows are
    sorted by band key, one band at a time, so a scan groups buckets in numpy instead
    of filling and querying an in-memory hash table: the same collisions as
    ``MinHashLSH`` with these bands, at a fraction of the time and memory.

    >>> sigs = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 7, 7], [1, 2, 3, 4]], dtype=np.uint32)
    >>> colliding_pairs(np.array([0, 1, 2, 0]), sigs, 2, 2)
    [(0, 1)]
    """
    owners = np.asarray(owners, dtype=np.int64)
    keys = band_keys(signatures, bands, rows)
    found: list[np.ndarray] = []
    for band in range(keys.shape[1]):
        order = np.lexsort((owners, keys[:, band]))
        band_keys_sorted, owners_sorted = keys[order, band], owners[order]
        distinct = np.ones(len(order), dtype=bool)
        distinct[1:] = (band_keys_sorted[1:] != band_keys_sorted[:-1]) | (
            owners_sorted[1:] != owners_sorted[:-1]
        )
        band_keys_sorted, owners_sorted = band_keys_sorted[distinct], owners_sorted[distinct]
        starts = np.flatnonzero(np.r_[True, band_keys_sorted[1:] != band_keys_sorted[:-1]])
        sizes = np.diff(np.r_[starts, len(band_keys_sorted)])
        # Most shared buckets hold two owners: their pairs are taken in one numpy step.
        two = starts[sizes == 2]
        found.append(np.stack([owners_sorted[two], owners_sorted[two + 1]], axis=1))
        for start, size in zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist()):
            first, second = np.triu_indices(size, 1)
            members = owners_sorted[start : start + size]
            found.append(np.stack([members[first], members[second]], axis=1))
    if not found:
        return []
    every = np.concatenate(found)
    if not len(every):
        return []
    # Owners within a bucket are sorted, so each pair is (smaller, larger); one number per pair.
    width = int(owners.max()) + 1
    codes = np.unique(every[:, 0] * width + every[:, 1])
    return list(zip((codes // width).tolist(), (codes % width).tolist()))
