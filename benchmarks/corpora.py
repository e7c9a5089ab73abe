"""Read the evaluation corpora in ../shared/corpora in place (never copied into the repo)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from dupecheck.model import Article

CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
SEEDS = CORPORA.parent / "seeds"


def require_shared() -> None:
    """Exit with a clear message when ../shared is not beside the repository."""
    if not CORPORA.is_dir():
        sys.exit(f"benchmarks need the corpora at {CORPORA}; check out ../shared beside the repository")


def records(name: str, file: str = "docs.jsonl") -> Iterator[dict]:
    """The JSON records of one corpus file."""
    with open(CORPORA / name / file, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def articles(name: str) -> list[Article]:
    """A corpus as articles, ids as in the corpus."""
    return [Article(str(r["id"]), r["text"], f"{name}/{r['id']}") for r in records(name)]


def exact_groups(name: str) -> list[list[str]]:
    """The exact-duplicate groups listed for a corpus."""
    path = CORPORA / name / "exact_duplicate_groups.tsv"
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
