"""The ``dupecheck`` command: options in, library calls, a reporter out, errors to exit codes.

Everything a Python caller needs lives in the library (:func:`dupecheck.find_duplicates`,
:func:`dupecheck.compare`, :mod:`dupecheck.reporters`); this module only translates.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from types import FrameType
from typing import Annotated, Any, TextIO, cast

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text

from dupecheck import __version__
from dupecheck.baseline import Baseline, dumps, read_baseline
from dupecheck.boilerplate import read_patterns
from dupecheck.canonical import actions, check_rule, write_actions
from dupecheck.changes import changed_files
from dupecheck.check import CheckResult, FailOn, baseline_of, check_paths
from dupecheck.check_output import AUTO, plan_outputs, render_check
from dupecheck.cli_index import index_app, query
from dupecheck.cli_options import OUTPUT_PANEL as _OUTPUT_PANEL
from dupecheck.cli_options import SETTINGS_PANEL as _SETTINGS_PANEL
from dupecheck.cli_options import (
    AnchorThreshold,
    CandidateThreshold,
    DateField,
    DuplicateScore,
    DuplicateThreshold,
    Gitignore,
    IdField,
    InputFormat,
    MatchThreshold,
    MaxBytes,
    MinAnchors,
    MinTerms,
    NumPerm,
    Output,
    OutputFormat,
    PartialThreshold,
    RewriteShare,
    RewriteThreshold,
    Seed,
    SourceField,
    Strict,
    TextField,
    TitleField,
    configured,
)
from dupecheck.config import find_config
from dupecheck.core import Progress as ProgressCallback
from dupecheck.core import SameSource, find_duplicates
from dupecheck.core import compare as compare_articles
from dupecheck.errors import DupecheckError, InputError, SettingsError
from dupecheck.ignore import Ignore
from dupecheck.load import MAX_BYTES, STDIN, ArticleStream, load_paths
from dupecheck.model import Article, CompareReport, ScanReport
from dupecheck.reporters import REPORTERS, Reporter, get_reporter
from dupecheck.reporters._printable import printable
from dupecheck.settings import Settings

EXIT_OK = 0
"""The command ran; for ``check``, no duplicates were found."""
EXIT_DUPLICATES = 1
"""Duplicates were found (``check`` only, reserved for it)."""
EXIT_ERROR = 2
"""Usage or input error: bad option, missing or unreadable path, out-of-range setting."""

EXIT_INTERRUPTED = 130
"""Interrupted (Ctrl-C): no partial report file is left behind."""
EXIT_BROKEN_PIPE = 141
"""Standard output was closed before the report was written (``| head``): 128 + SIGPIPE, what a
shell reports for a tool that SIGPIPE ends, so it is mistaken neither for a verdict nor for an error."""

EXIT_CODES_HELP = (
    f"Exit codes: {EXIT_OK} success; "
    f"{EXIT_DUPLICATES} near-duplicates found (the check command); "
    f"{EXIT_ERROR} usage or input error (also: no article read, or with --strict any unreadable input); "
    f"{EXIT_INTERRUPTED} interrupted; {EXIT_BROKEN_PIPE} standard output closed early (| head)."
)

CHECK_EXIT_CODES_HELP = (
    f"Exit codes: {EXIT_OK} nothing new above the thresholds (pairs accepted in the baseline or "
    f"allowed do not count); {EXIT_DUPLICATES} near-duplicates found that fail the check (new ones; "
    f"with --fail-on any, accepted ones too); {EXIT_ERROR} usage or input error, including a check "
    f"that read no article; {EXIT_INTERRUPTED} interrupted; {EXIT_BROKEN_PIPE} standard output closed "
    "early (| head)."
)

_DEFAULTS = Settings()
_GATE_PANEL = "What fails"
_PERFORMANCE_PANEL = "Performance"
_STAGES = {
    "segment": "Reading articles",
    "vocabulary": "Counting corpus vocabulary",
    "shingle": "Collecting shingles",
    "sign": "Fingerprinting paragraphs",
    "candidates": "Finding candidate pairs",
    "pretest": "Pre-testing candidate pairs",
    "verify": "Comparing candidate pairs",
    "group": "Grouping",
}

app = typer.Typer(
    name="dupecheck",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


SameSourceOption = Annotated[
    SameSource,
    typer.Option(
        help="Pairs of articles from the same outlet (its --source-field, or site name): 'report' them "
        "like any other, or 'ignore' them (a site's own follow-ups are not copies).",
        rich_help_panel=_SETTINGS_PANEL,
    ),
]
Window = Annotated[
    int | None,
    typer.Option(
        metavar="DAYS",
        min=0,
        help="Only pair articles published within DAYS days of each other (when both dates are known).",
        show_default=False,
        rich_help_panel=_SETTINGS_PANEL,
    ),
]
BoilerplateFile = Annotated[
    Path | None,
    typer.Option(
        "--boilerplate",
        metavar="FILE",
        help="Extra furniture patterns: one regular expression a line ('#' comments), each matching a "
        "whole paragraph (case-insensitive); matching paragraphs are left out like the built-in ones.",
        dir_okay=False,
        show_default=False,
        rich_help_panel=_SETTINGS_PANEL,
    ),
]
LearnBoilerplate = Annotated[
    bool,
    typer.Option(
        "--learn-boilerplate/--no-learn-boilerplate",
        help="Treat a paragraph found word for word in many otherwise unrelated articles (at least 3, "
        "and 1% of them) as furniture, like a site's newsletter blurb.",
        rich_help_panel=_SETTINGS_PANEL,
    ),
]
Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        metavar="N",
        min=1,
        help="Processes for segmenting, signing and verifying (default: one per CPU). The report is "
        "the same for any N.",
        show_default=False,
        rich_help_panel=_PERFORMANCE_PANEL,
    ),
]


class Engine(StrEnum):
    """Where a scan runs."""

    LOCAL = "local"
    SPARK = "spark"


EngineOption = Annotated[
    Engine,
    typer.Option(
        "--engine",
        help="Where the scan runs: 'local' (this machine, --jobs processes) or 'spark' (the session "
        "spark-submit gives, else Spark on this machine; `pip install 'dupecheck\\[spark]'` and Java 17). "
        "Both give the same report.",
        rich_help_panel=_PERFORMANCE_PANEL,
    ),
]
CacheFile = Annotated[
    Path | None,
    typer.Option(
        "--cache",
        metavar="FILE",
        help="Keep segmented and signed articles in this file (created if missing) and reuse them "
        "when the same text is scanned again with the same settings: re-runs over a mostly unchanged "
        "folder skip segmenting, shingling and signing. Deleting it loses nothing.",
        dir_okay=False,
        show_default=False,
        rich_help_panel=_PERFORMANCE_PANEL,
    ),
]
_PATHS_HELP = (
    "Files or folders to read: .txt, .md and .html files are one article each; .jsonl, .json, .csv "
    "and .parquet files one article per record; '-' reads JSON Lines from standard input."
)
Paths = Annotated[
    list[Path],
    typer.Argument(
        help=_PATHS_HELP,
        metavar="PATH",
        show_default=False,
    ),
]
BaselineFile = Annotated[
    Path | None,
    typer.Option(
        "--baseline",
        help="JSON file of accepted pairs (written by `dupecheck baseline update`), matched by the "
        "articles' content, so renamed or re-wrapped articles stay accepted.",
        dir_okay=False,
        show_default=False,
        rich_help_panel=_GATE_PANEL,
    ),
]
OutputFormats = Annotated[
    list[str] | None,
    typer.Option(
        "--format",
        "-f",
        help=f"How to write the report: {', '.join(REPORTERS)}, or {AUTO} (github inside GitHub "
        "Actions, console elsewhere). Repeat it with --output to write several reports: the n-th "
        "--format goes to the n-th --output, a last one without an --output to the screen.",
        show_default="console",
        rich_help_panel=_OUTPUT_PANEL,
    ),
]
Outputs = Annotated[
    list[Path] | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the report of the --format in the same position to this file.",
        dir_okay=False,
        show_default=False,
        rich_help_panel=_OUTPUT_PANEL,
    ),
]


def _show_version(value: bool) -> None:
    if value:
        with _errors_to_exit_code():
            _echo(f"dupecheck {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Find near-duplicate news articles: wire stories, their copies and their rewrites."""


@app.command(epilog=EXIT_CODES_HELP)
def scan(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help=_PATHS_HELP,
            metavar="PATH",
            show_default=False,
        ),
    ],
    output_format: OutputFormat = "console",
    output: Output = None,
    id_field: IdField = "id",
    text_field: TextField = "text",
    title_field: TitleField = "title",
    date_field: DateField = "date",
    source_field: SourceField = "source",
    input_format: InputFormat = None,
    strict: Strict = False,
    max_bytes: MaxBytes = MAX_BYTES,
    same_source: SameSourceOption = SameSource.REPORT,
    window: Window = None,
    boilerplate: BoilerplateFile = None,
    learn_boilerplate: LearnBoilerplate = True,
    jobs: Jobs = None,
    cache: CacheFile = None,
    engine: EngineOption = Engine.LOCAL,
    spark_master: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="With --engine spark: the cluster to run on (spark://HOST:7077, yarn, local[4] ...); "
            "by default the session spark-submit gives, else Spark on this machine.",
            show_default=False,
            rich_help_panel=_PERFORMANCE_PANEL,
        ),
    ] = None,
    canonical: Annotated[
        str,
        typer.Option(
            metavar="RULE",
            help="How --actions picks the copy to keep in each group: 'earliest' (date, then length), "
            "'longest' (content, then date), or 'source:NAME' (the earliest from outlet NAME).",
            rich_help_panel=_OUTPUT_PANEL,
        ),
    ] = "earliest",
    actions_file: Annotated[
        Path | None,
        typer.Option(
            "--actions",
            metavar="FILE",
            help="Also write a CSV of what to do with each grouped article (group, id, source, action "
            "keep or drop, canonical_id, relation), for a CMS to apply.",
            dir_okay=False,
            show_default=False,
            rich_help_panel=_OUTPUT_PANEL,
        ),
    ] = None,
    match_threshold: MatchThreshold = _DEFAULTS.match_threshold,
    anchor_threshold: AnchorThreshold = _DEFAULTS.anchor_threshold,
    min_anchors: MinAnchors = _DEFAULTS.min_anchors,
    partial_threshold: PartialThreshold = _DEFAULTS.partial_threshold,
    rewrite_threshold: RewriteThreshold = _DEFAULTS.rewrite_threshold,
    rewrite_share: RewriteShare = _DEFAULTS.rewrite_share,
    duplicate_threshold: DuplicateThreshold = _DEFAULTS.duplicate_threshold,
    duplicate_score: DuplicateScore = _DEFAULTS.duplicate_score,
    candidate_threshold: CandidateThreshold = _DEFAULTS.candidate_threshold,
    min_terms: MinTerms = _DEFAULTS.min_terms,
    num_perm: NumPerm = _DEFAULTS.num_perm,
    seed: Seed = _DEFAULTS.seed,
) -> None:
    """Find the articles under each PATH that copy or rewrite one another, and group them."""
    options = dict(locals())
    with _errors_to_exit_code():
        settings = _settings(options)
        reporter = get_reporter(output_format)
        patterns = read_patterns(boilerplate) if boilerplate else ()
        check_rule(canonical)
        if engine is Engine.SPARK and (jobs is not None or cache is not None):
            raise SettingsError("--jobs and --cache apply to the local engine; Spark sizes its own executors")
        if engine is Engine.LOCAL and spark_master is not None:
            raise SettingsError("--spark-master applies to --engine spark")
        _refuse_overwriting(
            [("--output", output), ("--actions", actions_file), ("--cache", cache)],
            [("--boilerplate", boilerplate), *_input_files(paths)],
        )
        stream = ArticleStream(
            paths,
            id_field=id_field,
            text_field=text_field,
            title_field=title_field,
            date_field=date_field,
            source_field=source_field,
            input_format=input_format,
            max_bytes=max_bytes,
        )
        with _progress_bar() as progress:
            articles: Iterable[Article]
            scan_with: Callable[..., ScanReport]
            if engine is Engine.SPARK:
                from dupecheck.engine_spark import find_duplicates_spark, session

                # Spark is handed every article at once, so a bad input fails before it starts.
                articles = tuple(stream.required(strict=strict))
                scan_with = functools.partial(find_duplicates_spark, spark=session(spark_master))
            else:
                # Read while the scan's first stage goes; input errors are raised once all is read.
                articles = stream.required(strict=strict)
                scan_with = functools.partial(find_duplicates, progress=progress, jobs=jobs, cache=cache)
            report = scan_with(
                articles,
                settings=settings,
                same_source=same_source,
                window=window,
                boilerplate=patterns,
                learn_boilerplate=learn_boilerplate,
            )
        # What was skipped, and how many files were read, is known only once the scan has read them.
        report = dataclasses.replace(report, skipped=stream.skipped, files=stream.files)
        # The actions file first: a CMS applies it, and a reader of the report that stops early
        # (| head) ends the command before anything written after the report.
        if actions_file is not None:
            rows = actions(report, canonical)
            _emit(lambda out, color: write_actions(rows, out), actions_file)
        _write(report, reporter, output)


@app.command(epilog=EXIT_CODES_HELP)
def compare(
    a: Annotated[
        Path,
        typer.Argument(
            help="The first article: a text, Markdown or HTML file.", metavar="A", show_default=False
        ),
    ],
    b: Annotated[
        Path,
        typer.Argument(
            help="The second article: a text, Markdown or HTML file.", metavar="B", show_default=False
        ),
    ],
    output_format: OutputFormat = "console",
    output: Output = None,
    boilerplate: BoilerplateFile = None,
    match_threshold: MatchThreshold = _DEFAULTS.match_threshold,
    anchor_threshold: AnchorThreshold = _DEFAULTS.anchor_threshold,
    min_anchors: MinAnchors = _DEFAULTS.min_anchors,
    partial_threshold: PartialThreshold = _DEFAULTS.partial_threshold,
    rewrite_threshold: RewriteThreshold = _DEFAULTS.rewrite_threshold,
    rewrite_share: RewriteShare = _DEFAULTS.rewrite_share,
    duplicate_threshold: DuplicateThreshold = _DEFAULTS.duplicate_threshold,
    duplicate_score: DuplicateScore = _DEFAULTS.duplicate_score,
    candidate_threshold: CandidateThreshold = _DEFAULTS.candidate_threshold,
    min_terms: MinTerms = _DEFAULTS.min_terms,
    num_perm: NumPerm = _DEFAULTS.num_perm,
    seed: Seed = _DEFAULTS.seed,
) -> None:
    """Compare two articles paragraph by paragraph: what they share, what each adds, what differs."""
    options = dict(locals())
    with _errors_to_exit_code():
        settings = _settings(options)
        reporter = get_reporter(output_format)
        _refuse_overwriting([("--output", output)], [("A", a), ("B", b), ("--boilerplate", boilerplate)])
        patterns = read_patterns(boilerplate) if boilerplate else ()
        report = compare_articles(
            _single_article(a), _single_article(b), settings=settings, boilerplate=patterns
        )
        _write(report, reporter, output)


@app.command(epilog=CHECK_EXIT_CODES_HELP)
def check(
    ctx: typer.Context,
    paths: Paths,
    output_format: OutputFormats = None,
    output: Outputs = None,
    baseline: BaselineFile = None,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            help="Which pairs fail the check: 'new' ones (neither in the baseline nor allowed), or "
            "'any' pair not allowed.",
            rich_help_panel=_GATE_PANEL,
        ),
    ] = FailOn.NEW,
    changed_since: Annotated[
        str | None,
        typer.Option(
            metavar="REF",
            help="Check only the articles added or changed since this git commit (and untracked ones), "
            "against all the others.",
            show_default=False,
            rich_help_panel=_GATE_PANEL,
        ),
    ] = None,
    files_from: Annotated[
        str | None,
        typer.Option(
            metavar="FILE",
            help="Check only the articles in the files listed in FILE, one path a line ('-' for "
            "standard input), against all the others.",
            show_default=False,
            rich_help_panel=_GATE_PANEL,
        ),
    ] = None,
    index: Annotated[
        str | None,
        typer.Option(
            metavar="FILE|URL",
            help="Check the articles (only the changed ones, with --changed-since or --files-from) against "
            "the archive in this index (a file, or redis://HOST:PORT/DB?prefix=NAME) instead of scanning "
            "the whole folder.",
            show_default=False,
            rich_help_panel=_GATE_PANEL,
        ),
    ] = None,
    gitignore: Gitignore = True,
    strict: Strict = False,
    max_bytes: MaxBytes = MAX_BYTES,
    same_source: SameSourceOption = SameSource.REPORT,
    window: Window = None,
    boilerplate: BoilerplateFile = None,
    learn_boilerplate: LearnBoilerplate = True,
    jobs: Jobs = None,
    cache: CacheFile = None,
    id_field: IdField = "id",
    text_field: TextField = "text",
    title_field: TitleField = "title",
    date_field: DateField = "date",
    source_field: SourceField = "source",
    input_format: InputFormat = None,
    match_threshold: MatchThreshold = _DEFAULTS.match_threshold,
    anchor_threshold: AnchorThreshold = _DEFAULTS.anchor_threshold,
    min_anchors: MinAnchors = _DEFAULTS.min_anchors,
    partial_threshold: PartialThreshold = _DEFAULTS.partial_threshold,
    rewrite_threshold: RewriteThreshold = _DEFAULTS.rewrite_threshold,
    rewrite_share: RewriteShare = _DEFAULTS.rewrite_share,
    duplicate_threshold: DuplicateThreshold = _DEFAULTS.duplicate_threshold,
    duplicate_score: DuplicateScore = _DEFAULTS.duplicate_score,
    candidate_threshold: CandidateThreshold = _DEFAULTS.candidate_threshold,
    min_terms: MinTerms = _DEFAULTS.min_terms,
    num_perm: NumPerm = _DEFAULTS.num_perm,
    seed: Seed = _DEFAULTS.seed,
) -> None:
    r"""Fail when PATH holds near-duplicates that are neither accepted in the baseline nor allowed.

    Options left off the command line are read from .dupecheck.toml, or \[tool.dupecheck] in
    pyproject.toml, in the current folder, which also holds the allow entries.
    """
    with _errors_to_exit_code():
        config = find_config()
        options = configured(ctx, config)
        settings = _settings(options)
        patterns = read_patterns(options["boilerplate"]) if options["boilerplate"] else ()
        destinations = plan_outputs(options["output_format"] or (), options["output"] or (), env=os.environ)
        index = options["index"]
        _refuse_overwriting(
            [*(("--output", d.output) for d in destinations), ("--cache", options["cache"])],
            [
                ("--baseline", options["baseline"]),
                ("--boilerplate", options["boilerplate"]),
                ("--index", None if index is None or "://" in index else Path(index)),
                (
                    "--files-from",
                    None if options["files_from"] in (None, "-") else Path(options["files_from"]),
                ),
                *_input_files(paths),
            ],
        )
        accepted = read_baseline(options["baseline"]) if options["baseline"] else None
        with _progress_bar() as progress:
            result = check_paths(
                paths,
                settings=settings,
                id_field=options["id_field"],
                text_field=options["text_field"],
                title_field=options["title_field"],
                date_field=options["date_field"],
                source_field=options["source_field"],
                input_format=options["input_format"],
                exclude=Ignore(paths, gitignore=options["gitignore"]),
                baseline=accepted,
                allow=config.allow,
                changed_paths=changed_files(
                    paths, since=options["changed_since"], files_from=options["files_from"], stdin=sys.stdin
                ),
                progress=progress,
                strict=options["strict"],
                max_bytes=options["max_bytes"],
                same_source=options["same_source"],
                window=options["window"],
                boilerplate=patterns,
                learn_boilerplate=options["learn_boilerplate"],
                jobs=options["jobs"],
                cache=options["cache"],
                index=index,
            )
        fail_on = options["fail_on"]
        exit_code = EXIT_DUPLICATES if result.failing(fail_on) else EXIT_OK
        # Files first, standard output last: a reader that stops early (| head) ends the command.
        for destination in sorted(destinations, key=lambda destination: destination.output is None):
            _emit(_check_renderer(result, destination.format, fail_on, exit_code), destination.output)
        if not any(d.format == "console" and d.output is None for d in destinations):
            # The screen shows another format (or nothing): still say why the check passed or failed.
            for notice in result.notices:
                _stderr(f"notice: {notice}", "yellow")
            _stderr(f"dupecheck check: exit {exit_code}: {result.verdict(fail_on)}", "")
    raise typer.Exit(exit_code)


baseline_app = typer.Typer(
    name="baseline",
    help="Record the near-duplicate pairs that `dupecheck check` accepts.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
)
app.add_typer(baseline_app)


@baseline_app.command("update", epilog=EXIT_CODES_HELP)
def update_baseline(
    ctx: typer.Context,
    paths: Paths,
    baseline: BaselineFile = None,
    gitignore: Gitignore = True,
    id_field: IdField = "id",
    text_field: TextField = "text",
    title_field: TitleField = "title",
    date_field: DateField = "date",
    source_field: SourceField = "source",
    input_format: InputFormat = None,
    same_source: SameSourceOption = SameSource.REPORT,
    window: Window = None,
    boilerplate: BoilerplateFile = None,
    learn_boilerplate: LearnBoilerplate = True,
    jobs: Jobs = None,
    cache: CacheFile = None,
    match_threshold: MatchThreshold = _DEFAULTS.match_threshold,
    anchor_threshold: AnchorThreshold = _DEFAULTS.anchor_threshold,
    min_anchors: MinAnchors = _DEFAULTS.min_anchors,
    partial_threshold: PartialThreshold = _DEFAULTS.partial_threshold,
    rewrite_threshold: RewriteThreshold = _DEFAULTS.rewrite_threshold,
    rewrite_share: RewriteShare = _DEFAULTS.rewrite_share,
    duplicate_threshold: DuplicateThreshold = _DEFAULTS.duplicate_threshold,
    duplicate_score: DuplicateScore = _DEFAULTS.duplicate_score,
    candidate_threshold: CandidateThreshold = _DEFAULTS.candidate_threshold,
    min_terms: MinTerms = _DEFAULTS.min_terms,
    num_perm: NumPerm = _DEFAULTS.num_perm,
    seed: Seed = _DEFAULTS.seed,
) -> None:
    """Accept every near-duplicate pair now under PATH: write them to the --baseline file.

    Allowed pairs are left out, so they fail once their allow entry expires. Use the same
    settings as the check (the configuration file gives both the same).
    """
    with _errors_to_exit_code():
        config = find_config()
        options = configured(ctx, config)
        target: Path | None = options["baseline"]
        if target is None:
            raise SettingsError("give the baseline file: --baseline FILE, or 'baseline' in the configuration")
        _refuse_overwriting(
            [("--baseline", target), ("--cache", options["cache"])],
            [("--boilerplate", options["boilerplate"]), *_input_files(paths)],
        )
        previous = read_baseline(target) if target.exists() else Baseline()
        patterns = read_patterns(options["boilerplate"]) if options["boilerplate"] else ()
        with _progress_bar() as progress:
            result = check_paths(
                paths,
                settings=_settings(options),
                id_field=options["id_field"],
                text_field=options["text_field"],
                title_field=options["title_field"],
                date_field=options["date_field"],
                source_field=options["source_field"],
                input_format=options["input_format"],
                exclude=Ignore(paths, gitignore=options["gitignore"]),
                allow=config.allow,
                progress=progress,
                same_source=options["same_source"],
                window=options["window"],
                boilerplate=patterns,
                learn_boilerplate=options["learn_boilerplate"],
                jobs=options["jobs"],
                cache=options["cache"],
            )
        updated = baseline_of(result)
        _emit(lambda out, color: out.write(dumps(updated)), target)
        added = len(updated.keys() - previous.keys())
        dropped = len(previous.keys() - updated.keys())
        allowed = len(result.findings) - len(updated.entries)
        count = len(updated.entries)
        _echo(
            f"{target}: {count} {'pair' if count == 1 else 'pairs'} accepted ({added} added, "
            f"{dropped} dropped; {allowed} allowed, left out)"
        )


def _check_renderer(
    result: CheckResult, output_format: str, fail_on: FailOn, exit_code: int
) -> Callable[[TextIO, bool], None]:
    def render(out: TextIO, color: bool) -> None:
        render_check(
            result, out, output_format=output_format, fail_on=fail_on, exit_code=exit_code, color=color
        )

    return render


def _stderr(message: str, style: str) -> None:
    """Print ``message`` on stderr, its control characters escaped: it may hold ids and file names."""
    Console(stderr=True, highlight=False).print(Text(printable(message), style=style), soft_wrap=True)


def _settings(options: dict[str, Any]) -> Settings:
    """The Settings named by a command's options (option names are Settings field names)."""
    names = {field.name for field in dataclasses.fields(Settings)}
    return Settings(**{name: value for name, value in options.items() if name in names})


def _single_article(path: Path) -> Article:
    """Read the one article in the file at ``path``; anything else is an :class:`InputError`."""
    if path.is_dir():
        raise InputError(f"{path}: is a folder; compare takes two files (use scan for folders)")
    loaded = load_paths([path])
    if not loaded.articles:
        reasons = "; ".join(skipped.reason for skipped in loaded.skipped) or "no text"
        raise InputError(f"{path}: no article to compare ({reasons})")
    if len(loaded.articles) > 1:
        raise InputError(f"{path}: holds {len(loaded.articles)} articles; compare takes one article per file")
    return loaded.articles[0]


def _refuse_overwriting(
    written: Iterable[tuple[str, Path | None]], read: Iterable[tuple[str, Path | None]]
) -> None:
    """A :class:`SettingsError` when a file the command writes is one it reads, or another it writes.

    Files are the same when their resolved paths are, or (both existing) their inodes: a link or
    a hard link to the baseline is caught too. A device or a pipe (``/dev/null``) is written
    where it is, never replaced, so it may be named twice.
    """
    others = [(option, path) for option, path in read if path is not None]
    for option, path in written:
        if path is None or _written_in_place(path):
            continue
        for other_option, other in others:
            if _same_file(path, other):
                raise SettingsError(
                    f"{option} {path} is the same file as {other_option} {other}: writing it would replace "
                    f"that file; give {option} another file"
                )
        others.append((option, path))


def _input_files(paths: Iterable[Path]) -> list[tuple[str, Path | None]]:
    """The files among the PATHs a command reads (folders and standard input left out), named for errors."""
    return [("PATH", path) for path in paths if os.fspath(path) != STDIN and path.is_file()]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def _written_in_place(path: Path) -> bool:
    """True for a device or a pipe: :func:`_emit` writes into it rather than renaming a file over it."""
    return path.exists() and not path.is_file() and not path.is_dir()


def _write(report: ScanReport | CompareReport, reporter: Reporter, output: Path | None) -> None:
    """Render ``report`` with ``reporter`` to stdout or ``output``."""
    _emit(lambda out, color: reporter(report, out, color=color), output)


def _emit(render: Callable[[TextIO, bool], object], output: Path | None) -> None:
    """Render to stdout, or to ``output`` through a temporary file so no partial report is left.

    A link's target is replaced, not the link. A device or a pipe (``/dev/null``, a FIFO)
    is written to as it is: renaming a file over it would put a regular file in its place.
    """
    _raise_if_interrupted()
    if output is None:
        with _standard_output() as out:
            render(out, out.isatty() and not os.environ.get("NO_COLOR"))
        return
    target = Path(os.path.realpath(output))
    if target.exists() and not target.is_file():
        try:
            with open(target, "w", encoding="utf-8", newline="") as out:
                render(out, False)
        except OSError as error:
            raise InputError(f"{output}: cannot write the report ({error.strerror})") from error
        return
    try:
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", text=True
        )
    except OSError as error:
        raise InputError(f"{output}: cannot write the report ({error.strerror})") from error
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            render(out, False)
        # mkstemp creates the file private to its owner; give the report the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        _raise_if_interrupted()
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise InputError(f"{output}: cannot write the report ({error.strerror})") from error
        raise


def _echo(line: str) -> None:
    """Write ``line`` to standard output, as :func:`_standard_output` does."""
    with _standard_output() as out:
        out.write(line + "\n")


@contextlib.contextmanager
def _standard_output() -> Iterator[TextIO]:
    """Standard output, flushed when the block ends, its failures turned into exit codes.

    A reader gone before the end (``| head -1``) ends the command quietly with
    :data:`EXIT_BROKEN_PIPE`; any other failed write (a full disk) is an :class:`InputError`.
    Either way what is left unwritten is sent to the null device, as Python's documentation
    advises, so that Python's own flush at exit does not fail again. Only failures of
    standard output itself are taken so: one while rendering (reading a spilled document)
    is left to say what it is.
    """
    out = sys.stdout
    try:
        yield cast(TextIO, _Guarded(out))
        try:
            out.flush()
        except OSError as error:
            raise _WriteFailed(error) from error
    except _WriteFailed as failed:
        _drop_unwritten(out)
        if isinstance(failed.error, BrokenPipeError):
            raise typer.Exit(EXIT_BROKEN_PIPE) from None
        raise InputError(f"cannot write to standard output ({failed.error.strerror})") from None


class _WriteFailed(Exception):
    """A write to standard output failed: carries the :class:`OSError`, so it is not taken for another one."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error)
        self.error = error


class _Guarded:
    """Standard output whose failed writes raise :class:`_WriteFailed`; anything else is passed on."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as error:
            raise _WriteFailed(error) from error

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as error:
            raise _WriteFailed(error) from error

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _drop_unwritten(out: TextIO) -> None:
    """Point ``out``'s file descriptor at the null device, where its buffer can be flushed."""
    try:
        descriptor = out.fileno()
    except (OSError, ValueError):
        return  # not a file (a test's capture): Python does not flush it at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, descriptor)
    finally:
        os.close(devnull)


@contextlib.contextmanager
def _progress_bar() -> Iterator[ProgressCallback]:
    """Yield a progress callback that draws on stderr if it is a terminal, and does nothing if not."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield _no_progress
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(_STAGES.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def _no_progress(stage: str, done: int, total: int) -> None:
    """Progress callback for when nobody is watching."""


# Set when SIGINT comes while a command runs. Python raises KeyboardInterrupt wherever the
# main thread is, and one raised in a finalizer (a collected worker pool's callback) is
# printed and dropped: the flag keeps such an interrupt from being lost.
_interrupted = threading.Event()


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    _interrupted.set()
    raise KeyboardInterrupt


@contextlib.contextmanager
def _interrupts_remembered() -> Iterator[None]:
    """Remember SIGINT while the block runs (see ``_interrupted``); a no-op outside the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _interrupted.clear()
    previous = signal.signal(signal.SIGINT, _on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _raise_if_interrupted() -> None:
    """Raise KeyboardInterrupt for an interrupt that was dropped on its way (see ``_interrupted``)."""
    if _interrupted.is_set():
        raise KeyboardInterrupt


@contextlib.contextmanager
def _errors_to_exit_code() -> Iterator[None]:
    """Turn a :class:`DupecheckError` into one red line on stderr and exit code 2, without a traceback.

    An interrupt is exit code 130, even one that Python dropped (the command then ran on).
    """
    try:
        with _interrupts_remembered():
            yield
            _raise_if_interrupted()
    except DupecheckError as error:
        _stderr(f"error: {error}", "red")
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        Console(stderr=True, highlight=False).print(Text("dupecheck: interrupted", style="red"))
        raise typer.Exit(EXIT_INTERRUPTED) from None


app.add_typer(index_app, name="index")
app.command("query", epilog=EXIT_CODES_HELP)(query)


def main() -> None:
    """Run the ``dupecheck`` command line."""
    app(prog_name="dupecheck")
