from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dupecheck import bands as bands_module
from dupecheck.bands import BandCollisions, band_keys, band_layout, colliding_pairs


def _reference(owners: np.ndarray, signatures: np.ndarray, bands: int, rows: int) -> list[tuple[int, int]]:
    """Every pair of distinct owners with rows agreeing on a whole band, by brute force."""
    pairs = set()
    for x, y in combinations(range(len(owners)), 2):
        if owners[x] == owners[y]:
            continue
        same = (
            (signatures[x, : bands * rows] == signatures[y, : bands * rows]).reshape(bands, rows).all(axis=1)
        )
        if same.any():
            pairs.add((int(min(owners[x], owners[y])), int(max(owners[x], owners[y]))))
    return sorted(pairs)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=2, max_value=5),
    st.integers(min_value=0, max_value=2**16),
)
def test_colliding_pairs_are_the_pairs_sharing_a_band(
    rows_count: int, owner_count: int, values: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    # Few distinct values, so bands collide often and buckets of many owners occur.
    signatures = rng.integers(0, values, size=(rows_count, 8), dtype=np.uint32)
    owners = rng.integers(0, owner_count, size=rows_count)
    assert colliding_pairs(owners, signatures, 4, 2) == _reference(owners, signatures, 4, 2)


@settings(max_examples=30, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**16), st.lists(st.integers(min_value=0, max_value=15), max_size=6)
)
def test_signatures_added_in_batches_collide_as_if_added_at_once(seed: int, cuts: list[int]) -> None:
    rng = np.random.default_rng(seed)
    signatures = rng.integers(0, 3, size=(16, 8), dtype=np.uint32)
    owners = np.sort(rng.integers(0, 9, size=16))
    collisions = BandCollisions(4, 2)
    for part in np.split(np.arange(16), sorted(set(cuts))):
        collisions.add(owners[part], signatures[part])
    assert [(i, j) for i, j in collisions.pairs().tolist()] == _reference(owners, signatures, 4, 2)
    collisions.close()


def test_no_rows_and_no_collisions_give_no_pairs() -> None:
    assert colliding_pairs(np.zeros(0, dtype=np.int64), np.zeros((0, 8), dtype=np.uint32), 4, 2) == []
    distinct = np.arange(32, dtype=np.uint32).reshape(4, 8)
    assert colliding_pairs(np.arange(4), distinct, 4, 2) == []


def test_band_keys_agree_exactly_when_the_band_agrees() -> None:
    signatures = np.array([[1, 2, 3, 4], [1, 2, 5, 6]], dtype=np.uint32)
    keys = band_keys(signatures, 2, 2)
    assert keys[0, 0] == keys[1, 0]
    assert keys[0, 1] != keys[1, 1]


def test_band_layout_for_the_default_threshold() -> None:
    assert band_layout(0.25, 128) == (42, 3)


def _collision(s: float, rows: int, bands: int) -> float:
    """Probability that two sets of similarity ``s`` share a band."""
    return float(1 - (1 - s ** float(rows)) ** float(bands))


def _no_collision(s: float, rows: int, bands: int) -> float:
    return 1 - _collision(s, rows, bands)


def _quad_layout(threshold: float, num_perm: int) -> tuple[int, int]:
    """The layout chosen with adaptive quadrature, as datasketch's ``MinHashLSH`` chooses it."""
    from scipy.integrate import quad

    best, layout = float("inf"), (0, 0)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_positive, _ = quad(_collision, 0.0, threshold, args=(rows, bands))
            false_negative, _ = quad(_no_collision, threshold, 1.0, args=(rows, bands))
            error = 0.5 * false_positive + 0.5 * false_negative
            if error < best:
                best, layout = error, (bands, rows)
    return layout


@pytest.mark.parametrize("num_perm", [16, 32, 64, 128, 256])
def test_band_layout_equals_the_layout_found_by_adaptive_quadrature(num_perm: int) -> None:
    for step in range(1, 20):
        threshold = round(0.05 * step, 2)
        assert band_layout(threshold, num_perm) == _quad_layout(threshold, num_perm), threshold


def test_keys_made_elsewhere_collide_as_the_signatures_they_were_made_of() -> None:
    rng = np.random.default_rng(7)
    signatures = rng.integers(0, 3, size=(40, 8), dtype=np.uint32)
    owners = np.sort(rng.integers(0, 12, size=40))
    collisions = BandCollisions(4, 2)
    collisions.add_keys(owners[:25], band_keys(signatures[:25], 4, 2))
    collisions.add(owners[25:], signatures[25:])
    collisions.add_keys(owners[:0], band_keys(signatures[:0], 4, 2))
    assert [(i, j) for i, j in collisions.pairs().tolist()] == _reference(owners, signatures, 4, 2)
    collisions.close()


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=2**16), st.sets(st.integers(min_value=0, max_value=9), max_size=4))
def test_a_focus_keeps_every_pair_with_an_owner_in_it(seed: int, focus: set[int]) -> None:
    rng = np.random.default_rng(seed)
    signatures = rng.integers(0, 3, size=(30, 8), dtype=np.uint32)
    owners = np.sort(rng.integers(0, 10, size=30))
    collisions = BandCollisions(4, 2)
    collisions.add(owners, signatures)
    every = [(i, j) for i, j in collisions.pairs().tolist()]
    focused = [(i, j) for i, j in collisions.pairs(np.array(sorted(focus), dtype=np.int64)).tolist()]
    collisions.close()
    assert set(focused) <= set(every)
    assert [pair for pair in focused if focus & set(pair)] == [pair for pair in every if focus & set(pair)]


def test_bands_sorted_in_worker_processes_give_the_same_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bands_module, "_ROWS_WORTH_WORKERS", 0)
    rng = np.random.default_rng(11)
    signatures = rng.integers(0, 4, size=(400, 16), dtype=np.uint32)
    owners = np.sort(rng.integers(0, 150, size=400))
    collisions = BandCollisions(8, 2)
    collisions.add(owners, signatures)
    alone = collisions.pairs().tolist()
    assert [(i, j) for i, j in alone] == _reference(owners, signatures, 8, 2)
    assert collisions.pairs(jobs=2).tolist() == alone
    focus = np.array([3, 50, 140])
    assert collisions.pairs(focus, jobs=2).tolist() == collisions.pairs(focus).tolist()
    collisions.close()
