"""A cache of segmented and signed articles in one SQLite file: a re-run skips that work.

An entry is keyed by a SHA-256 of the article's text together with everything else
segmenting depends on (dupecheck's version, ``min_terms``, extra furniture patterns), so
an entry is only ever reused for exactly the input that made it: renamed files hit the
cache, edited ones and changed settings miss it.

Beside the segmented article an entry keeps the hashes of its paragraph keys (what
learned boilerplate counts), its shingle keys (what the corpus vocabulary counts) and
its signatures. Signatures depend on more than the text: on which of the
article's shingles are corpus vocabulary and left out (see :mod:`dupecheck.vocabulary`),
and on the MinHash settings. They are stored with a digest of those (:class:`Signed`'s
``salt``) and reused only when this run's digest for the article is the same: a few
changed files re-sign the articles whose own shingles crossed the vocabulary's limit,
not the whole folder.

What an entry holds is checked against the article before it is used, with checks cheap
beside making it again (:func:`~dupecheck.document.check_rows`, :class:`Expected`, the
identity digest stored with the signatures, and in :mod:`dupecheck.core` the signatures'
rows): derived data that fails them (keys, signatures) is made again and stored, and a
stored article that fails them is a :class:`CacheError` naming the file. They catch data
emptied, cut, reordered, of another type or made for another article, not every change
that keeps an entry looking right.

Entries not used for :data:`KEEP_DAYS` days are removed at the end of a run (an entry's
last use is written at most once a day, so it may go up to a day sooner). Several runs
may share one file: writes are short transactions in WAL mode, and writers wait for each
other. The file holds derived data only; deleting it loses nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import numpy as np

from dupecheck import repeated, shingle
from dupecheck.boilerplate import Patterns
from dupecheck.errors import InputError
from dupecheck.model import ParagraphKind
from dupecheck.settings import Settings
from dupecheck.sqlite_file import SqliteFile

FORMAT = "dupecheck segment cache 1"
KEEP_DAYS = 30
"""Entries unused for this many days are dropped (up to a day sooner: see :data:`TOUCH_SECONDS`)."""
TOUCH_SECONDS = 86400
"""An entry's last use is written again only when older than this: a re-run the same day writes none."""
BUSY_TIMEOUT = 60.0
_CONTENT = ParagraphKind.CONTENT
Row = tuple[int, int, ParagraphKind, str, Sequence[str]]
"""A paragraph's start, end, kind, reason and terms."""
_CHUNK = 500
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS segments (
    key TEXT PRIMARY KEY,
    paragraphs TEXT NOT NULL,
    used INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS segments_used ON segments (used);
CREATE TABLE IF NOT EXISTS paragraph_keys (
    key TEXT PRIMARY KEY,
    hashes BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS signed (
    key TEXT PRIMARY KEY,
    shingles BLOB NOT NULL,
    salt TEXT NOT NULL,
    identity TEXT NOT NULL,
    signatures BLOB NOT NULL
) WITHOUT ROWID;
"""


@dataclass(frozen=True, slots=True)
class Signed:
    """An article's stored signatures, with what they were made under."""

    salt: str
    """Digest of what the signatures depend on besides the text (see ``core._signing_salts``)."""
    identity: str
    """Digest of the article's words (equal for word-for-word copies), in hex: its first 16
    bytes (caches written before a scan made it while segmenting hold all 64). A scan makes
    it again from the article, and reuses the signatures only when the two agree
    (:func:`made_from`)."""
    signatures: bytes
    """The signatures' uint32 values, little-endian, row after row."""

    @classmethod
    def of(cls, salt: str, identity: str, rows: np.ndarray) -> Signed:
        """An entry for signature ``rows`` (uint32, one row per signature)."""
        return cls(salt, identity, rows.astype("<u4").tobytes())

    def rows(self, num_perm: int) -> np.ndarray | None:
        """The signatures as rows of ``num_perm`` values, or None when the stored bytes cannot be."""
        if len(self.signatures) % (4 * num_perm):
            return None
        return np.frombuffer(self.signatures, dtype="<u4").astype(np.uint32, copy=False).reshape(-1, num_perm)


@dataclass(frozen=True, slots=True, eq=False)
class StoredShingles:
    """An article's shingle keys as stored beside its signatures, with the identity digest stored there.

    (An array: compared by identity.)
    """

    keys: np.ndarray | None
    """uint64: what the corpus vocabulary counts; None when the stored bytes cannot hold keys."""
    identity: str
    """:class:`Signed`'s ``identity`` as stored."""

    def made_for(self, identity: bytes) -> bool:
        """Whether they were stored for an article of this identity (the first 16 bytes of its digest)."""
        return made_from(self.identity, identity.hex())


def made_from(identity: str, words: str) -> bool:
    """Whether a stored ``identity`` (:class:`Signed`'s) is ``words``, an article's as Signed keeps it.

    >>> made_from("ab" * 32, "ab" * 16), made_from("ab" * 16, "cd" * 16)
    (True, False)
    """
    return identity[:32] == words


@dataclass(frozen=True, slots=True)
class Expected:
    """What an article's paragraphs say of the key arrays stored for it: cheap checks, not making them again.

    Stored paragraph keys and shingle keys are derived data: an array that fails these
    checks (empty, of another size, not starting as the article does) is made again.

    >>> from dupecheck.repeated import key_hash, paragraph_key
    >>> from dupecheck.shingle import term_key
    >>> text, terms = "Council votes to fund a barrier.", ("council", "vote", "fund", "barrier")
    >>> expected = Expected.of(text, [(0, len(text), ParagraphKind.CONTENT, "", terms)])
    >>> expected.fits_paragraph_keys(np.array([key_hash(paragraph_key(text))], dtype=np.uint64))
    True
    >>> expected.fits_shingle_keys(np.array([term_key("council")], dtype=np.uint64))  # 7 shingles at least
    False
    """

    content: int
    """How many content paragraphs the article has."""
    most_shingles: int
    """Most distinct shingles they can have: each term, and each pair of adjacent terms."""
    least_shingles: int
    """Fewest: the first content paragraph's distinct terms, and a pair ending at each one but the first."""
    first_term: str
    """The first content paragraph's first term: the first shingle key is its."""
    first_text: str
    """The first content paragraph's text: the hash of its key is among the paragraph keys'."""

    @classmethod
    def of(cls, text: str, paragraphs: Iterable[Row]) -> Expected:
        """What an article of ``text`` and ``paragraphs`` (start, end, kind, reason, terms) must have."""
        content = [row for row in paragraphs if row[2] is _CONTENT]
        if not content:
            return cls(0, 0, 0, "", "")
        start, end, _, _, terms = content[0]
        most = 2 * sum(map(len, map(itemgetter(4), content))) - len(content)
        return cls(len(content), most, 2 * len(set(terms)) - 1, terms[0], text[start:end])

    def fits_paragraph_keys(self, hashes: np.ndarray) -> bool:
        """Whether stored paragraph key hashes can be the article's: one per distinct content key."""
        if not self.content:
            return len(hashes) == 0
        first = repeated.key_hash(repeated.paragraph_key(self.first_text))
        return len(hashes) <= self.content and first in hashes.tolist()

    def fits_shingle_keys(self, keys: np.ndarray) -> bool:
        """Whether stored shingle keys can be the article's (:func:`~dupecheck.shingle.shingled`'s keys)."""
        if not self.content:
            return len(keys) == 0
        first = shingle.term_key(self.first_term)
        return self.least_shingles <= len(keys) <= self.most_shingles and int(keys[0]) == first


class CacheError(InputError):
    """The cache file cannot be used: not a dupecheck cache, damaged, or locked too long."""


class SegmentCache(SqliteFile):
    """Segmented articles (paragraph spans, kinds and terms, as JSON) and their signatures, by content key.

    >>> import tempfile
    >>> from dupecheck.settings import Settings
    >>> with tempfile.TemporaryDirectory() as folder, SegmentCache(f"{folder}/c", Settings()) as cache:
    ...     cache.put({cache.key("Some text."): "[]"})
    ...     found = cache.get([cache.key("Some text."), cache.key("Other text.")])
    >>> list(found.values())
    ['[]']
    """

    def __init__(self, path: str | os.PathLike[str], settings: Settings, boilerplate: Patterns = ()) -> None:
        from dupecheck import __version__  # the package imports this module first

        self.path = Path(path)
        patterns = [[reason, pattern.pattern] for reason, pattern in boilerplate]
        schemes = [shingle.KEYS, repeated.KEYS]
        salt = json.dumps([FORMAT, __version__, schemes, settings.min_terms, patterns], ensure_ascii=False)
        self._salt = hashlib.sha256(salt.encode("utf-8")).digest()
        self._now = int(time.time())
        with self._errors():
            existed = self.path.exists() and self.path.stat().st_size > 0
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
            try:
                self._open(existed)
            except BaseException:
                self._db.close()
                raise

    def _open(self, existed: bool) -> None:
        if existed:
            tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            marker = (
                self._db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
                if "meta" in tables
                else None
            )
            if marker is None or marker[0] != FORMAT:
                raise CacheError(
                    f"{self.path}: not a dupecheck cache (or one of another version); give --cache "
                    "another file, or delete this one if it is an old cache"
                )
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.executescript(_SCHEMA)
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as error:
            raise CacheError(f"{self.path}: cannot use the cache ({error})") from error
        except sqlite3.DatabaseError as error:
            raise CacheError(
                f"{self.path}: damaged or not a dupecheck cache ({error}); delete it (it only holds "
                "derived data) or give --cache another file"
            ) from error

    def key(self, text: str) -> str:
        """The key of an article's text under this cache's settings."""
        return hashlib.sha256(self._salt + text.encode("utf-8", "surrogatepass")).hexdigest()

    def _chunked(self, statement: str, keys: Iterable[str], *first: object) -> Iterator[sqlite3.Cursor]:
        """``statement`` run on each chunk of the distinct ``keys`` (its ``{keys}``), after ``first``."""
        wanted = sorted(set(keys))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            yield self._db.execute(statement.format(keys=",".join("?" * len(chunk))), [*first, *chunk])

    def get(self, keys: Iterable[str]) -> dict[str, str]:
        """The stored paragraphs of the keys found (marked as used now, if not already today)."""
        found: dict[str, str] = {}
        stale: list[str] = []
        with self._errors():
            for cursor in self._chunked(
                "SELECT key, paragraphs, used FROM segments WHERE key IN ({keys})", keys
            ):
                for key, paragraphs, used in cursor:
                    found[key] = paragraphs
                    # A last use that is not a number (a damaged file) is written again too.
                    if not isinstance(used, int | float) or used < self._now - TOUCH_SECONDS:
                        stale.append(key)
            if stale:
                with self._transaction():
                    for cursor in self._chunked(
                        "UPDATE segments SET used = ? WHERE key IN ({keys})", stale, self._now
                    ):
                        cursor.close()
        return found

    def put(self, entries: Mapping[str, str]) -> None:
        """Store paragraphs by key, in one transaction."""
        with self._errors(), self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO segments VALUES (?, ?, ?)",
                ((key, paragraphs, self._now) for key, paragraphs in entries.items()),
            )

    def get_paragraph_keys(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored hashes of the articles' paragraph keys (what learned boilerplate counts), by key."""
        select = "SELECT key, CAST(hashes AS BLOB) FROM paragraph_keys WHERE key IN ({keys})"
        with self._errors():
            found = {
                key: _keys_of(hashes) for cursor in self._chunked(select, keys) for key, hashes in cursor
            }
        return {key: hashes for key, hashes in found.items() if hashes is not None}

    def put_paragraph_keys(self, entries: Mapping[str, np.ndarray]) -> None:
        """Store the hashes of articles' paragraph keys by key, in one transaction."""
        with self._errors(), self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO paragraph_keys VALUES (?, ?)",
                ((key, _blob(hashes)) for key, hashes in entries.items()),
            )

    def get_signed(self, keys: Iterable[str]) -> dict[str, Signed]:
        """The stored signatures of the keys found (their shingle keys: :meth:`get_shingles`)."""
        select = (
            "SELECT key, CAST(salt AS BLOB), CAST(identity AS BLOB), CAST(signatures AS BLOB) "
            "FROM signed WHERE key IN ({keys})"
        )
        found: dict[str, Signed] = {}
        with self._errors():
            for cursor in self._chunked(select, keys):
                for key, salt, identity, signatures in cursor:
                    if isinstance(signatures, bytes):
                        found[key] = Signed(_text(salt), _text(identity), signatures)
        return found

    def get_shingles(self, keys: Iterable[str]) -> dict[str, StoredShingles]:
        """The stored shingle keys of the keys found, with the identity digest stored beside them."""
        select = (
            "SELECT key, CAST(shingles AS BLOB), CAST(identity AS BLOB) FROM signed WHERE key IN ({keys})"
        )
        with self._errors():
            return {
                key: StoredShingles(_keys_of(shingles), _text(identity))
                for cursor in self._chunked(select, keys)
                for key, shingles, identity in cursor
            }

    def drop_signed(self, keys: Iterable[str]) -> None:
        """Remove the stored shingle keys and signatures of ``keys`` (found damaged): they are made again."""
        wanted = list(keys)
        if not wanted:
            return
        with self._errors(), self._transaction():
            for cursor in self._chunked("DELETE FROM signed WHERE key IN ({keys})", wanted):
                cursor.close()

    def put_signed(self, entries: Mapping[str, tuple[np.ndarray, Signed]]) -> None:
        """Store shingle keys (uint64) and signatures by key, in one transaction."""
        with self._errors(), self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO signed VALUES (?, ?, ?, ?, ?)",
                (
                    (key, _blob(shingles), entry.salt, entry.identity, entry.signatures)
                    for key, (shingles, entry) in entries.items()
                ),
            )

    def prune(self, keep_days: int = KEEP_DAYS) -> int:
        """Drop the entries not used for ``keep_days`` days; return how many."""
        with self._errors(), self._transaction():
            cursor = self._db.execute("DELETE FROM segments WHERE used < ?", (self._now - keep_days * 86400,))
            if cursor.rowcount:
                for table in ("paragraph_keys", "signed"):
                    self._db.execute(f"DELETE FROM {table} WHERE key NOT IN (SELECT key FROM segments)")
        return cursor.rowcount


def _text(stored: object) -> str:
    """A text column of derived data, read as bytes (``CAST(... AS BLOB)``).

    Derived data is read as bytes so that what a damaged file holds there (another type,
    text that is not UTF-8) fails the checks and is made again, instead of failing the
    read; characters that are not UTF-8 are replaced, so such a digest equals no other.
    """
    return stored.decode("utf-8", "replace") if isinstance(stored, bytes) else ""


def _blob(keys: np.ndarray) -> bytes:
    """64-bit keys as stored: little-endian, one after another."""
    return np.asarray(keys, dtype=np.uint64).astype("<u8").tobytes()


def _keys_of(blob: object) -> np.ndarray | None:
    """The 64-bit keys of a stored blob (:func:`_blob`), or None when it cannot hold them."""
    if not isinstance(blob, bytes) or len(blob) % 8:
        return None
    return np.frombuffer(blob, dtype="<u8").astype(np.uint64, copy=False)
