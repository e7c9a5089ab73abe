"""SplitMix64's finaliser: spreads every bit of a 64-bit word over the whole word.

Band keys (:mod:`dupecheck.bands`) and shingle keys (:mod:`dupecheck.shingle`) are mixed
with it, elementwise in numpy or on one Python integer; both give the same values.
"""

from __future__ import annotations

import numpy as np

MASK = (1 << 64) - 1
"""The 64 bits of a key, for arithmetic on Python integers."""
_ADD, _FIRST, _SECOND = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


def mix64(values: np.ndarray) -> np.ndarray:
    """The finaliser of each uint64 value (a new array).

    >>> int(mix64(np.array([7], dtype=np.uint64))[0]) == mix64_int(7)
    True
    """
    z = values + np.uint64(_ADD)
    z ^= z >> np.uint64(30)
    z *= np.uint64(_FIRST)
    z ^= z >> np.uint64(27)
    z *= np.uint64(_SECOND)
    z ^= z >> np.uint64(31)
    return z


def mix64_int(value: int) -> int:
    """The finaliser of one 64-bit integer (:func:`mix64` of one value)."""
    value = (value + _ADD) & MASK
    value = ((value ^ (value >> 30)) * _FIRST) & MASK
    value = ((value ^ (value >> 27)) * _SECOND) & MASK
    return value ^ (value >> 31)
