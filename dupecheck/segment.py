"""Split an article into paragraphs, as character spans of its original text."""

from __future__ import annotations

import re
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
    lines = [m for m in _LINE.finditer(text) if m.group().strip()]
    indented = len(_INDENTED.findall(text)) >= 2
    unwrapped = bool(lines) and median(len(m.group()) for m in lines) >= _UNWRAPPED_LINE
    cuts = []
    if indented:
        cuts += [m.start() for m in _INDENTED.finditer(text)]
    if unwrapped:
        cuts += [m.start() for m in lines]
    blocks = [0, *(m.end() for m in _BLANK_LINE.finditer(text))]
    ends = [*(m.start() for m in _BLANK_LINE.finditer(text)), len(text)]
    spans: list[tuple[int, int]] = []
    for start, end in zip(blocks, ends):
        spans += _split(text, start, end, sorted(cuts))
    return tuple(spans)
