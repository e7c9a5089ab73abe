from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from paths import SAMPLES

from dupecheck import spill
from dupecheck.document import build_document
from dupecheck.load import load_paths
from dupecheck.model import Article, Document, Outline, outlines
from dupecheck.parallel import map_batches
from dupecheck.settings import Settings
from dupecheck.spill import DocumentStore, KeyArrays


@pytest.fixture(autouse=True, params=["in memory", "on disk"])
def where(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs twice: records kept in memory, and records moved to a file at once."""
    if request.param == "on disk":
        monkeypatch.setattr(spill, "IN_MEMORY", 0)
    return str(request.param)


def _sample_documents() -> list[Document]:
    articles = load_paths([SAMPLES]).articles
    return [build_document(article, Settings()) for article in articles]


def test_documents_come_back_as_they_went_in() -> None:
    documents = _sample_documents()
    assert any(p.reason for d in documents for p in d.paragraphs), "samples should have marked paragraphs"
    store = DocumentStore()
    store.extend(documents[:3])
    store.extend(documents[3:])
    assert len(store) == len(documents)
    assert list(store) == documents
    assert store[1:4] == documents[1:4]
    assert store[::2] == documents[::2]
    assert store[-1] == documents[-1]
    assert store == tuple(documents)
    assert store.ids == [document.id for document in documents]
    assert store.positions([documents[2].id, "nobody"]) == {documents[2].id: 2}
    with pytest.raises(IndexError):
        store[len(documents)]


def _store_with_one_replaced() -> tuple[DocumentStore, list[Document]]:
    """A store of the samples with document 1 replaced by a shorter one, and the documents it holds."""
    documents = _sample_documents()
    store = DocumentStore()
    store.extend(documents)
    shorter = Document(documents[1].article, documents[1].paragraphs[:1])
    store.replace(1, shorter)
    return store, [documents[0], shorter, *documents[2:]]


def test_outlines_are_read_without_terms_and_match_the_documents() -> None:
    store, held = _store_with_one_replaced()
    expected = [Outline.of(document) for document in held]
    assert list(store.outlines()) == expected
    assert list(outlines(store)) == expected
    assert any(kind.value != "content" for o in expected for _, _, kind, _ in o.paragraphs)


def test_a_replaced_document_is_read_back_and_its_neighbours_are_untouched() -> None:
    store, held = _store_with_one_replaced()
    assert store[1] == held[1]
    assert list(store) == held
    with pytest.raises(ValueError, match="not"):
        store.replace(1, held[0])


def test_paragraphs_without_terms_and_unusual_text_survive() -> None:
    text = "Ünïcödé — “quotes” 300,000\n\n…\n\n東京で会議が開かれた。\n\nA line\u2028with a separator."
    document = build_document(
        Article("x", text, source="s", title="t", date="2026-01-02", outlet="o"), Settings()
    )
    assert any(not p.terms for p in document.paragraphs)
    store = DocumentStore()
    store.extend([document])
    assert store[0] == document


def test_where_an_article_lies_in_its_file_survives_the_store() -> None:
    record = Article("7", "Council votes to fund a barrier.", "feed.parquet:7", line=None, record=True)
    document = build_document(record, Settings())
    store = DocumentStore()
    store.extend([document])
    assert store[0].article == record
    assert next(store.outlines()).article == record


def test_worker_processes_read_the_store() -> None:
    documents = _sample_documents() * 200  # enough items for map_batches to fork
    store = DocumentStore()
    store.extend(documents)
    ids = map_batches(lambda numbers: [store[n].id for n in numbers], range(len(store)), jobs=2)
    assert ids == [document.id for document in documents]


@given(st.lists(st.lists(st.integers(0, 2**64 - 1), max_size=20), max_size=30))
def test_key_arrays_come_back_as_they_went_in(values: list[list[int]]) -> None:
    arrays = [np.array(v, dtype=np.uint64) for v in values]
    stored = KeyArrays()
    stored.extend(arrays)
    assert [a.tolist() for a in stored] == values
    assert [a.tolist() for a in stored[2:5]] == values[2:5]
    if values:
        stored.replace(0, np.array([7], dtype=np.uint64))
        assert stored[0].tolist() == [7]
        assert [a.tolist() for a in stored[1:]] == values[1:]
    stored.close()


def test_reading_in_order_crosses_read_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spill, "_READ_AT_ONCE", 24)
    arrays = [np.arange(n, dtype=np.uint64) for n in range(10)]
    stored = KeyArrays()
    stored.extend(arrays)
    assert [a.tolist() for a in stored] == [a.tolist() for a in arrays]
