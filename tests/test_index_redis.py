"""The shared index on a real redis-server started for these tests (see ``make redis``)."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import typer
from paths import SAMPLES
from typer.testing import CliRunner

from dupecheck import index_redis
from dupecheck.candidates import lsh_bands, queue_lsh_writes, redis_lsh, redis_query, stored_lsh_bands
from dupecheck.cli import app as main_app
from dupecheck.cli_index import index_app, query
from dupecheck.document import build_document
from dupecheck.errors import DupecheckError
from dupecheck.index import (
    IndexConflictError,
    IndexFileError,
    IndexSettingsError,
    open_index,
    signature_sets,
    signature_values,
    stored_values,
)
from dupecheck.index_redis import free_port, local_server
from dupecheck.model import Article
from dupecheck.settings import Settings
from dupecheck.sign import signature_of

EXIT_OK, EXIT_DUPLICATES, EXIT_ERROR = 0, 1, 2

app = typer.Typer()
app.add_typer(index_app, name="index")
app.command("query")(query)
runner = CliRunner()
WIRE = SAMPLES / "wire-flood-barrier.txt"


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed; run `make redis` (CI must install it)")
        pytest.skip("redis-server is not installed; `make redis` installs it")
    try:
        with local_server(str(tmp_path_factory.mktemp("redis")), server=server) as port:
            yield port
    except DupecheckError as error:
        pytest.fail(str(error))


@pytest.fixture
def location(redis_port: int, request: pytest.FixtureRequest) -> str:
    prefix = request.node.name.replace("[", "-").replace("]", "")
    client = redis.Redis(host="127.0.0.1", port=redis_port)
    client.flushdb()
    client.close()
    return f"redis://127.0.0.1:{redis_port}/0?prefix={prefix}"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    folder.mkdir()
    for path in SAMPLES.glob("*.txt"):
        if not path.name.startswith("wire-"):
            (folder / path.name).write_bytes(path.read_bytes())
    return folder


def test_build_query_stats_verify(location: str, archive: Path) -> None:
    result = runner.invoke(app, ["index", "build", str(archive), "--index", location])
    assert result.exit_code == EXIT_OK, result.output
    result = runner.invoke(app, ["query", str(WIRE), "--index", location, "-f", "json"])
    assert result.exit_code == EXIT_OK, result.output
    pairs = json.loads(result.stdout)["pairs"]
    assert pairs and all(p["a"] == WIRE.name.removesuffix(".txt") or p["a"] for p in pairs)
    result = runner.invoke(app, ["index", "stats", "--index", location])
    assert result.exit_code == EXIT_OK, result.output
    assert f"{len(list(archive.glob('*.txt')))} articles" in result.stdout
    result = runner.invoke(app, ["index", "verify", "--index", location])
    assert result.exit_code == EXIT_OK, result.output
    assert "ok" in result.stdout


def test_same_pairs_as_sqlite(location: str, archive: Path, tmp_path: Path) -> None:
    articles = [Article(p.stem, p.read_text()) for p in sorted(archive.glob("*.txt"))]
    wire = Article("wire", WIRE.read_text())
    with open_index(location, create=True, check_settings=False) as index:
        index.build(articles)
    with open_index(tmp_path / "a.db", create=True, check_settings=False) as index:
        index.build(articles)
    with open_index(location, readonly=True) as index:
        on_redis = [(p.a, p.b, p.relation) for p in index.query([wire])]
    with open_index(tmp_path / "a.db", readonly=True) as index:
        on_sqlite = [(p.a, p.b, p.relation) for p in index.query([wire])]
    assert on_redis == on_sqlite and on_redis


def test_add_and_remove(location: str, archive: Path) -> None:
    articles = [Article(p.stem, p.read_text()) for p in sorted(archive.glob("*.txt"))]
    wire = Article("wire", WIRE.read_text())
    with open_index(location, create=True, check_settings=False) as index:
        index.build(articles[:2])
        result = index.add(articles)
        assert set(result.added) == {a.id for a in articles[2:]}
        assert set(result.unchanged) == {a.id for a in articles[:2]}
        matched = {p.b for p in index.query([wire])}
        assert matched
        changed = Article(
            articles[0].id, articles[0].text + "\n\nA new closing paragraph about something else."
        )
        assert index.add([changed], replace=True).replaced == (changed.id,)
        for article_id in matched:
            assert index.remove(article_id)
        assert not index.remove("no-such-article")
        assert index.query([wire]) == []
        assert index.verify() == []
        assert index.stats().articles == len(articles) - len(matched)


def test_cli_add_remove(location: str, archive: Path, tmp_path: Path) -> None:
    first = tmp_path / "first"
    first.mkdir()
    (first / "one.txt").write_text(WIRE.read_text())
    assert runner.invoke(app, ["index", "build", str(first), "--index", location]).exit_code == EXIT_OK
    result = runner.invoke(app, ["index", "add", str(archive), "--index", location])
    assert result.exit_code == EXIT_OK, result.output
    result = runner.invoke(app, ["index", "remove", "one.txt", "--index", location])
    assert result.exit_code == EXIT_OK, result.output
    result = runner.invoke(app, ["index", "remove", "one.txt", "--index", location])
    assert result.exit_code == EXIT_ERROR


def test_other_text_under_an_archived_id_is_refused_unless_replacing(location: str, tmp_path: Path) -> None:
    day1, day2 = tmp_path / "day1", tmp_path / "day2"
    for day, sample in ((day1, "ferry-strike.txt"), (day2, "library-reopens.txt")):
        day.mkdir()
        (day / "story.txt").write_bytes((SAMPLES / sample).read_bytes())
    assert runner.invoke(app, ["index", "build", str(day1), "--index", location]).exit_code == EXIT_OK
    result = runner.invoke(app, ["index", "add", str(day2), "--index", location])
    assert result.exit_code == EXIT_ERROR
    assert "'story.txt' (archived from " in result.output
    assert "day1/story.txt, now read from " in result.output
    with open_index(location, readonly=True) as index:
        assert index.ids() == ["story.txt"]
        assert index.query([Article("day1", (day1 / "story.txt").read_text())])
    result = runner.invoke(app, ["index", "add", str(day1), "--index", location])
    assert result.exit_code == EXIT_OK, result.output
    assert "1 unchanged" in result.output
    result = runner.invoke(app, ["index", "add", str(day2), "--replace", "--index", location])
    assert result.exit_code == EXIT_OK, result.output
    assert "1 replaced" in result.output


def test_settings_mismatch(location: str, archive: Path) -> None:
    with open_index(location, create=True, check_settings=False) as index:
        index.build([Article("a", WIRE.read_text())])
    with pytest.raises(IndexSettingsError, match=r"num_perm 128 \(now 64\).*index rebuild"):
        open_index(location, Settings(num_perm=64), readonly=True)
    result = runner.invoke(main_app, ["check", str(archive), "--index", location, "--num-perm", "64"])
    assert result.exit_code == EXIT_ERROR
    assert "rebuild" in result.output


def test_messages_never_show_the_password(location: str, archive: Path, redis_port: int) -> None:
    client = redis.Redis(host="127.0.0.1", port=redis_port)
    client.acl_setuser("ci", enabled=True, passwords=["+s3cr3t"], keys=["*"], commands=["+@all"])
    client.close()
    secret = location.replace("redis://", "redis://ci:s3cr3t@", 1)
    shown = location.replace("redis://", "redis://ci:***@", 1)
    try:
        outputs = []
        for command in (
            ["index", "build", str(archive)],
            ["index", "add", str(archive)],
            ["index", "stats"],
            ["index", "verify"],
            ["index", "rebuild"],
            ["index", "remove", "ferry-strike.txt"],
            ["index", "remove", "ferry-strike.txt"],
        ):
            result = runner.invoke(app, [*command, "--index", secret])
            assert result.exit_code in (EXIT_OK, EXIT_ERROR), result.output
            outputs.append(result.output)
        assert all(shown in output and "s3cr3t" not in output for output in outputs), outputs
        wrong = secret.replace("s3cr3t", "wr0ng")
        result = runner.invoke(app, ["index", "stats", "--index", wrong])
        assert result.exit_code == EXIT_ERROR
        assert "refused the credentials" in result.output
        assert "wr0ng" not in result.output
    finally:
        client = redis.Redis(host="127.0.0.1", port=redis_port)
        client.acl_deluser("ci")
        client.close()


def test_an_index_built_with_other_settings_is_used_with_them(location: str, archive: Path) -> None:
    options = ["--num-perm", "64", "--seed", "7"]
    result = runner.invoke(app, ["index", "build", str(archive), "--index", location, *options])
    assert result.exit_code == EXIT_OK, result.output
    for command in (["query", str(WIRE)], ["index", "add", str(SAMPLES)], ["index", "verify"]):
        result = runner.invoke(app, [*command, "--index", location])
        assert result.exit_code == EXIT_OK, result.output
    assert "rewrite" in runner.invoke(app, ["query", str(WIRE), "--index", location]).stdout
    with open_index(location, readonly=True) as index:
        assert index.stats().settings == Settings(num_perm=64, seed=7)
    result = runner.invoke(main_app, ["check", str(archive), "--index", location, "--num-perm", "64"])
    assert result.exit_code == EXIT_ERROR
    assert "or use the settings it was built with (--seed 7)" in result.output


def test_missing_index_and_server(location: str, redis_port: int) -> None:
    result = runner.invoke(app, ["index", "stats", "--index", location])
    assert result.exit_code == EXIT_ERROR
    assert "no index here" in result.output
    closed = free_port()
    result = runner.invoke(app, ["index", "stats", "--index", f"redis://127.0.0.1:{closed}/0?prefix=x"])
    assert result.exit_code == EXIT_ERROR
    assert "cannot reach" in result.output


class _Plant:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (self.marker, "w"))


def test_planted_pickles_are_never_loaded(
    location: str, archive: Path, tmp_path: Path, redis_port: int
) -> None:
    marker = tmp_path / "unpickled"
    payload = pickle.dumps(_Plant(str(marker)))
    assert runner.invoke(app, ["index", "build", str(archive), "--index", location]).exit_code == EXIT_OK
    client = redis.Redis(host="127.0.0.1", port=redis_port)
    prefix = location.rsplit("prefix=", 1)[1]
    for name in client.scan_iter(match=f"{prefix}:*"):
        kind = client.type(name)
        if kind == b"set":
            client.sadd(name, payload)
        elif kind == b"list":
            client.rpush(name, payload)
        elif kind == b"hash" and not name.endswith(b":meta"):
            client.hset(name, "planted", payload)
    client.set(f"{prefix}:planted", payload)
    client.close()
    result = runner.invoke(app, ["query", str(WIRE), "--index", location])
    assert result.exit_code in (EXIT_OK, EXIT_ERROR), result.output
    runner.invoke(app, ["index", "verify", "--index", location])
    runner.invoke(app, ["index", "stats", "--index", location])
    assert not marker.exists()


def test_a_server_that_does_not_start_is_an_error(tmp_path: Path) -> None:
    false = shutil.which("false")
    assert false is not None
    with pytest.raises(DupecheckError, match="did not start"), local_server(str(tmp_path), server=false):
        pass


_OURS = Article(
    "story.txt", "The library reopened on Monday after a year of repairs to its roof.", "day2/story.txt"
)
_THEIRS = Article(
    "story.txt", "The ferry strike ended on Monday morning after talks through the night.", "day1/story.txt"
)


def test_an_article_another_writer_stores_meanwhile_is_not_replaced(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed = index_redis.record_of

    def signed_while_another_writer_adds(article: Article, settings: Settings) -> object:
        monkeypatch.setattr(index_redis, "record_of", signed)
        with open_index(location) as other:  # between our read of the ids and our write
            other.add([_THEIRS])
        return signed(article, settings)

    with open_index(location, create=True) as index:
        index.build([Article("other.txt", WIRE.read_text())])
    monkeypatch.setattr(index_redis, "record_of", signed_while_another_writer_adds)
    with open_index(location) as index:
        with pytest.raises(IndexConflictError, match=r"archived from day1/story\.txt"):
            index.add([_OURS])
        assert index.add([_THEIRS]).unchanged == (_THEIRS.id,)
        assert index.verify() == []


def _stored_text(location: str, article_id: str) -> str:
    with open_index(location, readonly=True) as index:
        assert isinstance(index, index_redis.RedisIndex)
        return index._rows([article_id])[article_id][b"text"].decode()


def _replace_theirs(location: str, edition: int) -> None:
    """Another client stores a new text under ``_THEIRS``'s id (an ``add --replace``)."""
    with open_index(location) as other:
        other.add([Article(_THEIRS.id, f"{_THEIRS.text} Edition {edition}.", _THEIRS.source)], replace=True)


def _after_calls(
    function: Callable[..., Any], on: set[int], then: Callable[[int], object]
) -> Callable[..., Any]:
    """``function``, calling ``then`` with the call's number after its ``on``-th calls (counted from 1).

    Calls made by ``then`` itself are not counted.
    """
    calls = 0
    running = False

    def called(*args: Any) -> Any:
        nonlocal calls, running
        if running:
            return function(*args)
        calls += 1
        found = function(*args)
        if calls in on:
            running = True
            try:
                then(calls)
            finally:
                running = False
        return found

    return called


def _another_writer_after_reads(
    location: str,
    index: object,
    monkeypatch: pytest.MonkeyPatch,
    *,
    on: set[int],
    read: str = "_hashes",
    write: Callable[[str, int], object] = _replace_theirs,
) -> None:
    """After the ``on``-th calls (counted from 1) of ``index``'s ``read``, another client runs ``write``.

    ``write`` is given the location and the call's number; by default it stores a new text.
    """
    assert isinstance(index, index_redis.RedisIndex)
    monkeypatch.setattr(
        index, read, _after_calls(getattr(index, read), on, lambda call: write(location, call))
    )


def test_an_article_another_writer_stores_while_watched_is_not_replaced(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_index(location, create=True) as index:
        index.build([Article("other.txt", WIRE.read_text())])
    with open_index(location) as index:
        # After the check (the first read), when the transaction reads again under WATCH: EXEC fails.
        _another_writer_after_reads(location, index, monkeypatch, on={2})
        with pytest.raises(IndexConflictError, match=r"archived from day1/story\.txt"):
            index.add([_OURS])
    assert _stored_text(location, "story.txt") == f"{_THEIRS.text} Edition 2."
    with open_index(location) as index:
        assert index.ids() == ["other.txt", "story.txt"]
        assert index.verify() == []


def test_an_add_that_other_writers_keep_interrupting_gives_up(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_index(location, create=True) as index:
        index.build([_THEIRS])
    with open_index(location) as index:
        _another_writer_after_reads(location, index, monkeypatch, on=set(range(1, 100)))
        with pytest.raises(IndexFileError, match=r"changed by other writers .* nothing was added; try again"):
            index.add([_OURS], replace=True)
    assert _stored_text(location, "story.txt").startswith(f"{_THEIRS.text} Edition ")
    with open_index(location) as index:
        assert index.ids() == ["story.txt"]
        assert index.verify() == []


@pytest.mark.parametrize(
    "tamper",
    [lambda paragraphs: paragraphs.replace(b'"content"', b'"boilerplate"'), lambda paragraphs: b"\xff["],
    ids=["kinds without reasons", "not text"],
)
def test_a_query_over_a_damaged_stored_article_exits_2_naming_it(
    location: str, archive: Path, redis_port: int, tamper: Any
) -> None:
    assert runner.invoke(app, ["index", "build", str(archive), "--index", location]).exit_code == EXIT_OK
    client = redis.Redis(host="127.0.0.1", port=redis_port)
    client.acl_setuser("ci", enabled=True, passwords=["+s3cr3t"], keys=["*"], commands=["+@all"])
    prefix = location.rsplit("prefix=", 1)[1]
    key = f"{prefix}:article:flood-barrier-rewrite.txt"
    client.hset(key, "paragraphs", tamper(client.hget(key, "paragraphs")))
    secret = location.replace("redis://", "redis://ci:s3cr3t@", 1)
    shown = location.replace("redis://", "redis://ci:***@", 1)
    try:
        result = runner.invoke(app, ["query", str(WIRE), "--index", secret])
        assert result.exit_code == EXIT_ERROR, result.output
        assert result.output.startswith(f"error: {shown}: the stored article 'flood-barrier-rewrite.txt' is ")
        assert len(result.output.strip().splitlines()) == 1 and "s3cr3t" not in result.output
        result = runner.invoke(main_app, ["check", str(WIRE), "--index", secret])
        assert result.exit_code == EXIT_ERROR, result.output
        assert "the stored article 'flood-barrier-rewrite.txt' is damaged" in result.output
        result = runner.invoke(app, ["index", "verify", "--index", secret])
        assert result.exit_code == EXIT_ERROR and "flood-barrier-rewrite.txt: " in result.output
    finally:
        client.acl_deluser("ci")
        client.close()


def test_a_query_takes_its_own_thresholds(location: str, archive: Path) -> None:
    assert runner.invoke(app, ["index", "build", str(archive), "--index", location]).exit_code == EXIT_OK
    found = []
    for options in ([], ["--anchor-threshold", "0.95", "--partial-threshold", "0.5"]):
        result = runner.invoke(app, ["query", str(WIRE), "--index", location, *options, "-f", "json"])
        assert result.exit_code == EXIT_OK, result.output
        found.append({p["b"] for p in json.loads(result.stdout)["pairs"]})
    assert found[1] < found[0] and found[1]


def _remove_theirs(location: str, _: int) -> None:
    with open_index(location) as other:
        assert other.remove(_THEIRS.id)


def _matched_ids(location: str, text: str) -> set[str]:
    with open_index(location, readonly=True) as index:
        return {p.b for p in index.query([Article("query", text)])}


def test_a_remove_another_writer_interrupts_is_tried_again_and_removes_all_of_the_new_text(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_index(location, create=True) as index:
        index.build([_THEIRS, Article("other.txt", WIRE.read_text())])
    with open_index(location) as index:
        # The remove reads the stored article under WATCH; another client replaces it then: EXEC fails.
        _another_writer_after_reads(location, index, monkeypatch, on={1}, read="_rows")
        assert index.remove(_THEIRS.id)
        assert index.ids() == ["other.txt"]
        assert index.verify() == []
    assert _matched_ids(location, f"{_THEIRS.text} Edition 1.") == set()


def test_a_remove_finds_nothing_when_another_writer_removed_the_article_meanwhile(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_index(location, create=True) as index:
        index.build([_THEIRS, Article("other.txt", WIRE.read_text())])
    with open_index(location) as index:
        _another_writer_after_reads(location, index, monkeypatch, on={1}, read="_rows", write=_remove_theirs)
        assert not index.remove(_THEIRS.id)
        assert index.ids() == ["other.txt"]
        assert index.verify() == []


def test_a_remove_that_other_writers_keep_interrupting_gives_up_and_removes_nothing(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_index(location, create=True) as index:
        index.build([_THEIRS, Article("other.txt", WIRE.read_text())])
    with open_index(location) as index:
        _another_writer_after_reads(location, index, monkeypatch, on=set(range(1, 100)), read="_rows")
        gave_up = r"'story\.txt' was changed by other writers .* nothing was removed; try again"
        with pytest.raises(IndexFileError, match=gave_up):
            index.remove(_THEIRS.id)
    assert _stored_text(location, _THEIRS.id) == f"{_THEIRS.text} Edition {index_redis.WRITE_ATTEMPTS}."
    with open_index(location) as index:
        assert index.ids() == ["other.txt", "story.txt"]
        assert index.verify() == []
    assert _matched_ids(location, _stored_text(location, _THEIRS.id)) == {_THEIRS.id}


def _dump(client: redis.Redis, basename: bytes) -> dict[bytes, object]:
    """Every key under ``basename`` with its value, ``basename`` taken out of names and values."""

    def bare(value: bytes) -> bytes:
        return value.replace(basename, b"", 1) if value.startswith(basename) else value

    found: dict[bytes, object] = {}
    for name in client.scan_iter(match=basename + b"*"):
        kind = client.type(name)
        if kind == b"hash":
            found[bare(name)] = {k: bare(v) for k, v in client.hgetall(name).items()}
        elif kind == b"list":
            found[bare(name)] = client.lrange(name, 0, -1)
        else:
            assert kind == b"set", (name, kind)
            found[bare(name)] = client.smembers(name)
    return found


def test_lsh_entries_written_in_a_transaction_are_those_datasketch_writes(redis_port: int) -> None:
    # dupecheck writes datasketch's layout itself (queue_lsh_writes): this pins it to datasketch's.
    settings = Settings()
    values = [
        row
        for path in sorted(SAMPLES.glob("*.txt"))
        for row in signature_values(
            signature_sets(
                build_document(Article(path.name, path.read_text()), settings), settings.min_terms
            ),
            settings,
        )
    ]
    entries = [(f"k{n}".encode(), row) for n, row in enumerate(values)]
    client = redis.Redis(host="127.0.0.1", port=redis_port)
    client.flushdb()
    connection = {"host": "127.0.0.1", "port": redis_port}
    theirs, ours = redis_lsh(settings, b"theirs:", connection), redis_lsh(settings, b"ours:", connection)

    def write_ours(removed: list[bytes], inserted: list[tuple[bytes, Any]]) -> None:
        stored = stored_lsh_bands(ours, removed)
        with client.pipeline(transaction=True) as pipe:
            pipe.multi()
            queue_lsh_writes(pipe, ours, stored, inserted, settings)
            pipe.execute()

    with theirs.insertion_session() as session:
        for key, row in entries:
            session.insert(key, signature_of(row, settings), check_duplication=False)
    write_ours([], entries)
    assert _dump(client, b"theirs:") == _dump(client, b"ours:") != {}
    # A removal, and a replacement (removal and insertion of one key in one transaction).
    removed, replaced = [key for key, _ in entries[::3]], entries[1][0]
    with theirs.deletion_session() as session:
        for key in [*removed, replaced]:
            session.remove(key)
    with theirs.insertion_session() as session:
        session.insert(replaced, signature_of(values[-1], settings), check_duplication=False)
    write_ours(removed, [])
    write_ours([replaced], [(replaced, values[-1])])
    assert _dump(client, b"theirs:") == _dump(client, b"ours:")
    assert redis_query(ours, values) == redis_query(theirs, values)
    assert replaced in redis_query(ours, [values[-1]])[0]
    client.flushdb()
    client.close()


def _band_lists(location: str, article_id: str) -> tuple[list[list[bytes]], list[list[bytes]]]:
    """The LSH bands stored for an article's signatures, and those its stored signatures give."""

    with open_index(location, readonly=True) as index:
        assert isinstance(index, index_redis.RedisIndex)
        blob = index._rows([article_id])[article_id][b"signatures"]
        keys = index._lsh_keys(article_id, blob)
        stored = stored_lsh_bands(index._lsh, keys)
        expected = [lsh_bands(index._lsh, row, index.settings) for row in stored_values(blob, index.settings)]
        return [stored.get(key, []) for key in keys], expected


_FIRST, _SECOND = (SAMPLES / "ferry-strike.txt").read_text(), (SAMPLES / "library-reopens.txt").read_text()


def _replace_with_second(location: str, _: int) -> None:
    with open_index(location) as other:
        assert other.add([Article("story.txt", _SECOND)], replace=True).replaced == ("story.txt",)


def test_a_replace_right_after_another_replaces_transaction_leaves_no_stale_lsh_entries(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two `add --replace` of one id: the second runs whole just after the first's EXEC, where
    # the first used to write its LSH entries (and so wrote them over the second's).
    with open_index(location, create=True) as index:
        index.build([Article("story.txt", _THEIRS.text), Article("other.txt", WIRE.read_text())])
    with open_index(location) as index:
        assert isinstance(index, index_redis.RedisIndex)
        ours = index._redis.connection_pool
        execute = redis.client.Pipeline.execute
        armed = True

        def execute_then_another_writer_replaces(pipe: redis.client.Pipeline, *args: Any) -> Any:
            nonlocal armed
            ours_exec = armed and pipe.connection_pool is ours and pipe.explicit_transaction
            result = execute(pipe, *args)
            if ours_exec:
                armed = False
                _replace_with_second(location, 1)
            return result

        monkeypatch.setattr(redis.client.Pipeline, "execute", execute_then_another_writer_replaces)
        assert index.add([Article("story.txt", _FIRST)], replace=True).replaced == ("story.txt",)
        assert not armed
        monkeypatch.undo()
    _assert_story_is_only(location, _SECOND, not_=_FIRST)


def _assert_story_is_only(location: str, text: str, *, not_: str) -> None:
    """story.txt is stored as ``text``, its LSH bands are its signatures', and only ``text`` finds it."""
    assert _stored_text(location, "story.txt") == text
    stored, expected = _band_lists(location, "story.txt")
    assert stored == expected
    with open_index(location) as index:
        assert index.verify() == []
    assert "story.txt" in _matched_ids(location, text)
    assert "story.txt" not in _matched_ids(location, not_)


@pytest.mark.parametrize("read", ["_hashes", "_rows", "stored_lsh_bands"])
def test_a_replace_that_another_replace_interrupts_is_tried_again_with_no_stale_lsh_entries(
    location: str, monkeypatch: pytest.MonkeyPatch, read: str
) -> None:
    # The second replace runs whole after one of the first's reads under WATCH: its hashes, the
    # article it replaces, or that article's LSH bands (read to be taken out of their buckets).
    with open_index(location, create=True) as index:
        index.build([Article("story.txt", _THEIRS.text), Article("other.txt", WIRE.read_text())])
    interrupted: list[int] = []

    def another_writer_replaces(where: str, call: int) -> None:
        interrupted.append(call)
        _replace_with_second(where, call)

    with open_index(location) as index:
        # The first read of the hashes is add's check, outside the transaction: take the second.
        on = {2} if read == "_hashes" else {1}
        if read == "stored_lsh_bands":
            read_once = _after_calls(
                index_redis.stored_lsh_bands, on, lambda call: another_writer_replaces(location, call)
            )
            monkeypatch.setattr(index_redis, read, read_once)
        else:
            _another_writer_after_reads(
                location, index, monkeypatch, on=on, read=read, write=another_writer_replaces
            )
        assert index.add([Article("story.txt", _FIRST)], replace=True).replaced == ("story.txt",)
    assert interrupted == sorted(on)
    _assert_story_is_only(location, _FIRST, not_=_SECOND)


def test_stale_and_stray_lsh_entries_are_reported_by_verify_and_replaced_by_the_next_write(
    location: str,
) -> None:
    with open_index(location, create=True) as index:
        index.build([Article("story.txt", _FIRST), Article("other.txt", WIRE.read_text())])
    with open_index(location) as index:
        assert isinstance(index, index_redis.RedisIndex)
        # What an older dupecheck, writing LSH entries after its transaction, could leave: a
        # second insert over the first (story.txt), and an article's entries after its removal.
        inserted = [
            (index_redis._lsh_key(article.id, n), row)
            for article in (Article("story.txt", _SECOND), Article("gone.txt", _SECOND))
            for n, row in enumerate(
                stored_values(index_redis.record_of(article, index.settings).signatures, index.settings)
            )
        ]
        with index._redis.pipeline(transaction=True) as pipe:
            pipe.multi()
            queue_lsh_writes(pipe, index._lsh, {}, inserted, index.settings)
            pipe.execute()
        problems = index.verify()
        assert any(p.startswith("story.txt: ") and "with other band keys" in p for p in problems), problems
        assert any(p.startswith("lsh: ") and "keys of no stored signature" in p for p in problems), problems
        # Writes replace all the entries under the keys of the articles they write (keys past
        # an article's number of signatures are found by verify only: rebuild drops them).
        assert index.add([Article("story.txt", _SECOND)], replace=True).replaced == ("story.txt",)
        assert index.add([Article("gone.txt", _SECOND)]).added == ("gone.txt",)
        assert index.verify() == []
        assert index.remove("gone.txt")
        assert index.verify() == []
    assert _matched_ids(location, _FIRST) == set()
    assert _matched_ids(location, _SECOND) == {"story.txt"}


def _moved(paragraphs: str) -> str:
    """Stored paragraphs each pointing one character further into the text (they no longer fit it)."""
    return json.dumps([[start + 1, end + 1, *rest] for start, end, *rest in json.loads(paragraphs)])


@pytest.mark.parametrize(
    "tamper", [lambda paragraphs: "not json", _moved], ids=["paragraphs do not decode", "do not fit"]
)
def test_both_stores_report_an_article_damaged_two_ways_alike(
    location: str, archive: Path, tmp_path: Path, redis_port: int, tamper: Any
) -> None:
    # The text no longer matches its hash, and its paragraphs are damaged too: the hash comes first.
    articles = [Article(p.name, p.read_text()) for p in sorted(archive.glob("*.txt"))]
    path = tmp_path / "a.db"
    for where in (location, path):
        with open_index(where, create=True) as index:
            index.build(articles)
    with sqlite3.connect(path) as db:
        (paragraphs,) = db.execute("SELECT paragraphs FROM articles WHERE id = 'ferry-strike.txt'").fetchone()
        db.execute(
            "UPDATE articles SET text = text || ' Edited.', paragraphs = ? WHERE id = 'ferry-strike.txt'",
            (tamper(paragraphs),),
        )
    client = redis.Redis(host="127.0.0.1", port=redis_port)
    key = f"{location.rsplit('prefix=', 1)[1]}:article:ferry-strike.txt"
    text = client.hget(key, "text")
    assert isinstance(text, bytes)
    client.hset(key, mapping={"text": text + b" Edited.", "paragraphs": tamper(paragraphs)})
    client.close()
    found = []
    for where in (location, path):
        with open_index(where, readonly=True) as index:
            found.append([p for p in index.verify() if p.startswith("ferry-strike.txt: ")])
    assert found[0] == found[1]
    assert len(found[0]) == 2 and found[0][0] == "ferry-strike.txt: text does not match its SHA-256", found
