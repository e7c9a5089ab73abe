from __future__ import annotations

import codecs
import contextlib
import io
import json
import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import formats
import pytest

from dupecheck.errors import InputError, SettingsError
from dupecheck.load import SUFFIXES, ArticleStream, _walk, load_paths, require_articles


def test_folders_are_read_recursively_in_a_stable_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.md").write_text("Second article.", encoding="utf-8")
    (tmp_path / "one.txt").write_text("First article.", encoding="utf-8")
    (tmp_path / "skip.doc").write_text("not read", encoding="utf-8")
    loaded = load_paths([tmp_path])
    assert [a.id for a in loaded.articles] == ["b/two.md", "one.txt"]
    assert loaded.files == 2


def _walked_with_pathlib(root: Path, qualify: bool) -> list[tuple[str, str, str]]:
    """What _walk lists, worked out with pathlib (as it once was): path, source and id of each file."""
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            path = Path(folder) / name
            if name.startswith(".") or path.suffix.lower() not in SUFFIXES:
                continue
            relative = path.relative_to(root)
            found.append((str(path), path.as_posix(), (root / relative if qualify else relative).as_posix()))
    return sorted(found, key=lambda item: item[2])


@pytest.mark.parametrize("given", [".", "./news", "news/", "news", "news/world", "absolute"])
@pytest.mark.parametrize("qualify", [False, True])
def test_walked_paths_sources_and_ids_are_pathlib_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str, qualify: bool
) -> None:
    for name in [
        "news/a.TXT",
        "news/b.md",
        "news/.hidden.txt",
        "news/c.tar.gz",
        "news/d.",
        "news/e.jsonl",
        "news/world/f.html",
        "news/world/deep/g.markdown",
        "news/.git/h.txt",
        "news/x.y.csv",
        "i.txt",
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("text", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "news" if given == "absolute" else Path(given)
    walked = _walk(root, qualify, None, [])
    assert walked == _walked_with_pathlib(root, qualify)
    assert len(walked) == {".": 7, "news/world": 2}.get(given, 6)


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


STORY = (
    "The harbour board in Wrenmouth approved a new ferry timetable on Monday after months of delay.\n\n"
    "Ferries will leave every forty minutes from March, the board said in a short statement."
)


def test_markdown_front_matter_is_metadata_not_text(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "---\ntitle: Ferry timetable\ndate: 2026-03-02\nsource: Wrenmouth Gazette\n"
        f"author: Ana Pell\n---\n{STORY}",
        encoding="utf-8",
    )
    (tmp_path / "b.md").write_text(
        f'+++\ntitle = "Ferry plan"\ndate = 2026-03-04T08:00:00Z\nurl = "https://gazette.example/f"\n+++\n{STORY}',
        encoding="utf-8",
    )
    a, b = load_paths([tmp_path]).articles
    assert a.text == STORY and b.text == STORY
    assert (a.line, b.line) == (7, 6)  # the line each text starts on, below its front matter
    assert (a.title, a.date, a.outlet, a.author) == (
        "Ferry timetable",
        "2026-03-02",
        "Wrenmouth Gazette",
        "Ana Pell",
    )
    assert (b.title, b.date, b.url) == ("Ferry plan", "2026-03-04", "https://gazette.example/f")


def test_malformed_front_matter_is_listed(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text(f"---\ntitle: [unclosed\n---\n{STORY}", encoding="utf-8")
    (tmp_path / "list.md").write_text(f"---\n- one\n- two\n---\n{STORY}", encoding="utf-8")
    loaded = load_paths([tmp_path])
    assert not loaded.articles
    assert [s.reason.split(";")[0] for s in loaded.skipped] == [
        "front matter is not valid YAML at line 3",
        "front matter is not a mapping of keys to values",
    ]


def test_json_array_fields_and_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text(
        "[\n"
        + json.dumps(
            {"key": "f1", "body": STORY, "headline": "Ferries", "day": "2026-03-02", "site": "Gazette"}
        )
        + ",\n"
        + json.dumps({"key": "f2", "body": 3})
        + ",\n"
        + json.dumps({"key": "f3", "body": "Another story about the harbour."})
        + "\n]\n",
        encoding="utf-8",
    )
    loaded = load_paths(
        [path],
        id_field="key",
        text_field="body",
        title_field="headline",
        date_field="day",
        source_field="site",
    )
    assert [(a.id, a.source) for a in loaded.articles] == [
        ("f1", f"{path.as_posix()}:2"),
        ("f3", f"{path.as_posix()}:4"),
    ]
    first = loaded.articles[0]
    assert (first.title, first.date, first.outlet) == ("Ferries", "2026-03-02", "Gazette")
    assert [(s.line, s.reason) for s in loaded.skipped] == [
        (3, "field 'body' is a number, not a string (set --text-field)")
    ]


def test_json_that_is_not_an_array_or_is_broken_is_listed(tmp_path: Path) -> None:
    (tmp_path / "object.json").write_text('{"schema": "x"}', encoding="utf-8")
    (tmp_path / "broken.json").write_text(
        '[\n{"text": "Fine story here."},\n{"text": oops}\n]', encoding="utf-8"
    )
    loaded = load_paths([tmp_path])
    assert [a.text for a in loaded.articles] == ["Fine story here."]
    assert [(s.source.rsplit("/", 1)[1], s.line, s.reason.split(" (")[0]) for s in loaded.skipped] == [
        ("broken.json", 3, "not valid JSON"),
        ("object.json", None, "not a JSON array of articles; write one"),
    ]


def test_csv_rows_with_multiline_fields_and_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_text(
        'id,text,title,date,source\nc1,"' + STORY.replace("\n", "\r\n") + '",Ferries,2026-03-02,Gazette\n'
        "c2,,Empty,,\n"
        "c3,A short harbour note.,Note,not a date,Post\n",
        encoding="utf-8",
    )
    loaded = load_paths([path])
    assert [(a.id, a.source.rsplit(":", 1)[1]) for a in loaded.articles] == [("c1", "2"), ("c3", "6")]
    assert (loaded.articles[0].title, loaded.articles[0].date, loaded.articles[0].outlet) == (
        "Ferries",
        "2026-03-02",
        "Gazette",
    )
    assert loaded.articles[1].date == ""
    assert [(s.line, s.reason) for s in loaded.skipped] == [(5, "empty text")]


def test_csv_fields_larger_than_max_bytes_and_missing_columns_are_listed(tmp_path: Path) -> None:
    (tmp_path / "big.csv").write_text("id,text\nb1," + "x" * 300 + "\n", encoding="utf-8")
    (tmp_path / "other.csv").write_text("id,body\no1,Some text.\n", encoding="utf-8")
    loaded = load_paths([tmp_path], max_bytes=200)
    assert not loaded.articles
    assert [(s.line, s.reason) for s in loaded.skipped] == [
        (2, "a field is larger than 200 bytes; raise the limit (--max-bytes); the rest is not read"),
        (1, "no column 'text' in the header row (set --text-field)"),
    ]


def test_parquet_is_read_a_batch_at_a_time(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "feed.parquet"
    table = pa.table(
        {
            "id": ["p1", "p2", "p3"],
            "text": [STORY, None, "Harbour note."],
            "source": ["Gazette", "Post", "Post"],
        }
    )
    pq.write_table(table, path)
    loaded = load_paths([path])
    assert [(a.id, a.outlet, a.source.rsplit(":", 1)[1]) for a in loaded.articles] == [
        ("p1", "Gazette", "1"),
        ("p3", "Post", "3"),
    ]
    # A Parquet file has rows, no lines: the row is named in the reason.
    assert [(s.line, s.reason) for s in loaded.skipped] == [
        (None, "row 2: field 'text' is missing (set --text-field)")
    ]


@pytest.mark.parametrize("write", [formats.write_csv, formats.write_json, formats.write_parquet])
def test_records_say_they_are_records_and_the_line_they_start_on(
    write: Callable[[Path], formats.Place], tmp_path: Path
) -> None:
    name, wire_line, copy_line = write(tmp_path)
    loaded = load_paths([tmp_path / name])
    assert [(a.line, a.record) for a in loaded.articles] == [(wire_line, True), (copy_line, True)]


def test_a_file_of_its_own_starts_on_its_first_line_and_is_no_record(tmp_path: Path) -> None:
    (tmp_path / "wire.txt").write_text(formats.WIRE, encoding="utf-8")
    (tmp_path / "feed.txt").write_text(json.dumps(formats.RECORDS[0]) + "\n", encoding="utf-8")
    (wire,) = load_paths([tmp_path / "wire.txt"]).articles
    (record,) = load_paths([tmp_path / "feed.txt"], input_format="jsonl").articles
    assert [(a.line, a.record) for a in (wire, record)] == [(1, False), (1, True)]


def test_parquet_without_pyarrow_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pyarrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    (tmp_path / "feed.parquet").write_bytes(b"PAR1")
    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    loaded = load_paths([tmp_path / "feed.parquet"])
    assert [s.reason for s in loaded.skipped] == [
        "reading Parquet needs pyarrow: pip install 'dupecheck[parquet]'"
    ]


def test_input_format_overrides_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "feed.txt"
    path.write_text(json.dumps({"id": "j1", "text": STORY}) + "\n", encoding="utf-8")
    assert [a.id for a in load_paths([path], input_format="jsonl").articles] == ["j1"]
    assert [a.id for a in load_paths([path]).articles] == [path.as_posix()]
    with pytest.raises(InputError, match="unknown input format 'docx'"):
        load_paths([path], input_format="docx")


def test_a_dash_reads_json_lines_from_stdin() -> None:
    lines = json.dumps({"id": "s1", "text": STORY, "title": "Ferries"}) + "\n{oops\n"
    loaded = load_paths(["-"], stdin=io.BytesIO(lines.encode()))
    assert [(a.id, a.title, a.source) for a in loaded.articles] == [("s1", "Ferries", "-:1")]
    assert [(s.source, s.line) for s in loaded.skipped] == [("-", 2)]


def test_html_metadata_comes_from_the_page(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Ferry timetable</title><meta name='author' content='Ana Pell'>"
        "<meta property='og:site_name' content='Wrenmouth Gazette'>"
        "<meta property='og:url' content='https://gazette.example/ferry'>"
        "<meta property='article:published_time' content='2026-03-02T08:00:00Z'></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in STORY.split("\n\n"))
        + "</article></body></html>"
    )
    (tmp_path / "ferry.html").write_text(page, encoding="utf-8")
    (article,) = load_paths([tmp_path]).articles
    assert (article.title, article.author, article.outlet, article.url, article.date) == (
        "Ferry timetable",
        "Ana Pell",
        "Wrenmouth Gazette",
        "https://gazette.example/ferry",
        "2026-03-02",
    )
    assert (article.line, article.record) == (None, False)  # its text is the markup's: on no line of it


def _mixed_folder(root: Path) -> Path:
    """A folder with an article, an empty file, and feeds repeating an id (within one and across two)."""
    root.mkdir()
    (root / "a.txt").write_text("The ferry timetable changes in March.", encoding="utf-8")
    (root / "b.txt").write_text("  \n", encoding="utf-8")
    twice = [{"id": "f1", "text": "First record."}, {"id": "f1", "text": "Again."}]
    (root / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in twice), encoding="utf-8")
    (root / "d.jsonl").write_text(json.dumps({"id": "f1", "text": "Elsewhere."}) + "\n", encoding="utf-8")
    return root


def test_a_stream_reads_what_load_paths_reads(tmp_path: Path) -> None:
    folder = _mixed_folder(tmp_path / "in")
    paths = [folder, tmp_path / "missing"]
    loaded = load_paths(paths)
    stream = ArticleStream(paths)
    assert tuple(stream) == loaded.articles
    assert (stream.skipped, stream.files, stream.count) == (
        loaded.skipped,
        loaded.files,
        len(loaded.articles),
    )
    assert [a.id for a in loaded.articles] == [f"{folder.as_posix()}/a.txt", "f1"]
    first = f"{(folder / 'c.jsonl').as_posix()}"
    assert [(s.source, s.line, s.reason.split(";")[0]) for s in loaded.skipped] == [
        (f"{folder.as_posix()}/b.txt", None, "empty file"),
        (first, 2, f"duplicate id 'f1' (first read from {first}:1)"),
        ((folder / "d.jsonl").as_posix(), 1, f"duplicate id 'f1' (first read from {first}:1)"),
        ((tmp_path / "missing").as_posix(), None, "No such file or directory"),
    ]
    assert loaded.files == 4


def test_a_stream_reads_as_it_is_iterated_and_only_once(tmp_path: Path) -> None:
    folder = _mixed_folder(tmp_path / "in")
    stream = ArticleStream([folder])
    articles = iter(stream)
    assert next(articles).id == "a.txt"
    assert (stream.count, stream.files, stream.skipped, stream.exhausted) == (1, 1, (), False)
    assert [article.id for article in articles] == ["f1"]
    assert (stream.count, stream.files, len(stream.skipped), stream.exhausted) == (2, 4, 3, True)
    assert stream.skipped[-1].source.endswith("d.jsonl")  # skipped after the last article passed on
    with pytest.raises(RuntimeError, match="read once"):
        iter(stream)


def test_required_raises_require_articles_error_once_everything_is_read(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("\n", encoding="utf-8")
    with pytest.raises(InputError) as expected:
        require_articles(load_paths([tmp_path]), [tmp_path])
    articles = ArticleStream([tmp_path]).required()
    with pytest.raises(InputError) as raised:
        next(articles)
    assert str(raised.value) == str(expected.value)
    assert "no articles read from" in str(raised.value) and "(1 file found); " in str(raised.value)


def test_required_strict_passes_nothing_on_after_a_skip_and_counts_every_skip(tmp_path: Path) -> None:
    folder = _mixed_folder(tmp_path / "in")
    with pytest.raises(InputError) as expected:
        require_articles(load_paths([folder]), [folder], strict=True)
    passed = []
    with pytest.raises(InputError) as raised:
        passed.extend(article.id for article in ArticleStream([folder]).required(strict=True))
    assert passed == ["a.txt"]  # "f1" comes after the empty file: the scan fails anyway
    assert str(raised.value) == str(expected.value)
    assert str(raised.value).startswith("3 input(s) could not be read (--strict): ")


@pytest.mark.parametrize("size", [0, 5, 199, 200, 201, 5000])
def test_a_file_over_max_bytes_is_skipped_and_one_within_is_read_whole(tmp_path: Path, size: int) -> None:
    text = ("The council voted to fund a tidal barrier. " * 200)[:size]
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    loaded = load_paths([tmp_path], max_bytes=200)
    if size > 200:
        assert [s.reason for s in loaded.skipped] == [
            "larger than 200 bytes; split it, or raise the limit (--max-bytes)"
        ]
    elif text.strip():
        assert [a.text for a in loaded.articles] == [text]


@pytest.mark.parametrize("said", [0, 10])
def test_a_file_longer_than_its_size_said_is_still_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, said: int
) -> None:
    text = "The council voted to fund a tidal barrier after the storm."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    real = os.fstat
    monkeypatch.setattr(os, "fstat", lambda fd: os.stat_result((*real(fd)[:6], said, *real(fd)[7:])))
    assert [a.text for a in load_paths([tmp_path]).articles] == [text]
    assert [s.reason for s in load_paths([tmp_path], max_bytes=20).skipped] == [
        "larger than 20 bytes; split it, or raise the limit (--max-bytes)"
    ]


# JSON text, not Python: each \u escape reaches json.loads as written.
SURROGATE_RECORDS = [
    r'{"id": "s1\ud800", "text": "A story whose id ends in half a surrogate pair."}',
    r'{"id": "s2", "text": "A story with a stray \udc80 in its text."}',
    r'{"id": "s3", "title": "Paired \ud83d\ude00 is a character", "text": "A story."}',
    r'{"id": "s4", "text": "A story.", "author": "\ud800"}',
    r'{"id": "s5", "text": "The last story is read."}',
]
SURROGATE_REASONS = [
    r"field 'id' holds a lone surrogate (\ud800), not a character; fix its \u escapes",
    r"field 'text' holds a lone surrogate (\udc80), not a character; fix its \u escapes",
    r"field 'author' holds a lone surrogate (\ud800), not a character; fix its \u escapes",
]


@pytest.mark.parametrize("form", ["jsonl", "json", "stdin"])
def test_a_record_holding_a_lone_surrogate_is_malformed_and_the_rest_is_read(
    tmp_path: Path, form: str
) -> None:
    if form == "stdin":
        feed = "\n".join(SURROGATE_RECORDS) + "\n"
        loaded = load_paths(["-"], stdin=io.BytesIO(feed.encode()))
    elif form == "jsonl":
        (tmp_path / "feed.jsonl").write_text("\n".join(SURROGATE_RECORDS) + "\n", encoding="utf-8")
        loaded = load_paths([tmp_path / "feed.jsonl"])
    else:
        (tmp_path / "feed.json").write_text("[\n" + ",\n".join(SURROGATE_RECORDS) + "\n]\n", encoding="utf-8")
        loaded = load_paths([tmp_path / "feed.json"])
    assert [(a.id, a.title) for a in loaded.articles] == [
        ("s3", "Paired \U0001f600 is a character"),
        ("s5", ""),
    ]
    offset = 1 if form == "json" else 0
    assert [(s.line, s.reason) for s in loaded.skipped] == [
        (line + offset, reason) for line, reason in zip([1, 2, 4], SURROGATE_REASONS)
    ]
    for article in loaded.articles:
        for value in (article.id, article.text, article.title, article.author, article.source):
            value.encode("utf-8")


def test_front_matter_holding_a_lone_surrogate_is_malformed(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text(f'---\ntitle: "Ferry \\ud800 plan"\n---\n{STORY}', encoding="utf-8")
    (tmp_path / "good.md").write_text(f'---\ntitle: "Ferry \\u00e9 plan"\n---\n{STORY}', encoding="utf-8")
    loaded = load_paths([tmp_path])
    assert [a.title for a in loaded.articles] == ["Ferry é plan"]
    assert [s.reason for s in loaded.skipped] == [
        r"front matter field 'title' holds a lone surrogate (\ud800), not a character; fix its \u escapes"
    ]


DEEP = "[" * 3000 + "]" * 3000
TOO_DEEP = "nested too deeply to read (lists or objects hundreds of levels inside each other)"


def test_json_nested_too_deeply_is_a_malformed_line_or_item(tmp_path: Path) -> None:
    lines = [
        DEEP,
        json.dumps({"id": "d1", "text": "A story."})[:-1] + ', "extra": ' + DEEP + "}",
        json.dumps({"id": "d2", "text": "A story read after them."}),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "feed.json").write_text(
        '[{"id": "d3", "text": "Read."},\n' + DEEP + ',\n{"id": "d4", "text": "Not read."}]', encoding="utf-8"
    )
    loaded = load_paths([tmp_path])
    assert [a.id for a in loaded.articles] == ["d3", "d2"]
    assert [(s.source.rsplit("/", 1)[1], s.line, s.reason) for s in loaded.skipped] == [
        ("feed.json", 2, f"JSON {TOO_DEEP}; the rest is not read"),
        ("feed.jsonl", 1, f"JSON {TOO_DEEP}; flatten the record"),
        ("feed.jsonl", 2, f"JSON {TOO_DEEP}; flatten the record"),
    ]
    from_stdin = load_paths(["-"], stdin=io.BytesIO("\n".join(lines).encode()))
    assert [(s.line, s.reason) for s in from_stdin.skipped] == [
        (1, f"JSON {TOO_DEEP}; flatten the record"),
        (2, f"JSON {TOO_DEEP}; flatten the record"),
    ]


def test_front_matter_nested_too_deeply_is_malformed(tmp_path: Path) -> None:
    (tmp_path / "yaml.md").write_text(f"---\ntitle: {DEEP}\n---\n{STORY}", encoding="utf-8")
    (tmp_path / "toml.md").write_text(f"+++\ntitle = {DEEP}\n+++\n{STORY}", encoding="utf-8")
    loaded = load_paths([tmp_path])
    assert not loaded.articles
    assert [s.reason for s in loaded.skipped] == [f"front matter {TOO_DEEP}; fix it or remove it"] * 2


DOUBLE_QUOTES = 'double each quote inside a quoted field ("")'


def _csv_read(tmp_path: Path, text: str) -> tuple[list[tuple[str, str]], list[tuple[int | None, str]]]:
    (tmp_path / "feed.csv").write_text(text, encoding="utf-8")
    loaded = load_paths([tmp_path / "feed.csv"])
    return [(a.id, a.text) for a in loaded.articles], [(s.line, s.reason) for s in loaded.skipped]


def test_a_csv_quote_that_never_closes_is_listed_not_read_as_the_rest_of_the_file(tmp_path: Path) -> None:
    articles, skipped = _csv_read(
        tmp_path,
        'id,text,title\nc1,First row.,T1\nc2,"Unterminated text,T2\nc3,Third row.,T3\nc4,Fourth row.,T4\n',
    )
    assert articles == [("c1", "First row.")]
    assert skipped == [(3, "a quote opened in this row never closes (lines 3-5 not read); close it")]


def test_a_csv_quote_closed_by_a_later_row_s_quote_is_listed_and_the_rows_after_it_are_read(
    tmp_path: Path,
) -> None:
    articles, skipped = _csv_read(
        tmp_path,
        'id,text\nc1,"Unterminated\nc2,"Quoted second row."\nc3,Third row.\n'
        'c4,"He said "no" twice."\nc5,Fifth row.\n',
    )
    assert articles == [("c3", "Third row."), ("c5", "Fifth row.")]
    assert skipped == [
        (
            2,
            "a quoted field goes on after its closing quote (on line 3; lines 2-3 not read); "
            + DOUBLE_QUOTES,
        ),
        (5, f"a quoted field goes on after its closing quote; {DOUBLE_QUOTES}"),
    ]


def test_a_csv_row_whose_fields_do_not_match_the_header_is_listed(tmp_path: Path) -> None:
    articles, skipped = _csv_read(
        tmp_path,
        'id,text\nc1,"Opened here\nc2,closed here",extra\nc3,Third row.\nc4,Text, with a comma\n'
        'c5\n\nc6,"A quoted text\nover two lines."\n',
    )
    assert articles == [("c3", "Third row."), ("c6", "A quoted text\nover two lines.")]
    assert skipped == [
        (
            2,
            "row has 3 fields over lines 2-3, the header 2 (a quote left open takes in the lines after it;"
            f" close it); {DOUBLE_QUOTES}",
        ),
        (5, "row has 3 fields, the header 2; give each row one field a column (quote fields holding commas)"),
        (6, "row has 1 field, the header 2; give each row one field a column (quote fields holding commas)"),
    ]


@contextlib.contextmanager
def _never_blocking(fifo: Path) -> Iterator[None]:
    """Let a reader that opens ``fifo`` go on at once, reading nothing: a test must fail, not hang."""
    done = threading.Event()

    def open_for_any_reader() -> None:
        while not done.wait(0.02):
            with contextlib.suppress(OSError):  # opens only while a reader waits in open(): it goes on
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    thread = threading.Thread(target=open_for_any_reader, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def test_a_folder_s_pipes_and_sockets_are_listed_unopened(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "to-pipe.jsonl").symlink_to(tmp_path / "pipe.txt")
    (tmp_path / "z.txt").write_text("The last story in the folder.", encoding="utf-8")
    with socket.socket(socket.AF_UNIX) as listening, _never_blocking(tmp_path / "pipe.txt"):
        listening.bind(str(tmp_path / "socket.md"))
        loaded = load_paths([tmp_path])
    assert [a.id for a in loaded.articles] == ["a.txt", "z.txt"]
    regular_only = (
        "not a regular file; a folder is read for its regular files only (name a pipe on its own to read it)"
    )
    assert [(s.source.rsplit("/", 1)[1], s.line, s.reason) for s in loaded.skipped] == [
        ("pipe.txt", None, f"a named pipe (FIFO), {regular_only}"),
        ("socket.md", None, f"a socket, {regular_only}"),
        ("to-pipe.jsonl", None, f"a named pipe (FIFO), {regular_only}"),
    ]
    assert loaded.files == 2


@pytest.mark.parametrize(
    ("name", "form", "content"),
    [
        ("fd", "jsonl", json.dumps({"id": "j1", "text": STORY}) + "\n"),
        ("feed.csv", None, f'id,text\nc1,"{STORY}"\n'),
        ("feed.json", None, json.dumps([{"id": "a1", "text": STORY}])),
        ("story.md", None, f"---\ntitle: Ferries\n---\n{STORY}"),
    ],
)
def test_a_pipe_named_on_its_own_is_read(tmp_path: Path, name: str, form: str | None, content: str) -> None:
    pipe = tmp_path / name
    os.mkfifo(pipe)
    done = threading.Event()

    def write_once_read() -> None:  # never blocks: the test fails, not hangs, if the pipe is not read
        while not done.wait(0.02):
            try:
                writer = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                continue
            os.set_blocking(writer, True)
            with os.fdopen(writer, "wb") as handle:
                handle.write(content.encode())
            return

    thread = threading.Thread(target=write_once_read, daemon=True)
    thread.start()
    try:
        loaded = load_paths([pipe], input_format=form)
    finally:
        done.set()
        thread.join()
    assert [a.text for a in loaded.articles] == [STORY], loaded.skipped
    assert loaded.files == 1


@pytest.mark.parametrize("stray", [b"\x92", b"\xe9", b"\xff", b"\xe2\x80"])
def test_a_utf8_file_with_a_stray_byte_is_read_as_utf8_not_garbled(tmp_path: Path, stray: bytes) -> None:
    text = "The mayor said it was “long overdue” — and the café owners on the quay agreed."
    (tmp_path / "story.txt").write_bytes(text.encode() + b" Stray " + stray + b" byte.")
    (tmp_path / "feed.jsonl").write_bytes(
        json.dumps({"id": "j1", "text": text}, ensure_ascii=False).encode()[:-2] + stray + b'"}\n'
    )
    loaded = load_paths([tmp_path])
    assert [a.text for a in loaded.articles] == [text + "\ufffd", text + " Stray \ufffd byte."]
    assert not loaded.skipped


def test_a_file_in_a_legacy_encoding_is_still_decoded_by_detection(tmp_path: Path) -> None:
    text = "Le café de la gare a rouvert lundi, après des mois de travaux à Gênes — « enfin »."
    (tmp_path / "story.txt").write_bytes(text.encode("cp1252"))
    assert [a.text for a in load_paths([tmp_path]).articles] == [text]


@pytest.mark.parametrize("max_bytes", [0, 2**40 + 1, 10**30])
def test_max_bytes_out_of_range_is_a_settings_error(max_bytes: int, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "a", "text": "One."}\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"max_bytes must be in \[1, 2\*\*40\]"):
        load_paths([feed], max_bytes=max_bytes)


def test_max_bytes_at_its_limit_reads_every_format(tmp_path: Path) -> None:
    (tmp_path / "feed.jsonl").write_text('{"id": "j", "text": "One."}\n', encoding="utf-8")
    (tmp_path / "feed.csv").write_text("id,text\nc,Two.\n", encoding="utf-8")
    (tmp_path / "story.txt").write_text("Three.\n", encoding="utf-8")
    loaded = load_paths([tmp_path], max_bytes=2**40)
    assert sorted(article.id for article in loaded.articles) == ["c", "j", "story.txt"]


ROWS = 'id,text\nc1,"Le café a rouvert — « enfin »."\nc2,Second row.\n'
MARKED = {
    "UTF-16 LE": codecs.BOM_UTF16_LE + ROWS.encode("utf-16-le"),
    "UTF-16 BE": codecs.BOM_UTF16_BE + ROWS.encode("utf-16-be"),
    "UTF-32 LE": codecs.BOM_UTF32_LE + ROWS.encode("utf-32-le"),
    "UTF-32 BE": codecs.BOM_UTF32_BE + ROWS.encode("utf-32-be"),
}


@pytest.mark.parametrize("encoding", sorted(MARKED))
def test_a_csv_starting_with_a_utf16_or_utf32_byte_order_mark_is_read_in_it(
    tmp_path: Path, encoding: str
) -> None:
    (tmp_path / "feed.csv").write_bytes(MARKED[encoding])
    loaded = load_paths([tmp_path / "feed.csv"])
    assert [(a.id, a.text, a.line) for a in loaded.articles] == [
        ("c1", "Le café a rouvert — « enfin ».", 2),
        ("c2", "Second row.", 3),
    ]
    assert not loaded.skipped


@pytest.mark.parametrize("encoding", sorted(MARKED))
def test_text_json_and_json_lines_starting_with_a_byte_order_mark_are_read_in_it(
    tmp_path: Path, encoding: str
) -> None:
    codec = encoding.lower().replace(" ", "-").replace("utf-", "utf_")
    mark = MARKED[encoding][: 4 if encoding.startswith("UTF-32") else 2]
    lines = [{"id": "j1", "text": "Le café a rouvert."}, {"id": "j2", "text": "Second record."}]
    (tmp_path / "feed.jsonl").write_bytes(
        mark + "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines).encode(codec)
    )
    (tmp_path / "feed.json").write_bytes(mark + json.dumps([{"id": "a1", "text": "Déjà lu."}]).encode(codec))
    (tmp_path / "story.txt").write_bytes(mark + "Le café a rouvert.\n".encode(codec))
    stdin = io.BytesIO((tmp_path / "feed.jsonl").read_bytes().replace(b"j", b"s"))
    loaded = load_paths(
        ["-", *(tmp_path / name for name in ("feed.jsonl", "feed.json", "story.txt"))], stdin=stdin
    )
    assert not loaded.skipped
    assert [(a.id, a.text, a.line) for a in loaded.articles] == [
        ("s1", "Le café a rouvert.", 1),
        ("s2", "Second record.", 2),
        ("j1", "Le café a rouvert.", 1),
        ("j2", "Second record.", 2),
        ("a1", "Déjà lu.", 1),
        ((tmp_path / "story.txt").as_posix(), "Le café a rouvert.\n", 1),
    ]


def test_a_csv_in_a_legacy_encoding_or_utf8_with_a_stray_byte_is_decoded_as_other_files_are(
    tmp_path: Path,
) -> None:
    text = "Le café de la gare a rouvert lundi, après des mois de travaux — « enfin »."
    (tmp_path / "legacy.csv").write_bytes(f'id,text\nc1,Plain row.\nc2,"{text}"\n'.encode("cp1252"))
    (tmp_path / "stray.csv").write_bytes(f'id,text\ns1,"{text}"\ns2,Stray '.encode() + b"\x92 byte.\n")
    loaded = load_paths([tmp_path / "legacy.csv", tmp_path / "stray.csv"])
    assert not loaded.skipped
    assert [(a.id, a.text) for a in loaded.articles] == [
        ("c1", "Plain row."),
        ("c2", text),
        ("s1", text),
        ("s2", "Stray \ufffd byte."),
    ]


def test_a_csv_not_valid_in_the_encoding_its_byte_order_mark_names_says_so(tmp_path: Path) -> None:
    lone_surrogate = b"\x00\xd8"  # half a UTF-16 pair: not a character
    (tmp_path / "feed.csv").write_bytes(
        codecs.BOM_UTF16_LE
        + 'id,text\nc1,First row.\nc2,"Its text\n'.encode("utf-16-le")
        + lone_surrogate
        + ' goes on."\nc3,Third row.\n'.encode("utf-16-le")
    )
    loaded = load_paths([tmp_path / "feed.csv"])
    assert [a.id for a in loaded.articles] == ["c1"]
    assert [(s.line, s.reason) for s in loaded.skipped] == [
        (
            3,
            "line 4 is not valid UTF-16 LE, though the file starts with a UTF-16 LE byte order mark;"
            " the rest of the file (from line 3) is not read: save it again (as UTF-8 or UTF-16)",
        )
    ]


def test_a_csv_in_utf16_without_a_byte_order_mark_is_read_as_a_text_file_is(tmp_path: Path) -> None:
    (tmp_path / "feed.csv").write_bytes(ROWS.encode("utf-16-le"))
    (tmp_path / "binary.csv").write_bytes(b"id,text\nc1,\x00\x01\x02\x03\xfe\x00\x00\x9c\n")
    loaded = load_paths([tmp_path / "feed.csv", tmp_path / "binary.csv"])
    assert [(a.id, a.text) for a in loaded.articles] == [
        ("c1", "Le café a rouvert — « enfin »."),
        ("c2", "Second row."),
    ]
    assert [(s.line, s.reason) for s in loaded.skipped] == [
        (None, "binary file (NUL bytes), not text; leave it out of the scan")
    ]


def test_a_file_that_cannot_be_decoded_is_listed_with_the_encoding_found_and_the_line(tmp_path: Path) -> None:
    lone_surrogate = b"\x00\xd8"
    (tmp_path / "story.txt").write_bytes(
        codecs.BOM_UTF16_LE
        + "One.\nTwo.\n".encode("utf-16-le")
        + lone_surrogate
        + " three.\n".encode("utf-16-le")
    )
    (tmp_path / "feed.jsonl").write_bytes(
        codecs.BOM_UTF16_BE
        + (json.dumps({"id": "j1", "text": "One."}) + "\n").encode("utf-16-be")
        + lone_surrogate[::-1]
        + "".join(json.dumps({"id": f"j{n}", "text": "More."}) + "\n" for n in (2, 3)).encode("utf-16-be")
    )
    padding = "".join(f"p{number},Row {number}.\n" for number in range(25_000))  # past what is read ahead
    (tmp_path / "feed.csv").write_bytes(
        f"id,text\nc1,Café crème.\n{padding}".encode("cp1252") + b"c2,Not \x81 Windows-1252.\nc3,Last.\n"
    )
    loaded = load_paths([tmp_path])
    assert [a.id for a in loaded.articles if not a.id.startswith("p")] == ["c1", "j1", "j3"]
    save = "save it again (as UTF-8 or UTF-16)"
    assert [(s.source.rsplit("/", 1)[1], s.line, s.reason) for s in loaded.skipped] == [
        (
            "feed.csv",
            25_003,
            "line 25003 is neither UTF-8 nor cp1252, the encoding found for line 2;"
            " the rest of the file is not read: save it as UTF-8",
        ),
        (
            "feed.jsonl",
            2,
            "line 2 is not valid UTF-16 BE, though the file starts with a UTF-16 BE byte order mark;"
            f" fix the line, or {save}",
        ),
        (
            "story.txt",
            None,
            f"line 3 is not valid UTF-16 LE, though the file starts with a UTF-16 LE byte order mark; {save}",
        ),
    ]


def test_a_parquet_row_not_read_is_listed_at_its_file_with_its_row_named_never_at_a_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dupecheck.core import find_duplicates
    from dupecheck.reporters import get_reporter

    monkeypatch.chdir(tmp_path)
    table = pa.table({"id": ["p1", "p2", "p1", "p4"], "text": [STORY, " ", "Again.", "x" * 300]})
    pq.write_table(table, "feed.parquet")
    loaded = load_paths(["feed.parquet"], max_bytes=200)
    assert [(s.source, s.line, s.reason) for s in loaded.skipped] == [
        ("feed.parquet", None, "row 2: empty text"),
        (
            "feed.parquet",
            None,
            "row 3: duplicate id 'p1' (first read from feed.parquet:1); give each article its own id",
        ),
        ("feed.parquet", None, "row 4: text larger than 200 bytes; raise the limit (--max-bytes)"),
    ]
    report = find_duplicates(loaded.articles, skipped=loaded.skipped)
    github, sarif = io.StringIO(), io.StringIO()
    get_reporter("github")(report, github, color=False)
    get_reporter("sarif")(report, sarif, color=False)
    assert [line.split("::")[1] for line in github.getvalue().splitlines()] == [
        "warning file=feed.parquet,title=dupecheck skipped an input"
    ] * 3
    notifications = json.loads(sarif.getvalue())["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["locations"][0]["physicalLocation"] for n in notifications] == [
        {"artifactLocation": {"uri": "feed.parquet"}}
    ] * 3


@pytest.mark.parametrize("typed", ["binary", "string"])
def test_a_parquet_row_not_valid_utf8_is_listed_and_the_rest_of_the_file_is_read(
    tmp_path: Path, typed: str
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def column(values: list[bytes]) -> pa.Array:
        raw = pa.array(values, type=pa.binary())
        # A string column holding invalid UTF-8, as some writers leave it: pyarrow writes what it is given.
        return raw if typed == "binary" else raw.view(pa.string())

    table = pa.table(
        {
            "id": column([b"p1", b"p2", b"p\xff3", b"p4"]),
            "text": column([STORY.encode(), b"Caf\xe9 au lait.", b"Fine text.", "Déjà lu.".encode()]),
            "title": column([b"Ferries", b"Caf\xc3\xa9", b"T3", b"T\xe2\x80"]),
        }
    )
    pq.write_table(table, tmp_path / "feed.parquet", row_group_size=2)
    loaded = load_paths([tmp_path / "feed.parquet"])
    assert [(a.id, a.text, a.title, a.line) for a in loaded.articles] == [("p1", STORY, "Ferries", None)]
    assert [(s.line, s.reason) for s in loaded.skipped] == [
        (None, f"row {row}: field '{field}' is not UTF-8 text ({why}); write it as UTF-8")
        for row, field, why in [
            (2, "text", "0xe9 at byte offset 3: invalid continuation byte"),
            (3, "id", "0xff at byte offset 1: invalid start byte"),
            (4, "title", "0xe2 0x80 at byte offset 1: unexpected end of data"),
        ]
    ]


def _holding(kind: str, values: list[bytes]) -> Any:
    """A pyarrow column of ``kind`` holding each of ``values`` as text, valid UTF-8 or not."""
    import pyarrow as pa

    strings = pa.array(values, type=pa.binary()).view(pa.string())  # pyarrow stores what it is given
    offsets = pa.array(range(len(values) + 1), type=pa.int32())
    if kind == "struct<string>":
        return pa.StructArray.from_arrays([strings], names=["main"])
    if kind == "list<binary>":
        return pa.ListArray.from_arrays(offsets, pa.array(values, type=pa.binary()))
    if kind == "map<string, string>":
        return pa.MapArray.from_arrays(offsets, pa.array(["lang"] * len(values)), strings)
    if kind == "dictionary<string>":
        return pa.DictionaryArray.from_arrays(pa.array(range(len(values)), type=pa.int32()), strings)
    if not hasattr(pa, "string_view"):
        pytest.skip("pyarrow before 16 has no string_view")
    return pa.array(values, type=pa.binary_view()).view(pa.string_view())


NOT_UTF8_KINDS = [
    "struct<string>",
    "list<binary>",
    "map<string, string>",
    "dictionary<string>",
    "string_view",
]


@pytest.mark.parametrize("kind", NOT_UTF8_KINDS)
def test_a_parquet_row_not_valid_utf8_inside_a_nested_column_is_listed_and_the_rest_is_read(
    tmp_path: Path, kind: str
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # pyarrow keeps the Arrow schema in the file: the column is read back as the kind written.
    titles = [b"Ferries", b"Caf\xe9", "D\u00e9j\u00e0 lu".encode(), b"Harbour"]
    ids = ["p1", "p2", "p3", "p4"]
    texts = [STORY, "Second text.", "Third text.", "Fourth text."]
    table = pa.table({"id": ids, "text": texts, "title": _holding(kind, titles)})
    pq.write_table(table, tmp_path / "feed.parquet")
    loaded = load_paths([tmp_path / "feed.parquet"])
    # The rows before the bad one, in its batch, are read too: not only the rows after it.
    assert [a.id for a in loaded.articles] == ["p1", "p3", "p4"]
    assert [(s.line, s.reason) for s in loaded.skipped] == [
        (
            None,
            "row 2: field 'title' is not UTF-8 text (0xe9 at byte offset 3: unexpected end of data); "
            "write it as UTF-8",
        )
    ]


def test_a_parquet_column_no_field_names_is_not_read_and_fails_no_row(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    bad = [b"fine", b"Caf\xe9", b"\xff"]
    table = pa.table(
        {
            "id": ["p1", "p2", "p3"],
            "text": [STORY, "Second text.", "Third text."],
            **{f"extra {kind}": _holding(kind, bad) for kind in NOT_UTF8_KINDS},
        }
    )
    pq.write_table(table, tmp_path / "feed.parquet")
    loaded = load_paths([tmp_path / "feed.parquet"])
    assert [a.id for a in loaded.articles] == ["p1", "p2", "p3"]
    assert loaded.skipped == ()


def test_a_nested_parquet_value_is_read_as_utf8_text_at_any_depth(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = pa.array(["Caf\u00e9".encode(), b"Fin"], type=pa.binary())
    desk = pa.StructArray.from_arrays(
        [pa.ListArray.from_arrays(pa.array([0, 1, 2], pa.int32()), names)], ["names"]
    )
    pq.write_table(pa.table({"id": desk, "text": ["One text.", "Two text."]}), tmp_path / "feed.parquet")
    loaded = load_paths([tmp_path / "feed.parquet"])
    # Binary is text written as UTF-8, in a struct or list as in a column of its own.
    assert [a.id for a in loaded.articles] == ["{'names': ['Caf\u00e9']}", "{'names': ['Fin']}"]
