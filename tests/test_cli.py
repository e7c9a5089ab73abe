from __future__ import annotations

import errno
import gc
import io
import json
import os
import stat
import subprocess
import sys
import threading
import warnings
from pathlib import Path
from typing import Any, TextIO

import pytest
from synthetic import corpus_with_planted_copies
from typer.testing import CliRunner

from dupecheck import __version__, cli
from dupecheck.cli import EXIT_BROKEN_PIPE, EXIT_DUPLICATES, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, app
from dupecheck.core import find_duplicates
from dupecheck.errors import InputError

ROOT = Path(__file__).parent.parent
SAMPLES = ROOT / "samples"
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


def test_scan_output_through_a_link_replaces_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    target, link = tmp_path / "report.json", tmp_path / "link.json"
    target.write_text("old")
    link.symlink_to(target)
    result = runner.invoke(app, ["scan", str(SAMPLES), "-f", "json", "--output", str(link)])
    assert result.exit_code == EXIT_OK, result.output
    assert link.is_symlink()
    assert json.loads(target.read_text(encoding="utf-8"))["schema"] == "dupecheck.scan/1"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_scan_output_to_a_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    # As for /dev/null: renaming a file over it would leave a regular file in its place.
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    result = runner.invoke(app, ["scan", str(SAMPLES), "-f", "json", "--output", str(pipe)])
    reader.join(timeout=10)
    assert result.exit_code == EXIT_OK, result.output
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert received and json.loads(received[0])["schema"] == "dupecheck.scan/1"


def test_scan_output_into_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", str(SAMPLES), "-o", str(tmp_path / "missing" / "report.txt")])
    assert result.exit_code == EXIT_ERROR, result.output
    assert "error:" in result.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["-o", "report.csv", "--actions", "./report.csv"],
            "--actions report.csv is the same file as --output",
        ),
        (["-o", "cache.db", "--cache", "cache.db"], "--cache cache.db is the same file as --output"),
        (["-o", "feed.jsonl"], "--output feed.jsonl is the same file as PATH"),
        (["-o", "link.jsonl"], "--output link.jsonl is the same file as PATH"),
    ],
)
def test_scan_never_writes_one_file_over_another_it_uses(
    options: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "".join(
            json.dumps({"id": p.name, "text": p.read_text(encoding="utf-8")}) + "\n" for p in (WIRE, REWRITE)
        ),
        encoding="utf-8",
    )
    (tmp_path / "link.jsonl").symlink_to(feed)
    before = feed.read_bytes()
    result = runner.invoke(app, ["scan", "feed.jsonl", "-f", "json", *options])
    assert result.exit_code == EXIT_ERROR, result.output
    assert message in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["feed.jsonl", "link.jsonl"]
    assert feed.read_bytes() == before


def test_compare_never_writes_its_report_over_an_article(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(WIRE.read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(app, ["compare", str(article), str(REWRITE), "-o", str(article)])
    assert result.exit_code == EXIT_ERROR, result.output
    assert f"--output {article} is the same file as A {article}" in result.stderr
    assert article.read_text(encoding="utf-8") == WIRE.read_text(encoding="utf-8")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_may_take_both_the_report_and_the_actions(tmp_path: Path) -> None:
    from dupecheck.cli import _refuse_overwriting

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    _refuse_overwriting([("--output", pipe), ("--actions", pipe)], [])  # written into, never replaced


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


def test_help_names_the_spark_extra_to_install() -> None:
    result = runner.invoke(app, ["scan", "--help"])
    text = " ".join(result.stdout.replace("\u2502", " ").split())  # the help panels' borders left out
    # Rich markup would take "[spark]" for a style and drop it.
    assert "pip install 'dupecheck[spark]'" in text


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


def test_an_interrupt_python_drops_in_a_finalizer_still_exits_130_without_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import signal

    import dupecheck.cli as cli

    dropped: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: dropped.append(unraisable.exc_value))

    class InterruptedWhileCollected:
        def __del__(self) -> None:
            os.kill(os.getpid(), signal.SIGINT)  # its KeyboardInterrupt is raised here, and dropped

    def finds_duplicates_and_is_interrupted_on_the_way(*args: Any, **kwargs: Any) -> object:
        InterruptedWhileCollected()
        return find_duplicates(*args, **kwargs)

    monkeypatch.setattr(cli, "find_duplicates", finds_duplicates_and_is_interrupted_on_the_way)
    output = tmp_path / "report.json"
    result = runner.invoke(app, ["scan", str(SAMPLES), "--format", "json", "--output", str(output)])
    assert [type(error) for error in dropped] == [KeyboardInterrupt]  # the scan ran on
    assert result.exit_code == EXIT_INTERRUPTED, result.output
    assert result.stderr.strip() == "dupecheck: interrupted"
    assert not list(tmp_path.iterdir())
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back


def test_strict_turns_an_unreadable_input_into_exit_2(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    lenient = runner.invoke(app, ["scan", str(SAMPLES), str(tmp_path)])
    assert lenient.exit_code == EXIT_OK, lenient.output
    strict = runner.invoke(app, ["scan", str(SAMPLES), str(tmp_path), "--strict"])
    assert strict.exit_code == EXIT_ERROR, strict.output
    assert "could not be read (--strict)" in strict.stderr and "empty file" in strict.stderr


def test_scan_reads_csv_with_metadata_fields_and_reports_them_in_json(tmp_path: Path) -> None:
    import csv

    wire = WIRE.read_text(encoding="utf-8")
    rewrite = REWRITE.read_text(encoding="utf-8")
    feed = tmp_path / "feed.dat"
    with feed.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["key", "body", "headline", "published", "site"])
        writer.writerow(["w", wire, "Barrier approved", "2026-02-01T10:00:00Z", "Wire"])
        writer.writerow(["r", rewrite, "Barrier vote", "2026-02-02", "Calder Post"])
    result = runner.invoke(
        app,
        [
            "scan", str(feed), "--input-format", "csv", "--id-field", "key", "--text-field", "body",
            "--title-field", "headline", "--date-field", "published", "--source-field", "site", "-f", "json",
        ],
    )  # fmt: skip
    assert result.exit_code == EXIT_OK, result.output
    report = json.loads(result.stdout)
    assert [(d["id"], d["title"], d["date"], d["outlet"]) for d in report["documents"]] == [
        ("w", "Barrier approved", "2026-02-01", "Wire"),
        ("r", "Barrier vote", "2026-02-02", "Calder Post"),
    ]
    assert [(p["a"], p["b"]) for p in report["pairs"]] == [("w", "r")]


def test_scan_reads_json_lines_from_stdin() -> None:
    lines = "".join(
        json.dumps({"id": path.name, "text": path.read_text(encoding="utf-8")}) + "\n"
        for path in (WIRE, REWRITE)
    )
    result = runner.invoke(app, ["scan", "-", "-f", "json"], input=lines)
    assert result.exit_code == EXIT_OK, result.output
    assert [d["source"] for d in json.loads(result.stdout)["documents"]] == ["-:1", "-:2"]


def test_an_unknown_input_format_is_a_usage_error() -> None:
    result = runner.invoke(app, ["scan", str(WIRE), "--input-format", "docx"])
    assert result.exit_code == EXIT_ERROR, result.output
    assert "unknown input format 'docx'" in result.output


def test_scan_and_check_take_same_source_and_window(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    records = [
        {"id": "w", "text": WIRE.read_text(encoding="utf-8"), "source": "Gazette", "date": "2026-01-01"},
        {"id": "r", "text": REWRITE.read_text(encoding="utf-8"), "source": "Gazette", "date": "2026-01-20"},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")

    def pairs(*options: str) -> int:
        result = runner.invoke(app, ["scan", str(feed), "-f", "json", *options])
        assert result.exit_code == EXIT_OK, result.output
        return len(json.loads(result.stdout)["pairs"])

    assert pairs() == 1
    assert pairs("--same-source", "ignore") == 0
    assert pairs("--window", "7") == 0
    assert pairs("--window", "30") == 1
    checked = runner.invoke(app, ["check", str(feed), "--same-source", "ignore", "--no-gitignore"])
    assert checked.exit_code == EXIT_OK, checked.output
    checked = runner.invoke(app, ["check", str(feed), "--no-gitignore"])
    assert checked.exit_code == EXIT_DUPLICATES, checked.output


def test_boilerplate_patterns_file_for_scan_compare_and_check(tmp_path: Path) -> None:
    patterns = tmp_path / "furniture.txt"
    patterns.write_text("# site furniture\n.*skell estuary.*\n", encoding="utf-8")
    result = runner.invoke(
        app, ["compare", str(WIRE), str(REWRITE), "-f", "json", "--boilerplate", str(patterns)]
    )
    assert result.exit_code == EXIT_OK, result.output
    reasons = {p["reason"] for p in json.loads(result.stdout)["a"]["paragraphs"]}
    assert "boilerplate pattern (furniture.txt:2)" in reasons
    patterns.write_text("[broken\n", encoding="utf-8")
    for command in (["scan", str(SAMPLES)], ["check", str(SAMPLES), "--no-gitignore"]):
        result = runner.invoke(app, [*command, "--boilerplate", str(patterns)])
        assert result.exit_code == EXIT_ERROR, result.output
        assert "furniture.txt:1: not a valid regular expression" in result.output


def test_baseline_update_takes_the_input_and_pairing_options(tmp_path: Path) -> None:
    feed = tmp_path / "feed.txt"
    records = [
        {"key": "w", "text": WIRE.read_text(encoding="utf-8"), "site": "Gazette"},
        {"key": "r", "text": REWRITE.read_text(encoding="utf-8"), "site": "Gazette"},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    common = ["baseline", "update", str(feed), "--baseline", str(baseline), "--input-format", "jsonl"]
    common += ["--id-field", "key", "--source-field", "site", "--no-gitignore", "--no-learn-boilerplate"]
    result = runner.invoke(app, [*common, "--same-source", "ignore"])
    assert result.exit_code == EXIT_OK, result.output
    assert "0 pairs accepted" in result.output
    result = runner.invoke(app, common)
    assert result.exit_code == EXIT_OK, result.output
    assert "1 pair accepted" in result.output


def test_scan_gives_the_same_report_for_any_number_of_jobs(tmp_path: Path) -> None:
    articles, planted = corpus_with_planted_copies(1100)
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": a.id, "text": a.text}) + "\n" for a in articles))
    reports = []
    for jobs in ("1", "2"):
        result = runner.invoke(app, ["scan", str(feed), "--format", "json", "--jobs", jobs])
        assert result.exit_code == EXIT_OK, result.output
        reports.append(result.stdout)
    assert reports[0] == reports[1]
    pairs = {frozenset((pair["a"], pair["b"])) for pair in json.loads(reports[0])["pairs"]}
    assert planted <= pairs


def test_jobs_must_be_at_least_one() -> None:
    result = runner.invoke(app, ["scan", str(SAMPLES), "--jobs", "0"])
    assert result.exit_code == EXIT_ERROR
    assert "--jobs" in result.output


@pytest.mark.parametrize("command", ["scan", "check"])
@pytest.mark.parametrize("limit", ["0", str(2**40 + 1), str(10**30)])
def test_max_bytes_out_of_range_is_a_usage_error(command: str, limit: str) -> None:
    # 10**30 once reached the readers and overflowed there, with a traceback.
    result = runner.invoke(app, [command, str(SAMPLES / "wire-flood-barrier.txt"), "--max-bytes", limit])
    assert result.exit_code == EXIT_ERROR, result.output
    assert "--max-bytes" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_scan_with_a_cache_reports_the_same_on_every_run(tmp_path: Path) -> None:
    cache = tmp_path / ".dupecheck-cache"
    plain = runner.invoke(app, ["scan", str(SAMPLES), "--format", "json"])
    runs = [
        runner.invoke(app, ["scan", str(SAMPLES), "--format", "json", "--cache", str(cache)])
        for _ in range(2)
    ]
    assert all(run.exit_code == EXIT_OK for run in runs), runs[0].output
    assert plain.stdout == runs[0].stdout == runs[1].stdout
    assert cache.stat().st_size > 0


def test_a_cache_option_naming_another_file_is_an_input_error(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me\n", encoding="utf-8")
    result = runner.invoke(app, ["scan", str(SAMPLES), "--cache", str(notes)])
    assert result.exit_code == EXIT_ERROR
    assert "not a dupecheck cache" in result.output
    assert notes.read_text(encoding="utf-8") == "keep me\n"


def test_scan_on_the_spark_engine_writes_the_same_report_as_the_local_one() -> None:
    local = runner.invoke(app, ["scan", str(SAMPLES), "--format", "json"])
    with warnings.catch_warnings():
        spark = runner.invoke(
            app, ["scan", str(SAMPLES), "--format", "json", "--engine", "spark", "--spark-master", "local[2]"]
        )
        # PySpark leaves sockets for the garbage collector: collect them here, not in a later test.
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    assert spark.exit_code == EXIT_OK, spark.output
    assert spark.stdout == local.stdout


def test_jobs_and_cache_belong_to_the_local_engine(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", str(SAMPLES), "--engine", "spark", "--cache", str(tmp_path / "c")])
    assert result.exit_code == EXIT_ERROR
    assert "--jobs and --cache apply to the local engine" in result.output


def test_spark_master_belongs_to_the_spark_engine() -> None:
    result = runner.invoke(app, ["scan", str(SAMPLES), "--spark-master", "local[2]"])
    assert result.exit_code == EXIT_ERROR
    assert "--spark-master applies to --engine spark" in result.output


def test_scan_of_a_folder_without_articles_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("\n", encoding="utf-8")
    result = runner.invoke(app, ["scan", str(tmp_path), "-f", "json"])
    assert result.exit_code == EXIT_ERROR, result.output
    assert result.stdout == ""
    empty = (tmp_path / "empty.txt").as_posix()
    assert f"error: no articles read from {tmp_path} (1 file found); {empty}: empty file" in result.stderr


def test_scan_strict_fails_on_an_input_skipped_after_the_last_article(tmp_path: Path) -> None:
    (tmp_path / "zz-empty.txt").write_text("", encoding="utf-8")
    report = tmp_path / "report.json"
    result = runner.invoke(app, ["scan", str(SAMPLES), str(tmp_path), "--strict", "-o", str(report)])
    assert result.exit_code == EXIT_ERROR, result.output
    empty = (tmp_path / "zz-empty.txt").as_posix()
    assert f"error: 1 input(s) could not be read (--strict): {empty}: empty file" in result.stderr
    assert not report.exists() and list(tmp_path.iterdir()) == [tmp_path / "zz-empty.txt"]


def test_scan_json_lists_every_skipped_input_and_counts_every_file(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    records = [{"id": "r", "text": REWRITE.read_text(encoding="utf-8")}, {"id": "r", "text": "Again."}]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records) + "{not json\n", encoding="utf-8")
    (tmp_path / "zz-empty.txt").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["scan", str(WIRE), str(tmp_path), "-f", "json"])
    assert result.exit_code == EXIT_OK, result.output
    report = json.loads(result.stdout)
    assert report["summary"]["files"] == 3 and report["summary"]["articles"] == 2
    assert [d["id"] for d in report["documents"]] == [WIRE.as_posix(), "r"]
    assert [(s["source"], s["line"], s["reason"].split(" (")[0]) for s in report["skipped"]] == [
        (feed.as_posix(), 2, "duplicate id 'r'"),
        (feed.as_posix(), 3, "not valid JSON"),
        ((tmp_path / "zz-empty.txt").as_posix(), None, "empty file"),
    ]
    assert report["summary"]["skipped"] == 3


def _dupecheck(arguments: list[str], cwd: Path, **popen: Any) -> subprocess.Popen[str]:
    """``python -m dupecheck`` in a process of its own, for what only real file descriptors show."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.Popen(
        [sys.executable, "-m", "dupecheck", *arguments], cwd=cwd, env=env, text=True, **popen
    )


@pytest.mark.parametrize(
    ("arguments", "lines_read"),
    [
        # The HTML report is larger than a pipe holds: the write that fails comes after one line is read.
        (["scan", str(SAMPLES), "-f", "html"], 1),
        # Rich writes the console report; the pipe is closed before anything is written.
        (["check", str(SAMPLES), "--no-gitignore"], 0),
    ],
)
def test_a_reader_that_stops_early_ends_the_command_quietly(
    arguments: list[str], lines_read: int, tmp_path: Path
) -> None:
    with _dupecheck(arguments, tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        for _ in range(lines_read):
            assert process.stdout.readline()
        process.stdout.close()
        errors = process.stderr.read()
        assert process.wait(timeout=120) == EXIT_BROKEN_PIPE, errors
    assert errors == ""  # neither a traceback nor Python's "Exception ignored" at exit


@pytest.mark.parametrize(
    ("arguments", "written"),
    [
        (["scan", str(SAMPLES), "--actions", "actions.csv"], "actions.csv"),
        (
            ["check", str(SAMPLES), "--no-gitignore", "-f", "json", "-o", "report.json", "-f", "console"],
            "report.json",
        ),
    ],
)
def test_a_reader_that_stops_early_still_gets_the_files_written(
    arguments: list[str], written: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A CMS applies the actions file: a console read by `| head -1` must not cost it.
    with _dupecheck(arguments, tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        errors = process.stderr.read()
        assert process.wait(timeout=120) == EXIT_BROKEN_PIPE, errors
    assert sorted(path.name for path in tmp_path.iterdir()) == [written]  # no temporary file left
    expected = tmp_path / "expected"
    expected.mkdir()
    monkeypatch.chdir(expected)
    result = runner.invoke(app, arguments)
    assert result.exit_code in (EXIT_OK, EXIT_DUPLICATES), result.output
    assert (tmp_path / written).read_text(encoding="utf-8") == (expected / written).read_text(
        encoding="utf-8"
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="/dev/full is Linux's")
@pytest.mark.parametrize(
    "arguments", [["check", str(SAMPLES), "--no-gitignore"], ["scan", str(SAMPLES), "-f", "json"]]
)
def test_a_full_standard_output_is_an_error_not_a_verdict(arguments: list[str], tmp_path: Path) -> None:
    with open("/dev/full", "w", encoding="utf-8") as full:
        process = _dupecheck(arguments, tmp_path, stdout=full, stderr=subprocess.PIPE)
        _, errors = process.communicate(timeout=120)
    assert process.returncode == EXIT_ERROR, errors
    assert errors == "error: cannot write to standard output (No space left on device)\n"


HOSTILE = "evil\x1b]0;pwned\x07\x1b[2J"
"""An id that, printed raw, would retitle the terminal and clear it."""
HOSTILE_SHOWN = "evil\\x1b]0;pwned\\x07\\x1b[2J"


def _hostile_feed(folder: Path) -> Path:
    feed = folder / "feed.jsonl"
    records = [{"id": HOSTILE, "text": WIRE.read_text(encoding="utf-8")}]
    records += [{"id": "copy", "text": WIRE.read_text(encoding="utf-8")}, {"id": HOSTILE, "text": "Again."}]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return feed


@pytest.mark.parametrize("command", ["scan", "check"])
def test_console_reports_escape_control_characters_and_json_keeps_them(command: str, tmp_path: Path) -> None:
    feed = _hostile_feed(tmp_path)
    result = runner.invoke(app, [command, str(feed), *(["--no-gitignore"] if command == "check" else [])])
    assert result.exit_code == (EXIT_OK if command == "scan" else EXIT_DUPLICATES), result.output
    assert HOSTILE_SHOWN in result.stdout  # the pair, and the repeated id among the skipped inputs
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    result = runner.invoke(app, ["scan", str(feed), "-f", "json"])
    assert result.exit_code == EXIT_OK, result.output
    assert HOSTILE in [document["id"] for document in json.loads(result.stdout)["documents"]]


def test_error_messages_escape_control_characters(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", str(_hostile_feed(tmp_path)), "--strict"])
    assert result.exit_code == EXIT_ERROR, result.output
    assert f"duplicate id '{HOSTILE_SHOWN}'" in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


def test_a_failure_while_rendering_is_not_blamed_on_standard_output(monkeypatch: pytest.MonkeyPatch) -> None:

    def failing_render(out: TextIO, color: bool) -> None:
        out.write("first line\n")
        raise OSError(errno.EIO, "Input/output error", "/tmp/spilled")

    monkeypatch.setattr(sys, "stdout", io.StringIO())
    with pytest.raises(OSError, match="spilled"):
        cli._emit(failing_render, None)


def test_a_failed_write_to_standard_output_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:

    class Full(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sys, "stdout", Full())
    with pytest.raises(InputError, match="cannot write to standard output"):
        cli._emit(lambda out, color: out.write("report\n"), None)
