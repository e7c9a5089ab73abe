"""LSH band keys of MinHash signatures, for indexes that live outside memory (see :mod:`dupecheck.index`).

The bands are chosen as datasketch's ``MinHashLSH`` chooses them for a threshold, so a
stored index proposes the same paragraph collisions as a scan does in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import numpy as np

from dupecheck.mix import mix64
from dupecheck.parallel import ordered_map
from dupecheck.spill import Records


@lru_cache(maxsize=4)
def _legendre(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [-1, 1], exact for polynomials of degree <= ``num_perm``.

    The integrands below are polynomials in ``s`` of degree ``bands * rows <= num_perm``, and
    ``n`` nodes integrate degree ``2n - 1`` exactly: no adaptive quadrature (nor scipy) is needed.
    """
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 2)
    return nodes, weights


def _integrals(probability: np.ndarray, low: float, high: float, weights: np.ndarray) -> np.ndarray:
    """The integrals over ``[low, high]`` of the rows of ``probability``, sampled at the mapped nodes."""
    result: np.ndarray = probability @ weights * (0.5 * (high - low))
    return result


@lru_cache(maxsize=16)
def band_layout(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` minimising false positives plus false negatives, equally weighted.

    The same choice as datasketch's ``MinHashLSH`` makes: the false positive rate is the area
    under ``1 - (1 - s**rows)**bands`` below the threshold, the false negative rate the area
    above it under one minus that; ties go to fewer bands, then fewer rows.

    >>> band_layout(0.25, 128)
    (42, 3)
    """
    nodes, weights = _legendre(num_perm)
    below = 0.5 * threshold * (nodes + 1.0)
    above = threshold + 0.5 * (1.0 - threshold) * (nodes + 1.0)
    # error[bands - 1, rows - 1]; layouts with bands * rows > num_perm stay infinite.
    error = np.full((num_perm, num_perm), np.inf)
    for rows in range(1, num_perm + 1):
        bands = np.arange(1, num_perm // rows + 1, dtype=np.float64)[:, None]
        false_positive = _integrals(1.0 - (1.0 - below ** float(rows)) ** bands, 0.0, threshold, weights)
        false_negative = _integrals(
            1.0 - (1.0 - (1.0 - above ** float(rows)) ** bands), threshold, 1.0, weights
        )
        error[: len(bands), rows - 1] = 0.5 * false_positive + 0.5 * false_negative
    # argmin takes the first minimum in row-major order: bands ascending, then rows ascending.
    first = int(np.argmin(error))
    return first // num_perm + 1, first % num_perm + 1


_KEY_BLOCK = 4096


def band_keys(signatures: np.ndarray, bands: int, rows: int, *, first: int = 0) -> np.ndarray:
    """One signed 64-bit key per band of each signature (rows of ``signatures``).

    Two signatures get the same key in a band when the band's values agree (the band's
    number is mixed in, so equal values in different bands do not collide). With
    ``first``, ``signatures`` holds the columns of bands ``first``, ``first + 1`` ... only,
    and their keys are those bands' keys.

    >>> values = np.arange(16, dtype=np.uint32).reshape(2, 8)
    >>> keys = band_keys(values, 2, 4)
    >>> keys.shape, keys.dtype.name
    ((2, 2), 'int64')
    >>> bool((band_keys(values[:1], 2, 4) == keys[0]).all())
    True
    >>> bool((band_keys(values[:, 4:], 1, 4, first=1) == keys[:, 1:]).all())
    True
    """
    matrix = np.atleast_2d(np.asarray(signatures))
    seeds = mix64(np.arange(first + 1, first + bands + 1, dtype=np.uint64))
    out = np.empty((len(matrix), bands), dtype=np.uint64)
    # A block of signatures at a time, so the mixing works in the CPU's cache.
    for start in range(0, len(matrix), _KEY_BLOCK):
        block = matrix[start : start + _KEY_BLOCK]
        keys = np.broadcast_to(seeds, (len(block), bands))
        for row in range(rows):
            # Value ``row`` of every band: columns row, row + rows, row + 2 * rows ...
            keys = mix64(keys ^ block[:, row : bands * rows : rows].astype(np.uint64))
        out[start : start + len(block)] = keys
    return out.view(np.int64)


_BANDS_AT_ONCE = 8
_ROWS_WORTH_WORKERS = 1_000_000
"""Below this many signatures, sorting every band in this process costs less than starting workers."""


def _keys_by_band(signatures: np.ndarray, bands: int, rows: int) -> Iterator[np.ndarray]:
    """The keys of each band in turn, made a few bands at a time (not all bands' keys at once)."""
    for first in range(0, bands, _BANDS_AT_ONCE):
        count = min(_BANDS_AT_ONCE, bands - first)
        columns = signatures[:, first * rows : (first + count) * rows]
        yield from np.ascontiguousarray(band_keys(columns, count, rows, first=first).T)


class BandCollisions:
    """Signatures added a batch at a time; their band keys wait on disk until :meth:`pairs` sorts them.

    A scan signs its articles in batches and never holds every signature: only the
    owners (one number per signature) stay in memory, and each band's keys are read
    back and sorted one band at a time.
    """

    def __init__(self, bands: int, rows: int, directory: str | None = None) -> None:
        self.bands, self.rows = bands, rows
        self._keys = Records(directory)
        self._owners: list[np.ndarray] = []

    def close(self) -> None:
        """Remove the keys' file."""
        self._keys.close()

    def add(self, owners: np.ndarray, signatures: np.ndarray) -> None:
        """Add ``signatures`` (rows), row ``k`` belonging to owner ``owners[k]``."""
        self._store(owners, (keys.tobytes() for keys in _keys_by_band(signatures, self.bands, self.rows)))

    def add_keys(self, owners: np.ndarray, keys: np.ndarray) -> None:
        """:meth:`add` for signatures whose :func:`band_keys` were made already (in workers), row by row."""
        self._store(owners, (np.ascontiguousarray(keys[:, band]).tobytes() for band in range(self.bands)))

    def _store(self, owners: np.ndarray, by_band: Iterable[bytes]) -> None:
        """Keep the owners of some rows, and their keys band after band (``by_band``)."""
        if not len(owners):
            return
        self._owners.append(np.asarray(owners, dtype=np.int64))
        self._keys.extend(by_band)

    def pairs(self, focus: np.ndarray | None = None, jobs: int = 1) -> np.ndarray:
        """Pairs ``(i, j)``, ``i < j``, of owners with signatures that agree on some band: rows, sorted.

        With ``focus`` (owner numbers), at least every pair with an owner in it: a band's
        keys are sorted only where they are one of the focus's keys in that band (a check
        of a few changed articles against a folder sorts a handful of keys, not all).
        With many signatures, ``jobs`` processes sort a share of the bands each.
        """
        if not self._owners:
            return np.zeros((0, 2), dtype=np.int64)
        owners = np.concatenate(self._owners)
        width = int(owners.max()) + 1
        focused = None if focus is None else np.isin(owners, focus)
        shared = jobs if len(owners) >= _ROWS_WORTH_WORKERS else 1
        found = ordered_map(
            lambda band: self._band_codes(band, owners, focused, width), range(self.bands), shared, per_job=1
        )
        codes = np.unique(np.concatenate([np.zeros(0, dtype=np.int64), *found]))
        return np.stack([codes // width, codes % width], axis=1)

    def _band_codes(
        self, band: int, owners: np.ndarray, focused: np.ndarray | None, width: int
    ) -> np.ndarray:
        """The pairs of one band (of the ``focused`` rows' keys only, if given), one number each, sorted."""
        keys = np.empty(len(owners), dtype=np.int64)
        filled = 0
        for part in range(band, len(self._keys), self.bands):
            chunk = np.frombuffer(self._keys.get(part), dtype=np.int64)
            keys[filled : filled + len(chunk)] = chunk
            filled += len(chunk)
        if focused is not None:
            near = np.isin(keys, keys[focused])
            keys, owners = keys[near], owners[near]
        found = _band_pairs(keys, owners, width)
        if not found:
            return np.zeros(0, dtype=np.int64)
        every = np.concatenate(found)
        # Owners within a bucket are sorted, so each pair is (smaller, larger); one number per pair.
        return np.unique(every[:, 0] * width + every[:, 1])


def _band_pairs(keys: np.ndarray, owners: np.ndarray, width: int) -> list[np.ndarray]:
    """Arrays of owner pairs ``(i, j)``, ``i < j``, whose rows share a key of one band."""
    # Sort by key only, then look closer at the few rows whose key is shared.
    order = np.argsort(keys)
    sorted_keys = keys[order]
    same = sorted_keys[1:] == sorted_keys[:-1]
    shared = np.zeros(len(keys), dtype=bool)
    shared[1:] |= same
    shared[:-1] |= same
    if not shared.any():
        return []
    shared_keys = sorted_keys[shared]
    buckets = np.cumsum(np.r_[True, shared_keys[1:] != shared_keys[:-1]])
    # One number per (bucket, owner): an owner's rows in one bucket count once, owners sorted.
    codes = np.unique(buckets * width + owners[order[shared]])
    bucket_of, members = codes // width, codes % width
    starts = np.flatnonzero(np.r_[True, bucket_of[1:] != bucket_of[:-1]])
    sizes = np.diff(np.r_[starts, len(codes)])
    # Most shared buckets hold two owners: their pairs are taken in one numpy step.
    two = starts[sizes == 2]
    found = [np.stack([members[two], members[two + 1]], axis=1)]
    for start, size in zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist()):
        first, second = np.triu_indices(size, 1)
        group = members[start : start + size]
        found.append(np.stack([group[first], group[second]], axis=1))
    return found


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
    collisions = BandCollisions(bands, rows)
    try:
        collisions.add(owners, signatures)
        return [(i, j) for i, j in collisions.pairs().tolist()]
    finally:
        collisions.close()
