"""Text safe to print on a terminal: what a hostile id or article could use to drive it, escaped."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""C0 controls (ESC among them), DEL and C1 controls (CSI among them): what terminals act on."""


def printable(text: str) -> str:
    r"""``text`` with each control character written as an escape, such as ``\x1b`` for ESC.

    Ids, file names and article text come from the files read: printed raw, an escape sequence
    in one could clear the screen, move the cursor, retitle the window or hide lines of the
    report. JSON keeps the exact text; what people read on a terminal gets this.

    >>> printable("a\x1b[2Jb\tc\x9b")
    'a\\x1b[2Jb\\x09c\\x9b'
    """
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)
