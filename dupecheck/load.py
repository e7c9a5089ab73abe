"""Read articles from files and folders: text, Markdown, saved web pages, JSON Lines, JSON, CSV, Parquet.

The format is found from each file's extension (or forced with ``input_format``);
``-`` reads JSON Lines from standard input. Nothing is dropped silently: every
input that cannot be read (a missing path, an empty or binary file, a file too
large, a malformed record, a repeated id) is returned as a
:class:`~dupecheck.model.Skipped` with what was wrong and what to do.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import errno
import io
import itertools
import json
import os
import re
import stat
import sys
import tomllib
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import charset_normalizer
import yaml

from dupecheck.errors import InputError, SettingsError
from dupecheck.extract import page_content
from dupecheck.model import Article, Skipped

FORMATS = ("txt", "md", "html", "jsonl", "json", "csv", "parquet")
"""Input formats, each found from a file's extension or named with ``input_format``."""
_SUFFIX_FORMATS = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".parquet": "parquet",
}
SUFFIXES = frozenset(_SUFFIX_FORMATS)
STDIN = "-"
"""The path that reads JSON Lines from standard input."""
MAX_BYTES = 16 * 2**20
"""Largest article (a text file or one record) read by default: bounded memory."""
MAX_BYTES_LIMIT = 2**40
"""Largest ``max_bytes`` accepted (1 TiB): more than any one article or file read into memory."""
_FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\r?\n(.*?)^\1[ \t]*(\r?\n|\Z)", re.DOTALL | re.MULTILINE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""What ends a line, as reports count lines (:func:`dupecheck.reporters._location.line_starts`)."""
_PARQUET_BATCH = 256
_MAY_HOLD_BYTES = (bytes, bytearray, list, tuple, dict)
"""What a Parquet value read from a binary column, or a struct, list or map, is: text to read as UTF-8."""
_SNIFF = 8192
_UTF8_SHARE = 0.8
_JSON_KINDS = {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "an object"}
_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_LEADING = bytes(range(0xC0))
"""Every byte but those a non-ASCII character's UTF-8 starts with."""
_CSV_AHEAD = 32 * _SNIFF
"""Characters of lines read ahead, from a CSV file's first line that is not UTF-8, to tell its encoding."""
_FLAGGED = "dupecheck-flagged"
_FLAG = "\udfff"
_DOUBLE_QUOTES = 'double each quote inside a quoted field ("")'
_REGULAR_ONLY = "a folder is read for its regular files only (name a pipe on its own to read it)"
_TOO_DEEP = "nested too deeply to read (lists or objects hundreds of levels inside each other)"


@dataclass(frozen=True, slots=True)
class Fields:
    """Names of the record fields (JSON Lines, JSON, CSV, Parquet) that hold each part of an article.

    ``source`` names the field holding the outlet (the site or publication).
    """

    id: str = "id"
    text: str = "text"
    title: str = "title"
    date: str = "date"
    source: str = "source"
    url: str = "url"
    author: str = "author"

    @property
    def names(self) -> tuple[str, ...]:
        """Every field name, in the order above."""
        return (self.id, self.text, self.title, self.date, self.source, self.url, self.author)


@dataclass(frozen=True, slots=True)
class Loaded:
    """The articles read, in a stable order, and the inputs that could not be read."""

    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...]
    files: int


def _walk(
    root: Path, qualify: bool, exclude: Callable[[str], bool] | None, skipped: list[Skipped]
) -> list[tuple[str, str, str]]:
    """Supported files below ``root`` as ``(path, source, id)``, sorted by id: every run reads one order.

    ``path`` opens the file and ``source`` is it written with forward slashes, as
    ``Path.as_posix`` gives it. Ids are relative to ``root``; with ``qualify`` (several
    paths given) they start with ``root`` too, so two folders holding the same file names
    cannot clash. Linked folders are not followed, so a link loop cannot trap the walk.
    Only regular files are listed: a named pipe, socket or device goes to ``skipped``
    unopened (a pipe would wait for a writer forever). Paths are strings, joined as
    pathlib joins them: a ``Path`` a file costs more than the walk itself; and a folder is
    listed once, with each entry's type as the listing gives it (no ``stat`` a file).
    """

    def unreadable(error: OSError) -> None:
        skipped.append(
            Skipped(Path(error.filename or root).as_posix(), f"cannot read folder: {error.strerror}")
        )

    found = []
    folders = [os.fspath(root)]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            unreadable(error)
            continue
        here = Path(folder)  # one Path a folder, not one a file
        head, posix_head = _joined(str(here), os.sep), _joined(here.as_posix(), "/")
        inside = here.relative_to(root)
        id_head = _joined((root / inside if qualify else inside).as_posix(), "/")
        below = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            path = head + name
            if _is_folder(entry):
                if not (exclude and exclude(path)) and not _is_link(entry):
                    below.append(path)
                continue
            if _suffix(name) not in SUFFIXES or (exclude and exclude(path)):
                continue
            special = _special_file(entry)
            if special is not None:
                skipped.append(Skipped(posix_head + name, f"{special}, not a regular file; {_REGULAR_ONLY}"))
            else:
                found.append((path, posix_head + name, id_head + name))
        folders.extend(reversed(below))  # each folder's subfolders next, in name order
    return sorted(found, key=lambda item: item[2])


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """True for a folder or a link to one (as ``os.walk`` decides: an entry it cannot look at is not)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_link(entry: os.DirEntry[str]) -> bool:
    """True for a symbolic link (as ``os.path.islink`` decides: an entry it cannot look at is not)."""
    try:
        return entry.is_symlink()
    except OSError:
        return False


def _special_file(entry: os.DirEntry[str]) -> str | None:
    """What a folder entry is when it is a named pipe, socket or device (itself or through a link), else None.

    A regular file costs nothing to tell (the listing says so); a broken or looping link
    is None too, so that opening it says what is wrong with it.
    """
    try:
        if entry.is_file():
            return None
        mode = entry.stat().st_mode
    except OSError:
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return None


def _joined(folder: str, separator: str) -> str:
    """What goes before a name in ``folder``, as pathlib joins them ("" for ".").

    >>> _joined(".", "/"), _joined("news", "/"), _joined("/", "/")
    ('', 'news/', '/')
    """
    if folder == ".":
        return ""
    return folder if folder.endswith(separator) else folder + separator


def _suffix(name: str) -> str:
    """A file name's extension in lower case, as ``Path.suffix`` finds it ("" for none).

    >>> _suffix("a.TXT"), _suffix("a.tar.gz"), _suffix(".bashrc"), _suffix("a."), _suffix("a")
    ('.txt', '.gz', '', '', '')
    """
    at = name.rfind(".")
    return name[at:].lower() if 0 < at < len(name) - 1 else ""


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


@dataclass(frozen=True, slots=True)
class _WideEncoding:
    """A UTF-16 or UTF-32 encoding a file is read in: the codec reading it, its name, and how it was told."""

    codec: str
    name: str
    told: str

    def not_valid(self, line: int) -> str:
        """Why ``line`` of a file read in this encoding cannot be read."""
        return f"line {line} is not valid {self.name}, though {self.told}"

    @property
    def save_again(self) -> str:
        """What to do about a file not valid in this encoding."""
        return f"save it again (as UTF-8 or {self.name.split()[0]})"


def _marked(codec: str, name: str) -> _WideEncoding:
    """The encoding a byte order mark names."""
    return _WideEncoding(codec, name, f"the file starts with a {name} byte order mark")


_BYTE_ORDER_MARKS = (
    # UTF-32 LE's mark starts with UTF-16 LE's: it is looked for first.
    (codecs.BOM_UTF32_LE, _marked("utf-32", "UTF-32 LE")),
    (codecs.BOM_UTF32_BE, _marked("utf-32", "UTF-32 BE")),
    (codecs.BOM_UTF16_LE, _marked("utf-16", "UTF-16 LE")),
    (codecs.BOM_UTF16_BE, _marked("utf-16", "UTF-16 BE")),
)


def _byte_order_mark(start: bytes) -> _WideEncoding | None:
    r"""The encoding a UTF-16 or UTF-32 byte order mark at the start of a file names, or None without one.

    >>> [_byte_order_mark(start).name for start in (codecs.BOM_UTF32_LE + b"i", b"\xff\xfei\x00")]
    ['UTF-32 LE', 'UTF-16 LE']
    >>> _byte_order_mark(b"id,t") is None
    True
    """
    for mark, encoding in _BYTE_ORDER_MARKS:
        if start.startswith(mark):
            return encoding
    return None


def _wide_guess(raw: bytes) -> _WideEncoding | None:
    r"""The UTF-16 or UTF-32 encoding (without a byte order mark) charset detection finds ``raw`` in, or None.

    >>> _wide_guess("id,text\nc1,Café au lait.\n".encode("utf-16-le")).name
    'UTF-16 LE'
    """
    guess = _guess(raw)
    if guess is None or not guess.encoding.startswith(("utf_16", "utf_32")):
        return None
    name = guess.encoding.upper().replace("_", "-", 1).replace("_", " ")
    return _WideEncoding(guess.encoding, name, "charset detection finds it in the file's first bytes")


def _flag_invalid(error: UnicodeError) -> tuple[str, int]:
    """Decode an invalid byte sequence as a lone surrogate, which no valid UTF-16 or UTF-32 decodes to."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return _FLAG, error.end


codecs.register_error(_FLAGGED, _flag_invalid)


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

    UTF-8 (with or without BOM), and UTF-16 and UTF-32 with a BOM, are read as they say;
    anything else is decoded in the encoding charset-normalizer finds most likely (a
    Windows-1252 or Latin-1 file, say), never byte by byte into mojibake.
    """
    mark = _byte_order_mark(raw)
    if mark is not None:
        text = raw.decode(mark.codec, errors=_FLAGGED)
        if _FLAG in text:
            line = len(_LINE_BREAK.findall(text, 0, text.index(_FLAG))) + 1
            raise ValueError(f"{mark.not_valid(line)}; {mark.save_again}")
        return text
    if b"\x00" in raw[:_SNIFF]:
        guess = _guess(raw)
        if guess is None or not guess.encoding.startswith(("utf_16", "utf_32")):
            raise ValueError("binary file (NUL bytes), not text; leave it out of the scan")
        return str(guess)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        mostly = _mostly_utf8(raw)
        if mostly is not None:
            return mostly
        guess = _guess(raw)
        if guess is None:
            raise ValueError("not text in any encoding found; leave it out of the scan") from None
        return str(guess)


def _non_ascii(text: str) -> int:
    """How many characters of ``text`` are not ASCII."""
    return len(text) - len(text.encode("ascii", errors="ignore"))


def _mostly_utf8(raw: bytes, valid_before: int = 0) -> str | None:
    r"""``raw`` as UTF-8, each invalid byte sequence a U+FFFD, when nearly all the rest is UTF-8; else None.

    One stray byte (a character cut in two, a Windows-1252 quote pasted in) makes a whole
    UTF-8 file invalid, and charset detection then picks a single-byte encoding that
    garbles every other non-ASCII character. Text in such an encoding (or in a double-byte
    one) seldom holds a valid multi-byte UTF-8 sequence, so a file whose non-ASCII
    characters are at least 4 in 5 valid UTF-8 is UTF-8 with a few bad bytes.
    ``valid_before`` counts non-ASCII characters of the same file read besides ``raw``, all valid.

    >>> _mostly_utf8("Café, déjà vu, naïve".encode() + b" \x92")
    'Café, déjà vu, naïve �'
    >>> _mostly_utf8("Café".encode("cp1252")) is None, _mostly_utf8("Café".encode("cp1252"), 4) is None
    (True, False)
    """
    text = raw.decode("utf-8-sig", errors="replace")
    invalid = text.count("\ufffd") - raw.count("\ufffd".encode())  # a U+FFFD in the file is valid
    non_ascii = _non_ascii(text) + valid_before
    return text if non_ascii - invalid >= _UTF8_SHARE * non_ascii else None


def iso_date(value: object) -> str:
    """An ISO 8601 date (``YYYY-MM-DD``) from a date, a datetime or a string starting with one; else "".

    >>> iso_date("2026-11-03T09:30:00Z"), iso_date(datetime.date(2026, 11, 3)), iso_date("Tuesday")
    ('2026-11-03', '2026-11-03', '')
    """
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    if isinstance(value, str):
        head = value.strip()[:10]
        try:
            return datetime.date.fromisoformat(head).isoformat()
        except ValueError:
            return ""
    return ""


def _text(value: object) -> str:
    """A metadata value as one line of text ("" for a missing or structured value)."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        return ""
    return str(value)


def _lone_surrogate(meta: Mapping[str, Any], names: Iterable[str]) -> str | None:
    r"""Why a value under one of ``names`` in ``meta`` is not text, if it holds a lone surrogate.

    JSON and YAML ``\u`` escapes can name half of a UTF-16 surrogate pair on its own: json
    and yaml accept it, but it is not a character, and writing it out as UTF-8 fails far
    from where it was read (a report, a baseline, an index). It is refused where it is read.

    >>> _lone_surrogate({"id": "a\ud800", "text": "fine"}, ["text", "id"])
    "field 'id' holds a lone surrogate (\\ud800), not a character; fix its \\u escapes"
    """
    for name in names:
        value = meta.get(name)
        if isinstance(value, str) and not value.isascii() and (found := _SURROGATE.search(value)):
            code = f"\\u{ord(found.group()):04x}"
            return f"field '{name}' holds a lone surrogate ({code}), not a character; fix its \\u escapes"
    return None


def _article(
    identifier: str,
    text: str,
    source: str,
    meta: Mapping[str, Any],
    fields: Fields,
    *,
    line: int | None = 1,
    record: bool = False,
) -> Article:
    """An article with the metadata found in ``meta`` under the names in ``fields``."""
    return Article(
        identifier,
        text,
        source,
        title=_text(meta.get(fields.title)),
        date=iso_date(meta.get(fields.date)),
        url=_text(meta.get(fields.url)),
        outlet=_text(meta.get(fields.source)),
        author=_text(meta.get(fields.author)),
        line=line,
        record=record,
    )


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    r"""The YAML (``---``) or TOML (``+++``) front matter of a Markdown text, and the body after it.

    Raise ValueError, saying what to do, when the front matter is malformed.

    >>> split_front_matter("---\ntitle: Barrier vote\n---\nThe council voted.")
    ({'title': 'Barrier vote'}, 'The council voted.')
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    fence, block = match.group(1), match.group(2)
    try:
        meta = yaml.safe_load(block) if fence == "---" else tomllib.loads(block)
    except RecursionError:  # both parsers recurse once a level
        raise ValueError(f"front matter {_TOO_DEEP}; fix it or remove it") from None
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 2}" if where is not None else ""
        raise ValueError(f"front matter is not valid YAML{line}; fix it or remove it") from None
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"front matter is not valid TOML ({error}); fix it or remove it") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ValueError("front matter is not a mapping of keys to values; fix it or remove it")
    return meta, text[match.end() :]


def _read_bytes(path: str | Path, max_bytes: int, advice: str = "split it") -> bytes:
    """A file's bytes, or raise ValueError when it holds more than ``max_bytes``."""
    with open(path, "rb") as handle:
        # Asking for max_bytes + 1 (16 MiB) at once would allocate that much for every
        # small file: read the size it has, and on only if it turns out longer.
        expected = os.fstat(handle.fileno()).st_size
        raw = handle.read(min(expected, max_bytes) + 1)
        if len(raw) > expected:  # growing, or not a regular file
            raw += handle.read(max_bytes + 1 - len(raw))
    if len(raw) > max_bytes:
        raise ValueError(f"larger than {max_bytes:,} bytes; {advice}, or raise the limit (--max-bytes)")
    return raw


def _single_article(
    path: str, source: str, identifier: str, form: str, fields: Fields, max_bytes: int
) -> Article:
    """The one article of a text, Markdown or HTML file, or raise ValueError/OSError saying why not."""
    raw = _read_bytes(path, max_bytes)
    if form == "html":
        content = page_content(raw)
        if not content.text:
            raise ValueError("no article text found in the page (or it is nested too deeply to parse)")
        return Article(
            identifier,
            content.text,
            source,
            title=content.title,
            date=iso_date(content.date),
            url=content.url,
            outlet=content.outlet,
            author=content.author,
            line=None,  # the text is drawn from the markup: no line of the file holds it as it is
        )
    text = _decode(raw)
    meta: dict[str, Any] = {}
    line = 1
    if form == "md":
        meta, body = split_front_matter(text)
        # The text starts below the front matter: reports point at the file's lines, not the text's.
        line += len(_LINE_BREAK.findall(text, 0, len(text) - len(body)))
        text = body
        read = (fields.title, fields.date, fields.source, fields.url, fields.author)  # not id or text
        not_text = _lone_surrogate(meta, read)
        if not_text is not None:
            raise ValueError(f"front matter {not_text}")
    if not text.strip():
        raise ValueError("empty file" if not meta else "no text after the front matter")
    return _article(identifier, text, source, meta, fields, line=line)


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


def record_skipped(source: str, reason: str, number: int, *, row: bool = False) -> Skipped:
    """A record not read for ``reason``: at the line it starts on, or with ``row`` at its file, its row named.

    A Parquet file has rows, no lines: a line would point reports (a GitHub annotation, a
    SARIF region) at bytes of a binary file.

    >>> record_skipped("feed.csv", "empty text", 7)
    Skipped(source='feed.csv', reason='empty text', line=7)
    >>> record_skipped("feed.parquet", "empty text", 7, row=True)
    Skipped(source='feed.parquet', reason='row 7: empty text', line=None)
    """
    return Skipped(source, f"row {number}: {reason}") if row else Skipped(source, reason, number)


def article_of_record(
    record: object, fields: Fields, source: str, number: int, *, row: bool = False
) -> Article | Skipped:
    """The article in one record (a JSON object, a CSV row, a Parquet row), or why there is none.

    ``number`` is the line the record starts on; with ``row``, its row (a Parquet file has no
    lines: the article has none, and a record not read is listed as :func:`record_skipped` says).
    """
    if not isinstance(record, dict):
        return record_skipped(source, "record is not a JSON object", number, row=row)
    body = record.get(fields.text)
    if not isinstance(body, str):
        kind = _JSON_KINDS.get(type(body), "not text")
        found = "missing" if body is None else f"{kind}, not a string"
        return record_skipped(source, f"field '{fields.text}' is {found} (set --text-field)", number, row=row)
    if not body.strip():
        return record_skipped(source, "empty text", number, row=row)
    not_text = _lone_surrogate(record, fields.names)
    if not_text is not None:
        return record_skipped(source, not_text, number, row=row)
    identifier = record.get(fields.id)
    place = f"{source}:{number}"
    named = identifier is not None and identifier != ""
    line = None if row else number
    return _article(str(identifier) if named else place, body, place, record, fields, line=line, record=True)


def line_too_long(source: str, number: int, max_bytes: int) -> Skipped:
    """Why a JSON Lines line longer than ``max_bytes`` is not read."""
    return Skipped(source, f"line longer than {max_bytes:,} bytes; raise the limit (--max-bytes)", number)


def article_of_line(line: str, fields: Fields, source: str, number: int) -> Article | Skipped | None:
    """The article in one decoded line of a JSON Lines file, why there is none, or None for a blank line."""
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return Skipped(source, f"not valid JSON ({error.msg}, column {error.colno})", number)
    except RecursionError:  # json recurses once a level, within Python's recursion limit
        return Skipped(source, f"JSON {_TOO_DEEP}; flatten the record", number)
    if not isinstance(record, dict):
        return Skipped(source, "line is not a JSON object", number)
    return article_of_record(record, fields, source, number)


def article_of_row(
    row: dict[str, Any], fields: Fields, source: str, number: int, max_bytes: int
) -> Article | Skipped:
    """The article in one Parquet row, or why there is none (its text larger than ``max_bytes``).

    A value of a binary column is text written as UTF-8 (as Hive and Impala write strings), and
    so is one of a string column holding invalid UTF-8, given as bytes (:func:`_parquet_rows`);
    the same holds inside a struct, list or map: a field that is not valid UTF-8, at any depth,
    is the row's fault alone.
    """
    for name in dict.fromkeys(fields.names):
        value = row.get(name)
        if isinstance(value, _MAY_HOLD_BYTES):
            try:
                row = {**row, name: _utf8(value)}
            except UnicodeDecodeError as error:
                reason = f"field '{name}' is not UTF-8 text ({_invalid_utf8(error)}); write it as UTF-8"
                return record_skipped(source, reason, number, row=True)
    body = row.get(fields.text)
    if isinstance(body, str) and len(body.encode()) > max_bytes:
        too_large = f"text larger than {max_bytes:,} bytes; raise the limit (--max-bytes)"
        return record_skipped(source, too_large, number, row=True)
    return article_of_record(row, fields, source, number, row=True)


def _utf8(value: Any) -> Any:
    r"""``value`` with every byte string in it read as UTF-8, at any depth (a struct, list or map's values).

    Raise UnicodeDecodeError at the first that is not UTF-8.

    >>> _utf8([{"name": b"Caf\xc3\xa9"}, (b"k", None)])
    [{'name': 'Café'}, ('k', None)]
    """
    if isinstance(value, bytes | bytearray):
        return value.decode("utf-8")
    if isinstance(value, dict):
        return {_utf8(key): _utf8(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_utf8(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_utf8(item) for item in value)
    return value


def _invalid_utf8(error: UnicodeDecodeError) -> str:
    r"""The bytes that are not UTF-8, where they are, and why.

    >>> try:
    ...     b"Caf\xe9".decode()
    ... except UnicodeDecodeError as error:
    ...     _invalid_utf8(error)
    '0xe9 at byte offset 3: unexpected end of data'
    """
    invalid = " ".join(f"0x{byte:02x}" for byte in error.object[error.start : error.end])
    return f"{invalid} at byte offset {error.start}: {error.reason}"


def _jsonl_articles(
    handle: BinaryIO, source: str, fields: Fields, max_bytes: int
) -> Iterator[Article | Skipped]:
    """The articles of a JSON Lines file, each numbered by its line and decoded as :func:`_decode` does."""
    mark = _byte_order_mark(_start(handle))
    if mark is not None:
        yield from _marked_jsonl_articles(handle, mark, source, fields, max_bytes)
        return
    for number, raw in _lines(handle, max_bytes):
        if raw is None:
            yield line_too_long(source, number, max_bytes)
            continue
        try:
            line = _decode(raw)
        except ValueError as error:
            yield Skipped(source, str(error), number)
            continue
        found = article_of_line(line, fields, source, number)
        if found is not None:
            yield found


def _start(handle: BinaryIO, size: int = 4) -> bytes:
    """The first bytes (up to ``size``) ``handle`` has to read, left to be read: a pipe is peeked, not sought.

    A peek returns what one read gives: from a pipe, maybe fewer bytes than there are.
    """
    peek = getattr(handle, "peek", None)
    if callable(peek):
        return bytes(peek(size)[:size])
    if not handle.seekable():
        return b""
    at = handle.tell()
    start = handle.read(size)
    handle.seek(at)
    return start


def _marked_jsonl_articles(
    handle: BinaryIO, mark: _WideEncoding, source: str, fields: Fields, max_bytes: int
) -> Iterator[Article | Skipped]:
    """The articles of a JSON Lines file starting with a UTF-16 or UTF-32 byte order mark, in its encoding.

    A line is held within ``max_bytes`` characters, and is too long if it takes more than
    ``max_bytes`` bytes as UTF-8 (as a Parquet row's text is measured).
    """
    text = io.TextIOWrapper(handle, encoding=mark.codec, errors=_FLAGGED, newline="\n")
    try:
        number = 0
        while line := text.readline(max_bytes + 1):
            number += 1
            if len(line) > max_bytes and not line.endswith("\n"):
                while (rest := text.readline(2**20)) and not rest.endswith("\n"):
                    pass
                yield line_too_long(source, number, max_bytes)
            elif _FLAG in line:
                yield Skipped(source, f"{mark.not_valid(number)}; fix the line, or {mark.save_again}", number)
            elif len(line.encode("utf-8", errors="surrogatepass")) > max_bytes:
                yield line_too_long(source, number, max_bytes)
            elif (found := article_of_line(line, fields, source, number)) is not None:
                yield found
    finally:
        text.detach()  # the caller's handle, left open: closing standard input is not ours to do


def _json_articles(path: Path, fields: Fields, max_bytes: int) -> Iterator[Article | Skipped]:
    """The articles of a JSON file holding an array of objects, each numbered by the line it starts on."""
    source = path.as_posix()
    text = _decode(_read_bytes(path, max_bytes, "write it as JSON Lines (one article a line)"))
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if not text.startswith("[", position):
        yield Skipped(source, "not a JSON array of articles; write one (or use JSON Lines, .jsonl)")
        return
    position = _skip_space(text, position + 1)
    if text.startswith("]", position):
        return
    while True:
        number = text.count("\n", 0, position) + 1
        try:
            record, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            yield Skipped(
                source,
                f"not valid JSON ({error.msg}, column {error.colno}); the rest is not read",
                error.lineno,
            )
            return
        except RecursionError:  # json recurses once a level, within Python's recursion limit
            yield Skipped(source, f"JSON {_TOO_DEEP}; the rest is not read", number)
            return
        yield article_of_record(record, fields, source, number)
        position = _skip_space(text, position)
        if text.startswith(",", position):
            position = _skip_space(text, position + 1)
        elif text.startswith("]", position):
            return
        else:
            line = text.count("\n", 0, position) + 1
            yield Skipped(source, "not valid JSON (expected ',' or ']'); the rest is not read", line)
            return


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _csv_articles(path: Path, fields: Fields, max_bytes: int) -> Iterator[Article | Skipped]:
    """The articles of a CSV file with a header row, each numbered by the line its row starts on.

    Quoting is read strictly: a quote left open would take in the rows after it as
    text, to the end of the file or to the next quote (where rows of fragments begin).
    A row whose quoting breaks, or whose fields do not match the header's, is listed
    with the lines it took in, and the rows after it are read; a quote that never
    closes is listed with the rest of the file it took in.
    """
    source = path.as_posix()
    limit = csv.field_size_limit()
    csv.field_size_limit(max_bytes)
    try:
        with path.open("rb") as binary, contextlib.closing(_csv_lines(binary)) as lines:
            reader = csv.reader(lines, strict=True)
            header: list[str] | None = None
            number = 1  # the line the next row starts on
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    reason, goes_on = _csv_problem(str(error), number, reader.line_num, max_bytes)
                    yield Skipped(source, reason, number)
                    if not goes_on:
                        return
                    number = reader.line_num + 1  # the reader starts again on the next line
                    continue
                except _Undecodable as error:
                    rest = f" (from line {number})" if number < error.line else ""
                    reason = f"{error.reason}; the rest of the file{rest} is not read: {error.advice}"
                    yield Skipped(source, reason, number)
                    return
                first, number = number, reader.line_num + 1
                if header is None:
                    header = row
                    if fields.text not in header:
                        yield Skipped(
                            source, f"no column '{fields.text}' in the header row (set --text-field)", first
                        )
                        return
                elif len(row) != len(header) and row:  # [] is a blank line
                    yield Skipped(source, _csv_misfit(len(row), len(header), first, reader.line_num), first)
                elif row:
                    yield article_of_record(dict(zip(header, row)), fields, source, first)
    finally:
        csv.field_size_limit(limit)


class _Undecodable(Exception):
    """A line of a CSV file that cannot be decoded: why, and what to do."""

    def __init__(self, reason: str, line: int, advice: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.advice = advice


def _csv_lines(binary: BinaryIO) -> Generator[str, None, None]:
    """The lines of a CSV file, decoded a line at a time as :func:`_decode` decodes a file whole.

    A file starting with a UTF-16 or UTF-32 byte order mark is read in that encoding, as is
    one whose first bytes hold NULs and are found in one (else it is binary). Any other is
    read as UTF-8 up to its first line that is not; the lines that are not are then all
    decoded one way, settled from that line and the lines after it (up to
    :data:`_CSV_AHEAD` characters) as :func:`_decode` settles a file's: UTF-8, each invalid byte
    sequence a U+FFFD, when nearly all non-ASCII characters read (those before it included) are
    valid UTF-8; else the encoding charset-normalizer finds most likely (lines that are UTF-8
    stay UTF-8). Raise :class:`_Undecodable` at a line that cannot be decoded (ValueError for
    a binary file).
    """
    start = _start(binary, _SNIFF)
    wide = _byte_order_mark(start)
    if wide is None and b"\x00" in start:
        wide = _wide_guess(start)
        if wide is None:
            raise ValueError("binary file (NUL bytes), not text; leave it out of the scan")
    if wide is not None:
        with io.TextIOWrapper(binary, encoding=wide.codec, errors=_FLAGGED, newline="") as text:
            for number, line in enumerate(text, 1):
                if _FLAG in line:
                    raise _Undecodable(wide.not_valid(number), number, wide.save_again)
                yield line
        return
    # surrogateescape keeps each invalid byte (as U+DC80-U+DCFF): a line holding one is decoded again.
    with io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="") as utf8:
        lines = enumerate(utf8, 1)
        valid_non_ascii = 0
        for number, line in lines:
            found = _utf8_non_ascii(line)
            if found is not None:
                valid_non_ascii += found
                yield line
                continue
            ahead, held = [(number, line)], len(line)
            while held < _CSV_AHEAD and (following := next(lines, None)) is not None:
                ahead.append(following)
                held += len(following[1])
            # Only the lines that are not UTF-8 tell their encoding: ASCII around them misleads detection.
            counts = [_utf8_non_ascii(read) for _, read in ahead]
            valid_non_ascii += sum(count for count in counts if count is not None)
            invalid = (read for (_, read), count in zip(ahead, counts) if count is None)
            sample = b"".join(read.encode("utf-8", errors="surrogateescape") for read in invalid)
            decode = _legacy_decoder(sample, valid_non_ascii, number)
            for later, read in itertools.chain(ahead, lines):
                yield read if read.isascii() or _utf8_non_ascii(read) is not None else decode(read, later)
            return


def _utf8_non_ascii(line: str) -> int | None:
    r"""How many characters of a line decoded with ``surrogateescape`` are not ASCII; None if not UTF-8.

    >>> _utf8_non_ascii("Café — ok"), _utf8_non_ascii(b"Caf\xe9".decode("utf-8", errors="surrogateescape"))
    (2, None)
    """
    if line.isascii():
        return 0
    try:
        encoded = line.encode("utf-8")  # fails on an escaped byte: far faster than looking for one
    except UnicodeEncodeError:
        return None
    return len(encoded.translate(None, _NOT_LEADING))


def _legacy_decoder(sample: bytes, valid_before: int, first: int) -> Callable[[str, int], str]:
    """How to decode a CSV file's lines that are not UTF-8, the first on line ``first``, from a ``sample``.

    The lines are given as UTF-8 decodes them with ``surrogateescape``; ``valid_before``
    counts the non-ASCII characters, all valid UTF-8, of the lines read before and ahead.
    """
    if _mostly_utf8(sample, valid_before) is not None:
        return lambda line, _: line.encode("utf-8", errors="surrogateescape").decode(
            "utf-8", errors="replace"
        )
    guess = _guess(sample)
    advice = "save it as UTF-8"
    if guess is None:
        raise _Undecodable(f"line {first} is not UTF-8, nor text in any encoding found", first, advice)
    encoding = guess.encoding

    def decode(line: str, number: int) -> str:
        try:
            return line.encode("utf-8", errors="surrogateescape").decode(encoding)
        except UnicodeDecodeError:
            found = f"{encoding}, the encoding found for line {first}"
            raise _Undecodable(f"line {number} is neither UTF-8 nor {found}", number, advice) from None

    return decode


def _csv_problem(message: str, first: int, last: int, max_bytes: int) -> tuple[str, bool]:
    """Why the CSV row on lines ``first`` to ``last`` could not be read, and whether rows after it can be.

    >>> _csv_problem("unexpected end of data", 2, 9, 100)[0]
    'a quote opened in this row never closes (lines 2-9 not read); close it'
    """
    if "field larger than" in message:
        too_large = f"a field is larger than {max_bytes:,} bytes; raise the limit (--max-bytes)"
        return f"{too_large}; the rest is not read", False
    if "unexpected end of data" in message:  # the file ended inside a quoted field
        return f"a quote opened in this row never closes (lines {first}-{last} not read); close it", False
    if "expected after" in message:  # a closing quote followed by more than a comma or line end
        unread = f" (on line {last}; lines {first}-{last} not read)" if last > first else ""
        return f"a quoted field goes on after its closing quote{unread}; {_DOUBLE_QUOTES}", True
    return f"{message}; the rest is not read", False


def _csv_misfit(found: int, wanted: int, first: int, last: int) -> str:
    """Why a CSV row of ``found`` fields, on lines ``first`` to ``last``, does not fit a header of ``wanted``.

    A row running over several lines has most likely taken in the rows after a quote left open.

    >>> _csv_misfit(3, 2, 5, 5)
    'row has 3 fields, the header 2; give each row one field a column (quote fields holding commas)'
    """
    has = f"row has {found} field{'s' if found != 1 else ''}"
    if last > first:
        open_quote = "a quote left open takes in the lines after it; close it"
        return f"{has} over lines {first}-{last}, the header {wanted} ({open_quote}); {_DOUBLE_QUOTES}"
    return f"{has}, the header {wanted}; give each row one field a column (quote fields holding commas)"


def _parquet_articles(path: Path, fields: Fields, max_bytes: int) -> Iterator[Article | Skipped]:
    """The articles of a Parquet file, each numbered by its row (from 1), read a batch at a time."""
    source = path.as_posix()
    try:
        import pyarrow.parquet as parquet
    except ImportError:
        yield Skipped(source, "reading Parquet needs pyarrow: pip install 'dupecheck[parquet]'")
        return
    try:
        table = parquet.ParquetFile(path)
        names = set(table.schema_arrow.names)
        if fields.text not in names:
            yield Skipped(source, f"no column '{fields.text}' (set --text-field)")
            return
        wanted = [name for name in dict.fromkeys(fields.names) if name in names]
        number = 0
        for batch in table.iter_batches(batch_size=_PARQUET_BATCH, columns=wanted):
            for row in _parquet_rows(batch):
                number += 1
                yield article_of_row(row, fields, source, number, max_bytes)
    except (OSError, ValueError) as error:
        yield Skipped(source, f"not a readable Parquet file ({error})")


def _parquet_rows(batch: Any) -> list[dict[str, Any]]:
    """The rows of a pyarrow record batch; a value holding a string not valid UTF-8 is given as its bytes.

    pyarrow fails a whole batch at one invalid string (a writer may leave one in a string column,
    or inside a struct, list or map): such a batch is read a column at a time, and a column that
    fails a value at a time (:func:`_column_values`), so that each value is judged with its row
    (:func:`article_of_row`). A clean batch is converted at once.
    """
    try:
        rows: list[dict[str, Any]] = batch.to_pylist()
    except UnicodeDecodeError:
        columns = [_column_values(column) for column in batch.columns]
        rows = [dict(zip(batch.schema.names, values, strict=True)) for values in zip(*columns, strict=True)]
    return rows


def _column_values(column: Any) -> list[Any]:
    """A pyarrow column's values; one holding a string not valid UTF-8, at any depth, as that string's bytes.

    Those bytes are the ones pyarrow could not decode, so :func:`article_of_row` cannot read them
    either: it lists the row, naming the column, the bytes and where they are in the string.
    """
    try:
        values: list[Any] = column.to_pylist()
    except UnicodeDecodeError:
        values = []
        for scalar in column:
            try:
                values.append(scalar.as_py())
            except UnicodeDecodeError as error:
                values.append(bytes(error.object))
    return values


def format_of(path: str | os.PathLike[str], input_format: str | None = None) -> str | None:
    """The format a file is read in: ``input_format`` if given, else found from its extension.

    >>> format_of("feed.csv"), format_of(Path("notes.doc")), format_of("x.doc", "txt")
    ('csv', None, 'txt')
    """
    return input_format or _SUFFIX_FORMATS.get(_suffix(os.path.basename(path)))


def _read_file(
    path: str, source: str, identifier: str, form: str, fields: Fields, max_bytes: int
) -> Iterator[Article | Skipped]:
    """The articles of the file at ``path`` (``source`` is it as reports name it), read as ``form``."""
    try:
        if form == "jsonl":
            with open(path, "rb") as handle:
                yield from _jsonl_articles(handle, source, fields, max_bytes)
        elif form == "json":
            yield from _json_articles(Path(path), fields, max_bytes)
        elif form == "csv":
            yield from _csv_articles(Path(path), fields, max_bytes)
        elif form == "parquet":
            yield from _parquet_articles(Path(path), fields, max_bytes)
        else:
            yield _single_article(path, source, identifier, form, fields, max_bytes)
    except OSError as error:
        yield Skipped(source, f"cannot read: {error.strerror or error}")
    except ValueError as error:
        yield Skipped(source, str(error))


def article_skipped(article: Article, reason: str) -> Skipped:
    """``article`` not passed on for ``reason``: at its file, and a record as :func:`record_skipped` says."""
    if not article.record:
        return Skipped(article.source, reason)
    number = int(article.source.rpartition(":")[2])
    return record_skipped(article.file, reason, number, row=article.line is None)  # a Parquet row: no line


def check_max_bytes(max_bytes: int) -> None:
    """Raise a :class:`SettingsError` unless ``max_bytes`` is 1 to :data:`MAX_BYTES_LIMIT`.

    Beyond the limit the reads ask for more than an index can hold (OverflowError, not a limit).

    >>> check_max_bytes(2**40)
    >>> check_max_bytes(0)
    Traceback (most recent call last):
    dupecheck.errors.SettingsError: max_bytes must be in [1, 2**40] (1 TiB), got 0
    """
    if not 1 <= max_bytes <= MAX_BYTES_LIMIT:
        raise SettingsError(f"max_bytes must be in [1, 2**40] (1 TiB), got {max_bytes}")


class ArticleStream:
    r"""The articles under ``paths``, read one at a time while the stream is iterated (once).

    The rules are :func:`load_paths`'s, which reads through one: the same formats, ids,
    repeated ids skipped with the place first read, ``exclude`` and ``max_bytes``. No more
    than one article is held at a time (and, to skip repeated ids, each id with the place
    it was read). ``skipped`` and ``files`` grow as the stream goes, so they are complete
    once it is exhausted: a scan can read a corpus larger than memory.

    >>> feed = io.BytesIO(b'{"id": "a", "text": "One."}\n{"id": "a", "text": "Two."}\n')
    >>> stream = ArticleStream(["-"], stdin=feed)
    >>> [article.text for article in stream], stream.files, [s.reason for s in stream.skipped]
    (['One.'], 1, ["duplicate id 'a' (first read from -:1); give each article its own id"])
    """

    __slots__ = (
        "_exclude",
        "_exhausted",
        "_fields",
        "_input_format",
        "_max_bytes",
        "_skipped",
        "_started",
        "_stdin",
        "count",
        "files",
        "paths",
    )

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        id_field: str = "id",
        text_field: str = "text",
        title_field: str = "title",
        date_field: str = "date",
        source_field: str = "source",
        input_format: str | None = None,
        exclude: Callable[[str], bool] | None = None,
        max_bytes: int = MAX_BYTES,
        stdin: BinaryIO | None = None,
    ) -> None:
        if input_format is not None and input_format not in FORMATS:
            raise InputError(f"unknown input format '{input_format}'; use one of {', '.join(FORMATS)}")
        check_max_bytes(max_bytes)
        self.paths = tuple(paths)
        """The paths read, as given."""
        self.count = 0
        """Articles passed on so far."""
        self.files = 0
        """Files read so far (standard input counts as one)."""
        self._fields = Fields(
            id=id_field, text=text_field, title=title_field, date=date_field, source=source_field
        )
        self._input_format = input_format
        self._exclude = exclude
        self._max_bytes = max_bytes
        self._stdin = stdin
        self._skipped: list[Skipped] = []
        self._started = False
        self._exhausted = False

    @property
    def skipped(self) -> tuple[Skipped, ...]:
        """The inputs that could not be read so far, in the order met."""
        return tuple(self._skipped)

    @property
    def exhausted(self) -> bool:
        """True once every path has been read: ``skipped`` and ``files`` are complete."""
        return self._exhausted

    def __iter__(self) -> Iterator[Article]:
        if self._started:
            raise RuntimeError("an ArticleStream is read once; make another to read the paths again")
        self._started = True
        return self._articles()

    def required(self, *, strict: bool = False) -> Iterator[Article]:
        """The articles, then, once all is read, :func:`require_articles`'s error if one applies.

        With ``strict``, articles stop being passed on at the first skipped input (the scan
        fails anyway), but reading goes on so the error counts every unreadable input.
        """
        for article in self:
            if not (strict and self._skipped):
                yield article
        _require(self.count, self._skipped, self.files, self.paths, strict=strict)

    def _articles(self) -> Iterator[Article]:
        first_seen: dict[str, str] = {}
        for given in self.paths:
            if os.fspath(given) == STDIN:
                self.files += 1
                handle = self._stdin if self._stdin is not None else sys.stdin.buffer
                yield from self._kept(
                    _jsonl_articles(handle, STDIN, self._fields, self._max_bytes), first_seen
                )
                continue
            root = Path(given)
            if root.is_file() or root.is_fifo():  # a pipe named on its own, as <(command) gives one
                found = [(str(root), root.as_posix(), root.as_posix())]
            elif root.is_dir():
                found = _walk(root, len(self.paths) > 1, self._exclude, self._skipped)
            else:
                self._skipped.append(_missing(root))
                continue
            for path, source, identifier in found:
                self.files += 1
                form = format_of(path, self._input_format) or "txt"
                yield from self._kept(
                    _read_file(path, source, identifier, form, self._fields, self._max_bytes), first_seen
                )
        self._exhausted = True

    def _kept(self, items: Iterable[Article | Skipped], first_seen: dict[str, str]) -> Iterator[Article]:
        """The articles among ``items``; the rest, and articles whose id was read before, go to skipped."""
        for item in items:
            if isinstance(item, Skipped):
                self._skipped.append(item)
            elif item.id in first_seen:
                reason = f"duplicate id '{item.id}' (first read from {first_seen[item.id]})"
                self._skipped.append(article_skipped(item, f"{reason}; give each article its own id"))
            else:
                first_seen[item.id] = item.source
                self.count += 1
                yield item


def load_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    id_field: str = "id",
    text_field: str = "text",
    title_field: str = "title",
    date_field: str = "date",
    source_field: str = "source",
    input_format: str | None = None,
    exclude: Callable[[str], bool] | None = None,
    max_bytes: int = MAX_BYTES,
    stdin: BinaryIO | None = None,
) -> Loaded:
    """Read every supported file under ``paths``; what cannot be read is listed, never dropped silently.

    Each file's format comes from its extension (a file named on its own with an
    unknown one is read as text), or from ``input_format`` (one of
    :data:`FORMATS`) for every file. The path ``-`` reads JSON Lines from ``stdin``
    (standard input by default). Ids are paths relative to the folder given (or
    the path as given, for a file), and the ``id_field`` of each record; a
    repeated id is skipped with the place it was first read. Records (JSON Lines,
    JSON, CSV, Parquet) give their title, date and outlet in the fields named,
    Markdown front matter under the same names, web pages in their metadata.
    ``exclude`` skips files and folders found while walking a folder (ignore
    files; it is given their paths as strings); paths given are always read, a
    named pipe too (``<(command)``), though a folder is read for its regular files
    only. No article larger than ``max_bytes`` is read into memory.
    :class:`ArticleStream` reads the same without holding them all.
    """
    stream = ArticleStream(
        paths,
        id_field=id_field,
        text_field=text_field,
        title_field=title_field,
        date_field=date_field,
        source_field=source_field,
        input_format=input_format,
        exclude=exclude,
        max_bytes=max_bytes,
        stdin=stdin,
    )
    articles = tuple(stream)
    return Loaded(articles, stream.skipped, stream.files)


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
    _require(len(loaded.articles), loaded.skipped, loaded.files, paths, strict=strict)
    return loaded


def _require(
    count: int,
    skipped: Sequence[Skipped],
    files: int,
    paths: Sequence[str | os.PathLike[str]],
    *,
    strict: bool,
) -> None:
    """Raise :func:`require_articles`'s error for ``count`` articles read and ``skipped`` inputs, if any."""
    shown = "; ".join(describe(s) for s in skipped[:3])
    more = f"; and {len(skipped) - 3} more" if len(skipped) > 3 else ""
    if strict and skipped:
        raise InputError(f"{len(skipped)} input(s) could not be read (--strict): {shown}{more}")
    if not count:
        where = ", ".join(os.fspath(path) for path in paths)
        found = f"{files} file{'s' if files != 1 else ''} found"
        why = f"; {shown}{more}" if shown else ""
        raise InputError(f"no articles read from {where} ({found}){why}")
