"""Read articles from files and folders: .txt and .md files, saved web pages, and JSON Lines.

Nothing is dropped silently: every input that cannot be read (a missing path, an
empty or binary file, a file too large, a malformed JSON line, a repeated id) is
returned as a :class:`~dupecheck.model.Skipped` with what was wrong and what to do.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import charset_normalizer

from dupecheck.errors import InputError
from dupecheck.extract import article_text
from dupecheck.model import Article, Skipped

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
MAX_BYTES = 16 * 2**20
"""Largest article (a text file or one JSON line) read by default: bounded memory."""
_SNIFF = 8192
_JSON_KINDS = {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "an object"}


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
            if name.startswith(".") or path.suffix.lower() not in SUFFIXES:
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


def _guess(raw: bytes) -> charset_normalizer.CharsetMatch | None:
    """charset-normalizer's best guess; among equally good ones, Windows-1252.

    Short texts often fit several single-byte encodings equally well; Windows-1252
    (a superset of printable Latin-1) is what most Western newsroom systems wrote.
    """
    matches = list(charset_normalizer.from_bytes(raw))
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        tied = (match.chaos, match.coherence) == (best.chaos, best.coherence)
        if tied and "cp1252" in match.could_be_from_charset:
            return match
    return best


def _decode(raw: bytes) -> str:
    """The text of ``raw``, or raise ValueError saying why it is not text.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as they say; anything
    else is decoded in the encoding charset-normalizer finds most likely (a
    Windows-1252 or Latin-1 file, say), never byte by byte into mojibake.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    if b"\x00" in raw[:_SNIFF]:
        guess = _guess(raw)
        if guess is None or not guess.encoding.startswith("utf_16"):
            raise ValueError("binary file (NUL bytes), not text; leave it out of the scan")
        return str(guess)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        guess = _guess(raw)
        if guess is None:
            raise ValueError("not text in any encoding found; leave it out of the scan") from None
        return str(guess)


def _read_text(path: Path, max_bytes: int) -> str:
    """A text file's content, or raise ValueError/OSError saying why it cannot be read."""
    with path.open("rb") as handle:
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ValueError(f"larger than {max_bytes:,} bytes; split it, or raise the limit (--max-bytes)")
    if path.suffix.lower() in HTML_SUFFIXES:
        text = article_text(raw)
        if not text:
            raise ValueError("no article text found in the page (or it is nested too deeply to parse)")
        return text
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
                kind = _JSON_KINDS.get(type(body), "not text")
                found = "missing" if body is None else f"{kind}, not a string"
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


def describe(skipped: Skipped) -> str:
    """One line naming a skipped input: where, and why."""
    place = f"{skipped.source}:{skipped.line}" if skipped.line is not None else skipped.source
    return f"{place}: {skipped.reason}"


def require_articles(
    loaded: Loaded, paths: Sequence[str | os.PathLike[str]], *, strict: bool = False
) -> Loaded:
    """``loaded`` itself; an :class:`InputError` if it read nothing (or, ``strict``, skipped anything).

    A scan or check that read no article must not pass silently, and in strict mode
    every input has to be readable.
    """
    shown = "; ".join(describe(s) for s in loaded.skipped[:3])
    more = f"; and {len(loaded.skipped) - 3} more" if len(loaded.skipped) > 3 else ""
    if strict and loaded.skipped:
        raise InputError(f"{len(loaded.skipped)} input(s) could not be read (--strict): {shown}{more}")
    if not loaded.articles:
        where = ", ".join(os.fspath(path) for path in paths)
        files = f"{loaded.files} file{'s' if loaded.files != 1 else ''} found"
        why = f"; {shown}{more}" if shown else ""
        raise InputError(f"no articles read from {where} ({files}){why}")
    return loaded
