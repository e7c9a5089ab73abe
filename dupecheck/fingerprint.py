"""Content fingerprints: one stable name for an article's text, whatever its file is called.

A baseline keys accepted pairs by these, so renaming a file, re-wrapping its lines or
changing the site furniture around it does not turn an accepted pair into a new one.
"""

from __future__ import annotations

import hashlib

from dupecheck.model import Document, ParagraphKind
from dupecheck.text import normalize

PREFIX = "sha256:"
"""Every fingerprint names its hash, so a later change of hash cannot be mistaken for a match."""


def text_fingerprint(text: str) -> str:
    r"""The SHA-256 of ``text`` normalized and with every run of whitespace folded to one space.

    >>> text_fingerprint("The  council\nvoted.") == text_fingerprint("the council voted.")
    True
    >>> text_fingerprint("a")[:7]
    'sha256:'
    """
    folded = " ".join(normalize(text).split())
    return PREFIX + hashlib.sha256(folded.encode("utf-8")).hexdigest()


def content_fingerprint(document: Document) -> str:
    """The fingerprint of a document's text less its boilerplate paragraphs.

    Boilerplate detection does not depend on the matching settings, so the same
    article has the same fingerprint whatever thresholds a scan used.
    """
    kept = (
        document.text_of(paragraph)
        for paragraph in document.paragraphs
        if paragraph.kind is not ParagraphKind.BOILERPLATE
    )
    return text_fingerprint("\n".join(kept))
