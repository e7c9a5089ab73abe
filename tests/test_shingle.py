from __future__ import annotations

import zlib
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dupecheck import shingle
from dupecheck.model import Article, Document, Paragraph, ParagraphKind
from dupecheck.parallel import ordered_map
from dupecheck.shingle import (
    Shingled,
    first_of_each,
    is_in,
    shingle_codes,
    shingle_hashes,
    shingle_key,
    shingled,
    shingles,
    term_key,
)
from dupecheck.text import content_terms


def test_shingles_are_words_and_adjacent_pairs() -> None:
    assert shingles(("a", "b", "c")) == {"a", "b", "c", "a b", "b c"}


def test_hashes_are_stable_across_processes() -> None:
    assert shingle_hashes(frozenset({"council"})) == [2398180322]


@given(st.text())
def test_shingling_never_fails(text: str) -> None:
    hashes = shingle_hashes(shingles(content_terms(text)))
    assert all(0 <= h < 2**32 for h in hashes)


_TERM = st.sampled_from(["council", "vote", "300,000", "東", "é", "x" * 70, "ÿ" * 40]) | st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=" "), min_size=1, max_size=80
)


@given(st.lists(st.lists(_TERM, max_size=12), max_size=5))
def test_shingle_codes_are_the_hashes_of_the_shingle_strings(paragraphs: list[list[str]]) -> None:
    codes = shingle_codes(paragraphs)
    expected = [(n, t) for n, p in enumerate(paragraphs) for t in p]
    expected += [(n, f"{a} {b}") for n, p in enumerate(paragraphs) for a, b in pairwise(p)]
    assert codes.words == sum(len(p) for p in paragraphs)
    assert codes.paragraph.tolist() == [n for n, _ in expected]
    assert codes.crc.tolist() == [zlib.crc32(s.encode("utf-8")) for _, s in expected]
    assert codes.key.tolist() == [shingle_key(s) for _, s in expected]


def test_pair_keys_depend_on_the_order_of_the_words() -> None:
    assert shingle_key("tidal barrier") != shingle_key("barrier tidal")
    assert shingle_key("tidal barrier") not in {shingle_key("tidal"), shingle_key("barrier")}


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5)), max_size=40))
def test_first_of_each_keeps_the_first_of_every_group_and_key(pairs: list[tuple[int, int]]) -> None:
    groups = np.array([g for g, _ in pairs], dtype=np.int64)
    keys = np.array([k for _, k in pairs], dtype=np.uint64)
    first: dict[tuple[int, int], int] = {}
    for position, pair in enumerate(pairs):
        first.setdefault(pair, position)
    expected = sorted(first.values(), key=lambda p: (pairs[p][0], p))
    assert first_of_each(keys, groups).tolist() == expected


@given(st.lists(st.integers(0, 2**64 - 1)), st.sets(st.integers(0, 2**64 - 1)))
def test_is_in_is_membership(values: list[int], members: set[int]) -> None:
    found = is_in(np.array(values, dtype=np.uint64), np.array(sorted(members), dtype=np.uint64))
    assert found.tolist() == [v in members for v in values]


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3))),
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3))),
)
def test_is_in_is_membership_with_repeats_and_shared_low_bits(
    values: list[tuple[int, int]], members: list[tuple[int, int]]
) -> None:
    # Values differing only above the low bits, as the pre-test's CRC-32s tagged with an article's number.
    def number(high: int, low: int) -> int:
        return high << 32 | low

    wanted = [number(*value) for value in values]
    among = sorted(number(*member) for member in members)
    found = is_in(np.array(wanted, dtype=np.uint64), np.array(among, dtype=np.uint64))
    assert found.tolist() == [value in among for value in wanted]


def test_is_in_answers_values_alone_in_their_slot_sharing_one_and_in_none() -> None:
    generator = np.random.default_rng(7)
    members = generator.integers(0, 2**63, 3000, dtype=np.uint64)
    # Repeats, and members that differ only above the low bits the table is indexed by.
    members = np.sort(np.concatenate([members, members[:50], members[:50] + np.uint64(1 << 40)]))
    values = np.concatenate(
        [generator.choice(members, 20_000), generator.integers(0, 2**63, 20_000, dtype=np.uint64)]
    )
    values = np.concatenate([values, values[:100] + np.uint64(1 << 41)])
    assert is_in(values, members).tolist() == np.isin(values, members).tolist()
    assert is_in(values[:10], members).tolist() == np.isin(values[:10], members).tolist()


def test_a_term_table_interrupted_while_adding_terms_gives_right_values_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def failing(term: str) -> int:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(shingle, "term_key", failing)
        with pytest.raises(KeyboardInterrupt):
            shingle_codes([["interrupted", "zebra"]])
    codes = shingle_codes([["interrupted", "zebra"]])
    assert codes.crc.tolist()[:2] == [zlib.crc32(b"interrupted"), zlib.crc32(b"zebra")]
    assert codes.key.tolist()[:2] == [term_key("interrupted"), term_key("zebra")]


def test_terms_numbered_in_another_process_are_learned_with_their_values() -> None:
    source, learner = shingle._Terms(), shingle._Terms()
    learner.columns(["vote"])
    source.columns(["council", "vote"])
    mark = source.mark()
    source.columns(["barrier", "council", "fund"])
    terms, rows = source.added(mark)
    assert terms == ["barrier", "fund"] and rows.shape == (4, 2)
    learner.learn(source.added(0))
    wanted = ["fund", "council", "vote", "barrier"]
    assert (learner.columns(wanted) == source.columns(wanted)).all()
    assert (learner.columns(wanted) == shingle._Terms().columns(wanted)).all()
    assert learner.mark() == 4
    assert source.added(99)[0] == ["council", "vote", "barrier", "fund"]  # numbers started again: all


def test_a_full_term_table_starts_again_and_gives_the_same_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shingle, "_TERMS_KEPT", 3)
    terms = shingle._Terms()
    first = terms.columns(["council", "vote", "council"])
    assert terms.mark() == 2
    wanted = ["barrier", "fund", "vote"]
    again = terms.columns(wanted)  # 2 + 2 new terms: over 3, so numbering starts again
    assert terms.mark() == 3
    assert (again == shingle._Terms().columns(wanted)).all()
    assert (first[:, 1] == again[:, 2]).all()


def test_scan_workers_leave_the_terms_they_numbered_to_this_process() -> None:
    words = [f"zqx{n}vote" for n in range(1200)]
    ordered_map(lambda word: shingle_codes([[word]]).key.tolist(), words, jobs=2)
    assert set(words) <= set(shingle._TERMS._number)


def _document(number: int, paragraphs: list[list[str]]) -> Document:
    kinds = [ParagraphKind.CONTENT, ParagraphKind.SHORT]  # a short paragraph is left out of shingling
    return Document(
        Article(f"d{number}", ""),
        tuple(Paragraph(n, 0, 0, kinds[n % 3 == 2], tuple(terms)) for n, terms in enumerate(paragraphs)),
    )


_TERMS = st.lists(st.sampled_from(["council", "vote", "fund", "barrier", "7.2", "x" * 70]), max_size=8)


@given(st.lists(st.lists(_TERMS, max_size=4), max_size=5))
def test_shingled_lists_each_paragraphs_distinct_shingles_by_their_articles_keys(
    articles: list[list[list[str]]],
) -> None:
    documents = [_document(number, paragraphs) for number, paragraphs in enumerate(articles)]
    for document, table in zip(documents, shingled(documents), strict=True):
        content = [p.terms for p in document.paragraphs if p.is_content]
        expected_keys = {shingle_key(s) for terms in content for s in shingles(terms)}
        assert len(table.keys) == len(expected_keys) and set(table.keys.tolist()) == expected_keys
        assert table.sizes.tolist() == [len(shingles(terms)) for terms in content]
        assert table.words.tolist() == [len(set(terms)) for terms in content]
        found = np.split(table.members, np.cumsum(table.sizes)[:-1]) if len(content) else []
        for terms, members in zip(content, found, strict=True):
            words = [t for t in dict.fromkeys(terms)]  # words first, in order of first use
            pairs = [f"{a} {b}" for a, b in dict.fromkeys(pairwise(terms)) if f"{a} {b}" not in words]
            listed = [*words, *dict.fromkeys(pairs)]
            assert table.keys[members].tolist() == [shingle_key(s) for s in listed]
            assert table.crcs[members].tolist() == [zlib.crc32(s.encode()) for s in listed]
        again = Shingled.decode(table.keys, table.encode())
        for name in ("keys", "crcs", "members", "sizes", "words"):
            assert getattr(again, name).tolist() == getattr(table, name).tolist()


def test_an_article_with_more_than_65536_distinct_shingles_is_stored_whole() -> None:
    terms = [f"w{n}" for n in range(40_000)]
    [table] = shingled([_document(0, [terms])])
    assert int(table.members.max()) > 0xFFFF
    again = Shingled.decode(table.keys, table.encode())
    assert again.members.tolist() == table.members.tolist()
    assert again.crcs.tolist() == table.crcs.tolist()
