"""What a scan keeps per article, kept on disk: documents and arrays of keys, read back on demand.

A scan of a million articles cannot hold their texts, paragraphs and shingle keys in
memory (about 30 KB an article). These sequences encode each item once, keep the bytes
in memory up to a limit and then in an unnamed temporary file (removed by the system
when it is closed, even after a crash), and keep only offsets; an item is read back
when it is needed. Reads use ``os.pread``, so worker processes forked from the scan
read the same file safely (or the same memory, which they inherit).
"""

from __future__ import annotations

import itertools
import marshal
import os
import tempfile
import weakref
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar, overload

import numpy as np

from dupecheck.model import KINDS_BY_VALUE, Article, Document, Outline, Paragraph, ParagraphKind
from dupecheck.pretest import Evidence

_SEPARATOR = "\x1f"
"""Joins a paragraph's terms on disk: terms are words and figures, never control characters."""
IN_MEMORY = 1 << 27
"""Bytes a :class:`Records` keeps in memory before it moves them to a file (128 MiB)."""
_WRITE_AT_ONCE = 1 << 23
"""Bytes of records joined into one write (a batch's records are not all copied into one)."""
_READ_AT_ONCE = 1 << 22
"""Bytes read at a time when going through every item in order."""


class Records:
    """Byte strings appended one after another; one may be replaced by a later one.

    They are kept in memory up to ``in_memory`` bytes, then moved to an unnamed
    temporary file in ``directory``: a small scan pays no disk writes, a large one
    holds a few offsets an item.
    """

    def __init__(self, directory: str | None = None, in_memory: int | None = None) -> None:
        self._directory = directory
        self._in_memory = IN_MEMORY if in_memory is None else in_memory
        self._memory: bytearray | None = bytearray()
        self._fd = -1
        self._closer: weakref.finalize[[int], Records] | None = None
        self._starts = array("q")
        self._sizes = array("q")
        self._end = 0

    def close(self) -> None:
        """Give the memory or file back (the records cannot be read after)."""
        self._memory = None
        if self._closer is not None:
            self._closer()
        self._fd = -1

    def __len__(self) -> int:
        return len(self._starts)

    def _spill(self) -> None:
        """Move the records kept in memory to a new temporary file."""
        descriptor, path = tempfile.mkstemp(prefix="dupecheck-", dir=self._directory)
        os.unlink(path)
        # Closed when the records are dropped, without a ResourceWarning: a report may outlive its scan.
        self._closer = weakref.finalize(self, os.close, descriptor)
        self._fd = descriptor
        kept, self._memory = self._memory, None
        if kept:
            self._pwrite(kept, 0)

    def _pwrite(self, data: bytes | bytearray, start: int) -> None:
        view, written = memoryview(data), 0
        while written < len(data):
            count = os.pwrite(self._fd, view[written:], start + written)
            if count <= 0:
                raise OSError(
                    f"cannot write a scan's temporary file ({written} of {len(data)} bytes written)"
                )
            written += count

    def _write(self, data: bytes) -> int:
        """Write ``data`` at the end; where it starts."""
        start = self._end
        if self._memory is not None and start + len(data) > self._in_memory:
            self._spill()
        if self._memory is not None:
            self._memory += data
        elif self._fd < 0:
            raise ValueError("records written after they were closed")
        else:
            self._pwrite(data, start)
        self._end += len(data)
        return start

    def extend(self, blobs: Iterable[bytes]) -> None:
        """Append ``blobs`` as new records, written a few megabytes at a time (not all joined at once)."""
        waiting: list[bytes] = []
        size = 0
        for blob in itertools.chain(blobs, [None]):
            if blob is not None:
                self._starts.append(self._end + size)
                self._sizes.append(len(blob))
                waiting.append(blob)
                size += len(blob)
            if waiting and (blob is None or size >= _WRITE_AT_ONCE):
                self._write(b"".join(waiting))
                waiting, size = [], 0

    def replace(self, number: int, blob: bytes) -> None:
        """Make ``blob`` record ``number`` (written anew at the end; the old bytes stay unread)."""
        self._starts[number] = self._write(blob)
        self._sizes[number] = len(blob)

    @property
    def sizes(self) -> Sequence[int]:
        """Each record's length in bytes."""
        return self._sizes

    @property
    def on_disk(self) -> bool:
        """Whether the records have moved to a file."""
        return self._closer is not None

    def _read(self, start: int, size: int) -> bytes:
        if self._memory is not None:
            return bytes(memoryview(self._memory)[start : start + size])
        if self._fd < 0:
            raise ValueError("records read after they were closed")
        data = os.pread(self._fd, size, start)
        if len(data) != size:
            raise OSError(f"a scan's temporary file ended early: {len(data)} of {size} bytes read")
        return data

    def get(self, number: int) -> bytes:
        """Record ``number``."""
        return self._read(self._starts[number], self._sizes[number])

    def span(self, first: int, stop: int) -> Iterator[bytes]:
        """Records ``first`` to ``stop - 1``; records written one after another are read together."""
        if self._memory is not None:
            # A view for each record, not one held while suspended: a held view would stop
            # the memory from growing if records were added meanwhile.
            for number in range(first, stop):
                yield self._read(self._starts[number], self._sizes[number])
            return
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
        self._records.extend(self._encode(item) for item in items)

    def stored_sizes(self) -> Sequence[int]:
        """The bytes each item takes in storage (encoded), in order."""
        return self._records.sizes

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
    rows = ((p.start, p.end, p.kind, p.reason, p.terms) for p in document.paragraphs)
    return encode_rows(document.article, rows)


def encode_rows(
    article: Article, rows: Iterable[tuple[int, int, ParagraphKind, str, Sequence[str]]]
) -> bytes:
    """The stored form (:func:`encode_document`) of ``article`` with paragraphs given as rows.

    A row is a paragraph's start, end, kind, reason and terms.
    """
    a = article
    fields = (a.id, a.text, a.source, a.title, a.date, a.url, a.outlet, a.author, a.line, a.record)
    # A paragraph's terms as one string: marshal then writes one object, not hundreds.
    stored = [(start, end, kind.value, why, _SEPARATOR.join(terms)) for start, end, kind, why, terms in rows]
    return marshal.dumps((fields, stored))


def decode_document(blob: bytes) -> Document:
    """The document :func:`encode_document` made ``blob`` of."""
    fields, rows = marshal.loads(blob)  # made by encode_document, in this process or a forked worker
    return Document(
        Article(*fields),
        tuple(
            Paragraph(
                number, start, end, KINDS_BY_VALUE[kind], tuple(terms.split(_SEPARATOR)) if terms else (), why
            )
            for number, (start, end, kind, why, terms) in enumerate(rows)
        ),
    )


def decode_outline(blob: bytes) -> Outline:
    """The :class:`~dupecheck.model.Outline` of the document :func:`encode_document` made ``blob`` of.

    Terms are not split, and no Paragraph is made: a listing shows neither.
    """
    fields, rows = marshal.loads(blob)
    paragraphs = tuple((start, end, KINDS_BY_VALUE[kind], why) for start, end, kind, why, _ in rows)
    return Outline(Article(*fields), paragraphs)


class DocumentStore(_Spilled[Document]):
    """Documents, articles' texts included, kept on disk; an item is read back when indexed.

    Ids stay in memory, so :meth:`positions` finds documents without reading others.

    >>> from dupecheck.document import build_document
    >>> from dupecheck.settings import Settings
    >>> store = DocumentStore()
    >>> store.extend([build_document(Article("a", "Council votes to fund a barrier."), Settings())])
    >>> store[0].article.text, store.ids, store.positions(["a", "b"])
    ('Council votes to fund a barrier.', ['a'], {'a': 0})
    """

    def __init__(self, directory: str | None = None) -> None:
        super().__init__(directory)
        self.ids: list[str] = []

    def _encode(self, item: Document) -> bytes:
        return encode_document(item)

    def _decode(self, blob: bytes) -> Document:
        return decode_document(blob)

    def extend(self, items: Iterable[Document]) -> None:
        """Append documents."""
        chosen = list(items)
        super().extend(chosen)
        self.ids += [document.id for document in chosen]

    def extend_encoded(self, ids: Sequence[str], blobs: Sequence[bytes]) -> None:
        """Append documents already encoded (:func:`encode_document`, in worker processes), with their ids."""
        self._records.extend(blobs)
        self.ids += ids

    def outlines(self) -> Iterator[Outline]:
        """Each document's :class:`~dupecheck.model.Outline`, in order, read without its terms."""
        return map(decode_outline, self._records.span(0, len(self)))

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

    def positions(self, identifiers: Iterable[str]) -> dict[str, int]:
        """The number of each document named in ``identifiers`` (unknown names are left out)."""
        wanted = set(identifiers)
        return {name: number for number, name in enumerate(self.ids) if name in wanted}


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
        return np.frombuffer(blob, dtype="<u8").astype(np.uint64, copy=False)


class EvidenceArrays(_Spilled["Evidence | None"]):
    """Each article's :class:`~dupecheck.pretest.Evidence`, or None where it was not made, kept on disk.

    >>> kept = EvidenceArrays()
    >>> kept.extend([Evidence.of([np.array([5, 6])]), None])
    >>> kept[0].hashes.tolist(), kept[1]
    ([5, 6], None)
    """

    def extend_encoded(self, blobs: Iterable[bytes]) -> None:
        """Append evidence already encoded (:meth:`~dupecheck.pretest.Evidence.encode`; b"" for None)."""
        self._records.extend(blobs)

    def replace_encoded(self, number: int, blob: bytes) -> None:
        """Make evidence already encoded item ``number``."""
        self._records.replace(number, blob)

    def _encode(self, item: Evidence | None) -> bytes:
        return b"" if item is None else item.encode()

    def _decode(self, blob: bytes) -> Evidence | None:
        return Evidence.decode(blob) if blob else None
