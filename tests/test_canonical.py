from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dupecheck.canonical import actions, check_rule, write_actions
from dupecheck.cli import EXIT_ERROR, EXIT_OK, app
from dupecheck.core import find_duplicates
from dupecheck.errors import SettingsError
from dupecheck.model import Article

SAMPLES = Path(__file__).parent.parent / "samples"
WIRE = (SAMPLES / "wire-wildfire.txt").read_text(encoding="utf-8")
SPUN = (SAMPLES / "wildfire-spun.txt").read_text(encoding="utf-8")


def _report(wire_date: str, spun_date: str) -> list[Article]:
    return [
        Article("wire", WIRE, "feed:1", date=wire_date, outlet="Wire"),
        Article("spun", SPUN, "feed:2", date=spun_date, outlet="Copycat"),
    ]


def _kept(articles: list[Article], rule: str) -> list[tuple[str, str, str, str]]:
    return [(a.id, a.action, a.canonical_id, a.relation) for a in actions(find_duplicates(articles), rule)]


def test_earliest_keeps_the_first_published_and_undated_articles_come_last() -> None:
    assert _kept(_report("2026-08-12", "2026-08-13"), "earliest") == [
        ("spun", "drop", "wire", "rewrite"),
        ("wire", "keep", "wire", ""),
    ]
    assert [a.action for a in actions(find_duplicates(_report("", "2026-08-13")), "earliest")] == [
        "keep",
        "drop",
    ]


def test_longest_and_source_rules() -> None:
    articles = _report("2026-08-12", "2026-08-13")
    report = find_duplicates(articles)
    lengths = {d.id: d.content_length for d in report.documents}
    longest = max(lengths, key=lambda i: lengths[i])
    assert {a.id for a in actions(report, "longest") if a.action == "keep"} == {longest}
    assert {a.id for a in actions(report, "source:Copycat") if a.action == "keep"} == {"spun"}
    assert {a.id for a in actions(report, "source:Nobody") if a.action == "keep"} == {"wire"}


def test_unknown_rules_are_refused() -> None:
    with pytest.raises(SettingsError, match="unknown canonical rule 'newest'"):
        check_rule("newest")
    with pytest.raises(SettingsError):
        check_rule("source:")


def test_write_actions_is_csv_with_a_header() -> None:
    out = io.StringIO()
    write_actions(actions(find_duplicates(_report("2026-08-12", "2026-08-13"))), out)
    assert out.getvalue().splitlines() == [
        "group,id,source,action,canonical_id,relation",
        "1,spun,feed:2,drop,wire,rewrite",
        "1,wire,feed:1,keep,wire,",
    ]


def test_scan_writes_the_actions_file(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    records = [
        {"id": "wire", "text": WIRE, "source": "Wire", "date": "2026-08-12"},
        {"id": "spun", "text": SPUN, "source": "Copycat", "date": "2026-08-11"},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    target = tmp_path / "actions.csv"
    runner = CliRunner()
    result = runner.invoke(app, ["scan", str(feed), "--actions", str(target), "--canonical", "source:Wire"])
    assert result.exit_code == EXIT_OK, result.output
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [(r["id"], r["action"], r["canonical_id"]) for r in rows] == [
        ("spun", "drop", "wire"),
        ("wire", "keep", "wire"),
    ]
    result = runner.invoke(app, ["scan", str(feed), "--canonical", "oldest"])
    assert result.exit_code == EXIT_ERROR, result.output
    assert "unknown canonical rule 'oldest'" in result.output
