"""Values passed from stage to stage: frozen dataclasses (a scan report's documents may be kept on disk)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from dupecheck.settings import Settings


@dataclass(frozen=True, slots=True)
class Article:
    """One article as read from its source, text untouched, with what its source says about it.

    ``source`` is where it was read from (a path; for a record, ``path:N``, its line or row);
    ``outlet`` is the site or publication it appeared in. ``date`` is an ISO 8601 date
    (``2026-11-03``); every metadata field is "" when unknown.
    """

    id: str
    text: str
    source: str = ""
    title: str = ""
    date: str = ""
    url: str = ""
    outlet: str = ""
    author: str = ""
    line: int | None = 1
    """The line of its file the article starts on (a record's first); None when there is none.

    A text file's text is the file's from this line on, below any front matter of a Markdown file.
    A Parquet row has no line, and a web page's text is extracted from its markup: offsets into it
    say nothing of the page's lines.
    """
    record: bool = False
    """True for one record of a file of many (JSON Lines, JSON, CSV, Parquet), ``source`` ending in ``:N``.

    Its text is a field of the record: offsets into it say nothing of the file's lines.
    """

    @property
    def file(self) -> str:
        """The file it was read from: ``source``, without a record's ``:N``.

        >>> Article("7", "...", "feed.csv:12", record=True).file, Article("n", "...", "notes:12").file
        ('feed.csv', 'notes:12')
        """
        return (self.source.rpartition(":")[0] or self.source) if self.record else self.source


class ParagraphKind(StrEnum):
    """Why a paragraph does or does not take part in matching."""

    CONTENT = "content"
    SHORT = "short"
    BOILERPLATE = "boilerplate"


KINDS_BY_VALUE = {kind.value: kind for kind in ParagraphKind}
"""Each kind by its stored value: a dict lookup, for reading millions of stored paragraphs."""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of an article: its span in the original text and what matching sees."""

    index: int
    start: int
    end: int
    kind: ParagraphKind
    terms: tuple[str, ...]
    reason: str = ""

    @property
    def is_content(self) -> bool:
        """True when the paragraph counts as article content."""
        return self.kind is ParagraphKind.CONTENT


@dataclass(frozen=True, slots=True)
class Document:
    """An article segmented into paragraphs, with the terms of each."""

    article: Article
    paragraphs: tuple[Paragraph, ...]

    @property
    def id(self) -> str:
        """The article's id."""
        return self.article.id

    def text_of(self, paragraph: Paragraph) -> str:
        """The original text of one of this document's paragraphs."""
        return self.article.text[paragraph.start : paragraph.end]

    @property
    def content_length(self) -> int:
        """Characters of content paragraphs: the denominator of coverage."""
        return sum(p.end - p.start for p in self.paragraphs if p.is_content)


@dataclass(frozen=True, slots=True)
class Outline:
    """A document as listings show it: its article, and each paragraph's span, kind and reason (no terms).

    Listing a scan's documents needs no terms, and reading them back is most of the cost
    of a :class:`Document` kept on disk (:func:`outlines`).
    """

    article: Article
    paragraphs: tuple[tuple[int, int, ParagraphKind, str], ...]
    """Each paragraph's start, end, kind and reason, in order (its index is its place here)."""

    @property
    def id(self) -> str:
        """The article's id."""
        return self.article.id

    @classmethod
    def of(cls, document: Document) -> Outline:
        """The outline of ``document``.

        >>> short = Paragraph(0, 0, 3, ParagraphKind.SHORT, ("hi",), "few words")
        >>> Outline.of(Document(Article("a", "Hi."), (short,))).paragraphs
        ((0, 3, <ParagraphKind.SHORT: 'short'>, 'few words'),)
        """
        return cls(document.article, tuple((p.start, p.end, p.kind, p.reason) for p in document.paragraphs))


class Relation(StrEnum):
    """How two articles are related, strongest first."""

    DUPLICATE = "duplicate"
    REWRITE = "rewrite"
    PARTIAL = "partial"

    @property
    def rank(self) -> int:
        """Strength for ordering: higher is stronger."""
        return {"duplicate": 3, "rewrite": 2, "partial": 1}[self.value]


@dataclass(frozen=True, slots=True)
class Overlap:
    """Paragraph ``a`` of the first article has a counterpart in paragraph ``b`` of the second."""

    a: int
    b: int
    score: float


@dataclass(frozen=True, slots=True)
class PairResult:
    """The verified relation between two articles and their paragraph alignment."""

    a: str
    b: str
    similarity: float
    a_in_b: float
    b_in_a: float
    evidence: float
    relation: Relation | None
    overlaps: tuple[Overlap, ...]
    a_only: tuple[int, ...]
    b_only: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Group:
    """Articles connected by confirmed pairs."""

    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that could not be read, and why."""

    source: str
    reason: str
    line: int | None = None
    """The line of its file a record not read starts on; None for a whole file, and for a Parquet row.

    A Parquet file has rows, not lines: a skipped row's number starts its ``reason`` (``row 7: ...``).
    """


@dataclass(frozen=True, slots=True)
class ScanReport:
    """Everything a scan found: the documents, the confirmed pairs and their groups."""

    documents: Sequence[Document]
    """In input order; a scan keeps them on disk (:class:`~dupecheck.spill.DocumentStore`)."""
    groups: tuple[Group, ...]
    pairs: tuple[PairResult, ...]
    settings: Settings
    skipped: tuple[Skipped, ...] = ()
    candidates: int = 0
    files: int = 0
    """Input files seen (a JSON Lines file holds many articles)."""


@dataclass(frozen=True, slots=True)
class CompareReport:
    """The paragraph-level comparison of two articles."""

    a: Document
    b: Document
    pair: PairResult
    settings: Settings


@runtime_checkable
class Indexed(Protocol):
    """Documents that know their ids without being read (:class:`~dupecheck.spill.DocumentStore`)."""

    ids: list[str]

    def positions(self, identifiers: Iterable[str]) -> dict[str, int]:
        """The number of each document named in ``identifiers`` (unknown names are left out)."""
        ...


@runtime_checkable
class Outlined(Protocol):
    """Documents that list their outlines without reading terms (:class:`~dupecheck.spill.DocumentStore`)."""

    def outlines(self) -> Iterator[Outline]:
        """Each document's :class:`Outline`, in order."""
        ...


def outlines(documents: Sequence[Document]) -> Iterator[Outline]:
    """The :class:`Outline` of each of ``documents`` in order; documents kept on disk are read without terms.

    >>> [o.id for o in outlines([Document(Article("a", "..."), ()), Document(Article("b", "..."), ())])]
    ['a', 'b']
    """
    return documents.outlines() if isinstance(documents, Outlined) else map(Outline.of, documents)


def document_ids(documents: Sequence[Document]) -> list[str]:
    """The ids of ``documents`` in order, without reading documents kept on disk."""
    return list(documents.ids) if isinstance(documents, Indexed) else [d.id for d in documents]


def document_positions(documents: Sequence[Document], ids: Iterable[str]) -> dict[str, int]:
    """The number of each document named in ``ids``, in document order; unknown names are left out.

    Documents kept on disk are not read: their ids are in memory.

    >>> document_positions([Document(Article("a", "..."), ()), Document(Article("b", "..."), ())], ["b", "z"])
    {'b': 1}
    """
    if isinstance(documents, Indexed):
        return documents.positions(ids)
    wanted = set(ids)
    return {document.id: number for number, document in enumerate(documents) if document.id in wanted}


KEPT_DOCUMENTS = 32
"""Documents a :class:`DocumentsNamed` keeps decoded: reporters ask for a pair's two several times."""


class DocumentsNamed(Mapping[str, Document]):
    """Some documents of a report by id, each read only when asked for: a scan keeps them on disk.

    The last :data:`KEPT_DOCUMENTS` read are kept, so asking for the same few again costs nothing,
    and a report of a million articles never holds more than those.
    """

    def __init__(
        self, documents: Sequence[Document], ids: Iterable[str], *, keep: int = KEPT_DOCUMENTS
    ) -> None:
        self._documents = documents
        self._positions = document_positions(documents, ids)
        self._keep = keep
        self._kept: OrderedDict[str, Document] = OrderedDict()

    def __getitem__(self, identifier: str) -> Document:
        document = self._kept.get(identifier)
        if document is not None:
            self._kept.move_to_end(identifier)
            return document
        document = self._documents[self._positions[identifier]]
        self._kept[identifier] = document
        if len(self._kept) > self._keep:
            self._kept.popitem(last=False)
        return document

    def __contains__(self, identifier: object) -> bool:
        return identifier in self._positions

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)


def documents_named(documents: Sequence[Document], ids: Iterable[str]) -> DocumentsNamed:
    """The documents with these ``ids``, by id and in document order, each read when it is asked for.

    >>> found = documents_named([Document(Article("a", "..."), ()), Document(Article("b", "..."), ())], ["b"])
    >>> [(name, document.id) for name, document in found.items()]
    [('b', 'b')]
    """
    return DocumentsNamed(documents, ids)
