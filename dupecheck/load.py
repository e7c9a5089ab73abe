"""Read articles from files and folders: .txt and .md files, and JSON Lines.

Nothing is dropped silently: every input that cannot be read (a missing path, an
empty or binary file, a file too large, a malformed JSON line, a repeated id) is
returned as a :class:`~dupecheck.model.Skipped` with what was wrong and what to do.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dupecheck.model import Article, Skipped

TEXT_SUFFIXES = frozenset({".txt", ".md"})
JSONL_SUFFIXES = frozenset({".jsonl"})
MAX_BYTES = 16 * 2**20
"""Largest article (a text file or one JSON line) read by default: bounded memory."""
_SNIFF = 8192


@dataclass(frozen=True, slots=True)
class Loaded:
    """The articles read, in a stable order, and the inputs that could not be read."""

    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...]
    files: int


def _walk(
    root: Path, qualify: bool, exclude: Callable[[Path], bool] | None, skipped: list[Skipped]
) -> list[tuple[Path, str]]:
    """Supported files below ``root`` with their ids, sorted so every run reads the same order.

    Ids are relative to ``root``; with ``qualify`` (several paths given) they start
    with ``root`` too, so two folders holding the same file names cannot clash.
    Linked folders are not followed, so a link loop cannot trap the walk.
    """

    def unreadable(error: OSError) -> None:
        skipped.append(
            Skipped(Path(error.filename or root).as_posix(), f"cannot read folder: {error.strerror}")
        )

    found = []
    for folder, dirs, names in os.walk(root, onerror=unreadable):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and not (exclude and exclude(Path(folder) / d))
        )
        for name in names:
            path = Path(folder) / name
            if name.startswith(".") or path.suffix.lower() not in TEXT_SUFFIXES | JSONL_SUFFIXES:
                continue
            if exclude and exclude(path):
                continue
            relative = path.relative_to(root)
            found.append((path, (root / relative if qualify else relative).as_posix()))
    return sorted(found, key=lambda item: item[1])


def _missing(root: Path) -> Skipped:
    """Why a given path cannot be read at all."""
    try:
        root.stat()
    except OSError as error:
        if error.errno == errno.ELOOP:
            return Skipped(root.as_posix(), "symbolic link loop; point the link at a real file or folder")
        if root.is_symlink():
            return Skipped(root.as_posix(), "broken symbolic link; its target does not exist")
        return Skipped(root.as_posix(), f"{error.strerror or 'cannot read'}; check the path")
    return Skipped(root.as_posix(), "not a file or folder")


def _decode(raw: bytes) -> str:
    """The text of ``raw``, or raise ValueError saying why it is not text."""
    if b"\x00" in raw[:_SNIFF]:
        raise ValueError("binary file (NUL bytes), not text; leave it out of the scan")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"not valid UTF-8 (byte {error.start}); save the file as UTF-8") from error


def _read_text(path: Path, max_bytes: int) -> str:
    """A text file's content, or raise ValueError/OSError saying why it cannot be read."""
    with path.open("rb") as handle:
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ValueError(f"larger than {max_bytes:,} bytes; split it, or raise the limit (--max-bytes)")
    return _decode(raw)


def _lines(handle: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """Numbered lines of a file, each read with bounded memory; ``None`` for an over-long line."""
    number = 0
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := handle.readline(2**20)) and not rest.endswith(b"\n"):
                pass
            yield number, None
        else:
            yield number, line


def _jsonl_articles(
    path: Path, id_field: str, text_field: str, max_bytes: int
) -> Iterator[Article | Skipped]:
    source = path.as_posix()
    with path.open("rb") as handle:
        for number, raw in _lines(handle, max_bytes):
            if raw is None:
                yield Skipped(
                    source, f"line longer than {max_bytes:,} bytes; raise the limit (--max-bytes)", number
                )
                continue
            try:
                line = _decode(raw)
            except ValueError as error:
                yield Skipped(source, str(error), number)
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                yield Skipped(source, f"not valid JSON ({error.msg}, column {error.colno})", number)
                continue
            if not isinstance(record, dict):
                yield Skipped(source, "line is not a JSON object", number)
                continue
            body = record.get(text_field)
            if not isinstance(body, str):
                found = "missing" if body is None else f"a {type(body).__name__}, not a string"
                yield Skipped(source, f"field '{text_field}' is {found} (set --text-field)", number)
                continue
            if not body.strip():
                yield Skipped(source, "empty text", number)
                continue
            identifier = record.get(id_field)
            yield Article(
                str(identifier) if identifier is not None else f"{source}:{number}",
                body,
                f"{source}:{number}",
            )


def _read_file(
    path: Path, identifier: str, id_field: str, text_field: str, max_bytes: int
) -> Iterator[Article | Skipped]:
    try:
        if path.suffix.lower() in JSONL_SUFFIXES:
            yield from _jsonl_articles(path, id_field, text_field, max_bytes)
            return
        text = _read_text(path, max_bytes)
    except OSError as error:
        yield Skipped(path.as_posix(), f"cannot read: {error.strerror or error}")
        return
    except ValueError as error:
        yield Skipped(path.as_posix(), str(error))
        return
    if not text.strip():
        yield Skipped(path.as_posix(), "empty file")
    else:
        yield Article(identifier, text, path.as_posix())


def _place(article: Article) -> tuple[str, int | None]:
    """The file and line (for JSON Lines) an article was read from."""
    path, _, line = article.source.rpartition(":")
    return (path, int(line)) if path and line.isdigit() else (article.source, None)


def load_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    id_field: str = "id",
    text_field: str = "text",
    exclude: Callable[[Path], bool] | None = None,
    max_bytes: int = MAX_BYTES,
) -> Loaded:
    """Read every supported file under ``paths``; what cannot be read is listed, never dropped silently.

    Ids are paths relative to the folder given (or the path as given, for a file),
    and the ``id_field`` of each JSON Lines record; a repeated id is skipped with
    the place it was first read. ``exclude`` skips files and folders found while
    walking a folder (ignore files); paths given are always read. No article
    larger than ``max_bytes`` is read into memory.
    """
    articles: list[Article] = []
    skipped: list[Skipped] = []
    first_seen: dict[str, str] = {}
    files = 0
    for given in paths:
        root = Path(given)
        if root.is_file():
            found = [(root, root.as_posix())]
        elif root.is_dir():
            found = _walk(root, len(paths) > 1, exclude, skipped)
        else:
            skipped.append(_missing(root))
            continue
        for path, identifier in found:
            files += 1
            for item in _read_file(path, identifier, id_field, text_field, max_bytes):
                if isinstance(item, Skipped):
                    skipped.append(item)
                elif item.id in first_seen:
                    reason = f"duplicate id '{item.id}' (first read from {first_seen[item.id]})"
                    source, line = _place(item)
                    skipped.append(Skipped(source, f"{reason}; give each article its own id", line))
                else:
                    first_seen[item.id] = item.source
                    articles.append(item)
    return Loaded(tuple(articles), tuple(skipped), files)
