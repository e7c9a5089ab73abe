"""Golden files: the JSON reports of the samples, byte for byte.

After an intended change of behaviour, regenerate them with
``DUPECHECK_UPDATE_GOLDEN=1 make test`` and review the diff like code.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from paths import ROOT
from typer.testing import CliRunner

from dupecheck.cli import app

DATA = Path(__file__).parent / "data"
CASES = {
    "scan-samples.json": ["scan", "samples", "--format", "json"],
    "compare-wire-rewrite.json": [
        "compare",
        "samples/wire-flood-barrier.txt",
        "samples/flood-barrier-rewrite.txt",
        "--format",
        "json",
    ],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_report_matches_golden_file(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, CASES[name])
    assert result.exit_code == 0, result.output
    golden = DATA / name
    if os.environ.get("DUPECHECK_UPDATE_GOLDEN"):
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")
