"""Reporters: render a report to a text stream, each looked up by name.

Every reporter has the same signature, so the CLI (or a caller) only picks a name:

>>> sorted(REPORTERS)
['console', 'github', 'html', 'json', 'junit', 'markdown', 'sarif']
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Protocol, TextIO

from dupecheck.errors import SettingsError
from dupecheck.model import CompareReport, ScanReport
from dupecheck.reporters import console, github, html, json, junit, markdown, sarif


class Reporter(Protocol):
    """Write ``report`` to ``out``; ``color`` says whether terminal styling is wanted."""

    def __call__(self, report: ScanReport | CompareReport, out: TextIO, *, color: bool) -> None:
        """Render ``report`` to ``out``."""


REPORTERS: Mapping[str, Reporter] = MappingProxyType(
    {
        "console": console.render,
        "json": json.render,
        "sarif": sarif.render,
        "github": github.render,
        "junit": junit.render,
        "markdown": markdown.render,
        "html": html.render,
    }
)


def get_reporter(name: str) -> Reporter:
    """Return the reporter called ``name``; an unknown name is a :class:`SettingsError` listing the choices.

    >>> get_reporter("yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dupecheck.errors.SettingsError: unknown format 'yaml'; choose one of: console, github, html, json, ...
    """
    try:
        return REPORTERS[name]
    except KeyError:
        choices = ", ".join(sorted(REPORTERS))
        raise SettingsError(f"unknown format '{name}'; choose one of: {choices}") from None
