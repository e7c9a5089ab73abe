"""Split an article into paragraphs, as character spans of its original text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise
from statistics import median

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_INDENTED = re.compile(r"^(?: {2,}|\t)\S", re.MULTILINE)
_LINE = re.compile(r"[^\n]+")
# Lines this long are paragraphs of their own, not a hard-wrapped column of text.
_UNWRAPPED_LINE = 100


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return None
    lead = len(chunk) - len(chunk.lstrip())
    return start + lead, start + lead + len(stripped)


def _split(text: str, start: int, end: int, cuts: list[int]) -> list[tuple[int, int]]:
    """Trimmed non-empty spans of ``text[start:end]`` cut at the given offsets."""
    bounds = [start, *(c for c in cuts if start < c < end), end]
    spans = (_trimmed(text, a, b) for a, b in pairwise(bounds))
    return [span for span in spans if span is not None]


def paragraph_spans(text: str) -> tuple[tuple[int, int], ...]:
    r"""Paragraphs as ``(start, end)`` offsets into ``text``, blank and white space trimmed.

    Blank lines always end a paragraph. In text that indents first lines (old wire
    copy) an indented line starts one too. A block of long lines is a paragraph per
    line (text saved without blank lines); a block of short lines is one hard-wrapped
    paragraph. The same text wrapped or indented differently gets the same paragraphs.

    >>> paragraph_spans("One.\n\nTwo,\nstill two.\n")
    ((0, 4), (6, 21))
    """
    blocks = _blocks(text)
    spans = [span for span in (_trimmed(text, start, end) for start, end in blocks) if span is not None]
    # Cuts fall at line starts, so they only split a block with a line break inside its
    # text; when none has one (a paragraph a line, between blank lines) they change nothing.
    if all("\n" not in text[start:end] for start, end in spans):
        return tuple(spans)
    return _cut(text, blocks)


def _blocks(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` between blank lines (untrimmed, maybe empty)."""
    blank = list(_BLANK_LINE.finditer(text))
    return list(zip([0, *(m.end() for m in blank)], [*(m.start() for m in blank), len(text)]))


def _cut(text: str, blocks: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """The paragraphs of ``blocks`` (:func:`_blocks`), cut at indented lines or at every long line."""
    lines = [m for m in _LINE.finditer(text) if m.group().strip()]
    indented = len(_INDENTED.findall(text)) >= 2
    unwrapped = bool(lines) and median(len(m.group()) for m in lines) >= _UNWRAPPED_LINE
    cuts = []
    if indented:
        cuts += [m.start() for m in _INDENTED.finditer(text)]
    if unwrapped:
        cuts += [m.start() for m in lines]
    spans: list[tuple[int, int]] = []
    for start, end in blocks:
        spans += _split(text, start, end, sorted(cuts))
    return tuple(spans)


def check_spans(text: str, spans: Iterable[tuple[int, int]]) -> None:
    r"""Raise a ValueError saying what is wrong when ``spans`` cannot be :func:`paragraph_spans` of ``text``.

    Checks cheap beside finding the paragraphs again, for spans read from storage: they
    are in order within the text, each starts and ends on a character that is not white
    space and holds no blank line, and all the text outside them is white space, with a
    line break between two of them (so a text with words has paragraphs).

    >>> check_spans("One.\n\nTwo.", [(0, 4), (6, 10)])
    >>> check_spans("One.\n\nTwo.", [(0, 10)])
    Traceback (most recent call last):
    ValueError: paragraph 0 (characters 0 to 10) holds a blank line
    """
    at, length = 0, len(text)
    for index, (start, end) in enumerate(spans):
        gap = text[at:start] if at < start else ""
        if not at <= start < end <= length:
            problem = f"is not within the text's {length} characters after the one before"
        elif gap and not gap.isspace():
            raise ValueError(f"characters {at} to {start} hold words but are in no paragraph")
        elif index and "\n" not in gap:
            problem = "is on the line of the paragraph before"
        elif text[start].isspace() or text[end - 1].isspace():
            problem = "starts or ends in white space"
        elif text.find("\n", start, end) >= 0 and _BLANK_LINE.search(text, start, end):
            problem = "holds a blank line"
        else:
            at = end
            continue
        raise ValueError(f"paragraph {index} (characters {start} to {end}) {problem}")
    if at < length and not text[at:].isspace():
        raise ValueError(f"characters {at} to {length} hold words but are in no paragraph")
