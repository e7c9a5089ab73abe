"""``dupecheck check --index``: the changed articles queried against the archive in an index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from paths import SAMPLES
from typer.testing import CliRunner, Result

from dupecheck.cli import app

EXIT_OK, EXIT_DUPLICATES, EXIT_ERROR = 0, 1, 2
runner = CliRunner()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    for path in SAMPLES.glob("*.txt"):
        if not path.name.startswith("wire-"):
            (folder / path.name).write_bytes(path.read_bytes())
    return folder


def _indexed_then_changed(content: Path, tmp_path: Path) -> tuple[Path, Path]:
    """An index of ``content``, then the wire story added to it and listed as changed: (index, list)."""
    index = tmp_path / "archive.db"
    result = runner.invoke(app, ["index", "build", str(content), "--index", str(index)])
    assert result.exit_code == EXIT_OK, result.output
    new = content / "wire-flood-barrier.txt"
    new.write_bytes((SAMPLES / "wire-flood-barrier.txt").read_bytes())
    listed = tmp_path / "changed.txt"
    listed.write_text(f"{new}\n")
    return index, listed


def _findings(report: Path) -> set[tuple[frozenset[str], str]]:
    """The pairs of a check's JSON report that fail it, each with its relation."""
    return {
        (frozenset((f["a"], f["b"])), f["relation"]) for f in json.loads(report.read_text())["check"]["new"]
    }


def _checked_against(index: Path, content: Path, listed: Path, report: Path, *options: str) -> Result:
    """``check`` of the articles in ``listed`` against ``index``, the JSON report written to ``report``."""
    command = ["check", str(content), "--index", str(index), "--files-from", str(listed), *options]
    return runner.invoke(app, [*command, "-f", "json", "-o", str(report)])


def test_check_with_index(content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    index, listed = _indexed_then_changed(content, tmp_path)
    report = tmp_path / "check.json"
    result = _checked_against(index, content, listed, report)
    assert result.exit_code == EXIT_DUPLICATES, result.output
    document = json.loads(report.read_text())
    assert document["check"]["changed"] == ["wire-flood-barrier.txt"]
    assert document["check"]["new"]
    assert all("wire-flood-barrier.txt" in (f["a"], f["b"]) for f in document["check"]["new"])
    baseline = tmp_path / "baseline.json"
    result = runner.invoke(app, ["baseline", "update", str(content), "--baseline", str(baseline)])
    assert result.exit_code == EXIT_OK, result.output
    result = runner.invoke(
        app,
        [
            "check",
            str(content),
            "--index",
            str(index),
            "--files-from",
            str(listed),
            "--baseline",
            str(baseline),
        ],
    )
    assert result.exit_code == EXIT_OK, result.output
    assert "ACCEPTED" in result.output


def test_check_with_an_index_built_with_other_settings(content: Path, tmp_path: Path) -> None:
    index = tmp_path / "archive.db"
    options = ["--num-perm", "64", "--seed", "7"]
    result = runner.invoke(app, ["index", "build", str(content), "--index", str(index), *options])
    assert result.exit_code == EXIT_OK, result.output
    new = content / "wire-flood-barrier.txt"
    new.write_bytes((SAMPLES / "wire-flood-barrier.txt").read_bytes())
    listed = tmp_path / "changed.txt"
    listed.write_text(f"{new}\n")
    result = _checked_against(index, content, listed, tmp_path / "indexed.json", *options)
    assert result.exit_code == EXIT_DUPLICATES, result.output
    scanned = tmp_path / "scanned.json"
    command = ["check", str(content), "--files-from", str(listed), *options, "-f", "json", "-o", str(scanned)]
    assert runner.invoke(app, command).exit_code == EXIT_DUPLICATES
    assert _findings(tmp_path / "indexed.json") == _findings(scanned)
    result = _checked_against(index, content, listed, tmp_path / "refused.json", "--num-perm", "64")
    assert result.exit_code == EXIT_ERROR
    assert "seed 7 (now 1)" in result.output
    assert f"`dupecheck index rebuild --index {index} --num-perm 64`" in result.output
    assert "or use the settings it was built with (--seed 7)" in result.output


def test_check_with_missing_index(content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", str(content), "--index", str(tmp_path / "none.db")])
    assert result.exit_code == EXIT_ERROR
    assert "no index here" in result.output


def test_index_from_configuration(content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["index", "build", str(content), "--index", "archive.db"])
    assert result.exit_code == EXIT_OK, result.output
    (tmp_path / ".dupecheck.toml").write_text('index = "archive.db"\n')
    (content / "wire-flood-barrier.txt").write_bytes((SAMPLES / "wire-flood-barrier.txt").read_bytes())
    result = runner.invoke(app, ["check", str(content), "-f", "json", "-o", "check.json"])
    assert result.exit_code == EXIT_DUPLICATES, result.output
    document = json.loads((tmp_path / "check.json").read_text())
    pairs = [frozenset((p["a"], p["b"])) for p in document["pairs"]]
    assert len(pairs) == len(set(pairs)), "each pair once, not once from each side"
    assert any("wire-flood-barrier.txt" in pair for pair in pairs)


def test_check_with_index_takes_its_own_thresholds(content: Path, tmp_path: Path) -> None:
    index, listed = _indexed_then_changed(content, tmp_path)
    found = {}
    for threshold in ("0.15", "0.9"):
        report = tmp_path / f"check-{threshold}.json"
        result = _checked_against(index, content, listed, report, "--anchor-threshold", threshold)
        assert result.exit_code in (EXIT_OK, EXIT_DUPLICATES), result.output
        document = json.loads(report.read_text())
        assert document["settings"]["anchor_threshold"] == float(threshold)
        found[threshold] = len(document["check"]["new"])
    # The index was built with the default settings; a query's own thresholds decide its pairs.
    assert found["0.15"] > found["0.9"]


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--window", "3"], "--window"),
        (["--same-source", "ignore"], "--same-source"),
        (["--window", "3", "--same-source", "ignore"], "--same-source, --window"),
    ],
)
def test_check_with_index_refuses_options_it_cannot_apply(
    content: Path, tmp_path: Path, options: list[str], named: str
) -> None:
    index = tmp_path / "archive.db"
    assert runner.invoke(app, ["index", "build", str(content), "--index", str(index)]).exit_code == EXIT_OK
    result = runner.invoke(app, ["check", str(content), "--index", str(index), *options])
    assert result.exit_code == EXIT_ERROR
    assert f"{named} cannot be applied with --index" in result.output


def test_check_shows_a_malformed_redis_url_without_its_password(content: Path) -> None:
    result = runner.invoke(app, ["check", str(content), "--index", "redis://ci:s3cr3t@host:notaport/0"])
    assert result.exit_code == EXIT_ERROR
    assert "redis://ci:***@host:notaport/0" in result.output
    assert "s3cr3t" not in result.output
