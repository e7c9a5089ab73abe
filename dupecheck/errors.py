"""Errors raised by dupecheck, each mapped to an exit code by the CLI."""

from __future__ import annotations


class DupecheckError(Exception):
    """Base class for every error dupecheck raises on purpose."""


class SettingsError(DupecheckError, ValueError):
    """A setting is out of its allowed range or names something unknown."""


class InputError(DupecheckError):
    """An input path or file could not be read as articles."""
