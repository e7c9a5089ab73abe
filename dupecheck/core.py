"""The pipeline as one call: articles in, a report out. Nothing here prints."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from dupecheck.align import compare_documents, match_view
from dupecheck.candidates import candidate_pairs, identical_pairs
from dupecheck.document import build_document
from dupecheck.errors import InputError
from dupecheck.group import groups_of
from dupecheck.model import Article, CompareReport, Document, ScanReport, Skipped
from dupecheck.settings import Settings
from dupecheck.shingle import shingle_hashes
from dupecheck.sign import signatures
from dupecheck.vocabulary import common_shingles

Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    """Progress callback that ignores its arguments."""


def find_duplicates(
    articles: Iterable[Article],
    *,
    settings: Settings | None = None,
    skipped: Iterable[Skipped] = (),
    progress: Progress = _no_progress,
    focus: Collection[str] | None = None,
    files: int = 0,
) -> ScanReport:
    """Find the near-duplicate and rewritten articles among ``articles``.

    With ``focus`` (article ids), only pairs with at least one article in it are verified:
    changed articles are checked against all the others without comparing the rest again.

    >>> text = "The council voted eleven to four to fund a tidal barrier after the storm."
    >>> report = find_duplicates([Article("a", text), Article("b", text + " It will cost millions.")])
    >>> [(p.a, p.b, p.relation.value) for p in report.pairs]
    [('a', 'b', 'duplicate')]
    """
    settings = settings or Settings()
    articles = list(articles)
    ids = [a.id for a in articles]
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        repeated = sorted({i for i in ids if i in seen or seen.add(i)})  # type: ignore[func-returns-value]
        raise InputError(f"article ids must be unique; repeated: {', '.join(repeated[:5])}")
    documents = []
    for number, article in enumerate(articles, 1):
        documents.append(build_document(article, settings))
        progress("segment", number, len(articles))

    common = common_shingles(documents, settings)
    views = [match_view(document, common, settings.min_terms) for document in documents]
    # One signature per paragraph, and one per article (index -1) for articles whose
    # paragraphs were split differently (a hard-wrapped copy of an unwrapped story).
    keys: list[tuple[int, int]] = []
    shingle_sets: list[frozenset[str]] = []
    for d, view in enumerate(views):
        for i, paragraph_set in enumerate(view.sets):
            if paragraph_set:
                keys.append((d, i))
                shingle_sets.append(paragraph_set)
        if len(view.sets) > 1 and any(view.sets):
            keys.append((d, -1))
            shingle_sets.append(frozenset().union(*view.sets))
    minhashes = signatures([shingle_hashes(s) for s in shingle_sets], settings)
    progress("sign", len(keys), len(keys))
    candidates = sorted(
        set(candidate_pairs(keys, minhashes, settings))
        | set(identical_pairs([view.identity for view in views]))
    )
    if focus is not None:
        focused = set(focus)
        candidates = [(i, j) for i, j in candidates if ids[i] in focused or ids[j] in focused]

    pairs = []
    for number, (i, j) in enumerate(candidates, 1):
        result = compare_documents(documents[i], documents[j], settings, (views[i], views[j]))
        if result.relation is not None:
            pairs.append((i, j, result))
        progress("verify", number, len(candidates))
    return ScanReport(
        documents=tuple(documents),
        groups=groups_of(ids, [(i, j) for i, j, _ in pairs]),
        pairs=tuple(result for _, _, result in pairs),
        settings=settings,
        skipped=tuple(skipped),
        candidates=len(candidates),
        files=files,
    )


def compare(a: Article, b: Article, *, settings: Settings | None = None) -> CompareReport:
    """Compare two articles paragraph by paragraph, whatever their relation.

    >>> report = compare(Article("a", "Leave a Reply"), Article("b", "Nothing in common here at all."))
    >>> report.pair.relation is None
    True
    """
    settings = settings or Settings()
    doc_a: Document = build_document(a, settings)
    doc_b: Document = build_document(b, settings)
    return CompareReport(doc_a, doc_b, compare_documents(doc_a, doc_b, settings), settings)
