from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree

import formats
import pytest
from counted import CountedStore

from dupecheck.core import compare, find_duplicates
from dupecheck.errors import SettingsError
from dupecheck.load import load_paths
from dupecheck.model import (
    Article,
    CompareReport,
    Document,
    Group,
    Overlap,
    PairResult,
    Paragraph,
    ParagraphKind,
    Relation,
    ScanReport,
    Skipped,
)
from dupecheck.reporters import REPORTERS, get_reporter
from dupecheck.reporters._pairs import confirmed_pairs, grouped_pairs, strongest_first
from dupecheck.reporters._words import changed_spans
from dupecheck.reporters.json import dump
from dupecheck.settings import Settings
from dupecheck.spill import DocumentStore

LEAD = "The city council voted to fund a tidal barrier across the estuary after the storm."
VOTE = "The measure passed by eleven votes to four after a long session that ran past midnight."
MAYOR = "The mayor promised that construction of the barrier would begin within two years."


def _render(name: str, report: ScanReport | CompareReport, *, color: bool = False) -> str:
    out = io.StringIO()
    get_reporter(name)(report, out, color=color)
    return out.getvalue()


def _paragraph(index: int, kind: ParagraphKind = ParagraphKind.CONTENT) -> Paragraph:
    reason = "" if kind is ParagraphKind.CONTENT else "byline"
    return Paragraph(index, index * 11, index * 11 + 10, kind, ("term",), reason)


def _document(identifier: str, kinds: list[ParagraphKind]) -> Document:
    text = "".join(f"paragraph{index}\n" for index in range(len(kinds)))
    return Document(Article(identifier, text), tuple(_paragraph(i, k) for i, k in enumerate(kinds)))


@pytest.fixture
def scan_report() -> ScanReport:
    articles = [
        Article("wire", f"{LEAD}\n\n{VOTE}\n\n{MAYOR}"),
        Article("copy", f"By Staff Writer\n\n{LEAD}\n\n{VOTE}"),
        Article("other", "The ferry crews walked out over pay, stranding island commuters for two days."),
    ]
    return find_duplicates(articles, skipped=[Skipped("feed.jsonl", "not valid JSON", 3)], files=2)


def test_registry_names_every_reporter() -> None:
    assert set(REPORTERS) == {"console", "github", "html", "json", "junit", "markdown", "sarif"}
    assert get_reporter("json") is REPORTERS["json"]


def test_unknown_reporter_names_the_choices() -> None:
    with pytest.raises(SettingsError, match=r"yaml.*console, github, html, json, junit, markdown, sarif"):
        get_reporter("yaml")


def test_changed_spans_marks_words_missing_from_the_other_paragraph() -> None:
    text = "Councillors voted to fund the barrier"
    spans = changed_spans(text, ["vote", "fund"])
    assert [text[start:end] for start, end in spans] == ["Councillors", "barrier"]


def test_changed_spans_never_marks_stopwords() -> None:
    assert changed_spans("the of and said", []) == []


def test_changed_spans_compares_terms_not_spellings() -> None:
    assert changed_spans("Councils Voted", ["council", "vote"]) == []


@pytest.mark.parametrize("which", ["scan", "compare"])
def test_json_is_deterministic_and_sorted(which: str, scan_report: ScanReport) -> None:
    report: ScanReport | CompareReport = (
        scan_report if which == "scan" else compare(Article("a", LEAD), Article("b", VOTE))
    )
    first, second = _render("json", report), _render("json", report)
    assert first == second
    assert first.endswith("}\n")
    data = json.loads(first)
    if which == "scan":  # a line per document, group and pair, keys sorted
        expected = io.StringIO()
        dump(data, expected)
        assert first == expected.getvalue()
    else:
        assert first == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert data["schema"] == f"dupecheck.{which}/1"
    assert data["settings"] == {name: getattr(Settings(), name) for name in Settings.__dataclass_fields__}


def test_json_scan_content(scan_report: ScanReport) -> None:
    data = json.loads(_render("json", scan_report))
    assert data["summary"] == {
        "files": 2,
        "articles": 3,
        "skipped": 1,
        "candidates": 1,
        "pairs": 1,
        "groups": 1,
    }
    assert data["groups"] == [{"members": ["wire", "copy"]}]
    assert data["skipped"] == [{"source": "feed.jsonl", "line": 3, "reason": "not valid JSON"}]
    (pair,) = data["pairs"]
    assert (pair["a"], pair["b"]) == ("wire", "copy")
    assert pair["relation"] in {relation.value for relation in Relation}
    copy = next(document for document in data["documents"] if document["id"] == "copy")
    assert copy["boilerplate"] == [{"paragraph": 0, "kind": "boilerplate", "reason": "byline"}]


def test_json_compare_of_unrelated_articles_has_null_relation() -> None:
    data = json.loads(_render("json", compare(Article("a", LEAD), Article("b", "Nothing alike at all."))))
    assert data["relation"] is None
    assert data["a"]["paragraphs"][0]["text"] == LEAD


def test_console_scan_summary_line(scan_report: ScanReport) -> None:
    first_line = _render("console", scan_report).splitlines()[0]
    assert first_line == (
        "2 files seen, 3 articles read, 1 input skipped, 1 candidate pair checked, 1 pair confirmed, 1 group"
    )


def test_console_lists_skipped_inputs_with_their_line(scan_report: ScanReport) -> None:
    assert "feed.jsonl:3 — not valid JSON" in _render("console", scan_report)


def test_console_paragraph_summary_counts_content_paragraphs_only() -> None:
    content, boilerplate, short = ParagraphKind.CONTENT, ParagraphKind.BOILERPLATE, ParagraphKind.SHORT
    a = _document("a", [boilerplate, content, content, content, content])
    b = _document("b", [content, content, short, content, content])
    # a1-b0 and a2-b1, and a3 split in b3 and b4: 4 overlaps, but 3 paragraphs of A; a4 only in A.
    overlaps = (Overlap(1, 0, 0.9), Overlap(2, 1, 0.8), Overlap(3, 3, 0.5), Overlap(3, 4, 0.4))
    pair = PairResult("a", "b", 0.7, 0.8, 1.0, 0.5, Relation.REWRITE, overlaps, (0, 4), (2,))
    report = ScanReport((a, b), (Group(("a", "b")),), (pair,), Settings(), candidates=1)
    text = _render("console", report)
    assert "paragraphs shared: 3 of 4 in A, 4 of 4 in B;" in text
    assert "1 boilerplate and 1 short paragraphs ignored" in text
    assert re.search(r"a ↔ b\s+rewrite, similarity 0\.70", text)
    assert "a_in_b: 80% of A found in B, b_in_a: 100% of B found in A" in text


def test_console_scan_without_pairs() -> None:
    report = find_duplicates([Article("a", LEAD), Article("b", "The ferry crews walked out over pay.")])
    assert "No near-duplicates found." in _render("console", report)


def test_console_compare_sections() -> None:
    report = compare(Article("a", f"By Staff Writer\n\n{LEAD}\n\n{MAYOR}"), Article("b", f"{LEAD}\n\n{VOTE}"))
    text = _render("console", report)
    for heading in ("Only in A", "Only in B", "Boilerplate and short paragraphs (not matched)"):
        assert heading in text
    assert "boilerplate: byline" in text
    assert "\x1b[" not in text


def test_console_color_highlights_changed_words() -> None:
    report = compare(Article("a", LEAD), Article("b", LEAD.replace("storm", "hurricane")))
    colored = _render("console", report, color=True)
    highlighted = set(re.findall(r"\x1b\[[0-9;]*m(\w+)\x1b\[0m", colored))
    assert {"storm", "hurricane"} <= highlighted
    assert not highlighted & {"council", "barrier", "the"}


def _large_scan(documents: Sequence[Document] | None = None) -> ScanReport:
    """Three groups whose pairs come in scan order, not group order, and an article in no pair."""
    content, boilerplate = ParagraphKind.CONTENT, ParagraphKind.BOILERPLATE
    if documents is None:
        documents = tuple(
            _document(f"d{number}", [content, boilerplate, content, content]) for number in range(10)
        )
    overlaps = (Overlap(0, 0, 0.97), Overlap(2, 3, 0.81))

    def pair(a: str, b: str, similarity: float, relation: Relation) -> PairResult:
        return PairResult(a, b, similarity, 0.8, 0.6, 0.9, relation, overlaps, (3,), (2,))

    pairs = (
        pair("d0", "d3", 0.5, Relation.PARTIAL),
        pair("d1", "d2", 0.9, Relation.DUPLICATE),
        pair("d0", "d5", 0.95, Relation.DUPLICATE),
        pair("d3", "d5", 0.7, Relation.REWRITE),
        pair("d7", "d8", 0.6, Relation.PARTIAL),
        pair("d0", "d8", 0.6, Relation.PARTIAL),  # its group is d0's, though d8 heads another
    )
    groups = (Group(("d0", "d3", "d5")), Group(("d1", "d2")), Group(("d7", "d8")))
    return ScanReport(documents, groups, pairs, Settings(), (Skipped("feed.jsonl", "bad", 3),), 8, 10)


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("name", sorted(REPORTERS))
def test_a_scan_kept_on_disk_reports_as_one_in_memory(name: str, color: bool) -> None:
    in_memory = _large_scan()
    store = DocumentStore()
    store.extend(in_memory.documents)
    assert _render(name, _large_scan(store), color=color) == _render(name, in_memory, color=color)


@pytest.mark.parametrize("name", ["console", "github", "html", "markdown", "sarif"])
def test_reporters_read_only_the_paired_documents_once(name: str) -> None:
    store = CountedStore()
    store.extend(_large_scan().documents)
    _render(name, _large_scan(store))
    paired = {store.ids.index(f"d{number}") for number in (0, 1, 2, 3, 5, 7, 8)}
    assert sorted(store.read) == sorted(paired)


def test_grouped_pairs_are_in_group_order_strongest_first() -> None:
    report = _large_scan()
    grouped = [
        (group.members, [(p.pair.a, p.pair.b) for p in pairs]) for group, pairs in grouped_pairs(report)
    ]
    assert grouped == [
        (("d0", "d3", "d5"), [("d0", "d5"), ("d3", "d5"), ("d0", "d8"), ("d0", "d3")]),
        (("d1", "d2"), [("d1", "d2")]),
        (("d7", "d8"), [("d7", "d8")]),
    ]
    # As a scan of every pair for each group orders them.
    group_of = {member: number for number, group in enumerate(report.groups) for member in group.members}
    assert [[p.pair for p in pairs] for _, pairs in grouped_pairs(report)] == [
        sorted((p for p in report.pairs if group_of[p.a] == number), key=strongest_first)
        for number in range(len(report.groups))
    ]


def test_confirmed_pairs_hold_no_document() -> None:
    store = CountedStore()
    store.extend(_large_scan().documents)
    confirmed = confirmed_pairs(_large_scan(store))
    assert store.read == []
    assert (confirmed[1].a.id, confirmed[1].b.id) == ("d1", "d2")
    (compared,) = confirmed_pairs(compare(Article("same", LEAD), Article("same", LEAD + " " + VOTE)))
    assert compared.a.article.text == LEAD  # a comparison's two articles may share an id


def test_sarif_of_a_scan_is_the_log_dumped_at_once() -> None:
    written = _render("sarif", _large_scan())
    log = json.loads(written)
    assert len(log["runs"][0]["results"]) == 6
    assert written == json.dumps(log, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_junit_of_a_scan_is_the_tree_indented_at_once() -> None:
    written = _render("junit", _large_scan())
    root = ElementTree.fromstring(written.split("\n", 1)[1])
    assert [case.get("name") for case in root.iter("testcase")][:3] == ["d0", "d1", "d2"]
    assert root.get("tests") == "11" and root.get("failures") == "7"
    ElementTree.indent(root)
    assert written.split("\n", 1)[1] == ElementTree.tostring(root, encoding="unicode") + "\n"


@pytest.mark.parametrize("name", sorted(REPORTERS))
def test_every_reporter_writes_a_scan_of_no_articles(name: str) -> None:
    out = io.StringIO()
    get_reporter(name)(find_duplicates([]), out, color=False)
    assert out.getvalue() or name == "github"  # annotations are made for pairs only
    if name == "json":
        data = json.loads(out.getvalue())
        assert data["documents"] == [] and data["summary"]["articles"] == 0


HOSTILE = "evil\x1b]0;pwned\x07\x1b[2J\x9b31m"
"""An id that, printed raw, would retitle the terminal, clear it and (C1 CSI) colour what follows."""
HOSTILE_SHOWN = "evil\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m"


def _hostile_scan() -> ScanReport:
    return find_duplicates(
        [Article(HOSTILE, f"{LEAD}\n\n{VOTE}\n\n{MAYOR} \x1b[8m"), Article("copy", f"{LEAD}\n\n{VOTE}")],
        skipped=[Skipped(f"{HOSTILE}.jsonl", f"duplicate id '{HOSTILE}'", 3)],
    )


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("name", ["console", "github"])
def test_text_reporters_escape_control_characters_of_ids_and_sources(name: str, color: bool) -> None:
    text = _render(name, _hostile_scan(), color=color)
    assert HOSTILE_SHOWN in text
    assert HOSTILE not in text and "\x07" not in text and "\x9b" not in text and "\x1b[2J" not in text
    if not color:
        assert "\x1b" not in text


def test_markdown_escapes_control_characters_as_text_that_renders_as_typed() -> None:
    text = _render("markdown", _hostile_scan())
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", text)
    assert (
        r"evil\\x1b\]0;pwned\\x07\\x1b\[2J\\x9b31m" in text
    )  # a backslash and brackets escaped for Markdown


def test_console_compare_escapes_control_characters_and_still_marks_changed_words() -> None:
    report = compare(Article(HOSTILE, f"{LEAD} \x1b[2J"), Article("b", LEAD.replace("storm", "hurricane")))
    colored = _render("console", report, color=True)
    assert HOSTILE_SHOWN in colored and "\\x1b[2J" in colored
    assert "\x1b[2J" not in colored and "\x07" not in colored
    highlighted = set(re.findall(r"\x1b\[[0-9;]*m(\w+)\x1b\[0m", colored))
    assert {"storm", "hurricane"} <= highlighted


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
"""Every character that sets or marks text direction: what reorders a line as a reader sees it."""
TROJAN = "invoice\u202e\u2066fdp.exe\u2069\u202c\u200f"
"""An id shown, raw, as ``invoiceexe.pdf``: the "Trojan Source" trick, reversing what follows."""
TROJAN_SHOWN = "invoice\\u202e\\u2066fdp.exe\\u2069\\u202c\\u200f"


def test_printable_escapes_every_bidi_control_and_keeps_right_to_left_letters() -> None:
    from dupecheck.reporters._printable import printable

    assert printable(BIDI) == "".join(f"\\u{ord(char):04x}" for char in BIDI)
    assert printable("שלום مرحبا") == "שלום مرحبا"  # the letters themselves are text, not controls


@pytest.mark.parametrize("name", ["console", "github", "markdown"])
def test_text_reporters_escape_bidi_controls_of_ids_sources_and_text(name: str) -> None:
    report = find_duplicates(
        [Article(TROJAN, f"{LEAD}\n\n{VOTE}\n\n{MAYOR} \u202e"), Article("copy", f"{LEAD}\n\n{VOTE}")],
        skipped=[Skipped(f"{TROJAN}.jsonl", f"duplicate id '{TROJAN}'", 3)],
    )
    text = _render(name, report)
    assert not set(BIDI) & set(text)
    assert TROJAN_SHOWN in text.replace("\\\\", "\\")  # Markdown escapes the backslash once more
    assert TROJAN in [document["id"] for document in json.loads(_render("json", report))["documents"]]


def _where(document: dict[str, object]) -> tuple[object, ...]:
    return document["id"], document["file"], document["line"], document["record"]


def test_json_says_where_each_article_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    csv_file, wire_line, copy_line = formats.write_csv(tmp_path)
    parquet_file, _, _ = formats.write_parquet(tmp_path)
    page, text = formats.write_page(tmp_path), formats.write_copy(tmp_path)
    markdown = formats.write_wire(tmp_path, front_matter="---\ntitle: Barrier vote\n---\n")
    data = json.loads(_render("json", formats.scan(csv_file, markdown, page, text)))
    assert [_where(document) for document in data["documents"]] == [
        ("wire", csv_file, wire_line, True),
        ("copy", csv_file, copy_line, True),
        (markdown, markdown, 4, False),  # the text starts below the front matter
        (page, page, None, False),  # drawn from the markup: on no line of it
        (text, text, 1, False),
    ]
    for document in data["documents"]:  # the keys readers of dupecheck.scan/1 had are all still there
        assert {"id", "source", "paragraphs", "boilerplate", "title"} <= document.keys()
    data = json.loads(_render("json", formats.scan(parquet_file)))
    assert [_where(document) for document in data["documents"]] == [
        ("wire", parquet_file, None, True),  # a row is no line
        ("copy", parquet_file, None, True),
    ]
    data = json.loads(_render("json", formats.scan("-", stdin=formats.jsonl_stdin())))
    assert [_where(document) for document in data["documents"]] == [
        ("wire", "-", 2, True),
        ("copy", "-", 3, True),
    ]


def test_json_compare_says_where_each_article_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    wire, copy = formats.write_wire(tmp_path), formats.write_copy(tmp_path)
    loaded = load_paths([wire, copy]).articles
    data = json.loads(_render("json", compare(*loaded)))
    assert [_where(data[side]) for side in ("a", "b")] == [(wire, wire, 1, False), (copy, copy, 1, False)]


def test_json_keeps_ids_exactly() -> None:
    data = json.loads(_render("json", _hostile_scan()))
    assert HOSTILE in [document["id"] for document in data["documents"]]
