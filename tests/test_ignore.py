from __future__ import annotations

from pathlib import Path

from gate import commit_all

from dupecheck.ignore import Ignore
from dupecheck.load import load_paths


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Story {name}: the council met and voted on the harbour plan.\n", encoding="utf-8")


def _ids(root: Path, **options: object) -> list[str]:
    ignore = Ignore([root], cwd=root, **options)  # type: ignore[arg-type]
    return [article.id for article in load_paths([root], exclude=ignore).articles]


def test_dupecheckignore_uses_gitignore_syntax(tmp_path: Path) -> None:
    _touch(tmp_path, "a.md", "drafts/b.md", "news/c.txt", "news/keep.txt", "news/deep/d.txt")
    (tmp_path / ".dupecheckignore").write_text(
        "# comments and blank lines are fine\n\ndrafts/\nnews/*.txt\n!news/keep.txt\n", encoding="utf-8"
    )
    assert _ids(tmp_path) == ["a.md", "news/deep/d.txt", "news/keep.txt"]


def test_nested_gitignore_files_apply_below_their_folder(tmp_path: Path) -> None:
    _touch(tmp_path, "a.md", "news/b.md", "news/old/c.md", "other/b.md")
    (tmp_path / ".gitignore").write_text("old/\n", encoding="utf-8")
    (tmp_path / "news" / ".gitignore").write_text("/b.md\n", encoding="utf-8")
    assert _ids(tmp_path) == ["a.md", "other/b.md"]
    assert _ids(tmp_path, gitignore=False) == ["a.md", "news/b.md", "news/old/c.md", "other/b.md"]


def test_gitignore_above_the_scanned_folder_applies_inside_a_repository(tmp_path: Path) -> None:
    _touch(tmp_path, "content/a.md", "content/private/b.md")
    (tmp_path / ".gitignore").write_text("private/\n", encoding="utf-8")
    commit_all(tmp_path, "content")
    content = tmp_path / "content"
    ignore = Ignore([content], cwd=content)
    assert [article.id for article in load_paths([content], exclude=ignore).articles] == ["a.md"]


def test_a_file_named_on_the_command_line_is_always_read(tmp_path: Path) -> None:
    _touch(tmp_path, "a.md")
    (tmp_path / ".dupecheckignore").write_text("*.md\n", encoding="utf-8")
    ignore = Ignore([tmp_path / "a.md"], cwd=tmp_path)
    assert ignore(tmp_path / "a.md")
    assert len(load_paths([tmp_path / "a.md"], exclude=ignore).articles) == 1
