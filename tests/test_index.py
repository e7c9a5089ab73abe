from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from datasketch import MinHashLSH
from paths import SAMPLES

from dupecheck import index_sqlite
from dupecheck.bands import band_layout
from dupecheck.core import find_duplicates
from dupecheck.errors import InputError, SettingsError
from dupecheck.index import (
    IndexConflictError,
    IndexFileError,
    IndexSettingsError,
    article_from,
    check_metadata,
    content_hash,
    fields_of,
    metadata,
    open_index,
    redacted,
)
from dupecheck.load import load_paths
from dupecheck.model import Article, PairResult
from dupecheck.settings import Settings

ARTICLES = load_paths([SAMPLES]).articles
WIRES = [a for a in ARTICLES if a.id.startswith("wire-")]
ARCHIVE = [a for a in ARTICLES if not a.id.startswith("wire-")]


def _filler(number: int) -> Article:
    """An article of its own: words no other filler shares, so it matches nothing."""
    words = [f"w{number}x{k}" for k in range(60)]
    paragraphs = [" ".join(words[i : i + 15]) + "." for i in range(0, 60, 15)]
    return Article(f"filler-{number:05d}", "\n\n".join(paragraphs), f"filler/{number}")


@pytest.fixture
def index_path(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    with open_index(path, create=True) as index:
        index.build(ARCHIVE)
    return path


def _key(pair: PairResult, query: str) -> tuple[object, ...]:
    """The pair's measures with the query article's side first."""
    coverage = (pair.a_in_b, pair.b_in_a) if pair.a == query else (pair.b_in_a, pair.a_in_b)
    return (pair.similarity, *coverage, pair.evidence, pair.relation)


def test_query_reports_what_scan_reports(index_path: Path) -> None:
    with open_index(index_path, readonly=True) as index:
        found = {(p.a, p.b): p for p in index.query(WIRES)}
    scanned = {}
    for pair in find_duplicates(ARTICLES).pairs:
        if pair.a.startswith("wire-") != pair.b.startswith("wire-"):
            scanned[(pair.a, pair.b) if pair.a.startswith("wire-") else (pair.b, pair.a)] = pair
    assert set(found) == set(scanned)
    assert ("wire-flood-barrier.txt", "flood-barrier-rewrite.txt") in found
    assert ("wire-flood-barrier.txt", "flood-barrier-independent.txt") not in found
    for key, pair in found.items():
        assert _key(pair, key[0]) == _key(scanned[key], key[0])
        if scanned[key].a == pair.a:
            assert pair.overlaps == scanned[key].overlaps
        else:
            assert sorted((o.b, o.a, o.score) for o in pair.overlaps) == sorted(
                (o.a, o.b, o.score) for o in scanned[key].overlaps
            )


def test_query_report_holds_queries_and_matched_archive_documents(index_path: Path) -> None:
    with open_index(index_path, readonly=True) as index:
        report = index.query_report(WIRES)
    ids = [d.id for d in report.documents]
    assert ids[:2] == [w.id for w in WIRES]
    assert "flood-barrier-light-edit.txt" in ids
    assert "ferry-strike.txt" not in ids
    stored = next(d for d in report.documents if d.id == "web-copy-flood-barrier.txt")
    original = next(a for a in ARCHIVE if a.id == stored.id)
    assert stored.article == original
    assert {g.members for g in report.groups}


def test_unchanged_articles_are_skipped_and_changed_ones_replaced(index_path: Path) -> None:
    changed = Article(
        "ferry-strike.txt", "A different story now.\n\nThe ferry strike ended on Monday morning."
    )
    with open_index(index_path) as index:
        kept = [a for a in ARCHIVE if a.id != changed.id][:3]
        result = index.add([*kept, changed], replace=True)
        assert result.replaced == (changed.id,)
        assert set(result.unchanged) == {a.id for a in kept}
        assert result.added == ()
        assert index.verify() == []
        assert index.stats().articles == len(ARCHIVE)
    with sqlite3.connect(index_path) as db:
        stored = db.execute("SELECT sha256 FROM articles WHERE id = ?", (changed.id,)).fetchone()[0]
    assert stored == content_hash(changed.text)


def test_other_text_under_an_archived_id_is_refused_unless_replacing(index_path: Path) -> None:
    archived = next(a for a in ARCHIVE if a.id == "ferry-strike.txt")
    other = Article(archived.id, "The library reopened on Monday.", "day2/ferry-strike.txt")
    with open_index(index_path) as index:
        with pytest.raises(IndexConflictError, match="nothing was added") as caught:
            index.add([WIRES[0], other])
        message = str(caught.value)
        assert f"'{archived.id}' (archived from {archived.source}, now read from {other.source})" in message
        assert "--replace" in message
        assert isinstance(caught.value, InputError)
        assert index.ids() == sorted(a.id for a in ARCHIVE)  # the batch's new article is not added either
        assert index.add([archived]).unchanged == (archived.id,)  # the same text again is no conflict
        assert index.add([other], replace=True).replaced == (archived.id,)
        assert index.verify() == []


def test_an_article_another_writer_stores_meanwhile_is_not_replaced(
    index_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = Article("story.txt", "The ferry strike ended on Monday morning after talks.", "day1/story.txt")
    ours = Article("story.txt", "The library reopened on Monday after a year of repairs.", "day2/story.txt")
    signed = index_sqlite.record_of

    def signed_while_another_writer_adds(article: Article, settings: Settings) -> object:
        monkeypatch.setattr(index_sqlite, "record_of", signed)
        with open_index(index_path) as other:  # between our read of the ids and our transaction
            other.add([theirs])
        return signed(article, settings)

    monkeypatch.setattr(index_sqlite, "record_of", signed_while_another_writer_adds)
    with open_index(index_path) as index:
        with pytest.raises(IndexConflictError, match=r"archived from day1/story\.txt"):
            index.add([ours])
        assert index.add([theirs]).unchanged == (theirs.id,)


def test_add_and_remove(index_path: Path) -> None:
    with open_index(index_path) as index:
        assert index.add(WIRES).added == tuple(w.id for w in WIRES)
        assert index.remove("wire-wildfire.txt")
        assert not index.remove("wire-wildfire.txt")
        assert "wire-wildfire.txt" not in index.ids()
        assert index.verify() == []
        assert index.stats().articles == len(ARCHIVE) + 1
    with open_index(index_path, readonly=True) as index:
        pairs = index.query([next(a for a in ARCHIVE if a.id == "wildfire-spun.txt")])
    assert pairs == []


def test_removing_everything_leaves_an_empty_consistent_index(index_path: Path) -> None:
    with open_index(index_path) as index:
        for article in ARCHIVE:
            assert index.remove(article.id)
        stats = index.stats()
        assert (stats.articles, stats.band_keys, stats.shingles) == (0, 0, 0)
        assert index.verify() == []


def test_stats(index_path: Path) -> None:
    with open_index(index_path, readonly=True) as index:
        stats = index.stats()
    assert stats.articles == len(ARCHIVE)
    assert stats.paragraphs > stats.articles
    assert stats.size_bytes > 0
    assert stats.settings == Settings()


def test_band_layout_is_datasketch_s() -> None:
    for threshold, num_perm in ((0.25, 128), (0.5, 64), (0.8, 256)):
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        assert band_layout(threshold, num_perm) == (lsh.b, lsh.r)


def test_other_settings_are_refused_with_the_remedy(index_path: Path) -> None:
    with pytest.raises(
        IndexSettingsError, match=r"num_perm 128 \(now 64\).*dupecheck index rebuild"
    ) as caught:
        open_index(index_path, Settings(num_perm=64))
    assert isinstance(caught.value, SettingsError)


def test_rebuild_resigns_with_current_settings(index_path: Path) -> None:
    settings = Settings(num_perm=64, seed=7)
    with open_index(index_path, settings, check_settings=False) as index:
        assert index.rebuild() == len(ARCHIVE)
    with open_index(index_path, settings, readonly=True) as index:
        assert index.verify() == []
        assert index.stats().settings == settings
        assert {p.b for p in index.query(WIRES[:1])} >= {"flood-barrier-light-edit.txt"}


def test_opened_without_settings_an_index_uses_those_it_was_built_with(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    settings = Settings(num_perm=64, seed=7)
    with open_index(path, settings, create=True) as index:
        index.build(ARCHIVE)
    with open_index(path, readonly=True) as index:
        assert index.settings == settings
        assert {p.b for p in index.query(WIRES[:1])} >= {"flood-barrier-light-edit.txt"}
    with open_index(path) as index:
        assert index.add(WIRES).added == tuple(w.id for w in WIRES)
        assert index.verify() == []
    with pytest.raises(IndexSettingsError, match=r"seed 7 \(now 1\)"):
        open_index(path, Settings(num_perm=64), readonly=True)


def test_readonly_index_refuses_writes(index_path: Path) -> None:
    with open_index(index_path, readonly=True) as index, pytest.raises(IndexFileError, match="read-only"):
        index.add(WIRES)


def test_missing_index_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(IndexFileError, match="dupecheck index build"):
        open_index(tmp_path / "none.db", readonly=True)
    with pytest.raises(IndexFileError, match="dupecheck index build"):
        open_index(tmp_path / "none.db")


def test_repeated_ids_are_an_input_error(index_path: Path) -> None:
    with open_index(index_path) as index, pytest.raises(InputError, match="repeated"):
        index.add([WIRES[0], WIRES[0]])


def test_other_sqlite_files_and_garbage_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(IndexFileError, match="not a dupecheck index"):
        open_index(other, readonly=True)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database at all " * 200)
    with pytest.raises(IndexFileError, match="damaged or not a dupecheck index"):
        open_index(garbage, readonly=True)


def test_truncated_index_is_a_clear_error(index_path: Path) -> None:
    with open_index(index_path) as index:
        index.add([_filler(n) for n in range(200)])
    with sqlite3.connect(index_path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = index_path.stat().st_size
    with open(index_path, "r+b") as handle:
        handle.truncate(size // 2)

    def open_and_check() -> list[str]:
        with open_index(index_path, readonly=True) as index:
            return index.verify()

    # Opening may fail already; if it does not, verify must raise or report the damage.
    try:
        problems = open_and_check()
    except IndexFileError as error:
        assert str(index_path) in str(error)
    else:
        assert problems


def test_tampered_rows_are_reported_by_verify(index_path: Path) -> None:
    with sqlite3.connect(index_path) as db:
        db.execute("UPDATE articles SET signatures = x'00' WHERE id = 'ferry-strike.txt'")
        db.execute("UPDATE articles SET paragraphs = 'not json' WHERE id = 'library-reopens.txt'")
        db.execute("UPDATE shingles SET docs = docs + 1 WHERE shingle = (SELECT min(shingle) FROM shingles)")
    with open_index(index_path, readonly=True) as index:
        problems = index.verify()
    assert any(p.startswith("ferry-strike.txt: signatures") for p in problems)
    assert any(p.startswith("library-reopens.txt: fields or paragraphs do not decode") for p in problems)
    assert any(p.startswith("shingles:") for p in problems)


def _shifted(paragraphs: str) -> str:
    """Stored paragraphs each pointing one character further into the text."""
    return json.dumps([[start + 1, end + 1, *rest] for start, end, *rest in json.loads(paragraphs)])


def _without_terms(paragraphs: str) -> str:
    """Stored paragraphs that keep their spans and kinds but lost their terms."""
    return json.dumps([[*row[:4], []] for row in json.loads(paragraphs)])


TAMPERED = {
    "shifted spans": _shifted,
    "terms lost": _without_terms,
    "unknown kind": lambda paragraphs: paragraphs.replace('"content"', '"contents"'),
    "not json": lambda paragraphs: paragraphs[: len(paragraphs) // 2],
}
"""Ways to damage an article's stored paragraphs, each of which check_rows catches."""


@pytest.mark.parametrize("tamper", TAMPERED.values(), ids=TAMPERED.keys())
def test_a_query_refuses_stored_paragraphs_that_do_not_fit_their_text(index_path: Path, tamper: Any) -> None:
    with sqlite3.connect(index_path) as db:
        (paragraphs,) = db.execute(
            "SELECT paragraphs FROM articles WHERE id = 'flood-barrier-rewrite.txt'"
        ).fetchone()
        db.execute(
            "UPDATE articles SET paragraphs = ? WHERE id = 'flood-barrier-rewrite.txt'", (tamper(paragraphs),)
        )
    with open_index(index_path, readonly=True) as index:
        with pytest.raises(IndexFileError) as caught:
            index.query(WIRES)
        problems = index.verify()
    message = str(caught.value)
    assert message.startswith(f"{index_path}: the stored article 'flood-barrier-rewrite.txt' is damaged (")
    assert "build a new index" in message and "\n" not in message
    assert any(p.startswith("flood-barrier-rewrite.txt: ") for p in problems), problems
    with open_index(index_path) as index:  # the counts it takes part in cannot be taken back
        with pytest.raises(IndexFileError, match=r"article 'flood-barrier-rewrite\.txt' is damaged"):
            index.remove("flood-barrier-rewrite.txt")
        assert "flood-barrier-rewrite.txt" in index.ids()


_CHILD = """
import sys
from dupecheck.index import open_index
from dupecheck.model import Article

path, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
articles = []
for number in range(first, first + count):
    words = [f"w{number}x{k}" for k in range(60)]
    text = "\\n\\n".join(" ".join(words[i : i + 15]) + "." for i in range(0, 60, 15))
    articles.append(Article(f"filler-{number:05d}", text, f"filler/{number}"))
with open_index(path) as index:
    print("started", flush=True)
    index.add(articles)
print("done", flush=True)
"""


def _adder(path: Path, first: int, count: int) -> subprocess.Popen[str]:
    """A child process adding ``count`` filler articles to the index; it prints 'started' first."""
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path), str(first), str(count)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "started"
    return child


def _wal_size(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size if wal.exists() else 0


@pytest.mark.parametrize("when", ["while signing", "while writing"])
def test_kill_during_add_leaves_the_old_index_or_the_whole_batch(index_path: Path, when: str) -> None:
    with open_index(index_path) as index:
        before = len(index.ids())
    with sqlite3.connect(index_path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    child = _adder(index_path, 10_000, 4000)
    if when == "while signing":
        time.sleep(0.2)
    else:
        # The batch's pages reach the write-ahead log before its commit does: kill then.
        deadline = time.monotonic() + 120
        while _wal_size(index_path) < 2**20 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert _wal_size(index_path) >= 2**20, "the child never wrote"
    os.kill(child.pid, signal.SIGKILL)
    child.communicate()
    with open_index(index_path) as index:
        assert index.verify() == []
        after = len(index.ids())
    assert after in (before, before + 4000)


def test_two_processes_adding_at_once_do_not_corrupt_the_index(index_path: Path) -> None:
    children = [_adder(index_path, first, 500) for first in (0, 100_000)]
    for child in children:
        child.communicate(timeout=300)
        assert child.returncode == 0
    with open_index(index_path, readonly=True) as index:
        assert index.verify() == []
        assert index.stats().articles == len(ARCHIVE) + 1000


def test_signatures_are_stored_as_uint32_bytes(index_path: Path) -> None:
    with sqlite3.connect(index_path) as db:
        blob = db.execute("SELECT signatures FROM articles WHERE id = 'ferry-strike.txt'").fetchone()[0]
    values = np.frombuffer(blob, dtype="<u4")
    assert len(values) % Settings().num_perm == 0
    assert len(values) > 0


def test_only_the_settings_signatures_are_made_with_must_match_the_index() -> None:
    stored = metadata(Settings())
    # Applied at query time: an index serves queries with other thresholds, or written
    # before a setting of that kind existed.
    check_metadata(stored, Settings(match_threshold=0.3, rewrite_share=0.5, common_share=0.1), "a.db")
    settings = json.loads(stored["settings"])
    del settings["rewrite_share"]
    check_metadata({**stored, "settings": json.dumps(settings)}, Settings(), "old.db")
    for changed in (
        Settings(num_perm=64),
        Settings(seed=2),
        Settings(min_terms=3),
        Settings(candidate_threshold=0.5),
    ):
        with pytest.raises(IndexSettingsError, match="index rebuild"):
            check_metadata(stored, changed, "a.db")
    for damaged in ("{}", "not json"):  # no settings at all are not taken for the defaults
        with pytest.raises(IndexSettingsError, match="num_perm None"):
            check_metadata({**stored, "settings": damaged}, Settings(), "old.db")


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("redis://user:s3cr3t@host:6379/0?prefix=news", "redis://user:***@host:6379/0?prefix=news"),
        ("redis://:s3cr3t@host:6379/0", "redis://:***@host:6379/0"),
        ("redis://user:s3/cr3t@host:6379/0", "redis://user:***@host:6379/0"),
        ("redis://user:s3@cr3t@host:6379/0", "redis://user:***@host:6379/0"),
        ("redis://user:s3?cr3t@host/0", "redis://user:***@host/0"),
        ("redis://s3cr3t@host:6379/0", "redis://***@host:6379/0"),
        ("redis://host:6379/0?prefix=news", "redis://host:6379/0?prefix=news"),
        ("archive.db", "archive.db"),
    ],
)
def test_locations_are_shown_without_their_password(location: str, shown: str) -> None:
    assert redacted(location) == shown


@pytest.mark.parametrize(
    "location",
    [
        "redis://user:s3cr3t@host:notaport/0",
        "redis://user:s3cr3t@host:6379/notadb",
        "redis://user:s3/cr3t@host:6379/0",
        "redis://user:12/s3cr3t@host:6379/0",
        "redis://user:s3[cr3t@host/0",
    ],
)
def test_malformed_locations_are_refused_without_showing_the_password(location: str) -> None:
    with pytest.raises(SettingsError, match=r"user:\*\*\*@.*not a redis://") as caught:
        open_index(location)
    assert "s3" not in str(caught.value) and "cr3t" not in str(caught.value)


def test_an_archived_article_keeps_where_it_lies_in_its_file() -> None:
    row = Article("7", "The ferry strike ended on Monday.", "feed.parquet:7", line=None, record=True)
    assert article_from(row.id, row.text, fields_of(row)) == row
    # An archive written before articles kept it reads them as files of their own.
    assert article_from("a", "...", json.dumps({"source": "a.txt"})) == Article("a", "...", "a.txt")


def test_a_query_chooses_its_thresholds_but_not_how_articles_are_signed(index_path: Path) -> None:
    with open_index(index_path, readonly=True) as index:
        every = {(p.a, p.b) for p in index.query(WIRES)}
        strict = index.query_report(WIRES, settings=Settings(anchor_threshold=0.95, partial_threshold=0.5))
        assert strict.settings.anchor_threshold == 0.95
        assert {(p.a, p.b) for p in strict.pairs} < every
        with pytest.raises(IndexSettingsError, match=r"num_perm 64 \(opened with 128\)"):
            index.query(WIRES, settings=Settings(num_perm=64))
