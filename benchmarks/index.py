"""The persistent index on Reuters-21578: build time, size, query latency, against re-scanning.

200 articles (every n-th one) are held out as the "new" articles; the rest is the archive.
The index is built from the archive, then each held-out article is queried on its own.
Re-scanning means running ``find_duplicates`` on the archive plus the new articles.

    .venv/bin/python benchmarks/index.py [--queries 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import CORPORA, articles, require_shared

from dupecheck.core import find_duplicates
from dupecheck.index import open_index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=200, help="held-out articles to query")
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

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reuters.db"
        started = time.perf_counter()
        with open_index(path, create=True) as index:
            index.build(archive)
        build_seconds = time.perf_counter() - started
        with open_index(path, readonly=True) as index:
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

    started = time.perf_counter()
    report = find_duplicates(archive + queries)
    scan_seconds = time.perf_counter() - started
    scanned: dict[tuple[str, str], str] = {}
    for pair in report.pairs:
        if (pair.a in held_out) != (pair.b in held_out):
            scanned[(pair.a, pair.b) if pair.a in held_out else (pair.b, pair.a)] = str(pair.relation)
    both = found.keys() & scanned.keys()
    same = sum(1 for key in both if found[key] == scanned[key])

    latencies.sort()
    median = statistics.median(latencies)
    p95 = latencies[min(len(latencies) - 1, round(0.95 * len(latencies)) - 1)]
    print("| measure | index | re-scan |\n|---|---|---|")
    print(f"| build (archive, once) | {build_seconds:.1f} s | - |")
    print(f"| size on disk | {stats.size_bytes / 2**20:.1f} MiB | - |")
    print(
        f"| one new article: median / p95 | {median * 1000:.0f} / {p95 * 1000:.0f} ms | {scan_seconds:.1f} s |"
    )
    print(f"| all {len(queries)} new articles at once | {batch_seconds:.1f} s | {scan_seconds:.1f} s |")
    print(
        f"| new-vs-archive pairs found | {len(found)} | {len(scanned)} (both: {len(both)}, same relation: {same}) |"
    )
    print(f"batch query pairs: {len(batch)}; archive: {stats.articles} articles, {stats.band_keys} band keys")


if __name__ == "__main__":
    main()
