from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dupecheck import __version__
from dupecheck.cli import EXIT_DUPLICATES, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, app

SAMPLES = Path(__file__).parent.parent / "samples"
WIRE = SAMPLES / "wire-flood-barrier.txt"
REWRITE = SAMPLES / "flood-barrier-rewrite.txt"

runner = CliRunner()


def test_scan_console() -> None:
    result = runner.invoke(app, ["scan", str(SAMPLES)])
    assert result.exit_code == EXIT_OK, result.output
    assert "10 articles read" in result.stdout
    assert "Group 1" in result.stdout
    assert "wire-flood-barrier.txt ↔" in result.stdout or "↔ wire-flood-barrier.txt" in result.stdout
    assert "\x1b[" not in result.stdout  # no color when stdout is not a terminal


def test_scan_json_groups_the_flood_barrier_copies_only() -> None:
    result = runner.invoke(app, ["scan", str(SAMPLES), "--format", "json"])
    assert result.exit_code == EXIT_OK, result.output
    report = json.loads(result.stdout)
    assert report["schema"] == "dupecheck.scan/1"
    assert report["version"] == __version__
    groups = [set(group["members"]) for group in report["groups"]]
    assert any({"wire-flood-barrier.txt", "flood-barrier-rewrite.txt"} <= group for group in groups)
    grouped = set().union(*groups)
    for unrelated in ("flood-barrier-independent.txt", "ferry-strike.txt", "library-reopens.txt"):
        assert unrelated not in grouped


def test_scan_output_writes_the_file_and_nothing_on_stdout(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = runner.invoke(app, ["scan", str(SAMPLES), "-f", "json", "--output", str(target)])
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["schema"] == "dupecheck.scan/1"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left


def test_scan_output_into_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", str(SAMPLES), "-o", str(tmp_path / "missing" / "report.txt")])
    assert result.exit_code == EXIT_ERROR, result.output
    assert "error:" in result.stderr


def test_compare_console() -> None:
    result = runner.invoke(app, ["compare", str(WIRE), str(REWRITE)])
    assert result.exit_code == EXIT_OK, result.output
    assert "Only in A" in result.stdout
    assert "Only in B" in result.stdout
    assert "rewrite" in result.stdout


def test_compare_json() -> None:
    result = runner.invoke(app, ["compare", str(WIRE), str(REWRITE), "-f", "json"])
    assert result.exit_code == EXIT_OK, result.output
    report = json.loads(result.stdout)
    assert report["schema"] == "dupecheck.compare/1"
    assert report["a"]["id"].endswith("wire-flood-barrier.txt")
    assert report["b"]["id"].endswith("flood-barrier-rewrite.txt")
    assert report["overlaps"]
    assert {"a", "b", "score"} == set(report["overlaps"][0])


def test_compare_of_an_empty_file_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    result = runner.invoke(app, ["compare", str(WIRE), str(empty)])
    assert result.exit_code == EXIT_ERROR, result.output
    assert "no article" in result.stderr


@pytest.mark.parametrize("command", ["scan", "compare"])
def test_missing_path_is_an_input_error(command: str, tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    paths = [str(missing), str(WIRE)] if command == "compare" else [str(missing)]
    result = runner.invoke(app, [command, *paths])
    assert result.exit_code == EXIT_ERROR, result.output
    assert "error:" in result.stderr
    assert "nope.txt" in result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    "option",
    [["--match-threshold", "1.5"], ["--num-perm", "3"], ["--anchor-threshold", "0.05"], ["--format", "yaml"]],
)
def test_bad_setting_is_an_error(option: list[str]) -> None:
    result = runner.invoke(app, ["scan", str(SAMPLES), *option])
    assert result.exit_code == EXIT_ERROR, result.output
    assert "error:" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [[], ["scan"], ["compare"]])
def test_help_documents_the_exit_codes(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == EXIT_OK, result.output
    text = " ".join(result.stdout.split())
    assert f"Exit codes: {EXIT_OK} success;" in text
    assert f"{EXIT_DUPLICATES} near-duplicates found" in text
    assert f"{EXIT_ERROR} usage or input error" in text
    assert f"{EXIT_INTERRUPTED} interrupted" in text


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout.strip() == f"dupecheck {__version__}"


def test_ctrl_c_exits_130_with_one_line_and_leaves_no_partial_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dupecheck.cli as cli

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "find_duplicates", interrupted)
    output = tmp_path / "report.json"
    result = runner.invoke(app, ["scan", str(SAMPLES), "--format", "json", "--output", str(output)])
    assert result.exit_code == EXIT_INTERRUPTED, result.output
    assert result.stderr.strip() == "dupecheck: interrupted"
    assert not list(tmp_path.iterdir())


def test_strict_turns_an_unreadable_input_into_exit_2(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    lenient = runner.invoke(app, ["scan", str(SAMPLES), str(tmp_path)])
    assert lenient.exit_code == EXIT_OK, lenient.output
    strict = runner.invoke(app, ["scan", str(SAMPLES), str(tmp_path), "--strict"])
    assert strict.exit_code == EXIT_ERROR, strict.output
    assert "could not be read (--strict)" in strict.stderr and "empty file" in strict.stderr
