"""The ``dupecheck index ...`` commands and ``dupecheck query``: a thin CLI over :mod:`dupecheck.index`.

Registered in :mod:`dupecheck.cli` with ``app.add_typer(index_app, name="index")`` and
``app.command("query")(query)``.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

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
from dupecheck.errors import InputError
from dupecheck.ignore import Ignore
from dupecheck.index import QUERY_SETTINGS, SIGNING_SETTINGS, open_index, redacted
from dupecheck.load import MAX_BYTES, Fields, Loaded, load_paths, require_articles
from dupecheck.reporters import get_reporter
from dupecheck.reporters._printable import printable
from dupecheck.settings import Settings

INDEX_EXIT_CODES_HELP = "Exit codes: 0 success; 2 usage or input error (also: a missing or damaged index)."

IndexFile = Annotated[
    str,
    typer.Option(
        "--index",
        help="The index: a file (one SQLite file) or redis://[:PASSWORD@]HOST:PORT/DB?prefix=NAME.",
        metavar="FILE|URL",
        show_default=False,
    ),
]
Paths = Annotated[
    list[Path],
    typer.Argument(
        help="Files or folders to read: .txt, .md and .html files are one article each; .jsonl, .json, "
        ".csv and .parquet files one article per record.",
        metavar="PATH",
        show_default=False,
    ),
]

_DEFAULTS = Settings()

index_app = typer.Typer(
    help="Keep an archive of articles in an index file and check new articles against it.",
    no_args_is_help=True,
    epilog=INDEX_EXIT_CODES_HELP,
)


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """The CLI's own error handling: one line on stderr and exit code 2 (imported late: cli imports us)."""
    from dupecheck.cli import _errors_to_exit_code

    with _errors_to_exit_code():
        yield


def _echo(line: str) -> None:
    """Write ``line`` to standard output as the CLI does (imported late: cli imports us)."""
    from dupecheck.cli import _echo as echo

    echo(line)


def _say(message: str) -> None:
    Console(stderr=True, highlight=False, markup=False).print(printable(message), soft_wrap=True)


def _read(paths: list[Path], options: dict[str, Any], *, announce: bool = True) -> Loaded:
    """The articles under ``paths``, read as the input ``options`` say, as check reads them.

    Records (JSON Lines, JSON, CSV, Parquet) hold each part of an article in the field
    named, and ignore files apply as for check. With ``announce``, unreadable inputs are
    listed on stderr.
    """
    fields = Fields(*(options[name] for name in _FIELD_OPTIONS))
    loaded = load_paths(
        paths,
        id_field=fields.id,
        text_field=fields.text,
        title_field=fields.title,
        date_field=fields.date,
        source_field=fields.source,
        input_format=options["input_format"],
        exclude=Ignore(paths, gitignore=options["gitignore"]),
        max_bytes=options["max_bytes"],
    )
    require_articles(loaded, paths, strict=options["strict"])
    for skipped in loaded.skipped if announce else ():
        place = f"{skipped.source}:{skipped.line}" if skipped.line is not None else skipped.source
        _say(f"skipped {place}: {skipped.reason}")
    return loaded


_FIELD_OPTIONS = ("id_field", "text_field", "title_field", "date_field", "source_field")
_INPUT_OPTIONS = (*_FIELD_OPTIONS, "input_format", "max_bytes", "gitignore", "strict")
"""The options that say how articles are read, as check takes them."""
_CONFIGURED = frozenset({*SIGNING_SETTINGS, *QUERY_SETTINGS, *_INPUT_OPTIONS})
"""The configuration keys the index commands read: how articles are read, signed and (by query)
compared; the rest, such as ``format`` or ``output``, is the check's."""


def _configured(ctx: typer.Context) -> dict[str, Any]:
    """The command's options, those left off the command line read from the configuration file."""
    return configured(ctx, find_config(), only=_CONFIGURED)


def _signing_settings(options: dict[str, Any]) -> Settings:
    """The settings signatures are made with, from the options that name them (the others: defaults)."""
    return Settings(**{name: options[name] for name in SIGNING_SETTINGS})


def _query_choices(options: dict[str, Any]) -> dict[str, Any]:
    """The settings a query chooses for itself (:data:`~dupecheck.index.QUERY_SETTINGS`), from its options.

    They are checked at once, so wrong ones are an error before any article is read.
    """
    choices = {name: options[name] for name in QUERY_SETTINGS if name in options}
    Settings(**choices)
    return choices


def _signing(settings: Settings) -> str:
    """The settings an index's signatures are made with, as messages name them."""
    return ", ".join(f"{name.replace('_', '-')} {getattr(settings, name)}" for name in SIGNING_SETTINGS)


@index_app.command("build", epilog=INDEX_EXIT_CODES_HELP)
def build(
    ctx: typer.Context,
    paths: Paths,
    index: IndexFile,
    strict: Strict = False,
    id_field: IdField = "id",
    text_field: TextField = "text",
    title_field: TitleField = "title",
    date_field: DateField = "date",
    source_field: SourceField = "source",
    input_format: InputFormat = None,
    max_bytes: MaxBytes = MAX_BYTES,
    gitignore: Gitignore = True,
    candidate_threshold: CandidateThreshold = _DEFAULTS.candidate_threshold,
    min_terms: MinTerms = _DEFAULTS.min_terms,
    num_perm: NumPerm = _DEFAULTS.num_perm,
    seed: Seed = _DEFAULTS.seed,
) -> None:
    """Create the index from the articles under each PATH (an existing index is replaced).

    The matching settings are those its signatures are made with: queries and `check --index`
    must use the same (the other commands use the index's own). Settings and input options
    left off the command line are read from the configuration file, as check reads them.
    """
    with _errors():
        options = _configured(ctx)
        settings = _signing_settings(options)
        loaded = _read(paths, options)
        with open_index(index, settings, create=True, check_settings=False) as opened:
            result = opened.build(loaded.articles)
        _say(f"indexed {len(result.added)} articles in {redacted(index)} ({_signing(settings)})")


@index_app.command("add", epilog=INDEX_EXIT_CODES_HELP)
def add(
    ctx: typer.Context,
    paths: Paths,
    index: IndexFile,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Let an article replace the archived one of the same id when their texts differ (a new "
            "version of it). Without it such an add is refused (exit 2) and adds nothing: a folder's files "
            "are named relative to it, so day2/story.txt would otherwise replace day1/story.txt.",
        ),
    ] = False,
    strict: Strict = False,
    id_field: IdField = "id",
    text_field: TextField = "text",
    title_field: TitleField = "title",
    date_field: DateField = "date",
    source_field: SourceField = "source",
    input_format: InputFormat = None,
    max_bytes: MaxBytes = MAX_BYTES,
    gitignore: Gitignore = True,
) -> None:
    """Add the articles under each PATH (unchanged ones are skipped; replacing archived text: --replace).

    Input options left off the command line are read from the configuration file, as check reads them.
    """
    with _errors():
        loaded = _read(paths, _configured(ctx))
        with open_index(index) as opened:
            result = opened.add(loaded.articles, replace=replace)
        _say(
            f"{len(result.added)} added, {len(result.replaced)} replaced, "
            f"{len(result.unchanged)} unchanged in {redacted(index)}"
        )


@index_app.command("remove", epilog=INDEX_EXIT_CODES_HELP)
def remove(
    article_id: Annotated[str, typer.Argument(help="Id of the article to remove.", metavar="ID")],
    index: IndexFile,
) -> None:
    """Remove one article from the index."""
    with _errors():
        with open_index(index) as opened:
            if not opened.remove(article_id):
                raise InputError(f"{redacted(index)}: holds no article '{article_id}'")
        _say(f"removed {article_id} from {redacted(index)}")


@index_app.command("stats", epilog=INDEX_EXIT_CODES_HELP)
def stats(index: IndexFile) -> None:
    """Show what the index holds and its size on disk."""
    with _errors(), open_index(index, readonly=True) as opened:
        found = opened.stats()
        _echo(
            f"{redacted(index)}: {found.articles} articles, {found.paragraphs} paragraphs, "
            f"{found.signatures} signatures, {found.band_keys} band keys, {found.shingles} shingles, "
            f"{found.size_bytes / 2**20:.1f} MiB (format {found.format_version}; {_signing(found.settings)})"
        )


@index_app.command("verify", epilog=INDEX_EXIT_CODES_HELP)
def verify(index: IndexFile) -> None:
    """Check every stored article, signature and count; exit 2 when anything is wrong."""
    with _errors(), open_index(index, readonly=True) as opened:
        problems = opened.verify()
        if problems:
            shown = "; ".join(problems[:5])
            more = f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
            raise InputError(
                f"{redacted(index)}: {len(problems)} problem(s): {shown}{more}; "
                "build a new index with `dupecheck index build PATH... --index FILE`"
            )
        _echo(f"{redacted(index)}: ok")


@index_app.command("rebuild", epilog=INDEX_EXIT_CODES_HELP)
def rebuild(
    ctx: typer.Context,
    index: IndexFile,
    candidate_threshold: CandidateThreshold = _DEFAULTS.candidate_threshold,
    min_terms: MinTerms = _DEFAULTS.min_terms,
    num_perm: NumPerm = _DEFAULTS.num_perm,
    seed: Seed = _DEFAULTS.seed,
) -> None:
    """Re-sign the stored articles with these settings: as for build, given, configured or the defaults."""
    with _errors():
        settings = _signing_settings(_configured(ctx))
        with open_index(index, settings, check_settings=False) as opened:
            count = opened.rebuild()
        _say(f"rebuilt {redacted(index)}: {count} articles ({_signing(settings)})")


def query(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="The articles to check: files, folders or .jsonl.", metavar="ARTICLE"),
    ],
    index: IndexFile,
    output_format: OutputFormat = "console",
    output: Output = None,
    strict: Strict = False,
    id_field: IdField = "id",
    text_field: TextField = "text",
    title_field: TitleField = "title",
    date_field: DateField = "date",
    source_field: SourceField = "source",
    input_format: InputFormat = None,
    max_bytes: MaxBytes = MAX_BYTES,
    gitignore: Gitignore = True,
    match_threshold: MatchThreshold = _DEFAULTS.match_threshold,
    anchor_threshold: AnchorThreshold = _DEFAULTS.anchor_threshold,
    min_anchors: MinAnchors = _DEFAULTS.min_anchors,
    partial_threshold: PartialThreshold = _DEFAULTS.partial_threshold,
    rewrite_threshold: RewriteThreshold = _DEFAULTS.rewrite_threshold,
    rewrite_share: RewriteShare = _DEFAULTS.rewrite_share,
    duplicate_threshold: DuplicateThreshold = _DEFAULTS.duplicate_threshold,
    duplicate_score: DuplicateScore = _DEFAULTS.duplicate_score,
) -> None:
    """Check each ARTICLE against the archive in the index: the archive articles it copies or rewrites.

    Articles are signed with the settings the index was built with; the thresholds are the
    query's own, as for `check --index`. Input options and thresholds left off the command
    line are read from the configuration file, as check reads them.
    """
    from dupecheck.cli import _input_files, _refuse_overwriting, _write  # cli imports this module

    with _errors():
        reporter = get_reporter(output_format)
        local = None if "://" in index else Path(index)
        _refuse_overwriting([("--output", output)], [("--index", local), *_input_files(paths)])
        options = _configured(ctx)
        choices = _query_choices(options)
        loaded = _read(paths, options, announce=False)  # the report lists them
        with open_index(index, readonly=True) as opened:
            settings = dataclasses.replace(opened.settings, **choices)
            report = opened.query_report(loaded.articles, settings=settings)
        report = dataclasses.replace(report, skipped=loaded.skipped, files=loaded.files)
        _write(report, reporter, output)
