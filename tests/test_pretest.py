from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import SAMPLES
from synthetic import corpus_with_planted_copies

from dupecheck import pretest
from dupecheck.align import match_view, may_relate
from dupecheck.core import sign_documents
from dupecheck.document import build_document
from dupecheck.load import load_paths
from dupecheck.model import Document
from dupecheck.pretest import Evidence, may_relate_all, may_relate_pairs
from dupecheck.settings import Settings
from dupecheck.shingle import shingle_key
from dupecheck.vocabulary import document_shingles

CHOICES = (Settings(), Settings(min_anchors=1, anchor_threshold=0.2), Settings(min_anchors=3, min_terms=1))


def _corpus(seed: int, chosen: Settings) -> tuple[list[Document], frozenset[str], list[Evidence]]:
    articles, _ = corpus_with_planted_copies(120, seed=seed)
    articles += load_paths([SAMPLES]).articles
    documents = [build_document(article, chosen) for article in articles]
    every = sorted({s for document in documents for s in document_shingles(document)})
    common = frozenset(random.Random(seed).sample(every, k=len(every) // 10))
    keys = np.array(sorted(shingle_key(s) for s in common), dtype=np.uint64)
    return documents, common, [found for _, _, found in sign_documents(documents, keys, chosen)]


@given(st.integers(0, 10_000), st.sampled_from(CHOICES))
@settings(max_examples=10, deadline=None)
def test_the_pre_test_passes_every_pair_may_relate_passes_and_stops_the_same_others(
    seed: int, chosen: Settings
) -> None:
    documents, common, evidence = _corpus(seed, chosen)
    views = [match_view(document, common, chosen.min_terms) for document in documents]
    stopped = extra = 0
    for i in range(len(documents)):
        partners = list(range(i + 1, len(documents)))
        passed = may_relate_all(evidence[i], [evidence[j] for j in partners], chosen)
        for j, passes in zip(partners, passed.tolist()):
            if views[i].identity and views[i].identity == views[j].identity:
                continue  # word-for-word copies: the caller passes them
            exact = may_relate((views[i], views[j]), chosen)
            assert passes or not exact, (documents[i].id, documents[j].id)
            stopped += not passes
            extra += passes and not exact
    # Pairs get through only by a CRC shared by two shingles: next to none in a small corpus.
    assert stopped > 1000
    assert extra <= 2


def test_evidence_counts_each_paragraphs_distinct_evidence_shingles() -> None:
    documents, common, evidence = _corpus(3, Settings())
    for document, found in zip(documents, evidence):
        view = match_view(document, common, Settings().min_terms)
        assert found.sizes.tolist() == [len(shingles) for shingles in view.sets]
        assert len(found.hashes) == sum(found.sizes.tolist())


def test_partners_give_the_same_answer_tested_together_or_a_few_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, _, evidence = _corpus(5, Settings())
    together = [may_relate_all(first, evidence, Settings()).tolist() for first in evidence[:40]]
    monkeypatch.setattr(pretest, "_SHINGLES_AT_ONCE", 2000)  # a few partners at a time
    apart = [may_relate_all(first, evidence, Settings()).tolist() for first in evidence[:40]]
    assert together == apart
    assert any(any(row) for row in together)


def test_articles_without_evidence_pass_nothing() -> None:
    nothing = Evidence.of([])
    empty_paragraphs = Evidence.of([np.array([], dtype=np.uint32)] * 3)
    some = Evidence.of([np.array([1, 2, 3], dtype=np.uint32), np.array([4, 5], dtype=np.uint32)])
    assert may_relate_all(nothing, [some, nothing], Settings()).tolist() == [False, False]
    passed = may_relate_all(some, [nothing, empty_paragraphs, some], Settings())
    assert passed.tolist() == [False, False, True]
    assert may_relate_all(some, [], Settings()).tolist() == []


def test_a_paragraph_must_reach_the_anchor_threshold_on_its_own() -> None:
    # 2 of 5 shingles found reaches the threshold of 0.4; 1 of 5 does not.
    first = Evidence.of([np.arange(1, 6, dtype=np.uint32), np.arange(6, 11, dtype=np.uint32)])
    reaching = Evidence.of([np.array([1, 2, 6, 7], dtype=np.uint32)])  # one paragraph: one anchor is enough
    short = Evidence.of([np.array([1, 6, 11], dtype=np.uint32), np.array([12], dtype=np.uint32)])
    assert may_relate_all(first, [reaching, short], Settings()).tolist() == [True, False]


def test_pairs_of_many_first_articles_tested_together_give_each_pairs_own_answer() -> None:
    _, _, evidence = _corpus(8, Settings())
    rng = random.Random(8)
    firsts = rng.sample(evidence, 25)
    first_of = np.array([rng.randrange(len(firsts)) for _ in range(600)])
    partners = [rng.choice(evidence) for _ in first_of]
    partners[:25] = firsts  # some pairs relate: an article with itself
    first_of[:25] = np.arange(25)
    together = may_relate_pairs(firsts, first_of, partners, Settings()).tolist()
    alone = [may_relate_all(firsts[f], [p], Settings())[0] for f, p in zip(first_of.tolist(), partners)]
    assert together == alone
    assert any(together) and not all(together)
