"""Speed of dupecheck scan, stage by stage, beside the textbook MinHash LSH pipeline.

Run: make bench-speed (or python benchmarks/speed.py --sizes 10000). Prints wall time, CPU
time, articles/s and peak RSS on Reuters-21578 and on synthetic corpora made at run time from
Reuters sentences with planted rewrites (so recall is printed too). Measured, not claimed.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import articles, require_shared
from datasketch import MinHash, MinHashLSH

from dupecheck.core import find_duplicates
from dupecheck.model import Article


def synthetic(sentences: list[str], size: int, seed: int = 7) -> tuple[list[Article], set[frozenset[str]]]:
    """``size`` articles of 6-10 paragraphs of Reuters sentences; 5% are rewrites of another one."""
    rng = random.Random(seed)
    out: list[Article] = []
    planted: set[frozenset[str]] = set()
    for number in range(size):
        if out and rng.random() < 0.05:
            source = rng.choice(out)
            paragraphs = source.text.split("\n\n")
            kept = [p for p in paragraphs if rng.random() < 0.85] or paragraphs[:1]
            reworded = [" ".join(w for w in p.split() if rng.random() > 0.15) for p in kept]
            if len(reworded) > 2:
                reworded[0], reworded[1] = reworded[1], reworded[0]
            article = Article(f"s{number}", "\n\n".join(reworded))
            planted.add(frozenset((source.id, article.id)))
        else:
            paragraphs = [" ".join(rng.sample(sentences, 3)) for _ in range(rng.randint(6, 10))]
            article = Article(f"s{number}", "\n\n".join(paragraphs))
        out.append(article)
    return out, planted


def textbook(corpus: list[Article]) -> float:
    """Seconds for the textbook pipeline: word 5-grams, MinHash.update per shingle, MinHashLSH @0.5."""
    started = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    signatures = {}
    for article in corpus:
        words = re.findall(r"\w+", article.text.lower())
        signature = MinHash(num_perm=128)
        for i in range(max(len(words) - 4, 1)):
            signature.update(" ".join(words[i : i + 5]).encode("utf-8"))
        signatures[article.id] = signature
        lsh.insert(article.id, signature)
    for signature in signatures.values():
        lsh.query(signature)
    return time.perf_counter() - started


def measure(
    name: str, corpus: list[Article], planted: set[frozenset[str]] | None, with_textbook: bool
) -> None:
    first: dict[str, float] = {}
    last: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        first.setdefault(stage, now)
        last[stage] = now

    wall, cpu = time.perf_counter(), time.process_time()
    report = find_duplicates(corpus, progress=progress)
    end = time.perf_counter()
    wall, cpu = end - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = end - wall
    verify_start = first.get("verify", end)
    stages = {
        "segment": last.get("segment", start) - start,
        "vocabulary+sign": last.get("sign", start) - last.get("segment", start),
        "candidates (LSH)": verify_start - last.get("sign", start),
        "verify+group": end - verify_start,
    }
    line = (
        f"{name}: {len(corpus):,} articles, wall {wall:.1f} s, CPU {cpu:.1f} s, "
        f"{len(corpus) / wall:,.0f} articles/s, peak RSS {peak:,.0f} MiB, "
        f"{report.candidates:,} candidate pairs, {len(report.pairs):,} pairs"
    )
    print(line)
    print("    stages (s): " + ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in stages.items()))
    if planted:
        found = {frozenset((p.a, p.b)) for p in report.pairs}
        print(
            f"    recall of planted rewrites: {len(planted & found) / len(planted):.3f} ({len(planted):,} planted)"
        )
    if with_textbook:
        seconds = textbook(corpus)
        print(
            f"    textbook pipeline: {seconds:.1f} s ({len(corpus) / seconds:,.0f} articles/s); dupecheck/textbook time ratio {wall / seconds:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000], help="synthetic corpus sizes")
    parser.add_argument("--no-textbook", action="store_true", help="skip the textbook pipeline")
    args = parser.parse_args()
    require_shared()
    reuters = articles("reuters21578")
    measure("reuters21578", reuters, None, not args.no_textbook)
    sentences = [
        s.strip() for a in reuters for s in re.split(r"(?<=[.!?])\s+", a.text) if len(s.split()) >= 8
    ]
    for size in args.sizes:
        corpus, planted = synthetic(sentences, size)
        measure(f"synthetic {size:,}", corpus, planted, not args.no_textbook)


if __name__ == "__main__":
    main()
