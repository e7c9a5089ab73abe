"""Settings for a scan: validated once, here, so no later stage has to."""

from __future__ import annotations

from dataclasses import dataclass

from dupecheck.errors import SettingsError


@dataclass(frozen=True, slots=True)
class Settings:
    """Every knob of the pipeline, with defaults measured on news (see benchmarks/).

    >>> Settings(match_threshold=0.3).match_threshold
    0.3
    """

    num_perm: int = 128
    """MinHash permutations per paragraph signature."""
    seed: int = 1
    """Seed of the MinHash permutations: fixed, so results are reproducible."""
    candidate_threshold: float = 0.25
    """Estimated Jaccard of two paragraphs' terms at which LSH proposes their articles."""
    common_share: float = 0.02
    """Shingles in more than this share of the scanned articles are corpus vocabulary, not evidence."""
    common_min_docs: int = 50
    """...but only once they are in more articles than this, so many copies of one story still match."""
    min_terms: int = 4
    """Paragraphs with fewer content words are too short to match on their own."""
    match_threshold: float = 0.15
    """Share of a paragraph's terms found in the other article's paragraph to count as a counterpart."""
    anchor_threshold: float = 0.4
    """Score the strongest paragraph matches (``min_anchors`` of them) need for two articles to be related."""
    min_anchors: int = 2
    """Strong paragraph matches needed (fewer when an article has fewer paragraphs)."""
    partial_threshold: float = 0.3
    """Share of either article found in the other for a `partial` relation."""
    rewrite_threshold: float = 0.9
    """Share of one article found in the other for a `rewrite` relation."""
    rewrite_share: float = 0.2
    """...and share of the other that must be found in it: a short story found whole inside a far
    longer one is not rewritten there but reused, `partial` (0: no such condition)."""
    duplicate_threshold: float = 0.9
    """Share of both articles found in each other for a `duplicate` relation."""
    duplicate_score: float = 0.6
    """Similarity a `duplicate` needs: rewrites reword, duplicates do not."""

    def __post_init__(self) -> None:
        if not 16 <= self.num_perm <= 1024:
            raise SettingsError(f"num_perm must be in [16, 1024], got {self.num_perm}")
        if not 0 <= self.seed < 2**32:
            raise SettingsError(f"seed must be in [0, 2**32 - 1], got {self.seed}")
        if self.min_anchors < 1:
            raise SettingsError(f"min_anchors must be at least 1, got {self.min_anchors}")
        if self.common_min_docs < 2:
            raise SettingsError(f"common_min_docs must be at least 2, got {self.common_min_docs}")
        if self.min_terms < 1:
            raise SettingsError(f"min_terms must be at least 1, got {self.min_terms}")
        for name in (
            "candidate_threshold",
            "common_share",
            "match_threshold",
            "anchor_threshold",
            "partial_threshold",
            "rewrite_threshold",
            "duplicate_threshold",
            "duplicate_score",
        ):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise SettingsError(f"{name} must be in (0.0, 1.0], got {value}")
        if self.anchor_threshold < self.match_threshold:
            raise SettingsError("anchor_threshold must not be below match_threshold")
        if not 0.0 <= self.rewrite_share <= 1.0:
            raise SettingsError(f"rewrite_share must be in [0.0, 1.0], got {self.rewrite_share}")
        if not self.partial_threshold <= self.rewrite_threshold <= self.duplicate_threshold:
            raise SettingsError(
                "thresholds must rise: partial_threshold <= rewrite_threshold <= duplicate_threshold"
            )
