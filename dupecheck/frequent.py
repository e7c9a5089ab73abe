"""Keys carried by many articles, counted over per-article key arrays too large to hold at once.

Learned boilerplate counts paragraph keys and the corpus vocabulary counts shingle keys,
each over one array of distinct 64-bit keys per article, which a large scan keeps on disk
(:class:`~dupecheck.spill.KeyArrays`). A few million keys are counted by one sort. More
are counted going through the arrays a few thousand at a time, in two passes that need no
copy of all the keys together and no sort of them: the first counts keys by bucket (a
bucket's count bounds each of its keys'), the second counts exactly the keys of the
buckets over the limit. Each pass can be shared out: worker processes go through a share
of the arrays each, and their counts are added up. Keys are well mixed hashes; two
distinct ones are equal with a probability of about one in 10^19.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import numpy as np

from dupecheck.parallel import map_parts, ordered_map
from dupecheck.shingle import is_in
from dupecheck.spill import KeyArrays

_BUCKET_BITS = 22
_BUCKETS = 1 << _BUCKET_BITS
_ARRAYS_AT_ONCE = 4096
_KEYS_AT_ONCE = 8_000_000
"""Up to this many keys (64 MB) are counted by one sort instead of by buckets."""


def stored_sizes(arrays: Sequence[np.ndarray]) -> Iterator[int]:
    """How many keys each of ``arrays`` holds, without reading arrays kept on disk."""
    if isinstance(arrays, KeyArrays):
        return (size // 8 for size in arrays.stored_sizes())
    return (len(array) for array in arrays)


def key_chunks(
    arrays: Sequence[np.ndarray], within: range | None = None
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The keys of a few thousand of ``arrays`` at a time in one uint64 array, and each key's array number.

    With ``within``, only the arrays of those numbers (a range counting one by one).

    >>> [(keys.tolist(), owners.tolist()) for keys, owners in key_chunks([np.array([3, 1]), np.array([2])])]
    [([3, 1, 2], [0, 0, 1])]
    """
    within = range(len(arrays)) if within is None else within
    for start in range(within.start, within.stop, _ARRAYS_AT_ONCE):
        stop = min(start + _ARRAYS_AT_ONCE, within.stop)
        chosen = [np.asarray(a, dtype=np.uint64) for a in arrays[start:stop]]
        owners = np.repeat(np.arange(start, start + len(chosen)), [len(a) for a in chosen])
        yield np.concatenate(chosen), owners


def _bucket(keys: np.ndarray) -> np.ndarray:
    """The bucket of each key: its top bits."""
    buckets: np.ndarray = (keys >> np.uint64(64 - _BUCKET_BITS)).astype(np.intp)
    return buckets


def frequent_keys(arrays: Sequence[np.ndarray], more_than: float, jobs: int = 1) -> np.ndarray:
    """The keys (sorted uint64) found in more than ``more_than`` of ``arrays`` (each holds a key once).

    Many keys are counted by ``jobs`` processes, each going through a share of the arrays.

    >>> arrays = [np.array([1, 2], dtype=np.uint64), np.array([2, 3], dtype=np.uint64), np.array([2, 1])]
    >>> frequent_keys(arrays, 1).tolist(), frequent_keys(arrays, 2).tolist()
    ([1, 2], [2])
    """
    if sum(stored_sizes(arrays)) <= _KEYS_AT_ONCE:
        # Few enough to count in one go (a check of a folder of articles): one sort beats
        # two passes over four million buckets.
        every = [np.zeros(0, np.uint64), *(np.asarray(a, dtype=np.uint64) for a in arrays)]
        values, counts = np.unique(np.concatenate(every), return_counts=True)
        return values[counts > more_than]
    shares = _shares(len(arrays), jobs)
    totals = np.zeros(_BUCKETS, dtype=np.int64)
    for part in map_parts(
        lambda chosen: [_bucket_totals(arrays, share) for share in chosen], shares, jobs, per_job=1
    ):
        for share_totals in part:  # added as they come: never every share's 32 MiB at once
            totals += share_totals
    heavy = totals > more_than
    if not heavy.any():
        return np.zeros(0, dtype=np.uint64)
    counted = ordered_map(lambda share: _heavy_counts(arrays, share, heavy), shares, jobs, per_job=1)
    values, counts = _merged(counted)
    return values[counts > more_than]


def _shares(count: int, jobs: int) -> list[range]:
    """``range(count)`` cut into up to ``jobs`` ranges, each of whole chunks of arrays.

    >>> _shares(10_000, 2), _shares(10, 4)
    ([range(0, 8192), range(8192, 10000)], [range(0, 10)])
    """
    chunks = -(-count // _ARRAYS_AT_ONCE)
    per_share = -(-chunks // max(1, min(jobs, chunks))) * _ARRAYS_AT_ONCE
    return [range(start, min(start + per_share, count)) for start in range(0, count, per_share)]


def _bucket_totals(arrays: Sequence[np.ndarray], share: range) -> np.ndarray:
    """How many keys of the arrays in ``share`` fall in each bucket (bounding each of its keys' count)."""
    totals = np.zeros(_BUCKETS, dtype=np.int64)
    for keys, _ in key_chunks(arrays, share):
        totals += np.bincount(_bucket(keys), minlength=_BUCKETS)
    return totals


def _heavy_counts(
    arrays: Sequence[np.ndarray], share: range, heavy: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The keys in ``heavy`` buckets of the arrays in ``share``, sorted, and how many arrays hold each."""
    values, counts = np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    for keys, _ in key_chunks(arrays, share):
        more, times = np.unique(keys[heavy[_bucket(keys)]], return_counts=True)
        values, counts = _merged([(values, counts), (more, times)])
    return values, counts


def _merged(counted: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Keys and counts of several countings, added up: each key once, sorted."""
    values, where = np.unique(np.concatenate([keys for keys, _ in counted]), return_inverse=True)
    weights = np.concatenate([counts for _, counts in counted])
    return values, np.bincount(where, weights=weights, minlength=len(values)).astype(np.int64)


def carriers(arrays: Sequence[np.ndarray], keys: np.ndarray) -> dict[int, np.ndarray]:
    """For each of ``keys`` (sorted uint64), the numbers of the arrays holding it, in order.

    >>> arrays = [np.array([1, 2], dtype=np.uint64), np.array([2, 3], dtype=np.uint64), np.array([2, 1])]
    >>> {key: found.tolist() for key, found in carriers(arrays, np.array([1, 2], dtype=np.uint64)).items()}
    {1: [0, 2], 2: [0, 1, 2]}
    """
    found_keys, found_owners = [np.zeros(0, dtype=np.uint64)], [np.zeros(0, dtype=np.int64)]
    for chunk, owners in key_chunks(arrays):
        chosen = is_in(chunk, keys)
        found_keys.append(chunk[chosen])
        found_owners.append(owners[chosen])
    every_key, every_owner = np.concatenate(found_keys), np.concatenate(found_owners)
    order = np.lexsort((every_owner, every_key))
    every_key, every_owner = every_key[order], every_owner[order]
    if not len(every_key):
        return {}
    bounds = [*np.flatnonzero(np.r_[True, every_key[1:] != every_key[:-1]]).tolist(), len(every_key)]
    return {int(every_key[a]): every_owner[a:b] for a, b in itertools.pairwise(bounds)}
