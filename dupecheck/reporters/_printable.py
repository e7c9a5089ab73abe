"""Text safe to print on a terminal: what a hostile id or article could use to drive it, escaped."""

from __future__ import annotations

import re
from collections.abc import Callable

_BIDI = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
r"""Bidirectional marks, embeddings, overrides and isolates: invisible, they reorder what is shown
around them (the "Trojan Source" trick): ``report\u202efdp.exe`` is shown as ``reportexe.pdf``."""
_ESCAPED = re.compile(rf"[\x00-\x1f\x7f-\x9f{_BIDI}]")
"""C0 controls (ESC among them), DEL and C1 controls (CSI among them): what terminals act on; and
the bidirectional controls, which terminals and GitHub's pages act on."""


def printable(text: str, *, keep: str = "", shown: Callable[[str], str] | None = None) -> str:
    r"""``text`` with each control character written as an escape: ``\x1b`` for ESC, ``\u202e`` for RLO.

    Ids, file names and article text come from the files read: printed raw, an escape sequence
    in one could clear the screen, move the cursor, retitle the window or hide lines of the
    report, and a bidirectional control could show its characters in another order than they
    are. JSON keeps the exact text; what people read on a terminal gets this.

    ``keep`` names control characters left as they are (the white space a web page lays out);
    ``shown`` turns each escape into what is written in its place (the HTML report styles it).

    >>> printable("a\x1b[2Jb\tc\x9b")
    'a\\x1b[2Jb\\x09c\\x9b'
    >>> printable("report\u202efdp.exe")
    'report\\u202efdp.exe'
    >>> printable("a\tb\u202e", keep="\t", shown=lambda escaped: f"<{escaped}>")
    'a\tb<\\u202e>'
    """

    def replace(match: re.Match[str]) -> str:
        character = match.group()
        if character in keep:
            return character
        escaped = _escape(character)
        return escaped if shown is None else shown(escaped)

    return _ESCAPED.sub(replace, text)


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
