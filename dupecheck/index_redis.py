"""The persistent index on a Redis server, shared by a team: ``redis://host:port/db?prefix=NAME``.

Candidate lookup is datasketch's own ``MinHashLSH`` with Redis storage (in
:mod:`dupecheck.candidates`), with bytes keys and ``prepickle=False``; article data is
stored by this module in Redis hashes as JSON and raw bytes. Nothing read from Redis is
ever unpickled. Keys, all under ``NAME:``: ``meta`` (how the index was built), ``ids``
(a set), ``article:ID`` (a hash per article), ``identity:SHA`` (sets of ids),
``shingles`` (document counts, a sorted set) and the LSH's own keys (``NAME:lsh...``).
Each write is one ``MULTI``/``EXEC`` transaction holding all of it, LSH entries and
shingle counts included (:meth:`RedisIndex._transact`).
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import TracebackType
from typing import Any, TypeVar, cast
from urllib.parse import parse_qs, unquote, urlsplit

import numpy as np
import redis

from dupecheck.candidates import (
    lsh_keys,
    lsh_mismatches,
    queue_lsh_writes,
    redis_lsh,
    redis_query,
    stored_lsh_bands,
)
from dupecheck.document import build_document
from dupecheck.errors import DupecheckError, SettingsError
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
    metadata,
    own_settings,
    query_settings,
    record_of,
    redacted,
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

_BATCH = 500
"""Articles read or written per pipeline round trip."""
WRITE_ATTEMPTS = 5
"""Tries of an add or a remove before it gives up, when other writers interrupt each one."""
_FIELDS = (b"fields", b"text", b"sha256", b"paragraphs", b"identity", b"signatures")
_Done = TypeVar("_Done")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def local_server(folder: str, *, server: str = "redis-server", wait: float = 10.0) -> Iterator[int]:
    """A throwaway redis-server on 127.0.0.1 with a free port and no persistence; yields the port.

    For tests and benchmarks (``make redis`` installs the server). It saves no snapshot
    and no append-only file; ``folder`` is its working folder. It is stopped on leaving. Raises
    :class:`DupecheckError` when it does not answer within ``wait`` seconds.
    """
    port = free_port()
    options = [
        "--port",
        str(port),
        "--save",
        "",
        "--appendonly",
        "no",
        "--bind",
        "127.0.0.1",
        "--dir",
        folder,
    ]
    process = subprocess.Popen([server, *options], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + wait
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise DupecheckError(f"{server} did not start on 127.0.0.1:{port}") from None
                time.sleep(0.05)
        client.close()
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def parse_location(location: str) -> tuple[dict[str, Any], str]:
    """The ``redis.Redis`` keyword arguments and the key prefix of a ``redis://`` location.

    Errors show the location with its password hidden (:func:`~dupecheck.index.redacted`),
    and never a part of it that the parser may have taken from a password.

    >>> parse_location("redis://:secret@db.example:6380/2?prefix=news")
    ({'host': 'db.example', 'port': 6380, 'db': 2, 'password': 'secret'}, 'news')
    >>> try:
    ...     parse_location("redis://user:secret@db.example:notaport/0")
    ... except SettingsError as error:
    ...     str(error).split(": not a")[0]
    'redis://user:***@db.example:notaport/0'
    """
    shown = redacted(location)
    malformed = SettingsError(
        f"{shown}: not a redis://[USER:PASSWORD@]HOST:PORT/DB location (PORT and DB are numbers; "
        "percent-encode '/', '?', '#', '@', '[' and ']' in a password: %2F for '/' ...)"
    )
    try:
        parts = urlsplit(location)
    except ValueError:
        raise malformed from None
    if parts.scheme != "redis":
        raise SettingsError(f"unknown index location scheme '{parts.scheme}://'; use redis://host:port/db")
    try:
        port = parts.port or 6379
        db = int(parts.path.strip("/") or 0)
    except ValueError:
        raise malformed from None
    connection: dict[str, Any] = {"host": parts.hostname or "localhost", "port": port, "db": db}
    if parts.username:
        connection["username"] = unquote(parts.username)
    if parts.password:
        connection["password"] = unquote(parts.password)
    prefix = parse_qs(parts.query).get("prefix", ["dupecheck"])[0]
    if not prefix:
        raise SettingsError(f"{shown}: the prefix must not be empty")
    return connection, prefix


class RedisIndex:
    """An archive of articles on a Redis server; see :mod:`dupecheck.index`."""

    def __init__(
        self,
        location: str,
        settings: Settings | None,
        *,
        readonly: bool = False,
        create: bool = False,
        check_settings: bool = True,
    ) -> None:
        self.location = redacted(location)
        self.settings = settings or Settings()
        """The settings articles are signed and queried with (None given: the index's own)."""
        self.readonly = readonly
        connection, self.prefix = parse_location(location)
        # Any: redis-py's stubs type replies as str or bytes; this client always answers bytes.
        self._redis: Any = cast(Any, redis.Redis(**connection))
        self._lsh_name = f"{self.prefix}:lsh:".encode()
        with self._redis_errors():
            stored = self._metadata()
            if not stored:
                if readonly or not create:
                    raise IndexFileError(
                        f"{self.location}: no index here; create one with "
                        f"`dupecheck index build PATH... --index {self.location}`"
                    )
                self._redis.hset(self._key("meta"), mapping=metadata(self.settings))
                stored = self._metadata()
            self.settings = own_settings(stored, settings)
            if check_settings:
                check_metadata(stored, self.settings, self.location)
            self._lsh = redis_lsh(self.settings, self._lsh_name, connection)

    def _key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def _metadata(self) -> dict[str, str]:
        raw = self._redis.hgetall(self._key("meta"))
        return {k.decode(): v.decode() for k, v in raw.items()}

    @contextlib.contextmanager
    def _redis_errors(self) -> Iterator[None]:
        try:
            yield
        except DupecheckError:
            raise
        except redis.AuthenticationError as error:
            raise IndexFileError(f"{self.location}: the server refused the credentials ({error})") from error
        except redis.ConnectionError as error:
            raise IndexFileError(f"{self.location}: cannot reach the Redis server ({error})") from error
        except redis.RedisError as error:
            raise IndexFileError(f"{self.location}: cannot use the index ({error})") from error
        except (UnicodeDecodeError, ValueError) as error:
            raise IndexFileError(
                f"{self.location}: damaged or not a dupecheck index ({error}); "
                f"build a new one with `dupecheck index build PATH... --index URL`"
            ) from error

    def close(self) -> None:
        """Close the connection."""
        self._redis.close()

    def __enter__(self) -> RedisIndex:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _writable(self) -> None:
        if self.readonly:
            raise IndexFileError(f"{self.location}: opened read-only")

    # Writing

    def build(self, articles: Iterable[Article]) -> AddResult:
        """Replace the whole index (every key under the prefix) with ``articles``."""
        self._writable()
        listed = unique_articles(articles)
        records = [record_of(article, self.settings) for article in listed]
        with self._redis_errors():
            self._clear()
            return self._apply(records)

    def add(self, articles: Iterable[Article], *, replace: bool = False) -> AddResult:
        """Add ``articles``; unchanged ones stay, and other text under an archived id only with ``replace``.

        Without ``replace``, such a batch is refused whole (:class:`IndexConflictError`),
        as :meth:`SqliteIndex.add <dupecheck.index_sqlite.SqliteIndex.add>` does. The check and
        the articles' writes are one transaction (:meth:`_write_unless_changed`): an article
        another writer stores meanwhile is found as if it had been there first. When other
        writers change the articles during each of :data:`WRITE_ATTEMPTS` tries, nothing is added
        (:class:`IndexFileError`).
        """
        self._writable()
        listed = unique_articles(articles)
        ids = [a.id for a in listed]
        hashes = {a.id: content_hash(a.text) for a in listed}
        records: dict[str, Record] = {}

        def attempt() -> AddResult | None:
            known = self._hashes(ids)
            if not replace:
                self._refuse_replacing(listed, known)
            # Signed outside the transaction, which then holds only the writes: slow signing
            # would give other writers time to interrupt it.
            changed = [a for a in listed if known.get(a.id) != hashes[a.id]]
            for article in changed:
                if article.id not in records:
                    records[article.id] = record_of(article, self.settings)
            return self._write_unless_changed(ids, known, [records[a.id] for a in changed])

        with self._redis_errors():
            result = self._retried(attempt, changed="the articles were", task="add them", done="added")
        unchanged = tuple(a.id for a in listed if a.id not in result.added and a.id not in result.replaced)
        return AddResult(result.added, result.replaced, unchanged)

    def remove(self, article_id: str) -> bool:
        """Remove one article; False when the index does not hold it.

        The check and the removal are one transaction (:meth:`_remove_unless_changed`), so
        an article another writer replaces or removes meanwhile is never left half removed.
        When other writers change it during each of :data:`WRITE_ATTEMPTS` tries, nothing is
        removed (:class:`IndexFileError`).
        """
        self._writable()
        with self._redis_errors():
            return self._retried(
                lambda: self._remove_unless_changed(article_id),
                changed=f"the article '{article_id}' was",
                task="remove it",
                done="removed",
            )

    def _retried(self, attempt: Callable[[], _Done | None], *, changed: str, task: str, done: str) -> _Done:
        """What ``attempt`` returns, tried up to :data:`WRITE_ATTEMPTS` times while it returns None.

        An attempt is one optimistic transaction (``WATCH``, then ``MULTI``/``EXEC``) that
        returns None, having written nothing, when another writer changed a watched key. The
        error after the last try says what ``changed``, which ``task`` gave up and that nothing
        was ``done``.
        """
        for _ in range(WRITE_ATTEMPTS):
            result = attempt()
            if result is not None:
                return result
        raise IndexFileError(
            f"{self.location}: {changed} changed by other writers during each of "
            f"{WRITE_ATTEMPTS} tries to {task}, so nothing was {done}; try again"
        )

    def rebuild(self) -> int:
        """Re-sign every stored article with the current settings; the number of articles."""
        ids = self.ids()
        with self._redis_errors():
            rows = self._rows(ids)
        articles = [
            article_from(i, row[b"text"].decode(), row[b"fields"].decode()) for i, row in rows.items()
        ]
        return len(self.build(articles).added)

    def _clear(self) -> None:
        for keys in _chunks(list(self._redis.scan_iter(match=f"{_glob(self.prefix)}:*", count=1000))):
            self._redis.delete(*keys)
        self._redis.hset(self._key("meta"), mapping=metadata(self.settings))

    def _hashes(self, ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in _chunks(list(ids)):
            pipe = self._redis.pipeline(transaction=False)
            for article_id in chunk:
                pipe.hget(self._key("article", article_id), "sha256")
            for article_id, sha in zip(chunk, pipe.execute()):
                if sha is not None:
                    found[article_id] = sha.decode()
        return found

    def _refuse_replacing(self, articles: Sequence[Article], known: dict[str, str]) -> None:
        """Raise :func:`conflict_error` when any of ``articles`` would replace archived text."""
        clashing = replaced_articles(articles, known)
        if clashing:
            rows = self._rows([a.id for a in clashing])
            sources = {i: source_of(row[b"fields"].decode()) for i, row in rows.items()}
            raise conflict_error(self.location, [(a, sources.get(a.id, "")) for a in clashing])

    def _write_unless_changed(
        self, ids: Sequence[str], known: dict[str, str], records: Sequence[Record]
    ) -> AddResult | None:
        """Write ``records`` in one transaction if the articles ``ids`` are still stored as ``known`` says.

        None, and nothing written, when another writer has changed one of them since
        ``known`` was read, or does before the transaction runs (``WATCH`` on their keys).
        """
        if not ids:
            return AddResult()
        with self._redis.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(*(self._key("article", article_id) for article_id in ids))
                if self._hashes(ids) != known:
                    return None
                replaced = self._rows([r.id for r in records if r.id in known])
                self._transact(pipe, replaced, records)
            except redis.WatchError:
                return None
        return AddResult(tuple(r.id for r in records if r.id not in known), tuple(replaced))

    def _remove_unless_changed(self, article_id: str) -> bool | None:
        """Remove the article ``article_id`` in one transaction if no other writer changes it meanwhile.

        False when the index does not hold it. None, and nothing removed, when another
        writer changes it (``WATCH`` on its key) between this check and the transaction.
        """
        with self._redis.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(self._key("article", article_id))
                if not self._redis.sismember(self._key("ids"), article_id):
                    return False
                self._transact(pipe, self._rows([article_id]), [])
            except redis.WatchError:
                return None
        return True

    def _apply(self, records: Sequence[Record]) -> AddResult:
        """Write ``records`` of articles the index does not hold, one transaction per chunk of them."""
        for chunk in _chunks(list(records)):
            with self._redis.pipeline(transaction=True) as pipe:
                self._transact(pipe, {}, chunk)
        return AddResult(tuple(r.id for r in records))

    def _transact(self, pipe: Any, removed: dict[str, dict[bytes, bytes]], records: Sequence[Record]) -> None:
        """Remove the stored articles ``removed``, then write ``records``, in one ``MULTI``/``EXEC``.

        All that stores an article is in it: its hash, the ids and identity sets, its LSH
        entries and the shingle counts, so neither a crash nor another writer leaves part of
        an article's change. Every transaction that writes an article's LSH entries writes its
        hash too, so a ``WATCH`` on that hash (``pipe`` may hold one) covers the entries as
        well: they are read here, before ``MULTI``, to be taken out of their bands' buckets.
        """
        signatures = [(article_id, row[b"signatures"]) for article_id, row in removed.items()]
        # The new articles' keys too: an older dupecheck, which wrote LSH entries after its
        # transaction, may have left some under them.
        signatures += [(record.id, record.signatures) for record in records]
        keys = [key for article_id, blob in signatures for key in self._lsh_keys(article_id, blob)]
        stored = stored_lsh_bands(self._lsh, keys)
        delta: Counter[str] = Counter()
        pipe.multi()
        self._queue_removal(pipe, removed, delta)
        entries = self._queue_records(pipe, records, delta)
        queue_lsh_writes(pipe, self._lsh, stored, entries, self.settings)
        self._queue_shingles(pipe, delta)
        pipe.execute()

    def _lsh_keys(self, article_id: str, signatures: bytes) -> list[bytes]:
        """The LSH keys of the article ``article_id`` with the stored ``signatures``: one per signature."""
        count = len(signatures) // (SIGNATURE_DTYPE.itemsize * self.settings.num_perm)
        return [_lsh_key(article_id, n) for n in range(count)]

    def _queue_records(
        self, pipe: Any, records: Sequence[Record], delta: Counter[str]
    ) -> list[tuple[bytes, np.ndarray]]:
        """Queue the writes of ``records`` on ``pipe``; their LSH entries, for :func:`queue_lsh_writes`."""
        entries: list[tuple[bytes, np.ndarray]] = []
        for record in records:
            pipe.hset(
                self._key("article", record.id),
                mapping={
                    "fields": record.fields,
                    "text": record.text,
                    "sha256": record.sha256,
                    "paragraphs": record.paragraphs,
                    "identity": record.identity,
                    "signatures": record.signatures,
                },
            )
            pipe.sadd(self._key("ids"), record.id)
            if record.identity:
                pipe.sadd(self._key("identity", record.identity), record.id)
            values = stored_values(record.signatures, self.settings)
            entries.extend((_lsh_key(record.id, n), row) for n, row in enumerate(values))
            delta.update(record.content_shingles)
        return entries

    def _queue_removal(self, pipe: Any, rows: dict[str, dict[bytes, bytes]], delta: Counter[str]) -> None:
        """Queue the removal of the stored articles ``rows`` on ``pipe`` (their LSH entries apart)."""
        for article_id, row in rows.items():
            # The counts it takes part in are those of its paragraphs: they must be sound to be taken back.
            delta.subtract(content_shingles(self._document(article_id, row)))
            identity = row[b"identity"].decode()
            if identity:
                pipe.srem(self._key("identity", identity), article_id)
            pipe.delete(self._key("article", article_id))
            pipe.srem(self._key("ids"), article_id)

    def _queue_shingles(self, pipe: Any, delta: Counter[str]) -> None:
        """Queue the changes ``delta`` of the shingle counts on ``pipe``; counts that reach 0 go."""
        # A sorted set: a query reads only the shingles above the vocabulary limit (ZRANGEBYSCORE).
        name = self._key("shingles")
        for shingle, count in delta.items():
            if count:
                pipe.zincrby(name, count, shingle)
        if any(count < 0 for count in delta.values()):
            pipe.zremrangebyscore(name, "-inf", 0)

    def _rows(self, ids: Sequence[str]) -> dict[str, dict[bytes, bytes]]:
        found: dict[str, dict[bytes, bytes]] = {}
        for chunk in _chunks(list(ids)):
            pipe = self._redis.pipeline(transaction=False)
            for article_id in chunk:
                pipe.hgetall(self._key("article", article_id))
            for article_id, row in zip(chunk, pipe.execute()):
                if row:
                    if any(field not in row for field in _FIELDS):
                        raise ValueError(f"article {article_id} lacks fields")
                    found[article_id] = row
        return found

    # Reading

    def query(self, articles: Iterable[Article], *, settings: Settings | None = None) -> list[PairResult]:
        """The archive articles each of ``articles`` duplicates, rewrites or partly copies."""
        return list(self.query_report(articles, settings=settings).pairs)

    def query_report(self, articles: Iterable[Article], *, settings: Settings | None = None) -> ScanReport:
        """A scan report of ``articles`` against the archive (query ``a``, archive article ``b``).

        ``settings`` (by default the index's) decide which pairs are reported, as in
        :meth:`SqliteIndex.query_report <dupecheck.index_sqlite.SqliteIndex.query_report>`.
        """
        verify_with = query_settings(self.settings, settings, self.location)
        listed = unique_articles(articles)
        documents = [build_document(article, self.settings) for article in listed]
        with self._redis_errors():
            candidate_ids = self._candidates(documents)
            ids = sorted(set().union(*candidate_ids))
            numbers = {article_id: n for n, article_id in enumerate(ids)}
            rows = self._rows(ids)
            archive = {numbers[i]: self._document(i, row) for i, row in rows.items()}
            candidates = [{numbers[i] for i in found if numbers[i] in archive} for found in candidate_ids]
            size = int(self._redis.scard(self._key("ids")))
            limit = max(verify_with.common_share * (size + len(documents)), verify_with.common_min_docs)
            frequent: dict[str, int] = {}
            if size + len(documents) > limit:
                above = self._redis.zrangebyscore(
                    self._key("shingles"), f"({limit - len(documents)}", "+inf", withscores=True
                )
                frequent = {shingle.decode(): int(count) for shingle, count in above}
        return verify_query(documents, archive, candidates, frequent, size, verify_with)

    def _document(self, article_id: str, row: dict[bytes, bytes]) -> Document:
        """The Document stored as ``row``; damage is an :class:`IndexFileError` naming the article."""
        with damaged_article(self.location, article_id):
            text, fields, paragraphs = (row[name].decode() for name in (b"text", b"fields", b"paragraphs"))
            return stored_document(article_id, text, fields, paragraphs, self.settings.min_terms)

    def _candidates(self, documents: Sequence[Document]) -> list[set[str]]:
        rows: list[np.ndarray] = []
        owner: list[int] = []
        for position, document in enumerate(documents):
            values = signature_values(signature_sets(document, self.settings.min_terms), self.settings)
            rows.extend(values)
            owner.extend([position] * len(values))
        found: list[set[str]] = [set() for _ in documents]
        for position, keys in zip(owner, redis_query(self._lsh, rows)):
            found[position].update(_article_of(key) for key in keys)
        pipe = self._redis.pipeline(transaction=False)
        identities = [identity_of(document) for document in documents]
        for identity in identities:
            pipe.smembers(self._key("identity", identity or "-"))
        for position, (identity, members) in enumerate(zip(identities, pipe.execute())):
            if identity:
                found[position].update(m.decode() for m in members)
        return found

    def ids(self) -> list[str]:
        """The ids of the archived articles, sorted."""
        with self._redis_errors():
            return sorted(i.decode() for i in self._redis.smembers(self._key("ids")))

    def stats(self) -> IndexStats:
        """Counts of what the index holds; ``size_bytes`` is Redis's own memory use of the prefix's keys."""
        ids = self.ids()
        paragraphs = signatures = size = 0
        with self._redis_errors():
            for row in self._rows(ids).values():
                paragraphs += len(json.loads(row[b"paragraphs"]))
                signatures += len(row[b"signatures"]) // (SIGNATURE_DTYPE.itemsize * self.settings.num_perm)
            names = list(self._redis.scan_iter(match=f"{_glob(self.prefix)}:*", count=1000))
            for chunk in _chunks(names):
                pipe = self._redis.pipeline(transaction=False)
                for name in chunk:
                    pipe.memory_usage(name)
                size += sum(int(n or 0) for n in pipe.execute())
            band_keys = sum(1 for name in names if name.startswith(self._lsh_name + b"_bucket"))
            shingle_count = int(self._redis.zcard(self._key("shingles")))
            stored = self._metadata()
        return IndexStats(
            articles=len(ids),
            paragraphs=paragraphs,
            signatures=signatures,
            band_keys=band_keys,
            shingles=shingle_count,
            size_bytes=size,
            format_version=int(stored["format_version"]),
            settings=settings_from(stored),
        )

    def verify(self) -> list[str]:
        """Check every article (text hash, paragraphs, signatures, LSH keys) and the shingle counts."""
        problems: list[str] = []
        counts: Counter[str] = Counter()
        ids = self.ids()
        with self._redis_errors():
            raw_rows: dict[str, dict[bytes, bytes]] = {}
            for chunk in _chunks(ids):
                pipe = self._redis.pipeline(transaction=False)
                for article_id in chunk:
                    pipe.hgetall(self._key("article", article_id))
                raw_rows.update(zip(chunk, pipe.execute()))
            signature_keys: set[bytes] = set()
            for article_id, row in raw_rows.items():
                if any(field not in row for field in _FIELDS):
                    problems.append(f"{article_id}: stored article lacks fields")
                    continue
                keys = self._lsh_keys(article_id, row[b"signatures"])
                signature_keys.update(keys)
                found, document = verify_stored_article(
                    article_id,
                    row[b"text"],
                    row[b"sha256"],
                    row[b"fields"],
                    row[b"paragraphs"],
                    self.settings.min_terms,
                )
                problems += found
                if document is None:
                    continue
                if row[b"identity"].decode() != identity_of(document):
                    problems.append(f"{article_id}: identity hash does not match its paragraphs")
                size = len(signature_sets(document, self.settings.min_terms))
                blob = row[b"signatures"]
                width = SIGNATURE_DTYPE.itemsize
                if len(blob) != size * self.settings.num_perm * width:
                    problems.append(
                        f"{article_id}: signatures hold {len(blob)} bytes, expected "
                        f"{size} x {self.settings.num_perm} x {width}"
                    )
                    continue
                entries = list(zip(keys, stored_values(blob, self.settings)))
                missing, otherwise = lsh_mismatches(self._lsh, entries, self.settings)
                if missing:
                    problems.append(f"{article_id}: {missing} of its {size} signatures missing from the LSH")
                if otherwise:
                    problems.append(
                        f"{article_id}: {otherwise} of its {size} signatures stored in the LSH "
                        "with other band keys"
                    )
                counts.update(content_shingles(document))
            stored_counts = {
                s.decode(): int(n) for s, n in self._redis.zscan_iter(self._key("shingles"), count=10000)
            }
            strays = len(lsh_keys(self._lsh) - signature_keys)
        if strays:
            problems.append(f"lsh: {strays} keys of no stored signature")
        if stored_counts != dict(counts):
            wrong = sum(1 for s in stored_counts.keys() | counts.keys() if stored_counts.get(s) != counts[s])
            problems.append(f"shingles: {wrong} document counts do not match the articles")
        return problems


def _lsh_key(article_id: str, number: int) -> bytes:
    """The LSH key of an article's ``number``-th signature: its id, a NUL, the number."""
    return f"{article_id}\0{number}".encode()


def _article_of(key: bytes) -> str:
    return key.decode().rsplit("\0", 1)[0]


def _glob(prefix: str) -> str:
    """``prefix`` with Redis glob characters escaped."""
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in prefix)


def _chunks(items: list[Any], size: int = _BATCH) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
