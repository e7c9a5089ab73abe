"""The GitHub Actions reporter: one escaped workflow command per pair, on the lines of article A."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import formats
import pytest
from paths import ROOT

from dupecheck.core import compare, find_duplicates
from dupecheck.load import load_paths
from dupecheck.model import Article, CompareReport, Relation, ScanReport, Skipped
from dupecheck.reporters import get_reporter
from dupecheck.reporters.github import command, escape_data, escape_property

LEAD = "The city council voted to fund a tidal barrier across the estuary after the storm."
VOTE = "The measure passed by eleven votes to four after a long session that ran past midnight."
MAYOR = "The mayor promised that construction of the barrier would begin within two years."
COMMAND = re.compile(r"::(?P<name>error|warning) (?P<properties>[^:]*)::(?P<message>.*)")


def _render(report: ScanReport | CompareReport) -> list[str]:
    out = io.StringIO()
    get_reporter("github")(report, out, color=False)
    text = out.getvalue()
    assert text == "" or text.endswith("\n")
    return text.splitlines()


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND.fullmatch(line)
    assert match, line
    properties = dict(item.split("=", 1) for item in match["properties"].split(","))
    return match["name"], properties, match["message"]


def test_escaping_follows_the_actions_runner() -> None:
    assert escape_data("50% a\r\nb") == "50%25 a%0D%0Ab"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert command("error", {}, "x") == "::error::x"


def test_one_command_per_pair_on_the_lines_of_a(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    report = find_duplicates(load_paths(["samples"]).articles)
    lines = _render(report)
    assert len(lines) == len(report.pairs) > 0
    documents = {document.id: document for document in report.documents}
    for line, pair in zip(lines, report.pairs, strict=True):
        name, properties, message = _parse(line)
        assert name == ("warning" if pair.relation is Relation.PARTIAL else "error")
        assert properties["file"] == f"samples/{pair.a}"
        assert properties["title"] == f"Near-duplicate%3A {pair.relation} of {pair.b}"
        a = documents[pair.a]
        first = a.paragraphs[min(o.a for o in pair.overlaps)]
        last = a.paragraphs[max(o.a for o in pair.overlaps)]
        assert int(properties["line"]) == a.article.text.count("\n", 0, first.start) + 1
        assert int(properties["endLine"]) == a.article.text.count("\n", 0, last.end - 1) + 1
        assert pair.a in message and pair.b in message
        assert f"similarity {pair.similarity:.2f}" in message
        assert f"{pair.a_in_b:.0%}".replace("%", "%25") + " of A found in B" in message


def test_special_characters_cannot_break_the_command() -> None:
    a = Article("50%, a:b\nc", f"{LEAD}\n\n{VOTE}\n\n{MAYOR}", "news, desk/a:1.txt")
    b = Article("copy", f"{LEAD}\n\n{VOTE}\n\n{MAYOR}", "copy.txt")
    (line,) = _render(compare(a, b))
    _, properties, message = _parse(line)
    assert properties["file"] == "news%2C desk/a%3A1.txt"
    assert "\n" not in line and "50%25, a:b%0Ac" in message


def test_compare_of_unrelated_articles_writes_nothing() -> None:
    assert _render(compare(Article("a", LEAD), Article("b", "Nothing alike at all."))) == []


def test_skipped_inputs_are_warnings_on_their_file() -> None:
    report = find_duplicates([Article("a", LEAD)], skipped=[Skipped("feed.jsonl", "not valid JSON", 3)])
    (line,) = _render(report)
    name, properties, message = _parse(line)
    assert (name, properties["file"], properties["line"], message) == (
        "warning",
        "feed.jsonl",
        "3",
        "not valid JSON",
    )


def _where(line: str) -> dict[str, str]:
    """The properties of an annotation that say where it is: its file and lines."""
    _, properties, _ = _parse(line)
    return {key: value for key, value in properties.items() if key != "title"}


@pytest.mark.parametrize("write", [formats.write_csv, formats.write_json, formats.write_parquet])
def test_records_are_annotated_on_their_file_at_the_line_they_start_on(
    write: Callable[[Path], formats.Place], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path, wire_line, _ = write(tmp_path)
    (line,) = _render(formats.scan(path))
    # A Parquet row has no line: the annotation is on the file.
    lines = {} if wire_line is None else {"line": str(wire_line), "endLine": str(wire_line)}
    assert _where(line) == {"file": path, **lines}


def test_records_from_standard_input_are_annotated_on_no_file() -> None:
    # No file holds them: an annotation on a file named "-" would point at nothing, or at another file.
    (line,) = _render(formats.scan("-", stdin=formats.jsonl_stdin()))
    assert _where(line) == {}
    assert line.startswith("::error title=") and "file=" not in line


def test_an_unreadable_line_of_standard_input_is_a_warning_that_says_where() -> None:
    (warning, _) = _render(formats.scan("-", stdin=formats.jsonl_stdin() + b"{not json\n"))
    name, properties, message = _parse(warning)
    assert (name, properties) == ("warning", {"title": "dupecheck skipped an input"})
    assert message.startswith("-:4: ")


def test_a_web_page_is_annotated_as_a_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    page, copy = formats.write_page(tmp_path), formats.write_copy(tmp_path)
    (line,) = _render(formats.scan(page, copy))
    assert _where(line) == {"file": page}  # its text is drawn from the markup: no line holds it
    (line,) = _render(formats.scan(copy, page))
    assert _where(line) == {"file": copy, "line": "3", "endLine": "5"}


def test_markdown_is_annotated_below_its_front_matter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    front_matter = "---\ntitle: Barrier vote\ndate: 2026-11-03\n---\n"
    markdown = formats.write_wire(tmp_path, front_matter=front_matter)
    (line,) = _render(formats.scan(markdown, formats.write_wire(tmp_path)))
    assert _where(line) == {"file": markdown, "line": "5", "endLine": "9"}  # the text's lines 1 to 5


def test_articles_with_no_source_are_annotated_on_no_file() -> None:
    # Made in Python without a source, as a library user may: the id is a name, not a path.
    articles = [Article("wire", f"{LEAD}\n\n{VOTE}"), Article("copy", f"{LEAD}\n\n{VOTE}")]
    for report in (compare(*articles), find_duplicates(articles)):
        (line,) = _render(report)
        assert _where(line) == {}
        assert line.startswith("::error title=") and "file=" not in line
