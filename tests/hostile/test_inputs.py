"""Hostile inputs: each is reported with a reason and never stops the scan."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dupecheck import load
from dupecheck.core import find_duplicates
from dupecheck.load import load_paths
from dupecheck.model import Article, Relation

STORY = (
    "The harbour board approved a new dredging contract on Monday after months of delay.\n\n"
    "Engineers said the channel would be deepened by two metres before the spring tides.\n\n"
    "Shipping firms welcomed the decision but warned that fees would rise next year."
)


def _reasons(folder: Path) -> dict[str, str]:
    loaded = load_paths([folder])
    return {Path(s.source).name: s.reason for s in loaded.skipped}


def test_empty_whitespace_and_binary_files_are_skipped_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text(" \n\t\n  \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "random.md").write_bytes(bytes((n * 7919 + 13) % 251 + 5 for n in range(4000)))
    loaded = load_paths([tmp_path])
    assert [a.id for a in loaded.articles] == ["good.txt"]
    assert _reasons(tmp_path) == {
        "empty.txt": "empty file",
        "blank.md": "empty file",
        "binary.txt": "binary file (NUL bytes), not text; leave it out of the scan",
        "random.md": "not text in any encoding found; leave it out of the scan",
    }
    assert loaded.files == 5


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b""), ("cp1252", b""), ("latin-1", b"")],
)
def test_common_encodings_are_decoded_without_mojibake(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    text = "Café owners on the quay said the barrier was “long overdue” — and costly."
    if encoding == "latin-1":
        text = "Café owners on the quay said the barrier was long overdue, and costly: 12½ million."
    (tmp_path / "story.txt").write_bytes(prefix + text.encode(encoding))
    [article] = load_paths([tmp_path]).articles
    assert article.text == text


def test_bad_jsonl_lines_are_skipped_with_their_line_numbers(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": STORY}),
                '{"id": "b", "text": "unterminated',
                json.dumps({"id": "c"}),
                json.dumps({"id": "d", "text": ["not", "a", "string"]}),
                json.dumps({"id": "a", "text": "The same id again, with other words in it."}),
                json.dumps(["not", "an", "object"]),
            ]
        ),
        encoding="utf-8",
    )
    loaded = load_paths([feed])
    assert [a.id for a in loaded.articles] == ["a"]
    assert [(s.line, s.reason.split(" (")[0].split(";")[0]) for s in loaded.skipped] == [
        (2, "not valid JSON"),
        (3, "field 'text' is missing"),
        (4, "field 'text' is a list, not a string"),
        (5, "duplicate id 'a'"),
        (6, "line is not a JSON object"),
    ]


def test_duplicate_ids_across_files_keep_the_first(tmp_path: Path) -> None:
    for name in ("one.jsonl", "two.jsonl"):
        (tmp_path / name).write_text(json.dumps({"id": "same", "text": STORY}) + "\n", encoding="utf-8")
    loaded = load_paths([tmp_path])
    assert [a.source for a in loaded.articles] == [f"{(tmp_path / 'one.jsonl').as_posix()}:1"]
    [skipped] = loaded.skipped
    assert skipped.source.endswith("two.jsonl") and skipped.line == 1
    assert "first read from" in skipped.reason


def test_symlink_loops_are_reported_and_never_followed(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (tmp_path / "back").symlink_to(tmp_path, target_is_directory=True)
    loaded = load_paths([tmp_path, tmp_path / "loop.txt"])
    assert len(loaded.articles) == 1
    reasons = sorted(s.reason for s in loaded.skipped)
    assert reasons == [
        "cannot read: Too many levels of symbolic links",
        "symbolic link loop; point the link at a real file or folder",
    ]


def test_unreadable_and_vanished_files_are_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(STORY, encoding="utf-8")

    def guarded_open(path: str, *args: object, **kwargs: object) -> object:
        if os.path.basename(path) == "a.txt":
            raise PermissionError(13, "Permission denied", path)
        return open(path, *args, **kwargs)  # type: ignore[call-overload]

    def delete_c_while_walking(path: str) -> bool:
        (tmp_path / "c.txt").unlink(missing_ok=True)
        return False

    # Files are opened by path string (load has no Path a file): its open is the one replaced.
    monkeypatch.setattr(load, "open", guarded_open, raising=False)
    loaded = load_paths([tmp_path], exclude=delete_c_while_walking)
    assert [a.id for a in loaded.articles] == ["b.txt"]
    assert {Path(s.source).name: s.reason for s in loaded.skipped} == {
        "a.txt": "cannot read: Permission denied",
        "c.txt": "cannot read: No such file or directory",
    }


def test_a_missing_path_is_reported_and_the_others_are_read(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(STORY, encoding="utf-8")
    loaded = load_paths([tmp_path / "gone", tmp_path])
    assert len(loaded.articles) == 1
    assert [s.reason for s in loaded.skipped] == ["No such file or directory; check the path"]


def test_a_200_mb_single_line_file_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    chunk = b"word " * 200_000
    for name in ("huge.txt", "huge.jsonl"):
        with open(tmp_path / name, "wb") as handle:
            for _ in range(200):
                handle.write(chunk)
    (tmp_path / "good.txt").write_text(STORY, encoding="utf-8")
    # The peak of this process image (VmHWM): ru_maxrss would also count the parent's pages
    # the child had between fork and exec, so a large test process would inflate it.
    script = (
        "import json, sys\n"
        "from dupecheck.load import load_paths\n"
        "loaded = load_paths([sys.argv[1]])\n"
        "status = open('/proc/self/status', encoding='ascii').read().split('VmHWM:')[1]\n"
        "peak = int(status.split()[0]) // 1024\n"
        "print(json.dumps([len(loaded.articles), [s.reason for s in loaded.skipped], peak]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, check=True
    )
    articles, reasons, peak_mib = json.loads(done.stdout)
    assert articles == 1
    assert sorted(reasons) == [
        "larger than 16,777,216 bytes; split it, or raise the limit (--max-bytes)",
        "line longer than 16,777,216 bytes; raise the limit (--max-bytes)",
    ]
    assert peak_mib < 150, f"peak memory {peak_mib} MiB for a 200 MB file"


def test_ten_thousand_tiny_files_are_all_read(tmp_path: Path) -> None:
    for number in range(10_000):
        (tmp_path / f"note-{number:05d}.txt").write_text(f"Note {number}: nothing to report today.", "utf-8")
    started = time.perf_counter()
    loaded = load_paths([tmp_path])
    report = find_duplicates(loaded.articles)
    assert len(report.documents) == 10_000 and not loaded.skipped
    assert report.pairs == ()
    assert time.perf_counter() - started < 60


def test_deeply_nested_markup_is_only_text_to_the_pipeline(tmp_path: Path) -> None:
    page = "<html><body>" + "<div>" * 100_000 + STORY + "</div>" * 100_000 + "</body></html>"
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    loaded = load_paths([tmp_path])
    assert [s.reason for s in loaded.skipped] == [
        "no article text found in the page (or it is nested too deeply to parse)"
    ]
    started = time.perf_counter()
    report = find_duplicates([Article("page", page), Article("story", STORY)])
    assert time.perf_counter() - started < 30
    assert len(report.documents) == 2


@pytest.mark.parametrize(
    "text",
    [
        "قال رئيس الوزراء إن الحكومة ستبني سدا جديدا على النهر قبل نهاية العام المقبل بتكلفة كبيرة",
        "市政府周一宣布将在河口修建新的防洪闸门预计明年春天开工总投资超过两亿元",
        "Городской совет в понедельник одобрил строительство новой дамбы в устье реки до весны",
        "The mayor said \u202bقال رئيس الوزراء إن الحكومة\u202c would fund the new barrier before spring",
    ],
)
def test_other_scripts_and_mixed_direction_text_match_their_copies(text: str) -> None:
    body = "\n\n".join([text, text[::-1], text.upper()])
    copy = body.replace("\n\n", "\n\n\n")
    report = find_duplicates([Article("a", body), Article("b", copy), Article("c", STORY)])
    assert [(p.a, p.b, p.relation) for p in report.pairs] == [("a", "b", Relation.DUPLICATE)]


def test_a_20000_paragraph_article_is_handled_in_bounded_time() -> None:
    paragraphs = [
        f"Item {n}: the {n % 97}th shipment of {n % 13} crates left dock {n % 7} on schedule."
        for n in range(20_000)
    ]
    body = "\n\n".join(paragraphs)
    started = time.perf_counter()
    report = find_duplicates([Article("long", body), Article("copy", body), Article("other", STORY)])
    elapsed = time.perf_counter() - started
    assert [(p.a, p.b, p.relation) for p in report.pairs] == [("long", "copy", Relation.DUPLICATE)]
    assert elapsed < 120, f"{elapsed:.0f} s"


def test_sigint_during_a_scan_exits_130_promptly_without_partial_output(tmp_path: Path) -> None:
    import random
    import signal

    feed = tmp_path / "feed.jsonl"
    rng = random.Random(5)
    with feed.open("w", encoding="utf-8") as handle:
        for n in range(20_000):
            paragraphs = [" ".join(f"w{rng.randrange(20_000)}" for _ in range(25)) for _ in range(4)]
            handle.write(json.dumps({"id": f"a{n}", "text": "\n\n".join(paragraphs)}) + "\n")
    output = tmp_path / "out" / "report.json"
    output.parent.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "dupecheck", "scan", str(feed), "--format", "json", "--output", str(output)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2.0)
    assert process.poll() is None, "the scan should still be running"
    started = time.perf_counter()
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert time.perf_counter() - started < 10
    assert stderr.strip().splitlines() == ["dupecheck: interrupted"]
    assert not list(output.parent.iterdir())
