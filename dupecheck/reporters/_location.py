"""Where paragraphs of an article lie in its file: the lines and columns CI annotations point at."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dupecheck.load import STDIN
from dupecheck.model import Article, Document, Outline, Paragraph

_JSONL_SOURCE = re.compile(r"(?P<path>.+\.jsonl):(?P<line>[0-9]+)", re.IGNORECASE)
"""The source of an article read from a JSON Lines file: the file and the line of its record.

Known by its source alone when the article was made without ``record`` (by a library user, or
archived in an index before articles kept it).
"""
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Span:
    """Lines of a file (1-based, inclusive), with columns when they are known.

    Columns count code points from 1; ``end_column`` is the column just after the last character.
    """

    path: str
    start_line: int
    end_line: int
    start_column: int | None = None
    end_column: int | None = None


def artifact_path(source: str) -> str:
    """The path of ``source`` as CI tools want it: posix, relative to the working folder when inside it.

    >>> artifact_path("samples/wire.txt")
    'samples/wire.txt'
    """
    path = Path(source)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return path.as_posix()
    return path.as_posix()


def input_path(source: str) -> str | None:
    """The file an input was read from, as :func:`artifact_path`; None for standard input (``-``) or "".

    What was read from standard input is in no file: a CI annotation pointing at a file named
    ``-`` would point at nothing, or at a file of that name that had nothing to do with it. Nor
    is an article a library user made without a source (``Article("a", text)``): its id is no path.

    >>> input_path("samples/wire.txt"), input_path("-"), input_path("")
    ('samples/wire.txt', None, None)
    """
    return None if source in (STDIN, "") else artifact_path(source)


def document_path(document: Document | Outline) -> str | None:
    """The file ``document`` was read from, as :func:`input_path`.

    A record's source names its line or row too (``feed.csv:12``): the path is the file's alone.
    None for an article read from standard input, and for one with no source.
    """
    record = _record_place(document.article)
    return input_path(record[0] if record else document.article.source)


def paragraphs_span(document: Document, paragraphs: Sequence[Paragraph]) -> Span | None:
    """The stretch of ``document``'s file from the first of ``paragraphs`` to the last; None if none given.

    A file of its own holds the article's text from the article's ``line`` on (below any front matter).
    A record (JSON Lines, JSON, CSV) is pointed at by the line it starts on, without columns: offsets
    into its text say nothing of the file's lines and columns. None for an article with no line (a
    Parquet row, a web page's text extracted from its markup): a region would point at lines of the
    file that have nothing to do with it. None too for a record read from standard input: no file holds it.
    """
    path = document_path(document)
    if not paragraphs or path is None:
        return None
    record = _record_place(document.article)
    if record:
        line = record[1]
        return None if line is None else Span(path, line, line)
    first_line = document.article.line
    if first_line is None:
        return None
    start = min(p.start for p in paragraphs)
    end = max(p.end for p in paragraphs)
    starts = line_starts(document.article.text)
    start_line, start_column = line_and_column(starts, start)
    # The last character, not the offset after it, which may already be on the next line.
    end_line, last_column = line_and_column(starts, max(start, end - 1))
    # The text starts a line (below Markdown front matter, say): its lines move down, its columns stay.
    above = first_line - 1
    return Span(path, start_line + above, end_line + above, start_column, last_column + 1)


def _record_place(article: Article) -> tuple[str, int | None] | None:
    """The file and line (None for a row) of an article read from a record; None for a file of its own."""
    if article.record:
        return article.file, article.line
    jsonl = _JSONL_SOURCE.fullmatch(article.source)
    return (jsonl["path"], int(jsonl["line"])) if jsonl else None


def line_starts(text: str) -> list[int]:
    r"""Offsets at which the lines of ``text`` start; ``\r\n``, ``\r`` and ``\n`` each end a line.

    >>> line_starts("one\ntwo\r\nthree")
    [0, 4, 9]
    """
    return [0, *(match.end() for match in _LINE_BREAK.finditer(text))]


def line_and_column(starts: Sequence[int], offset: int) -> tuple[int, int]:
    r"""The 1-based line and column of character ``offset``, given the :func:`line_starts` of its text.

    >>> line_and_column(line_starts("one\ntwo"), 5)
    (2, 2)
    """
    line = bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1
