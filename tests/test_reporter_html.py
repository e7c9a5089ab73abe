"""The HTML reporter: a self-contained page, checked as a browser builds it (headless Chromium)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from paths import ROOT, SAMPLES

from dupecheck.core import compare, find_duplicates
from dupecheck.model import Article, CompareReport, ScanReport, Skipped
from dupecheck.reporters import get_reporter

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
LEAD = "The city council voted to fund a tidal barrier across the estuary after the storm."
VOTE = "The measure passed by eleven votes to four after a long session that ran past midnight."
MAYOR = "The mayor promised that construction of the barrier would begin within two years."


@dataclass
class Cell:
    classes: set[str]
    text: str = ""
    marks: int = 0


@dataclass
class Row:
    classes: set[str]
    cells: list[Cell] = field(default_factory=list)


class _Rows(HTMLParser):
    """The rows of the alignment tables, each with its cells' classes, text and number of marks."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self._in_body = False
        self._cell: Cell | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append(Row(classes))
        elif tag == "td" and self._in_body:
            self._cell = Cell(classes)
            self.rows[-1].cells.append(self._cell)
        elif tag == "mark" and self._cell is not None:
            self._cell.marks += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag == "td":
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.text += data


def _rows(page: str) -> list[Row]:
    parser = _Rows()
    parser.feed(page)
    return parser.rows


def _render(report: ScanReport | CompareReport) -> str:
    out = io.StringIO()
    get_reporter("html")(report, out, color=False)
    return out.getvalue()


def _wire_and_rewrite() -> CompareReport:
    wire, rewrite = SAMPLES / "wire-flood-barrier.txt", SAMPLES / "flood-barrier-rewrite.txt"
    return compare(*(Article(p.name, p.read_text(encoding="utf-8"), p.as_posix()) for p in (wire, rewrite)))


def _chromium() -> Path:
    """The browser, or a failure under CI (which installs it: ``make test`` depends on ``make chromium``)."""
    if CHROMIUM.exists():
        return CHROMIUM
    reason = f"{CHROMIUM} is missing: install it with `make chromium` (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _dump_dom(page: Path, profile: Path) -> str:
    command = [str(_chromium()), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_chromium_renders_each_overlap_as_one_row_with_both_sides(tmp_path: Path) -> None:
    report = _wire_and_rewrite()
    assert report.pair.relation is not None and report.pair.overlaps
    page = tmp_path / "report.html"
    page.write_text(_render(report), encoding="utf-8")
    profile = tmp_path / "profile"
    profile.mkdir()
    dom = _dump_dom(page, profile)
    try:
        rows = _rows(dom)
        shared = [row for row in rows if "shared" in row.classes]
        assert len(shared) == len(report.pair.overlaps)
        for row, overlap in zip(shared, sorted(report.pair.overlaps, key=lambda o: (o.a, o.b)), strict=True):
            a_cell, score, b_cell = row.cells
            assert "a" in a_cell.classes and "b" in b_cell.classes
            assert a_cell.text.startswith(f"¶{overlap.a}") and b_cell.text.startswith(f"¶{overlap.b}")
            assert len(a_cell.text) > 10 and len(b_cell.text) > 10
            assert score.text == f"{overlap.score:.2f}"
        # A rewrite rewords: the browser has the changed words marked.
        assert sum(cell.marks for row in shared for cell in row.cells) > 0
        ignored = [row for row in rows if "ignored" in row.classes]
        assert len(ignored) == sum(1 for d in (report.a, report.b) for p in d.paragraphs if not p.is_content)
        assert "dupecheck compare" in dom and "<script" not in dom
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def test_page_is_self_contained() -> None:
    page = _render(_wire_and_rewrite())
    assert page.startswith("<!DOCTYPE html>\n")
    assert "<style>" in page
    for external in ("<script", "<link", "src=", "url(", "@import", "http://", "https://"):
        assert external not in page


def test_all_text_is_escaped() -> None:
    hostile = "<script>alert(1)</script> & <b>bold</b>"
    report = compare(
        Article("<img src=x>", f"{LEAD} {hostile}\n\n{VOTE}\n\nBy Staff <Writer>"),
        Article("b", f"{LEAD}\n\n{VOTE}\n\n{MAYOR}"),
    )
    page = _render(report)
    assert "<script>" not in page and "<img" not in page and "<b>bold" not in page
    unmarked = page.replace("<mark>", "").replace("</mark>", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in unmarked
    assert "&lt;img src=x&gt;" in page


def test_rows_show_only_in_a_only_in_b_and_dimmed_boilerplate() -> None:
    report = compare(
        Article(
            "a",
            f"By Staff Writer\n\n{LEAD}\n\n{VOTE}\n\nThe ferry crews walked out over pay on Monday morning.",
        ),
        Article(
            "b",
            f"{LEAD}\n\n{VOTE}\n\nThe library reopened after a two-year refurbishment of its reading rooms.",
        ),
    )
    rows = _rows(_render(report))
    kinds = [sorted(row.classes) for row in rows]
    assert kinds == [["ignored", "ignored-a"], ["shared"], ["shared"], ["only", "only-a"], ["only", "only-b"]]
    byline = rows[0].cells[0].text
    assert "boilerplate: byline" in byline and "By Staff Writer" in byline
    assert rows[3].cells[2].text == "" and rows[4].cells[0].text == ""


def test_changed_words_are_marked_on_both_sides() -> None:
    report = compare(
        Article("a", f"{LEAD}\n\n{VOTE}"), Article("b", f"{LEAD.replace('storm', 'hurricane')}\n\n{VOTE}")
    )
    page = _render(report)
    assert "<mark>storm</mark>" in page and "<mark>hurricane</mark>" in page
    assert "<mark>council</mark>" not in page


def test_scan_lists_groups_and_skipped_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    articles = [
        Article("wire", f"{LEAD}\n\n{VOTE}\n\n{MAYOR}"),
        Article("copy", f"By Staff Writer\n\n{LEAD}\n\n{VOTE}"),
        Article("other", "The ferry crews walked out over pay, stranding island commuters for two days."),
    ]
    report = find_duplicates(articles, skipped=[Skipped("feed.jsonl", "not valid JSON", 3)])
    page = _render(report)
    assert '<section class="group" id="group-1">' in page
    assert "<li>wire</li>" in page and "<li>copy</li>" in page and "<li>other</li>" not in page
    assert "<code>feed.jsonl:3</code>: not valid JSON" in page
    assert page.count('<details class="pair') == len(report.pairs) == 1


def test_scan_without_pairs_says_so() -> None:
    page = _render(
        find_duplicates([Article("a", LEAD), Article("b", "The ferry crews walked out over pay.")])
    )
    assert "No near-duplicates found." in page


TROJAN = "report\u202efdp.exe\x1b[2J"
"""An id shown, raw, as ``reportexe.pdf`` ("Trojan Source"), and a terminal's clear-screen sequence."""
TROJAN_SHOWN = "report\\u202efdp.exe\\x1b[2J"
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
CONTROLS = "".join(map(chr, [*range(0x20), *range(0x7F, 0xA0)])) + BIDI
"""Every C0 and C1 control, DEL and the bidirectional controls: none may reach the page raw."""
SHOWN = '<span class="control" title="control character">'


def _raw_controls(page: str) -> set[str]:
    return set(page) & (set(CONTROLS) - set("\t\n\f\r"))


def test_ids_sources_and_text_show_control_and_bidi_characters_as_escapes() -> None:
    report = compare(
        Article(TROJAN, f"{LEAD} \u202e\x1b[8m\n\n{VOTE}", "feeds/\u202eevil\x1b.txt"),
        Article("b", f"{LEAD}\n\n{VOTE}\n\nThe ferry crews walked out \u202eover pay\x07 on Monday morning."),
    )
    page = _render(report)
    assert not _raw_controls(page)
    assert f"A: {TROJAN_SHOWN} · B: b" in page  # the summary
    assert f"<title>dupecheck: {TROJAN_SHOWN} ↔ b</title>" in page
    assert f"<summary>{TROJAN_SHOWN} ↔ b" in page
    assert '<span class="source">feeds/\\u202eevil\\x1b.txt</span>' in page
    # In the text each one is an escape set apart from the words around it, in a row of A and in one of B.
    unmarked = page.replace("<mark>", "").replace("</mark>", "")  # "8m" is a word B lacks
    assert f"{SHOWN}\\u202e</span>{SHOWN}\\x1b</span>[8m" in unmarked
    assert f"walked out {SHOWN}\\u202e</span>over pay{SHOWN}\\x07</span> on Monday" in page
    texts = [cell.text for row in _rows(page) for cell in row.cells]
    assert any("\\u202e\\x1b[8m" in text for text in texts)


def test_every_control_character_of_the_text_is_escaped_and_white_space_is_kept() -> None:
    report = compare(
        Article("a", f"{LEAD}\n\n{VOTE}\twith\na break {CONTROLS}"), Article("b", f"{LEAD}\n\n{VOTE}")
    )
    page = _render(report)
    assert not _raw_controls(page)
    assert f"{VOTE}\twith\na break" in page.replace("<mark>", "").replace("</mark>", "")
    for control in set(CONTROLS) - set("\t\n\f\r"):
        code = ord(control)
        assert (f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}") in page


def test_scan_shows_control_and_bidi_characters_of_members_and_skipped_inputs_as_escapes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    articles = [Article(TROJAN, f"{LEAD}\n\n{VOTE}\n\n{MAYOR} \u2066"), Article("copy", f"{LEAD}\n\n{VOTE}")]
    skipped = [Skipped(f"{TROJAN}.jsonl", f"duplicate id '{TROJAN}'", 3)]
    page = _render(find_duplicates(articles, skipped=skipped))
    assert not _raw_controls(page)
    assert f"<li>{TROJAN_SHOWN}</li>" in page
    assert f"<li><code>{TROJAN_SHOWN}.jsonl:3</code>: duplicate id &#x27;{TROJAN_SHOWN}&#x27;</li>" in page
    assert f"{SHOWN}\\u2066</span>" in page


def test_json_keeps_the_exact_text_the_page_escapes() -> None:
    report = compare(Article(TROJAN, f"{LEAD} \u202e\n\n{VOTE}"), Article("b", f"{LEAD}\n\n{VOTE}"))
    out = io.StringIO()
    get_reporter("json")(report, out, color=False)
    data = json.loads(out.getvalue())
    assert data["a"]["id"] == TROJAN
    assert f"{LEAD} \u202e" in [paragraph["text"] for paragraph in data["a"]["paragraphs"]]
