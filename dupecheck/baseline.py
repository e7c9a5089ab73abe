"""Baselines: the pairs a team has accepted, keyed by content fingerprints, as deterministic JSON.

A check fails only on pairs that are not in the baseline. Entries name each article by the
fingerprint of its content (:mod:`dupecheck.fingerprint`), so renaming a file or changing its
whitespace keeps the pair accepted; the ids and sources are there for the people reading it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dupecheck.errors import InputError

SCHEMA = "dupecheck.baseline/1"
"""Layout of a baseline file; a change that breaks readers bumps its number."""


@dataclass(frozen=True, slots=True, order=True)
class BaselineArticle:
    """One side of an accepted pair: its fingerprint, and its id and source when it was accepted."""

    fingerprint: str
    id: str
    source: str = ""


@dataclass(frozen=True, slots=True, order=True)
class BaselineEntry:
    """An accepted pair, its articles ordered by fingerprint so each pair has one spelling."""

    a: BaselineArticle
    b: BaselineArticle
    relation: str

    @property
    def key(self) -> tuple[str, str]:
        """The fingerprints of the two articles, in order: what a check matches pairs on."""
        return (self.a.fingerprint, self.b.fingerprint)


def entry(first: BaselineArticle, second: BaselineArticle, relation: str) -> BaselineEntry:
    """The entry for a pair, whichever way round its articles are given.

    >>> x, y = BaselineArticle("sha256:2", "x.md"), BaselineArticle("sha256:1", "y.md")
    >>> entry(x, y, "rewrite").key
    ('sha256:1', 'sha256:2')
    """
    a, b = sorted((first, second), key=lambda article: (article.fingerprint, article.id))
    return BaselineEntry(a, b, relation)


def pair_key(first: str, second: str) -> tuple[str, str]:
    """The key of a pair of fingerprints, whichever way round they are given."""
    return (first, second) if first <= second else (second, first)


@dataclass(frozen=True, slots=True)
class Baseline:
    """The accepted pairs, one entry per pair of fingerprints, sorted."""

    entries: tuple[BaselineEntry, ...] = ()

    @classmethod
    def of(cls, entries: Iterable[BaselineEntry]) -> Baseline:
        """A baseline of ``entries``, sorted, keeping the first entry of each pair of fingerprints."""
        unique: dict[tuple[str, str], BaselineEntry] = {}
        for item in sorted(entries):
            unique.setdefault(item.key, item)
        return cls(tuple(unique.values()))

    def keys(self) -> frozenset[tuple[str, str]]:
        """The fingerprint pairs accepted."""
        return frozenset(item.key for item in self.entries)


def dumps(baseline: Baseline) -> str:
    """The baseline as JSON: sorted keys, pairs sorted by fingerprint, no timestamps.

    >>> print(dumps(Baseline()), end="")
    {
      "pairs": [],
      "schema": "dupecheck.baseline/1"
    }
    """
    data = {
        "schema": SCHEMA,
        "pairs": [
            {"a": _article(item.a), "b": _article(item.b), "relation": item.relation}
            for item in baseline.entries
        ],
    }
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def loads(text: str, source: str = "baseline") -> Baseline:
    """Read a baseline written by :func:`dumps`; anything else is an :class:`InputError` naming ``source``."""
    hint = "write it with `dupecheck baseline update PATH... --baseline FILE`"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{source}:{error.lineno}: not valid JSON ({error.msg}); {hint}") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        found = data.get("schema") if isinstance(data, dict) else None
        raise InputError(f"{source}: not a {SCHEMA} file (schema {found!r}); {hint}")
    pairs = data.get("pairs")
    if not isinstance(pairs, list):
        raise InputError(f"{source}: 'pairs' must be a list; {hint}")
    entries = []
    for number, item in enumerate(pairs, 1):
        try:
            entries.append(entry(_read_article(item["a"]), _read_article(item["b"]), str(item["relation"])))
        except (KeyError, TypeError, ValueError):
            raise InputError(f"{source}: pair {number} is malformed; {hint}") from None
    return Baseline.of(entries)


def read_baseline(path: Path) -> Baseline:
    """Read the baseline file at ``path``; a missing or unreadable file is an :class:`InputError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            f"{path}: no such baseline; create it with `dupecheck baseline update PATH... --baseline {path}`"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the baseline ({error})") from None
    return loads(text, path.as_posix())


def _article(article: BaselineArticle) -> dict[str, str]:
    return {"fingerprint": article.fingerprint, "id": article.id, "source": article.source}


def _read_article(raw: Any) -> BaselineArticle:
    if not isinstance(raw, dict) or not isinstance(raw["fingerprint"], str) or not raw["fingerprint"]:
        raise ValueError("an article needs a fingerprint")
    return BaselineArticle(raw["fingerprint"], str(raw.get("id", "")), str(raw.get("source", "")))
