"""Read articles from files and folders: .txt and .md files, and JSON Lines."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from dupecheck.errors import InputError
from dupecheck.model import Article, Skipped

TEXT_SUFFIXES = frozenset({".txt", ".md"})
JSONL_SUFFIXES = frozenset({".jsonl"})


@dataclass(frozen=True, slots=True)
class Loaded:
    """The articles read, in a stable order, and the inputs that could not be read."""

    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...]
    files: int


def _files_under(
    root: Path, qualify: bool, exclude: Callable[[Path], bool] | None = None
) -> list[tuple[Path, str]]:
    """Supported files below ``root`` with their ids, sorted so every run reads the same order.

    Ids are relative to ``root``; with ``qualify`` (several paths given) they start
    with ``root`` too, so two folders holding the same file names cannot clash.
    """
    if root.is_file():
        return [(root, root.as_posix())]
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and not (exclude and exclude(Path(folder) / d))
        )
        for name in names:
            path = Path(folder) / name
            if exclude and exclude(path):
                continue
            if path.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES and not name.startswith("."):
                relative = path.relative_to(root)
                found.append((path, (root / relative if qualify else relative).as_posix()))
    return sorted(found, key=lambda item: item[1])


def _decode(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"{source}: not valid UTF-8 (byte {error.start}); save the file as UTF-8") from error


def _jsonl_articles(path: Path, text: str, id_field: str, text_field: str) -> Iterator[Article | Skipped]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        source = f"{path.as_posix()}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield Skipped(path.as_posix(), f"not valid JSON ({error.msg})", number)
            continue
        if not isinstance(record, dict):
            yield Skipped(path.as_posix(), "line is not a JSON object", number)
            continue
        body = record.get(text_field)
        if not isinstance(body, str):
            yield Skipped(path.as_posix(), f"no string field '{text_field}' (set --text-field)", number)
            continue
        if not body.strip():
            yield Skipped(path.as_posix(), "empty text", number)
            continue
        identifier = record.get(id_field)
        yield Article(str(identifier) if identifier is not None else source, body, source)


def load_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    id_field: str = "id",
    text_field: str = "text",
    exclude: Callable[[Path], bool] | None = None,
) -> Loaded:
    """Read every supported file under ``paths``; unreadable inputs are listed, never dropped silently.

    Ids are paths relative to the folder given (or the path as given, for a file),
    and the ``id_field`` of each JSON Lines record. ``exclude`` skips files and
    folders found while walking a folder (ignore files); paths given are always read.
    """
    articles: list[Article] = []
    skipped: list[Skipped] = []
    files = 0
    for given in paths:
        root = Path(given)
        if not root.exists():
            raise InputError(f"{root}: no such file or folder")
        for path, identifier in _files_under(root, len(paths) > 1, exclude):
            files += 1
            try:
                text = _decode(path.read_bytes(), path.as_posix())
            except OSError as error:
                skipped.append(Skipped(path.as_posix(), f"cannot read: {error.strerror}"))
                continue
            except InputError as error:
                skipped.append(Skipped(path.as_posix(), str(error).split(": ", 1)[1]))
                continue
            if path.suffix.lower() in JSONL_SUFFIXES:
                for item in _jsonl_articles(path, text, id_field, text_field):
                    (articles if isinstance(item, Article) else skipped).append(item)  # type: ignore[arg-type]
            elif not text.strip():
                skipped.append(Skipped(path.as_posix(), "empty file"))
            else:
                articles.append(Article(identifier, text, path.as_posix()))
    return Loaded(tuple(articles), tuple(skipped), files)
