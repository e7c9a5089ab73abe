"""A generated corpus with planted copies, for tests that need more articles than samples/ holds."""

from __future__ import annotations

import random

from dupecheck.model import Article


def corpus_with_planted_copies(size: int, seed: int = 5) -> tuple[list[Article], set[frozenset[str]]]:
    """Articles of made-up words; every tenth copies most paragraphs of an earlier one."""
    rng = random.Random(seed)
    vocabulary = [f"w{n}x" for n in range(4000)]
    articles: list[Article] = []
    planted: set[frozenset[str]] = set()
    for number in range(size):
        if articles and number % 10 == 0:
            source = rng.choice(articles)
            kept = [p for p in source.text.split("\n\n") if rng.random() < 0.9]
            articles.append(Article(f"a{number}", "\n\n".join(kept)))
            planted.add(frozenset((source.id, f"a{number}")))
        else:
            paragraphs = [" ".join(rng.choices(vocabulary, k=25)) for _ in range(rng.randint(3, 6))]
            articles.append(Article(f"a{number}", "\n\n".join(paragraphs)))
    return articles, planted
