"""The persistent index in one SQLite file (stdlib ``sqlite3``): no server, no pickle.

Arrays are stored as bytes (numpy ``tobytes``), text as TEXT, small structures as JSON.
Every write is one ``BEGIN IMMEDIATE`` transaction in WAL mode, so a crash leaves the
index as it was before the batch or with all of it, and concurrent writers wait for
each other (busy timeout) instead of corrupting the file. Queries open it read-only.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from urllib.parse import quote

from dupecheck.bands import band_layout
from dupecheck.document import build_document
from dupecheck.index import (
    SIGNATURE_DTYPE,
    AddResult,
    IndexFileError,
    IndexStats,
    Record,
    article_from,
    check_metadata,
    conflict_error,
    content_hash,
    content_shingles,
    damaged_article,
    identity_of,
    keys_of,
    metadata,
    own_settings,
    query_settings,
    record_of,
    replaced_articles,
    settings_from,
    signature_sets,
    signature_values,
    source_of,
    stored_document,
    stored_values,
    unique_articles,
    verify_query,
    verify_stored_article,
)
from dupecheck.model import Article, Document, PairResult, ScanReport
from dupecheck.settings import Settings
from dupecheck.sqlite_file import SqliteFile

BUSY_TIMEOUT = 60.0
"""Seconds a writer waits for another one to finish its batch."""
_CACHE_KIB = 128 * 1024
"""Page cache per connection: a large batch's writes stay in memory until its commit."""
_CHUNK = 500
"""Values bound per ``IN (...)`` query, below SQLite's limit on parameters."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS articles (
    number INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    fields TEXT NOT NULL,
    text TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    paragraphs TEXT NOT NULL,
    identity TEXT NOT NULL,
    signatures BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_identity ON articles (identity) WHERE identity != '';
CREATE TABLE IF NOT EXISTS bands (
    key INTEGER NOT NULL,
    article INTEGER NOT NULL,
    PRIMARY KEY (key, article)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS shingles (shingle TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS shingles_docs ON shingles (docs);
"""


class SqliteIndex(SqliteFile):
    """An archive of articles in one SQLite file; see :mod:`dupecheck.index`."""

    def __init__(
        self,
        path: Path,
        settings: Settings | None,
        *,
        readonly: bool = False,
        create: bool = False,
        check_settings: bool = True,
    ) -> None:
        self.path = path
        self.settings = settings or Settings()
        """The settings articles are signed and queried with (None given: the index's own)."""
        self.readonly = readonly
        if not path.exists() and (readonly or not create):
            raise IndexFileError(
                f"{path}: no index here; create one with `dupecheck index build PATH... --index {path}`"
            )
        if path.is_dir():
            raise IndexFileError(f"{path}: is a folder; give the path of an index file")
        with self._sqlite_errors():
            if readonly:
                uri = f"file:{quote(str(path.resolve()))}?mode=ro"
                self._db = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
            else:
                self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
        try:
            with self._sqlite_errors():
                self._prepare(settings, create, check_settings)
        except BaseException:
            self._db.close()
            raise

    def _prepare(self, settings: Settings | None, create: bool, check_settings: bool) -> None:
        has_meta = self._db.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
        ).fetchone()[0]
        if not has_meta:
            if not create or self.readonly:
                raise IndexFileError(
                    f"{self.path}: not a dupecheck index; build one with "
                    f"`dupecheck index build PATH... --index FILE`"
                )
            self._db.execute("PRAGMA journal_mode = WAL")
            with self._transaction():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                if not self._db.execute("SELECT count(*) FROM meta").fetchone()[0]:
                    self._db.executemany("INSERT INTO meta VALUES (?, ?)", metadata(self.settings).items())
        elif not self.readonly:
            self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
        stored = self._metadata()
        self.settings = own_settings(stored, settings)
        if check_settings:
            check_metadata(stored, self.settings, str(self.path))

    def _metadata(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    @contextlib.contextmanager
    def _sqlite_errors(self) -> Iterator[None]:
        """Turn SQLite's errors about the file into one :class:`IndexFileError` naming it."""
        try:
            yield
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise IndexFileError(
                    f"{self.path}: the index stayed locked by another writer for {BUSY_TIMEOUT:.0f} s; "
                    "try again"
                ) from error
            raise IndexFileError(f"{self.path}: cannot use the index ({error})") from error
        except sqlite3.DatabaseError as error:
            raise IndexFileError(
                f"{self.path}: damaged or not a dupecheck index ({error}); "
                "build a new one with `dupecheck index build PATH... --index FILE`"
            ) from error

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        if self.readonly:
            raise IndexFileError(f"{self.path}: opened read-only")
        with super()._transaction():
            yield

    # Writing

    def build(self, articles: Iterable[Article]) -> AddResult:
        """Replace the whole index with ``articles``, in one transaction."""
        listed = unique_articles(articles)
        records = [record_of(article, self.settings) for article in listed]
        with self._sqlite_errors(), self._transaction():
            self._clear()
            return self._apply(records, {})

    def add(self, articles: Iterable[Article], *, replace: bool = False) -> AddResult:
        """Add ``articles`` in one transaction; unchanged ones (same id and text) are left as they are.

        An archived article whose id comes again with other text is replaced only with
        ``replace``; otherwise the whole batch is refused (:class:`IndexConflictError`), so
        no archived article is lost to another that happens to share its id. Articles are
        segmented and signed before the transaction starts, so other writers wait only
        for the database writes.
        """
        listed = unique_articles(articles)
        with self._sqlite_errors():
            known = self._hashes([a.id for a in listed])
            if not replace:
                self._refuse_replacing(listed, known)
            records = [record_of(a, self.settings) for a in listed if known.get(a.id) != content_hash(a.text)]
            with self._transaction():
                # Another writer may have changed these articles since they were read above.
                known = self._hashes([a.id for a in listed])
                if not replace:
                    self._refuse_replacing(listed, known)
                result = self._apply([r for r in records if known.get(r.id) != r.sha256], known)
        unchanged = tuple(a.id for a in listed if a.id not in result.added and a.id not in result.replaced)
        return AddResult(result.added, result.replaced, unchanged)

    def remove(self, article_id: str) -> bool:
        """Remove one article; False when the index does not hold it."""
        with self._sqlite_errors(), self._transaction():
            row = self._db.execute("SELECT number FROM articles WHERE id = ?", (article_id,)).fetchone()
            if row is None:
                return False
            shingle_delta: Counter[str] = Counter()
            self._delete(row[0], shingle_delta)
            self._apply_shingles(shingle_delta)
        return True

    def rebuild(self) -> int:
        """Re-sign every stored article with the current settings; the number of articles."""
        with self._sqlite_errors():
            rows = self._db.execute("SELECT id, text, fields FROM articles ORDER BY number").fetchall()
        return len(self.build(article_from(*row) for row in rows).added)

    def _clear(self) -> None:
        for table in ("articles", "bands", "shingles", "meta"):
            self._db.execute(f"DELETE FROM {table}")  # fixed names, not input
        self._db.executemany("INSERT INTO meta VALUES (?, ?)", metadata(self.settings).items())

    def _refuse_replacing(self, articles: Sequence[Article], known: dict[str, str]) -> None:
        """Raise :func:`conflict_error` when any of ``articles`` would replace archived text."""
        clashing = replaced_articles(articles, known)
        if not clashing:
            return
        sources: dict[str, str] = {}
        for start in range(0, len(clashing), _CHUNK):
            chunk = [a.id for a in clashing[start : start + _CHUNK]]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT id, fields FROM articles WHERE id IN ({marks})", chunk)
            sources.update((article_id, source_of(fields)) for article_id, fields in rows)
        raise conflict_error(str(self.path), [(a, sources.get(a.id, "")) for a in clashing])

    def _hashes(self, ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(
                self._db.execute(f"SELECT id, sha256 FROM articles WHERE id IN ({marks})", chunk).fetchall()
            )
        return found

    def _apply(self, records: Sequence[Record], known: dict[str, str]) -> AddResult:
        added, replaced = [], []
        shingle_delta: Counter[str] = Counter()
        band_rows: list[tuple[int, int]] = []
        for record in records:
            if record.id in known:
                (number,) = self._db.execute(
                    "SELECT number FROM articles WHERE id = ?", (record.id,)
                ).fetchone()
                self._delete(number, shingle_delta)
                replaced.append(record.id)
            else:
                added.append(record.id)
            cursor = self._db.execute(
                "INSERT INTO articles (id, fields, text, sha256, paragraphs, identity, signatures) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    record.id,
                    record.fields,
                    record.text,
                    record.sha256,
                    record.paragraphs,
                    record.identity,
                    record.signatures,
                ),
            )
            number = int(cursor.lastrowid or 0)
            band_rows.extend((key, number) for key in record.keys)
            shingle_delta.update(record.content_shingles)
        # In key order, the b-tree is written page after page instead of at random.
        band_rows.sort()
        self._db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", band_rows)
        self._apply_shingles(shingle_delta)
        return AddResult(tuple(added), tuple(replaced))

    def _delete(self, number: int, shingle_delta: Counter[str]) -> None:
        article_id, fields, text, paragraphs, blob = self._db.execute(
            "SELECT id, fields, text, paragraphs, signatures FROM articles WHERE number = ?", (number,)
        ).fetchone()
        # The counts it takes part in are those of its paragraphs: they must be sound to be taken back.
        with damaged_article(str(self.path), article_id):
            document = stored_document(article_id, text, fields, paragraphs, self.settings.min_terms)
        keys = keys_of(stored_values(blob, self.settings), self.settings)
        self._db.executemany("DELETE FROM bands WHERE key = ? AND article = ?", [(k, number) for k in keys])
        shingle_delta.subtract(content_shingles(document))
        self._db.execute("DELETE FROM articles WHERE number = ?", (number,))

    def _apply_shingles(self, delta: Counter[str]) -> None:
        self._db.executemany(
            "INSERT INTO shingles VALUES (?, ?) "
            "ON CONFLICT (shingle) DO UPDATE SET docs = docs + excluded.docs",
            [(shingle, count) for shingle, count in delta.items() if count],
        )
        if any(count < 0 for count in delta.values()):
            self._db.execute("DELETE FROM shingles WHERE docs <= 0")

    # Reading

    def query(self, articles: Iterable[Article], *, settings: Settings | None = None) -> list[PairResult]:
        """The archive articles each of ``articles`` duplicates, rewrites or partly copies."""
        return list(self.query_report(articles, settings=settings).pairs)

    def query_report(self, articles: Iterable[Article], *, settings: Settings | None = None) -> ScanReport:
        """A scan report of ``articles`` against the archive.

        Its documents are the queries and the archive articles they match; its pairs
        put the query first (``a``) and the archive article second (``b``). ``settings``
        (by default the index's) decide which pairs are reported: they may differ from
        the index's in the thresholds and other :data:`~dupecheck.index.QUERY_SETTINGS` only.
        """
        verify_with = query_settings(self.settings, settings, str(self.path))
        listed = unique_articles(articles)
        documents = [build_document(article, self.settings) for article in listed]
        with self._sqlite_errors():
            candidates = [self._candidates(document) for document in documents]
            archive = self._documents(set().union(*candidates))
            (size,) = self._db.execute("SELECT count(*) FROM articles").fetchone()
            total = size + len(documents)
            limit = max(verify_with.common_share * total, verify_with.common_min_docs)
            frequent = dict(
                self._db.execute(
                    "SELECT shingle, docs FROM shingles WHERE docs > ?", (limit - len(documents),)
                ).fetchall()
            )
        return verify_query(documents, archive, candidates, frequent, size, verify_with)

    def _candidates(self, document: Document) -> set[int]:
        values = signature_values(signature_sets(document, self.settings.min_terms), self.settings)
        keys = keys_of(values, self.settings)
        found: set[int] = set()
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(
                n for (n,) in self._db.execute(f"SELECT article FROM bands WHERE key IN ({marks})", chunk)
            )
        identity = identity_of(document)
        if identity:
            found.update(
                n for (n,) in self._db.execute("SELECT number FROM articles WHERE identity = ?", (identity,))
            )
        return found

    def _documents(self, numbers: set[int]) -> dict[int, Document]:
        ordered = sorted(numbers)
        found: dict[int, Document] = {}
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for number, article_id, fields, text, paragraphs in self._db.execute(
                f"SELECT number, id, fields, text, paragraphs FROM articles WHERE number IN ({marks})", chunk
            ):
                with damaged_article(str(self.path), article_id):
                    found[number] = stored_document(
                        article_id, text, fields, paragraphs, self.settings.min_terms
                    )
        return found

    def ids(self) -> list[str]:
        """The ids of the archived articles, sorted."""
        with self._sqlite_errors():
            return [i for (i,) in self._db.execute("SELECT id FROM articles ORDER BY id")]

    def stats(self) -> IndexStats:
        """Counts of what the index holds, and its size on disk."""
        with self._sqlite_errors():
            articles, blob_bytes = self._db.execute(
                "SELECT count(*), coalesce(sum(length(signatures)), 0) FROM articles"
            ).fetchone()
            paragraphs = self._db.execute(
                "SELECT coalesce(sum(json_array_length(paragraphs)), 0) FROM articles"
            ).fetchone()[0]
            (keys,) = self._db.execute("SELECT count(*) FROM bands").fetchone()
            (shingle_count,) = self._db.execute("SELECT count(*) FROM shingles").fetchone()
            stored = self._metadata()
        size = sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
        return IndexStats(
            articles=articles,
            paragraphs=paragraphs,
            signatures=blob_bytes // (SIGNATURE_DTYPE.itemsize * self.settings.num_perm),
            band_keys=keys,
            shingles=shingle_count,
            size_bytes=size,
            format_version=int(stored["format_version"]),
            settings=settings_from(stored),
        )

    def verify(self) -> list[str]:
        """Check the whole index; the problems found (empty when it is sound).

        SQLite's own integrity check, then every article: its text hash, paragraphs,
        signature size and band keys, and the shingle counts against the articles.
        """
        problems: list[str] = []
        with self._sqlite_errors():
            problems += [
                f"sqlite: {row}" for (row,) in self._db.execute("PRAGMA integrity_check") if row != "ok"
            ]
            if problems:
                return problems
            bands, _ = band_layout(self.settings.candidate_threshold, self.settings.num_perm)
            counts: Counter[str] = Counter()
            expected_keys = 0
            rows = self._db.execute(
                "SELECT number, id, fields, text, sha256, paragraphs, identity, signatures FROM articles"
            )
            for number, article_id, fields, text, sha256, paragraphs, identity, blob in rows:
                found, document = verify_stored_article(
                    article_id, text, sha256, fields, paragraphs, self.settings.min_terms
                )
                problems += found
                if document is None:
                    continue
                if identity != identity_of(document):
                    problems.append(f"{article_id}: identity hash does not match its paragraphs")
                size = len(signature_sets(document, self.settings.min_terms))
                width = SIGNATURE_DTYPE.itemsize
                if len(blob) != size * self.settings.num_perm * width:
                    problems.append(
                        f"{article_id}: signatures hold {len(blob)} bytes, expected "
                        f"{size} x {self.settings.num_perm} x {width}"
                    )
                    continue
                keys = keys_of(stored_values(blob, self.settings), self.settings)
                expected_keys += len(keys)
                stored = self._count_keys(keys, number)
                if stored != len(keys):
                    problems.append(f"{article_id}: {stored} of its {len(keys)} band keys stored")
                counts.update(content_shingles(document))
            (key_rows,) = self._db.execute("SELECT count(*) FROM bands").fetchone()
            if key_rows != expected_keys:
                problems.append(f"bands: {key_rows} rows, expected {expected_keys} (from {bands} bands)")
            stored_counts = dict(self._db.execute("SELECT shingle, docs FROM shingles"))
            if stored_counts != dict(counts):
                wrong = sum(
                    1 for s in stored_counts.keys() | counts.keys() if stored_counts.get(s) != counts[s]
                )
                problems.append(f"shingles: {wrong} document counts do not match the articles")
        return problems

    def _count_keys(self, keys: Sequence[int], number: int) -> int:
        total = 0
        for start in range(0, len(keys), _CHUNK):
            chunk = list(keys[start : start + _CHUNK])
            marks = ",".join("?" * len(chunk))
            (count,) = self._db.execute(
                f"SELECT count(*) FROM bands WHERE article = ? AND key IN ({marks})", [number, *chunk]
            ).fetchone()
            total += count
        return int(total)
