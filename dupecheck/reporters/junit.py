"""JUnit XML for CI servers that show test results (GitLab, Jenkins): one test case per article.

An article in a confirmed pair fails, its message listing the pairs; the others pass, and an input
that could not be read is a skipped test case; a case read from standard input, or made with no
source, has no ``file``.
Deterministic: no timestamps, no durations.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from typing import TextIO

from dupecheck.model import CompareReport, Outline, Relation, ScanReport, Skipped, document_ids, outlines
from dupecheck.reporters._location import document_path, input_path
from dupecheck.reporters._pairs import ConfirmedPair, confirmed_pairs, count, paragraph_summary

SUITE = "dupecheck"

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold, even escaped."""


def render(report: ScanReport | CompareReport, out: TextIO, *, color: bool) -> None:
    """Write ``report`` as JUnit XML; ``color`` is ignored.

    Test cases are made and written one at a time: a scan's articles may not fit in memory.
    """
    documents = report.documents if isinstance(report, ScanReport) else (report.a, report.b)
    skipped = report.skipped if isinstance(report, ScanReport) else ()
    pairs_of: dict[str, list[ConfirmedPair]] = {}
    for confirmed in confirmed_pairs(report):
        for name in dict.fromkeys((confirmed.pair.a, confirmed.pair.b)):
            pairs_of.setdefault(name, []).append(confirmed)
    ids = document_ids(documents)
    totals = {
        "tests": str(len(ids) + len(skipped)),
        "failures": str(sum(1 for name in ids if name in pairs_of)),
        "errors": "0",
        "skipped": str(len(skipped)),
    }
    cases = itertools.chain(
        (_document_case(outline, pairs_of.get(outline.id, [])) for outline in outlines(documents)),
        map(_skipped_case, skipped),
    )
    root = ET.Element("testsuites", {"name": SUITE, **totals})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE, **totals})
    first = next(cases, None)
    if first is not None:
        ET.SubElement(suite, _CASES)
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    if first is None:
        out.write(ET.tostring(root, encoding="unicode") + "\n")
        return
    head, tail = ET.tostring(root, encoding="unicode").split(f"<{_CASES} />")
    out.write(head)
    for number, case in enumerate(itertools.chain((first,), cases)):
        ET.indent(case, level=_CASE_LEVEL)
        case.tail = None
        out.write((_CASE_BETWEEN if number else "") + ET.tostring(case, encoding="unicode"))
    out.write(tail + "\n")


_CASES = "dupecheck-test-cases"
"""Stands for the test cases while the rest of the document is written."""
_CASE_LEVEL = 2
"""Test cases are two levels deep: in a ``testsuite`` in ``testsuites``."""
_CASE_BETWEEN = "\n" + "  " * _CASE_LEVEL


def _document_case(document: Outline, mine: list[ConfirmedPair]) -> ET.Element:
    case = _case(document.id, document_path(document))
    if mine:
        strongest = max(mine, key=lambda p: p.relation.rank).relation
        listed = "; ".join(f"{p.relation.value} of {_other(p, document)}" for p in mine)
        failure = ET.SubElement(
            case,
            "failure",
            {
                "message": _xml_text(f"near-duplicate in {count(len(mine), 'pair')}: {listed}"),
                "type": _type(strongest),
            },
        )
        failure.text = _xml_text("\n".join(_details(p, document) for p in mine))
    return case


def _skipped_case(skipped: Skipped) -> ET.Element:
    where = skipped.source if skipped.line is None else f"{skipped.source}:{skipped.line}"
    case = _case(where, input_path(skipped.source))
    ET.SubElement(case, "skipped", {"message": _xml_text(f"input skipped: {skipped.reason}")})
    return case


def _case(name: str, path: str | None) -> ET.Element:
    """A test case; one for what was read from standard input (``path`` None) names no file."""
    attributes = {"classname": SUITE, "name": _xml_text(name)}
    if path is not None:
        attributes["file"] = _xml_text(path)
    return ET.Element("testcase", attributes)


def _other(confirmed: ConfirmedPair, document: Outline) -> str:
    return confirmed.pair.b if confirmed.pair.a == document.id else confirmed.pair.a


def _details(confirmed: ConfirmedPair, document: Outline) -> str:
    """One line on a pair, from ``document``'s side: how much of each is found in the other."""
    pair = confirmed.pair
    mine, theirs = (pair.a_in_b, pair.b_in_a) if pair.a == document.id else (pair.b_in_a, pair.a_in_b)
    return (
        f"{confirmed.relation.value} of {_other(confirmed, document)}: similarity {pair.similarity:.2f}, "
        f"{mine:.0%} of this article found in the other, {theirs:.0%} of the other found here; "
        f"A={pair.a}, B={pair.b}: {paragraph_summary(pair, confirmed.a, confirmed.b)}"
    )


def _type(relation: Relation) -> str:
    return f"{SUITE}.{relation.value}"


def _xml_text(text: str) -> str:
    """``text`` without the control characters XML cannot carry (ids come from file names and JSON)."""
    return _NOT_XML.sub("\ufffd", text)
