"""Recognise text that is not the article: site furniture, wire headers, credits.

Such paragraphs are kept in reports (marked, never silently dropped) but take no
part in matching, so two copies of a story on different sites still match and a
shared "Leave a Reply" never makes two stories look alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dupecheck.text import normalize

# Whole-paragraph patterns, matched against the normalized, stripped paragraph.
_FURNITURE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern))
    for reason, pattern in (
        ("rule line", r"[-=_*~#.\s]+"),
        ("wire page header", r"\d{1,2}:\d{2} \d{1,2}/\d{1,2}/\d{2,4}:.*"),
        ("wire memo", r"\(memo to .*\)"),
        ("credit line", r".{0,200}\bcontributed( to this (report|story))?\.?"),
        ("credit line", r"(reporting|writing|editing) by .{0,150}"),
        ("byline", r"(by|written by|edited by|additional reporting by)\s.{0,100}"),
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
        ("newsletter blurb", r".{0,80}\b(newsletter|subscribe|sign up|mailing list)\b.{0,80}"),
        (
            "social links",
            r"(stay connected|follow us.{0,60}|share (this|on).{0,60}|facebook|twitter|x|instagram|youtube|linkedin|whatsapp|email)",  # noqa: E501
        ),
        ("advertisement", r"(advertisement|sponsored( content)?|ad)"),
        ("navigation", r"(home|menu|search|skip to (main )?content|email address|submit|go)"),
    )
)

# Furniture that opens the block of links, teasers and forms below an article.
_TAIL_OPENERS = frozenset({"related links", "comment form", "newsletter blurb"})
_BULLET = re.compile(r"\s*[•·▪*-]\s*\S.{0,60}")


def furniture_reason(paragraph: str) -> str:
    """Why a paragraph is site or wire furniture, or "" when it is not.

    >>> furniture_reason("Leave a Reply")
    'comment form'
    >>> furniture_reason("The council voted 11 to 4 on Tuesday.")
    ''
    """
    folded = " ".join(normalize(paragraph).split())
    if len(folded) > 300:
        return ""
    for reason, pattern in _FURNITURE:
        if pattern.fullmatch(folded):
            return reason
    lines = paragraph.strip().splitlines()
    if len(lines) > 1 and all(_BULLET.fullmatch(line) for line in lines):
        return "link list"
    return ""


def furniture(paragraphs: Sequence[str], content_share: Sequence[int]) -> tuple[str, ...]:
    """The furniture reason for each paragraph of one article ("" for article text).

    Below the article body, once a "Related Articles", comment form or newsletter
    blurb appears, the rest of the page is teasers and forms: all of it is marked,
    the teasers of other stories included. ``content_share`` gives each paragraph's
    length, so a marker in the top half (a navigation bar) does not swallow the article.
    """
    reasons = [furniture_reason(p) for p in paragraphs]
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
