"""Helpers for the CI gate tests: content folders made from the samples, and throwaway git repositories."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from paths import SAMPLES

WIRE = "wire-flood-barrier.txt"
REWRITE = "flood-barrier-rewrite.txt"
"""A thorough rewrite of WIRE: the two are a `rewrite` pair."""
FERRY = "ferry-strike.txt"
LIBRARY = "library-reopens.txt"
"""FERRY and LIBRARY are unrelated to each other and to the flood barrier stories."""

_GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Desk",
    "GIT_AUTHOR_EMAIL": "desk@example.org",
    "GIT_COMMITTER_NAME": "Test Desk",
    "GIT_COMMITTER_EMAIL": "desk@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def write_articles(folder: Path, *names: str) -> Path:
    """Copy the named samples into ``folder`` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(sample(name), encoding="utf-8")
    return folder


def git(repo: Path, *arguments: str) -> str:
    completed = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *arguments],
        cwd=repo,
        env={**os.environ, **_GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.strip()


def commit_all(repo: Path, message: str) -> str:
    """Commit everything in ``repo`` (initialised on first use); return the commit's hash."""
    if not (repo / ".git").exists():
        git(repo, "init", "--quiet")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", message)
    return git(repo, "rev-parse", "HEAD")
