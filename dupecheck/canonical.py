"""Pick one canonical article per group, and say which copies a CMS may drop.

The canonical copy is the one to keep: the earliest, the longest, or the one from a
named outlet. Every other member of the group is a ``drop`` action pointing at it.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from dupecheck.errors import SettingsError
from dupecheck.model import Document, ScanReport, documents_named

RULES = ("earliest", "longest", "source:NAME")
"""How a canonical copy is chosen; ``source:NAME`` prefers the outlet NAME."""
ACTION_COLUMNS = ("group", "id", "source", "action", "canonical_id", "relation")


@dataclass(frozen=True, slots=True)
class Action:
    """What to do with one member of a group: ``keep`` the canonical copy, ``drop`` the others."""

    group: int
    id: str
    source: str
    action: str
    canonical_id: str
    relation: str
    """The relation of the pair with the canonical copy; "" for it, "same group" when not paired directly."""


def check_rule(rule: str) -> str:
    """``rule`` itself when it names a way to choose, else a :class:`SettingsError` listing them.

    >>> check_rule("source:Wire")
    'source:Wire'
    """
    if rule in ("earliest", "longest") or (rule.startswith("source:") and rule[len("source:") :].strip()):
        return rule
    raise SettingsError(f"unknown canonical rule '{rule}'; use earliest, longest or source:NAME")


def _earliest(document: Document) -> tuple[int, str, int, str]:
    # An undated article comes after every dated one.
    date = document.article.date
    return (0 if date else 1, date, -document.content_length, document.id)


def _longest(document: Document) -> tuple[int, int, str, str]:
    date = document.article.date
    return (-document.content_length, 0 if date else 1, date, document.id)


def canonical_member(members: Sequence[Document], rule: str) -> Document:
    """The member to keep under ``rule``: earliest date, then longest content, then id order.

    ``longest`` puts length first; ``source:NAME`` takes the earliest member from the outlet
    NAME, or the earliest of all when none comes from it.
    """
    check_rule(rule)
    if rule == "longest":
        return min(members, key=_longest)
    if rule.startswith("source:"):
        outlet = rule[len("source:") :].strip()
        preferred = [d for d in members if d.article.outlet == outlet]
        return min(preferred or members, key=_earliest)
    return min(members, key=_earliest)


def actions(report: ScanReport, rule: str = "earliest") -> tuple[Action, ...]:
    """One action per grouped article, by group then id: keep or drop, and the canonical copy."""
    check_rule(rule)
    by_id = documents_named(report.documents, (member for group in report.groups for member in group.members))
    relations = {}
    for pair in report.pairs:
        if pair.relation is not None:
            relations[pair.a, pair.b] = relations[pair.b, pair.a] = pair.relation.value
    result = []
    for number, group in enumerate(report.groups, 1):
        members = [by_id[member] for member in sorted(group.members)]
        keep = canonical_member(members, rule)
        for document in members:
            is_canonical = document is keep
            relation = "" if is_canonical else relations.get((document.id, keep.id), "same group")
            result.append(
                Action(
                    number,
                    document.id,
                    document.article.source,
                    "keep" if is_canonical else "drop",
                    keep.id,
                    relation,
                )
            )
    return tuple(result)


def write_actions(rows: Sequence[Action], out: TextIO) -> None:
    """Write actions as CSV with a header row (:data:`ACTION_COLUMNS`), for a CMS to apply."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ACTION_COLUMNS)
    for row in rows:
        writer.writerow([row.group, row.id, row.source, row.action, row.canonical_id, row.relation])
