"""Split an article into paragraphs, as character spans of its original text."""

from __future__ import annotations

import re

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_INDENTED = re.compile(r"^(?: {2,}|\t)\S", re.MULTILINE)
_LINE = re.compile(r"[^\n]+")


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return None
    lead = len(chunk) - len(chunk.lstrip())
    return start + lead, start + lead + len(stripped)


def paragraph_spans(text: str) -> tuple[tuple[int, int], ...]:
    r"""Paragraphs as ``(start, end)`` offsets into ``text``, blank and white space trimmed.

    Paragraphs are separated by blank lines where the text has any (hard-wrapped
    lines inside a paragraph stay together); otherwise by indented first lines,
    as in old wire copy; otherwise every line is a paragraph.

    >>> paragraph_spans("One.\n\nTwo,\nstill two.\n")
    ((0, 4), (6, 21))
    """
    if _BLANK_LINE.search(text):
        breaks = [(m.start(), m.end()) for m in _BLANK_LINE.finditer(text)]
    elif len(_INDENTED.findall(text)) >= 2:
        breaks = [(m.start(), m.start()) for m in _INDENTED.finditer(text)]
    else:
        breaks = [(m.end(), m.end()) for m in _LINE.finditer(text)]
    spans: list[tuple[int, int]] = []
    position = 0
    for break_start, break_end in [*breaks, (len(text), len(text))]:
        span = _trimmed(text, position, break_start)
        if span is not None:
            spans.append(span)
        position = break_end
    return tuple(spans)
