from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import overload

import pytest

from dupecheck.model import (
    Article,
    Document,
    Indexed,
    Outline,
    Paragraph,
    ParagraphKind,
    document_positions,
    documents_named,
    outlines,
)


class CountedStore(Sequence[Document]):
    """Documents with their ids in memory, like a scan's store, counting the documents read."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self._documents = list(documents)
        self.ids = [document.id for document in documents]
        self.read: list[int] = []

    def positions(self, identifiers: Iterable[str]) -> dict[str, int]:
        wanted = set(identifiers)
        return {name: number for number, name in enumerate(self.ids) if name in wanted}

    def __len__(self) -> int:
        return len(self._documents)

    @overload
    def __getitem__(self, index: int) -> Document: ...

    @overload
    def __getitem__(self, index: slice) -> list[Document]: ...

    def __getitem__(self, index: int | slice) -> Document | list[Document]:
        if isinstance(index, slice):
            raise AssertionError("read in bulk")
        self.read.append(index)
        return self._documents[index]

    def __iter__(self) -> Iterator[Document]:
        raise AssertionError("read every document")


def _documents(*names: str) -> list[Document]:
    return [Document(Article(name, f"text of {name}"), ()) for name in names]


def test_a_store_with_ids_is_indexed() -> None:
    assert isinstance(CountedStore(_documents("a")), Indexed)
    assert not isinstance(_documents("a"), Indexed)


def test_documents_named_reads_only_the_documents_asked_for() -> None:
    store = CountedStore(_documents("a", "b", "c", "d"))
    found = documents_named(store, ["d", "b", "nobody"])
    assert store.read == []
    assert list(found) == ["b", "d"]  # document order; unknown names left out
    assert len(found) == 2
    assert "d" in found and "a" not in found and "nobody" not in found
    assert store.read == []
    assert found["d"].id == "d"
    assert store.read == [3]
    with pytest.raises(KeyError):
        found["a"]


def test_documents_named_keeps_the_last_few_read() -> None:
    names = [f"n{number}" for number in range(100)]
    store = CountedStore(_documents(*names))
    found = documents_named(store, names)
    for _ in range(3):
        assert (found["n5"].id, found["n7"].id) == ("n5", "n7")
    assert store.read == [5, 7]
    for name in names:
        found[name]
    assert len(store.read) == 100  # n5 and n7 were still kept
    found["n0"]  # long forgotten: read again
    assert store.read[-1] == 0


def test_documents_named_works_on_a_tuple() -> None:
    documents = tuple(_documents("a", "b", "c"))
    found = documents_named(documents, ["c", "a"])
    assert dict(found.items()) == {"a": documents[0], "c": documents[2]}


def test_document_positions() -> None:
    documents = _documents("a", "b", "c")
    assert document_positions(documents, ["c", "x", "a"]) == {"a": 0, "c": 2}
    store = CountedStore(documents)
    assert document_positions(store, ["c", "x", "a"]) == {"a": 0, "c": 2}
    assert store.read == []


def test_an_outline_keeps_spans_kinds_and_reasons_but_not_terms() -> None:
    paragraphs = (
        Paragraph(0, 0, 9, ParagraphKind.BOILERPLATE, ("share",), "site furniture"),
        Paragraph(1, 11, 40, ParagraphKind.CONTENT, ("council", "vote")),
    )
    document = Document(Article("a", "text", source="a.txt"), paragraphs)
    outline = Outline.of(document)
    assert outline.id == "a" and outline.article is document.article
    assert outline.paragraphs == (
        (0, 9, ParagraphKind.BOILERPLATE, "site furniture"),
        (11, 40, ParagraphKind.CONTENT, ""),
    )


def test_outlines_of_plain_documents_are_made_from_them() -> None:
    documents = _documents("a", "b")
    assert list(outlines(documents)) == [Outline.of(d) for d in documents]
