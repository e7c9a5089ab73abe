"""The pairs a report confirms, in a stable order, and the words that describe them.

Shared by the reporters so that every format counts and phrases a pair the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from dupecheck.model import (
    CompareReport,
    Document,
    Group,
    PairResult,
    Paragraph,
    ParagraphKind,
    Relation,
    ScanReport,
    documents_named,
)

EXCERPT = 200
"""Characters of a paragraph shown in lists: enough to recognise it."""


@dataclass(frozen=True, slots=True)
class ConfirmedPair:
    """A related pair and where its two documents are: everything a reporter needs to show it.

    ``a`` and ``b`` are read when asked for, so a list of a scan's pairs holds no document.
    """

    pair: PairResult
    relation: Relation
    documents: Mapping[str, Document] | tuple[Document, Document] = field(compare=False, repr=False)
    """A comparison's two documents, or a scan's by id (:func:`~dupecheck.model.documents_named`)."""

    @property
    def a(self) -> Document:
        """The first article's document."""
        return self.documents[0] if isinstance(self.documents, tuple) else self.documents[self.pair.a]

    @property
    def b(self) -> Document:
        """The second article's document."""
        return self.documents[1] if isinstance(self.documents, tuple) else self.documents[self.pair.b]


def confirmed_pairs(report: ScanReport | CompareReport) -> list[ConfirmedPair]:
    """The related pairs of ``report`` in the report's order; a comparison gives at most one."""
    if isinstance(report, CompareReport):
        relation = report.pair.relation
        return [] if relation is None else [ConfirmedPair(report.pair, relation, (report.a, report.b))]
    documents = documents_named(
        report.documents, (name for pair in report.pairs for name in (pair.a, pair.b))
    )
    return [
        ConfirmedPair(pair, pair.relation, documents) for pair in report.pairs if pair.relation is not None
    ]


P = TypeVar("P")


def pairs_by_group(groups: Sequence[Group], pairs: Iterable[P], first: Callable[[P], str]) -> list[list[P]]:
    """The ``pairs`` of each group (the one holding the pair's ``first`` article), in the order given.

    Pairs of an article in no group are left out. One pass over the pairs, whatever the number of groups.

    >>> pairs_by_group([Group(("a", "b")), Group(("c", "d"))], ["c", "x", "a", "d"], str)
    [['a'], ['c', 'd']]
    """
    group_of = {member: number for number, group in enumerate(groups) for member in group.members}
    grouped: list[list[P]] = [[] for _ in groups]
    for pair in pairs:
        number = group_of.get(first(pair))
        if number is not None:
            grouped[number].append(pair)
    return grouped


def grouped_pairs(report: ScanReport) -> list[tuple[Group, list[ConfirmedPair]]]:
    """Each group of a scan with its pairs, strongest first: the order people read them in."""
    grouped = pairs_by_group(report.groups, confirmed_pairs(report), lambda p: p.pair.a)
    return [
        (group, sorted(pairs, key=lambda p: strongest_first(p.pair)))
        for group, pairs in zip(report.groups, grouped, strict=True)
    ]


def scan_summary(report: ScanReport) -> str:
    """One line counting what a scan read, checked and found."""
    return ", ".join(
        (
            f"{count(report.files, 'file')} seen",
            f"{count(len(report.documents), 'article')} read",
            f"{count(len(report.skipped), 'input')} skipped",
            f"{count(report.candidates, 'candidate pair')} checked",
            f"{count(len(report.pairs), 'pair')} confirmed",
            count(len(report.groups), "group"),
        )
    )


def paragraph_summary(pair: PairResult, a: Document, b: Document) -> str:
    """Count each side's content paragraphs with a counterpart in the other; furniture is only mentioned.

    A paragraph aligned with two (split in two by a rewrite) counts once: the counts are of
    paragraphs, not of alignments.
    """
    shared_a, shared_b = len({o.a for o in pair.overlaps}), len({o.b for o in pair.overlaps})
    total_a = sum(1 for p in a.paragraphs if p.is_content)
    total_b = sum(1 for p in b.paragraphs if p.is_content)
    summary = f"paragraphs shared: {shared_a} of {total_a} in A, {shared_b} of {total_b} in B"
    ignored = [p.kind for p in (*a.paragraphs, *b.paragraphs) if not p.is_content]
    if ignored:
        kinds = [
            f"{ignored.count(kind)} {kind.value}"
            for kind in (ParagraphKind.BOILERPLATE, ParagraphKind.SHORT)
            if kind in ignored
        ]
        summary += f"; {' and '.join(kinds)} {plural(len(ignored), 'paragraph')} ignored"
    return summary


def describe(confirmed: ConfirmedPair) -> str:
    """One sentence naming both articles, the relation, the similarity and the coverage of each.

    CI annotations and SARIF results use it as their message.
    """
    pair = confirmed.pair
    return (
        f"{pair.a} (A) and {pair.b} (B): {confirmed.relation.value}, similarity {pair.similarity:.2f}; "
        f"{pair.a_in_b:.0%} of A found in B, {pair.b_in_a:.0%} of B found in A; "
        f"{paragraph_summary(pair, confirmed.a, confirmed.b)}."
    )


def unmatched(document: Document, matched: Iterable[int]) -> list[Paragraph]:
    """Content paragraphs of ``document`` whose index is not in ``matched``."""
    matched_indices = set(matched)
    return [p for p in document.paragraphs if p.is_content and p.index not in matched_indices]


def excerpt(text: str, limit: int = EXCERPT) -> str:
    r"""``text`` on one line, cut to ``limit`` characters with an ellipsis.

    >>> excerpt("The council  voted\nlate.", 14)
    'The council v…'
    """
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def strongest_first(pair: PairResult) -> tuple[int, float, str, str]:
    """Sort key: strongest relation first, then most similar, then by ids for a stable order."""
    rank = pair.relation.rank if pair.relation is not None else 0
    return (-rank, -pair.similarity, pair.a, pair.b)


def plural(number: int, noun: str) -> str:
    """``noun``, with an ``s`` unless ``number`` is one."""
    return noun if number == 1 else f"{noun}s"


def count(number: int, noun: str) -> str:
    """``number`` and ``noun`` in agreement.

    >>> count(1, "pair"), count(3, "group")
    ('1 pair', '3 groups')
    """
    return f"{number} {plural(number, noun)}"
