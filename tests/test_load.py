from __future__ import annotations

import json
from pathlib import Path

from dupecheck.load import load_paths


def test_folders_are_read_recursively_in_a_stable_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.md").write_text("Second article.", encoding="utf-8")
    (tmp_path / "one.txt").write_text("First article.", encoding="utf-8")
    (tmp_path / "skip.csv").write_text("not read", encoding="utf-8")
    loaded = load_paths([tmp_path])
    assert [a.id for a in loaded.articles] == ["b/two.md", "one.txt"]
    assert loaded.files == 2


def test_jsonl_fields_are_configurable_and_bad_lines_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"key": "x1", "body": "An article."}),
        "{not json",
        json.dumps({"key": "x2"}),
        json.dumps({"key": "x3", "body": 7}),
        "",
        json.dumps({"body": "No id here."}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    loaded = load_paths([path], id_field="key", text_field="body")
    assert [a.id for a in loaded.articles] == ["x1", f"{path.as_posix()}:6"]
    assert [(s.line, s.reason.split(" (")[0]) for s in loaded.skipped] == [
        (2, "not valid JSON"),
        (3, "field 'body' is missing"),
        (4, "field 'body' is a number, not a string"),
    ]


def test_empty_files_are_skipped_and_legacy_encodings_decoded(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "latin.txt").write_bytes("Café society".encode("latin-1"))
    (tmp_path / "bom.txt").write_bytes("\ufeffHello there.".encode())
    loaded = load_paths([tmp_path])
    assert [a.text for a in loaded.articles] == ["Hello there.", "Café society"]
    assert [s.reason for s in loaded.skipped] == ["empty file"]


def test_a_missing_path_is_listed_and_the_rest_is_read(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("An article.", encoding="utf-8")
    loaded = load_paths([tmp_path / "nope", tmp_path / "one.txt"])
    assert [a.id for a in loaded.articles] == [f"{(tmp_path / 'one.txt').as_posix()}"]
    assert [s.reason for s in loaded.skipped] == ["No such file or directory; check the path"]
