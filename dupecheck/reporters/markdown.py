"""GitHub-flavoured Markdown for a pull-request comment: a table of pairs, the paragraphs folded away.

Every piece of article text is escaped, so an article cannot break the table, inject markup or,
printed on a terminal, drive it with control characters.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import TextIO

from dupecheck.model import CompareReport, Document, Paragraph, ScanReport
from dupecheck.reporters._pairs import (
    ConfirmedPair,
    confirmed_pairs,
    count,
    excerpt,
    grouped_pairs,
    paragraph_summary,
    scan_summary,
    unmatched,
)
from dupecheck.reporters._printable import printable

CELL_EXCERPT = 300
"""Characters of a paragraph shown in a table cell."""
COMMENT_LIMIT = 65_536
"""Characters GitHub accepts in one comment."""
_NOTE_ROOM = 200
"""Characters kept free for the note on what was left out."""

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|~$])")
"""Characters that would start emphasis, code, links, strikethrough or math (``$``), or end a cell."""
_WORD_JOINER = "\u2060"
"""Put after ``@`` so a handle quoted in an article does not notify a GitHub user of that name."""


def render(report: ScanReport | CompareReport, out: TextIO, *, color: bool) -> None:
    """Write ``report`` as a Markdown comment; ``color`` is ignored.

    A scan too large for one comment keeps its summary, and as many pairs as fit.
    """
    lines = _scan(report) if isinstance(report, ScanReport) else _compare(report)
    out.write("\n".join(lines).rstrip("\n") + "\n")


def _scan(report: ScanReport) -> list[str]:
    grouped = grouped_pairs(report)
    pairs = [pair for _, group_pairs in grouped for pair in group_pairs]
    found = (
        f"{count(len(pairs), 'near-duplicate pair')} in {count(len(report.groups), 'group')}"
        if pairs
        else "no near-duplicates"
    )
    lines = [f"### dupecheck: {found}", "", escape(scan_summary(report)), ""]
    if report.skipped:
        lines += ["**Skipped inputs**", ""]
        for skipped in report.skipped:
            where = skipped.source if skipped.line is None else f"{skipped.source}:{skipped.line}"
            lines.append(f"- {escape(where)}: {escape(skipped.reason)}")
        lines.append("")
    if not pairs:
        return [*lines, "No near-duplicates found."]
    for number, (group, _) in enumerate(grouped, 1):
        members = ", ".join(escape(member) for member in group.members)
        lines.append(f"- Group {number} ({count(len(group.members), 'article')}): {members}")
    return _fit(
        [*lines, "", *_TABLE_HEAD],
        map(_pair_row, pairs),
        (_pair_details(pair, folded=True) for pair in pairs),
        len(pairs),
    )


def _fit(head: list[str], rows: Iterable[str], details: Iterable[list[str]], pairs: int) -> list[str]:
    """``head``, then the table ``rows`` and the pair ``details`` that fit in one comment, in order.

    The first row or detail that does not fit ends the comment, with a note on what was left out;
    the rest of ``rows`` and ``details`` (one of each for each of the ``pairs``) is never made.
    """
    kept, size = list(head), len("\n".join(head)) + _NOTE_ROOM
    for number, row in enumerate(rows):
        if size + len(row) + 1 > COMMENT_LIMIT:
            return [*kept, "", _left_out(count(pairs - number, "more pair"))]
        kept.append(row)
        size += len(row) + 1
    kept.append("")
    for number, block in enumerate(details):
        text = "\n".join(block)
        if size + len(text) + 1 > COMMENT_LIMIT:
            return [*kept, _left_out(f"Aligned paragraphs of {count(pairs - number, 'more pair')}")]
        kept += block
        size += len(text) + 1
    return kept


def _left_out(what: str) -> str:
    return f"_{what} left out: a comment holds {COMMENT_LIMIT:,} characters. The HTML report shows them all._"


def _compare(report: CompareReport) -> list[str]:
    a, b, pair = report.a, report.b, report.pair
    relation = pair.relation.value if pair.relation is not None else "not related"
    lines = [f"### dupecheck: {escape(a.id)} ↔ {escape(b.id)}: {relation}", ""]
    confirmed = confirmed_pairs(report)
    if not confirmed:
        return [
            *lines,
            f"Not related: similarity {pair.similarity:.2f}, evidence {pair.evidence:.2f}; "
            f"{escape(paragraph_summary(pair, a, b))}.",
        ]
    (only,) = confirmed
    return [*lines, *_TABLE_HEAD, _pair_row(only), "", *_pair_details(only, folded=False)]


_TABLE_HEAD = (
    "| A | B | relation | similarity | A in B | B in A | paragraphs |",
    "| --- | --- | --- | ---: | ---: | ---: | --- |",
)


def _pair_row(confirmed: ConfirmedPair) -> str:
    pair = confirmed.pair
    cells = (
        escape(pair.a),
        escape(pair.b),
        f"**{confirmed.relation.value}**",
        f"{pair.similarity:.2f}",
        f"{pair.a_in_b:.0%}",
        f"{pair.b_in_a:.0%}",
        escape(paragraph_summary(pair, confirmed.a, confirmed.b)),
    )
    return f"| {' | '.join(cells)} |"


def _pair_details(confirmed: ConfirmedPair, *, folded: bool) -> list[str]:
    """The aligned paragraphs of one pair in a ``<details>`` block, closed when ``folded``."""
    pair, a, b = confirmed.pair, confirmed.a, confirmed.b
    summary = (
        f"<b>{html.escape(printable(pair.a))}</b> ↔ <b>{html.escape(printable(pair.b))}</b>: "
        f"{confirmed.relation.value}, "
        f"{count(len(pair.overlaps), 'aligned paragraph pair')}"
    )
    lines = [
        "<details>" if folded else "<details open>",
        f"<summary>{summary}</summary>",
        "",
        "| A | score | B |",
        "| --- | ---: | --- |",
    ]
    for overlap in sorted(pair.overlaps, key=lambda o: (o.a, o.b)):
        cells = (_cell(a, a.paragraphs[overlap.a]), f"{overlap.score:.2f}", _cell(b, b.paragraphs[overlap.b]))
        lines.append(f"| {' | '.join(cells)} |")
    only = [("A", a, p) for p in unmatched(a, {o.a for o in pair.overlaps})]
    only += [("B", b, p) for p in unmatched(b, {o.b for o in pair.overlaps})]
    if only:
        lines += ["", "| only in | paragraph |", "| --- | --- |"]
        lines += [f"| {side} | {_cell(document, p)} |" for side, document, p in only]
    return [*lines, "", "</details>", ""]


def _cell(document: Document, paragraph: Paragraph) -> str:
    return f"¶{paragraph.index} {escape(excerpt(document.text_of(paragraph), CELL_EXCERPT))}"


def escape(text: str) -> str:
    r"""``text`` on one line, safe inside a Markdown table cell: no markup, no HTML, no cell breaks.

    An ``@`` is followed by an invisible word joiner, so quoted handles mention nobody; control
    characters are escaped (:func:`~dupecheck.reporters._printable.printable`).

    >>> escape("A | B <b>*bold*</b>")
    'A \\| B &lt;b&gt;\\*bold\\*&lt;/b&gt;'
    """
    flat = printable(" ".join(text.split()))
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(flat, quote=False))
    return escaped.replace("@", "@" + _WORD_JOINER)
