"""One self-contained HTML page: each pair's articles side by side, shared paragraphs on one row.

Words a paragraph's counterpart lacks are marked, paragraphs found on one side only get a row of
their own, and furniture is shown dimmed with the reason it was left out. The page has its CSS
inline and loads nothing, so it can be attached to a CI run or mailed as it is.

Ids, file names and reasons show their control characters as escapes (``\u202e``), as the text
reporters do (:func:`~dupecheck.reporters._printable.printable`); so does the articles' text, its
white space aside, each escape styled apart from the text. A bidirectional control shown raw could
show a name or a line in another order than it is ("Trojan Source").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from html import escape
from typing import TextIO

from dupecheck import __version__
from dupecheck.model import CompareReport, Document, Overlap, PairResult, Paragraph, ScanReport
from dupecheck.reporters._pairs import count, grouped_pairs, paragraph_summary, scan_summary
from dupecheck.reporters._printable import printable
from dupecheck.reporters._words import changed_spans

_STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f8fa; color: #1f2328;
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header, main, footer { max-width: 1400px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; }
.summary { margin: 0 0 8px; color: #424a53; }
.legend { margin: 0 0 16px; color: #57606a; font-size: 13px; }
.legend span { margin-right: 16px; white-space: nowrap; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -1px;
  margin-right: 4px; border: 1px solid #d0d7de; }
.swatch.only-a { background: #ddf4ff; } .swatch.only-b { background: #fff1e5; }
.swatch.ignored { background: #eaeef2; }
ul.members { margin: 0 0 12px; padding-left: 20px; }
code, .source { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #57606a; }
.pair { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; margin: 0 0 20px; }
.pair > summary { cursor: pointer; padding: 12px 16px; font-weight: 600; font-size: 16px;
  border-bottom: 1px solid #d0d7de; overflow-wrap: anywhere; }
.pair:not([open]) > summary { border-bottom: 0; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 0; padding: 12px 16px 4px; }
.facts div { display: flex; gap: 6px; align-items: baseline; min-width: 0; }
.facts dt { color: #57606a; font-size: 13px; }
.facts dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.paragraphs { margin: 0; padding: 0 16px 12px; color: #424a53; font-size: 14px; }
.relation { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 13px;
  font-weight: 600; color: #fff; vertical-align: 1px; margin-left: 6px; }
.relation.duplicate { background: #cf222e; } .relation.rewrite { background: #9a6700; }
.relation.partial { background: #0969da; } .relation.unrelated { background: #6e7781; }
table.alignment { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.alignment col.score { width: 6.5em; }
table.alignment th { text-align: left; font-size: 13px; color: #57606a; background: #f6f8fa;
  padding: 6px 12px; border-top: 1px solid #d0d7de; overflow-wrap: anywhere; }
table.alignment td { vertical-align: top; padding: 8px 12px; border-top: 1px solid #d0d7de;
  overflow-wrap: anywhere; }
table.alignment td.score, table.alignment th.score { text-align: center; color: #57606a;
  font-size: 13px; font-variant-numeric: tabular-nums; border-left: 1px solid #eaeef2;
  border-right: 1px solid #eaeef2; }
tr.only-a td.a { background: #ddf4ff; } tr.only-b td.b { background: #fff1e5; }
tr.ignored td { color: #6e7781; background: #f6f8fa; font-size: 13px; padding-top: 4px; padding-bottom: 4px; }
tr.ignored td.side > .text { opacity: .75; }
td.repeat { color: #57606a; }
td.repeat > .text { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2;
  overflow: hidden; }
td.repeat .index::after { content: " again"; }
.index { color: #6e7781; font-size: 12px; font-variant-numeric: tabular-nums; margin-right: 6px; }
.reason { display: inline-block; font-size: 12px; color: #57606a; border: 1px solid #d0d7de;
  border-radius: 4px; padding: 0 5px; margin-right: 6px; }
.tag { font-size: 12px; }
mark { background: #ffd8b5; color: inherit; border-radius: 2px; padding: 0 1px; }
.control { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #cf222e;
  background: #ffebe9; border-radius: 2px; padding: 0 2px; }
.empty-note { padding: 12px 16px; margin: 0; color: #57606a; }
footer { color: #6e7781; font-size: 12px; padding-bottom: 24px; }
"""

_LEGEND = (
    '<p class="legend"><span><mark>word</mark> not in the paragraph beside it</span>'
    '<span><i class="swatch only-a"></i>only in A</span><span><i class="swatch only-b"></i>only in B</span>'
    '<span><i class="swatch ignored"></i>boilerplate or too short: not matched</span></p>'
)


def render(report: ScanReport | CompareReport, out: TextIO, *, color: bool) -> None:
    """Write ``report`` as one HTML page; ``color`` is ignored (the page is always styled)."""
    if isinstance(report, ScanReport):
        title, body = "dupecheck scan", _scan(report)
    else:
        title, body = f"dupecheck: {report.a.id} ↔ {report.b.id}", iter((_compare(report),))
    out.write(
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_label(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
    )
    # Written a part at a time: the page of a large scan need not fit in memory.
    for part in body:
        out.write(part)
    out.write(f"<footer><p>dupecheck {escape(__version__)}</p></footer>\n</body>\n</html>\n")


def _scan(report: ScanReport) -> Iterator[str]:
    yield "<header>\n<h1>dupecheck scan</h1>\n"
    yield f'<p class="summary">{escape(scan_summary(report))}</p>\n'
    yield _LEGEND if report.pairs else ""
    yield "</header>\n<main>\n"
    if report.skipped:
        yield '<section class="skipped">\n<h2>Skipped inputs</h2>\n<ul>\n'
        for skipped in report.skipped:
            where = skipped.source if skipped.line is None else f"{skipped.source}:{skipped.line}"
            yield f"<li><code>{_label(where)}</code>: {_label(skipped.reason)}</li>\n"
        yield "</ul>\n</section>\n"
    groups = grouped_pairs(report)
    if not groups:
        yield '<p class="empty-note">No near-duplicates found.</p>\n'
    for number, (group, pairs) in enumerate(groups, 1):
        yield (
            f'<section class="group" id="group-{number}">\n'
            f"<h2>Group {number}: {count(len(group.members), 'article')}</h2>\n"
            '<ul class="members">\n'
            + "".join(f"<li>{_label(member)}</li>\n" for member in group.members)
            + "</ul>\n"
        )
        for confirmed in pairs:
            yield _pair(confirmed.pair, confirmed.a, confirmed.b)
        yield "</section>\n"
    yield "</main>\n"


def _compare(report: CompareReport) -> str:
    return (
        "<header>\n<h1>dupecheck compare</h1>\n"
        f'<p class="summary">A: {_label(report.a.id)} · B: {_label(report.b.id)}</p>\n'
        f"{_LEGEND}</header>\n<main>\n{_pair(report.pair, report.a, report.b)}</main>\n"
    )


def _pair(pair: PairResult, a: Document, b: Document) -> str:
    relation = pair.relation.value if pair.relation is not None else "unrelated"
    label = pair.relation.value if pair.relation is not None else "not related"
    facts = [
        ("similarity", f"{pair.similarity:.2f}"),
        ("evidence", f"{pair.evidence:.2f}"),
        ("A in B", f"{pair.a_in_b:.0%}"),
        ("B in A", f"{pair.b_in_a:.0%}"),
    ]
    return (
        f'<details class="pair {relation}" open>\n'
        f"<summary>{_label(pair.a)} ↔ {_label(pair.b)}"
        f'<span class="relation {relation}">{label}</span></summary>\n'
        '<dl class="facts">\n'
        + "".join(f"<div><dt>{name}</dt><dd>{value}</dd></div>\n" for name, value in facts)
        + "</dl>\n"
        f'<p class="paragraphs">{escape(paragraph_summary(pair, a, b))}</p>\n'
        '<table class="alignment">\n'
        '<colgroup><col class="side"><col class="score"><col class="side"></colgroup>\n'
        f'<thead><tr><th scope="col" class="a">A: {_named(a)}</th><th scope="col" class="score">score</th>'
        f'<th scope="col" class="b">B: {_named(b)}</th></tr></thead>\n<tbody>\n'
        + "".join(_rows(pair, a, b))
        + "</tbody>\n</table>\n</details>\n"
    )


def _named(document: Document) -> str:
    source = document.article.source
    if not source or source == document.id:
        return _label(document.id)
    return f'{_label(document.id)}<br><span class="source">{_label(source)}</span>'


def _rows(pair: PairResult, a: Document, b: Document) -> Iterable[str]:
    """Rows in reading order: each overlap, preceded by the unmatched paragraphs that come before it.

    A rewrite may reorder paragraphs; an unmatched paragraph of B is then shown before the first
    overlap whose B paragraph follows it.
    """
    overlaps = sorted(pair.overlaps, key=lambda o: (o.a, o.b))
    rest_a = _unmatched(a, {o.a for o in overlaps})
    rest_b = _unmatched(b, {o.b for o in overlaps})
    shown_a: set[int] = set()
    shown_b: set[int] = set()
    for overlap in overlaps:
        while rest_a and rest_a[0].index < overlap.a:
            yield _single_row("a", a, rest_a.pop(0))
        while rest_b and rest_b[0].index < overlap.b:
            yield _single_row("b", b, rest_b.pop(0))
        yield _shared_row(overlap, a, b, repeat_a=overlap.a in shown_a, repeat_b=overlap.b in shown_b)
        shown_a.add(overlap.a)
        shown_b.add(overlap.b)
    for paragraph in rest_a:
        yield _single_row("a", a, paragraph)
    for paragraph in rest_b:
        yield _single_row("b", b, paragraph)


def _unmatched(document: Document, matched: set[int]) -> list[Paragraph]:
    """Every paragraph without a counterpart, furniture included, in reading order."""
    return [p for p in document.paragraphs if p.index not in matched]


def _shared_row(overlap: Overlap, a: Document, b: Document, *, repeat_a: bool, repeat_b: bool) -> str:
    """A row of two counterparts; a paragraph already shown in full above is folded to two lines."""
    paragraph_a, paragraph_b = a.paragraphs[overlap.a], b.paragraphs[overlap.b]
    return (
        '<tr class="shared">'
        f"{_side('a', paragraph_a, _marked(a.text_of(paragraph_a), paragraph_b.terms), repeat=repeat_a)}"
        f'<td class="score">{overlap.score:.2f}</td>'
        f"{_side('b', paragraph_b, _marked(b.text_of(paragraph_b), paragraph_a.terms), repeat=repeat_b)}"
        "</tr>\n"
    )


def _side(side: str, paragraph: Paragraph, marked: str, *, repeat: bool) -> str:
    classes = f"side {side} repeat" if repeat else f"side {side}"
    title = f' title="¶{paragraph.index} again: shown in full above"' if repeat else ""
    return f'<td class="{classes}"{title}><span class="text">{_index(paragraph)}{marked}</span></td>'


def _single_row(side: str, document: Document, paragraph: Paragraph) -> str:
    if paragraph.is_content:
        kind, middle = f"only only-{side}", f'<span class="tag">only in {side.upper()}</span>'
        content = f'{_index(paragraph)}<span class="text">{_text(document.text_of(paragraph))}</span>'
    else:
        kind, middle = f"ignored ignored-{side}", ""
        reason = f"{paragraph.kind.value}: {paragraph.reason}" if paragraph.reason else paragraph.kind.value
        content = (
            f'{_index(paragraph)}<span class="reason">{_label(reason)}</span>'
            f'<span class="text">{_text(document.text_of(paragraph))}</span>'
        )
    cell = f'<td class="side {side}">{content}</td>'
    empty_a, empty_b = '<td class="side a empty"></td>', '<td class="side b empty"></td>'
    cells = (cell, empty_b) if side == "a" else (empty_a, cell)
    return f'<tr class="{kind}">{cells[0]}<td class="score">{middle}</td>{cells[1]}</tr>\n'


def _index(paragraph: Paragraph) -> str:
    return f'<span class="index">¶{paragraph.index}</span>'


def _marked(text: str, other_terms: Iterable[str]) -> str:
    """``text`` as :func:`_text`, with the words whose term ``other_terms`` lacks inside ``<mark>``.

    >>> _marked("Storm & flood", ["flood"])
    '<mark>Storm</mark> &amp; flood'
    """
    parts, position = [], 0
    for start, end in changed_spans(text, other_terms):
        parts += [_text(text[position:start]), f"<mark>{_text(text[start:end])}</mark>"]
        position = end
    parts.append(_text(text[position:]))
    return "".join(parts)


def _label(text: str) -> str:
    r"""An id, file name or reason, its control characters as escapes, then HTML-escaped.

    >>> _label("<b>report\u202efdp.exe\x1b")
    '&lt;b&gt;report\\u202efdp.exe\\x1b'
    """
    return escape(printable(text))


_WHITE_SPACE = "\t\n\f\r"
"""The control characters HTML lays out as white space: an article's line breaks, kept as they are."""


def _text(text: str) -> str:
    r"""Article text HTML-escaped, each other control character shown as an escape in a styled span.

    >>> _text("a <b>\tc\u202ed")
    'a &lt;b&gt;\tc<span class="control" title="control character">\\u202e</span>d'
    """
    # html.escape neither adds nor changes control characters: escaping them afterwards is safe.
    return printable(escape(text), keep=_WHITE_SPACE, shown=_shown_control)


def _shown_control(escaped: str) -> str:
    return f'<span class="control" title="control character">{escaped}</span>'
