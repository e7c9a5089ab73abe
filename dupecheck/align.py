"""Verify a candidate pair: align paragraphs, measure coverage, name the relation.

A paragraph's score against another is the share of its shingles (content words and
adjacent pairs of them, see :mod:`dupecheck.shingle`) found there. Alignment runs both
ways, so a paragraph split in two by a rewrite finds its halves, and distant paragraphs
competing for one counterpart are resolved in favour of the strongest (see :func:`_aligned`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from dupecheck.model import Document, Overlap, PairResult, ParagraphKind, Relation
from dupecheck.pretest import Evidence
from dupecheck.settings import Settings
from dupecheck.shingle import Shingled, is_in, shingled, shingles
from dupecheck.text import is_figure


@dataclass(frozen=True, slots=True)
class MatchView:
    """What matching sees of a document: its content paragraphs' lengths and evidence shingles."""

    indices: tuple[int, ...]
    lengths: np.ndarray
    sets: tuple[frozenset[str], ...]
    texts: tuple[str, ...]
    figures: tuple[frozenset[str], ...]
    identity: str
    """All words of the article outside boilerplate: equal for word-for-word copies."""
    union: frozenset[str]
    """Every evidence shingle of the article (what :func:`may_relate` tests against)."""


def match_view(document: Document, common: frozenset[str] = frozenset(), min_terms: int = 1) -> MatchView:
    """The view of ``document`` that verification compares, corpus vocabulary removed.

    A paragraph left with fewer than ``min_terms`` words outside the corpus vocabulary
    matches only a paragraph with the very same words: a few figures in a template
    are no evidence of copying.

    >>> from dupecheck.document import build_document
    >>> from dupecheck.model import Article
    >>> doc = build_document(Article("a", "The council voted to fund a barrier."), Settings())
    >>> sorted(match_view(doc, frozenset({"council"})).sets[0])
    ['barrier', 'council vote', 'fund', 'fund barrier', 'vote', 'vote fund']
    """
    content = [p for p in document.paragraphs if p.is_content]
    sets = tuple(_evidence_shingles(p.terms, common, min_terms) for p in content)
    return MatchView(
        indices=tuple(p.index for p in content),
        lengths=np.array([p.end - p.start for p in content], dtype=np.float64),
        sets=sets,
        texts=tuple(" ".join(p.terms) for p in content),
        figures=tuple(frozenset(t for t in p.terms if is_figure(t)) for p in content),
        identity=identity_of(document),
        union=frozenset().union(*sets),
    )


def identity_of(document: Document) -> str:
    """All words of the document outside boilerplate, in order: equal for word-for-word copies."""
    return identity_of_terms((p.kind, p.terms) for p in document.paragraphs)


def identity_of_terms(paragraphs: Iterable[tuple[ParagraphKind, Sequence[str]]]) -> str:
    """:func:`identity_of` a document given as each paragraph's kind and terms."""
    return " ".join(" ".join(terms) for kind, terms in paragraphs if kind is not ParagraphKind.BOILERPLATE)


def evidence_hashes(
    documents: Sequence[Document], common: np.ndarray, min_terms: int = 1
) -> list[tuple[np.ndarray, ...]]:
    """For each document, the CRC-32s of each content paragraph's evidence shingles, made in numpy.

    The values of ``match_view(document, ...).sets`` hashed by
    :func:`~dupecheck.shingle.shingle_hash_table`, with ``common`` holding the corpus
    vocabulary's keys (:func:`~dupecheck.shingle.shingle_key`, sorted and distinct). Each
    distinct shingle of a paragraph is listed once (two may share a CRC). All the documents' paragraphs
    go through numpy together: a batch costs little more than one document.

    >>> from dupecheck.document import build_document
    >>> from dupecheck.model import Article
    >>> from dupecheck.shingle import shingle_hash_table, shingle_key
    >>> doc = build_document(Article("a", "The council voted to fund a barrier."), Settings())
    >>> [[found]] = evidence_hashes([doc], np.array([shingle_key("council")], dtype=np.uint64))
    >>> view = match_view(doc, frozenset({"council"}))
    >>> sorted(found.tolist()) == sorted(shingle_hash_table(view.sets).values())
    True
    """
    table = evidence_table(shingled(documents), common, min_terms)
    found = np.split(table.hashes, np.cumsum(table.sizes)[:-1]) if len(table.sizes) else []
    ends = np.cumsum(table.paragraphs).tolist()
    return [tuple(found[end - count : end]) for count, end in zip(table.paragraphs.tolist(), ends)]


@dataclass(frozen=True, slots=True, eq=False)
class EvidenceTable:
    """Many articles' evidence shingles end to end, as :func:`evidence_table` makes them (arrays)."""

    hashes: np.ndarray
    """uint32: the CRC-32s of every paragraph's evidence shingles, paragraph after paragraph."""
    sizes: np.ndarray
    """int64: how many of them each content paragraph has (0 for none), article after article."""
    paragraphs: np.ndarray
    """int64: how many content paragraphs each article has."""

    def evidence(self) -> list[Evidence]:
        """Each article's :class:`~dupecheck.pretest.Evidence`, as slices of these arrays."""
        starts = np.cumsum(self.paragraphs) - self.paragraphs
        bounds = np.concatenate([[0], np.cumsum(self.sizes)])
        sizes = self.sizes.astype(np.uint32)
        return [
            Evidence(sizes[start : start + count], self.hashes[bounds[start] : bounds[start + count]])
            for start, count in zip(starts.tolist(), self.paragraphs.tolist())
        ]


def evidence_table(tables: Sequence[Shingled], common: np.ndarray, min_terms: int = 1) -> EvidenceTable:
    """The evidence shingles of articles from their stored :class:`~dupecheck.shingle.Shingled`, in numpy.

    A paragraph keeps its distinct shingles outside the vocabulary ``common``, in their
    order, when at least ``min_terms`` of them are single words.
    """
    if not tables:
        nothing = np.zeros(0, dtype=np.int64)
        return EvidenceTable(np.zeros(0, dtype=np.uint32), nothing, nothing)
    keys = np.concatenate([table.keys for table in tables])
    crcs = np.concatenate([table.crcs for table in tables])
    sizes = np.concatenate([table.sizes for table in tables]).astype(np.int64)
    words = np.concatenate([table.words for table in tables]).astype(np.int64)
    # Members as positions among all the tables' keys.
    key_counts = [len(table.keys) for table in tables]
    bases = np.repeat(np.cumsum(key_counts) - key_counts, [len(table.members) for table in tables])
    members = np.concatenate([table.members for table in tables]).astype(np.int64) + bases
    paragraphs_in_all = len(sizes)
    paragraph = np.repeat(np.arange(paragraphs_in_all), sizes)
    kept = ~is_in(keys, common)[members]
    # Distinct single words outside the vocabulary, per paragraph: the min_terms rule.
    is_word = np.arange(len(members)) - (np.cumsum(sizes) - sizes)[paragraph] < words[paragraph]
    enough = np.bincount(paragraph[kept & is_word], minlength=paragraphs_in_all) >= min_terms
    # Each distinct shingle once, by its 64-bit key: the pre-test counts them (dupecheck.pretest).
    chosen = kept & enough[paragraph]
    return EvidenceTable(
        hashes=crcs[members[chosen]].astype(np.uint32),
        sizes=np.bincount(paragraph[chosen], minlength=paragraphs_in_all).astype(np.int64),
        paragraphs=np.array([len(table.sizes) for table in tables], dtype=np.int64),
    )


def _evidence_shingles(terms: tuple[str, ...], common: frozenset[str], min_terms: int) -> frozenset[str]:
    kept = shingles(terms) - common
    if len({term for term in terms if term not in common}) < min_terms:
        return frozenset()
    return kept


Scores = list[dict[int, float]]
"""For each source paragraph, its score against each target paragraph it shares anything with."""

# A shingle in more paragraphs of one article than this pairs no paragraphs by itself,
# so an article of 20,000 paragraphs costs linear, not quadratic, work.
_MAX_POSTINGS = 1000


def _containment(source: MatchView, target: MatchView) -> Scores:
    """Share of each source paragraph's shingles found in each target paragraph (sparse rows).

    In word-for-word copies, paragraphs with the same words match fully even when all
    of them are corpus vocabulary: a re-sent dividend notice is still a copy, while
    two notices sharing the wording of one line and differing in their dates are not.
    """
    postings: dict[str, list[int]] = {}
    for j, target_set in enumerate(target.sets):
        for shingle in target_set:
            postings.setdefault(shingle, []).append(j)
    same_text: dict[str, list[int]] = {}
    if source.identity and source.identity == target.identity:
        for j, text in enumerate(target.texts):
            same_text.setdefault(text, []).append(j)
    rows: Scores = []
    for i, source_set in enumerate(source.sets):
        counts: dict[int, int] = {}
        for shingle in source_set:
            hits = postings.get(shingle, ())
            if len(hits) <= _MAX_POSTINGS:
                for j in hits:
                    counts[j] = counts.get(j, 0) + 1
        row = {
            j: count / len(source_set) * _figure_agreement(source.figures[i], target.figures[j])
            for j, count in counts.items()
        }
        for j in same_text.get(source.texts[i], ()):
            row[j] = 1.0
        rows.append(row)
    return rows


def _figure_agreement(ours: frozenset[str], theirs: frozenset[str]) -> float:
    """Share of figures two paragraphs agree on, when both give several (else 1.0).

    Figures are the facts a story reports: a copy or rewrite keeps them, while a
    template filled with other figures (a daily market report, a results table)
    is another story however many of its words it shares.

    >>> _figure_agreement(frozenset({"300,000", "295,000"}), frozenset({"265,000", "275,000"}))
    0.0
    >>> _figure_agreement(frozenset({"214", "11"}), frozenset({"214", "11", "2029"}))
    1.0
    """
    if len(ours) < 2 or len(theirs) < 2:
        return 1.0
    return len(ours & theirs) / min(len(ours), len(theirs))


def _best(row: dict[int, float], excluding: int = -1) -> tuple[int, float]:
    """The best-scoring target of a row (the first on ties), or (-1, 0.0)."""
    best_j, best_score = -1, 0.0
    for j, score in row.items():
        if j != excluding and (score > best_score or (score == best_score and 0 <= j < best_j)):
            best_j, best_score = j, score
    return best_j, best_score


def _aligned(scores: Scores, settings: Settings) -> dict[int, tuple[int, float]]:
    """Source paragraph -> (target paragraph, score) for every source with a counterpart.

    A source paragraph is normally rewritten once. When distant paragraphs claim the
    same target, the weaker claims move to their next-best target if that one clears
    the threshold too; paragraphs side by side (a split paragraph) may share a target.
    """
    threshold = settings.match_threshold
    chosen: dict[int, tuple[int, float]] = {}
    for i, row in enumerate(scores):
        j, score = _best(row)
        if j >= 0 and score >= threshold:
            chosen[i] = (j, score)
    claims: dict[int, list[int]] = {}
    for i, (j, _) in chosen.items():
        claims.setdefault(j, []).append(i)
    for j, claimants in claims.items():
        strongest = max(claimants, key=lambda i: (chosen[i][1], -i))
        run = {strongest}
        for i in sorted(claimants, key=lambda i: abs(i - strongest)):
            if i - 1 in run or i + 1 in run:
                run.add(i)
        for i in claimants:
            if i not in run:
                k, score = _best(scores[i], excluding=j)
                if k >= 0 and score >= threshold:
                    chosen[i] = (k, score)
    return chosen


def may_relate(views: tuple[MatchView, MatchView], settings: Settings) -> bool:
    """False only when :func:`compare_documents` cannot find the pair related: a cheap, exact pre-test.

    A paragraph's score against any one paragraph of the other article is at most the share
    of its shingles found anywhere in that article. When fewer than ``min_anchors`` paragraphs
    on each side reach ``anchor_threshold`` even so, the evidence cannot reach it either.
    Most candidate pairs (articles sharing one paragraph's wording) end here, unaligned.

    >>> from dupecheck.document import build_document
    >>> from dupecheck.model import Article
    >>> doc = build_document(Article("x", "The council voted to fund a tidal barrier."), Settings())
    >>> may_relate((match_view(doc), match_view(doc)), Settings())
    True
    """
    side_a, side_b = views
    if side_a.identity and side_a.identity == side_b.identity:
        return True
    needed = min(settings.min_anchors, len(side_a.sets), len(side_b.sets))
    if needed == 0:
        return False
    return (
        _reaching(side_a.sets, side_b.union, settings.anchor_threshold) >= needed
        or _reaching(side_b.sets, side_a.union, settings.anchor_threshold) >= needed
    )


def _reaching(sources: tuple[frozenset[str], ...], everything: frozenset[str], threshold: float) -> int:
    """How many source paragraphs have at least ``threshold`` of their shingles in ``everything``."""
    return sum(1 for source in sources if source and len(source & everything) / len(source) >= threshold)


def compare_documents(
    a: Document,
    b: Document,
    settings: Settings,
    views: tuple[MatchView, MatchView] | None = None,
) -> PairResult:
    """Align two documents paragraph by paragraph and classify how they are related.

    >>> from dupecheck.document import build_document
    >>> from dupecheck.model import Article
    >>> text = "The council voted to fund a tidal barrier after the storm flooded the harbour."
    >>> doc = build_document(Article("x", text), Settings())
    >>> compare_documents(doc, doc, Settings()).relation.value
    'duplicate'
    """
    if views is None:
        views = (match_view(a, min_terms=settings.min_terms), match_view(b, min_terms=settings.min_terms))
    side_a, side_b = views
    rows_ab, rows_ba = _containment(side_a, side_b), _containment(side_b, side_a)
    a_to_b, b_to_a = _aligned(rows_ab, settings), _aligned(rows_ba, settings)

    scores: dict[tuple[int, int], float] = {}
    for i, (j, score) in a_to_b.items():
        scores[(i, j)] = max(score, scores.get((i, j), 0.0))
    for j, (i, score) in b_to_a.items():
        scores[(i, j)] = max(score, scores.get((i, j), 0.0))
    overlaps = tuple(
        Overlap(side_a.indices[i], side_b.indices[j], round(score, 4))
        for (i, j), score in sorted(scores.items())
    )

    # Each paragraph is judged by how much of itself is found in its counterpart: a short
    # paragraph aligned inside a long one does not make the long one "found".
    strength_a = np.zeros(len(side_a.indices))
    strength_b = np.zeros(len(side_b.indices))
    for i, j in scores:
        strength_a[i] = max(strength_a[i], rows_ab[i].get(j, 0.0))
        strength_b[j] = max(strength_b[j], rows_ba[j].get(i, 0.0))
    found_a = strength_a >= settings.match_threshold
    found_b = strength_b >= settings.match_threshold
    total_a, total_b = side_a.lengths.sum(), side_b.lengths.sum()
    a_in_b = float(side_a.lengths[found_a].sum() / total_a) if total_a else 0.0
    b_in_a = float(side_b.lengths[found_b].sum() / total_b) if total_b else 0.0
    weighted = float(
        side_a.lengths @ np.minimum(strength_a, 1.0) + side_b.lengths @ np.minimum(strength_b, 1.0)
    )
    similarity = weighted / (total_a + total_b) if total_a + total_b else 0.0

    evidence = _evidence(strength_a, strength_b, settings)
    matched_a = {o.a for o in overlaps}
    matched_b = {o.b for o in overlaps}
    return PairResult(
        a=a.id,
        b=b.id,
        similarity=round(similarity, 4),
        a_in_b=round(a_in_b, 4),
        b_in_a=round(b_in_a, 4),
        evidence=round(evidence, 4),
        relation=_relation(a_in_b, b_in_a, similarity, evidence >= settings.anchor_threshold, settings),
        overlaps=overlaps,
        a_only=tuple(p.index for p in a.paragraphs if p.index not in matched_a),
        b_only=tuple(p.index for p in b.paragraphs if p.index not in matched_b),
    )


def _evidence(strength_a: np.ndarray, strength_b: np.ndarray, settings: Settings) -> float:
    """The score of the weakest of the strongest ``min_anchors`` paragraph matches.

    Relatedness rests on this number, not on coverage: independent reports of one
    event, and follow-up stories repeating one background paragraph, share at most
    one paragraph that matches strongly. Single-paragraph articles need only one.
    """
    needed = min(settings.min_anchors, len(strength_a), len(strength_b))
    if needed == 0:
        return 0.0
    return float(max(np.sort(strength_a)[-needed], np.sort(strength_b)[-needed]))


def _relation(
    a_in_b: float, b_in_a: float, similarity: float, anchored: bool, settings: Settings
) -> Relation | None:
    if not anchored:
        return None
    covered, other = max(a_in_b, b_in_a), min(a_in_b, b_in_a)
    if other >= settings.duplicate_threshold and similarity >= settings.duplicate_score:
        return Relation.DUPLICATE
    # A short story found whole inside a far longer one is reused there, not rewritten.
    if covered >= settings.rewrite_threshold and other >= settings.rewrite_share:
        return Relation.REWRITE
    if covered >= settings.partial_threshold:
        return Relation.PARTIAL
    return None
