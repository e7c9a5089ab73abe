"""The pipeline as one call: articles in, a report out. Nothing here prints."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import itertools
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache, partial

import numpy as np

from dupecheck.align import (
    MatchView,
    compare_documents,
    evidence_table,
    identity_of,
    identity_of_terms,
    match_view,
    may_relate,
)
from dupecheck.bands import BandCollisions, band_keys, band_layout
from dupecheck.boilerplate import Patterns
from dupecheck.cache import CacheError, Expected, Row, SegmentCache, Signed, made_from
from dupecheck.candidates import identical_pairs
from dupecheck.document import (
    StoredRow,
    build_document,
    check_rows,
    document_and_key_hashes,
    document_of_rows,
    paragraphs_json,
    stored_rows,
)
from dupecheck.errors import InputError, SettingsError
from dupecheck.group import groups_of
from dupecheck.model import Article, CompareReport, Document, PairResult, ScanReport, Skipped
from dupecheck.parallel import default_jobs, map_batches, map_parts, ordered_map
from dupecheck.pretest import Evidence, may_relate_pairs
from dupecheck.repeated import KeyHashError, key_hash_array, learned_marks
from dupecheck.settings import Settings
from dupecheck.shingle import Shingled, is_in, shingle_keys, shingled, split_by_owner
from dupecheck.sign import signature_rows
from dupecheck.spill import DocumentStore, EvidenceArrays, KeyArrays, Records, encode_document, encode_rows
from dupecheck.vocabulary import common_from_hashes

Progress = Callable[[str, int, int], None]
_SIGNING = "evidence shingles 1"
"""Names how signatures are made: change it when they change, so cached ones are not reused."""
_WHOLE_ROW_STEP = 8
"""Stored signatures are checked against their whole article's row at every this-many-th value:
damage shows in most values, and checking all 128 took a tenth of a second for 5,000 articles."""
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

    ``articles`` may be any iterable, a generator over a corpus larger than memory too: it
    is read once, a batch at a time, and the report's documents are kept in a temporary
    file (:class:`~dupecheck.spill.DocumentStore`) and read back when a reporter asks.

    >>> text = "The council voted eleven to four to fund a tidal barrier after the storm."
    >>> report = find_duplicates([Article("a", text), Article("b", text + " It will cost millions.")])
    >>> [(p.a, p.b, p.relation.value) for p in report.pairs]
    [('a', 'b', 'duplicate')]
    """
    settings = settings or Settings()
    check_scan_options(same_source=same_source, window=window)
    if jobs is None:
        jobs = default_jobs()
    elif jobs < 1:
        raise SettingsError(f"jobs must be 1 or more, not {jobs}")
    documents, common, common_keys, identities, evidence, collisions = _prepared(
        articles, settings, boilerplate, learn_boilerplate, jobs, progress, cache
    )
    try:
        return _verified(
            documents,
            common,
            common_keys,
            identities,
            evidence,
            collisions,
            settings,
            skipped,
            progress,
            focus,
            files,
            same_source,
            window,
            jobs,
        )
    except BaseException:
        documents.close()
        evidence.close()
        raise


def check_scan_options(*, same_source: str, window: int | None) -> None:
    """Raise a :class:`SettingsError` for a ``same_source`` or ``window`` :func:`find_duplicates` refuses.

    Engines that scan elsewhere (Spark) call it before any work, so a bad value fails at once.

    >>> check_scan_options(same_source="report", window=7)
    >>> check_scan_options(same_source="report", window=-1)
    Traceback (most recent call last):
    dupecheck.errors.SettingsError: window must be 0 days or more, not -1
    """
    if same_source not in SAME_SOURCE:
        raise SettingsError(f"same_source must be one of {', '.join(SAME_SOURCE)}, not '{same_source}'")
    if window is not None and window < 0:
        raise SettingsError(f"window must be 0 days or more, not {window}")


def _verified(
    documents: DocumentStore,
    common: frozenset[str],
    common_keys: np.ndarray,
    identities: np.ndarray,
    evidence: EvidenceArrays,
    collisions: BandCollisions,
    settings: Settings,
    skipped: Iterable[Skipped],
    progress: Progress,
    focus: Collection[str] | None,
    files: int,
    same_source: str,
    window: int | None,
    jobs: int,
) -> ScanReport:
    """:func:`find_duplicates` from the candidates on: verify them, group the pairs, report."""
    try:
        # Candidates as numbers in numpy, sorted: a large scan has millions of them.
        width = max(len(documents), 1)
        focused = None
        if focus is not None:
            focused = np.zeros(len(documents), dtype=bool)
            focused[list(documents.positions(focus).values())] = True
        same = np.array(identical_pairs(identities), dtype=np.int64).reshape(-1, 2)
        colliding = collisions.pairs(None if focused is None else np.flatnonzero(focused), jobs)
        codes = np.unique(np.r_[_codes(colliding, width), _codes(same, width)])
        candidates = np.stack([codes // width, codes % width], axis=1)
    finally:
        collisions.close()
    del same, codes, colliding
    progress("candidates", 1, 1)
    ids = documents.ids
    if focused is not None:
        candidates = candidates[focused[candidates[:, 0]] | focused[candidates[:, 1]]]
    if same_source == "ignore" or window is not None:
        article_of = lru_cache(maxsize=_VIEWS_KEPT)(lambda number: documents[number].article)
        keep = [
            comparable(article_of(i), article_of(j), same_source=same_source, window=window)
            for i, j in candidates.tolist()
        ]
        candidates = candidates[np.array(keep, dtype=bool)]

    # Views are made where pairs are verified, only for articles in candidate pairs; pairs
    # come sorted, so an article's view is mostly reused by the pairs after it.
    @lru_cache(maxsize=_VIEWS_KEPT)
    def view_of(number: int) -> MatchView:
        return match_view(documents[number], common, settings.min_terms)

    def verify(number: int) -> PairResult | None:
        i, j = (int(side) for side in passed[number])
        views = (view_of(i), view_of(j))
        if not may_relate(views, settings):
            return None
        result = compare_documents(documents[i], documents[j], settings, views)
        return result if result.relation is not None else None

    def evidence_of(numbers: Sequence[int]) -> list[Evidence]:
        found = [evidence[number] for number in numbers]
        if any(kept is None for kept in found):
            raise RuntimeError("an article in a candidate pair has no evidence for the pre-test")
        return [kept for kept in found if kept is not None]

    def pretest(numbers: Sequence[int]) -> list[bool]:
        return pretested(candidates[numbers[0] : numbers[-1] + 1], evidence_of, identities, settings)

    try:
        _make_missing_evidence(evidence, np.unique(candidates), documents, common_keys, settings, jobs)
        passing = map_batches(
            pretest, range(len(candidates)), jobs, lambda done: progress("pretest", done, len(candidates))
        )
    finally:
        evidence.close()
    passed = candidates[np.array(passing, dtype=bool).reshape(-1)]
    del passing
    verified = ordered_map(
        verify, range(len(passed)), jobs, lambda done: progress("verify", done, len(passed))
    )
    related = [number for number, result in enumerate(verified) if result is not None]
    groups = groups_of(ids, [(i, j) for i, j in passed[related].tolist()])
    progress("group", 1, 1)
    return ScanReport(
        documents=documents,
        groups=groups,
        pairs=tuple(result for result in verified if result is not None),
        settings=settings,
        skipped=tuple(skipped),
        candidates=len(candidates),
        files=files,
    )


def _make_missing_evidence(
    evidence: EvidenceArrays,
    numbers: np.ndarray,
    documents: DocumentStore,
    common_keys: np.ndarray,
    settings: Settings,
    jobs: int,
) -> None:
    """Make the evidence of the articles ``numbers`` that have none (signed from a cache), once each.

    ``common_keys`` holds the corpus vocabulary's keys (:func:`~dupecheck.shingle.shingle_keys`).
    """
    sizes = np.asarray(evidence.stored_sizes())
    missing = numbers[sizes[numbers] == 0].tolist() if len(numbers) else []
    if not missing:
        return

    def make(batch: Sequence[int]) -> list[bytes]:
        table = evidence_table(
            shingled([documents[number] for number in batch]), common_keys, settings.min_terms
        )
        return [evidence.encode() for evidence in table.evidence()]

    for number, blob in zip(missing, map_batches(make, missing, jobs), strict=True):
        evidence.replace_encoded(number, blob)


def pretested(
    pairs: np.ndarray,
    evidence_of: Callable[[Sequence[int]], list[Evidence]],
    identities: np.ndarray,
    settings: Settings,
) -> list[bool]:
    """For each pair ``(i, j)``, whether it passes the pre-test (:mod:`dupecheck.pretest`).

    ``evidence_of`` gives the evidence of the articles numbered. Word-for-word copies
    (equal identity digests) pass too.
    """
    # Each first article is read once, however many pairs it is in.
    firsts, first_of = np.unique(pairs[:, 0], return_inverse=True)
    passing = may_relate_pairs(
        evidence_of(firsts.tolist()), first_of.reshape(-1), evidence_of(pairs[:, 1].tolist()), settings
    )
    same = identities[pairs[:, 0]] == identities[pairs[:, 1]]
    passing |= same & (identities[pairs[:, 0]] != b"")
    result: list[bool] = passing.tolist()
    return result


_MARKED_AT_ONCE = 2048
"""Documents marked by learned boilerplate that are shingled again together."""
_BATCH = 20_000
"""Articles read, segmented and signed together: a batch's texts and signatures are what a scan holds."""
_BATCH_CHARACTERS = 64 << 20
"""...and fewer when their texts are long, so memory does not grow with the articles' length."""


def _codes(pairs: np.ndarray, width: int) -> np.ndarray:
    """One number per pair ``(i, j)`` of numbers below ``width``, in the pairs' order."""
    codes: np.ndarray = np.asarray(pairs[:, 0], dtype=np.int64) * width + pairs[:, 1]
    return codes


class _Batches:
    """Articles a batch at a time: :data:`_BATCH` of them, or fewer holding :data:`_BATCH_CHARACTERS`.

    While one batch is worked on, the next can be read a little at a time
    (:meth:`read_ahead`), so reading the input overlaps the workers' segmenting.

    >>> articles = [Article(str(n), "x" * n) for n in range(5)]
    >>> batches = _Batches(articles)
    >>> [[a.id for a in batch] for batch in batches]
    [['0', '1', '2', '3', '4']]
    """

    def __init__(self, items: Iterable[Article]) -> None:
        self._items = iter(items)
        self._next: list[Article] = []
        self._characters = 0
        self._exhausted = False

    def read_ahead(self, count: int) -> None:
        """Read up to ``count`` more articles of the next batch (none once it is full)."""
        while count > 0 and not self._exhausted:
            if len(self._next) >= _BATCH or self._characters >= _BATCH_CHARACTERS:
                return
            article = next(self._items, None)
            if article is None:
                self._exhausted = True
                return
            self._next.append(article)
            self._characters += len(article.text)
            count -= 1

    def __iter__(self) -> Iterator[list[Article]]:
        while True:
            self.read_ahead(_BATCH)
            if not self._next:
                return
            batch, self._next, self._characters = self._next, [], 0
            yield batch


def _ranges(sizes: Sequence[int], limit: int) -> Iterator[range]:
    """Consecutive ranges of item numbers: :data:`_BATCH` items, or fewer whose ``sizes`` reach ``limit``.

    >>> [list(r) for r in _ranges([5, 5, 20, 1], 10)]
    [[0, 1], [2], [3]]
    """
    start, total = 0, 0
    for number, size in enumerate(sizes):
        total += size
        if number + 1 - start >= _BATCH or total >= limit:
            yield range(start, number + 1)
            start, total = number + 1, 0
    if start < len(sizes):
        yield range(start, len(sizes))


def _prepared(
    articles: Iterable[Article],
    settings: Settings,
    boilerplate: Patterns,
    learn_boilerplate: bool,
    jobs: int,
    progress: Progress,
    cache: str | os.PathLike[str] | None,
) -> tuple[DocumentStore, frozenset[str], np.ndarray, np.ndarray, EvidenceArrays, BandCollisions]:
    """Documents (on disk), corpus vocabulary and its keys, identity digests, evidence, band collisions.

    ``articles`` is read once, a batch at a time; texts, paragraphs, shingle keys and the
    shingles as numbers that signing reads (:class:`~dupecheck.shingle.Shingled`) go to
    temporary files, and signatures only as far as their band keys, so memory holds a
    batch and a few numbers an article (16 bytes of identity digest among them). With a
    ``cache``, articles it holds are not segmented, shingled or signed again. Their stored
    signatures are reused when the MinHash settings are the same and the same ones of
    their shingles are corpus vocabulary as when they were made. An article whose
    paragraphs learned boilerplate marks is shingled and signed anew.
    """
    documents = DocumentStore()
    evidence = EvidenceArrays()
    collisions = BandCollisions(*band_layout(settings.candidate_threshold, settings.num_perm))
    try:
        with contextlib.ExitStack() as stack:
            kept = None if cache is None else stack.enter_context(SegmentCache(cache, settings, boilerplate))
            paragraph_keys = stack.enter_context(contextlib.closing(KeyArrays()))
            shingle_arrays = stack.enter_context(contextlib.closing(KeyArrays()))
            # Each article's Shingled but its keys (b"" where its shingle keys came from the cache).
            tables = stack.enter_context(contextlib.closing(Records()))
            text_keys: list[str | None] = []
            identity_batches: list[np.ndarray] = []
            content_batches: list[np.ndarray] = []
            batches = _Batches(articles)
            for batch in batches:
                text_keys += _taken(
                    batch,
                    documents,
                    paragraph_keys,
                    shingle_arrays,
                    tables,
                    identity_batches,
                    content_batches,
                    settings,
                    boilerplate,
                    jobs,
                    progress,
                    kept,
                    batches.read_ahead,
                )
            _check_unique(documents.ids)
            identities = np.concatenate([np.zeros(0, dtype="S16"), *identity_batches])
            contents = np.concatenate([np.zeros(0, dtype=np.int32), *content_batches])
            del identity_batches, content_batches
            if learn_boilerplate:
                marks = learned_marks(documents, paragraph_keys)
                while marked := _next_marks(marks, kept):
                    for (number, document), (keys, table, identity) in zip(
                        marked, map_batches(_shingled_anew, [d for _, d in marked], jobs)
                    ):
                        documents.replace(number, document)
                        shingle_arrays.replace(number, keys)
                        tables.replace(number, table)
                        identities[number] = identity
                        text_keys[number] = None
            common = common_from_hashes(documents, shingle_arrays, settings, jobs)
            common_keys = shingle_keys(common)
            progress("vocabulary", 1, 1)
            for numbers in _ranges(documents.stored_sizes(), 2 * _BATCH_CHARACTERS):
                signed = _signed(
                    documents,
                    shingle_arrays,
                    tables,
                    numbers,
                    text_keys[numbers.start : numbers.stop],
                    identities,
                    contents,
                    common_keys,
                    settings,
                    (collisions.bands, collisions.rows),
                    jobs,
                    kept,
                )
                evidence.extend_encoded([found for found, _ in signed])
                band_rows = [band for _, band in signed]
                owners = np.repeat(np.array(numbers), [len(band) for band in band_rows])
                collisions.add_keys(
                    owners, np.vstack(band_rows) if band_rows else np.zeros((0, collisions.bands))
                )
                progress("shingle", numbers.stop, len(documents))
            progress("sign", len(documents), len(documents))
            if kept is not None:
                kept.prune()
    except BaseException:
        documents.close()
        evidence.close()
        collisions.close()
        raise
    return documents, common, common_keys, identities, evidence, collisions


def _next_marks(
    marks: Iterator[tuple[int, Document]], cache: SegmentCache | None
) -> list[tuple[int, Document]]:
    """The next few documents learned boilerplate marks (:func:`~dupecheck.repeated.learned_marks`).

    Paragraph key hashes that match none of an article's paragraphs can only come from
    a damaged cache (they pass its cheap checks): a :class:`~dupecheck.cache.CacheError`.
    """
    try:
        return list(itertools.islice(marks, _MARKED_AT_ONCE))
    except KeyHashError as error:
        if cache is None:
            raise
        raise CacheError(
            f"{cache.path}: stored paragraph keys are damaged ({error}); delete the cache (it only holds "
            "derived data) or give --cache another file"
        ) from None


def _identity16(document: Document) -> bytes:
    """The first 16 bytes of :func:`identity_digest`: enough to tell copies apart (b"" for no words)."""
    return _first16(identity_digest(document))


def _first16(digest: str) -> bytes:
    return bytes.fromhex(digest[:32])


@contextlib.contextmanager
def _read_from(cache: SegmentCache | None, article: Article) -> Iterator[None]:
    """Stored paragraphs of ``article`` that cannot be read are a :class:`~dupecheck.cache.CacheError`."""
    try:
        yield
    except (ValueError, TypeError, KeyError, RecursionError) as error:
        where = cache.path if cache is not None else "the cache"
        raise CacheError(
            f"{where}: a stored article is damaged ({type(error).__name__}: {error}; the article of "
            f"{article.source or article.id}); delete the cache (it only holds derived data) or give "
            "--cache another file"
        ) from None


def _stored(article: Article, paragraphs: str, min_terms: int) -> tuple[list[StoredRow], bytes]:
    """The stored paragraphs of ``article`` as rows, and its identity (:func:`_identity16`'s).

    The rows must pass :func:`~dupecheck.document.check_rows`. The identity is made from
    them, without making the Document: an article whose paragraphs, paragraph keys and
    shingle keys all come from a cache is stored as its rows (:func:`~dupecheck.spill.encode_rows`).
    """
    rows = stored_rows(paragraphs)
    check_rows(article.text, rows, min_terms)
    identity = _digest(identity_of_terms((kind, terms) for _, _, kind, _, terms in rows))
    return rows, _first16(identity)


def _hex16(identity: bytes) -> str:
    r"""An identity of :func:`_identity16` in hex, from an ``S16`` array (which drops trailing zero bytes).

    >>> _hex16(np.array([b"\xab" + bytes(15)], dtype="S16")[0]), _hex16(b"")
    ('ab000000000000000000000000000000', '')
    """
    return identity.ljust(16, b"\0").hex() if identity else ""


def _shingled_anew(documents: Sequence[Document]) -> list[tuple[np.ndarray, bytes, bytes]]:
    """For documents marked anew by learned boilerplate: shingle keys, encoded Shingled, identity."""
    return [
        (table.keys, table.encode(), _identity16(document))
        for document, table in zip(documents, shingled(documents))
    ]


@dataclass(frozen=True, slots=True, eq=False)
class _Prepared:
    """What a worker sends back for an article of a batch (:func:`_taken`); arrays compare by identity."""

    document: bytes
    """The document's stored form (:func:`~dupecheck.spill.encode_document`)."""
    paragraph_keys: np.ndarray
    """The hashes of its paragraph keys (:func:`~dupecheck.repeated.key_hash_array`)."""
    shingle_keys: np.ndarray
    """Its distinct shingle keys (what the corpus vocabulary counts)."""
    table: bytes
    """Its :class:`~dupecheck.shingle.Shingled` but the keys, encoded; b"" when the keys come from a cache."""
    identity: bytes
    """The start of its identity digest (:func:`_identity16`)."""
    paragraphs: str
    """Its paragraphs to cache (:func:`~dupecheck.document.paragraphs_json`); "" when cached already."""
    content: int = 0
    """How many content paragraphs it has (what its stored signatures are checked against)."""
    new_paragraph_keys: bool = False
    """Whether its paragraph keys were made here, not taken from a cache: they are cached."""
    damaged_signed: bool = False
    """Whether the cache holds shingle keys for it that could not be used: its signed row is made again."""


def _rows_of(document: Document) -> Iterator[Row]:
    """Each paragraph's start, end, kind, reason and terms (:meth:`~dupecheck.cache.Expected.of`)."""
    return ((p.start, p.end, p.kind, p.reason, p.terms) for p in document.paragraphs)


def _taken(
    batch: Sequence[Article],
    documents: DocumentStore,
    paragraph_keys: KeyArrays,
    shingle_arrays: KeyArrays,
    tables: Records,
    identities: list[np.ndarray],
    contents: list[np.ndarray],
    settings: Settings,
    boilerplate: Patterns,
    jobs: int,
    progress: Progress,
    kept: SegmentCache | None,
    read_ahead: Callable[[int], None] = lambda count: None,
) -> list[str | None]:
    """Segment a batch of articles into ``documents`` and their keys into the key arrays; their cache keys.

    Each article's :class:`~dupecheck.shingle.Shingled` but its keys goes to ``tables``,
    the start of its identity digest to ``identities`` and its number of content paragraphs
    to ``contents`` (an array a part of the work, each), for signing. With a cache, what it
    holds for an article's text (paragraphs, paragraph keys, shingle keys) is taken from it
    once it passes cheap checks (:class:`~dupecheck.cache.Expected`), and what was made is
    stored; an article whose shingle keys come from it has no Shingled (b""). Workers do all of an
    article's work and send back the stored form of its document, so this process only
    writes it, a part at a time while they go on, and reads as many articles of the next
    batch (``read_ahead``).
    """
    keys: list[str | None] = [None if kept is None else kept.key(article.text) for article in batch]
    known = [key for key in keys if key]
    segments = {} if kept is None else kept.get(known)
    stored_keys = {} if kept is None else kept.get_paragraph_keys(known)
    stored_shingles = {} if kept is None else kept.get_shingles(known)
    before = len(documents)

    def prepare(numbers: Sequence[int]) -> list[_Prepared]:
        prepared: dict[int, _Prepared] = {}
        made: dict[int, tuple[Document, np.ndarray | None]] = {}
        for n in numbers:
            key = keys[n]
            if key is None or key not in segments:
                made[n] = document_and_key_hashes(batch[n], settings, boilerplate=boilerplate)
                continue
            stored, hashes = stored_shingles.get(key), stored_keys.get(key)
            with _read_from(kept, batch[n]):
                rows, identity = _stored(batch[n], segments[key], settings.min_terms)
                # The words and the signatures stored for them disagree: which is damaged cannot be told.
                if stored is not None and not stored.made_for(identity):
                    raise ValueError("its words are not those its stored signatures were made from")
                if hashes is not None and stored is not None and stored.keys is not None:
                    expected = Expected.of(batch[n].text, rows)
                    if expected.fits_paragraph_keys(hashes) and expected.fits_shingle_keys(stored.keys):
                        # The cache holds all of it: stored without making its Document.
                        blob = encode_rows(batch[n], rows)
                        prepared[n] = _Prepared(
                            blob, hashes, stored.keys, b"", identity, "", content=expected.content
                        )
                        continue
                made[n] = (document_of_rows(batch[n], rows), None)
        identity_of = {n: _identity16(document) for n, (document, _) in made.items()}
        # What the cache holds for the articles made here, where it passes the checks.
        taken: dict[int, np.ndarray] = {}  # shingle keys, made for the same words
        cached_hashes: dict[int, np.ndarray] = {}  # paragraph keys
        expected_of = {
            n: Expected.of(document.article.text, _rows_of(document)) for n, (document, _) in made.items()
        }
        for n, expected in expected_of.items():
            stored, hashes = stored_shingles.get(keys[n] or ""), stored_keys.get(keys[n] or "")
            if (
                stored is not None
                and stored.keys is not None
                and stored.made_for(identity_of[n])
                and expected.fits_shingle_keys(stored.keys)
            ):
                taken[n] = stored.keys
            if hashes is not None and expected.fits_paragraph_keys(hashes):
                cached_hashes[n] = hashes
        fresh = iter(shingled([document for n, (document, _) in made.items() if n not in taken]))
        for n, (document, hashes) in made.items():
            key = keys[n]
            table = None if n in taken else next(fresh)
            if n in cached_hashes:
                hashes = cached_hashes[n]
            elif hashes is None:
                hashes = key_hash_array(document)
            prepared[n] = _Prepared(
                encode_document(document),
                hashes,
                taken[n] if table is None else table.keys,
                b"" if table is None else table.encode(),
                identity_of[n],
                paragraphs_json(document) if key is not None and key not in segments else "",
                content=expected_of[n].content,
                new_paragraph_keys=n not in cached_hashes,
                damaged_signed=key is not None and key in stored_shingles and n not in taken,
            )
        return [prepared[n] for n in numbers]

    # Each part is stored as it comes, while workers go on with the next.
    segmented: dict[str, str] = {}
    hashed: dict[str, np.ndarray] = {}
    damaged: list[str] = []
    done = 0
    try:
        for part in map_parts(prepare, range(len(batch)), jobs):
            ids = [article.id for article in batch[done : done + len(part)]]
            documents.extend_encoded(ids, [article.document for article in part])
            paragraph_keys.extend(article.paragraph_keys for article in part)
            shingle_arrays.extend(article.shingle_keys for article in part)
            tables.extend(article.table for article in part)
            identities.append(np.array([article.identity for article in part], dtype="S16"))
            contents.append(np.array([article.content for article in part], dtype=np.int32))
            if kept is not None:
                part_keys = keys[done : done + len(part)]
                segmented.update(
                    (key, article.paragraphs)
                    for key, article in zip(part_keys, part)
                    if key and article.paragraphs
                )
                hashed.update(
                    (key, article.paragraph_keys)
                    for key, article in zip(part_keys, part)
                    if key and article.new_paragraph_keys
                )
                damaged += [key for key, article in zip(part_keys, part) if key and article.damaged_signed]
            done += len(part)
            progress("segment", before + done, before + done)
            read_ahead(len(part))
    finally:
        # What was made is cached even when reading the next batch fails.
        if kept is not None:
            kept.put(segmented)
            kept.put_paragraph_keys(hashed)
            kept.drop_signed(damaged)
    return keys


def _check_unique(ids: Sequence[str]) -> None:
    """An :class:`InputError` naming the repeated ids, if any (sorting them needs no set of every id)."""
    ordered = sorted(ids)
    repeated = sorted({a for a, b in itertools.pairwise(ordered) if a == b})
    if repeated:
        raise InputError(f"article ids must be unique; repeated: {', '.join(repeated[:5])}")


def _signed(
    documents: Sequence[Document],
    shingle_arrays: Sequence[np.ndarray],
    tables: Records,
    numbers: range,
    keys: Sequence[str | None],
    identities: np.ndarray,
    contents: np.ndarray,
    common: np.ndarray,
    settings: Settings,
    layout: tuple[int, int],
    jobs: int,
    kept: SegmentCache | None,
) -> list[tuple[bytes, np.ndarray]]:
    """Encoded evidence (:func:`sign_shingled`) and signatures' band keys of documents ``numbers``.

    Articles are signed from their stored ``tables`` (:class:`~dupecheck.shingle.Shingled`
    but its keys, which are in ``shingle_arrays``), or shingled again where there is none.
    Cached signatures are reused, and their articles have no evidence (b""). ``keys``
    holds the documents' cache keys, ``identities`` every article's identity digest and
    ``contents`` its number of content paragraphs (cached signatures must agree). Workers
    read what they sign themselves, so reading it back is shared out too, and they make
    the band keys (bands and rows: ``layout``); signatures come back only to be cached.
    """
    reused: dict[int, np.ndarray] = {}
    salts: list[str] = []
    arrays = shingle_arrays[numbers.start : numbers.stop] if kept is not None else []
    if kept is not None:
        salts, vocabulary = _signing_salts(arrays, common, settings)
        stored = kept.get_signed(key for key in keys if key)
        for offset, (key, salt) in enumerate(zip(keys, salts)):
            entry = stored.get(key) if key else None
            if entry is None or entry.salt != salt:
                continue
            number = numbers[offset]
            if not made_from(entry.identity, _hex16(identities[number])):
                continue  # made for other words: its row is damaged
            rows = entry.rows(settings.num_perm)
            signed = partial(_signed_paragraphs, documents, number, settings.min_terms)
            if rows is not None and _row_count_fits(
                len(rows), int(contents[number]), bool(vocabulary[offset]), signed
            ):
                reused[offset] = rows
        several = [contents[numbers[offset]] > 1 for offset in reused]
        for offset, agrees in zip(list(reused), _whole_rows_agree(list(reused.values()), several)):
            if not agrees:
                del reused[offset]

    unsigned = [offset for offset in range(len(numbers)) if offset not in reused]
    fresh = dict(
        zip(
            unsigned,
            map_batches(
                lambda batch: _signed_anew(
                    documents,
                    shingle_arrays,
                    tables,
                    [numbers[offset] for offset in batch],
                    common,
                    settings,
                    layout,
                    keep_rows=kept is not None,
                ),
                unsigned,
                jobs,
            ),
        )
    )
    if kept is not None:
        made: dict[str, tuple[np.ndarray, Signed]] = {}
        for offset in unsigned:
            key, rows = keys[offset], fresh[offset][0]
            if key is not None and rows is not None:
                identity = _hex16(identities[numbers[offset]])
                made[key] = (arrays[offset], Signed.of(salts[offset], identity, rows))
        kept.put_signed(made)
    found = {offset: (evidence, band) for offset, (_, evidence, band) in fresh.items()}
    reused_keys = _band_keys(list(reused.values()), layout)
    found.update((offset, (b"", band)) for offset, band in zip(reused, reused_keys))
    return [found[offset] for offset in range(len(numbers))]


def _band_keys(signatures: Sequence[np.ndarray], layout: tuple[int, int]) -> list[np.ndarray]:
    """The band keys of each article's signatures (rows), made for all of them at once."""
    if not signatures:
        return []
    keys = band_keys(np.vstack(signatures), *layout)
    return np.split(keys, list(itertools.accumulate(len(rows) for rows in signatures))[:-1])


def _signed_anew(
    documents: Sequence[Document],
    shingle_arrays: Sequence[np.ndarray],
    tables: Records,
    chosen: Sequence[int],
    common: np.ndarray,
    settings: Settings,
    layout: tuple[int, int],
    *,
    keep_rows: bool,
) -> list[tuple[np.ndarray | None, bytes, np.ndarray]]:
    """Signatures (if ``keep_rows``), encoded evidence and band keys of ``chosen``.

    They are signed from their stored Shingled where there is one.
    """
    stored = [tables.get(number) for number in chosen]
    made = iter(shingled([documents[number] for number, table in zip(chosen, stored) if not table]))
    shingles = [
        Shingled.decode(shingle_arrays[number], table) if table else next(made)
        for number, table in zip(chosen, stored)
    ]
    signed = sign_shingled(shingles, common, settings)
    bands = _band_keys([rows for rows, _ in signed], layout)
    return [(rows if keep_rows else None, found.encode(), band) for (rows, found), band in zip(signed, bands)]


def _signing_salts(
    arrays: Sequence[np.ndarray], common: np.ndarray, settings: Settings
) -> tuple[list[str], np.ndarray]:
    """For each article, a digest of everything its signatures depend on besides its paragraphs.

    That is the MinHash settings, ``min_terms``, and which of the article's own shingle
    keys (``arrays``) are corpus vocabulary (``common``): the rest of the corpus
    vocabulary does not touch this article's signatures. Also, for each, how many of
    its keys are vocabulary.
    """
    if not arrays:
        return [], np.zeros(0, dtype=np.int64)
    flat = np.concatenate(arrays)
    owners = np.repeat(np.arange(len(arrays)), [len(array) for array in arrays])
    chosen = is_in(flat, common)
    own, owners = flat[chosen], owners[chosen]
    order = np.lexsort((own, owners))
    prefix = f"{_SIGNING} {settings.num_perm} {settings.seed} {settings.min_terms} ".encode()
    salts = [
        hashlib.blake2b(prefix + keys.astype("<u8").tobytes()).hexdigest()
        for keys in split_by_owner(own[order], owners[order], len(arrays))
    ]
    return salts, np.bincount(owners, minlength=len(arrays))


def _signed_paragraphs(documents: Sequence[Document], number: int, min_terms: int) -> int:
    """How many paragraphs of document ``number`` have a signature when none of its shingles is vocabulary.

    Those are its content paragraphs with ``min_terms`` distinct words
    (:func:`~dupecheck.align.evidence_table`).
    """
    return sum(1 for p in documents[number].paragraphs if p.is_content and len(set(p.terms)) >= min_terms)


def _row_count_fits(count: int, content: int, vocabulary: bool, signed: Callable[[], int]) -> bool:
    """Whether an article's ``count`` stored signature rows can be what :func:`sign_shingled` made.

    That is a row for each signed paragraph, and one for the whole article when it has
    several ``content`` paragraphs. With none of its shingles ``vocabulary``, every content
    paragraph is signed unless it repeats its words (``signed()`` counts them, reading the
    document: asked only then); with some, fewer may be.

    >>> _row_count_fits(4, 3, False, lambda: 3), _row_count_fits(0, 3, False, lambda: 3)
    (True, False)
    >>> _row_count_fits(2, 3, False, lambda: 1), _row_count_fits(2, 3, True, lambda: 3)
    (True, True)
    """
    whole = int(content > 1)
    if vocabulary:
        return count <= content + whole
    if count == content + whole:
        return True
    paragraphs = signed()
    return count == paragraphs + (whole if paragraphs else 0)


def _whole_rows_agree(signatures: Sequence[np.ndarray], several: Sequence[bool]) -> list[bool]:
    """For each article's signature rows, whether the last is the least of the others (if ``several``).

    Where an article has several content paragraphs, that row is the whole article's
    signature (:func:`sign_shingled`): stored rows that break this were damaged. All
    articles are checked together in numpy, on every :data:`_WHOLE_ROW_STEP`-th value.

    >>> rows = np.array([[3, 1], [2, 5], [2, 1]], dtype=np.uint32)
    >>> _whole_rows_agree([rows, rows[::-1], rows[:1]], [True, True, False])
    [True, False, True]
    """
    sizes = np.array([len(rows) for rows in signatures], dtype=np.int64)
    checked = np.array(several, dtype=bool) & (sizes >= 2)
    agree = np.ones(len(signatures), dtype=bool)
    if checked.any():
        stacked = np.vstack([rows[:, ::_WHOLE_ROW_STEP] for rows in signatures])
        last = np.cumsum(sizes)[checked] - 1
        bounds = np.stack([last - sizes[checked] + 1, last], axis=1).reshape(-1)
        least = np.minimum.reduceat(stacked, bounds, axis=0)[0::2]
        agree[checked] = (least == stacked[last]).all(axis=1)
    result: list[bool] = agree.tolist()
    return result


def sign_documents(
    documents: Sequence[Document], common: np.ndarray, settings: Settings
) -> list[tuple[str, np.ndarray, Evidence]]:
    """For each document, a digest of its words, the signatures of its evidence shingles, and those shingles.

    The Spark engine signs with this in its executors. The local one keeps each article's
    :class:`~dupecheck.shingle.Shingled` from segmenting and signs that (:func:`sign_shingled`),
    with the same result, without looking up words again. ``common`` holds the corpus
    vocabulary's keys (:func:`~dupecheck.shingle.shingle_keys`).

    The digest is equal for word-for-word copies, and "" for an article without words.
    There is one signature per content paragraph, and one for the whole article when it
    has several (so a hard-wrapped copy of an unwrapped story, split into other
    paragraphs, still meets it).

    The evidence shingles come back as numbers (:class:`~dupecheck.pretest.Evidence`), for
    the pre-test of candidate pairs; the match view itself is made again only for
    articles in pairs that pass it.
    """
    signed = sign_shingled(shingled(documents), common, settings)
    return [(identity_digest(document), rows, found) for document, (rows, found) in zip(documents, signed)]


def identity_digest(document: Document) -> str:
    """A digest of the words outside boilerplate (:func:`~dupecheck.align.identity_of`); "" for none."""
    return _digest(identity_of(document))


def _digest(identity: str) -> str:
    return hashlib.blake2b(identity.encode("utf-8", "surrogatepass")).hexdigest() if identity else ""


def sign_shingled(
    tables: Sequence[Shingled], common: np.ndarray, settings: Settings
) -> list[tuple[np.ndarray, Evidence]]:
    """The signatures and evidence of :func:`sign_documents`, from articles' Shingled.

    All the articles' paragraphs are signed together, end to end, never cut into an
    array each.
    """
    table = evidence_table(tables, common, settings.min_terms)
    signed_paragraphs = table.sizes > 0
    rows = signature_rows(table.hashes, table.sizes[signed_paragraphs], settings)
    owner = np.repeat(np.arange(len(tables)), table.paragraphs)
    own = np.bincount(owner[signed_paragraphs], minlength=len(tables))  # each article's signed paragraphs
    row_starts = np.cumsum(own) - own
    # The whole article's set is the union of its paragraphs' sets, so its signature is
    # their least value in each row: MinHash of a union, without permuting its shingles again.
    least = np.minimum.reduceat(rows, row_starts[own > 0], axis=0) if len(rows) else rows
    least_of = np.cumsum(own > 0) - 1
    signed = []
    for n, (count, first, paragraphs, evidence) in enumerate(
        zip(own.tolist(), row_starts.tolist(), table.paragraphs.tolist(), table.evidence())
    ):
        mine = rows[first : first + count]
        if count and paragraphs > 1:
            mine = np.vstack([mine, least[least_of[n]]])
        signed.append((mine, evidence))
    return signed


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
