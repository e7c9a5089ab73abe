"""Deterministic, versioned JSON: the same report always gives the same bytes (no timestamps).

The ``schema`` field names the layout (``dupecheck.scan/1``, ``dupecheck.compare/1``);
a change that breaks readers bumps its number. Keys are sorted. In a scan, each element
of a top-level list (a document, a group, a pair) takes one line: a scan of 100,000
articles gives a file of that many lines that grep and diff handle, not millions of
indented ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict
from typing import Any, TextIO, overload

from dupecheck import __version__
from dupecheck.model import (
    Article,
    CompareReport,
    Document,
    Outline,
    PairResult,
    ParagraphKind,
    ScanReport,
    outlines,
)

SCAN_SCHEMA = "dupecheck.scan/1"
COMPARE_SCHEMA = "dupecheck.compare/1"


def render(report: ScanReport | CompareReport, out: TextIO, *, color: bool) -> None:
    """Write ``report`` as JSON with sorted keys; ``color`` is ignored (JSON is for programs)."""
    if isinstance(report, ScanReport):
        dump(scan_data(report), out)
    else:  # one pair: indented in full, for reading
        out.write(json.dumps(_compare(report), sort_keys=True, indent=2, ensure_ascii=False) + "\n")


def dump(data: Mapping[str, Any], out: TextIO) -> None:
    """Write a report object: keys sorted, each element of a top-level list on a line of its own.

    >>> import io
    >>> out = io.StringIO()
    >>> dump({"pairs": [{"b": 1, "a": 2}, {"a": 3}], "schema": "x", "empty": []}, out)
    >>> print(out.getvalue(), end="")
    {
      "empty": [],
      "pairs": [
        {"a": 2, "b": 1},
        {"a": 3}
      ],
      "schema": "x"
    }
    """
    out.write("{\n")
    items = sorted(data.items())
    for number, (key, value) in enumerate(items):
        out.write(f"  {_compact(key)}: ")
        if isinstance(value, list | _Lazy):
            out.write("[")
            for position, item in enumerate(value):
                out.write(f"{',' if position else ''}\n    {_compact(item)}")
            out.write("\n  ]" if len(value) else "]")
        else:
            out.write(_compact(value))
        out.write(",\n" if number < len(items) - 1 else "\n")
    out.write("}\n")


class _Lazy(Sequence[dict[str, Any]]):
    """A report's documents as JSON objects, each made when it is written: a scan's may not fit in memory.

    Going through them reads documents kept on disk without their terms (:func:`~dupecheck.model.outlines`).
    """

    def __init__(self, documents: Sequence[Document]) -> None:
        self._documents = documents

    def __len__(self) -> int:
        return len(self._documents)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [_scanned(Outline.of(document)) for document in self._documents[index]]
        return _scanned(Outline.of(self._documents[index]))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(_scanned, outlines(self._documents))


def _scanned(outline: Outline) -> dict[str, Any]:
    """A document as a scan report lists it."""
    return {
        "id": outline.id,
        "source": outline.article.source,
        **_place(outline.article),
        **_metadata(outline.article),
        "paragraphs": [[start, end] for start, end, _, _ in outline.paragraphs],
        "boilerplate": [
            {"paragraph": index, "kind": kind.value, "reason": reason}
            for index, (_, _, kind, reason) in enumerate(outline.paragraphs)
            if kind is not ParagraphKind.CONTENT
        ],
    }


def _compact(value: Any) -> str:
    r"""One value on one line (json's C encoder: it does not indent).

    The two Unicode line separators are escaped too, so that tools splitting on them
    (``str.splitlines``) still see one line.

    >>> _compact(["a\u2028b"])
    '["a\\u2028b"]'
    """
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def scan_data(report: ScanReport) -> dict[str, Any]:
    """The ``dupecheck.scan/1`` object of a scan report (for formats that extend it), for :func:`dump`.

    Its documents are made one at a time as :func:`dump` writes them.
    """
    return {
        "schema": SCAN_SCHEMA,
        "version": __version__,
        "settings": asdict(report.settings),
        "summary": {
            "files": report.files,
            "articles": len(report.documents),
            "skipped": len(report.skipped),
            "candidates": report.candidates,
            "pairs": len(report.pairs),
            "groups": len(report.groups),
        },
        "documents": _Lazy(report.documents),
        "groups": [{"members": list(group.members)} for group in report.groups],
        "pairs": [{"a": pair.a, "b": pair.b, **_pair(pair)} for pair in report.pairs],
        "skipped": [
            {"source": skipped.source, "line": skipped.line, "reason": skipped.reason}
            for skipped in report.skipped
        ],
    }


def _compare(report: CompareReport) -> dict[str, Any]:
    return {
        "schema": COMPARE_SCHEMA,
        "version": __version__,
        "settings": asdict(report.settings),
        "a": _document(report.a),
        "b": _document(report.b),
        **_pair(report.pair),
    }


def _pair(pair: PairResult) -> dict[str, Any]:
    """Return the fields a scan pair and a comparison share (a comparison gives the ids elsewhere)."""
    return {
        "similarity": pair.similarity,
        "a_in_b": pair.a_in_b,
        "b_in_a": pair.b_in_a,
        "evidence": pair.evidence,
        "relation": pair.relation.value if pair.relation is not None else None,
        "overlaps": [{"a": o.a, "b": o.b, "score": o.score} for o in pair.overlaps],
        "a_only": list(pair.a_only),
        "b_only": list(pair.b_only),
    }


def _place(article: Article) -> dict[str, Any]:
    """Where the article is: its ``file``, the ``line`` it starts on, and if it is one ``record`` of many.

    ``file`` is ``-`` for standard input; ``line`` is None for a Parquet row or a web page. These
    keys were added to ``dupecheck.scan/1`` and ``dupecheck.compare/1`` without a new schema
    number: readers that do not know them are not broken.
    """
    return {"file": article.file, "line": article.line, "record": article.record}


def _metadata(article: Article) -> dict[str, str]:
    """The article's title, date, url, outlet and author ("" when unknown)."""
    return {
        "title": article.title,
        "date": article.date,
        "url": article.url,
        "outlet": article.outlet,
        "author": article.author,
    }


def _document(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "source": document.article.source,
        **_place(document.article),
        **_metadata(document.article),
        "paragraphs": [
            {
                "text": document.text_of(p),
                "start": p.start,
                "end": p.end,
                "kind": p.kind.value,
                "reason": p.reason,
            }
            for p in document.paragraphs
        ],
    }
