"""GitHub Actions workflow commands: an annotation on article A for each confirmed pair.

Each pair becomes ``::error`` (duplicate, rewrite) or ``::warning`` (partial) on the lines of A
that have a counterpart in B; an input that could not be read becomes a warning on its file.
What was read from standard input is in no file, nor is an article made with no source: their
annotations name no file (nor lines).
"""

from __future__ import annotations

from typing import TextIO

from dupecheck.model import CompareReport, Relation, ScanReport, Skipped
from dupecheck.reporters._location import Span, document_path, input_path, paragraphs_span
from dupecheck.reporters._pairs import ConfirmedPair, confirmed_pairs, describe
from dupecheck.reporters._printable import printable

_COMMANDS = {Relation.DUPLICATE: "error", Relation.REWRITE: "error", Relation.PARTIAL: "warning"}


def render(report: ScanReport | CompareReport, out: TextIO, *, color: bool) -> None:
    """Write one workflow command a line; ``color`` is ignored (the runner reads the commands)."""
    if isinstance(report, ScanReport):
        for skipped in report.skipped:
            out.write(_skipped_warning(skipped) + "\n")
    for confirmed in confirmed_pairs(report):
        out.write(_annotation(confirmed) + "\n")


def _skipped_warning(skipped: Skipped) -> str:
    properties: dict[str, str] = {}
    message = skipped.reason
    path = input_path(skipped.source)
    if path is None:  # standard input: no file to point at, so the message says where
        where = skipped.source if skipped.line is None else f"{skipped.source}:{skipped.line}"
        message = f"{where}: {message}"
    else:
        properties["file"] = path
        if skipped.line is not None:
            properties["line"] = str(skipped.line)
    properties["title"] = "dupecheck skipped an input"
    return command("warning", properties, message)


def _annotation(confirmed: ConfirmedPair) -> str:
    a, pair = confirmed.a, confirmed.pair
    overlapping = [a.paragraphs[index] for index in sorted({o.a for o in pair.overlaps})]
    span = paragraphs_span(a, overlapping)
    if span is not None:
        properties = _span_properties(span)
    else:
        path = document_path(a)  # None for standard input or no source: the annotation names no file
        properties = {} if path is None else {"file": path}
    properties["title"] = f"Near-duplicate: {confirmed.relation.value} of {pair.b}"
    return command(_COMMANDS[confirmed.relation], properties, describe(confirmed))


def _span_properties(span: Span) -> dict[str, str]:
    return {"file": span.path, "line": str(span.start_line), "endLine": str(span.end_line)}


def command(name: str, properties: dict[str, str], message: str) -> str:
    r"""A workflow command line, its properties and message escaped as the Actions runner expects.

    >>> command("warning", {"file": "a.txt", "title": "x, y: z"}, "50% done\nnext")
    '::warning file=a.txt,title=x%2C y%3A z::50%25 done%0Anext'
    """
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{name} {listed}::{escape_data(message)}" if listed else f"::{name}::{escape_data(message)}"


def escape_data(text: str) -> str:
    r"""Escape a command's message: ``%``, carriage returns and newlines, then other control characters.

    The runner prints messages in its log, which acts on terminal escape sequences: a hostile id
    must not recolour or hide the log's lines (see :func:`~dupecheck.reporters._printable.printable`).

    >>> escape_data("100%\r\n\x1b[8m")
    '100%25%0D%0A\\x1b[8m'
    """
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """Escape a property value: as :func:`escape_data`, and ``:`` and ``,``, which delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
