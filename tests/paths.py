"""Where the tests find the samples and the shared seed and corpus data."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
LEE = SHARED / "corpora" / "lee" / "docs.jsonl"
WEB_SEED = SEEDS / "000_c444ba1d3ee65b69.txt"
SPUN_SEED = SEEDS / "001_a6bbfadbd51d0d61.txt"
