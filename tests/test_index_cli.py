from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import typer
from paths import SAMPLES
from typer.testing import CliRunner

from dupecheck.cli_index import index_app, query
from dupecheck.core import find_duplicates
from dupecheck.index import IndexSettingsError, open_index
from dupecheck.load import load_paths
from dupecheck.model import Article
from dupecheck.settings import Settings

EXIT_OK, EXIT_ERROR = 0, 2

app = typer.Typer()
app.add_typer(index_app, name="index")
app.command("query")(query)
runner = CliRunner()

WIRE = SAMPLES / "wire-flood-barrier.txt"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """A folder holding the samples except the two wire stories."""
    folder = tmp_path / "archive"
    folder.mkdir()
    for path in SAMPLES.glob("*.txt"):
        if not path.name.startswith("wire-"):
            (folder / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.fixture
def index_file(tmp_path: Path, archive: Path) -> Path:
    path = tmp_path / "archive.db"
    result = runner.invoke(app, ["index", "build", str(archive), "--index", str(path)])
    assert result.exit_code == EXIT_OK, result.output
    assert "indexed 8 articles" in result.output
    return path


def test_build_stats_verify(index_file: Path) -> None:
    result = runner.invoke(app, ["index", "stats", "--index", str(index_file)])
    assert result.exit_code == EXIT_OK, result.output
    assert "8 articles" in result.stdout
    result = runner.invoke(app, ["index", "verify", "--index", str(index_file)])
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout.strip().endswith(": ok")


def test_query_console_and_json(index_file: Path) -> None:
    result = runner.invoke(app, ["query", str(WIRE), "--index", str(index_file)])
    assert result.exit_code == EXIT_OK, result.output
    assert "flood-barrier-rewrite.txt" in result.stdout
    assert "flood-barrier-independent.txt" not in result.stdout
    assert "1 file seen" in result.stdout or "1 files seen" in result.stdout
    result = runner.invoke(app, ["query", str(WIRE), "--index", str(index_file), "--format", "json"])
    assert result.exit_code == EXIT_OK, result.output
    report = json.loads(result.stdout)
    assert all(p["a"] == str(WIRE) for p in report["pairs"])  # a file given by itself is its own path
    relations = {p["b"]: p["relation"] for p in report["pairs"]}
    assert relations["flood-barrier-rewrite.txt"] == "rewrite"
    assert relations["web-copy-flood-barrier.txt"] == "duplicate"
    assert "flood-barrier-independent.txt" not in relations


def test_add_remove(index_file: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["index", "add", str(SAMPLES), "--index", str(index_file)])
    assert result.exit_code == EXIT_OK, result.output
    assert "2 added, 0 replaced, 8 unchanged" in result.output
    result = runner.invoke(app, ["index", "remove", "wire-wildfire.txt", "--index", str(index_file)])
    assert result.exit_code == EXIT_OK, result.output
    result = runner.invoke(app, ["index", "remove", "wire-wildfire.txt", "--index", str(index_file)])
    assert result.exit_code == EXIT_ERROR
    assert "holds no article 'wire-wildfire.txt'" in result.output


def _feed(path: Path, records: list[tuple[str, Path]]) -> Path:
    """A JSON Lines file of the sample articles named, with other field names than the defaults."""
    with path.open("w", encoding="utf-8") as out:
        for uid, sample in records:
            body = sample.read_text(encoding="utf-8")
            record = {
                "uid": uid,
                "body": body,
                "headline": uid.upper(),
                "day": "2026-11-03",
                "site": "Gazette",
            }
            out.write(json.dumps(record) + "\n")
    return path


FIELDS = ["--id-field", "uid", "--text-field", "body", "--title-field", "headline"]
FIELDS += ["--date-field", "day", "--source-field", "site"]


def test_records_with_other_field_names_are_indexed_and_queried(tmp_path: Path) -> None:
    index = str(tmp_path / "archive.db")
    archive = _feed(tmp_path / "archive.jsonl", [("r1", SAMPLES / "flood-barrier-rewrite.txt")])
    new = _feed(tmp_path / "new.jsonl", [("w1", WIRE)])
    more = _feed(tmp_path / "more.jsonl", [("r2", SAMPLES / "ferry-strike.txt")])
    result = runner.invoke(app, ["index", "build", str(archive), "--index", index])
    assert result.exit_code == EXIT_ERROR  # the default fields are not there
    assert "field 'text' is missing" in result.output
    result = runner.invoke(app, ["index", "build", str(archive), "--index", index, *FIELDS])
    assert result.exit_code == EXIT_OK, result.output
    result = runner.invoke(app, ["index", "add", str(more), "--index", index, *FIELDS])
    assert result.exit_code == EXIT_OK, result.output
    assert "1 added" in result.output
    report = tmp_path / "report.json"
    result = runner.invoke(
        app, ["query", str(new), "--index", index, *FIELDS, "-f", "json", "-o", str(report)]
    )
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout == ""
    document = json.loads(report.read_text(encoding="utf-8"))
    assert [(p["a"], p["b"], p["relation"]) for p in document["pairs"]] == [("w1", "r1", "rewrite")]
    described = {d["id"]: (d["title"], d["date"], d["outlet"]) for d in document["documents"]}
    assert described == {"w1": ("W1", "2026-11-03", "Gazette"), "r1": ("R1", "2026-11-03", "Gazette")}


def test_daily_folders_sharing_a_file_name_lose_no_article(tmp_path: Path) -> None:
    day1, day2 = tmp_path / "day1", tmp_path / "day2"
    for day, sample in ((day1, "ferry-strike.txt"), (day2, "library-reopens.txt")):
        day.mkdir()
        (day / "story.txt").write_bytes((SAMPLES / sample).read_bytes())
    index = str(tmp_path / "archive.db")
    assert runner.invoke(app, ["index", "build", str(day1), "--index", index]).exit_code == EXIT_OK
    result = runner.invoke(app, ["index", "add", str(day2), "--index", index])
    assert result.exit_code == EXIT_ERROR
    assert "'story.txt' (archived from " in result.output
    assert "day1/story.txt, now read from " in result.output
    assert "--replace" in result.output
    result = runner.invoke(app, ["query", str(day1 / "story.txt"), "--index", index, "-f", "json"])
    assert result.exit_code == EXIT_OK, result.output
    assert [p["relation"] for p in json.loads(result.stdout)["pairs"]] == ["duplicate"]  # day 1 is kept
    result = runner.invoke(app, ["index", "add", str(day1), "--index", index])
    assert result.exit_code == EXIT_OK, result.output
    assert "0 added, 0 replaced, 1 unchanged" in result.output
    result = runner.invoke(app, ["index", "add", str(day2), "--replace", "--index", index])
    assert result.exit_code == EXIT_OK, result.output
    assert "0 added, 1 replaced, 0 unchanged" in result.output


def test_an_index_built_with_other_settings_is_used_with_them(tmp_path: Path, archive: Path) -> None:
    index = str(tmp_path / "archive.db")
    settings = Settings(num_perm=64, seed=7, min_terms=3, candidate_threshold=0.3)
    options = ["--num-perm", "64", "--seed", "7", "--min-terms", "3", "--candidate-threshold", "0.3"]
    result = runner.invoke(app, ["index", "build", str(archive), "--index", index, *options])
    assert result.exit_code == EXIT_OK, result.output
    assert "(candidate-threshold 0.3, min-terms 3, num-perm 64, seed 7)" in result.output
    with open_index(index, readonly=True) as opened:
        assert opened.stats().settings == settings
        assert opened.verify() == []
    # The other commands take the index's own settings.
    result = runner.invoke(app, ["query", str(WIRE), "--index", index, "-f", "json"])
    assert result.exit_code == EXIT_OK, result.output
    queried = {(p["b"], p["relation"]) for p in json.loads(result.stdout)["pairs"]}
    wire = Article(str(WIRE), WIRE.read_text(encoding="utf-8"))
    scanned = find_duplicates([*load_paths([archive]).articles, wire], settings=settings).pairs
    assert queried == {
        (p.b if p.a == wire.id else p.a, p.relation.value) for p in scanned if wire.id in (p.a, p.b)
    }
    assert queried
    for command in (
        ["index", "add", str(SAMPLES)],
        ["index", "remove", "ferry-strike.txt"],
        ["index", "stats"],
    ):
        result = runner.invoke(app, [*command, "--index", index])
        assert result.exit_code == EXIT_OK, result.output
    result = runner.invoke(app, ["index", "verify", "--index", index])
    assert result.exit_code == EXIT_OK, result.output
    # Queried with other settings, it is refused with both remedies.
    with pytest.raises(IndexSettingsError) as caught:
        open_index(index, Settings(num_perm=32), readonly=True)
    message = str(caught.value)
    assert "num_perm 64 (now 32)" in message
    assert f"`dupecheck index rebuild --index {index} --num-perm 32`" in message
    built_with = "--candidate-threshold 0.3 --min-terms 3 --num-perm 64 --seed 7"
    assert f"or use the settings it was built with ({built_with})" in message


def test_rebuild_resigns_with_the_settings_given(index_file: Path) -> None:
    result = runner.invoke(app, ["index", "rebuild", "--index", str(index_file), "--num-perm", "64"])
    assert result.exit_code == EXIT_OK, result.output
    assert "rebuilt" in result.output and "num-perm 64" in result.output
    with open_index(index_file, readonly=True) as opened:
        assert opened.stats().settings == Settings(num_perm=64)
        assert opened.verify() == []
    result = runner.invoke(app, ["index", "rebuild", "--index", str(index_file)])
    assert result.exit_code == EXIT_OK, result.output
    with open_index(index_file, readonly=True) as opened:
        assert opened.stats().settings == Settings()
    result = runner.invoke(app, ["index", "rebuild", "--index", str(index_file), "--num-perm", "8"])
    assert result.exit_code == EXIT_ERROR
    assert "num_perm must be in [16, 1024], got 8" in result.output


def test_missing_corrupted_and_truncated_index_exit_2(index_file: Path, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["query", str(WIRE), "--index", str(tmp_path / "none.db")])
    assert missing.exit_code == EXIT_ERROR
    assert "no index here" in missing.output

    corrupted = tmp_path / "corrupted.db"
    data = bytearray(index_file.read_bytes())
    data[:100] = b"\xff" * 100
    corrupted.write_bytes(bytes(data))
    result = runner.invoke(app, ["index", "verify", "--index", str(corrupted)])
    assert result.exit_code == EXIT_ERROR
    assert "damaged or not a dupecheck index" in result.output

    with sqlite3.connect(index_file) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(index_file.read_bytes()[: index_file.stat().st_size // 2])
    result = runner.invoke(app, ["index", "verify", "--index", str(truncated)])
    assert result.exit_code == EXIT_ERROR
    assert result.output.startswith("error: ")
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "command",
    [
        ["index", "build", str(SAMPLES)],
        ["index", "add", str(SAMPLES)],
        ["index", "remove", "ferry-strike.txt"],
        ["index", "stats"],
        ["index", "verify"],
        ["index", "rebuild"],
        ["query", str(WIRE)],
    ],
    ids=["build", "add", "remove", "stats", "verify", "rebuild", "query"],
)
def test_a_malformed_redis_url_is_refused_without_its_password(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--index", "redis://user:s3cr3t@host:notaport/0"])
    assert result.exit_code == EXIT_ERROR
    assert "redis://user:***@host:notaport/0: not a redis://" in result.output
    assert "s3cr3t" not in result.output


def test_every_command_has_help() -> None:
    for command in ("build", "add", "remove", "stats", "verify", "rebuild"):
        result = runner.invoke(app, ["index", command, "--help"])
        assert result.exit_code == EXIT_OK, result.output
        assert "--index" in result.output
    assert runner.invoke(app, ["query", "--help"]).exit_code == EXIT_OK


INPUT = ["--input-format", "--max-bytes", "--gitignore", "--no-gitignore", "--strict"]
THRESHOLDS = ["--match-threshold", "--anchor-threshold", "--min-anchors", "--partial-threshold"]
THRESHOLDS += ["--rewrite-threshold", "--rewrite-share", "--duplicate-threshold", "--duplicate-score"]


@pytest.mark.parametrize(
    ("command", "options"),
    [
        (["index", "build"], ["--id-field", "--source-field", "--num-perm", "--candidate-threshold", *INPUT]),
        (["index", "add"], ["--id-field", "--text-field", "--replace", *INPUT]),
        (["index", "rebuild"], ["--num-perm", "--seed", "--min-terms"]),
        (["query"], ["--output", "--format", "--title-field", "--date-field", *INPUT, *THRESHOLDS]),
    ],
)
def test_commands_offer_scan_s_options(command: list[str], options: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], terminal_width=200)
    assert result.exit_code == EXIT_OK, result.output
    for option in options:
        assert option in result.output


def test_query_refuses_to_write_its_report_over_the_index(index_file: Path) -> None:
    before = index_file.read_bytes()
    result = runner.invoke(app, ["query", str(WIRE), "--index", str(index_file), "-o", str(index_file)])
    assert result.exit_code == EXIT_ERROR, result.output
    assert "same file as --index" in result.output
    assert index_file.read_bytes() == before


def test_index_commands_read_settings_and_fields_from_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = _feed(tmp_path / "archive.jsonl", [("r1", SAMPLES / "flood-barrier-rewrite.txt")])
    new = _feed(tmp_path / "new.jsonl", [("w1", WIRE)])
    (tmp_path / ".dupecheck.toml").write_text(
        'num-perm = 64\nseed = 7\nid-field = "uid"\ntext-field = "body"\n'
        'format = ["sarif"]\noutput = ["unused.sarif"]\n',  # the check's keys: not the index commands'
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["index", "build", "archive.jsonl", "--index", "a.db", "--seed", "9"])
    assert result.exit_code == EXIT_OK, result.output
    assert "num-perm 64" in result.output and "seed 9" in result.output  # the command line wins
    result = runner.invoke(app, ["query", str(new), "--index", "a.db", "-f", "json"])
    assert result.exit_code == EXIT_OK, result.output
    assert [(p["a"], p["b"]) for p in json.loads(result.stdout)["pairs"]] == [("w1", "r1")]
    assert not (tmp_path / "unused.sarif").exists()
    result = runner.invoke(app, ["index", "rebuild", "--index", "a.db"])
    assert result.exit_code == EXIT_OK, result.output
    assert "num-perm 64" in result.output and "seed 7" in result.output
    assert runner.invoke(app, ["index", "add", str(archive), "--index", "a.db"]).exit_code == EXIT_OK


def test_a_query_over_a_damaged_stored_article_exits_2_naming_it(index_file: Path) -> None:
    with sqlite3.connect(index_file) as db:
        db.execute("UPDATE articles SET paragraphs = '[]' WHERE id = 'web-copy-flood-barrier.txt'")
    result = runner.invoke(app, ["query", str(WIRE), "--index", str(index_file)])
    assert result.exit_code == EXIT_ERROR, result.output
    assert result.output.startswith(
        f"error: {index_file}: the stored article 'web-copy-flood-barrier.txt' is "
    )
    assert len(result.output.strip().splitlines()) == 1


def _indexed_ids(index: str) -> list[str]:
    with open_index(index, readonly=True) as opened:
        return opened.ids()


def test_index_commands_read_files_as_check_reads_them(tmp_path: Path) -> None:
    """--input-format, --max-bytes, .dupecheckignore, and .gitignore files unless --no-gitignore."""
    archive = tmp_path / "archive"
    (archive / "drafts").mkdir(parents=True)
    for name in ("ferry-strike.txt", "library-reopens.txt", "flood-barrier-rewrite.txt"):
        (archive / name).write_bytes((SAMPLES / name).read_bytes())
    (archive / "drafts" / "wildfire-spun.txt").write_bytes((SAMPLES / "wildfire-spun.txt").read_bytes())
    (archive / ".gitignore").write_text("drafts/\n", encoding="utf-8")
    (archive / ".dupecheckignore").write_text("library-*\n", encoding="utf-8")
    index = str(tmp_path / "archive.db")
    result = runner.invoke(app, ["index", "build", str(archive), "--index", index])
    assert result.exit_code == EXIT_OK, result.output
    assert _indexed_ids(index) == ["ferry-strike.txt", "flood-barrier-rewrite.txt"]
    result = runner.invoke(app, ["index", "add", str(archive), "--index", index, "--no-gitignore"])
    assert result.exit_code == EXIT_OK, result.output
    assert "1 added, 0 replaced, 2 unchanged" in result.output  # .dupecheckignore still applies
    size = (SAMPLES / "ferry-strike.txt").stat().st_size
    result = runner.invoke(app, ["index", "build", str(archive), "--index", index, "--max-bytes", str(size)])
    assert result.exit_code == EXIT_OK, result.output
    assert "flood-barrier-rewrite.txt: larger than" in result.output
    assert _indexed_ids(index) == ["ferry-strike.txt"]
    result = runner.invoke(
        app, ["index", "add", str(archive), "--index", index, "--max-bytes", "10", "--strict"]
    )
    assert result.exit_code == EXIT_ERROR, result.output
    # A feed whose extension does not say it holds JSON Lines.
    feed = _feed(tmp_path / "feed.txt", [("r1", SAMPLES / "flood-barrier-rewrite.txt")])
    new = _feed(tmp_path / "new.txt", [("w1", WIRE)])
    records = ["--input-format", "jsonl", "--id-field", "uid", "--text-field", "body"]
    result = runner.invoke(app, ["index", "add", str(feed), "--index", index, *records])
    assert result.exit_code == EXIT_OK, result.output
    assert "1 added" in result.output and "r1" in _indexed_ids(index)
    result = runner.invoke(app, ["query", str(new), "--index", index, *records, "-f", "json"])
    assert result.exit_code == EXIT_OK, result.output
    assert [(p["a"], p["b"]) for p in json.loads(result.stdout)["pairs"]] == [("w1", "r1")]
    result = runner.invoke(
        app, ["query", str(new), "--index", index, *records, "--max-bytes", "10", "-f", "json"]
    )
    assert result.exit_code == EXIT_ERROR, result.output


def test_index_commands_read_the_input_options_from_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "archive").mkdir()
    _feed(tmp_path / "archive" / "feed.txt", [("r1", SAMPLES / "flood-barrier-rewrite.txt")])
    _feed(tmp_path / "archive" / "ignored.txt", [("r2", SAMPLES / "ferry-strike.txt")])
    (tmp_path / "archive" / ".gitignore").write_text("ignored.txt\n", encoding="utf-8")
    _feed(tmp_path / "new.txt", [("w1", WIRE)])
    (tmp_path / ".dupecheck.toml").write_text(
        'input-format = "jsonl"\nid-field = "uid"\ntext-field = "body"\ngitignore = false\n'
        f"max-bytes = {2 * WIRE.stat().st_size}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["index", "build", "archive", "--index", "a.db"])
    assert result.exit_code == EXIT_OK, result.output
    assert _indexed_ids("a.db") == ["r1", "r2"]
    result = runner.invoke(app, ["index", "build", "archive", "--index", "a.db", "--gitignore"])
    assert result.exit_code == EXIT_OK, result.output
    assert _indexed_ids("a.db") == ["r1"]  # the command line wins
    result = runner.invoke(app, ["query", "new.txt", "--index", "a.db", "-f", "json"])
    assert result.exit_code == EXIT_OK, result.output
    assert [(p["a"], p["b"]) for p in json.loads(result.stdout)["pairs"]] == [("w1", "r1")]
    (tmp_path / ".dupecheck.toml").write_text(
        'input-format = "jsonl"\nmax-bytes = 10\nstrict = true\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["index", "add", "archive", "--index", "a.db", *FIELDS])
    assert result.exit_code == EXIT_ERROR, result.output
    assert "feed.txt:1: line longer than 10 bytes" in result.output


def test_query_takes_the_thresholds_a_check_against_an_index_takes(index_file: Path) -> None:
    found = {}
    for threshold in ("0.4", "0.95"):
        options = ["--anchor-threshold", threshold, "--partial-threshold", "0.5"]
        result = runner.invoke(app, ["query", str(WIRE), "--index", str(index_file), *options, "-f", "json"])
        assert result.exit_code == EXIT_OK, result.output
        report = json.loads(result.stdout)
        assert report["settings"]["anchor_threshold"] == float(threshold)
        assert report["settings"]["partial_threshold"] == 0.5
        found[threshold] = {p["b"] for p in report["pairs"]}
    # The index was built with the default settings; a query's own thresholds decide its pairs.
    assert found["0.95"] < found["0.4"] and found["0.95"]
    result = runner.invoke(
        app, ["query", str(WIRE), "--index", str(index_file), "--rewrite-threshold", "0.1"]
    )
    assert result.exit_code == EXIT_ERROR
    assert "thresholds must rise" in result.output


def test_query_reads_its_thresholds_from_the_configuration(
    index_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    command = ["query", str(WIRE), "--index", str(index_file), "-f", "json"]
    every = {p["b"] for p in json.loads(runner.invoke(app, command).stdout)["pairs"]}
    (tmp_path / ".dupecheck.toml").write_text("anchor-threshold = 0.95\nmin-anchors = 3\n", encoding="utf-8")
    result = runner.invoke(app, command)
    assert result.exit_code == EXIT_OK, result.output
    report = json.loads(result.stdout)
    assert (report["settings"]["anchor_threshold"], report["settings"]["min_anchors"]) == (0.95, 3)
    assert {p["b"] for p in report["pairs"]} < every
    result = runner.invoke(app, [*command, "--anchor-threshold", "0.4", "--min-anchors", "2"])
    assert {p["b"] for p in json.loads(result.stdout)["pairs"]} == every  # the command line wins
