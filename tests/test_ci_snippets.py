"""The README's CI snippets and the pre-commit hook, run as written against a small content repository."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from gate import FERRY, LIBRARY, REWRITE, WIRE, commit_all, write_articles
from paths import ROOT

from dupecheck.cli import EXIT_DUPLICATES, EXIT_ERROR, EXIT_OK

BIN = Path(sys.executable).parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## CI gate: dupecheck check", 1)[1].split("\n## ", 1)[0]
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", SECTION, flags=re.DOTALL)


def _lines(language: str, pattern: str) -> list[str]:
    found = [
        match.group(1)
        for kind, block in BLOCKS
        if kind == language
        for match in re.finditer(pattern, block, flags=re.MULTILINE)
    ]
    assert found, f"no {pattern!r} in the {language} blocks of the README's CI section"
    return found


GITHUB_COMMAND = _lines("yaml", r"^\s*- run: (dupecheck check .*)$")[0]
GITLAB_COMMAND = _lines("yaml", r"^\s*- (dupecheck check .*\$CI_MERGE_REQUEST_DIFF_BASE_SHA.*)$")[0]
BASELINE_COMMAND = _lines("sh", r"^(dupecheck baseline update \S+ --baseline \S+)")[0]


def _run(command: str, repo: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` with bash in ``repo``, as a CI job's shell would, with this venv's dupecheck."""
    assert (BIN / "dupecheck").exists(), f"dupecheck is not installed beside {sys.executable}"
    clean = {key: value for key, value in os.environ.items() if key not in {"GITHUB_ACTIONS", "NO_COLOR"}}
    clean["PATH"] = f"{BIN}{os.pathsep}{clean.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-c", command], cwd=repo, env={**clean, **env}, capture_output=True, text=True, check=False
    )


@pytest.fixture
def content_repo(tmp_path: Path) -> tuple[Path, str]:
    """Articles and an (empty) accepted baseline in a first commit, a rewrite of one of them in a second."""
    write_articles(tmp_path / "content", WIRE, FERRY, LIBRARY)
    made = _run(BASELINE_COMMAND, tmp_path)
    assert made.returncode == EXIT_OK, made.stdout + made.stderr
    base = commit_all(tmp_path, "articles")
    write_articles(tmp_path / "content", REWRITE)
    commit_all(tmp_path, "a rewritten wire story")
    return tmp_path, base


def test_github_actions_snippet(content_repo: tuple[Path, str]) -> None:
    repo, base = content_repo
    # GitHub fills in ${{ ... }} expressions before the shell sees the line.
    command = re.sub(r"\$\{\{\s*github\.event\.pull_request\.base\.sha\s*\}\}", base, GITHUB_COMMAND)
    assert "${{" not in command
    failed = _run(command, repo)
    assert failed.returncode == EXIT_DUPLICATES, failed.stdout + failed.stderr
    assert f"NEW       rewrite    {REWRITE} ↔ {WIRE}" in failed.stdout

    accepted = _run(BASELINE_COMMAND, repo)
    assert accepted.returncode == EXIT_OK, accepted.stdout + accepted.stderr
    passed = _run(command, repo)
    assert passed.returncode == EXIT_OK, passed.stdout + passed.stderr
    assert f"ACCEPTED  rewrite    {REWRITE} ↔ {WIRE}" in passed.stdout


def test_gitlab_ci_snippet(content_repo: tuple[Path, str]) -> None:
    repo, base = content_repo
    failed = _run(GITLAB_COMMAND, repo, CI_MERGE_REQUEST_DIFF_BASE_SHA=base)
    assert failed.returncode == EXIT_DUPLICATES, failed.stdout + failed.stderr
    report = json.loads((repo / "dupecheck.json").read_text(encoding="utf-8"))
    assert [(f["a"], f["b"]) for f in report["check"]["new"]] == [(REWRITE, WIRE)]

    accepted = _run(BASELINE_COMMAND, repo)
    assert accepted.returncode == EXIT_OK, accepted.stdout + accepted.stderr
    passed = _run(GITLAB_COMMAND, repo, CI_MERGE_REQUEST_DIFF_BASE_SHA=base)
    assert passed.returncode == EXIT_OK, passed.stdout + passed.stderr
    report = json.loads((repo / "dupecheck.json").read_text(encoding="utf-8"))
    assert report["check"]["new"] == [] and len(report["check"]["accepted"]) == 1


def test_pre_commit_hook(tmp_path: Path) -> None:
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    fields = dict(re.findall(r"^\s*-?\s*(\w+): (.+)$", hooks, flags=re.MULTILINE))
    assert fields["id"] == "dupecheck"
    assert fields["entry"] == "dupecheck check"
    assert fields["language"] == "python"
    assert fields["types"] == "[text]"
    assert fields["files"] == r"\.(txt|md|jsonl)$"
    arguments = json.loads(fields["args"])

    write_articles(tmp_path / "content", WIRE, FERRY, LIBRARY)
    commit_all(tmp_path, "articles")
    command = " ".join([fields["entry"], *arguments])
    assert _run(command, tmp_path).returncode == EXIT_OK
    write_articles(tmp_path / "content", REWRITE)  # about to be committed
    failed = _run(command, tmp_path)
    assert failed.returncode == EXIT_DUPLICATES, failed.stdout + failed.stderr


def test_the_readme_documents_the_exit_codes() -> None:
    for code in (EXIT_OK, EXIT_DUPLICATES, EXIT_ERROR):
        assert f"| `{code}` |" in SECTION
