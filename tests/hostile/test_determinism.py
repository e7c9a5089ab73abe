"""The same inputs give the same bytes: across runs, hash seeds and file order on disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from paths import SAMPLES


def _scan_json(cwd: Path, hash_seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-m", "dupecheck", "scan", "samples", "--format", "json"],
        cwd=cwd,
        env=env,
        capture_output=True,
        check=True,
    )
    return done.stdout


def test_json_is_byte_identical_across_hash_seeds_and_file_creation_order(tmp_path: Path) -> None:
    forward, backward = tmp_path / "forward", tmp_path / "backward"
    files = sorted(SAMPLES.glob("*.txt"))
    for root, order in ((forward, files), (backward, files[::-1])):
        (root / "samples").mkdir(parents=True)
        for path in order:
            shutil.copyfile(path, root / "samples" / path.name)
    outputs = {
        _scan_json(forward, "0"),
        _scan_json(forward, "1"),
        _scan_json(forward, "4242"),
        _scan_json(backward, "7"),
    }
    assert len(outputs) == 1
    assert b'"schema": "dupecheck.scan/1"' in outputs.pop()
