from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dupecheck.settings import Settings
from dupecheck.shingle import shingle_hashes, shingles
from dupecheck.sign import EMPTY, _permutations, signature_matrix, signatures
from dupecheck.text import content_terms


def test_identical_sets_have_identical_signatures_and_disjoint_sets_differ() -> None:
    a = shingle_hashes(shingles(content_terms("tidal barrier council vote harbour flood")))
    b = shingle_hashes(shingles(content_terms("ferry strike wages union crossing island")))
    sig_a, sig_a2, sig_b = signatures([a, a, b], Settings())
    assert sig_a.jaccard(sig_a2) == 1.0
    assert sig_a.jaccard(sig_b) < 0.1


@settings(max_examples=30)
@given(st.text())
def test_signing_never_fails(text: str) -> None:
    [signature] = signatures([shingle_hashes(shingles(content_terms(text)))], Settings(num_perm=16))
    assert len(signature) == 16


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.integers(min_value=0, max_value=2**32 - 1), max_size=40, unique=True), max_size=12),
    st.sampled_from([16, 128]),
    st.integers(min_value=0, max_value=2**32 - 1),
)
def test_signature_matrix_equals_datasketch_minhash(
    hash_sets: list[list[int]], num_perm: int, seed: int
) -> None:
    chosen = Settings(num_perm=num_perm, seed=seed)
    matrix = signature_matrix(hash_sets, chosen)
    assert matrix.shape == (len(hash_sets), num_perm)
    assert matrix.dtype == np.uint32
    for row, minhash in zip(matrix, signatures(hash_sets, chosen)):
        assert (row == minhash.hashvalues).all()


def test_signature_matrix_spans_blocks_of_values() -> None:
    rng = np.random.default_rng(3)
    hash_sets = [rng.integers(0, 2**32, size, dtype=np.uint32) for size in (0, 5000, 1, 9000, 0, 300)]
    matrix = signature_matrix(hash_sets, Settings())
    reference = signatures([list(h) for h in hash_sets], Settings())
    assert all((row == minhash.hashvalues).all() for row, minhash in zip(matrix, reference))
    assert (matrix[0] == EMPTY).all() and (matrix[4] == EMPTY).all()


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([16, 17, 64, 128, 256, 1024]), st.integers(min_value=0, max_value=2**32 - 1))
def test_permutations_equal_datasketch_affine32_permutations(num_perm: int, seed: int) -> None:
    from datasketch import MinHash

    a, b = _permutations(num_perm, seed)
    expected_a, expected_b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    assert a.dtype == b.dtype == np.uint32
    assert (a == expected_a).all() and (b == expected_b).all()
