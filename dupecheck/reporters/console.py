"""Rich text for people: a scan's groups and pairs, or two articles side by side.

Ids, sources and article text are shown :func:`~dupecheck.reporters._printable.printable`: their
control characters escaped, so a file cannot drive the terminal the report is read on.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from dupecheck.model import (
    CompareReport,
    Document,
    PairResult,
    Paragraph,
    Relation,
    ScanReport,
    documents_named,
)
from dupecheck.reporters._pairs import (
    count,
    excerpt,
    pairs_by_group,
    paragraph_summary,
    scan_summary,
    strongest_first,
    unmatched,
)
from dupecheck.reporters._printable import printable
from dupecheck.reporters._words import changed_spans

WIDTH = 100
"""Fixed, so a report reads the same in a terminal, a file and a CI log."""

_RELATION_STYLES = {
    Relation.DUPLICATE: "bold red",
    Relation.REWRITE: "bold yellow",
    Relation.PARTIAL: "bold cyan",
}
_CHANGED = "bold magenta"


class _ReportConsole(Console):
    """A rich console whose writes fail as a plain write does when the reader has gone."""

    def on_broken_pipe(self) -> None:
        # Rich would point standard output at the null device and exit with 1, which a check
        # means as "duplicates found": the caller decides instead.
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def console_for(out: TextIO, *, color: bool, soft_wrap: bool = False) -> Console:
    """A rich console writing plain, width-stable text to ``out`` (styles only with ``color``).

    A closed pipe raises :class:`BrokenPipeError`, as writing to ``out`` would.
    """
    return _ReportConsole(
        file=out,
        force_terminal=color,
        no_color=not color,
        force_jupyter=False,
        width=WIDTH,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=soft_wrap,
    )


def render(report: ScanReport | CompareReport, out: TextIO, *, color: bool) -> None:
    """Write ``report`` for a reader; ``color`` turns on terminal styles and the word highlights."""
    console = console_for(out, color=color)
    if isinstance(report, ScanReport):
        _render_scan(console, report)
    else:
        _render_compare(console, report, highlighted=color)


def _render_scan(console: Console, report: ScanReport) -> None:
    console.print(Text(scan_summary(report), style="bold"))
    if report.skipped:
        console.print()
        console.print(Text("Skipped inputs", style="bold"))
        for skipped in report.skipped:
            where = skipped.source if skipped.line is None else f"{skipped.source}:{skipped.line}"
            console.print(Text.assemble("  ", printable(where), " — ", (printable(skipped.reason), "yellow")))
    console.print()
    if not report.pairs:
        console.print("No near-duplicates found.")
        return
    documents = documents_named(
        report.documents, (name for pair in report.pairs for name in (pair.a, pair.b))
    )
    grouped = pairs_by_group(report.groups, report.pairs, lambda pair: pair.a)
    for number, (group, pairs) in enumerate(zip(report.groups, grouped, strict=True), 1):
        # A group is printed at once: rich's cost is mostly per print, and a large scan has
        # tens of thousands of pairs.
        lines = [Text(f"Group {number}: {count(len(group.members), 'article')}", style="bold")]
        lines += [Text(f"  • {printable(member)}") for member in group.members]
        for pair in sorted(pairs, key=strongest_first):
            lines += [
                Text(),
                Text.assemble("  ", (printable(pair.a), "bold"), " ↔ ", (printable(pair.b), "bold")),
                Text.assemble("    ", _relation_text(pair), _scores(pair)),
                Text(f"    {_coverage(pair)}"),
                Text(f"    {paragraph_summary(pair, documents[pair.a], documents[pair.b])}"),
            ]
        console.print(Text("\n").join([*lines, Text()]))


def _render_compare(console: Console, report: CompareReport, *, highlighted: bool) -> None:
    a, b, pair = report.a, report.b, report.pair
    console.print(Text.assemble(("A  ", "bold"), printable(a.id)))
    console.print(Text.assemble(("B  ", "bold"), printable(b.id)))
    console.print(Text.assemble(_relation_text(pair), _scores(pair)))
    console.print(_coverage(pair))
    console.print(paragraph_summary(pair, a, b))
    console.print()

    if pair.overlaps:
        title = "Paragraphs found in both"
        if highlighted:
            title += " (words missing from the other side highlighted)"
        table = Table(title=title, title_justify="left", show_lines=True, expand=True)
        table.add_column("A", ratio=1)
        table.add_column("score", justify="right", width=5)
        table.add_column("B", ratio=1)
        for overlap in pair.overlaps:
            paragraph_a, paragraph_b = a.paragraphs[overlap.a], b.paragraphs[overlap.b]
            table.add_row(
                _marked(a, paragraph_a, paragraph_b.terms),
                f"{overlap.score:.2f}",
                _marked(b, paragraph_b, paragraph_a.terms),
            )
        console.print(table)
    else:
        console.print("No paragraph of A has a counterpart in B.")

    for side, document, matched in (
        ("A", a, {o.a for o in pair.overlaps}),
        ("B", b, {o.b for o in pair.overlaps}),
    ):
        console.print()
        console.print(Text(f"Only in {side}", style="bold"))
        only = unmatched(document, matched)
        if not only:
            console.print("  (none)")
            continue
        listing = Table.grid(padding=(0, 2), pad_edge=True)
        listing.add_column(style="dim", no_wrap=True)
        listing.add_column()
        for paragraph in only:
            listing.add_row(f"¶{paragraph.index}", printable(excerpt(document.text_of(paragraph))))
        console.print(listing)

    console.print()
    console.print(Text("Boilerplate and short paragraphs (not matched)", style="bold"))
    ignored = [(side, d, p) for side, d in (("A", a), ("B", b)) for p in d.paragraphs if not p.is_content]
    if not ignored:
        console.print("  (none)")
        return
    listing = Table.grid(padding=(0, 2), pad_edge=True)
    listing.add_column(style="dim", no_wrap=True)
    listing.add_column(style="dim", max_width=40)
    listing.add_column()
    for side, document, paragraph in ignored:
        listing.add_row(
            f"{side} ¶{paragraph.index}",
            printable(f"{paragraph.kind.value}: {paragraph.reason}"),
            printable(excerpt(document.text_of(paragraph))),
        )
    console.print(listing)


def _relation_text(pair: PairResult) -> Text:
    if pair.relation is None:
        return Text("not related", style="dim")
    return Text(pair.relation.value, style=_RELATION_STYLES[pair.relation])


def _scores(pair: PairResult) -> str:
    return f", similarity {pair.similarity:.2f}, evidence {pair.evidence:.2f}"


def _coverage(pair: PairResult) -> str:
    return f"a_in_b: {pair.a_in_b:.0%} of A found in B, b_in_a: {pair.b_in_a:.0%} of B found in A"


def _marked(document: Document, paragraph: Paragraph, other_terms: Iterable[str]) -> Text:
    """Style the words of a paragraph that its counterpart lacks, on one line."""
    # Same-length replacements keep the offsets of changed_spans valid; escaping comes after.
    plain = document.text_of(paragraph).replace("\r", " ").replace("\n", " ")
    text, done = Text(), 0
    for start, end in changed_spans(plain, other_terms):
        text.append(printable(plain[done:start]))
        text.append(printable(plain[start:end]), style=_CHANGED)
        done = end
    text.append(printable(plain[done:]))
    return Text.assemble((f"¶{paragraph.index}  ", "dim"), text)
