"""What a scan keeps per article, kept on disk: documents and arrays of keys, read back on demand.

A scan of a million articles cannot hold their texts, paragraphs and shingle keys in
memory (about 30 KB an article). These sequences write each item once to an unnamed
temporary file (removed by the system when it is closed, even after a crash) and keep
only its offset in memory; an item is read back when it is needed. Reads use
``os.pread``, so worker processes forked from the scan read the same file safely.
"""

from __future__ import annotations

import marshal
import os
import tempfile
import weakref
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar, overload

import numpy as np

from dupecheck.model import Article, Document, Paragraph, ParagraphKind

_SEPARATOR = "\x1f"
"""Joins a paragraph's terms on disk: terms are words and figures, never control characters."""
_KINDS = {kind.value: kind for kind in ParagraphKind}
_READ_AT_ONCE = 1 << 22
"""Bytes read at a time when going through every item in order."""


class Records:
    """Byte strings appended to an unnamed temporary file; one may be replaced by a later one."""

    def __init__(self, directory: str | None = None) -> None:
        descriptor, path = tempfile.mkstemp(prefix="dupecheck-", dir=directory)
        os.unlink(path)
        self._fd = descriptor
        # Closed when the records are dropped, without a ResourceWarning: a report may outlive its scan.
        self._closer = weakref.finalize(self, os.close, descriptor)
        self._starts = array("q")
        self._sizes = array("q")
        self._end = 0

    def close(self) -> None:
        """Give the file back to the system (the records cannot be read after)."""
        self._closer()

    def __len__(self) -> int:
        return len(self._starts)

    def _write(self, blobs: Sequence[bytes]) -> int:
        """Write ``blobs`` one after another at the end of the file; where the first one starts."""
        start, data = self._end, b"".join(blobs)
        written = 0
        while written < len(data):
            written += os.pwrite(self._fd, data[written:], start + written)
        self._end += len(data)
        return start

    def extend(self, blobs: Sequence[bytes]) -> None:
        """Append ``blobs`` as new records."""
        start = self._write(blobs)
        for blob in blobs:
            self._starts.append(start)
            self._sizes.append(len(blob))
            start += len(blob)

    def replace(self, number: int, blob: bytes) -> None:
        """Make ``blob`` record ``number`` (written anew at the end; the old bytes stay unread)."""
        self._starts[number] = self._write([blob])
        self._sizes[number] = len(blob)

    def _read(self, start: int, size: int) -> bytes:
        data = os.pread(self._fd, size, start)
        if len(data) != size:
            raise OSError(f"a scan's temporary file ended early: {len(data)} of {size} bytes read")
        return data

    def get(self, number: int) -> bytes:
        """Record ``number``."""
        return self._read(self._starts[number], self._sizes[number])

    def span(self, first: int, stop: int) -> Iterator[bytes]:
        """Records ``first`` to ``stop - 1``; records written one after another are read together."""
        number = first
        while number < stop:
            start, end, last = self._starts[number], self._starts[number] + self._sizes[number], number + 1
            while (
                last < stop and self._starts[last] == end and end + self._sizes[last] - start <= _READ_AT_ONCE
            ):
                end += self._sizes[last]
                last += 1
            data = memoryview(self._read(start, end - start))
            for item in range(number, last):
                offset = self._starts[item] - start
                yield bytes(data[offset : offset + self._sizes[item]])
            number = last


T = TypeVar("T")


class _Spilled(Sequence[T]):
    """Items encoded to bytes and kept in :class:`Records`; subclasses say how an item is encoded."""

    def __init__(self, directory: str | None = None) -> None:
        self._records = Records(directory)

    def close(self) -> None:
        """Remove the file: the items cannot be read after this."""
        self._records.close()

    def __len__(self) -> int:
        return len(self._records)

    def _encode(self, item: T) -> bytes:
        raise NotImplementedError

    def _decode(self, blob: bytes) -> T:
        raise NotImplementedError

    def extend(self, items: Iterable[T]) -> None:
        """Append ``items``."""
        self._records.extend([self._encode(item) for item in items])

    def replace(self, number: int, item: T) -> None:
        """Make ``item`` item ``number`` (written anew at the end of the file)."""
        self._records.replace(number, self._encode(item))

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            first, stop, step = index.indices(len(self))
            if step != 1:
                return [self[number] for number in range(first, stop, step)]
            return [self._decode(blob) for blob in self._records.span(first, stop)]
        number = int(index)
        if number < 0:
            number += len(self)
        if not 0 <= number < len(self):
            raise IndexError(f"item {index} of {len(self)}")
        return self._decode(self._records.get(number))

    def __iter__(self) -> Iterator[T]:
        return (self._decode(blob) for blob in self._records.span(0, len(self)))


def encode_document(document: Document) -> bytes:
    """A document as :class:`DocumentStore` keeps it."""
    a = document.article
    fields = (a.id, a.text, a.source, a.title, a.date, a.url, a.outlet, a.author)
    # A paragraph's terms as one string: marshal then writes one object, not hundreds.
    rows = [(p.start, p.end, p.kind.value, p.reason, _SEPARATOR.join(p.terms)) for p in document.paragraphs]
    return marshal.dumps((fields, rows))


def decode_document(blob: bytes) -> Document:
    """The document :func:`encode_document` made ``blob`` of."""
    fields, rows = marshal.loads(blob)  # made by encode_document, in this process or a forked worker
    return Document(
        Article(*fields),
        tuple(
            Paragraph(number, start, end, _KINDS[kind], tuple(terms.split(_SEPARATOR)) if terms else (), why)
            for number, (start, end, kind, why, terms) in enumerate(rows)
        ),
    )


class DocumentStore(_Spilled[Document]):
    """Documents, articles' texts included, kept on disk; an item is read back when indexed.

    Ids stay in memory, so :meth:`position` finds a document without reading others.

    >>> from dupecheck.document import build_document
    >>> from dupecheck.settings import Settings
    >>> store = DocumentStore()
    >>> store.extend([build_document(Article("a", "Council votes to fund a barrier."), Settings())])
    >>> store[0].article.text, store.ids, store.position("a")
    ('Council votes to fund a barrier.', ['a'], 0)
    """

    def __init__(self, directory: str | None = None) -> None:
        super().__init__(directory)
        self.ids: list[str] = []
        self._positions: dict[str, int] | None = None

    def _encode(self, item: Document) -> bytes:
        return encode_document(item)

    def _decode(self, blob: bytes) -> Document:
        return decode_document(blob)

    def extend(self, items: Iterable[Document]) -> None:
        """Append documents."""
        chosen = list(items)
        super().extend(chosen)
        self.ids += [document.id for document in chosen]
        self._positions = None

    def extend_encoded(self, ids: Sequence[str], blobs: Sequence[bytes]) -> None:
        """Append documents already encoded (:func:`encode_document`, in worker processes), with their ids."""
        self._records.extend(blobs)
        self.ids += ids
        self._positions = None

    def replace(self, number: int, item: Document) -> None:
        """Make ``item`` (an article's document, marked anew) item ``number``; its id must not change."""
        if item.id != self.ids[number]:
            raise ValueError(f"document {number} is '{self.ids[number]}', not '{item.id}'")
        super().replace(number, item)

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence of the same documents, as a tuple of them would be."""
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    def __hash__(self) -> int:
        return hash(tuple(self.ids))

    def position(self, identifier: str) -> int:
        """The number of the document with id ``identifier`` (a ``KeyError`` if there is none)."""
        if self._positions is None:
            self._positions = {identifier: number for number, identifier in enumerate(self.ids)}
        return self._positions[identifier]


class KeyArrays(_Spilled[np.ndarray]):
    """One array of 64-bit keys per article, kept on disk (a scan's shingle keys would not fit in memory).

    >>> keys = KeyArrays()
    >>> keys.extend([np.array([3, 1], dtype=np.uint64), np.array([], dtype=np.uint64)])
    >>> [a.tolist() for a in keys], keys[0].dtype.name
    ([[3, 1], []], 'uint64')
    """

    def _encode(self, item: np.ndarray) -> bytes:
        return np.asarray(item, dtype="<u8").tobytes()

    def _decode(self, blob: bytes) -> np.ndarray:
        return np.frombuffer(blob, dtype="<u8").astype(np.uint64)


_ARRAYS_AT_ONCE = 4096


def key_chunks(arrays: Sequence[np.ndarray]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The keys of a few thousand of ``arrays`` at a time in one uint64 array, and each key's array number.

    >>> [(keys.tolist(), owners.tolist()) for keys, owners in key_chunks([np.array([3, 1]), np.array([2])])]
    [([3, 1, 2], [0, 0, 1])]
    """
    for start in range(0, len(arrays), _ARRAYS_AT_ONCE):
        chosen = [np.asarray(a, dtype=np.uint64) for a in arrays[start : start + _ARRAYS_AT_ONCE]]
        owners = np.repeat(np.arange(start, start + len(chosen)), [len(a) for a in chosen])
        yield np.concatenate(chosen), owners
