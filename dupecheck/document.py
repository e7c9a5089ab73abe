"""Turn an article into a Document: paragraphs, each with its terms and kind (and back from storage)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from operator import itemgetter

import numpy as np

from dupecheck.boilerplate import Patterns, dateline, furniture
from dupecheck.model import KINDS_BY_VALUE, Article, Document, Paragraph, ParagraphKind
from dupecheck.repeated import key_hashes
from dupecheck.segment import check_spans, paragraph_spans
from dupecheck.settings import Settings
from dupecheck.text import content_terms, fold

_DATELINE_WITHIN = 3
_DATELINE_REASON = "dateline left out of matching: "
StoredRow = tuple[int, int, ParagraphKind, str, list[str]]
"""A stored paragraph (:func:`stored_rows`): start, end, kind, reason, terms."""
_SPAN = itemgetter(0, 1)


def build_document(article: Article, settings: Settings, *, boilerplate: Patterns = ()) -> Document:
    r"""Segment an article and mark which paragraphs take part in matching.

    ``boilerplate`` holds extra furniture patterns (:func:`~dupecheck.boilerplate.read_patterns`).
    A wire dateline opening the first paragraph of text after the headline (``LONDON, March 3 (Reuters) -``)
    is left out of that paragraph's terms, and named in its ``reason``: every copy of a
    wire story carries it, so it says nothing about the story.

    >>> text = "Leave a Reply\n\nThe council voted to fund a barrier."
    >>> doc = build_document(Article("a", text), Settings())
    >>> [p.kind.value for p in doc.paragraphs]
    ['boilerplate', 'content']
    """
    return _segmented(article, settings, boilerplate)[0]


def document_and_key_hashes(
    article: Article, settings: Settings, *, boilerplate: Patterns = ()
) -> tuple[Document, np.ndarray]:
    r""":func:`build_document`, with the :func:`~dupecheck.repeated.key_hash_array` of the document.

    Furniture is found in the paragraphs' folded forms, and their keys are those forms,
    so an article being segmented folds each paragraph once.

    >>> from dupecheck.repeated import key_hash_array
    >>> doc, hashes = document_and_key_hashes(Article("a", "Leave a Reply\n\nThe council voted."), Settings())
    >>> doc == build_document(doc.article, Settings()), sorted(hashes) == sorted(key_hash_array(doc))
    (True, True)
    """
    document, folded = _segmented(article, settings, boilerplate)
    keys = frozenset(folded[p.index] for p in document.paragraphs if p.is_content)
    return document, key_hashes(keys)


def _segmented(article: Article, settings: Settings, boilerplate: Patterns) -> tuple[Document, list[str]]:
    """:func:`build_document`, and each paragraph's folded form (:func:`~dupecheck.text.fold`)."""
    spans = paragraph_spans(article.text)
    texts = [article.text[start:end] for start, end in spans]
    folded = [fold(text) for text in texts]
    reasons = furniture(texts, [end - start for start, end in spans], boilerplate, folded)
    paragraphs = []
    # The dateline opens the story's first paragraph, after a headline and standfirst at most.
    opening = [index for index, reason in enumerate(reasons) if not reason][:_DATELINE_WITHIN]
    found = next(((index, line) for index in opening if (line := dateline(texts[index]))), None)
    for index, ((start, end), text, reason) in enumerate(zip(spans, texts, reasons)):
        removed = found[1] if found is not None and found[0] == index else ""
        terms = content_terms(text[text.index(removed) + len(removed) :] if removed else text)
        if reason:
            kind = ParagraphKind.BOILERPLATE
        elif len(terms) < settings.min_terms:
            kind, reason = ParagraphKind.SHORT, _short_reason(settings.min_terms)
        else:
            kind = ParagraphKind.CONTENT
            reason = f"{_DATELINE_REASON}'{removed}'" if removed else ""
        paragraphs.append(Paragraph(index, start, end, kind, terms, reason))
    return Document(article, tuple(paragraphs)), folded


def _short_reason(min_terms: int) -> str:
    return f"fewer than {min_terms} content words"


def paragraphs_json(document: Document) -> str:
    """A document's paragraphs (spans, kinds, reasons, terms) as compact JSON, for storage."""
    return json.dumps(
        [[p.start, p.end, p.kind.value, p.reason, list(p.terms)] for p in document.paragraphs],
        ensure_ascii=False,
    )


def document_from(article: Article, paragraphs: str) -> Document:
    """The Document stored for ``article`` (``paragraphs`` as :func:`paragraphs_json` writes them).

    Terms are interned: a corpus repeats a few hundred thousand words millions of times,
    and each is then held once, not once per occurrence.
    """
    return document_of_rows(article, stored_rows(paragraphs))


def document_of_rows(article: Article, rows: Iterable[StoredRow]) -> Document:
    """The Document of ``article`` with paragraphs as :func:`stored_rows` reads them (terms interned)."""
    return Document(
        article,
        tuple(
            Paragraph(index, start, end, kind, tuple(map(sys.intern, terms)), reason)
            for index, (start, end, kind, reason, terms) in enumerate(rows)
        ),
    )


def stored_rows(paragraphs: str) -> list[StoredRow]:
    """The paragraphs :func:`paragraphs_json` wrote, as rows: start, end, kind, reason, terms.

    What :func:`document_from` reads, without making a Document of it.

    >>> stored_rows('[[0, 4, "content", "", ["council"]]]')
    [(0, 4, <ParagraphKind.CONTENT: 'content'>, '', ['council'])]
    """
    return [
        (int(start), int(end), KINDS_BY_VALUE[kind], reason, terms)
        for start, end, kind, reason, terms in json.loads(paragraphs)
    ]


def check_rows(text: str, rows: Sequence[StoredRow], min_terms: int) -> None:
    r"""Raise a ValueError saying what is wrong when ``rows`` cannot be segmenting's paragraphs of ``text``.

    Stored paragraphs (a cache's) are trusted only after these checks, cheap beside
    segmenting again: their spans pass :func:`~dupecheck.segment.check_spans` (in order
    within the text, all of its words in them), and each paragraph's kind agrees with its
    number of terms under ``min_terms`` and with its reason.

    >>> rows = stored_rows('[[0, 10, "short", "fewer than 4 content words", ["two", "word"]]]')
    >>> check_rows("Two words.", rows, 4)
    >>> check_rows("Two words.", [], 4)
    Traceback (most recent call last):
    ValueError: characters 0 to 10 hold words but are in no paragraph
    """
    check_spans(text, map(_SPAN, rows))
    short = _short_reason(min_terms)
    for index, (_, _, kind, reason, terms) in enumerate(rows):
        if not isinstance(terms, list) or not isinstance(reason, str):
            raise ValueError(f"paragraph {index} has terms or a reason that are not text")
        if kind is ParagraphKind.CONTENT:
            agrees = len(terms) >= min_terms and (not reason or reason.startswith(_DATELINE_REASON))
        elif kind is ParagraphKind.SHORT:
            agrees = len(terms) < min_terms and reason == short
        else:
            agrees = bool(reason)
        if not agrees:
            raise ValueError(f"paragraph {index} is {kind.value} with {len(terms)} terms, reason '{reason}'")
