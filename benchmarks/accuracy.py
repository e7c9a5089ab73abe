"""Accuracy of dupecheck's default settings on real corpora, beside the textbook recipe.

Run: make bench-accuracy (or python benchmarks/accuracy.py). Scoring follows
../shared/corpora/README.md; every number printed is measured in this run.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from corpora import SEEDS, articles, exact_groups, records, require_shared
from datasketch import MinHash, MinHashLSH

import dupecheck
from dupecheck.align import compare_documents
from dupecheck.core import find_duplicates
from dupecheck.load import load_paths
from dupecheck.model import Document, Paragraph, ScanReport
from dupecheck.settings import Settings

CLASSES = ("wholly", "partially", "non")
TO_CLASS = {"duplicate": "wholly", "rewrite": "wholly", "partial": "partially"}


def f1_table(
    gold: list[str], predicted: list[str], classes: tuple[str, ...]
) -> dict[str, tuple[float, float, float]]:
    """Precision, recall and F1 of each class."""
    out = {}
    for c in classes:
        tp = sum(g == c and p == c for g, p in zip(gold, predicted))
        fp = sum(g != c and p == c for g, p in zip(gold, predicted))
        fn = sum(g == c and p != c for g, p in zip(gold, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        out[c] = (
            precision,
            recall,
            2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        )
    return out


def macro(table: dict[str, tuple[float, float, float]]) -> float:
    return sum(v[2] for v in table.values()) / len(table)


def meter_classes(report: ScanReport, docs: list[dict]) -> tuple[list[str], list[str], int]:
    """Gold and predicted class of each labelled newspaper text, and the cross-story pairs."""
    story = {d["id"]: d["story"] for d in docs}
    role = {d["id"]: d["role"] for d in docs}
    strongest: dict[str, str] = {}
    rank = {"wholly": 2, "partially": 1, "non": 0}
    cross = 0
    for pair in report.pairs:
        if story[pair.a] != story[pair.b]:
            cross += 1
            continue
        for np_id, pa_id in ((pair.a, pair.b), (pair.b, pair.a)):
            if role[np_id] == "newspaper" and role[pa_id] == "pa":
                cls = TO_CLASS[pair.relation.value]
                if rank[cls] > rank[strongest.get(np_id, "non")]:
                    strongest[np_id] = cls
    labelled = [d for d in docs if d["role"] == "newspaper" and d["label"]]
    return [d["label"] for d in labelled], [strongest.get(d["id"], "non") for d in labelled], cross


def binary(labels: list[str]) -> list[str]:
    return ["derived" if x != "non" else "non" for x in labels]


def paragraph_gold(documents: Iterable[Document]) -> Iterator[tuple[str, Paragraph, bool]]:
    """Each scored paragraph of the annotated derived texts, and whether it is reused.

    As ../shared/corpora/README.md scores it: paragraphs of 20+ characters as the tool
    segments them; reused when at least half their characters are marked verbatim or rewrite.
    """
    by_id = {d.id: d for d in documents}
    for record in records("meter-dev", "spans.jsonl"):
        if record["label"] == "non":
            continue
        mark = np.zeros(len(record["text"]), dtype=bool)
        for seg in record["segments"]:
            if seg["type"] in ("verbatim", "rewrite"):
                mark[seg["start"] : seg["end"]] = True
        for p in by_id[record["id"]].paragraphs:
            if p.end - p.start >= 20:
                yield record["id"], p, bool(mark[p.start : p.end].sum() * 2 >= p.end - p.start)


def meter_paragraphs(report: ScanReport, docs: list[dict]) -> tuple[float, float, float, int]:
    """Precision/recall/F1 of "this newspaper paragraph overlaps a PA paragraph of its story"."""
    story = {d["id"]: d["story"] for d in docs}
    role = {d["id"]: d["role"] for d in docs}
    reused_pred: dict[str, set[int]] = defaultdict(set)
    for pair in report.pairs:
        if story[pair.a] != story[pair.b]:
            continue
        for o in pair.overlaps:
            if role[pair.a] == "newspaper" and role[pair.b] == "pa":
                reused_pred[pair.a].add(o.a)
            if role[pair.b] == "newspaper" and role[pair.a] == "pa":
                reused_pred[pair.b].add(o.b)
    tp = fp = fn = n = 0
    for record_id, paragraph, gold in paragraph_gold(report.documents):
        n += 1
        pred = paragraph.index in reused_pred[record_id]
        tp += gold and pred
        fp += (not gold) and pred
        fn += gold and not pred
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, n


def textbook_pairs(
    texts: dict[str, str], threshold: float = 0.5, num_perm: int = 128
) -> set[tuple[str, str]]:
    """The textbook recipe: word 5-gram shingles, MinHash, MinHashLSH at a fixed threshold."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes = {}
    for key, text in texts.items():
        w = re.findall(r"\w+", text.lower())
        m = MinHash(num_perm=num_perm)
        for i in range(max(len(w) - 4, 1)):
            m.update(" ".join(w[i : i + 5]).encode("utf-8"))
        hashes[key] = m
        lsh.insert(key, m)
    return {tuple(sorted((k, o))) for k, m in hashes.items() for o in lsh.query(m) if o != k}  # type: ignore[misc]


def print_classes(title: str, gold: list[str], predicted: list[str], cross: int) -> None:
    table = f1_table(gold, predicted, CLASSES)
    bin_table = f1_table(binary(gold), binary(predicted), ("derived", "non"))
    print(
        f"  {title}: 3-class macro-F1 {macro(table):.3f} | derived-vs-non macro-F1 {macro(bin_table):.3f} | cross-story pairs {cross}"
    )
    for c in CLASSES:
        p, r, f = table[c]
        print(f"      {c:<9} precision {p:.3f} recall {r:.3f} F1 {f:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-large", action="store_true", help="skip Reuters-21578 and BBC")
    args = parser.parse_args()
    require_shared()
    settings = Settings()
    print(f"dupecheck {dupecheck.__version__}; settings: {settings}")

    docs = list(records("meter-dev"))
    start = time.perf_counter()
    report = find_duplicates(articles("meter-dev"), settings=settings)
    elapsed = time.perf_counter() - start
    gold, predicted, cross = meter_classes(report, docs)
    print(
        f"\nMETER dev: {len(docs)} texts scanned together in {elapsed:.1f} s; {len(gold)} labelled newspaper texts {dict(Counter(gold))}"
    )
    print_classes("dupecheck", gold, predicted, cross)
    story = {d["id"]: d["story"] for d in docs}
    role = {d["id"]: d["role"] for d in docs}
    tb = textbook_pairs({d["id"]: d["text"] for d in docs})
    tb_class: dict[str, str] = {}
    tb_cross = 0
    for a, b in tb:
        if story[a] != story[b]:
            tb_cross += 1
        elif {role[a], role[b]} == {"pa", "newspaper"}:
            tb_class[a if role[a] == "newspaper" else b] = "wholly"
    labelled = [d for d in docs if d["role"] == "newspaper" and d["label"]]
    tb_pred = [tb_class.get(d["id"], "non") for d in labelled]
    print_classes("textbook (word 5-gram MinHash LSH @0.5, a pair = wholly)", gold, tb_pred, tb_cross)
    derived = [g != "non" for g in gold]
    ours = sum(d and p != "non" for d, p in zip(derived, predicted)) / sum(derived)
    theirs = sum(d and p != "non" for d, p in zip(derived, tb_pred)) / sum(derived)
    print(
        f"  recall of derived texts: dupecheck {ours:.3f} vs textbook {theirs:.3f}"
        + (f" ({ours / theirs:.0f}x)" if theirs else "")
    )

    p, r, f, n = meter_paragraphs(report, docs)
    print(
        f"\nMETER paragraphs (spans.jsonl, derived texts, {n} paragraphs of 20+ chars): precision {p:.3f} recall {r:.3f} F1 {f:.3f}"
    )

    lee = find_duplicates(articles("lee"), settings=settings)
    every_pair = [compare_documents(a, b, settings) for a, b in itertools.combinations(lee.documents, 2)]
    top = max(every_pair, key=lambda p: (p.evidence, p.similarity))
    print(
        f"\nLee: {len(lee.documents)} articles, pairs reported {len(lee.pairs)} (every one is a false merge); "
        f"over all {len(every_pair)} pairs the highest evidence is {top.evidence} ({top.a} ~ {top.b}), "
        f"the highest similarity {max(p.similarity for p in every_pair)}; "
        f"a pair needs evidence >= {settings.anchor_threshold}"
    )

    seeds = load_paths([SEEDS])
    seed_report = find_duplicates(seeds.articles, settings=settings)
    docs_ab = seed_report.documents
    seed_pair = compare_documents(docs_ab[0], docs_ab[1], settings)
    relation = seed_pair.relation.value if seed_pair.relation else "none"
    print(
        f"Seeds: grouped {'yes' if seed_report.groups else 'NO'}, relation {relation}, "
        f"evidence {seed_pair.evidence}, similarity {seed_pair.similarity}, "
        f"a_in_b {seed_pair.a_in_b}, b_in_a {seed_pair.b_in_a}"
    )

    if args.skip_large:
        return
    for name in ("reuters21578", "bbc"):
        start = time.perf_counter()
        corpus = articles(name)
        scan = find_duplicates(corpus, settings=settings)
        elapsed = time.perf_counter() - start
        paired = {frozenset((p.a, p.b)) for p in scan.pairs}
        groups = exact_groups(name)
        found = sum(all(frozenset(c) in paired for c in itertools.combinations(g, 2)) for g in groups)
        listed = {frozenset(c) for g in groups for c in itertools.combinations(g, 2)}
        others = [p for p in scan.pairs if frozenset((p.a, p.b)) not in listed]
        print(
            f"\n{name}: {len(corpus)} articles in {elapsed:.1f} s; exact-duplicate groups found {found}/{len(groups)} (recall {found / len(groups):.3f}); other pairs {len(others)} {dict(Counter(p.relation.value for p in others))}"
        )
        for pair in others[:: max(1, len(others) // 20)][:20]:
            print(
                f"    {pair.a} ~ {pair.b}: {pair.relation.value}, similarity {pair.similarity}, a_in_b {pair.a_in_b}, b_in_a {pair.b_in_a}"
            )


if __name__ == "__main__":
    main()
