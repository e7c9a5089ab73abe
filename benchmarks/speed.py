"""Speed of dupecheck scan, stage by stage, beside the textbook MinHash LSH pipeline.

Run: make bench-speed (or python benchmarks/speed.py --sizes 10000 100000 --repeat 3), or
make bench-speed-1m for one scan of 1,000,000 articles. For Reuters-21578 and for synthetic
corpora made at run time from Reuters-21578's words (drawn by their frequency), with planted
rewrites so recall is printed too, it prints wall time, CPU time, articles/s and peak RSS of an
end-to-end scan (stream a JSON Lines file into the scan, write the JSON report), each stage's
seconds (reading is part of the first stage, read+segment), and the textbook pipeline's time on
the same articles (only up to --textbook-max articles: it takes about an hour at a million).
A synthetic corpus is written straight to its file, and the time that takes is printed apart
from the scan figures. Every run is a fresh process, so peak RSS is
that run's own (the largest worker's is printed beside it); figures are medians of --repeat runs.
It also times `dupecheck check --changed-since HEAD` on a git folder of 10,000 Reuters-21578
articles with one edited, with a warm --cache and without (skip with --no-check).
Measured, not claimed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import articles, require_shared
from datasketch import MinHash, MinHashLSH

from dupecheck import __version__
from dupecheck.core import find_duplicates
from dupecheck.load import ArticleStream, load_paths
from dupecheck.model import Article
from dupecheck.parallel import default_jobs
from dupecheck.reporters import get_reporter

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*|\d[\d.,]*\d|\d")
STAGES = ("segment", "vocabulary", "shingle", "sign", "candidates", "pretest", "verify", "group", "report")
_STAGE_NAMES = {"segment": "read+segment"}
"""Articles are read while they are segmented: the first stage's time includes reading them."""


def word_frequencies(corpus: list[Article]) -> tuple[np.ndarray, np.ndarray]:
    """The words of a corpus (as written) and their shares of all its words."""
    counts = Counter(word for article in corpus for word in _TOKEN.findall(article.text))
    words = np.array(list(counts), dtype=object)
    shares = np.array(list(counts.values()), dtype=np.float64)
    return words, shares / shares.sum()


def write_synthetic(
    words: np.ndarray, shares: np.ndarray, size: int, path: Path, seed: int = 7
) -> set[frozenset[str]]:
    """Write ``size`` articles of 6-10 paragraphs of 40-100 words to JSON Lines at ``path``; 5% rewrite another.

    Words are drawn one by one with their Reuters frequencies, in sentences of 8-30 words,
    so articles have news-like length and vocabulary but unrelated ones share no phrasing,
    as in a real archive (reused real sentences would make every article a near-duplicate
    of many others as the corpus grows). A rewrite keeps each paragraph with probability
    0.85, drops 15% of the words of each kept one, and swaps the first two paragraphs.
    Articles go to the file as they are made (a rewrite reads its source back from it), so
    a corpus of millions needs little memory. Returns the planted (source, rewrite) pairs.
    """
    rng = np.random.default_rng(seed)
    cumulative = np.cumsum(shares)
    vocabulary = words.tolist()
    last = len(vocabulary) - 1
    ends = np.zeros(size, dtype=np.int64)  # where each article's line ends in the file
    planted: set[frozenset[str]] = set()
    with path.open("w+b") as out:
        written = 0
        for number in range(size):
            if number and rng.random() < 0.05:
                source = int(rng.integers(number))
                start = int(ends[source - 1]) if source else 0
                out.flush()
                line = os.pread(out.fileno(), int(ends[source]) - start, start)
                paragraphs = json.loads(line)["text"].split("\n\n")
                kept = [p for p in paragraphs if rng.random() < 0.85] or paragraphs[:1]
                reworded = [" ".join(w for w in p.split() if rng.random() > 0.15) for p in kept]
                if len(reworded) > 2:
                    reworded[0], reworded[1] = reworded[1], reworded[0]
                text = "\n\n".join(reworded)
                planted.add(frozenset((f"s{source}", f"s{number}")))
            else:
                lengths = rng.integers(40, 101, size=int(rng.integers(6, 11)))
                drawn = np.minimum(np.searchsorted(cumulative, rng.random(int(lengths.sum()))), last).tolist()
                paragraphs = []
                first = 0
                for length in lengths.tolist():
                    chunk = [vocabulary[i] for i in drawn[first : first + length]]
                    first += length
                    cuts = np.cumsum(rng.integers(8, 31, size=length // 8 + 1))
                    bounds = [0, *cuts[cuts < length].tolist(), length]
                    sentences = [" ".join(chunk[a:b]) for a, b in pairwise(bounds) if b > a]
                    paragraphs.append(". ".join(sentences) + ".")
                text = "\n\n".join(paragraphs)
            line = (json.dumps({"id": f"s{number}", "text": text}, ensure_ascii=False) + "\n").encode()
            out.write(line)
            written += len(line)
            ends[number] = written
    return planted


def textbook(corpus: Iterable[Article]) -> float:
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


def _peaks() -> tuple[float, float]:
    """Peak RSS in MiB of this process and of its largest finished child (a worker)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def run_once(path: Path, jobs: int, planted_path: Path | None) -> dict[str, object]:
    """One end-to-end scan of the JSON Lines file at ``path``: figures as a dict."""
    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        marks[stage] = time.perf_counter()

    wall, cpu = time.perf_counter(), time.process_time()
    stream = ArticleStream([path])
    report = find_duplicates(stream.required(), progress=progress, jobs=jobs)
    report = replace(report, skipped=stream.skipped, files=stream.files)
    with open(os.devnull, "w", encoding="utf-8") as sink:
        get_reporter("json")(report, sink, color=False)
    marks["report"] = time.perf_counter()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - cpu + children.ru_utime + children.ru_stime
    seconds: dict[str, float] = {}
    previous = wall
    for stage in STAGES:
        if stage in marks:
            seconds[stage] = marks[stage] - previous
            previous = marks[stage]
    result: dict[str, object] = {
        "articles": len(report.documents),
        "wall": marks["report"] - wall,
        "cpu": cpu,
        "stages": seconds,
        "candidates": report.candidates,
        "pairs": len(report.pairs),
        "rss": _peaks(),
    }
    if planted_path is not None:
        planted = {frozenset(pair) for pair in json.loads(planted_path.read_text(encoding="utf-8"))}
        found = {frozenset((p.a, p.b)) for p in report.pairs}
        result["recall"] = len(planted & found) / len(planted)
    return result


def textbook_once(path: Path) -> dict[str, object]:
    """The textbook pipeline over the articles of ``path`` (reading them not timed)."""
    corpus = load_paths([path]).articles
    return {"wall": textbook(corpus), "rss": _peaks()}


def _subprocess(*arguments: str) -> dict[str, object]:
    command = [sys.executable, __file__, *arguments]
    finished = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, object] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result


def _write(folder: Path, name: str, corpus: list[Article]) -> Path:
    path = folder / f"{name}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for article in corpus:
            out.write(json.dumps({"id": article.id, "text": article.text}, ensure_ascii=False) + "\n")
    return path


def _write_planted(path: Path, planted: set[frozenset[str]]) -> None:
    """Write the planted pairs beside the corpus at ``path``, where :func:`measure` looks for them."""
    path.with_name(path.stem + ".planted.json").write_text(
        json.dumps([sorted(p) for p in planted]), encoding="utf-8"
    )


def measure(path: Path, label: str, jobs: int, repeat: int, textbook_repeat: int, textbook_max: int) -> None:
    """Print the medians of ``repeat`` scans of ``path`` (each in a fresh process).

    The textbook pipeline runs only on corpora of at most ``textbook_max`` articles: it holds
    every article and signature in memory and takes about an hour at a million.
    """
    planted = path.with_name(path.stem + ".planted.json")
    extra = ["--planted", str(planted)] if planted.exists() else []
    runs = [_subprocess("--one", str(path), "--jobs", str(jobs), *extra) for _ in range(repeat)]
    count = int(runs[0]["articles"])  # type: ignore[call-overload]
    wall = statistics.median(float(r["wall"]) for r in runs)  # type: ignore[arg-type]
    cpu = statistics.median(float(r["cpu"]) for r in runs)  # type: ignore[arg-type]
    own = max(float(r["rss"][0]) for r in runs)  # type: ignore[index]
    worker = max(float(r["rss"][1]) for r in runs)  # type: ignore[index]
    print(
        f"{label}: {count:,} articles, {jobs} jobs, median of {repeat}: wall {wall:.1f} s, CPU {cpu:.1f} s, "
        f"{count / wall:,.0f} articles/s, peak RSS {own:,.0f} MiB (largest worker {worker:,.0f} MiB), "
        f"{runs[0]['candidates']:,} candidate pairs, {runs[0]['pairs']:,} pairs"
    )
    stages = {
        stage: statistics.median(float(r["stages"].get(stage, 0.0)) for r in runs)  # type: ignore[attr-defined]
        for stage in STAGES
    }
    print(
        "    stages (s): "
        + ", ".join(f"{_STAGE_NAMES.get(stage, stage)} {seconds:.2f}" for stage, seconds in stages.items())
    )
    if "recall" in runs[0]:
        print(f"    recall of planted rewrites: {float(runs[0]['recall']):.3f}")  # type: ignore[arg-type]
    if textbook_repeat and count > textbook_max:
        print(
            f"    textbook pipeline not run: {count:,} articles is more than --textbook-max {textbook_max:,}"
        )
    elif textbook_repeat:
        books = [_subprocess("--textbook", str(path)) for _ in range(textbook_repeat)]
        seconds = statistics.median(float(b["wall"]) for b in books)  # type: ignore[arg-type]
        print(
            f"    textbook pipeline (5-gram MinHash.update + MinHashLSH, one process, reading not timed, "
            f"median of {textbook_repeat}): {seconds:.1f} s ({count / seconds:,.0f} articles/s); dupecheck is {seconds / wall:.2f}x its speed"
        )


_CHECK_FILES = 10_000


def _timed(command: list[str], folder: Path) -> float:
    started = time.perf_counter()
    finished = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if finished.returncode not in (0, 1):  # 1: near-duplicates found, which a check may well report
        raise SystemExit(f"{' '.join(command)} failed ({finished.returncode}): {finished.stderr.strip()}")
    return seconds


def measure_check(corpus: list[Article], repeat: int) -> None:
    """Time ``dupecheck check --changed-since HEAD`` over a git folder of 10,000 articles, one of them edited."""
    with tempfile.TemporaryDirectory(prefix="dupecheck-check-") as where:
        folder = Path(where) / "content"
        folder.mkdir()
        for number, article in enumerate(corpus[:_CHECK_FILES]):
            (folder / f"article{number}.txt").write_text(article.text, encoding="utf-8")
        git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
        for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "articles"]):
            subprocess.run([*git, *step], cwd=folder, check=True, capture_output=True)
        with (folder / "article0.txt").open("a", encoding="utf-8") as edited:
            edited.write("\n\nThis story was corrected to give the right date of the meeting.\n")
        check = [sys.executable, "-m", "dupecheck", "check", ".", "--changed-since", "HEAD"]
        cached = [*check, "--cache", str(Path(where) / "cache.db")]
        cold = _timed(cached, folder)
        warm = [_timed(cached, folder) for _ in range(repeat)]
        plain = [_timed(check, folder) for _ in range(repeat)]
        count = min(len(corpus), _CHECK_FILES)
        print(
            f"check --changed-since HEAD, {count:,} files, one edited, median of {repeat}: "
            f"warm --cache {statistics.median(warm):.2f} s (runs {min(warm):.2f}-{max(warm):.2f} s), "
            f"no cache {statistics.median(plain):.2f} s; the run filling the cache {cold:.2f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000], help="synthetic corpus sizes")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="processes (default: one per CPU)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per corpus; medians are printed")
    parser.add_argument(
        "--textbook-repeat", type=int, help="runs of the textbook pipeline (default: --repeat)"
    )
    parser.add_argument("--no-textbook", action="store_true", help="skip the textbook pipeline")
    parser.add_argument(
        "--textbook-max",
        type=int,
        default=100_000,
        metavar="N",
        help="run the textbook pipeline only on corpora of at most N articles (default: 100000)",
    )
    parser.add_argument("--no-reuters", action="store_true", help="skip Reuters-21578")
    parser.add_argument(
        "--no-check", action="store_true", help="skip timing `dupecheck check` on a folder of 10,000 files"
    )
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--planted", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--textbook", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run_once(args.one, args.jobs, args.planted)))
        return
    if args.textbook is not None:
        print(json.dumps(textbook_once(args.textbook)))
        return
    require_shared()
    books = 0 if args.no_textbook else args.repeat if args.textbook_repeat is None else args.textbook_repeat
    print(f"dupecheck {__version__}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    reuters = articles("reuters21578")
    with tempfile.TemporaryDirectory(prefix="dupecheck-speed-") as folder:
        if not args.no_reuters:
            path = _write(Path(folder), "reuters21578", reuters)
            measure(path, "reuters21578", args.jobs, args.repeat, books, args.textbook_max)
        if not args.no_check:
            measure_check(reuters, max(args.repeat, 5))
        words, shares = word_frequencies(reuters)
        for size in args.sizes:
            path = Path(folder) / f"synthetic-{size}.jsonl"
            started = time.perf_counter()
            planted = write_synthetic(words, shares, size, path)
            _write_planted(path, planted)
            print(
                f"synthetic {size:,}: corpus written in {time.perf_counter() - started:.1f} s "
                f"({path.stat().st_size / 2**30:.2f} GiB of JSON Lines; not part of the scan figures)"
            )
            measure(path, f"synthetic {size:,}", args.jobs, args.repeat, books, args.textbook_max)
            path.unlink()


if __name__ == "__main__":
    main()
