"""Writing a check: which format goes where, and the check's own console and JSON output.

``console`` lists each pair as NEW, ACCEPTED or ALLOWED with a summary and the reason for the
exit code; ``json`` is the scan JSON with a ``check`` object added; every other reporter
(:mod:`dupecheck.reporters`) gets the scan report cut down to the pairs that fail the check.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.text import Text

from dupecheck.check import CheckResult, FailOn, Finding, Status, to_dict
from dupecheck.errors import SettingsError
from dupecheck.group import groups_of
from dupecheck.model import ScanReport, document_positions
from dupecheck.reporters import get_reporter
from dupecheck.reporters._printable import printable
from dupecheck.reporters.console import console_for
from dupecheck.reporters.json import dump, scan_data

AUTO = "auto"
"""Format name that picks ``github`` inside GitHub Actions and ``console`` elsewhere."""
DEFAULT_FORMAT = "console"

_STATUS_STYLES = {Status.NEW: "bold red", Status.ACCEPTED: "yellow", Status.ALLOWED: "green"}


@dataclass(frozen=True, slots=True)
class Destination:
    """One report to write: its format, and its file (None for standard output)."""

    format: str
    output: Path | None = None


def resolve_format(name: str, env: Mapping[str, str]) -> str:
    """The format ``name`` stands for: ``auto`` is ``github`` when ``GITHUB_ACTIONS`` is set.

    >>> resolve_format("auto", {"GITHUB_ACTIONS": "true"}), resolve_format("auto", {})
    ('github', 'console')
    >>> resolve_format("json", {"GITHUB_ACTIONS": "true"})
    'json'
    """
    if name != AUTO:
        return name
    return "github" if env.get("GITHUB_ACTIONS") else DEFAULT_FORMAT


def plan_outputs(
    formats: Sequence[str], outputs: Sequence[Path], *, env: Mapping[str, str]
) -> tuple[Destination, ...]:
    """Pair each format with an output in order; a format left without one writes to standard output.

    No format means ``console``. Only one report can go to standard output, and more outputs
    than formats, an output named twice or an unknown format are :class:`SettingsError`.

    >>> plan_outputs(["json", "console"], [Path("report.json")], env={})
    (Destination(format='json', output=PosixPath('report.json')), Destination(format='console', output=None))
    """
    formats = list(formats) or [DEFAULT_FORMAT]
    if len(outputs) > len(formats):
        raise SettingsError(
            f"{len(outputs)} --output for {len(formats)} --format; give a --format for each --output"
        )
    if len(formats) - len(outputs) > 1:
        raise SettingsError(
            "only one --format can write to standard output; give an --output for each of the others"
        )
    seen = set()
    for output in outputs:
        key = os.path.abspath(output)
        if key in seen:
            raise SettingsError(f"{output}: given twice as --output")
        seen.add(key)
    destinations = tuple(
        Destination(resolve_format(name, env), outputs[index] if index < len(outputs) else None)
        for index, name in enumerate(formats)
    )
    for destination in destinations:
        get_reporter(destination.format)
    return destinations


def render_check(
    result: CheckResult, out: TextIO, *, output_format: str, fail_on: FailOn, exit_code: int, color: bool
) -> None:
    """Write ``result`` as ``output_format`` to ``out``; ``exit_code`` is what the console output explains."""
    if output_format == "console":
        render_console(result, out, fail_on=fail_on, exit_code=exit_code, color=color)
    elif output_format == "json":
        render_json(result, out, fail_on=fail_on)
    else:
        get_reporter(output_format)(failing_report(result, fail_on), out, color=color)


def failing_report(result: CheckResult, fail_on: FailOn) -> ScanReport:
    """The scan report with only the pairs that fail the check, regrouped."""
    report = result.report
    pairs = tuple(finding.pair for finding in result.failing(fail_on))
    # Grouped among the paired articles only, in document order: the groups a scan of all would give.
    positions = document_positions(report.documents, (name for pair in pairs for name in (pair.a, pair.b)))
    ids = sorted(positions, key=positions.__getitem__)
    index = {identifier: number for number, identifier in enumerate(ids)}
    order = sorted(pairs, key=lambda pair: (index[pair.a], index[pair.b]))
    groups = groups_of(ids, [(index[pair.a], index[pair.b]) for pair in order])
    return dataclasses.replace(report, pairs=tuple(order), groups=groups)


def render_json(result: CheckResult, out: TextIO, *, fail_on: FailOn) -> None:
    """The scan JSON (``dupecheck.scan/1``) with a ``check`` object, keys sorted, no timestamps."""
    data = scan_data(result.report)
    data["check"] = to_dict(result, fail_on)
    dump(data, out)


def render_console(result: CheckResult, out: TextIO, *, fail_on: FailOn, exit_code: int, color: bool) -> None:
    """Each pair marked NEW, ACCEPTED or ALLOWED, then what is gone, notices, a summary and the verdict.

    Ids, sources and reasons are shown :func:`~dupecheck.reporters._printable.printable`.
    """
    # One line per item, however long its ids: CI logs are searched by line.
    console = console_for(out, color=color, soft_wrap=True)
    console.print(Text(f"dupecheck check: {result.summary()}", style="bold"))
    console.print()
    if not result.findings:
        scope = "the changed articles" if result.changed is not None else "the articles read"
        console.print(f"No near-duplicates among {scope}.")
    for finding in result.findings:
        _print_finding(console, finding)
    if result.resolved:
        console.print()
        console.print(
            Text(
                "Baseline entries that no longer occur (`dupecheck baseline update` drops them)", style="bold"
            )
        )
        for item in result.resolved:
            console.print(printable(f"  {item.a.id} ↔ {item.b.id} ({item.relation})"))
    if result.notices:
        console.print()
        console.print(Text("Notices", style="bold"))
        for notice in result.notices:
            console.print(Text.assemble("  ", (printable(notice), "yellow")))
    if result.report.skipped:
        console.print()
        console.print(Text("Skipped inputs", style="bold"))
        for skipped in result.report.skipped:
            where = skipped.source if skipped.line is None else f"{skipped.source}:{skipped.line}"
            console.print(Text.assemble("  ", printable(where), " — ", (printable(skipped.reason), "yellow")))
    console.print()
    style = "bold red" if result.failing(fail_on) else "bold green"
    console.print(Text(f"exit {exit_code}: {result.verdict(fail_on)}", style=style))


def _print_finding(console: Console, finding: Finding) -> None:
    pair = finding.pair
    relation = pair.relation.value if pair.relation is not None else "related"
    console.print(
        Text.assemble(
            (f"{finding.status.value.upper():<10}", _STATUS_STYLES[finding.status]),
            f"{relation:<11}",
            (printable(pair.a), "bold"),
            " ↔ ",
            (printable(pair.b), "bold"),
        )
    )
    indent = " " * 10
    console.print(
        f"{indent}similarity {pair.similarity:.2f}, {pair.a_in_b:.0%} of A found in B, "
        f"{pair.b_in_a:.0%} of B found in A"
    )
    allowed_by = finding.allowed_by
    if allowed_by is not None:
        until = f", until {allowed_by.expires}" if allowed_by.expires else ""
        console.print(printable(f"{indent}allowed: {allowed_by.reason} ({allowed_by.origin}{until})"))
