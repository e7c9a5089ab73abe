"""Which files changed: since a git commit, or as listed one per line (``--files-from``)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from dupecheck.errors import InputError


def changed_since(ref: str, paths: Sequence[str | os.PathLike[str]]) -> tuple[Path, ...]:
    """Files added or modified since commit ``ref`` in the repositories holding ``paths``, and untracked ones.

    Runs ``git diff --name-only --diff-filter=AM REF`` (with renames shown as additions, so a
    moved article counts as changed) and ``git ls-files --others --exclude-standard`` at the top
    of each repository; returns absolute paths, sorted.
    """
    if not ref or ref.startswith("-"):
        raise InputError(f"--changed-since: {ref!r} is not a git revision")
    # A missing path is the loader's to report; it has no repository to ask.
    tops = sorted({_toplevel(Path(path)) for path in paths if Path(path).exists()})
    changed: set[Path] = set()
    for top in tops:
        listed = _git(
            top, "diff", "--name-only", "-z", "--no-renames", "--diff-filter=AM", ref, "--", ref=ref
        )
        untracked = _git(top, "ls-files", "-z", "--others", "--exclude-standard")
        changed.update(top / name for name in (*listed.split("\0"), *untracked.split("\0")) if name)
    return tuple(sorted(changed))


def read_file_list(lines: Iterable[str], *, base: str | os.PathLike[str] = ".") -> tuple[Path, ...]:
    """The paths listed one per line (blank lines skipped), relative ones taken from ``base``.

    >>> [path.name for path in read_file_list(["a.md", "", "  news/b.md  "], base="/x")]
    ['a.md', 'b.md']
    """
    return tuple(Path(base, line.strip()) for line in lines if line.strip())


def changed_files(
    paths: Sequence[str | os.PathLike[str]], *, since: str | None, files_from: str | None, stdin: TextIO
) -> tuple[Path, ...] | None:
    """The files changed since commit ``since`` and those listed in ``files_from`` (``-``: ``stdin``).

    None when neither is given: the whole of ``paths`` is to be checked.
    """
    if since is None and files_from is None:
        return None
    changed: list[Path] = []
    if since is not None:
        changed.extend(changed_since(since, paths))
    if files_from == "-":
        changed.extend(read_file_list(stdin.read().splitlines()))
    elif files_from is not None:
        try:
            listed = Path(files_from).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"{files_from}: cannot read the list of files ({error})") from None
        changed.extend(read_file_list(listed.splitlines()))
    return tuple(changed)


def _toplevel(path: Path) -> Path:
    folder = path if path.is_dir() else path.parent
    output = _git(folder, "rev-parse", "--show-toplevel")
    return Path(output.strip())


def _git(folder: Path, *arguments: str, ref: str | None = None) -> str:
    """Run git in ``folder``; a failure is an :class:`InputError` that says what git said."""
    try:
        completed = subprocess.run(
            ["git", *arguments],
            cwd=folder,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            check=False,
        )
    except FileNotFoundError:
        raise InputError("--changed-since needs git, and git was not found on PATH") from None
    except OSError as error:
        raise InputError(f"{folder}: cannot run git ({error.strerror})") from None
    if completed.returncode != 0:
        said = (completed.stderr.strip().splitlines() or ["no message"])[0]
        if ref is not None:
            raise InputError(
                f"--changed-since {ref}: git cannot compare with it in {folder} ({said}); "
                "in CI, fetch enough history to hold that commit (for example fetch-depth: 0)"
            )
        raise InputError(f"{folder}: not in a git repository, so --changed-since cannot be used ({said})")
    return completed.stdout
