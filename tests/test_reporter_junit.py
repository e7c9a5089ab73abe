"""The JUnit reporter: one test case per article, failing when the article is in a confirmed pair."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import formats
import pytest
from paths import ROOT

from dupecheck.core import compare, find_duplicates
from dupecheck.load import load_paths
from dupecheck.model import Article, CompareReport, ScanReport, Skipped
from dupecheck.reporters import get_reporter

LEAD = "The city council voted to fund a tidal barrier across the estuary after the storm."
VOTE = "The measure passed by eleven votes to four after a long session that ran past midnight."


def _render(report: ScanReport | CompareReport) -> str:
    out = io.StringIO()
    get_reporter("junit")(report, out, color=False)
    return out.getvalue()


def _suite(report: ScanReport | CompareReport) -> ET.Element:
    root = ET.fromstring(_render(report))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "dupecheck"
    return suite


def test_articles_in_pairs_fail_and_the_others_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    report = find_duplicates(load_paths(["samples"]).articles)
    suite = _suite(report)
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert list(cases) == [document.id for document in report.documents]
    paired = {pair.a for pair in report.pairs} | {pair.b for pair in report.pairs}
    for name, case in cases.items():
        failure = case.find("failure")
        assert (failure is not None) == (name in paired), name
        assert case.get("file") == f"samples/{name}"
        if failure is not None:
            partners = {
                pair.b if pair.a == name else pair.a for pair in report.pairs if name in (pair.a, pair.b)
            }
            for partner in partners:
                assert partner in failure.get("message", "")
            assert len((failure.text or "").splitlines()) == len(partners)
    assert "flood-barrier-independent.txt" in cases
    assert cases["flood-barrier-independent.txt"].find("failure") is None
    assert suite.get("tests") == str(len(cases))
    assert suite.get("failures") == str(len(paired))


def test_records_name_their_file_without_their_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path, _, _ = formats.write_csv(tmp_path)
    cases = _suite(formats.scan(path)).findall("testcase")
    assert [(case.get("name"), case.get("file")) for case in cases] == [("wire", path), ("copy", path)]


def test_records_from_standard_input_name_no_file() -> None:
    cases = _suite(formats.scan("-", stdin=formats.jsonl_stdin() + b"{not json\n")).findall("testcase")
    assert [(case.get("name"), case.get("file")) for case in cases] == [
        ("wire", None),
        ("copy", None),
        ("-:4", None),
    ]


def test_failure_type_is_the_strongest_relation() -> None:
    report = compare(Article("a", f"{LEAD}\n\n{VOTE}"), Article("b", f"{LEAD}\n\n{VOTE}"))
    failure = _suite(report).find("testcase/failure")
    assert failure is not None
    assert failure.get("type") == "dupecheck.duplicate"
    assert failure.get("message") == "near-duplicate in 1 pair: duplicate of b"


def test_skipped_inputs_are_skipped_cases() -> None:
    report = find_duplicates([Article("a", LEAD)], skipped=[Skipped("feed.jsonl", "not valid JSON", 3)])
    suite = _suite(report)
    assert suite.get("skipped") == "1"
    skipped = suite.find("testcase[@name='feed.jsonl:3']/skipped")
    assert skipped is not None
    assert skipped.get("message") == "input skipped: not valid JSON"


def test_compare_of_unrelated_articles_passes() -> None:
    suite = _suite(compare(Article("a", LEAD), Article("b", "Nothing alike at all.")))
    assert [case.get("name") for case in suite.findall("testcase")] == ["a", "b"]
    assert suite.get("failures") == "0"


def test_control_characters_in_ids_still_give_well_formed_xml() -> None:
    report = compare(Article("a\x01<&>", f"{LEAD}\n\n{VOTE}"), Article("b", f"{LEAD}\n\n{VOTE}"))
    names = [case.get("name") for case in _suite(report).findall("testcase")]
    assert names == ["a\ufffd<&>", "b"]


def test_output_is_deterministic() -> None:
    report = compare(Article("a", f"{LEAD}\n\n{VOTE}"), Article("b", f"{LEAD}\n\n{VOTE}"))
    first = _render(report)
    assert first == _render(report)
    assert first.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert "timestamp" not in first and "time=" not in first


def test_articles_with_no_source_name_no_file() -> None:
    # Made in Python without a source, as a library user may: the id is a name, not a path.
    report = find_duplicates(
        [Article("wire", f"{LEAD}\n\n{VOTE}"), Article("copy", f"{LEAD}\n\n{VOTE}", "news/copy.txt")]
    )
    cases = _suite(report).findall("testcase")
    assert [(case.get("name"), case.get("file")) for case in cases] == [
        ("wire", None),
        ("copy", "news/copy.txt"),
    ]
