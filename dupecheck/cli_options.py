"""Command-line options that several commands share, defined once so each command explains them alike.

They live here, not in :mod:`dupecheck.cli`, because :mod:`dupecheck.cli_index` needs them and
``cli`` imports ``cli_index``.
"""

from __future__ import annotations

from typing import Annotated

import typer

SETTINGS_PANEL = "Matching settings"
"""The help panel of the options that are :class:`~dupecheck.settings.Settings` fields."""

CandidateThreshold = Annotated[
    float,
    typer.Option(
        help="How alike two paragraphs must look in the quick first pass (0 to 1) for their articles "
        "to be compared in detail. Lower misses fewer pairs but is slower.",
        rich_help_panel=SETTINGS_PANEL,
    ),
]
MinTerms = Annotated[
    int,
    typer.Option(
        help="Paragraphs with fewer meaningful words than this (words like 'the' or 'said' do not "
        "count) are too short to match and are listed as ignored.",
        rich_help_panel=SETTINGS_PANEL,
    ),
]
NumPerm = Annotated[
    int,
    typer.Option(
        help="Size of each paragraph's fingerprint in the first pass (16 to 1024). Larger is more "
        "accurate and slower.",
        rich_help_panel=SETTINGS_PANEL,
    ),
]
Seed = Annotated[
    int,
    typer.Option(
        help="Seed of the fingerprints: the same seed gives the same results on every run.",
        rich_help_panel=SETTINGS_PANEL,
    ),
]
