"""SARIF 2.1.0, the format code-scanning services read: one result per confirmed pair.

A result sits on the paragraphs of article A that have a counterpart in B; those counterparts are
its related locations. An article read from standard input, or made with no source, is in no file:
its location is a logical one, the article's id (and its source, ``-:N``, if any), with no artifact
or region. Output is deterministic (sorted keys, no timestamps), like the JSON reporter.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import PurePosixPath
from typing import Any, TextIO
from urllib.parse import quote

from dupecheck import __version__
from dupecheck.model import CompareReport, Document, Paragraph, Relation, ScanReport, Skipped
from dupecheck.reporters._location import Span, document_path, input_path, paragraphs_span
from dupecheck.reporters._pairs import ConfirmedPair, confirmed_pairs, describe

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_NAME = "dupecheck"
FINGERPRINT = "dupecheckPair/v1"
"""Name of the fingerprint that lets a code-scanning service follow one pair from run to run."""

_LEVELS = {Relation.DUPLICATE: "error", Relation.REWRITE: "error", Relation.PARTIAL: "warning"}
_RULES = {
    Relation.DUPLICATE: (
        "DuplicateArticle",
        "The same article, lightly edited.",
        "At least the duplicate threshold of each article is found in the other, closely worded.",
    ),
    Relation.REWRITE: (
        "RewrittenArticle",
        "One article is (nearly) wholly drawn from the other.",
        "At least the rewrite threshold of one article has counterparts in the other, however reworded, "
        "and it makes up at least the rewrite share of the other.",
    ),
    Relation.PARTIAL: (
        "PartialCopy",
        "Some paragraphs are drawn from the other article.",
        "At least the partial threshold of one article has counterparts in the other.",
    ),
}
_ORDERED_RELATIONS = (Relation.DUPLICATE, Relation.REWRITE, Relation.PARTIAL)


def rule_id(relation: Relation) -> str:
    """The SARIF rule of a relation.

    >>> rule_id(Relation.REWRITE)
    'dupecheck/rewrite'
    """
    return f"{TOOL_NAME}/{relation.value}"


def render(report: ScanReport | CompareReport, out: TextIO, *, color: bool) -> None:
    """Write ``report`` as a SARIF 2.1.0 log; ``color`` is ignored (SARIF is for programs)."""
    skipped = report.skipped if isinstance(report, ScanReport) else ()
    run = {
        "tool": {"driver": _driver()},
        "columnKind": "unicodeCodePoints",
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [_notification(s) for s in skipped],
            }
        ],
        "results": [_RESULTS],
        "properties": {"settings": asdict(report.settings)},
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    results = confirmed_pairs(report)
    if not results:
        run["results"] = []
        out.write(_json(log) + "\n")
        return
    # The results are written one at a time, each as it would be indented inside the log:
    # a scan's may not fit in memory as one string.
    head, tail = _json(log).split(_json(_RESULTS))
    out.write(head)
    for number, confirmed in enumerate(results):
        out.write(
            (_RESULT_BETWEEN if number else "") + _json(_result(confirmed)).replace("\n", _RESULT_NEWLINE)
        )
    out.write(tail + "\n")


_RESULTS = "\ue000dupecheck results\ue000"
"""Stands for the results in the log while the rest of it is written (a private-use character: unique)."""
_RESULT_NEWLINE = "\n" + " " * 8
"""A new line inside a result: results are four levels deep in the log (log, runs, run, results)."""
_RESULT_BETWEEN = "," + _RESULT_NEWLINE


def _json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)


def _driver() -> dict[str, Any]:
    return {
        "name": TOOL_NAME,
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [
            {
                "id": rule_id(relation),
                "name": _RULES[relation][0],
                "shortDescription": {"text": _RULES[relation][1]},
                "fullDescription": {"text": _RULES[relation][2]},
                "defaultConfiguration": {"level": _LEVELS[relation]},
            }
            for relation in _ORDERED_RELATIONS
        ],
    }


def _result(confirmed: ConfirmedPair) -> dict[str, Any]:
    pair, a, b = confirmed.pair, confirmed.a, confirmed.b
    a_paragraphs = sorted({o.a for o in pair.overlaps})
    b_paragraphs = sorted({o.b for o in pair.overlaps})
    counterparts: dict[int, list[str]] = {}
    for o in pair.overlaps:
        counterparts.setdefault(o.b, []).append(f"¶{o.a} (score {o.score:.2f})")
    related = [
        {
            "id": number,
            **_location(b, [b.paragraphs[index]]),
            "message": {
                "text": f"¶{index} of {b.id}, counterpart of {', '.join(counterparts[index])} of {a.id}"
            },
        }
        for number, index in enumerate(b_paragraphs, 1)
    ]
    fingerprint = hashlib.sha256(f"{pair.a}\0{pair.b}".encode()).hexdigest()
    return {
        "ruleId": rule_id(confirmed.relation),
        "ruleIndex": _ORDERED_RELATIONS.index(confirmed.relation),
        "level": _LEVELS[confirmed.relation],
        "message": {"text": describe(confirmed)},
        "locations": [_location(a, [a.paragraphs[i] for i in a_paragraphs])],
        "relatedLocations": related,
        "partialFingerprints": {FINGERPRINT: fingerprint},
        "properties": {
            "a": pair.a,
            "b": pair.b,
            "relation": confirmed.relation.value,
            "similarity": pair.similarity,
            "a_in_b": pair.a_in_b,
            "b_in_a": pair.b_in_a,
            "evidence": pair.evidence,
            "overlaps": [{"a": o.a, "b": o.b, "score": o.score} for o in pair.overlaps],
        },
    }


def _location(document: Document, paragraphs: Sequence[Paragraph]) -> dict[str, Any]:
    """Where ``paragraphs`` of ``document`` are: its file and their region, or, with no file, the article."""
    path = document_path(document)
    if path is None:
        logical = {"name": document.id, "fullyQualifiedName": document.article.source or document.id}
        return {"logicalLocations": [logical]}
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
    span = paragraphs_span(document, paragraphs)
    if span is not None:
        physical["region"] = _region(span)
    return {"physicalLocation": physical}


def _region(span: Span) -> dict[str, int]:
    region = {"startLine": span.start_line, "endLine": span.end_line}
    if span.start_column is not None and span.end_column is not None:
        region |= {"startColumn": span.start_column, "endColumn": span.end_column}
    return region


def _notification(skipped: Skipped) -> dict[str, Any]:
    notification: dict[str, Any] = {
        "descriptor": {"id": f"{TOOL_NAME}/skipped-input"},
        "level": "warning",
        "message": {"text": f"Skipped {_where(skipped)}: {skipped.reason}"},
    }
    path = input_path(skipped.source)
    if path is not None:  # standard input is no artifact: the message alone says where
        location: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
        if skipped.line is not None:
            location["region"] = {"startLine": skipped.line}
        notification["locations"] = [{"physicalLocation": location}]
    return notification


def _uri(path: str) -> str:
    """``path`` as a URI reference: percent-encoded when relative, a ``file:`` URI when absolute.

    >>> _uri("samples/flood barrier.txt")
    'samples/flood%20barrier.txt'
    """
    posix = PurePosixPath(path)
    return posix.as_uri() if posix.is_absolute() else quote(path, safe="/")


def _where(skipped: Skipped) -> str:
    return skipped.source if skipped.line is None else f"{skipped.source}:{skipped.line}"
