from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dupecheck import frequent
from dupecheck.frequent import carriers, frequent_keys, key_chunks

# Few distinct keys, spread over the whole 64-bit range, so buckets and counts both matter.
_KEYS = st.sampled_from([1, 2**63 + 5, 2**40 + 7, 2**64 - 1, 12345, 2**62])
_ARRAYS = st.lists(st.sets(_KEYS).map(lambda keys: np.array(sorted(keys), dtype=np.uint64)), max_size=40)


@pytest.fixture(autouse=True, params=["sorted at once", "counted by bucket"])
def small_chunks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frequent, "_ARRAYS_AT_ONCE", 3)
    if request.param == "counted by bucket":
        monkeypatch.setattr(frequent, "_KEYS_AT_ONCE", 0)


@settings(deadline=None)
@given(_ARRAYS, st.integers(min_value=0, max_value=12))
def test_frequent_keys_are_the_keys_in_more_arrays_than_the_limit(
    arrays: list[np.ndarray], limit: int
) -> None:
    counts = Counter(int(key) for array in arrays for key in array)
    assert frequent_keys(arrays, limit).tolist() == sorted(key for key, n in counts.items() if n > limit)


@settings(deadline=None)
@given(_ARRAYS)
def test_carriers_are_the_arrays_holding_each_key(arrays: list[np.ndarray]) -> None:
    keys = np.array(sorted({1, 2**64 - 1, 99}), dtype=np.uint64)
    expected = {
        int(key): [n for n, array in enumerate(arrays) if key in array.tolist()]
        for key in keys
        if any(key in array.tolist() for array in arrays)
    }
    assert {key: found.tolist() for key, found in carriers(arrays, keys).items()} == expected


def test_key_chunks_number_each_key_by_its_array() -> None:
    arrays = [np.full(n % 3, n, dtype=np.uint64) for n in range(8)]
    chunks = list(key_chunks(arrays))
    assert len(chunks) == 3
    keys = np.concatenate([k for k, _ in chunks])
    owners = np.concatenate([o for _, o in chunks])
    assert keys.tolist() == owners.tolist() == [n for n in range(8) for _ in range(n % 3)]


def test_counting_shared_out_over_processes_finds_the_same_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frequent, "_ARRAYS_AT_ONCE", 250)  # a few chunks a share
    rng = np.random.default_rng(3)
    pool = rng.integers(0, 2**64, size=300, dtype=np.uint64)
    arrays = [np.unique(rng.choice(pool, size=int(rng.integers(0, 60)))) for _ in range(2000)]
    counts = Counter(int(key) for array in arrays for key in array)
    for limit in (0, 150, 10_000):
        expected = sorted(key for key, n in counts.items() if n > limit)
        assert frequent_keys(arrays, limit, jobs=2).tolist() == expected
        assert frequent_keys(arrays, limit, jobs=3).tolist() == expected


def test_key_chunks_within_an_empty_range_give_no_keys() -> None:
    arrays = [np.array([1, 2], dtype=np.uint64), np.array([3], dtype=np.uint64)]
    assert list(key_chunks(arrays, range(1, 1))) == []
    assert [keys.tolist() for keys, _ in key_chunks(arrays, range(1, 2))] == [[3]]
