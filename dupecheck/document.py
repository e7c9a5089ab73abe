"""Turn an article into a Document: paragraphs, each with its terms and kind."""

from __future__ import annotations

from dupecheck.boilerplate import furniture
from dupecheck.model import Article, Document, Paragraph, ParagraphKind
from dupecheck.segment import paragraph_spans
from dupecheck.settings import Settings
from dupecheck.text import content_terms


def build_document(article: Article, settings: Settings) -> Document:
    r"""Segment an article and mark which paragraphs take part in matching.

    >>> text = "Leave a Reply\n\nThe council voted to fund a barrier."
    >>> doc = build_document(Article("a", text), Settings())
    >>> [p.kind.value for p in doc.paragraphs]
    ['boilerplate', 'content']
    """
    spans = paragraph_spans(article.text)
    texts = [article.text[start:end] for start, end in spans]
    reasons = furniture(texts, [end - start for start, end in spans])
    paragraphs = []
    for index, ((start, end), text, reason) in enumerate(zip(spans, texts, reasons)):
        terms = content_terms(text)
        if reason:
            kind = ParagraphKind.BOILERPLATE
        elif len(terms) < settings.min_terms:
            kind, reason = ParagraphKind.SHORT, f"fewer than {settings.min_terms} content words"
        else:
            kind = ParagraphKind.CONTENT
        paragraphs.append(Paragraph(index, start, end, kind, terms, reason))
    return Document(article, tuple(paragraphs))
