from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from paths import LEE, SAMPLES, SPUN_SEED, WEB_SEED
from synthetic import corpus_with_planted_copies

from dupecheck import core, spill
from dupecheck.align import evidence_hashes
from dupecheck.core import compare, find_duplicates
from dupecheck.document import build_document, document_from, paragraphs_json
from dupecheck.errors import InputError, SettingsError
from dupecheck.load import load_paths
from dupecheck.model import Article, Relation
from dupecheck.pretest import Evidence
from dupecheck.settings import Settings
from dupecheck.sign import signature_matrix
from dupecheck.vocabulary import shingle_hash_arrays


def _text(doc: object, index: int) -> str:
    return doc.text_of(doc.paragraphs[index])  # type: ignore[attr-defined,no-any-return]


def test_samples_group_the_wire_story_with_its_copies_and_rewrites() -> None:
    report = find_duplicates(load_paths([SAMPLES]).articles)
    groups = {frozenset(g.members) for g in report.groups}
    assert frozenset({"wildfire-spun.txt", "wire-wildfire.txt"}) in groups
    flood = next(g for g in groups if "wire-flood-barrier.txt" in g)
    assert flood == {
        "wire-flood-barrier.txt",
        "flood-barrier-light-edit.txt",
        "flood-barrier-rewrite.txt",
        "flood-barrier-local-angle.txt",
        "web-copy-flood-barrier.txt",
    }
    relations = {frozenset((p.a, p.b)) - {"wire-flood-barrier.txt"}: p.relation for p in report.pairs}
    assert relations[frozenset({"web-copy-flood-barrier.txt"})] is Relation.DUPLICATE
    assert relations[frozenset({"flood-barrier-rewrite.txt"})] is Relation.REWRITE
    assert relations[frozenset({"flood-barrier-local-angle.txt"})] is Relation.PARTIAL


def test_seeds_are_grouped(shared: Path) -> None:
    report = find_duplicates(load_paths([shared / "seeds"]).articles)
    assert [set(g.members) for g in report.groups] == [{WEB_SEED.name, SPUN_SEED.name}]
    assert report.pairs[0].relation is Relation.PARTIAL, "each seed has paragraphs the other lacks"


def test_seed_comparison_pairs_the_web_copy_with_the_spun_copy(shared: Path) -> None:
    report = compare(
        Article("web", WEB_SEED.read_text(encoding="utf-8")),
        Article("spun", SPUN_SEED.read_text(encoding="utf-8")),
    )
    web_only = [_text(report.a, i) for i in report.pair.a_only if report.a.paragraphs[i].is_content]
    spun_only = [_text(report.b, j) for j in report.pair.b_only if report.b.paragraphs[j].is_content]
    assert [t.split()[:3] for t in web_only] == [["Russian", "President", "Vladimir"], ["As", "the", "talks"]]
    furniture = [_text(report.a, i) for i in report.pair.a_only if not report.a.paragraphs[i].is_content]
    for marker in ("Related Articles", "Leave a Reply", "Newsletter", "Stay Connected"):
        assert marker in furniture
    assert any(t.startswith("TikTok has reiterated") for t in furniture), "teasers of other stories"
    for opening in (
        "The language is similar to what Blinken",
        "Pentagon spokesman Maj. Gen. Pat Ryder",
        "This comes after Britain distanced itself",
        "The US government, in turn, says Russia",
    ):
        assert any(t.startswith(opening) for t in spun_only), opening
    assert len(spun_only) <= 5


def test_lee_same_event_articles_are_never_paired(shared: Path) -> None:
    report = find_duplicates(load_paths([LEE]).articles)
    assert len(report.documents) == 50
    assert report.pairs == ()


def test_repeated_ids_are_an_input_error() -> None:
    with pytest.raises(InputError, match="repeated: x"):
        find_duplicates([Article("x", "One text."), Article("x", "Another text.")])


def test_output_is_deterministic_for_the_same_input() -> None:
    articles = load_paths([SAMPLES]).articles
    first = find_duplicates(articles)
    second = find_duplicates(tuple(reversed(articles)))
    assert {frozenset((p.a, p.b)): p for p in first.pairs}.keys() == {
        frozenset((p.a, p.b)): p for p in second.pairs
    }.keys()
    assert json.dumps([p.similarity for p in first.pairs]) == json.dumps(
        [p.similarity for p in find_duplicates(articles).pairs]
    )


def _wildfire(outlets: tuple[str, str], dates: tuple[str, str]) -> list[Article]:
    names = ("wire-wildfire.txt", "wildfire-spun.txt")
    return [
        Article(name, (SAMPLES / name).read_text(encoding="utf-8"), outlet=outlet, date=date)
        for name, outlet, date in zip(names, outlets, dates)
    ]


def test_same_source_ignore_leaves_out_pairs_from_one_outlet() -> None:
    same = _wildfire(("Gazette", "Gazette"), ("", ""))
    assert len(find_duplicates(same).pairs) == 1
    assert find_duplicates(same, same_source="ignore").pairs == ()
    unknown = _wildfire(("", ""), ("", ""))
    assert len(find_duplicates(unknown, same_source="ignore").pairs) == 1


def test_window_pairs_only_articles_close_in_time() -> None:
    far = _wildfire(("", ""), ("2026-01-01", "2026-03-01"))
    assert find_duplicates(far, window=30).pairs == ()
    assert len(find_duplicates(far, window=60).pairs) == 1
    undated = _wildfire(("", ""), ("2026-01-01", ""))
    assert len(find_duplicates(undated, window=0).pairs) == 1


def test_same_source_and_window_are_validated() -> None:
    with pytest.raises(SettingsError, match="same_source must be one of report, ignore"):
        find_duplicates([], same_source="skip")
    with pytest.raises(SettingsError, match="window must be 0 days or more"):
        find_duplicates([], window=-1)
    with pytest.raises(SettingsError, match="jobs must be 1 or more"):
        find_duplicates([], jobs=0)


def test_the_report_is_the_same_for_any_number_of_jobs() -> None:
    articles, planted = corpus_with_planted_copies(1200)
    one, two = find_duplicates(articles, jobs=1), find_duplicates(articles, jobs=2)
    assert one == two
    assert planted <= {frozenset((p.a, p.b)) for p in one.pairs}


def test_an_article_s_whole_signature_is_that_of_all_its_evidence_shingles() -> None:
    articles, _ = corpus_with_planted_copies(60)
    articles += load_paths([SAMPLES]).articles
    articles += [Article("empty", ""), Article("short", "Flood."), Article("one", "The council voted.")]
    settings = Settings(num_perm=32)
    documents = [build_document(article, settings) for article in articles]
    keys = np.unique(np.concatenate(shingle_hash_arrays(documents)))
    common = keys[::9].copy()  # some shingles are corpus vocabulary, and leave evidence
    wholes = 0
    signed = core.sign_documents(documents, common, settings)
    expected_evidence = evidence_hashes(documents, common, settings.min_terms)
    for paragraphs, (_, rows, evidence) in zip(expected_evidence, signed):
        assert evidence.encode() == Evidence.of(paragraphs).encode()
        found = [hashes for hashes in paragraphs if len(hashes)]
        expected = signature_matrix(found, settings)
        if len(paragraphs) > 1 and found:  # and the whole article's, signed as one set
            wholes += 1
            expected = np.vstack([expected, signature_matrix([np.concatenate(found)], settings)])
        assert rows.tolist() == expected.tolist()
    assert wholes > 50


def test_the_pre_test_stops_candidates_and_leaves_the_report_as_it_is(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    articles, _ = corpus_with_planted_copies(1200)
    articles += load_paths([SAMPLES]).articles
    tested: list[int] = []
    original = core.pretested

    def counting(pairs, *args):  # type: ignore[no-untyped-def]
        passing = original(pairs, *args)
        tested.append(len(passing) - sum(passing))
        return passing

    monkeypatch.setattr(core, "pretested", counting)
    report = find_duplicates(articles, jobs=1)  # one process: workers would count in their own lists
    assert sum(tested) > report.candidates / 4  # a third of this corpus's candidates end there
    stopped = sum(tested)
    cache = tmp_path / "cache.sqlite"
    assert find_duplicates(articles, jobs=1, cache=cache) == report
    tested.clear()
    # Signatures now come from the cache, without evidence: it is made for the pre-test,
    # once for each article in a candidate pair.
    made: list[int] = []
    original_shingled = core.shingled

    def making(documents):  # type: ignore[no-untyped-def]
        made.extend(d.id for d in documents)
        return original_shingled(documents)

    monkeypatch.setattr(core, "shingled", making)
    assert find_duplicates(articles, jobs=1, cache=cache) == report
    assert sum(tested) == stopped
    assert made and len(made) == len(set(made))
    monkeypatch.setattr(core, "pretested", lambda pairs, *_: [True] * len(pairs))
    assert find_duplicates(articles, jobs=2) == report


def test_articles_are_read_once_a_batch_at_a_time_with_the_same_report(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    articles, _ = corpus_with_planted_copies(400)
    blurb = "Follow the Wrenmouth Gazette on every social network for breaking local news."
    articles = [Article(a.id, f"{a.text}\n\n{blurb}") if n % 3 else a for n, a in enumerate(articles)]
    whole = find_duplicates(articles, jobs=1)
    assert any(p.reason.startswith("repeated in") for d in whole.documents for p in d.paragraphs)
    monkeypatch.setattr(core, "_BATCH", 37)
    monkeypatch.setattr(spill, "IN_MEMORY", 4096)  # documents and keys move to files part way
    read = []

    def once() -> Iterator[Article]:
        for article in articles:
            read.append(article.id)
            yield article

    assert find_duplicates(once(), jobs=2) == whole
    assert read == [a.id for a in articles]
    monkeypatch.setattr(core, "_BATCH_CHARACTERS", 5000)  # batches cut by length, not count
    assert find_duplicates(articles, jobs=1) == whole
    cache = tmp_path / "cache.sqlite"
    assert find_duplicates(articles, jobs=1, cache=cache) == whole
    assert find_duplicates(articles, jobs=2, cache=cache) == whole


def test_an_id_repeated_in_a_later_batch_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core, "_BATCH", 2)
    articles = [Article(f"a{n}", "Some words here.") for n in range(5)] + [Article("a1", "Again.")]
    with pytest.raises(InputError, match="repeated: a1"):
        find_duplicates(articles)


def test_an_article_the_cache_holds_whole_is_stored_as_its_document_would_be() -> None:
    articles, _ = corpus_with_planted_copies(40)
    for article in [*articles, *load_paths([SAMPLES]).articles, Article("empty", "")]:
        document = build_document(article, Settings())
        rows, identity = core._stored(article, paragraphs_json(document), Settings().min_terms)
        blob = spill.encode_rows(article, rows)
        assert spill.decode_document(blob) == document_from(article, paragraphs_json(document)) == document
        assert identity == core._identity16(document)


def _reference_batches(sizes: list[int], most: int, characters: int) -> list[list[int]]:
    """Batches as a scan cut them before reading ahead: up to ``most`` articles or ``characters``."""
    batches: list[list[int]] = [[]]
    total = 0
    for number, size in enumerate(sizes):
        batches[-1].append(number)
        total += size
        if len(batches[-1]) >= most or total >= characters:
            batches.append([])
            total = 0
    return [batch for batch in batches if batch]


@given(
    st.lists(st.integers(min_value=0, max_value=30), max_size=40),
    st.lists(st.integers(min_value=0, max_value=6), max_size=10),
)
def test_reading_ahead_leaves_the_batches_as_they_were(sizes: list[int], ahead: list[int]) -> None:
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(core, "_BATCH", 5)
        patched.setattr(core, "_BATCH_CHARACTERS", 40)
        batches = core._Batches(Article(str(n), "x" * size) for n, size in enumerate(sizes))
        got = []
        for batch in batches:
            got.append([int(article.id) for article in batch])
            for count in ahead:
                batches.read_ahead(count)
    assert got == _reference_batches(sizes, 5, 40)


def test_a_scan_reads_the_next_batch_while_this_one_is_segmented(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core, "_BATCH", 600)
    read: list[int] = []
    segmented: list[tuple[int, int]] = []
    articles, _ = corpus_with_planted_copies(1500, seed=4)

    def reading() -> Iterator[Article]:
        for number, article in enumerate(articles):
            read.append(number)
            yield article

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "segment":
            segmented.append((done, len(read)))

    report = find_duplicates(reading(), jobs=2, progress=progress)
    # While the first batch was segmented, articles after it were read already.
    assert any(done < 600 < count for done, count in segmented)
    alone = find_duplicates(articles, jobs=1)
    assert report.pairs == alone.pairs and report.groups == alone.groups
