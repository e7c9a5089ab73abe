"""Ignore files: which files and folders a scan skips, in gitignore syntax (read by ``pathspec``).

``.dupecheckignore`` is read from the current folder and from each folder scanned; ``.gitignore``
files apply as git applies them, from the top of the repository (or the scanned folder, outside
one) down to each file. Later and deeper patterns win, and ``!pattern`` re-includes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pathspec

from dupecheck.errors import InputError

IGNORE_FILE = ".dupecheckignore"
GITIGNORE = ".gitignore"


@dataclass(frozen=True, slots=True)
class IgnoreFile:
    """The patterns of one ignore file and the folder they are relative to."""

    folder: Path
    path: Path
    spec: pathspec.GitIgnoreSpec


def read_ignore_file(path: Path) -> IgnoreFile | None:
    """The patterns in ``path``, or None when there is no such file."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the ignore file ({error})") from None
    return IgnoreFile(path.parent, path, pathspec.GitIgnoreSpec.from_lines(lines))


class Ignore:
    """A predicate for :func:`dupecheck.load.load_paths`: True for a file or folder to skip.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as root:
    ...     _ = (Path(root) / ".dupecheckignore").write_text("drafts/", encoding="utf-8")
    ...     ignore = Ignore([root], cwd=root)
    ...     ignore(Path(root) / "drafts" / "a.md"), ignore(Path(root) / "a.md")
    (True, False)
    """

    def __init__(
        self,
        roots: Sequence[str | os.PathLike[str]],
        *,
        cwd: str | os.PathLike[str] = ".",
        gitignore: bool = True,
    ) -> None:
        self._gitignore = gitignore
        folders = [_absolute(cwd), *(_absolute(root) for root in roots if Path(root).is_dir())]
        self._roots = tuple(dict.fromkeys(folders))
        self._files: dict[Path, IgnoreFile | None] = {}
        self._tops: dict[Path, Path | None] = {}
        self._by_folder: dict[str, tuple[IgnoreFile, ...]] = {}

    def __call__(self, path: str | os.PathLike[str]) -> bool:
        """True when the ignore files that apply to ``path`` exclude it."""
        absolute = os.path.abspath(path)
        folder_name = os.path.dirname(absolute)
        if folder_name not in self._by_folder:
            self._by_folder[folder_name] = tuple(self._applying(Path(folder_name)))
        applying = self._by_folder[folder_name]
        if not applying:
            return False
        target = Path(absolute)
        directory = target.is_dir()
        excluded = False
        for ignore_file in applying:
            relative = target.relative_to(ignore_file.folder).as_posix() + ("/" if directory else "")
            decision = ignore_file.spec.check_file(relative).include
            if decision is not None:
                excluded = decision
        return excluded

    def _applying(self, folder: Path) -> Iterable[IgnoreFile]:
        """The ignore files for entries of ``folder``, shallowest first, .gitignore before ours."""
        top = self._top(folder) if self._gitignore else None
        if top is None:
            top = next((root for root in self._roots if folder.is_relative_to(root)), folder)
        for current in (*reversed(folder.parents), folder):
            names = []
            if self._gitignore and current.is_relative_to(top):
                names.append(GITIGNORE)
            if current in self._roots:
                names.append(IGNORE_FILE)
            for name in names:
                ignore_file = self._read(current / name)
                if ignore_file is not None:
                    yield ignore_file

    def _read(self, path: Path) -> IgnoreFile | None:
        if path not in self._files:
            self._files[path] = read_ignore_file(path)
        return self._files[path]

    def _top(self, folder: Path) -> Path | None:
        """The top folder of the git work tree holding ``folder``, or None outside one."""
        if folder not in self._tops:
            self._tops[folder] = next(
                (candidate for candidate in (folder, *folder.parents) if (candidate / ".git").exists()), None
            )
        return self._tops[folder]


def _absolute(path: str | os.PathLike[str]) -> Path:
    return Path(os.path.abspath(path))
