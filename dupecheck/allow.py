"""Allow entries: pairs or groups of articles that may resemble each other, each with its reason.

An entry names articles by id or by path (relative to the folder of the file that holds the
entry); it may expire, after which it no longer allows anything and a check says so.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dupecheck.errors import SettingsError
from dupecheck.model import Document

_FIELDS = frozenset({"pair", "group", "reason", "expires"})


@dataclass(frozen=True, slots=True)
class AllowEntry:
    """Articles that may resemble one another, why, and until when (inclusive)."""

    members: tuple[str, ...]
    reason: str
    expires: datetime.date | None = None
    base: str = "."
    """Folder that relative paths in ``members`` start from: the one holding the config file."""
    origin: str = ""
    """Where the entry was written, for messages: ``file, allow entry N``."""

    def expired(self, today: datetime.date) -> bool:
        """True once ``today`` is past the ``expires`` date.

        >>> entry = AllowEntry(("a", "b"), "licensed", datetime.date(2027, 1, 31))
        >>> entry.expired(datetime.date(2027, 1, 31)), entry.expired(datetime.date(2027, 2, 1))
        (False, True)
        """
        return self.expires is not None and today > self.expires

    def names(self) -> tuple[frozenset[str], ...]:
        """For each member, the spellings an article may match it by: as written, and as a path."""
        return tuple(
            frozenset({member, os.path.normpath(member), _absolute(member, self.base)})
            for member in self.members
        )


def parse_allow(raw: object, *, source: str, base: str) -> tuple[AllowEntry, ...]:
    """Read the ``allow`` array of a config file; ``source`` names the file in error messages.

    >>> entries = parse_allow([{"pair": ["a.md", "b.md"], "reason": "syndicated"}], source="x", base=".")
    >>> entries[0].members
    ('a.md', 'b.md')
    """
    if not isinstance(raw, list):
        raise SettingsError(f"{source}: 'allow' must be an array of tables ([[allow]] entries)")
    return tuple(_entry(item, f"{source}, allow entry {number}", base) for number, item in enumerate(raw, 1))


def _entry(item: object, origin: str, base: str) -> AllowEntry:
    if not isinstance(item, Mapping):
        raise SettingsError(f"{origin}: must be a table with 'pair' or 'group' and 'reason'")
    unknown = sorted(set(item) - _FIELDS)
    if unknown:
        raise SettingsError(f"{origin}: unknown key '{unknown[0]}'; use pair or group, reason, expires")
    if ("pair" in item) == ("group" in item):
        raise SettingsError(f"{origin}: give exactly one of 'pair' (two articles) or 'group' (two or more)")
    key = "pair" if "pair" in item else "group"
    members = item[key]
    if (
        not isinstance(members, Sequence)
        or isinstance(members, str)
        or not all(isinstance(member, str) and member for member in members)
    ):
        raise SettingsError(f"{origin}: '{key}' must be a list of article ids or paths")
    if (key == "pair" and len(members) != 2) or len(members) < 2:
        wanted = "exactly two" if key == "pair" else "at least two"
        raise SettingsError(f"{origin}: '{key}' must name {wanted} articles, got {len(members)}")
    reason = item.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise SettingsError(f"{origin}: 'reason' is required: say why these articles may resemble each other")
    return AllowEntry(tuple(members), reason.strip(), _expiry(item.get("expires"), origin), base, origin)


def _expiry(value: object, origin: str) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise SettingsError(f"{origin}: 'expires' must be a date such as 2027-01-31, got {value!r}")


def article_names(document: Document) -> frozenset[str]:
    """The names an allow entry may use for a document: its id, its source and the source's full path."""
    source = document.article.source
    names = {document.id}
    if source:
        names |= {source, os.path.normpath(source), _absolute(source, ".")}
    return frozenset(names)


def allowing(
    entries: Sequence[AllowEntry], a: frozenset[str], b: frozenset[str], today: datetime.date
) -> AllowEntry | None:
    """The first unexpired entry naming both articles (each given by its :func:`article_names`)."""
    for entry in entries:
        if entry.expired(today):
            continue
        names = entry.names()
        for first, spellings in enumerate(names):
            if spellings & a and any(other & b for second, other in enumerate(names) if second != first):
                return entry
    return None


def _absolute(path: str, base: str) -> str:
    return os.path.normpath(os.path.join(os.path.abspath(base), path))
