"""The Spark engine gives the local engine's report, on a local[2] cluster bound to 127.0.0.1 (no UI)."""

from __future__ import annotations

import gc
import io
import json
import os
import random
import shutil
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from paths import SAMPLES, SPUN_SEED, WEB_SEED

from dupecheck.core import find_duplicates
from dupecheck.errors import InputError, SettingsError
from dupecheck.group import groups_of
from dupecheck.load import load_paths
from dupecheck.model import Article, ScanReport
from dupecheck.reporters import get_reporter
from dupecheck.settings import Settings


def _require(what: str, advice: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing: {advice} (CI must install it)")
    pytest.skip(f"{what} is missing: {advice}")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        _require("pyspark", "pip install 'dupecheck[spark]' (make test installs it)")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        _require("java", "apt-get install openjdk-17-jre-headless (make test installs it)")
    from pyspark.sql import SparkSession

    from dupecheck.engine_spark import local_session

    earlier = SparkSession.getActiveSession()
    if earlier is not None:  # an earlier test's (`scan --engine spark`): this module needs local[2]
        earlier.stop()
    session = local_session("local[2]", shuffle_partitions=2)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    # PySpark leaves sockets of collected results for the garbage collector; collect them
    # here, so their ResourceWarning is not raised in whichever test runs next.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def _json(report: ScanReport) -> str:
    out = io.StringIO()
    get_reporter("json")(report, out, color=False)
    return out.getvalue()


def _same(local: ScanReport, distributed: ScanReport) -> None:
    assert distributed.groups == local.groups
    assert [(p.a, p.b, p.relation, p.similarity, p.evidence) for p in distributed.pairs] == [
        (p.a, p.b, p.relation, p.similarity, p.evidence) for p in local.pairs
    ]
    assert distributed.candidates == local.candidates
    assert distributed.documents == local.documents
    assert _json(distributed) == _json(local)


def _spark_scan(articles: Sequence[Article], spark: Any, **options: Any) -> ScanReport:
    from dupecheck.engine_spark import find_duplicates_spark

    return find_duplicates_spark(articles, spark=spark, **options)


def test_session_is_local_loopback_and_has_no_ui(spark: Any) -> None:
    conf = spark.sparkContext.getConf()
    assert spark.sparkContext.master == "local[2]"
    assert conf.get("spark.ui.enabled") == "false"
    assert conf.get("spark.driver.host") == "127.0.0.1"
    assert conf.get("spark.driver.bindAddress") == "127.0.0.1"
    assert spark.sparkContext.uiWebUrl is None


def test_samples_give_the_local_report(spark: Any) -> None:
    loaded = load_paths([SAMPLES])
    options: dict[str, Any] = {"skipped": loaded.skipped, "files": loaded.files}
    local = find_duplicates(loaded.articles, **options)
    assert len(local.groups) == 2
    _same(local, _spark_scan(loaded.articles, spark, **options))


def test_seeds_give_the_local_report(spark: Any, shared: Path) -> None:
    articles = [Article(path.name, path.read_text(encoding="utf-8")) for path in (WEB_SEED, SPUN_SEED)]
    local = find_duplicates(articles)
    assert [p.relation for p in local.pairs] == ["partial"]
    _same(local, _spark_scan(articles, spark))


# A generated corpus: pseudo-words, so nothing is copied from anywhere.
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def _words(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))) for _ in range(count)]


def _paragraph(rng: random.Random, vocabulary: Sequence[str]) -> str:
    sentences = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(10, 16))) for _ in range(2)]
    return ". ".join(sentence.capitalize() for sentence in sentences) + "."


def _corpus() -> list[Article]:
    """Stories with planted copies, edits, partial takes, a chain of partial takes and a repeated blurb."""
    rng = random.Random(7)
    vocabulary = _words(rng, 3000)
    outlets = ["Gazette", "Herald", "Post", ""]
    stories = [[_paragraph(rng, vocabulary) for _ in range(5)] for _ in range(90)]
    blurb = "Follow the " + " ".join(_words(rng, 12)) + " on every network for news."
    articles: list[Article] = []

    def add(name: str, paragraphs: list[str], number: int) -> None:
        date = "" if number % 11 == 0 else f"2026-03-{1 + number % 28:02d}"
        articles.append(
            Article(name, "\n\n".join(paragraphs), outlet=outlets[number % 4], date=date, title=name)
        )

    for number, story in enumerate(stories):
        add(f"story-{number:03d}", story + ([blurb] if number % 3 == 0 else []), number)
    for number in range(10):
        add(f"copy-{number}", list(stories[number]), number + 2)
    for number in range(10, 20):
        edited = [
            " ".join(w if rng.random() > 0.1 else rng.choice(vocabulary) for w in p.split())
            for p in stories[number]
        ]
        add(f"edit-{number}", edited, number + 5)
    for number in range(20, 30):
        add(
            f"part-{number}",
            stories[number][:3] + [_paragraph(rng, vocabulary) for _ in range(2)],
            number + 1,
        )
    # Each link (two paragraphs) is shared by two neighbours only: a chain of ten partial takes.
    links = [[_paragraph(rng, vocabulary) for _ in range(2)] for _ in range(11)]
    for number in range(10):
        add(f"chain-{number}", [*links[number], *links[number + 1], _paragraph(rng, vocabulary)], number)
    rng.shuffle(articles)
    return articles


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"same_source": "ignore", "window": 3},
        {"learn_boilerplate": False, "settings": Settings(common_min_docs=5, common_share=0.05)},
    ],
    ids=["default", "same-source-window", "vocabulary-no-learning"],
)
def test_generated_corpus_gives_the_local_report(spark: Any, options: dict[str, Any]) -> None:
    articles = _corpus()
    local = find_duplicates(articles, **options)
    _same(local, _spark_scan(articles, spark, **options))
    if options == {}:
        assert any(len(group.members) == 10 for group in local.groups)  # the chain: several rounds
        learned = [p for d in local.documents for p in d.paragraphs if p.reason.startswith("repeated in")]
        assert len(learned) == 30
    elif "window" in options:
        assert len(local.pairs) < len(find_duplicates(articles).pairs)
    else:
        assert local.candidates != find_duplicates(articles).candidates


def test_focus_gives_the_local_report(spark: Any) -> None:
    articles = _corpus()
    focus = {"copy-3", "chain-4", "story-050"}
    local = find_duplicates(articles, focus=focus)
    assert local.pairs and all(p.a in focus or p.b in focus for p in local.pairs)
    _same(local, _spark_scan(articles, spark, focus=focus))


def test_dataframe_in_position_order_or_by_id(spark: Any) -> None:
    from dupecheck.engine_spark import ARTICLE_COLUMNS, find_duplicates_spark

    articles = _corpus()[:80]
    rows = [(*(getattr(a, name) for name in ARTICLE_COLUMNS), 1000 - n) for n, a in enumerate(articles)]
    frame = spark.createDataFrame(rows, [*ARTICLE_COLUMNS, "position"]).repartition(3)
    frame = frame.withColumn("date", frame["date"].try_cast("date"))  # read back as ISO dates
    backwards = list(reversed(articles))
    _same(find_duplicates(backwards), find_duplicates_spark(frame, spark=spark))
    by_id = sorted(articles, key=lambda article: article.id)
    only_needed = frame.select("text", "id", "outlet")
    local = find_duplicates([Article(a.id, a.text, outlet=a.outlet) for a in by_id])
    _same(local, find_duplicates_spark(only_needed, spark=spark))


def test_connected_components_match_groups_of(spark: Any) -> None:
    from dupecheck.engine_spark import connected_components

    rng = random.Random(3)
    chain = [(n, n + 1) for n in range(0, 60)]  # a long path needs several rounds
    scattered = [(rng.randrange(100, 400), rng.randrange(100, 400)) for _ in range(150)]
    edges = [(min(a, b), max(a, b)) for a, b in chain + scattered]
    labels = dict(connected_components(spark.sparkContext.parallelize(edges, 3)).collect())
    components: dict[int, list[int]] = {}
    for vertex in sorted(labels):
        components.setdefault(labels[vertex], []).append(vertex)
    ids = [str(n) for n in range(400)]
    expected = groups_of(ids, edges)
    assert tuple(tuple(ids[v] for v in members) for members in sorted(components.values())) == tuple(
        g.members for g in expected
    )
    assert all(label == min(members) for label, members in components.items())


def test_bad_settings_and_repeated_ids_are_errors(spark: Any) -> None:
    from dupecheck.engine_spark import find_duplicates_spark

    with pytest.raises(SettingsError, match="same_source must be one of"):
        find_duplicates_spark([], same_source="sometimes", spark=spark)
    with pytest.raises(SettingsError, match="window must be"):
        find_duplicates_spark([], window=-1, spark=spark)
    twice = [Article("a", "One text."), Article("a", "Another text.")]
    with pytest.raises(InputError, match="repeated: a"):
        find_duplicates_spark(twice, spark=spark)
    frame = spark.createDataFrame([("a", "One text."), ("a", "Two.")], ["id", "text"])
    with pytest.raises(InputError, match="repeated: a"):
        find_duplicates_spark(frame, spark=spark)
    with pytest.raises(InputError, match="no column 'text'"):
        find_duplicates_spark(frame.select("id"), spark=spark)


@pytest.fixture
def no_spark(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any use of Spark fail: what is checked before a Spark job needs none."""
    from dupecheck import engine_spark

    def started(*args: object, **kwargs: object) -> None:
        raise AssertionError("Spark was started before the arguments were checked")

    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setattr(engine_spark, "session", started)
    monkeypatch.setattr(engine_spark, "local_session", started)


class _NoSpark:
    """Stands for a SparkSession or an RDD that must not be touched."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"Spark was used ({name}) before the arguments were checked")


def _error_of(call: Any) -> str:
    with pytest.raises(SettingsError) as raised:
        call()
    return str(raised.value)


@pytest.mark.parametrize("options", [{"same_source": "sometimes"}, {"window": -1}])
@pytest.mark.usefixtures("no_spark")
def test_bad_scan_options_fail_as_on_the_local_engine_before_spark_starts(options: dict[str, Any]) -> None:
    from dupecheck.engine_spark import find_duplicates_spark, scan_numbered

    articles = [Article("a", "One text.")]
    local = _error_of(lambda: find_duplicates(articles, **options))
    assert _error_of(lambda: find_duplicates_spark(articles, **options)) == local
    assert _error_of(lambda: scan_numbered(_NoSpark(), settings=Settings(), **options)) == local  # type: ignore[arg-type]


@pytest.mark.parametrize("max_bytes", [0, -1, 2**40 + 1, 10**30])
@pytest.mark.usefixtures("no_spark")
def test_max_bytes_out_of_range_fails_as_in_the_loader_before_spark_starts(
    max_bytes: int, tmp_path: Path
) -> None:
    from dupecheck.engine_spark import read_articles

    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "a", "text": "One text."}) + "\n", encoding="utf-8")
    local = _error_of(lambda: load_paths([feed], max_bytes=max_bytes))
    assert _error_of(lambda: read_articles(_NoSpark(), [str(feed)], max_bytes=max_bytes)) == local  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--max-bytes", "0"], "error: max_bytes must be in [1, 2**40] (1 TiB), got 0"),
        (["--max-bytes", str(2**40 + 1)], f"error: max_bytes must be in [1, 2**40] (1 TiB), got {2**40 + 1}"),
        (["--window", "-1"], "error: window must be 0 days or more, not -1"),
    ],
)
@pytest.mark.usefixtures("no_spark")
def test_submit_entry_checks_its_options_before_spark_starts(
    options: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dupecheck.engine_spark import main

    assert main([str(tmp_path / "feed.jsonl"), *options]) == 2
    assert capsys.readouterr().err == message + "\n"


def test_missing_pyspark_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from dupecheck.engine_spark import SparkUnavailableError, find_duplicates_spark

    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(SparkUnavailableError, match=r"pip install 'dupecheck\[spark\]'"):
        find_duplicates_spark([Article("a", "Some text.")])


def _records(articles: Sequence[Article]) -> list[dict[str, str]]:
    return [
        {"id": a.id, "text": a.text, "title": a.title, "date": a.date, "source": a.outlet} for a in articles
    ]


def _local_json(paths: Sequence[str]) -> str:
    loaded = load_paths(paths)
    return _json(find_duplicates(loaded.articles, skipped=loaded.skipped, files=loaded.files))


def test_submit_entry_reads_jsonl_like_load(spark: Any, tmp_path: Path) -> None:
    from dupecheck.engine_spark import main

    records = _records(_corpus()[:60])
    lines = [json.dumps(record) for record in records]
    lines[5:5] = ["", "{not json", '["a list"]', json.dumps({"id": "x", "text": 3})]
    lines.append(json.dumps(records[0]))  # a repeated id, skipped where read again
    lines.append(json.dumps({"text": records[1]["text"] + " More."}))  # no id: named by its line
    feed = tmp_path / "feeds" / "a" / "feed.jsonl"
    feed.parent.mkdir(parents=True)
    feed.write_text("\n".join(lines[:40]) + "\n", encoding="utf-8")
    (tmp_path / "feeds" / "b.jsonl").write_text("\n".join(lines[40:]) + "\n", encoding="utf-8")
    (tmp_path / "feeds" / "notes.doc").write_text("Not read by either.", encoding="utf-8")
    folder = os.path.relpath(tmp_path / "feeds")
    output = tmp_path / "report.json"
    previous = spark.conf.get("spark.sql.files.maxPartitionBytes")
    spark.conf.set("spark.sql.files.maxPartitionBytes", "8192")  # several chunks per file
    try:
        assert main([folder, "--format", "json", "--output", str(output)]) == 0
    finally:
        spark.conf.set("spark.sql.files.maxPartitionBytes", previous)
    expected = _local_json([folder])
    report = json.loads(expected)
    assert len(report["skipped"]) == 4 and report["groups"]
    assert output.read_text(encoding="utf-8") == expected


def test_submit_entry_reads_parquet_like_load(spark: Any, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dupecheck.engine_spark import main

    records = _records(_corpus()[:50])
    # A repeated id: skipped at the file, its row named (a Parquet file has no lines).
    records.append(records[3])
    path = tmp_path / "articles.parquet"
    pq.write_table(pa.Table.from_pylist(records), path, row_group_size=7)
    out = io.StringIO()
    assert main([str(path), "--format", "json", "--same-source", "ignore"], out=out) == 0
    loaded = load_paths([path])
    local = find_duplicates(loaded.articles, skipped=loaded.skipped, files=loaded.files, same_source="ignore")
    assert local.pairs
    assert [(s.line, s.reason.split(":")[0]) for s in local.skipped] == [(None, "row 51")]
    assert out.getvalue() == _json(local)


def test_submit_entry_errors_exit_2(spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from dupecheck.engine_spark import main

    assert main([str(tmp_path / "missing.jsonl")]) == 2
    assert "missing.jsonl: No such file or directory; check the path" in capsys.readouterr().err
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "a", "text": "The council voted."}) + "\n{broken\n", encoding="utf-8")
    assert main([str(feed), "--strict"]) == 2
    assert "1 input(s) could not be read (--strict)" in capsys.readouterr().err
    assert main([str(tmp_path), "--format", "yaml"]) == 2
    assert "unknown format 'yaml'" in capsys.readouterr().err


def test_parquet_text_not_valid_utf8_is_skipped_like_load(spark: Any, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dupecheck.engine_spark import read_articles

    def strings(values: list[bytes]) -> pa.Array:
        return pa.array(values, type=pa.binary()).view(pa.string())  # pyarrow stores what it is given

    offsets = pa.array(range(6), type=pa.int32())
    table = pa.table(
        {
            "id": ["p1", "p2", "p3", "p4", "p5"],
            "text": strings([b"One text.", b"Caf\xe9 two.", b"Three text.", b"Four text.", b"Five text."]),
            "title": pa.StructArray.from_arrays([strings([b"a", b"b", b"\xff", b"d", b"e"])], ["main"]),
            "author": pa.ListArray.from_arrays(offsets, pa.array([b"a", b"b", b"c", b"d\xe2\x80", b"e"])),
            "url": pa.MapArray.from_arrays(
                offsets, strings([b"k", b"k", b"k", b"k", b"k\xe9"]), pa.array(["v"] * 5)
            ),
            "unused": pa.StructArray.from_arrays([strings([b"\xff"] * 5)], ["main"]),
        }
    )
    path = tmp_path / "feed.parquet"
    pq.write_table(table, path)
    numbered, skipped, files = read_articles(spark, [str(path)])
    loaded = load_paths([path])
    # Spark would read the bad bytes as U+FFFD, and a struct as a Row: as bytes and dicts, like load.
    assert [article for _, article in sorted(numbered.collect())] == list(loaded.articles)
    assert [article.id for article in loaded.articles] == ["p1"]
    assert (skipped, files) == (loaded.skipped, loaded.files)
    assert [s.reason.split(" is ")[0] for s in skipped] == [
        "row 2: field 'text'",
        "row 3: field 'title'",
        "row 4: field 'author'",
        "row 5: field 'url'",
    ]
