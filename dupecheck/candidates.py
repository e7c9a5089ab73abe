"""Candidate pairs beyond the scan's band sorting: exact copies, and the shared Redis LSH index.

The only module that imports MinHashLSH (for the Redis index).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

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
    """
    # Imported here: datasketch imports scipy, and only the Redis index needs an LSH object.
    from datasketch import MinHashLSH

    return MinHashLSH(
        threshold=settings.candidate_threshold,
        num_perm=settings.num_perm,
        storage_config={"type": "redis", "basename": basename, "redis": dict(connection)},
        prepickle=False,
    )


def redis_insert(lsh: MinHashLSH, entries: Sequence[tuple[bytes, np.ndarray]], settings: Settings) -> None:
    """Insert ``(key, signature values)`` pairs in one insertion session (pipelined writes)."""
    with lsh.insertion_session() as session:
        for key, values in entries:
            session.insert(key, signature_of(values, settings), check_duplication=False)


def redis_remove(lsh: MinHashLSH, keys: Sequence[bytes]) -> None:
    """Remove ``keys`` in one deletion session; keys the LSH does not hold are left alone."""
    present = [key for key in keys if key in lsh]
    with lsh.deletion_session() as session:
        for key in present:
            session.remove(key)


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


def redis_has(lsh: MinHashLSH, key: bytes) -> bool:
    """Whether the LSH holds ``key``."""
    return key in lsh
