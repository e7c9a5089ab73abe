"""Candidate pairs beyond the scan's band sorting: exact copies, and the shared Redis LSH index.

The only module that imports MinHashLSH (for the Redis index), and the only one that knows
how datasketch lays its entries out in Redis (:func:`queue_lsh_writes` writes them).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from dupecheck.settings import Settings
from dupecheck.sign import signature_of

if TYPE_CHECKING:
    from datasketch import MinHashLSH


def identical_pairs(contents: Sequence[str] | np.ndarray) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, of documents whose content is the same, word for word.

    ``contents`` holds a digest of each document's words (empty for a document without
    any). Exact copies are found this way even when every word they hold is corpus
    vocabulary that LSH never sees (a re-sent table of figures). Digests are sorted in
    numpy, not put in a dict, so a million of them take a few megabytes.

    >>> identical_pairs(["a b", "c", "a b", ""])
    [(0, 2)]
    >>> identical_pairs(np.array([b"x", b"", b"x", b"x", b""], dtype="S16"))
    [(0, 2), (0, 3), (2, 3)]
    """
    values = np.asarray(contents)
    if not len(values):
        return []
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sizes = np.diff(np.r_[starts, len(values)])
    pairs: list[tuple[int, int]] = []
    for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist()):
        if ordered[start]:
            same = sorted(order[start : start + size].tolist())
            pairs += itertools.combinations(same, 2)
    return sorted(pairs)


def redis_lsh(settings: Settings, basename: bytes, connection: dict[str, object]) -> MinHashLSH:
    """A MinHashLSH kept in Redis (datasketch's own storage) with bytes keys, never pickled.

    ``connection`` holds the keyword arguments of ``redis.Redis`` (host, port, db, password ...).
    Its entries are written by :func:`queue_lsh_writes`, in the writer's own transaction,
    and read by datasketch.
    """
    # Imported here: datasketch imports scipy, and only the Redis index needs an LSH object.
    from datasketch import MinHashLSH

    return MinHashLSH(
        threshold=settings.candidate_threshold,
        num_perm=settings.num_perm,
        storage_config={"type": "redis", "basename": basename, "redis": dict(connection)},
        prepickle=False,
    )


def lsh_bands(lsh: MinHashLSH, values: np.ndarray, settings: Settings) -> list[bytes]:
    """The band values ``MinHashLSH.insert`` stores for a signature (one row of values), one per band."""
    hashvalues = signature_of(values, settings).hashvalues
    return [lsh._H(hashvalues[start:end]) for start, end in lsh.hashranges]


def stored_lsh_bands(lsh: MinHashLSH, keys: Sequence[bytes]) -> dict[bytes, list[bytes]]:
    """The band values the LSH holds for each of ``keys`` that it holds, in one round trip.

    Read as ``MinHashLSH.remove`` reads them: :func:`queue_lsh_writes` takes these out of
    the bands' buckets to remove a key.
    """
    if not keys:
        return {}
    return {key: list(bands) for key, bands in zip(keys, lsh.keys.getmany(*keys)) if bands}


def queue_lsh_writes(
    pipe: Any,
    lsh: MinHashLSH,
    removed: dict[bytes, list[bytes]],
    inserted: Sequence[tuple[bytes, np.ndarray]],
    settings: Settings,
) -> None:
    """Queue on ``pipe`` the writes datasketch's Redis storage makes to remove, then insert, LSH keys.

    ``removed`` maps keys to the bands they are stored with (:func:`stored_lsh_bands`);
    ``inserted`` holds ``(key, signature values)`` pairs. The keys and values written are
    those of an insertion and a deletion session of ``lsh``, so its queries find them, but
    they go on the caller's pipeline: a ``MULTI`` on it makes them part of its transaction.
    A key stored with more than one band per bucket table (an insert that followed another
    without a removal) is taken out of every one of them. As in a deletion session, a
    band's entry in its table's index of buckets stays when its bucket empties: a query
    reads the buckets, not that index, and another writer may be filling the bucket.
    """
    tables = lsh.hashtables
    for key, bands in removed.items():
        for position, band in enumerate(bands):
            pipe.srem(tables[position % len(tables)].redis_key(band), key)
        pipe.delete(lsh.keys.redis_key(key))
    if removed:
        pipe.hdel(lsh.keys._name, *removed)
    # The tables' indexes (band: bucket name, and key: band list name) are written once per call.
    indexes: list[dict[bytes, bytes]] = [{} for _ in (lsh.keys, *tables)]
    for key, values in inserted:
        bands = lsh_bands(lsh, values, settings)
        indexes[0][key] = lsh.keys.redis_key(key)
        pipe.rpush(lsh.keys.redis_key(key), *bands)
        for band, table, index in zip(bands, tables, indexes[1:]):
            index[band] = table.redis_key(band)
            pipe.sadd(table.redis_key(band), key)
    for storage, index in zip((lsh.keys, *tables), indexes):
        if index:
            pipe.hset(storage._name, mapping=index)


def lsh_mismatches(
    lsh: MinHashLSH, signatures: Sequence[tuple[bytes, np.ndarray]], settings: Settings
) -> tuple[int, int]:
    """How many of ``signatures`` (key, values) the LSH does not hold, and how many it holds with other bands.

    Other bands than its values give are a stale entry. The buckets are not read: a key
    and its buckets are written in one transaction, so its bands say which buckets hold it,
    and reading every bucket would take longer than all the rest of a check.
    """
    stored = stored_lsh_bands(lsh, [key for key, _ in signatures])
    missing = sum(1 for key, _ in signatures if key not in stored)
    otherwise = sum(
        1 for key, values in signatures if key in stored and stored[key] != lsh_bands(lsh, values, settings)
    )
    return missing, otherwise


def lsh_keys(lsh: MinHashLSH) -> frozenset[bytes]:
    """The keys the LSH holds."""
    return frozenset(lsh.keys.keys())


def redis_query(lsh: MinHashLSH, signatures: Sequence[np.ndarray]) -> list[set[bytes]]:
    """The keys colliding with each signature (one row of values each), one lookup batch per band."""
    if not signatures:
        return []
    settings = Settings(num_perm=lsh.h)
    hashvalues = [signature_of(values, settings).hashvalues for values in signatures]
    found: list[set[bytes]] = [set() for _ in signatures]
    for (start, end), table in zip(lsh.hashranges, lsh.hashtables):
        bands = [lsh._H(values[start:end]) for values in hashvalues]
        for position, keys in enumerate(table.getmany(*bands)):
            found[position].update(keys)
    return found
