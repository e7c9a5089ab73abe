"""Golden files for the CI and review reporters: each one's rendering of the samples, byte for byte.

After an intended change, regenerate them with ``DUPECHECK_UPDATE_GOLDEN=1 make test``
and review the diff like code.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from paths import ROOT

from dupecheck.core import compare, find_duplicates
from dupecheck.load import load_paths
from dupecheck.model import CompareReport, ScanReport
from dupecheck.reporters import REPORTERS, get_reporter

GOLDEN = Path(__file__).parent / "data" / "reporters"
EXTENSIONS = {"sarif": "sarif", "github": "txt", "junit": "xml", "markdown": "md", "html": "html"}
REPORTS = ("scan-samples", "compare-wire-rewrite")


def _report(name: str) -> ScanReport | CompareReport:
    if name == "scan-samples":
        loaded = load_paths(["samples"])
        return find_duplicates(loaded.articles, skipped=loaded.skipped)
    wire = load_paths(["samples/wire-flood-barrier.txt"]).articles[0]
    rewrite = load_paths(["samples/flood-barrier-rewrite.txt"]).articles[0]
    return compare(wire, rewrite)


def test_registry_knows_every_reporter() -> None:
    assert set(EXTENSIONS) <= set(REPORTERS)
    for name in EXTENSIONS:
        assert get_reporter(name) is REPORTERS[name]


@pytest.mark.parametrize("report_name", REPORTS)
@pytest.mark.parametrize("reporter", sorted(EXTENSIONS))
def test_reporter_matches_golden_file(
    reporter: str, report_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # sources, and so file paths in the reports, are relative to the repository
    out = io.StringIO()
    get_reporter(reporter)(_report(report_name), out, color=False)
    golden = GOLDEN / f"{report_name}.{EXTENSIONS[reporter]}"
    if os.environ.get("DUPECHECK_UPDATE_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        golden.write_text(out.getvalue(), encoding="utf-8", newline="")
    assert out.getvalue() == golden.read_bytes().decode("utf-8")


@pytest.mark.parametrize("reporter", sorted(EXTENSIONS))
def test_reporter_output_does_not_depend_on_color(reporter: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    report = _report("compare-wire-rewrite")
    plain, colored = io.StringIO(), io.StringIO()
    get_reporter(reporter)(report, plain, color=False)
    get_reporter(reporter)(report, colored, color=True)
    assert plain.getvalue() == colored.getvalue()
    assert "\x1b[" not in plain.getvalue()
