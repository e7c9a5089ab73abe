"""dupecheck: find near-duplicate news articles, wire stories and their rewrites."""

from __future__ import annotations

from dupecheck.core import compare, find_duplicates
from dupecheck.errors import DupecheckError, InputError, SettingsError
from dupecheck.model import Article, CompareReport, PairResult, Relation, ScanReport
from dupecheck.settings import Settings

__version__ = "0.1.0"

__all__ = [
    "Article",
    "CompareReport",
    "DupecheckError",
    "InputError",
    "PairResult",
    "Relation",
    "ScanReport",
    "Settings",
    "SettingsError",
    "__version__",
    "compare",
    "find_duplicates",
]
