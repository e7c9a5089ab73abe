"""Recognise text that is not the article: site furniture, wire headers, credits.

Such paragraphs are kept in reports (marked, never silently dropped) but take no
part in matching, so two copies of a story on different sites still match and a
shared "Leave a Reply" never makes two stories look alike.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from dupecheck.errors import SettingsError
from dupecheck.text import fold

Patterns = tuple[tuple[str, re.Pattern[str]], ...]
"""Extra furniture patterns, each with the reason given for a paragraph it matches."""

# A wire dateline opening an article: a place in capitals, maybe a date, maybe an agency, a dash.
_DATELINE = re.compile(
    r"\s*(?P<dateline>(?P<place>[A-Z][A-Z.'-]*(?:\s+[A-Z][A-Z.'-]*){0,3})"
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?))?"
    r"(?:\s*\((?:[A-Za-z][A-Za-z .]{0,24})\))?"
    r"\s*[-\u2013\u2014]{1,2})\s+(?=\S)"
)

# Whole-paragraph patterns, matched against the normalized, stripped paragraph.
_FURNITURE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern))
    for reason, pattern in (
        ("rule line", r"[-=_*~#.\s]+"),
        ("wire page header", r"\d{1,2}:\d{2} \d{1,2}/\d{1,2}/\d{2,4}:.*"),
        ("wire memo", r"\(memo to .*\)"),
        ("credit line", r".{0,200}\bcontributed to this (report|story)\.?"),
        (
            "credit line",
            r".{0,200}\b(reporters?|reporting|writers?|correspondents?)\b.{0,200}\bcontributed\.?",
        ),
        ("credit line", r"(reporting|writing|editing) by .{0,150}"),
        ("agency credit", r"\(?(ap|afp|reuters|pa|upi|dpa|nws|pa news|associated press)\)?"),
        ("author line", r"(admin|administrator|editor|staff|staff writer|staff reporter|web desk)"),
        ("end of story", r"(ends|end|more|-?30-?|#+)"),
        ("copyright line", r"(copyright|\(c\)|©).{0,200}|.{0,200}all rights reserved\.?.{0,100}"),
        ("comment form", r"(leave a (reply|comment)|post a comment|comments?|\d+ comments?)"),
        ("comment form", r"your email( address)? will (not|never) be (published|shown).{0,100}"),
        ("related links", r"(related|more|other|latest|recent|popular|top) (articles|stories|news|posts)"),
        (
            "related links",
            r"(you may also like|you might also like|read more|read next|recommended|trending( now)?)",
        ),
        # Short, like a blurb: "by subscribing" in a sentence of a story is no furniture.
        (
            "newsletter blurb",
            r"(\S+ ){0,8}\S*\b(newsletter|subscribe|sign up|mailing list)\b\S*( \S+){0,8}",
        ),
        (
            "social links",
            r"(stay connected|follow us.{0,60}|share (this|on).{0,60}|facebook|twitter|x|instagram|youtube|linkedin|whatsapp|email)",  # noqa: E501
        ),
        ("advertisement", r"(advertisement|sponsored( content)?|ad)"),
        ("navigation", r"(home|menu|search|skip to (main )?content|email address|submit|go)"),
    )
)

# A byline names people, in capitals: "By Ann Lee, PA News", not "By region, sales rose".
_BYLINE = re.compile(
    r"(?:By|BY|Written by|Edited by|Additional reporting by)\s+[A-Z][\w.'’-]*"
    r"(?:\s+(?:[A-Z][\w.'’-]*|de|da|van|von|der|and|&)){0,5}(?:\s*[,/|]\s*[\w .'’&-]{1,40})?"
)

# Furniture that opens the block of links, teasers and forms below an article.
_TAIL_OPENERS = frozenset({"related links", "comment form", "newsletter blurb"})
_BULLET = re.compile(r"\s*[•·▪*-]\s*\S.{0,60}")


def dateline(paragraph: str) -> str:
    """The wire dateline opening a paragraph (``LONDON, March 3 (Reuters) -``), or "" when none.

    The place must be in capitals and be followed by a dash; the date and agency are optional.

    >>> dateline("CALDERPORT, Nov. 3 (NWS) — The council voted on Thursday.")
    'CALDERPORT, Nov. 3 (NWS) —'
    >>> dateline("WASHINGTON (AP) — Lawmakers met."), dateline("The council voted - narrowly.")
    ('WASHINGTON (AP) —', '')
    """
    match = _DATELINE.match(paragraph)
    if match is None or len(re.sub(r"[^A-Z]", "", match.group("place"))) < 2:
        return ""
    return match.group("dateline")


def read_patterns(path: str | os.PathLike[str]) -> Patterns:
    """Furniture patterns from a file: one regular expression a line, ``#`` comments and blank lines ignored.

    Each must match a whole paragraph, compared case-insensitively after normalization (one kind
    of quote and dash, spaces folded). A pattern that does not compile is a
    :class:`~dupecheck.errors.SettingsError` naming the file and line.
    """
    where = Path(path)
    try:
        lines = where.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        why = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise SettingsError(f"{where}: cannot read the boilerplate patterns ({why})") from None
    patterns = []
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        try:
            compiled = re.compile(text, re.IGNORECASE)
        except re.error as error:
            raise SettingsError(
                f"{where}:{number}: not a valid regular expression ({error}); fix or remove the line"
            ) from None
        patterns.append((f"boilerplate pattern ({where.name}:{number})", compiled))
    return tuple(patterns)


def furniture_reason(paragraph: str, extra: Patterns = (), folded: str | None = None) -> str:
    """Why a paragraph is site or wire furniture, or "" when it is not.

    ``extra`` patterns are tried after the built-in ones. ``folded``, when the caller has
    it already, must be ``fold(paragraph)`` (:func:`~dupecheck.text.fold`).

    >>> furniture_reason("Leave a Reply")
    'comment form'
    >>> furniture_reason("The council voted 11 to 4 on Tuesday.")
    ''
    >>> furniture_reason("By Damien Brook, PA News"), furniture_reason("By region, sales rose 4 pct.")
    ('byline', '')
    """
    if folded is None:
        folded = fold(paragraph)
    for reason, pattern in extra:
        if pattern.fullmatch(folded):
            return reason
    if len(folded) > 300:
        return ""
    for reason, pattern in _FURNITURE:
        if pattern.fullmatch(folded):
            return reason
    if _BYLINE.fullmatch(" ".join(paragraph.split())):
        return "byline"
    lines = paragraph.strip().splitlines()
    if len(lines) > 1 and all(_BULLET.fullmatch(line) for line in lines):
        return "link list"
    return ""


def furniture(
    paragraphs: Sequence[str],
    content_share: Sequence[int],
    extra: Patterns = (),
    folded: Sequence[str] | None = None,
) -> tuple[str, ...]:
    """The furniture reason for each paragraph of one article ("" for article text).

    Below the article body, once a "Related Articles", comment form or newsletter
    blurb appears, the rest of the page is teasers and forms: all of it is marked,
    the teasers of other stories included. ``content_share`` gives each paragraph's
    length, so a marker in the top half (a navigation bar) does not swallow the article.
    ``extra`` patterns (:func:`read_patterns`) mark paragraphs as the built-in ones do.
    ``folded``, when the caller has it already, must hold ``fold(p)`` of each paragraph.
    """
    forms = [fold(p) for p in paragraphs] if folded is None else folded
    reasons = [furniture_reason(p, extra, form) for p, form in zip(paragraphs, forms, strict=True)]
    total = sum(content_share) or 1
    seen = 0
    for index, reason in enumerate(reasons):
        if reason in _TAIL_OPENERS and seen * 2 >= total:
            opener = paragraphs[index].strip()
            for later in range(index + 1, len(reasons)):
                reasons[later] = reasons[later] or f"below '{opener[:40]}'"
            break
        seen += content_share[index]
    return tuple(reasons)
