"""The Markdown reporter: a pull-request comment whose tables survive any article text."""

from __future__ import annotations

import io
import re

import pytest
from paths import ROOT

from dupecheck.core import compare, find_duplicates
from dupecheck.load import load_paths
from dupecheck.model import Article, CompareReport, ScanReport, Skipped
from dupecheck.reporters import get_reporter
from dupecheck.reporters.markdown import CELL_EXCERPT, COMMENT_LIMIT, escape

LEAD = "The city council voted to fund a tidal barrier across the estuary after the storm."
VOTE = "The measure passed by eleven votes to four after a long session that ran past midnight."
MAYOR = "The mayor promised that construction of the barrier would begin within two years."
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _render(report: ScanReport | CompareReport) -> str:
    out = io.StringIO()
    get_reporter("markdown")(report, out, color=False)
    return out.getvalue()


def _table_rows(text: str, header: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(header) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def test_scan_has_a_summary_a_table_and_details_per_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    report = find_duplicates(load_paths(["samples"]).articles)
    text = _render(report)
    assert text.startswith(f"### dupecheck: {len(report.pairs)} near-duplicate pairs in 2 groups\n")
    rows = _table_rows(text, "| A | B | relation | similarity | A in B | B in A | paragraphs |")
    assert len(rows) == len(report.pairs)
    for row in rows:
        assert len(UNESCAPED_PIPE.findall(row)) == 8  # seven cells
    # The samples' details do not all fit in one GitHub comment: the rest are counted, not cut mid-table.
    assert len(text) <= COMMENT_LIMIT
    left_out = re.search(r"_Aligned paragraphs of (\d+) more pairs left out: .*_\n\Z", text)
    assert left_out is not None
    assert text.count("<details>") == text.count("</details>") == len(report.pairs) - int(left_out[1]) > 0


def test_a_huge_scan_keeps_its_summary_and_counts_the_pairs_left_out() -> None:
    story = f"{LEAD}\n\n{VOTE}\n\n{MAYOR}"
    articles = [Article(f"story-{n:04d}-{'x' * 80}", story) for n in range(30)]  # 435 pairs
    report = find_duplicates(articles)
    text = _render(report)
    assert len(text) <= COMMENT_LIMIT
    rows = _table_rows(text, "| A | B | relation | similarity | A in B | B in A | paragraphs |")
    assert text.endswith(
        f"_{len(report.pairs) - len(rows)} more pairs left out: a comment holds 65,536 characters. "
        "The HTML report shows them all._\n"
    )
    assert "<details>" not in text


def test_aligned_paragraphs_are_escaped_and_truncated() -> None:
    long_lead = f"{LEAD} It cost $5 | *not* $6 <b>bold</b> [link](x) " + "word " * 100
    report = compare(
        Article("a|b", f"{long_lead}\n\n{VOTE}\n\n{MAYOR}"),
        Article("b", f"{long_lead}\n\n{VOTE}\n\n{MAYOR}"),
    )
    text = _render(report)
    rows = _table_rows(text, "| A | score | B |")
    assert len(rows) == len(report.pair.overlaps) == 3
    for row in rows:
        assert len(UNESCAPED_PIPE.findall(row)) == 4  # three cells
    first = rows[0]
    assert "\\$5 \\| \\*not\\* \\$6 &lt;b&gt;bold&lt;/b&gt; \\[link\\](x)" in first
    assert "<b>" not in first and "…" in first
    cell = first.split(" | ")[0].removeprefix("| ")
    assert len(cell.replace("\\", "").replace("&lt;", "<").replace("&gt;", ">")) <= CELL_EXCERPT + len("¶0 ")
    assert "a\\|b" in text


def test_mentions_do_not_notify_anyone() -> None:
    assert escape("ask @council") == "ask @\u2060council"


def test_compare_of_unrelated_articles_says_so() -> None:
    text = _render(compare(Article("a", LEAD), Article("b", "Nothing alike at all.")))
    assert text.splitlines()[0] == "### dupecheck: a ↔ b: not related"
    assert "| A |" not in text


def test_skipped_inputs_and_no_pairs() -> None:
    report = find_duplicates([Article("a", LEAD)], skipped=[Skipped("feed.jsonl", "not valid JSON", 3)])
    text = _render(report)
    assert text.startswith("### dupecheck: no near-duplicates\n")
    assert "- feed.jsonl:3: not valid JSON" in text
    assert text.endswith("No near-duplicates found.\n")
