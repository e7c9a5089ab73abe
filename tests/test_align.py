from __future__ import annotations

import random
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import SAMPLES
from synthetic import corpus_with_planted_copies

from dupecheck.align import compare_documents, evidence_hashes, match_view, may_relate
from dupecheck.document import build_document
from dupecheck.load import load_paths
from dupecheck.model import Article, Relation
from dupecheck.settings import Settings
from dupecheck.shingle import shingle_hashes, shingle_key
from dupecheck.vocabulary import document_shingles

SETTINGS = Settings()


def _doc(path: Path) -> object:
    return build_document(Article(path.name, path.read_text(encoding="utf-8")), SETTINGS)


def test_an_article_is_a_duplicate_of_itself_with_every_content_paragraph_aligned() -> None:
    doc = _doc(SAMPLES / "wire-flood-barrier.txt")
    result = compare_documents(doc, doc, SETTINGS)  # type: ignore[arg-type]
    assert result.relation is Relation.DUPLICATE
    content = [p.index for p in doc.paragraphs if p.is_content]  # type: ignore[attr-defined]
    assert {(o.a, o.b) for o in result.overlaps} >= {(i, i) for i in content}
    assert result.similarity == 1.0 and result.a_in_b == 1.0 and result.b_in_a == 1.0


def test_rewrite_is_wholly_drawn_but_not_a_duplicate() -> None:
    result = compare_documents(
        _doc(SAMPLES / "wire-flood-barrier.txt"),
        _doc(SAMPLES / "flood-barrier-rewrite.txt"),
        SETTINGS,  # type: ignore[arg-type]
    )
    assert result.relation is Relation.REWRITE
    assert result.b_in_a >= 0.9


def test_a_short_story_found_whole_inside_a_far_longer_one_is_partial_there() -> None:
    wire = (SAMPLES / "wire-flood-barrier.txt").read_text(encoding="utf-8").split("\n\n")
    others = "\n\n".join(
        (SAMPLES / name).read_text(encoding="utf-8")
        for name in ("ferry-strike.txt", "library-reopens.txt", "wire-wildfire.txt")
    )
    brief = build_document(Article("brief", "\n\n".join(wire[1:3])), SETTINGS)
    roundup = build_document(Article("roundup", "\n\n".join([*wire[1:3], others])), SETTINGS)
    result = compare_documents(brief, roundup, SETTINGS)
    assert result.a_in_b == 1.0 and result.b_in_a < SETTINGS.rewrite_share
    assert result.relation is Relation.PARTIAL
    below = Settings(rewrite_share=result.b_in_a / 2)
    assert compare_documents(brief, roundup, below).relation is Relation.REWRITE


def test_local_angle_is_partial_and_its_own_reporting_has_no_counterpart() -> None:
    wire = _doc(SAMPLES / "wire-flood-barrier.txt")
    local = _doc(SAMPLES / "flood-barrier-local-angle.txt")
    result = compare_documents(wire, local, SETTINGS)  # type: ignore[arg-type]
    assert result.relation is Relation.PARTIAL
    assert 0.1 < result.b_in_a < 0.6
    assert len([j for j in result.b_only if local.paragraphs[j].is_content]) >= 5  # type: ignore[attr-defined]


def test_independent_report_of_the_same_event_is_not_related() -> None:
    result = compare_documents(
        _doc(SAMPLES / "wire-flood-barrier.txt"),
        _doc(SAMPLES / "flood-barrier-independent.txt"),
        SETTINGS,  # type: ignore[arg-type]
    )
    assert result.relation is None


def test_boilerplate_is_never_aligned() -> None:
    web = _doc(SAMPLES / "web-copy-flood-barrier.txt")
    result = compare_documents(web, _doc(SAMPLES / "wire-flood-barrier.txt"), SETTINGS)  # type: ignore[arg-type]
    boilerplate = {p.index for p in web.paragraphs if not p.is_content}  # type: ignore[attr-defined]
    assert boilerplate and not boilerplate & {o.a for o in result.overlaps}
    assert boilerplate <= set(result.a_only)


paragraph_text = st.lists(
    st.text(alphabet=st.characters(codec="utf-8"), min_size=0, max_size=80), min_size=0, max_size=6
).map("\n\n".join)


@settings(max_examples=40, deadline=None)
@given(paragraph_text, paragraph_text)
def test_similarity_is_symmetric_and_indices_in_range(text_a: str, text_b: str) -> None:
    a = build_document(Article("a", text_a), SETTINGS)
    b = build_document(Article("b", text_b), SETTINGS)
    ab, ba = compare_documents(a, b, SETTINGS), compare_documents(b, a, SETTINGS)
    assert ab.similarity == ba.similarity
    assert (ab.a_in_b, ab.b_in_a) == (ba.b_in_a, ba.a_in_b)
    for overlap in ab.overlaps:
        assert 0 <= overlap.a < len(a.paragraphs) and 0 <= overlap.b < len(b.paragraphs)
    assert set(ab.a_only) | {o.a for o in ab.overlaps} == {p.index for p in a.paragraphs}


VOCABULARY = [
    "harbour",
    "council",
    "barrier",
    "storm",
    "flood",
    "engineer",
    "mayor",
    "budget",
    "vote",
    "ferry",
    "strike",
    "island",
]
content_paragraph = st.lists(st.sampled_from(VOCABULARY), min_size=4, max_size=30).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(st.lists(content_paragraph, min_size=1, max_size=8))
def test_an_article_compared_with_itself_is_a_duplicate_with_every_paragraph_aligned(
    paragraphs: list[str],
) -> None:
    doc = build_document(Article("a", "\n\n".join(paragraphs)), SETTINGS)
    result = compare_documents(doc, doc, SETTINGS)
    content = {p.index for p in doc.paragraphs if p.is_content}
    if content:
        assert result.relation is Relation.DUPLICATE
        assert {o.a for o in result.overlaps} == content == {o.b for o in result.overlaps}


def test_may_relate_is_false_only_for_pairs_compare_documents_leaves_unrelated() -> None:
    articles, _ = corpus_with_planted_copies(300, seed=11)
    articles += load_paths([SAMPLES]).articles
    documents = [build_document(article, Settings()) for article in articles]
    views = [match_view(document, min_terms=Settings().min_terms) for document in documents]
    rng = random.Random(4)
    pairs = [(rng.randrange(len(documents)), rng.randrange(len(documents))) for _ in range(3000)]
    pairs += [(i, j) for i in range(len(documents) - 10, len(documents)) for j in range(len(documents))]
    pruned = 0
    for i, j in pairs:
        for chosen in (Settings(), Settings(min_anchors=1, anchor_threshold=0.2)):
            if not may_relate((views[i], views[j]), chosen):
                pruned += 1
                relation = compare_documents(
                    documents[i], documents[j], chosen, (views[i], views[j])
                ).relation
                assert relation is None, (articles[i].id, articles[j].id)
    assert pruned > len(pairs)  # the test exercises the pruning, not only the related pairs


@given(st.integers(0, 10_000), st.sampled_from([1, 3, 8]))
@settings(max_examples=25, deadline=None)
def test_evidence_hashes_are_the_hashes_of_the_match_views_sets(seed: int, min_terms: int) -> None:
    articles, _ = corpus_with_planted_copies(12, seed=seed)
    documents = [build_document(article, Settings(min_terms=min_terms)) for article in articles]
    rng = random.Random(seed)
    every = sorted({s for document in documents for s in document_shingles(document)})
    common = frozenset(rng.sample(every, k=len(every) // 3))
    keys = np.array(sorted(shingle_key(s) for s in common), dtype=np.uint64)
    for document, found in zip(documents, evidence_hashes(documents, keys, min_terms)):
        view = match_view(document, common, min_terms)
        assert [set(values.tolist()) for values in found] == [set(shingle_hashes(s)) for s in view.sets]
