"""A document store that notes which documents are read: tests that reporters read only what they show."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dupecheck.model import Document
from dupecheck.spill import DocumentStore


class CountedStore(DocumentStore):
    """A scan's store that notes which documents are read one by one (``read``).

    With ``whole=False`` it refuses to be read in full (iterated).
    """

    def __init__(self, *, whole: bool = True) -> None:
        super().__init__()
        self.read: list[int] = []
        self._whole = whole

    def __getitem__(self, index: Any) -> Any:
        self.read.append(index)
        return super().__getitem__(index)

    def __iter__(self) -> Iterator[Document]:
        if not self._whole:
            raise AssertionError("every document read")
        return super().__iter__()
