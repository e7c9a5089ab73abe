"""A persistent index of an archive: check new articles against it without re-scanning the archive.

The index stores, per article, everything a report needs (text, source, paragraph spans,
kinds and terms) and the LSH band keys of its paragraph signatures, plus the number of
archive articles each shingle is found in, so that a query uses the archive's corpus
vocabulary (:mod:`dupecheck.vocabulary`). Verification is the scan's own
(:func:`dupecheck.align.compare_documents`): relations and paragraph alignments are the
same as ``scan`` reports for the pair.

>>> import tempfile, pathlib
>>> from dupecheck.model import Article
>>> text = "The council voted eleven to four to fund a tidal barrier after the storm flooded the town."
>>> with tempfile.TemporaryDirectory() as folder:
...     path = pathlib.Path(folder) / "archive.db"
...     with open_index(path, create=True) as index:
...         _ = index.build([Article("old", text)])
...     with open_index(path, readonly=True) as index:
...         [(p.a, p.b, p.relation.value) for p in index.query([Article("new", text)])]
[('new', 'old', 'duplicate')]
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dupecheck.align import compare_documents, match_view
from dupecheck.bands import band_keys, band_layout
from dupecheck.document import (
    build_document,
    check_rows,
    document_of_rows,
    paragraphs_json,
    stored_rows,
)
from dupecheck.errors import InputError, SettingsError
from dupecheck.group import groups_of
from dupecheck.model import Article, Document, PairResult, ScanReport
from dupecheck.settings import Settings
from dupecheck.shingle import shingle_hashes, shingles
from dupecheck.sign import SCHEME, signatures

if TYPE_CHECKING:
    from dupecheck.index_redis import RedisIndex
    from dupecheck.index_sqlite import SqliteIndex

FORMAT_VERSION = 1
"""Version of the stored layout; an index of another version must be rebuilt."""
SIGNATURE_DTYPE = np.dtype("<u4")
"""How MinHash values are stored: the ``affine32`` scheme's values are 32-bit."""


class IndexFileError(InputError):
    """An index file is missing, damaged, or not a dupecheck index."""


class IndexSettingsError(SettingsError):
    """An index was built with other settings (or another hashing scheme) than the current ones."""


class IndexConflictError(InputError):
    """An add would replace archived articles with other text under the same ids, and was not asked to.

    A folder's files are named relative to it, so ``day1/story.txt`` and ``day2/story.txt``
    added one folder at a time share the id ``story.txt``: replacing would lose the first.
    """


@dataclass(frozen=True, slots=True)
class IndexStats:
    """What an index holds."""

    articles: int
    paragraphs: int
    signatures: int
    band_keys: int
    shingles: int
    size_bytes: int
    format_version: int
    settings: Settings


@dataclass(frozen=True, slots=True)
class AddResult:
    """Ids of the articles an ``add`` inserted, replaced (text changed) and left alone (unchanged)."""

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Record:
    """An article in the form the index stores it."""

    id: str
    fields: str
    """JSON: the article's other fields (source, and title, date ... when given)."""
    text: str
    sha256: str
    paragraphs: str
    """JSON: ``[[start, end, kind, reason, [terms...]], ...]``."""
    identity: str
    """SHA-256 of the article's words outside boilerplate ('' when it has none)."""
    signatures: bytes
    """MinHash values (:data:`SIGNATURE_DTYPE`), ``num_perm`` per signature."""
    keys: tuple[int, ...]
    content_shingles: frozenset[str]


def content_hash(text: str | bytes) -> str:
    """SHA-256 of an article's text: an unchanged article is not indexed again.

    The text may be given as its UTF-8 bytes, as a store reads them (undecodable ones too).

    >>> content_hash("abc")[:12], content_hash(b"abc") == content_hash("abc")
    ('ba7816bf8f01', True)
    """
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


def metadata(settings: Settings) -> dict[str, str]:
    """What an index records about how it was built (:func:`check_metadata` says which of it must match)."""
    # Imported here: datasketch imports scipy, which `import dupecheck.cli` should not pay for.
    import datasketch

    return {
        "format_version": str(FORMAT_VERSION),
        "datasketch_version": datasketch.__version__,
        "scheme": SCHEME,
        "settings": json.dumps(dataclasses.asdict(settings), sort_keys=True),
    }


def settings_from(stored: dict[str, str]) -> Settings:
    """The Settings an index was built with."""
    return Settings(**json.loads(stored["settings"]))


SIGNING_SETTINGS = ("candidate_threshold", "min_terms", "num_perm", "seed")
"""The settings stored signatures and band keys are made with: an index opened with others is refused.

The others (:data:`QUERY_SETTINGS`) are applied when an index is queried, so each query
may use its own.
"""
QUERY_SETTINGS = tuple(f.name for f in dataclasses.fields(Settings) if f.name not in SIGNING_SETTINGS)
"""The settings a query may choose (:func:`query_settings`): thresholds, ``min_anchors``,
``rewrite_share`` and the corpus vocabulary's share."""


def query_settings(opened: Settings, given: Settings | None, where: str) -> Settings:
    """The settings a query of the index at ``where`` verifies with: ``given``, or when None ``opened``.

    ``opened`` are those the index was opened with. ``given`` may differ from them in
    :data:`QUERY_SETTINGS` only: the others are how its signatures were made.

    >>> query_settings(Settings(), Settings(anchor_threshold=0.9), "a.db").anchor_threshold
    0.9
    >>> try:
    ...     query_settings(Settings(), Settings(num_perm=64), "a.db")
    ... except IndexSettingsError as error:
    ...     str(error).split("; ")[1]
    'num_perm 64 (opened with 128)'
    """
    if given is None:
        return opened
    differences = [
        f"{name} {getattr(given, name)} (opened with {getattr(opened, name)})"
        for name in SIGNING_SETTINGS
        if getattr(given, name) != getattr(opened, name)
    ]
    if differences:
        raise IndexSettingsError(
            f"{where}: a query takes the signing settings the index was opened with; {', '.join(differences)}"
        )
    return given


def check_metadata(stored: dict[str, str], settings: Settings, where: str) -> None:
    """Raise :class:`IndexSettingsError` naming what differs when ``stored`` was not made with ``settings``.

    Only the format, the hashing and the :data:`SIGNING_SETTINGS` must be the same. The
    message says how to rebuild the index for ``settings``, or which options give its own.
    """
    current = metadata(settings)
    differences = []
    for key in ("format_version", "datasketch_version", "scheme"):
        if stored.get(key) != current[key]:
            differences.append(f"{key} {stored.get(key)} (now {current[key]})")
    try:
        old = json.loads(stored.get("settings", "{}"))
    except ValueError:
        old = {}
    if not isinstance(old, dict):
        old = {}
    new = json.loads(current["settings"])
    changed = [k for k in SIGNING_SETTINGS if old.get(k) != new[k]]
    differences += [f"{k} {old.get(k)} (now {new[k]})" for k in changed]
    if differences:
        # Either remedy names its options: rebuild with the settings used now, or use the index's.
        defaults = dataclasses.asdict(Settings())
        options = "".join(f" {_option(k)} {new[k]}" for k in SIGNING_SETTINGS if new[k] != defaults[k])
        built_with = " ".join(f"{_option(k)} {old[k]}" for k in changed if old.get(k) is not None)
        other_remedy = f", or use the settings it was built with ({built_with})" if built_with else ""
        raise IndexSettingsError(
            f"{where}: the index was built with other settings: {', '.join(differences)}; "
            f"rebuild it with `dupecheck index rebuild --index {where}{options}`{other_remedy}"
        )


def _option(setting: str) -> str:
    """The command-line option of a setting: ``num_perm`` is ``--num-perm``."""
    return "--" + setting.replace("_", "-")


def own_settings(stored: dict[str, str], settings: Settings | None) -> Settings:
    """``settings``, or when None the settings an index was built with (``stored``), to open it with.

    Only the :data:`SIGNING_SETTINGS` are taken from the index (the others are the
    defaults, applied at query time). An index that records none usable is opened with
    the defaults, so :func:`check_metadata` names what is wrong with it.
    """
    if settings is not None:
        return settings
    try:
        built = json.loads(stored.get("settings", "{}"))
        return dataclasses.replace(Settings(), **{k: built[k] for k in SIGNING_SETTINGS})
    except (ValueError, KeyError, TypeError):
        return Settings()


def signature_sets(document: Document, min_terms: int) -> list[frozenset[str]]:
    """The shingle sets signed for candidate lookup: each paragraph's, and the whole article's.

    Unlike a scan, corpus vocabulary is not removed here: it changes as the archive grows,
    and stored signatures must not. Verification does remove it.
    """
    view = match_view(document, min_terms=min_terms)
    sets = [s for s in view.sets if s]
    if len(view.sets) > 1 and sets:
        sets.append(frozenset().union(*view.sets))
    return sets


def signature_values(sets: Sequence[frozenset[str]], settings: Settings) -> np.ndarray:
    """An ``(len(sets), num_perm)`` array of MinHash values."""
    minhashes = signatures([shingle_hashes(s) for s in sets], settings)
    if not minhashes:
        return np.zeros((0, settings.num_perm), dtype=SIGNATURE_DTYPE)
    return np.vstack([np.asarray(m.hashvalues, dtype=SIGNATURE_DTYPE) for m in minhashes])


def stored_values(blob: bytes, settings: Settings) -> np.ndarray:
    """The signatures stored as ``blob``, one row each."""
    return np.frombuffer(blob, dtype=SIGNATURE_DTYPE).reshape(-1, settings.num_perm)


def keys_of(values: np.ndarray, settings: Settings) -> tuple[int, ...]:
    """The distinct band keys of an article's signatures."""
    bands, rows = band_layout(settings.candidate_threshold, settings.num_perm)
    if not len(values):
        return ()
    return tuple(int(key) for key in np.unique(band_keys(values, bands, rows)))


def content_shingles(document: Document) -> frozenset[str]:
    """The shingles of an article's content paragraphs: what corpus vocabulary counts."""
    return frozenset().union(*(shingles(p.terms) for p in document.paragraphs if p.is_content))


def identity_of(document: Document) -> str:
    """SHA-256 of the words outside boilerplate, '' when there are none (word-for-word copies share it)."""
    identity = match_view(document).identity
    return hashlib.sha256(identity.encode("utf-8")).hexdigest() if identity else ""


def record_of(article: Article, settings: Settings) -> Record:
    """Segment and sign ``article`` for storage."""
    document = build_document(article, settings)
    values = signature_values(signature_sets(document, settings.min_terms), settings)
    return Record(
        id=article.id,
        fields=fields_of(article),
        text=article.text,
        sha256=content_hash(article.text),
        paragraphs=paragraphs_json(document),
        identity=identity_of(document),
        signatures=values.tobytes(),
        keys=keys_of(values, settings),
        content_shingles=content_shingles(document),
    )


def fields_of(article: Article) -> str:
    """JSON of the article's fields other than its id and text."""
    fields = {f.name: getattr(article, f.name) for f in dataclasses.fields(Article)}
    return json.dumps(
        {k: v for k, v in fields.items() if k not in ("id", "text")}, ensure_ascii=False, sort_keys=True
    )


def article_from(article_id: str, text: str, fields: str) -> Article:
    """The article stored with ``fields`` (as :func:`fields_of` writes them)."""
    known = {f.name for f in dataclasses.fields(Article)}
    values = {k: v for k, v in json.loads(fields).items() if k in known and k not in ("id", "text")}
    return Article(id=article_id, text=text, **values)


def stored_document(article_id: str, text: str, fields: str, paragraphs: str, min_terms: int) -> Document:
    """The Document an index stores for an article, once its paragraphs pass the cache's checks.

    Stored paragraphs are trusted only when :func:`~dupecheck.document.check_rows` finds
    they can be segmenting's paragraphs of the stored text under ``min_terms``, as a
    cache's are. Otherwise, or when they do not decode, it raises one of the errors that
    :func:`damaged_article` turns into an :class:`IndexFileError` naming the article.

    >>> stored_document("a", "Two words.", "{}", '[[0, 10, "short", "fewer than 4 content words", []]]', 4).id
    'a'
    >>> stored_document("a", "Two words.", "{}", '[[1, 10, "short", "fewer than 4 content words", []]]', 4)
    Traceback (most recent call last):
    ValueError: characters 0 to 1 hold words but are in no paragraph
    """
    rows = stored_rows(paragraphs)
    check_rows(text, rows, min_terms)
    return document_of_rows(article_from(article_id, text, fields), rows)


@contextlib.contextmanager
def damaged_article(where: str, article_id: str) -> Iterator[None]:
    """Stored data of ``article_id`` that cannot be read or fails its checks: an :class:`IndexFileError`.

    It names the index (``where``, a Redis location already :func:`redacted`) and the
    article, on one line, so a damaged index is never a wrong report or a traceback.
    """
    try:
        yield
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
        raise IndexFileError(
            f"{where}: the stored article '{article_id}' is damaged ({type(error).__name__}: {error}); "
            f"build a new index with `dupecheck index build PATH... --index {where}`"
        ) from None


def verify_stored_article(
    article_id: str,
    text: str | bytes,
    sha256: str | bytes,
    fields: str | bytes,
    paragraphs: str | bytes,
    min_terms: int,
) -> tuple[list[str], Document | None]:
    """What ``verify`` finds wrong with an article's stored text and paragraphs; its Document, when they fit.

    Each store's ``verify`` gives the same messages in the same order: the text's hash
    first (taken over the stored bytes, so a text that does not decode is checked too),
    then whether the fields and paragraphs decode, then whether the paragraphs fit the
    text (:func:`~dupecheck.document.check_rows`); the Document is None after either of
    the last two. Values are as the store gives them: SQLite text, Redis UTF-8 bytes.

    >>> rows = '[[0, 10, "short", "fewer than 4 content words", []]]'
    >>> verify_stored_article("a", "Two words.", content_hash("Two words."), "{}", rows, 4)[0]
    []
    >>> problems, document = verify_stored_article("a", b"Two words.", b"0" * 64, b"{}", b"[[1", 4)
    >>> problems[0], problems[1].split(" (")[0], document
    ('a: text does not match its SHA-256', 'a: fields or paragraphs do not decode', None)
    """
    problems = []
    try:
        stored_hash = sha256.decode() if isinstance(sha256, bytes) else sha256
        sound = content_hash(text) == stored_hash
    except (ValueError, TypeError):
        sound = False
    if not sound:
        problems.append(f"{article_id}: text does not match its SHA-256")
    try:
        text, fields, paragraphs = (
            v.decode() if isinstance(v, bytes) else v for v in (text, fields, paragraphs)
        )
        article, rows = article_from(article_id, text, fields), stored_rows(paragraphs)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
        return [*problems, f"{article_id}: fields or paragraphs do not decode ({error})"], None
    try:
        check_rows(text, rows, min_terms)
        return problems, document_of_rows(article, rows)
    except (ValueError, TypeError) as error:
        return [*problems, f"{article_id}: its paragraphs do not fit its text ({error})"], None


def replaced_articles(articles: Sequence[Article], stored: dict[str, str]) -> list[Article]:
    """The ``articles`` whose id is archived (``stored`` maps ids to text hashes) with other text."""
    return [a for a in articles if a.id in stored and stored[a.id] != content_hash(a.text)]


def conflict_error(where: str, clashes: Sequence[tuple[Article, str]]) -> IndexConflictError:
    """The error refusing an add that would replace archived articles: ``(article, archived source)`` each.

    It names the ids and where both texts came from, and what to do for new versions
    of the same articles (replace them) and for other articles (give them ids of their own).
    """
    shown = "; ".join(
        f"'{article.id}' (archived from {archived or 'an unknown source'}, now read from {article.source})"
        for article, archived in clashes[:5]
    )
    more = f"; and {len(clashes) - 5} more" if len(clashes) > 5 else ""
    count = f"{len(clashes)} article{'s' if len(clashes) != 1 else ''} read"
    return IndexConflictError(
        f"{where}: {count} would replace archived text under the same id, so nothing was added: "
        f"{shown}{more}. Add again with --replace for new versions of the archived articles; give other "
        "articles ids of their own: a folder's files are named relative to it, so add the folder above "
        "(ids then start with the folder's name)"
    )


def source_of(fields: str) -> str:
    """The source an article was read from, as stored in its ``fields`` ('' when missing or unreadable)."""
    try:
        source = json.loads(fields).get("source", "")
    except (ValueError, AttributeError):
        return ""
    return source if isinstance(source, str) else ""


def unique_articles(articles: Iterable[Article]) -> list[Article]:
    """``articles`` as a list; an :class:`InputError` when two share an id."""
    listed = list(articles)
    seen: set[str] = set()
    repeated = sorted({a.id for a in listed if a.id in seen or seen.add(a.id)})  # type: ignore[func-returns-value]
    if repeated:
        raise InputError(f"article ids must be unique; repeated: {', '.join(repeated[:5])}")
    return listed


def verify_query(
    queries: Sequence[Document],
    archive: dict[int, Document],
    candidates: Sequence[set[int]],
    frequent: dict[str, int],
    archive_size: int,
    settings: Settings,
) -> ScanReport:
    """Compare each query document with its candidate archive documents, as a scan would.

    ``frequent`` holds the archive's shingles found in more than ``limit - len(queries)``
    articles with their counts: enough to know the corpus vocabulary of the archive and
    the queries together, as :func:`dupecheck.vocabulary.common_shingles` would.
    """
    total = archive_size + len(queries)
    limit = max(settings.common_share * total, settings.common_min_docs)
    common: frozenset[str] = frozenset()
    if total > limit:
        counts = Counter(frequent)
        for document in queries:
            counts.update(content_shingles(document))
        common = frozenset(s for s, n in counts.items() if n > limit)
    views = {number: match_view(document, common, settings.min_terms) for number, document in archive.items()}
    pairs: list[tuple[int, int, PairResult]] = []
    matched: list[int] = []
    compared = 0
    for q, (document, numbers) in enumerate(zip(queries, candidates)):
        view = match_view(document, common, settings.min_terms)
        for number in sorted(numbers):
            other = archive[number]
            if other.id == document.id:
                continue
            compared += 1
            result = compare_documents(document, other, settings, (view, views[number]))
            if result.relation is not None:
                if number not in matched:
                    matched.append(number)
                pairs.append((q, number, result))
    documents = list(queries) + [archive[n] for n in sorted(matched, key=lambda n: archive[n].id)]
    position = {n: len(queries) + i for i, n in enumerate(sorted(matched, key=lambda n: archive[n].id))}
    return ScanReport(
        documents=tuple(documents),
        groups=groups_of([d.id for d in documents], [(q, position[n]) for q, n, _ in pairs]),
        pairs=tuple(result for _, _, result in pairs),
        settings=settings,
        candidates=compared,
    )


def redacted(location: str | Path) -> str:
    """``location`` as messages show it: a URL's password replaced by ``***``; a file path as it is.

    Malformed URLs too: a password holding '/', '?' or '@' misleads a URL parser, so
    everything from the ':' after the user name to the last '@' is hidden (all of the
    user part when it has no ':', which some clients take for a password).

    >>> redacted("redis://user:secret@db:notaport/0"), redacted("redis://:pa/ss@db:6379/0?prefix=news")
    ('redis://user:***@db:notaport/0', 'redis://:***@db:6379/0?prefix=news')
    >>> redacted("redis://secret@db:6379/0"), redacted("redis://db:6379/0"), redacted("archive.db")
    ('redis://***@db:6379/0', 'redis://db:6379/0', 'archive.db')
    """
    text = str(location)
    scheme, separator, rest = text.partition("://")
    user_part, at, host_part = rest.rpartition("@")
    if not separator or not at:
        return text
    user, colon, _ = user_part.partition(":")
    return f"{scheme}://{user}:***@{host_part}" if colon else f"{scheme}://***@{host_part}"


def open_index(
    location: str | Path,
    settings: Settings | None = None,
    *,
    readonly: bool = False,
    create: bool = False,
    check_settings: bool = True,
) -> SqliteIndex | RedisIndex:
    """Open the index at ``location``: a file path (one SQLite file) or ``redis://host:port/db?prefix=NAME``.

    ``readonly`` opens it for queries only; ``create`` makes a new one when there is
    none. ``settings`` are those articles are signed and queried with; None takes the
    ones the index was built with (:func:`own_settings`; the defaults for a new index).
    An index built with other settings is an :class:`IndexSettingsError` unless
    ``check_settings`` is false (as for a rebuild).
    """
    from dupecheck.index_sqlite import SqliteIndex

    text = str(location)
    if text.startswith("redis://"):
        from dupecheck.index_redis import RedisIndex

        return RedisIndex(text, settings, readonly=readonly, create=create, check_settings=check_settings)
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise SettingsError(
            f"unknown index location scheme '{scheme}://'; give the path of an index file or redis://host:port/db"
        )
    return SqliteIndex(Path(text), settings, readonly=readonly, create=create, check_settings=check_settings)
