"""MinHash signatures of paragraphs: the only module that knows datasketch's MinHash."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from datasketch import MinHash

from dupecheck.settings import Settings

SCHEME = "affine32"


def _identity(value: int) -> int:
    return value


def signatures(hash_sets: Iterable[list[int]], settings: Settings) -> list[MinHash]:
    """One MinHash per set of pre-hashed shingles, all with the settings' seed and size."""
    template = MinHash(num_perm=settings.num_perm, seed=settings.seed, hashfunc=_identity, scheme=SCHEME)
    out = []
    for hashes in hash_sets:
        signature = template.copy()
        if hashes:
            signature.update_batch(np.asarray(hashes, dtype=np.uint32))
        out.append(signature)
    return out


def signature_of(values: np.ndarray, settings: Settings) -> MinHash:
    """A MinHash holding stored hash values (an index's), for datasketch's LSH to take."""
    return MinHash(num_perm=settings.num_perm, seed=settings.seed, hashvalues=values, scheme=SCHEME)
