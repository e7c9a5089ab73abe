"""Command-line options that several commands share, defined once so each command explains them alike.

They live here, not in :mod:`dupecheck.cli`, because :mod:`dupecheck.cli_index` needs them and
``cli`` imports ``cli_index``.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Annotated, Any

import typer

from dupecheck.config import Config, apply_config
from dupecheck.load import FORMATS, MAX_BYTES_LIMIT
from dupecheck.reporters import REPORTERS

SETTINGS_PANEL = "Matching settings"
"""The help panel of the options that are :class:`~dupecheck.settings.Settings` fields."""
INPUT_PANEL = "Input"
"""The help panel of the options that say how articles are read."""
OUTPUT_PANEL = "Output"
"""The help panel of the options that say how and where a report is written."""

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
MatchThreshold = Annotated[
    float,
    typer.Option(
        help="How much of a paragraph's wording (0 to 1) must reappear in a paragraph of the other "
        "article for the two to count as the same paragraph. Lower finds heavier rewrites, "
        "and more false matches.",
        rich_help_panel=SETTINGS_PANEL,
    ),
]
AnchorThreshold = Annotated[
    float,
    typer.Option(
        help="Two articles are related only if --min-anchors of their paragraphs match this "
        "closely (0 to 1, not below --match-threshold). Raise it to ignore stories that share only "
        "stock phrases.",
        rich_help_panel=SETTINGS_PANEL,
    ),
]
PartialThreshold = Annotated[
    float,
    typer.Option(
        help="Share of an article (0 to 1) found in the other to report the two as 'partial': "
        "they share some paragraphs.",
        rich_help_panel=SETTINGS_PANEL,
    ),
]
RewriteThreshold = Annotated[
    float,
    typer.Option(
        help="Share of an article (0 to 1) found in the other to report it as a 'rewrite'. "
        "Must lie between the partial and duplicate thresholds.",
        rich_help_panel=SETTINGS_PANEL,
    ),
]
RewriteShare = Annotated[
    float,
    typer.Option(
        help="Share of the other article (0 to 1) a 'rewrite' must also be found in: a short story "
        "found whole inside a far longer one is 'partial' reuse there. 0 turns the condition off.",
        rich_help_panel=SETTINGS_PANEL,
    ),
]
DuplicateThreshold = Annotated[
    float,
    typer.Option(
        help="Share of each article (0 to 1) found in the other to report the two as 'duplicate'.",
        rich_help_panel=SETTINGS_PANEL,
    ),
]
DuplicateScore = Annotated[
    float,
    typer.Option(
        help="How word-for-word (0 to 1, on average) the shared paragraphs of a 'duplicate' must be; "
        "a full copy that is reworded more than this is reported as a 'rewrite'.",
        rich_help_panel=SETTINGS_PANEL,
    ),
]
MinAnchors = Annotated[
    int,
    typer.Option(
        help="How many paragraphs must match at --anchor-threshold before two articles are related "
        "(fewer when an article is shorter). Independent reports of one event rarely share two.",
        rich_help_panel=SETTINGS_PANEL,
    ),
]
OutputFormat = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help=f"How to write the report: {' or '.join(REPORTERS)}.",
        rich_help_panel=OUTPUT_PANEL,
    ),
]
Output = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the report to this file instead of the screen (replaced only once complete).",
        dir_okay=False,
        show_default=False,
        rich_help_panel=OUTPUT_PANEL,
    ),
]
IdField = Annotated[
    str,
    typer.Option(
        help="Field of each record (JSON Lines, JSON, CSV, Parquet) that holds the article's id.",
        rich_help_panel=INPUT_PANEL,
    ),
]
TextField = Annotated[
    str,
    typer.Option(
        help="Field of each record (JSON Lines, JSON, CSV, Parquet) that holds the article's text.",
        rich_help_panel=INPUT_PANEL,
    ),
]
TitleField = Annotated[
    str,
    typer.Option(
        help="Field of each record (or Markdown front matter key) that holds the article's title.",
        rich_help_panel=INPUT_PANEL,
    ),
]
DateField = Annotated[
    str,
    typer.Option(
        help="Field of each record (or Markdown front matter key) that holds the article's date "
        "(ISO 8601, YYYY-MM-DD first).",
        rich_help_panel=INPUT_PANEL,
    ),
]
SourceField = Annotated[
    str,
    typer.Option(
        help="Field of each record (or Markdown front matter key) that holds the outlet: the site or "
        "publication the article appeared in.",
        rich_help_panel=INPUT_PANEL,
    ),
]
MaxBytes = Annotated[
    int,
    typer.Option(
        min=1,
        max=MAX_BYTES_LIMIT,
        help="Largest article read, in bytes (a text file, a web page or one JSON line; at most "
        "2**40, 1 TiB); larger ones are listed as skipped, so one huge file cannot exhaust memory.",
        rich_help_panel=INPUT_PANEL,
    ),
]
Strict = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Treat any input that cannot be read as an error (exit 2) instead of listing it and going on.",
        rich_help_panel=INPUT_PANEL,
    ),
]
InputFormat = Annotated[
    str | None,
    typer.Option(
        metavar="FORMAT",
        help=f"Read every file as {', '.join(FORMATS)}, whatever its extension (by default the "
        "extension decides; '-' as a PATH reads JSON Lines from standard input).",
        show_default=False,
        rich_help_panel=INPUT_PANEL,
    ),
]
Gitignore = Annotated[
    bool,
    typer.Option(
        "--gitignore/--no-gitignore",
        help="Skip the files that .gitignore files ignore (.dupecheckignore, in the current folder and "
        "each folder read, always applies).",
        rich_help_panel=INPUT_PANEL,
    ),
]


_CONFIG_NAMES = {"format": "output_format"}
"""Configuration keys held by a parameter of another name."""


def configured(ctx: typer.Context, config: Config, *, only: Collection[str] | None = None) -> dict[str, Any]:
    """The command's options, each one not given on the command line taken from ``config`` if set there.

    With ``only``, just those configuration keys are read: the others are another command's.
    """
    options = dict(ctx.params)
    given = {name for name in options if _source_name(ctx, name) == "COMMANDLINE"}
    if only is not None:
        config = Config(config.source, tuple((k, v) for k, v in config.options if k in only), config.allow)
    return apply_config(options, config, given=given, names=_CONFIG_NAMES)


def _source_name(ctx: typer.Context, name: str) -> str | None:
    # Compared by name: the enum's module differs between click and typer's bundled copy of it.
    source = ctx.get_parameter_source(name)
    return None if source is None else source.name
