"""The persistent index on Reuters-21578: build time, size, query latency, against re-scanning.

The same measures for the index on SQLite (one file) and on Redis (a redis-server this
script starts on 127.0.0.1 with a free port, no persistence; skipped with ``--no-redis`` or
when redis-server is not installed: ``make redis``). Redis's size is ``INFO memory``
``used_memory`` of its database after the build, less that of the empty server.

200 articles (every n-th one) are held out as the "new" articles; the rest is the archive.
The index is built from the archive, then each held-out article is queried on its own.
Re-scanning means running ``find_duplicates`` on the archive plus the new articles.

    .venv/bin/python benchmarks/index.py [--queries 200]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import CORPORA, articles, require_shared

from dupecheck.core import find_duplicates
from dupecheck.index import open_index
from dupecheck.index_redis import local_server
from dupecheck.model import Article


def measure(location: str, archive: list[Article], queries: list[Article]) -> dict[str, object]:
    """Build the index at ``location``, then query each new article alone and all at once."""
    started = time.perf_counter()
    with open_index(location, create=True, check_settings=False) as index:
        index.build(archive)
    build_seconds = time.perf_counter() - started
    with open_index(location, readonly=True) as index:
        stats = index.stats()
        latencies = []
        found: dict[tuple[str, str], str] = {}
        for article in queries:
            started = time.perf_counter()
            pairs = index.query([article])
            latencies.append(time.perf_counter() - started)
            found.update(((p.a, p.b), str(p.relation)) for p in pairs)
        started = time.perf_counter()
        batch = index.query(queries)
        batch_seconds = time.perf_counter() - started
    latencies.sort()
    return {
        "build": build_seconds,
        "size": stats.size_bytes,
        "median": statistics.median(latencies),
        "p95": latencies[min(len(latencies) - 1, round(0.95 * len(latencies)) - 1)],
        "batch": batch_seconds,
        "found": found,
        "batch_pairs": len(batch),
        "stats": stats,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=200, help="held-out articles to query")
    parser.add_argument("--no-redis", action="store_true", help="measure SQLite only")
    options = parser.parse_args()
    require_shared()
    if not (CORPORA / "reuters21578" / "docs.jsonl").is_file():
        sys.exit(f"benchmarks/index.py needs {CORPORA / 'reuters21578' / 'docs.jsonl'}")
    corpus = articles("reuters21578")
    step = max(1, len(corpus) // options.queries)
    held_out = {a.id for a in corpus[::step][: options.queries]}
    archive = [a for a in corpus if a.id not in held_out]
    queries = [a for a in corpus if a.id in held_out]
    print(f"Reuters-21578: {len(archive)} archive articles, {len(queries)} new articles")

    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["SQLite"] = measure(str(Path(folder) / "reuters.db"), archive, queries)
        if not options.no_redis and shutil.which("redis-server"):
            with local_server(folder) as port:
                client = redis.Redis(host="127.0.0.1", port=port)
                empty = int(client.info("memory")["used_memory"])
                results["Redis"] = measure(f"redis://127.0.0.1:{port}/0?prefix=reuters", archive, queries)
                results["Redis"]["size"] = int(client.info("memory")["used_memory"]) - empty
                client.close()
        elif not options.no_redis:
            print("redis-server not installed (`make redis`): Redis column left out")

    started = time.perf_counter()
    report = find_duplicates(archive + queries)
    scan_seconds = time.perf_counter() - started
    scanned: dict[tuple[str, str], str] = {}
    for pair in report.pairs:
        if (pair.a in held_out) != (pair.b in held_out):
            scanned[(pair.a, pair.b) if pair.a in held_out else (pair.b, pair.a)] = str(pair.relation)
    names = list(results)
    print("| measure | " + " | ".join(names) + " | re-scan |\n|---|" + "---|" * (len(names) + 1))

    def row(label: str, cells: list[str], scan: str = "-") -> None:
        print(f"| {label} | " + " | ".join(cells) + f" | {scan} |")

    row("build (archive, once)", [f"{results[n]['build']:.1f} s" for n in names])
    row("size (SQLite on disk; Redis used_memory)", [f"{results[n]['size'] / 2**20:.1f} MiB" for n in names])  # type: ignore[operator]
    row(
        "one new article: median / p95",
        [f"{results[n]['median'] * 1000:.0f} / {results[n]['p95'] * 1000:.0f} ms" for n in names],  # type: ignore[operator]
        f"{scan_seconds:.1f} s",
    )
    row(
        f"all {len(queries)} new articles at once",
        [f"{results[n]['batch']:.1f} s" for n in names],
        f"{scan_seconds:.1f} s",
    )
    for name in names:
        found: dict[tuple[str, str], str] = results[name]["found"]  # type: ignore[assignment]
        both = found.keys() & scanned.keys()
        same = sum(1 for key in both if found[key] == scanned[key])
        print(
            f"{name}: {len(found)} new-vs-archive pairs (scan: {len(scanned)}; both: {len(both)}, same relation: {same}); "
            f"batch query pairs: {results[name]['batch_pairs']}"
        )


if __name__ == "__main__":
    main()
