from __future__ import annotations

from pathlib import Path

import pytest
from gate import commit_all, git

from dupecheck.changes import changed_since, read_file_list
from dupecheck.errors import InputError


def test_added_modified_and_untracked_files_since_a_commit(tmp_path: Path) -> None:
    for name in ("kept.md", "edited.md", "deleted.md", "moved.md"):
        (tmp_path / name).write_text(f"{name}\n", encoding="utf-8")
    first = commit_all(tmp_path, "first")
    (tmp_path / "edited.md").write_text("changed\n", encoding="utf-8")
    (tmp_path / "deleted.md").unlink()
    git(tmp_path, "mv", "moved.md", "new home.md")
    (tmp_path / "added.md").write_text("added\n", encoding="utf-8")
    commit_all(tmp_path, "second")
    (tmp_path / "untracked.md").write_text("untracked\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("ignored.md\n", encoding="utf-8")
    (tmp_path / "ignored.md").write_text("ignored\n", encoding="utf-8")

    changed = changed_since(first, [tmp_path])
    assert [path.name for path in changed] == [
        ".gitignore",
        "added.md",
        "edited.md",
        "new home.md",
        "untracked.md",
    ]
    assert all(path.is_absolute() for path in changed)


def test_refs_that_look_like_options_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a git revision"):
        changed_since("--output=x", [tmp_path])


def test_read_file_list_skips_blank_lines() -> None:
    assert read_file_list(["a.md", "  ", "b.md "], base="news") == (Path("news/a.md"), Path("news/b.md"))
