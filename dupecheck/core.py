"""The pipeline as one call: articles in, a report out. Nothing here prints."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import itertools
import os
from collections.abc import Callable, Collection, Iterable, Sequence
from enum import StrEnum
from functools import lru_cache

import numpy as np

from dupecheck.align import (
    MatchView,
    compare_documents,
    evidence_hashes,
    identity_of,
    match_view,
    may_relate,
)
from dupecheck.bands import band_layout, colliding_pairs
from dupecheck.boilerplate import Patterns
from dupecheck.cache import SegmentCache, Signed
from dupecheck.candidates import identical_pairs
from dupecheck.document import (
    ParagraphRow,
    build_document,
    document_from,
    document_of_rows,
    paragraph_rows,
    paragraphs_json,
)
from dupecheck.errors import InputError, SettingsError
from dupecheck.group import groups_of
from dupecheck.model import Article, CompareReport, Document, PairResult, ScanReport, Skipped
from dupecheck.parallel import default_jobs, map_batches, ordered_map
from dupecheck.repeated import key_hash_array, repeated_from_hashes
from dupecheck.settings import Settings
from dupecheck.shingle import is_in, shingle_keys, split_by_owner
from dupecheck.sign import signature_matrix
from dupecheck.vocabulary import common_from_hashes, shingle_hash_arrays

Progress = Callable[[str, int, int], None]
_SIGNING = "evidence shingles 1"
"""Names how signatures are made: change it when they change, so cached ones are not reused."""
_VIEWS_KEPT = 4096
"""Match views each process keeps while verifying (the rest are made again when needed)."""


class SameSource(StrEnum):
    """What to do with a pair of articles from one outlet: report it like any other, or ignore it."""

    REPORT = "report"
    IGNORE = "ignore"


SAME_SOURCE = tuple(choice.value for choice in SameSource)


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
    same_source: str = "report",
    window: int | None = None,
    boilerplate: Patterns = (),
    learn_boilerplate: bool = True,
    jobs: int | None = None,
    cache: str | os.PathLike[str] | None = None,
) -> ScanReport:
    """Find the near-duplicate and rewritten articles among ``articles``.

    With ``focus`` (article ids), only pairs with at least one article in it are verified:
    changed articles are checked against all the others without comparing the rest again.
    With ``same_source="ignore"``, two articles with the same (non-empty) ``outlet`` are
    never paired: a site's own follow-ups are not copies. With ``window`` (days), two
    articles whose dates are both known and further apart than that are never paired.
    ``boilerplate`` adds furniture patterns (:func:`~dupecheck.boilerplate.read_patterns`).
    With ``learn_boilerplate``, a paragraph repeated word for word across many otherwise
    unrelated articles is furniture too (:func:`~dupecheck.repeated.repeated_paragraphs`).
    ``jobs`` processes share the per-article and per-pair work (default: one per CPU);
    the report is the same for any number. With ``cache`` (a file), segmented articles are
    kept there and reused by the next scan of the same texts (see :mod:`dupecheck.cache`).

    >>> text = "The council voted eleven to four to fund a tidal barrier after the storm."
    >>> report = find_duplicates([Article("a", text), Article("b", text + " It will cost millions.")])
    >>> [(p.a, p.b, p.relation.value) for p in report.pairs]
    [('a', 'b', 'duplicate')]
    """
    settings = settings or Settings()
    if same_source not in SAME_SOURCE:
        raise SettingsError(f"same_source must be one of {', '.join(SAME_SOURCE)}, not '{same_source}'")
    if window is not None and window < 0:
        raise SettingsError(f"window must be 0 days or more, not {window}")
    if jobs is None:
        jobs = default_jobs()
    elif jobs < 1:
        raise SettingsError(f"jobs must be 1 or more, not {jobs}")
    articles = list(articles)
    ids = [a.id for a in articles]
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        repeated = sorted({i for i in ids if i in seen or seen.add(i)})  # type: ignore[func-returns-value]
        raise InputError(f"article ids must be unique; repeated: {', '.join(repeated[:5])}")
    documents, common, signed = _prepared(
        articles, settings, boilerplate, learn_boilerplate, jobs, progress, cache
    )
    owners = np.repeat(np.arange(len(signed)), [len(rows) for _, rows in signed])
    matrix = (
        np.vstack([rows for _, rows in signed]) if signed else np.zeros((0, settings.num_perm), np.uint32)
    )
    identities = [identity for identity, _ in signed]
    del signed
    progress("sign", len(owners), len(owners))
    bands, rows = band_layout(settings.candidate_threshold, settings.num_perm)
    candidates = sorted(set(colliding_pairs(owners, matrix, bands, rows)) | set(identical_pairs(identities)))
    del matrix, owners
    progress("candidates", 1, 1)
    if focus is not None:
        focused = set(focus)
        candidates = [(i, j) for i, j in candidates if ids[i] in focused or ids[j] in focused]
    if same_source == "ignore" or window is not None:
        candidates = [
            (i, j)
            for i, j in candidates
            if comparable(articles[i], articles[j], same_source=same_source, window=window)
        ]

    # Views are made where pairs are verified, only for articles in candidate pairs; pairs
    # come sorted, so an article's view is mostly reused by the pairs after it.
    @lru_cache(maxsize=_VIEWS_KEPT)
    def view_of(number: int) -> MatchView:
        return match_view(documents[number], common, settings.min_terms)

    def verify(pair: tuple[int, int]) -> PairResult | None:
        i, j = pair
        views = (view_of(i), view_of(j))
        if not may_relate(views, settings):
            return None
        result = compare_documents(documents[i], documents[j], settings, views)
        return result if result.relation is not None else None

    verified = ordered_map(verify, candidates, jobs, lambda done: progress("verify", done, len(candidates)))
    pairs = [(i, j, result) for (i, j), result in zip(candidates, verified) if result is not None]
    groups = groups_of(ids, [(i, j) for i, j, _ in pairs])
    progress("group", 1, 1)
    return ScanReport(
        documents=tuple(documents),
        groups=groups,
        pairs=tuple(result for _, _, result in pairs),
        settings=settings,
        skipped=tuple(skipped),
        candidates=len(candidates),
        files=files,
    )


def _prepared(
    articles: Sequence[Article],
    settings: Settings,
    boilerplate: Patterns,
    learn_boilerplate: bool,
    jobs: int,
    progress: Progress,
    cache: str | os.PathLike[str] | None,
) -> tuple[list[Document], frozenset[str], list[tuple[str, np.ndarray]]]:
    """The articles' documents, the corpus vocabulary, and each article's identity digest and signatures.

    With a ``cache``, articles it holds are not segmented, shingled or signed again. Their
    stored signatures are reused when the MinHash settings are the same and the same ones
    of their shingles are corpus vocabulary as when they were made. An article whose
    paragraphs learned boilerplate marks is shingled and signed anew.
    """
    with contextlib.ExitStack() as stack:
        kept = None if cache is None else stack.enter_context(SegmentCache(cache, settings, boilerplate))
        text_keys = [] if kept is None else [kept.key(article.text) for article in articles]
        documents = _segmented(articles, settings, boilerplate, jobs, progress, kept, text_keys)
        keys: list[str | None] = [*text_keys] if kept is not None else [None] * len(articles)
        if learn_boilerplate:
            learned = list(repeated_from_hashes(documents, _paragraph_keys(documents, keys, kept, jobs)))
            keys = [key if new is old else None for key, new, old in zip(keys, learned, documents)]
            documents = learned
        stored = {} if kept is None else kept.get_signed(key for key in keys if key)
        found = [stored.get(key) if key else None for key in keys]
        missing = [number for number, entry in enumerate(found) if entry is None]
        made = iter(map_batches(shingle_hash_arrays, [documents[number] for number in missing], jobs))
        arrays = [entry.shingles if entry is not None else next(made) for entry in found]
        common = common_from_hashes(documents, arrays, settings)
        common_keys = shingle_keys(common)
        progress("vocabulary", 1, 1)
        reused: dict[int, tuple[str, np.ndarray]] = {}
        salts: list[str] = []
        if kept is None:
            arrays.clear()  # a key per shingle of every article: the largest thing a scan holds
        else:
            salts = _signing_salts(arrays, common_keys, settings)
            for number, (entry, salt) in enumerate(zip(found, salts)):
                rows = entry.rows(settings.num_perm) if entry is not None and entry.salt == salt else None
                if entry is not None and rows is not None:
                    reused[number] = (entry.identity, rows)
        unsigned = [number for number in range(len(documents)) if number not in reused]
        fresh = dict(
            zip(
                unsigned,
                map_batches(
                    lambda batch: sign_documents(batch, common_keys, settings),
                    [documents[number] for number in unsigned],
                    jobs,
                    lambda done: progress("shingle", done, len(unsigned)),
                ),
            )
        )
        if kept is not None:
            kept.put_signed(
                {
                    key: Signed.of(arrays[number], salts[number], *fresh[number])
                    for number in unsigned
                    if (key := keys[number]) is not None
                }
            )
            kept.prune()
    return documents, common, [reused[n] if n in reused else fresh[n] for n in range(len(documents))]


def _paragraph_keys(
    documents: Sequence[Document], keys: Sequence[str | None], kept: SegmentCache | None, jobs: int
) -> list[np.ndarray]:
    """Each document's :func:`~dupecheck.repeated.key_hash_array`, from the cache (by ``keys``) when there."""
    stored = {} if kept is None else kept.get_paragraph_keys(key for key in keys if key)
    missing = [number for number, key in enumerate(keys) if key not in stored]
    made = dict(zip(missing, ordered_map(key_hash_array, [documents[number] for number in missing], jobs)))
    if kept is not None:
        kept.put_paragraph_keys({key: made[n] for n in missing if (key := keys[n]) is not None})
    return [stored[key] if key is not None and key in stored else made[n] for n, key in enumerate(keys)]


def _signing_salts(arrays: Sequence[np.ndarray], common: np.ndarray, settings: Settings) -> list[str]:
    """For each article, a digest of everything its signatures depend on besides its paragraphs.

    That is the MinHash settings, ``min_terms``, and which of the article's own shingle
    keys (``arrays``) are corpus vocabulary (``common``): the rest of the corpus
    vocabulary does not touch this article's signatures.
    """
    if not arrays:
        return []
    flat = np.concatenate(arrays)
    owners = np.repeat(np.arange(len(arrays)), [len(array) for array in arrays])
    chosen = is_in(flat, common)
    own, owners = flat[chosen], owners[chosen]
    order = np.lexsort((own, owners))
    prefix = f"{_SIGNING} {settings.num_perm} {settings.seed} {settings.min_terms} ".encode()
    return [
        hashlib.blake2b(prefix + keys.astype("<u8").tobytes()).hexdigest()
        for keys in split_by_owner(own[order], owners[order], len(arrays))
    ]


def _segmented(
    articles: Sequence[Article],
    settings: Settings,
    boilerplate: Patterns,
    jobs: int,
    progress: Progress,
    kept: SegmentCache | None,
    keys: Sequence[str],
) -> list[Document]:
    """Every article segmented, from the cache when it holds its text (``keys``) under the same settings."""

    # Workers send paragraphs back as plain tuples, not Documents: cheaper to pickle, each
    # distinct term goes once per batch, and the article text, which this process has,
    # does not travel.
    def segment(article: Article) -> tuple[ParagraphRow, ...]:
        return paragraph_rows(build_document(article, settings, boilerplate=boilerplate))

    def segment_all(chosen: Sequence[Article]) -> list[Document]:
        rows = ordered_map(segment, chosen, jobs, lambda done: progress("segment", done, len(chosen)))
        return [document_of_rows(article, paragraphs) for article, paragraphs in zip(chosen, rows)]

    if kept is None:
        return segment_all(articles)
    found = kept.get(keys)
    missing = {key: article for key, article in zip(keys, articles) if key not in found}
    made = dict(zip(missing, segment_all(list(missing.values()))))
    kept.put({key: paragraphs_json(document) for key, document in made.items()})
    return [
        dataclasses.replace(made[key], article=article) if key in made else document_from(article, found[key])
        for article, key in zip(articles, keys)
    ]


def sign_documents(
    documents: Sequence[Document], common: np.ndarray, settings: Settings
) -> list[tuple[str, np.ndarray]]:
    """For each document, a digest of its words and the signatures of its evidence shingles.

    Both engines sign with this: the local one in its worker processes, the Spark one in
    its executors. ``common`` holds the corpus vocabulary's keys (:func:`~dupecheck.shingle.shingle_keys`).

    The digest is equal for word-for-word copies, and "" for an article without words.
    There is one signature per content paragraph, and one for the whole article when it
    has several (so a hard-wrapped copy of an unwrapped story, split into other
    paragraphs, still meets it). ``common`` holds the corpus vocabulary's shingle keys.

    Only these cross back from a worker: the view itself is made again for the few
    articles in candidate pairs, instead of every article's shingles being kept.
    """
    sets: list[np.ndarray] = []
    counts = []
    for paragraphs in evidence_hashes(documents, common, settings.min_terms):
        hashes = [found for found in paragraphs if len(found)]
        if len(paragraphs) > 1 and hashes:
            hashes.append(np.concatenate(hashes))
        sets += hashes
        counts.append(len(hashes))
    rows = np.split(signature_matrix(sets, settings), list(itertools.accumulate(counts))[:-1])
    digests = []
    for document in documents:
        identity = identity_of(document)
        digests.append(
            hashlib.blake2b(identity.encode("utf-8", "surrogatepass")).hexdigest() if identity else ""
        )
    return list(zip(digests, rows))


def comparable(a: Article, b: Article, *, same_source: str = "report", window: int | None = None) -> bool:
    """Whether two articles may be paired: not from one outlet (when ignored), not too far apart in time.

    Unknown outlets and dates never keep a pair out.

    >>> a = Article("a", "...", outlet="Gazette", date="2026-03-01")
    >>> comparable(a, Article("b", "...", outlet="Gazette"), same_source="ignore")
    False
    >>> later, undated = Article("c", "...", date="2026-03-09"), Article("d", "...")
    >>> comparable(a, later, window=7), comparable(a, undated, window=7)
    (False, True)
    """
    if same_source == "ignore" and a.outlet and a.outlet == b.outlet:
        return False
    if window is not None and a.date and b.date:
        try:
            days = abs((datetime.date.fromisoformat(a.date) - datetime.date.fromisoformat(b.date)).days)
        except ValueError:
            return True
        return days <= window
    return True


def compare(
    a: Article, b: Article, *, settings: Settings | None = None, boilerplate: Patterns = ()
) -> CompareReport:
    """Compare two articles paragraph by paragraph, whatever their relation (``boilerplate``: more furniture).

    >>> report = compare(Article("a", "Leave a Reply"), Article("b", "Nothing in common here at all."))
    >>> report.pair.relation is None
    True
    """
    settings = settings or Settings()
    doc_a: Document = build_document(a, settings, boilerplate=boilerplate)
    doc_b: Document = build_document(b, settings, boilerplate=boilerplate)
    return CompareReport(doc_a, doc_b, compare_documents(doc_a, doc_b, settings), settings)
