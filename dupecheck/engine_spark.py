"""The scan on a Spark cluster: :func:`~dupecheck.core.find_duplicates`'s stages, run in executors.

Every stage calls the same functions as the local engine — :func:`~dupecheck.document.build_document`,
the learned-boilerplate and corpus-vocabulary decisions (their pure helpers), ``match_view``,
:func:`~dupecheck.core.sign_documents`, ``band_keys`` and ``compare_documents`` — inside Spark tasks;
what the local engine does with whole-corpus dictionaries (paragraph carriers, document
frequencies, LSH buckets, identical texts, connected components) is done here by grouping and
joining RDDs. So the report is the local engine's, byte for byte, and only the work is spread.
No extra JARs are needed: connected components are computed by alternating large-star and
small-star steps (Kiveris et al., 2014) over plain RDDs, not with GraphFrames.

Run it on a cluster with ``spark-submit`` (see :func:`main` and the README's "Spark" section).
"""

from __future__ import annotations

import argparse
import datetime
import functools
import itertools
import os
import shutil
import sys
from collections.abc import Collection, Iterable, Iterator, Sequence
from operator import add
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from dupecheck import repeated, vocabulary
from dupecheck.align import MatchView, compare_documents, match_view
from dupecheck.bands import band_keys, band_layout
from dupecheck.boilerplate import Patterns, read_patterns
from dupecheck.core import SAME_SOURCE, check_scan_options, comparable, sign_documents
from dupecheck.document import build_document
from dupecheck.errors import DupecheckError, InputError
from dupecheck.load import (
    MAX_BYTES,
    Fields,
    Loaded,
    article_of_line,
    article_of_row,
    article_skipped,
    check_max_bytes,
    iso_date,
    line_too_long,
    require_articles,
)
from dupecheck.model import Article, Document, Group, PairResult, ScanReport, Skipped
from dupecheck.reporters import get_reporter
from dupecheck.settings import Settings
from dupecheck.shingle import shingle_keys

if TYPE_CHECKING:
    from pyspark import RDD, Broadcast, SparkContext
    from pyspark.sql import DataFrame, SparkSession

INSTALL = "pip install 'dupecheck[spark]'"
JAVA = "Debian/Ubuntu: apt-get install openjdk-17-jre-headless"
ARTICLE_COLUMNS = ("id", "text", "source", "title", "date", "url", "outlet", "author")
"""Columns of a DataFrame of articles: the fields of :class:`~dupecheck.model.Article` (id, text needed).

Not where an article lies in its file (``line``, ``record``): a row is taken for a file of its own.
"""
POSITION = "position"
"""Optional DataFrame column giving the articles' order (else they are taken in ``id`` order)."""
_SIGN_BATCH = 256
"""Documents an executor signs at once (numpy over a batch's shingles)."""
_MAX_ROUNDS = 200
_EDGES_PER_SLICE = 100_000

Numbered = tuple[int, Article]
Viewed = tuple[Document, MatchView]
ReadAt = tuple[int, str, int]
"""Where a record was read: the input's number, the file's name, the line or row."""


class SparkUnavailableError(DupecheckError):
    """PySpark, or the Java it runs on, is not installed."""


def _require_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise SparkUnavailableError(
            f"the Spark engine needs PySpark: {INSTALL} (and Java 17 or later: {JAVA})"
        ) from None


def local_session(master: str = "local[*]", *, shuffle_partitions: int = 8) -> SparkSession:
    """A SparkSession on this machine: no web UI, every listener on 127.0.0.1, workers on this Python.

    Raise :class:`SparkUnavailableError` saying what to install when PySpark or Java is missing.
    """
    _require_pyspark()
    from pyspark.sql import SparkSession

    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise SparkUnavailableError(f"Spark needs Java 17 or later ({JAVA}), or set JAVA_HOME")
    # Python workers must import dupecheck: run them on this interpreter, not on whatever python3 is.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.master(master).appName("dupecheck")
    for key, value in {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.sql.shuffle.partitions": str(shuffle_partitions),
        "spark.default.parallelism": str(shuffle_partitions),
    }.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def session(master: str | None = None) -> SparkSession:
    """The session to run on: the active one, else spark-submit's or a cluster's, else a local one.

    Under ``spark-submit`` (or with a ``master`` that is not ``local``) the session takes the
    submitted configuration; otherwise it is a local one on this machine (``master``, default
    ``local[*]``).
    """
    _require_pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    # spark-submit starts the JVM first and hands its gateway port to the Python driver.
    if os.environ.get("PYSPARK_GATEWAY_PORT") or (master and not master.startswith("local")):
        builder = SparkSession.builder.appName("dupecheck")
        return (builder.master(master) if master else builder).getOrCreate()
    return local_session(master or "local[*]")


def find_duplicates_spark(
    articles_or_dataframe: Iterable[Article] | DataFrame,
    *,
    settings: Settings | None = None,
    skipped: Iterable[Skipped] = (),
    focus: Collection[str] | None = None,
    files: int = 0,
    same_source: str = "report",
    window: int | None = None,
    boilerplate: Patterns = (),
    learn_boilerplate: bool = True,
    spark: SparkSession | None = None,
) -> ScanReport:
    """:func:`~dupecheck.core.find_duplicates` on Spark: the same report, the work done in executors.

    The keywords mean what they mean there. ``articles_or_dataframe`` is either articles (taken
    in the order given) or a Spark DataFrame with :data:`ARTICLE_COLUMNS` (``id`` and ``text``
    required, the others optional, nulls read as "", a date or timestamp ``date`` as its ISO
    date), in the order of its integer ``position``
    column when it has one, else by ``id``; a DataFrame is read by the executors, so a corpus
    on shared storage never passes through the driver on its way in. The report (documents
    included) is collected on the driver. ``spark`` is the session to use; without one the
    session is found by :func:`session` (under ``spark-submit``, the submitted one).

    Raise :class:`SparkUnavailableError` when PySpark or Java is missing, :class:`SettingsError`
    and :class:`InputError` as ``find_duplicates`` does. Usage::

        from dupecheck.engine_spark import find_duplicates_spark, local_session
        report = find_duplicates_spark(articles, spark=local_session("local[2]"))
        report = find_duplicates_spark(spark.read.parquet("s3a://bucket/articles/"), spark=spark)
    """
    settings = settings or Settings()
    check_scan_options(same_source=same_source, window=window)
    _require_pyspark()
    if spark is None:
        spark = session()
    count: int | None = None
    if _is_dataframe(articles_or_dataframe):
        numbered = _numbered_rows(articles_or_dataframe)  # type: ignore[arg-type]
    else:
        given = list(articles_or_dataframe)  # type: ignore[arg-type]
        _check_unique([article.id for article in given])
        count = len(given)
        context = spark.sparkContext
        numbered = context.parallelize(list(enumerate(given)), max(1, min(len(given), _slices(context))))
    return scan_numbered(
        numbered,
        settings=settings,
        skipped=skipped,
        focus=focus,
        files=files,
        same_source=same_source,
        window=window,
        boilerplate=boilerplate,
        learn_boilerplate=learn_boilerplate,
        count=count,
    )


def scan_numbered(
    numbered: RDD[Numbered],
    *,
    settings: Settings,
    skipped: Iterable[Skipped] = (),
    focus: Collection[str] | None = None,
    files: int = 0,
    same_source: str = "report",
    window: int | None = None,
    boilerplate: Patterns = (),
    learn_boilerplate: bool = True,
    count: int | None = None,
) -> ScanReport:
    """The scan of ``(position, article)`` pairs, numbered 0, 1, ... with unique ids (``count`` of them)."""
    check_scan_options(same_source=same_source, window=window)
    context = numbered.context
    built: RDD[tuple[int, Document]] = numbered.mapValues(
        lambda article: build_document(article, settings, boilerplate=boilerplate)
    ).cache()
    count = built.count() if count is None else count
    documents = _learned_boilerplate(built, count).cache() if learn_boilerplate else built
    common = context.broadcast(_common_shingles(documents, count, settings))
    common_keys = context.broadcast(shingle_keys(common.value))
    min_terms = settings.min_terms
    viewed: RDD[tuple[int, Viewed]] = documents.mapValues(
        lambda document: (document, match_view(document, common.value, min_terms))
    ).cache()

    candidates = _candidates(
        documents.mapPartitions(lambda items: _signed_partition(items, common_keys.value, settings))
    )
    focused = frozenset(focus) if focus is not None else None

    def wanted(a: Article, b: Article) -> bool:
        if focused is not None and a.id not in focused and b.id not in focused:
            return False
        return comparable(a, b, same_source=same_source, window=window)

    verified = (
        _with_both(candidates, viewed)
        .filter(lambda item: wanted(item[2][0].article, item[3][0].article))
        .map(lambda item: (item[0], item[1], _verify(item[2], item[3], settings)))
    )
    # One job: each partition returns how many pairs it verified and those confirmed.
    considered, confirmed = 0, []
    for verified_here, confirmed_here in verified.mapPartitions(_confirmed).collect():
        considered += verified_here
        confirmed.extend(confirmed_here)
    confirmed.sort(key=lambda item: item[:2])
    edges = [(i, j) for i, j, _ in confirmed]
    slices = max(1, min(len(edges) // _EDGES_PER_SLICE + 1, _slices(context)))
    labels = dict(connected_components(context.parallelize(edges, slices)).collect()) if edges else {}
    collected = sorted(documents.collect(), key=lambda item: item[0])
    for rdd in (built, documents, viewed):
        rdd.unpersist()
    common.unpersist()
    common_keys.unpersist()
    ids = [document.id for _, document in collected]
    return ScanReport(
        documents=tuple(document for _, document in collected),
        groups=_groups(ids, labels),
        pairs=tuple(result for _, _, result in confirmed),
        settings=settings,
        skipped=tuple(skipped),
        candidates=considered,
        files=files,
    )


def _confirmed(
    verified: Iterable[tuple[int, int, PairResult]],
) -> Iterator[tuple[int, list[tuple[int, int, PairResult]]]]:
    count, confirmed = 0, []
    for item in verified:
        count += 1
        if item[2].relation is not None:
            confirmed.append(item)
    yield count, confirmed


def _verify(a: Viewed, b: Viewed, settings: Settings) -> PairResult:
    return compare_documents(a[0], b[0], settings, (a[1], b[1]))


def _slices(context: SparkContext) -> int:
    return max(2, int(context.defaultParallelism))


def _is_dataframe(value: object) -> bool:
    try:
        from pyspark.sql import DataFrame
    except ImportError:  # pragma: no cover - _require_pyspark runs first
        return False
    return isinstance(value, DataFrame)


def _check_unique(ids: Sequence[str]) -> None:
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        repeated_ids = sorted({i for i in ids if i in seen or seen.add(i)})  # type: ignore[func-returns-value]
        _repeated(repeated_ids)


def _repeated(ids: Sequence[str]) -> None:
    raise InputError(f"article ids must be unique; repeated: {', '.join(ids[:5])}")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _numbered_rows(frame: DataFrame) -> RDD[Numbered]:
    """``(position, article)`` for each row of a DataFrame of articles, numbered from 0 in order."""
    from pyspark.sql import functions

    names = set(frame.columns)
    for needed in ("id", "text"):
        if needed not in names:
            raise InputError(
                f"the DataFrame of articles has no column '{needed}'; it needs "
                f"{', '.join(ARTICLE_COLUMNS)} (only id and text are required)"
            )
    repeated_ids = (
        frame.groupBy("id").count().filter(functions.col("count") > 1).select("id").limit(5).collect()
    )
    if repeated_ids:
        _repeated(sorted(_text(row["id"]) for row in repeated_ids))
    order = POSITION if POSITION in names else "id"
    # A date or timestamp column is read as its ISO date, as the loaders read dates.
    columns = [functions.col(order).alias("_order")] + [
        (functions.col(name) if name == "date" else functions.col(name).cast("string")).alias(name)
        if name in names
        else functions.lit("").alias(name)
        for name in ARTICLE_COLUMNS
    ]

    def article_of(row: Any) -> tuple[Any, Article]:
        values = [row[name] for name in ARTICLE_COLUMNS]
        identifier, text, source, title, date, url, outlet, author = (
            iso_date(value) if isinstance(value, datetime.date) else _text(value) for value in values
        )
        return row["_order"], Article(identifier, text, source, title, date, url, outlet, author)

    ordered: RDD[tuple[Any, Article]] = frame.select(*columns).rdd.map(article_of).sortByKey()
    return ordered.values().zipWithIndex().map(lambda item: (item[1], item[0]))


def _learned_boilerplate(documents: RDD[tuple[int, Document]], count: int) -> RDD[tuple[int, Document]]:
    """:func:`~dupecheck.repeated.repeated_paragraphs`, its paragraph carriers grouped in Spark.

    Only each frequent paragraph's carrier count and judged sample (20 articles at most) come
    back to the driver, then the other terms of the sampled articles: bounded, whatever the corpus.
    """
    needed = repeated.carriers_needed(count)
    if count < needed:
        return documents
    context = documents.context
    frequent = dict(
        documents.flatMap(
            lambda item: [(key, (item[1].id, item[0])) for key in repeated.content_keys(item[1])]
        )
        .groupByKey()
        .mapValues(list)
        .filter(lambda item: len(item[1]) >= needed)
        .mapValues(lambda carriers: (len(carriers), repeated.judged_sample(carriers)))
        .collect()
    )
    if not frequent:
        return documents
    keys = context.broadcast(frozenset(frequent))
    sampled = context.broadcast(frozenset(n for _, sample in frequent.values() for n in sample))
    others = dict(
        documents.filter(lambda item: item[0] in sampled.value)
        .mapValues(lambda document: repeated.other_terms(document, keys.value))
        .collect()
    )
    keys.unpersist()
    sampled.unpersist()
    learned = {
        key: carried
        for key, (carried, sample) in frequent.items()
        if repeated.unrelated([others[number] for number in sample])
    }
    if not learned:
        return documents
    marks = context.broadcast(learned)
    return documents.mapValues(lambda document: repeated.mark_repeated(document, marks.value))


def _common_shingles(documents: RDD[tuple[int, Document]], count: int, settings: Settings) -> frozenset[str]:
    """:func:`~dupecheck.vocabulary.common_shingles`, document frequencies counted in Spark."""
    limit = vocabulary.common_limit(count, settings)
    if count <= limit:
        return frozenset()
    frequencies = (
        documents.flatMap(lambda item: vocabulary.document_shingles(item[1]))
        .map(lambda shingle: (shingle, 1))
        .reduceByKey(add)
    )
    return frozenset(frequencies.filter(lambda item: item[1] > limit).keys().collect())


def _signed_partition(
    items: Iterable[tuple[int, Document]], common: np.ndarray, settings: Settings
) -> Iterator[tuple[int, tuple[str, list[tuple[int, int]]]]]:
    """Each document's identity digest and distinct ``(band, key)`` buckets, signed as the local engine signs.

    Documents are signed a batch at a time by :func:`~dupecheck.core.sign_documents`, the
    function the local engine's workers run.
    """
    bands, rows = band_layout(settings.candidate_threshold, settings.num_perm)
    batch: list[tuple[int, Document]] = []
    for item in itertools.chain(items, [None]):
        if item is not None:
            batch.append(item)
            if len(batch) < _SIGN_BATCH:
                continue
        signed = sign_documents([document for _, document in batch], common, settings)
        for (number, _), (identity, matrix, _) in zip(batch, signed):
            keys = band_keys(matrix, bands, rows).tolist() if len(matrix) else []
            yield number, (identity, sorted({(band, key) for row in keys for band, key in enumerate(row)}))
        batch = []


def _pairs_within(members: Iterable[int]) -> Iterator[tuple[int, int]]:
    return itertools.combinations(sorted(set(members)), 2)


def _candidates(signed: RDD[tuple[int, tuple[str, list[tuple[int, int]]]]]) -> RDD[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, sharing an LSH bucket or the same words outside boilerplate."""
    colliding = (
        signed.flatMap(lambda item: [(bucket, item[0]) for bucket in item[1][1]])
        .groupByKey()
        .flatMap(lambda item: _pairs_within(item[1]))
    )
    identical = (
        signed.flatMap(lambda item: [(item[1][0], item[0])] if item[1][0] else [])
        .groupByKey()
        .flatMap(lambda item: _pairs_within(item[1]))
    )
    return colliding.union(identical).distinct()


def _with_both(
    pairs: RDD[tuple[int, int]], viewed: RDD[tuple[int, Viewed]]
) -> RDD[tuple[int, int, Viewed, Viewed]]:
    """Each pair with both documents and views, brought together by two joins."""
    with_first = pairs.join(viewed).map(lambda item: (item[1][0], (item[0], item[1][1])))
    return with_first.join(viewed).map(lambda item: (item[1][0][0], item[0], item[1][0][1], item[1][1]))


def connected_components(edges: RDD[tuple[int, int]]) -> RDD[tuple[int, int]]:
    """``(vertex, label)`` for every vertex of ``edges``: the smallest vertex of its component.

    Alternating large-star and small-star steps (Kiveris et al., "Connected Components in
    MapReduce and Beyond", 2014) until the edges form stars, each joining a vertex to the
    smallest of its component: each round is a few groupings of the edges, and O(log² n)
    rounds are enough, so no graph library (and no JAR) is needed.
    """
    # As many partitions as the edges came in: a small graph is not spread over a whole cluster.
    slices = edges.getNumPartitions()
    current = edges.filter(lambda edge: edge[0] != edge[1]).map(_ordered).distinct(slices).cache()
    for _ in range(_MAX_ROUNDS):
        if _stars(current, slices):
            break
        following = _small_star(_large_star(current, slices), slices).cache()
        current.unpersist()
        current = following
    else:
        raise DupecheckError(f"connected components did not converge in {_MAX_ROUNDS} rounds")
    roots = current.values().distinct(slices).map(lambda root: (root, root))
    return current.union(roots)


def _stars(edges: RDD[tuple[int, int]], slices: int) -> bool:
    """Whether ``(larger, smaller)`` edges are stars: each vertex joined to one smaller centre, no more.

    Then every component is one star, and its centre is its smallest vertex.
    """

    def broken(item: tuple[int, Iterable[bool]]) -> bool:
        roles = list(item[1])
        leaf = roles.count(True)
        return leaf > 1 or (leaf == 1 and len(roles) > 1)

    # True: the vertex is an edge's larger end (a leaf); False: its smaller end (a centre).
    roles = edges.flatMap(lambda edge: [(edge[0], True), (edge[1], False)])
    return roles.groupByKey(slices).filter(broken).count() == 0


def _ordered(edge: tuple[int, int]) -> tuple[int, int]:
    """``(larger, smaller)``."""
    first, second = edge
    return (first, second) if second < first else (second, first)


def _large_star(edges: RDD[tuple[int, int]], slices: int) -> RDD[tuple[int, int]]:
    """Link each vertex's larger neighbours to the smallest of its neighbourhood (itself included)."""

    def step(item: tuple[int, Iterable[int]]) -> list[tuple[int, int]]:
        vertex, neighbours = item[0], list(item[1])
        smallest = min([*neighbours, vertex])
        return [(other, smallest) for other in neighbours if other > vertex]

    both = edges.flatMap(lambda edge: [edge, (edge[1], edge[0])])
    return both.groupByKey(slices).flatMap(step).distinct(slices)


def _small_star(edges: RDD[tuple[int, int]], slices: int) -> RDD[tuple[int, int]]:
    """Link each vertex and its smaller neighbours to the smallest of them."""

    def step(item: tuple[int, Iterable[int]]) -> list[tuple[int, int]]:
        vertex, smaller = item[0], list(item[1])
        smallest = min([*smaller, vertex])
        return [_ordered((other, smallest)) for other in [*smaller, vertex] if other != smallest]

    return edges.map(_ordered).groupByKey(slices).flatMap(step).distinct(slices)


def _groups(ids: Sequence[str], labels: dict[int, int]) -> tuple[Group, ...]:
    """Groups ordered as :func:`~dupecheck.group.groups_of` orders them: members in input order, by first."""
    members: dict[int, list[int]] = {}
    for vertex in sorted(labels):
        members.setdefault(labels[vertex], []).append(vertex)
    return tuple(Group(tuple(ids[i] for i in component)) for component in sorted(members.values()))


# --- spark-submit: read JSON Lines or Parquet with Spark's readers, write a report ----------------------

_FORMAT_GLOBS = {"jsonl": "*.jsonl", "parquet": "*.parquet"}


def _format_of(path: str, input_format: str | None) -> str:
    if input_format is not None:
        return input_format
    return "parquet" if path.rstrip("/").lower().endswith(".parquet") else "jsonl"


def read_articles(
    spark: SparkSession,
    paths: Sequence[str],
    *,
    fields: Fields | None = None,
    input_format: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> tuple[RDD[Numbered], tuple[Skipped, ...], int]:
    """Articles of JSON Lines or Parquet files (or folders of them), read by the executors.

    Returns ``(position, article)`` pairs, the inputs skipped, and the number of files read —
    what :func:`dupecheck.load.load_paths` reads from the same files: the same ids, fields,
    ``source`` (``path:line``, the line or row counted from 1), order, and skipped records
    (malformed JSON, missing text, repeated ids, texts over ``max_bytes``). ``paths`` may be
    any URI Spark reads (``s3a://``, ``hdfs://``, ``file:``); a folder is read recursively
    (``*.jsonl`` or ``*.parquet`` files). ``input_format`` (``jsonl`` or ``parquet``) is
    otherwise found from each path's extension.
    """
    check_max_bytes(max_bytes)
    if input_format is not None and input_format not in _FORMAT_GLOBS:
        raise InputError(f"the Spark reader reads jsonl or parquet, not '{input_format}'")
    from pyspark.sql import functions

    fields = fields or Fields()
    context = spark.sparkContext
    jvm: Any = getattr(context, "_jvm")  # noqa: B009 - Hadoop's FileSystem has no Python API
    configuration = getattr(context, "_jsc").hadoopConfiguration()  # noqa: B009
    records: list[RDD[tuple[ReadAt, Article | Skipped]]] = []
    skipped: list[tuple[ReadAt, Skipped]] = []
    files = 0
    for given_index, given in enumerate(paths):
        form = _format_of(given, input_format)
        hadoop_path = jvm.org.apache.hadoop.fs.Path(given)
        filesystem = hadoop_path.getFileSystem(configuration)
        if not filesystem.exists(hadoop_path):
            skipped.append(
                ((given_index, "", 0), Skipped(given, "No such file or directory; check the path"))
            )
            continue
        root = str(filesystem.makeQualified(hadoop_path).toString()).rstrip("/")
        reader = spark.read
        if filesystem.getFileStatus(hadoop_path).isDirectory():
            reader = reader.option("recursiveFileLookup", "true").option(
                "pathGlobFilter", _FORMAT_GLOBS[form]
            )
        frame = reader.parquet(given) if form == "parquet" else reader.text(given)
        found = frame.inputFiles()
        files += len(found)
        if not found:
            continue
        if form == "parquet" and fields.text not in frame.columns:
            skipped.append(
                ((given_index, "", 0), Skipped(given, f"no column '{fields.text}' (set --text-field)"))
            )
            continue
        wanted = [
            name
            for name in dict.fromkeys(
                (fields.id, fields.text, fields.title, fields.date, fields.source, fields.url, fields.author)
            )
            if name in frame.columns
        ]
        if form == "parquet":
            content = functions.struct(*(_as_read(frame, name) for name in wanted)).alias("record")
        else:
            content = functions.col("value")
        located = frame.select(
            content,
            functions.col("_metadata.file_path").alias("file"),
            functions.col("_metadata.file_block_start").alias("block"),
            functions.monotonically_increasing_id().alias("row"),
        )
        starts = _chunk_starts(located)
        names = context.broadcast({file: _source_name(given, root, file) for file, _ in starts})
        first_lines = context.broadcast(starts)
        parse = functools.partial(
            _parquet_row if form == "parquet" else _jsonl_line,
            given_index=given_index,
            names=names,
            first_lines=first_lines,
            fields=fields,
            max_bytes=max_bytes,
        )
        records.append(located.rdd.flatMap(parse))
    if not records:
        return context.parallelize([]), tuple(item for _, item in sorted(skipped, key=_first_key)), files
    everything = context.union(records).cache()
    skipped.extend(everything.flatMap(_skipped_only).collect())
    ordered: RDD[tuple[tuple[ReadAt, Article], int]] = (
        everything.flatMap(_articles_only).sortByKey().zipWithIndex()
    )
    # A repeated id is skipped where it is read again, as dupecheck.load does.
    repeats = (
        ordered.map(lambda item: (item[0][1].id, (item[1], item[0][0], item[0][1])))
        .groupByKey()
        .mapValues(sorted)
        .filter(lambda item: len(item[1]) > 1)
        .collect()
    )
    dropped: set[int] = set()
    for identifier, readings in repeats:
        first, *later = readings
        for position, key, article in later:
            dropped.add(position)
            reason = f"duplicate id '{identifier}' (first read from {first[2].source})"
            skipped.append((key, article_skipped(article, f"{reason}; give each article its own id")))
    everything.unpersist()
    kept = ordered.filter(lambda item: item[1] not in dropped).map(lambda item: item[0][1])
    numbered = kept.zipWithIndex().map(lambda item: (item[1], item[0]))
    return numbered, tuple(item for _, item in sorted(skipped, key=_first_key)), files


def _as_read(frame: DataFrame, name: str) -> Any:
    """Column ``name`` of a Parquet ``frame`` with its strings, at any depth, as their bytes (``binary``).

    Spark gives Python a string not valid UTF-8 with U+FFFD in place of its bad bytes: read as
    bytes, each value is judged as :func:`dupecheck.load.article_of_row` judges a Parquet row.
    """
    from pyspark.sql import functions

    written = frame.schema[name].dataType
    read = _strings_as_bytes(written)
    column = functions.col(name)
    return column if read == written else column.cast(read).alias(name)


def _strings_as_bytes(data_type: Any) -> Any:
    """A Spark type with every string in it, in a struct, array or map too, made ``binary``."""
    from pyspark.sql import types

    if isinstance(data_type, types.StringType):
        return types.BinaryType()
    if isinstance(data_type, types.StructType):
        return types.StructType(
            [types.StructField(f.name, _strings_as_bytes(f.dataType), f.nullable) for f in data_type.fields]
        )
    if isinstance(data_type, types.ArrayType):
        return types.ArrayType(_strings_as_bytes(data_type.elementType), data_type.containsNull)
    if isinstance(data_type, types.MapType):
        key, value = _strings_as_bytes(data_type.keyType), _strings_as_bytes(data_type.valueType)
        return types.MapType(key, value, data_type.valueContainsNull)
    return data_type


def _skipped_only(item: tuple[ReadAt, Article | Skipped]) -> list[tuple[ReadAt, Skipped]]:
    return [(item[0], item[1])] if isinstance(item[1], Skipped) else []


def _articles_only(item: tuple[ReadAt, Article | Skipped]) -> list[tuple[ReadAt, Article]]:
    return [(item[0], item[1])] if isinstance(item[1], Article) else []


def _first_key(item: tuple[ReadAt, Any]) -> ReadAt:
    return item[0]


def _chunk_starts(located: DataFrame) -> dict[tuple[str, int], tuple[int, int]]:
    """For each ``(file, block start)`` chunk read: its first line number (from 1) and its first row id.

    Rows of one chunk are read in order into one partition with consecutive row ids, so a
    row's line is its chunk's first line plus its distance from the chunk's first row.
    """
    from pyspark.sql import functions

    chunks = (
        located.groupBy("file", "block")
        .agg(functions.count("*").alias("rows"), functions.min("row").alias("first"))
        .collect()
    )
    starts: dict[tuple[str, int], tuple[int, int]] = {}
    by_file: dict[str, list[Any]] = {}
    for chunk in chunks:
        by_file.setdefault(chunk["file"], []).append(chunk)
    for file, parts in by_file.items():
        line = 1
        for part in sorted(parts, key=lambda chunk: int(chunk["block"])):
            starts[(file, int(part["block"]))] = (line, int(part["first"]))
            line += int(part["rows"])
    return starts


def _source_name(given: str, root: str, file: str) -> str:
    """A file's name as dupecheck.load gives it: the path given, then the file's path below it."""
    from urllib.parse import unquote

    for candidate in (file, unquote(file)):
        for prefix in (root, root.replace(":///", ":/", 1), root.replace(":/", ":///", 1)):
            if candidate == prefix:
                return Path(given).as_posix()
            if candidate.startswith(prefix + "/"):
                return (Path(given) / candidate[len(prefix) + 1 :]).as_posix()
    return file


def _line_of(row: Any, first_lines: dict[tuple[str, int], tuple[int, int]]) -> int:
    line, first_row = first_lines[(row["file"], int(row["block"]))]
    return line + int(row["row"]) - first_row


def _jsonl_line(
    row: Any,
    *,
    given_index: int,
    names: Broadcast[dict[str, str]],
    first_lines: Broadcast[dict[tuple[str, int], tuple[int, int]]],
    fields: Fields,
    max_bytes: int,
) -> list[tuple[ReadAt, Article | Skipped]]:
    """The article (or why there is none) in one line of a JSON Lines file, as dupecheck.load reads it."""
    source, number = names.value[row["file"]], _line_of(row, first_lines.value)
    at = (given_index, source, number)
    line = row["value"]
    if len(line.encode("utf-8")) > max_bytes:
        return [(at, line_too_long(source, number, max_bytes))]
    found = article_of_line(line, fields, source, number)
    return [] if found is None else [(at, found)]


def _parquet_row(
    row: Any,
    *,
    given_index: int,
    names: Broadcast[dict[str, str]],
    first_lines: Broadcast[dict[tuple[str, int], tuple[int, int]]],
    fields: Fields,
    max_bytes: int,
) -> list[tuple[ReadAt, Article | Skipped]]:
    """The article (or why there is none) in one Parquet row, as dupecheck.load reads it."""
    source, number = names.value[row["file"]], _line_of(row, first_lines.value)
    at = (given_index, source, number)
    # Nested structs as dicts too, as pyarrow gives them to dupecheck.load: not Row objects.
    record = row["record"].asDict(recursive=True)
    return [(at, article_of_row(record, fields, source, number, max_bytes))]


EXIT_OK, EXIT_ERROR = 0, 2


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Scan JSON Lines or Parquet inputs on Spark and write a report: the ``spark-submit`` entry point.

    ``spark-submit --master URL path/to/dupecheck/engine_spark.py INPUT... --format json --output
    report.json`` (or ``python -m dupecheck.engine_spark``, which runs on this machine). Exit code 0
    when the scan ran, 2 on a usage or input error (no article read at all included).
    """
    parser = argparse.ArgumentParser(
        prog="dupecheck.engine_spark",
        description="Find near-duplicate articles on a Spark cluster (the same report as `dupecheck scan`).",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="JSON Lines or Parquet files or folders")
    parser.add_argument(
        "--input-format", choices=sorted(_FORMAT_GLOBS), help="jsonl or parquet, for every input"
    )
    parser.add_argument("--format", "-f", default="json", help="reporter: json, console, sarif, ...")
    parser.add_argument("--output", "-o", help="report file on the driver (default: standard output)")
    parser.add_argument("--master", help="Spark master when not given by spark-submit (default local[*])")
    for part in ("id", "text", "title", "date", "source"):
        parser.add_argument(f"--{part}-field", default=part, help=f"record field holding the {part}")
    parser.add_argument("--same-source", choices=SAME_SOURCE, default="report")
    parser.add_argument("--window", type=int, help="compare only articles within this many days")
    parser.add_argument("--boilerplate", help="file of extra furniture patterns, one a line")
    parser.add_argument("--no-learn-boilerplate", action="store_true", help="do not learn furniture")
    parser.add_argument("--max-bytes", type=int, default=MAX_BYTES, help="largest article read")
    parser.add_argument("--strict", action="store_true", help="any unreadable input is an error (exit 2)")
    options = parser.parse_args(argv)
    try:
        reporter = get_reporter(options.format)
        # Every value is checked before Spark starts: a typo costs no cluster time.
        check_max_bytes(options.max_bytes)
        check_scan_options(same_source=options.same_source, window=options.window)
        patterns = read_patterns(options.boilerplate) if options.boilerplate else ()
        spark = session(options.master)
        fields = Fields(
            id=options.id_field,
            text=options.text_field,
            title=options.title_field,
            date=options.date_field,
            source=options.source_field,
        )
        numbered, skipped, files = read_articles(
            spark,
            options.inputs,
            fields=fields,
            input_format=options.input_format,
            max_bytes=options.max_bytes,
        )
        if options.strict and skipped:
            require_articles(Loaded((), skipped, files), options.inputs, strict=True)
        report = scan_numbered(
            numbered,
            settings=Settings(),
            skipped=skipped,
            files=files,
            same_source=options.same_source,
            window=options.window,
            boilerplate=patterns,
            learn_boilerplate=not options.no_learn_boilerplate,
        )
        require_articles(
            Loaded(tuple(document.article for document in report.documents), report.skipped, files),
            options.inputs,
        )
    except DupecheckError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    if options.output:
        with open(options.output, "w", encoding="utf-8") as handle:
            reporter(report, handle, color=False)
    else:
        reporter(report, out or sys.stdout, color=False)
    return EXIT_OK


if __name__ == "__main__":
    # spark-submit runs this file as a script: call the installed module, whose functions executors import.
    from dupecheck.engine_spark import main as entry_point

    sys.exit(entry_point())
