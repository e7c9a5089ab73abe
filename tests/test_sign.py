from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dupecheck.settings import Settings
from dupecheck.shingle import shingle_hashes, shingles
from dupecheck.sign import signatures
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
