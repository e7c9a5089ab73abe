from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from paths import SAMPLES
from synthetic import corpus_with_planted_copies
from typer.testing import CliRunner

from dupecheck import core
from dupecheck.boilerplate import read_patterns
from dupecheck.cache import KEEP_DAYS, CacheError, SegmentCache
from dupecheck.cli import EXIT_DUPLICATES, EXIT_ERROR, app
from dupecheck.core import find_duplicates
from dupecheck.document import build_document
from dupecheck.errors import InputError
from dupecheck.load import load_paths
from dupecheck.model import Article, Document
from dupecheck.repeated import key_hash, paragraph_key
from dupecheck.settings import Settings
from dupecheck.spill import DocumentStore

runner = CliRunner()


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the articles segmented from scratch (not taken from a cache)."""
    seen: list[str] = []
    original = core.document_and_key_hashes

    def counting(article: Article, *args: object, **kwargs: object) -> object:
        seen.append(article.id)
        return original(article, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(core, "document_and_key_hashes", counting)
    return seen


def test_a_second_scan_takes_every_article_from_the_cache_and_reports_the_same(
    tmp_path: Path, built: list[str]
) -> None:
    articles = load_paths([SAMPLES]).articles
    cache = tmp_path / "cache"
    plain = find_duplicates(articles, jobs=1)
    first = find_duplicates(articles, jobs=1, cache=cache)
    assert len(built) == 2 * len(articles)
    second = find_duplicates(articles, jobs=1, cache=cache)
    assert len(built) == 2 * len(articles)
    assert plain == first == second


def test_only_changed_texts_are_segmented_again_and_renamed_ones_hit(
    tmp_path: Path, built: list[str]
) -> None:
    articles = load_paths([SAMPLES]).articles
    cache = tmp_path / "cache"
    find_duplicates(articles, jobs=1, cache=cache)
    built.clear()
    edited = [
        Article(a.id, a.text + "\n\nA correction was added.") if n == 0 else a for n, a in enumerate(articles)
    ]
    renamed = [Article(f"renamed-{a.id}", a.text) for a in edited]
    report = find_duplicates(renamed, jobs=1, cache=cache)
    assert built == [renamed[0].id]
    assert report == find_duplicates(renamed, jobs=1)


def test_other_settings_or_furniture_patterns_do_not_reuse_entries(tmp_path: Path, built: list[str]) -> None:
    articles = load_paths([SAMPLES]).articles[:3]
    cache = tmp_path / "cache"
    find_duplicates(articles, jobs=1, cache=cache)
    find_duplicates(articles, jobs=1, cache=cache, settings=Settings(min_terms=6))
    patterns_file = tmp_path / "furniture.txt"
    patterns_file.write_text("subscribe to .*\n", encoding="utf-8")
    find_duplicates(articles, jobs=1, cache=cache, boilerplate=read_patterns(patterns_file))
    assert len(built) == 3 * len(articles)


def test_a_file_that_is_not_a_cache_is_an_error_and_left_alone(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("my notes\n", encoding="utf-8")
    with pytest.raises(CacheError, match="not a dupecheck cache"):
        find_duplicates([Article("a", "Some text of an article.")], cache=other)
    assert other.read_text(encoding="utf-8") == "my notes\n"


def test_an_sqlite_file_of_something_else_is_not_taken_for_a_cache(tmp_path: Path) -> None:
    other = tmp_path / "app.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE things (x)")
    with pytest.raises(CacheError, match="not a dupecheck cache"):
        SegmentCache(other, Settings())


def test_entries_unused_for_long_are_pruned(tmp_path: Path) -> None:
    path = tmp_path / "cache"
    with SegmentCache(path, Settings()) as cache:
        cache._now = int(time.time()) - (KEEP_DAYS + 1) * 86400
        cache.put({cache.key("old text"): "[]"})
    with SegmentCache(path, Settings()) as cache:
        cache.put({cache.key("new text"): "[]"})
        assert cache.prune() == 1
        assert list(cache.get([cache.key("old text"), cache.key("new text")]).values()) == ["[]"]


@pytest.fixture
def signed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the articles shingled and signed from scratch (not taken from a cache)."""
    seen: list[str] = []
    original = core._signed_anew

    def counting(
        documents: DocumentStore,
        shingles: object,
        tables: object,
        chosen: list[int],
        *args: object,
        **kwargs: bool,
    ) -> object:
        seen.extend(documents.ids[number] for number in chosen)
        return original(documents, shingles, tables, chosen, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(core, "_signed_anew", counting)
    return seen


def test_a_second_scan_signs_nothing_again(tmp_path: Path, signed: list[str]) -> None:
    articles, _ = corpus_with_planted_copies(300)
    cache = tmp_path / "cache"
    plain = find_duplicates(articles, jobs=1)
    signed.clear()
    first = find_duplicates(articles, jobs=1, cache=cache)
    assert len(signed) == len(articles)
    second = find_duplicates(articles, jobs=2, cache=cache)
    assert len(signed) == len(articles)
    assert plain == first == second
    assert plain.pairs


def test_signatures_are_made_again_when_the_corpus_vocabulary_changes(
    tmp_path: Path, signed: list[str]
) -> None:
    templated = [
        Article(
            f"n{n}", f"Company{n} declared a quarterly dividend of {n} cents a share, payable to holders."
        )
        for n in range(40)
    ]
    settings = Settings(common_min_docs=10, common_share=0.2)
    cache = tmp_path / "cache"
    find_duplicates(templated[:8], settings=settings, jobs=1, cache=cache)  # no vocabulary yet
    signed.clear()
    report = find_duplicates(templated, settings=settings, jobs=1, cache=cache)  # the wording is now common
    assert len(signed) == len(templated)
    assert report == find_duplicates(templated, settings=settings, jobs=1)


def test_other_minhash_settings_do_not_reuse_signatures(tmp_path: Path, signed: list[str]) -> None:
    articles = load_paths([SAMPLES]).articles
    cache = tmp_path / "cache"
    find_duplicates(articles, jobs=1, cache=cache)
    signed.clear()
    other = Settings(num_perm=64, seed=3)
    report = find_duplicates(articles, settings=other, jobs=1, cache=cache)
    assert len(signed) == len(articles)
    assert report == find_duplicates(articles, settings=other, jobs=1)


def test_articles_whose_paragraphs_are_learned_as_boilerplate_are_signed_again(
    tmp_path: Path, signed: list[str]
) -> None:
    articles, _ = corpus_with_planted_copies(60, seed=11)
    furniture = "\n\nSign up for our morning newsletter and follow the city desk on every platform today."
    carrying = [Article(a.id, a.text + furniture) if n % 3 == 0 else a for n, a in enumerate(articles)]
    cache = tmp_path / "cache"
    alone = [carrying[0], *articles[1:3]]  # the furniture in one article: not learned
    find_duplicates(alone, jobs=1, cache=cache)
    signed.clear()
    report = find_duplicates(carrying, jobs=1, cache=cache)
    assert carrying[0].id in signed
    assert report == find_duplicates(carrying, jobs=1)
    assert any("repeated in" in p.reason for d in report.documents for p in d.paragraphs)


def test_only_articles_whose_own_shingles_turn_common_are_signed_again(
    tmp_path: Path, signed: list[str]
) -> None:
    articles, _ = corpus_with_planted_copies(300)
    cache = tmp_path / "cache"
    find_duplicates(articles, jobs=1, cache=cache)
    notice = "Quarterly dividend declared, payable to holders of record on the usual date. Notice {n}."
    notices = [Article(f"notice{n}", notice.format(n=n)) for n in range(60)]
    signed.clear()
    report = find_duplicates([*articles, *notices], jobs=1, cache=cache)
    assert sorted(signed) == sorted(a.id for a in notices)  # their wording is now common; the rest is not
    assert report == find_duplicates([*articles, *notices], jobs=1)


def test_signatures_stored_under_other_sizes_or_damaged_are_made_again(tmp_path: Path) -> None:
    articles = load_paths([SAMPLES]).articles
    cache = tmp_path / "cache"
    find_duplicates(articles, jobs=1, cache=cache)
    other = Settings(num_perm=100)  # 128-value rows do not divide into 100-value ones
    assert find_duplicates(articles, settings=other, jobs=1, cache=cache) == find_duplicates(
        articles, settings=other, jobs=1
    )
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE signed SET shingles = x'0102', signatures = x'03'")
    assert find_duplicates(articles, jobs=1, cache=cache) == find_duplicates(articles, jobs=1)


def test_paragraph_key_hashes_of_cached_articles_are_not_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = load_paths([SAMPLES]).articles
    cache = tmp_path / "cache"
    find_duplicates(articles, jobs=1, cache=cache)
    hashed: list[str] = []
    original, segmenting = core.key_hash_array, core.document_and_key_hashes

    def counting(document: Document) -> object:
        hashed.append(document.id)
        return original(document)

    def counting_segmented(article: Article, *args: object, **kwargs: object) -> object:
        hashed.append(article.id)  # segmenting makes the key hashes too
        return segmenting(article, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(core, "key_hash_array", counting)
    monkeypatch.setattr(core, "document_and_key_hashes", counting_segmented)
    edited = [Article(articles[0].id, articles[0].text + "\n\nA correction was added."), *articles[1:]]
    report = find_duplicates(edited, jobs=1, cache=cache)
    assert hashed == [articles[0].id]
    assert report == find_duplicates(edited, jobs=1)


@pytest.mark.parametrize(
    "damage", ["not json", '[[0, 4, "furniture", "", []]]', '[[0, 4, "content", "", 7]]']
)
@pytest.mark.parametrize("whole", [True, False])
def test_a_damaged_stored_article_is_a_cache_error_naming_the_file(
    tmp_path: Path, damage: str, whole: bool
) -> None:
    articles = load_paths([SAMPLES]).articles
    cache = tmp_path / "cache"
    find_duplicates(articles, jobs=1, cache=cache)
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE segments SET paragraphs = ?", (damage,))
        if not whole:  # without its shingle keys, the article's document is made from the stored rows
            db.execute("DELETE FROM signed")
    with pytest.raises(CacheError, match=r"cache: a stored article is damaged .*delete the cache"):
        find_duplicates(articles, jobs=1, cache=cache)


Rows = list[list[Any]]
"""An article's stored paragraphs as JSON reads them: start, end, kind, reason, terms."""
Damage = Callable[[Rows, str], None]
"""A change of an article's stored paragraphs (in place), given its text."""


def _damaged_paragraphs(cache: Path, articles: list[Article], change: Damage) -> None:
    """The stored paragraphs of each of ``articles`` changed by ``change(rows, text)`` (in place)."""
    with SegmentCache(cache, Settings()) as kept:
        texts = {kept.key(article.text): article.text for article in articles}
    with contextlib.closing(sqlite3.connect(cache)) as db, db:
        stored = db.execute("SELECT key, paragraphs FROM segments").fetchall()
        changed = []
        for key, paragraphs in stored:
            rows = json.loads(paragraphs)
            change(rows, texts[key])
            changed.append((json.dumps(rows), key))
        db.executemany("UPDATE segments SET paragraphs = ? WHERE key = ?", changed)


def _no_paragraphs(rows: Rows, text: str) -> None:
    rows.clear()


def _last_cut_short(rows: Rows, text: str) -> None:
    rows[-1][1] = rows[-1][0] + 1


def _last_past_the_end(rows: Rows, text: str) -> None:
    rows[-1][1] += 500


def _out_of_order(rows: Rows, text: str) -> None:
    rows.reverse()


def _overlapping(rows: Rows, text: str) -> None:
    rows[1][0] = rows[0][0]


def _starting_within_a_word(rows: Rows, text: str) -> None:
    rows[0][0] += 2


def _split_within_a_line(rows: Rows, text: str) -> None:
    start, end, kind, reason, terms = rows[2]
    space = text.index(" ", (start + end) // 2)
    half = len(terms) // 2
    rows[2:3] = [[start, space, kind, reason, terms[:half]], [space + 1, end, kind, "", terms[half:]]]


def _joined_across_a_blank_line(rows: Rows, text: str) -> None:
    rows[1:3] = [[rows[1][0], rows[2][1], "content", rows[1][3], rows[1][4] + rows[2][4]]]


def _content_with_one_term(rows: Rows, text: str) -> None:
    for row in rows:
        row[4] = row[4][:1]


def _short_with_all_terms(rows: Rows, text: str) -> None:
    for row in rows:
        row[2] = "short"


def _boilerplate_without_a_reason(rows: Rows, text: str) -> None:
    for row in rows:
        row[2:4] = ["boilerplate", ""]


def _terms_in_one_string(rows: Rows, text: str) -> None:
    for row in rows:
        row[4] = " ".join(row[4])


STORED_ARTICLE_DAMAGE = [
    _no_paragraphs,
    _last_cut_short,
    _last_past_the_end,
    _out_of_order,
    _overlapping,
    _starting_within_a_word,
    _split_within_a_line,
    _joined_across_a_blank_line,
    _content_with_one_term,
    _short_with_all_terms,
    _boilerplate_without_a_reason,
    _terms_in_one_string,
]


@pytest.mark.parametrize("damage", STORED_ARTICLE_DAMAGE, ids=lambda damage: damage.__name__[1:])
@pytest.mark.parametrize("whole", [True, False])
def test_stored_paragraphs_that_cannot_be_the_articles_are_a_cache_error_naming_the_file(
    tmp_path: Path, damage: Damage, whole: bool
) -> None:
    articles = load_paths([SAMPLES]).articles
    cache = tmp_path / "cache"
    find_duplicates(articles, jobs=1, cache=cache)
    _damaged_paragraphs(cache, articles, damage)
    if not whole:  # without its shingle keys, the article's document is made from the stored rows
        with contextlib.closing(sqlite3.connect(cache)) as db, db:
            db.execute("DELETE FROM signed")
    with pytest.raises(CacheError, match=r"cache: a stored article is damaged .*delete the cache"):
        find_duplicates(articles, jobs=1, cache=cache)


def test_a_check_whose_cached_articles_have_no_paragraphs_fails_naming_the_cache(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "c.db"
    first = runner.invoke(app, ["check", str(SAMPLES), "--cache", str(cache)])
    assert first.exit_code == EXIT_DUPLICATES, first.output
    with contextlib.closing(sqlite3.connect(cache)) as db, db:
        db.execute("UPDATE segments SET paragraphs = '[]'")
    result = runner.invoke(app, ["check", str(SAMPLES), "--cache", str(cache)])
    assert result.exit_code == EXIT_ERROR, result.output
    assert f"{cache}: a stored article is damaged" in result.output


def _one_term_changed(rows: Rows, text: str) -> None:
    rows[1][4][0] = "changed"


@pytest.mark.parametrize("made_again", ["nothing", "paragraph_keys"])
def test_stored_words_unlike_those_their_signatures_were_made_from_are_a_cache_error(
    tmp_path: Path, made_again: str
) -> None:
    articles = load_paths([SAMPLES]).articles
    cache = tmp_path / "cache"
    find_duplicates(articles, jobs=1, cache=cache)
    _damaged_paragraphs(cache, articles, _one_term_changed)
    if made_again == "paragraph_keys":  # then the article's document is made from the stored rows
        with contextlib.closing(sqlite3.connect(cache)) as db, db:
            db.execute("DELETE FROM paragraph_keys")
    with pytest.raises(CacheError, match=r"cache: a stored article is damaged .*signatures were made from"):
        find_duplicates(articles, jobs=1, cache=cache)


def test_a_stored_digest_of_other_words_is_a_cache_error(tmp_path: Path) -> None:
    articles = load_paths([SAMPLES]).articles
    cache = tmp_path / "cache"
    find_duplicates(articles, jobs=1, cache=cache)
    with contextlib.closing(sqlite3.connect(cache)) as db, db:
        db.execute("UPDATE signed SET identity = ''")
    with pytest.raises(CacheError, match=r"cache: a stored article is damaged .*signatures were made from"):
        find_duplicates(articles, jobs=1, cache=cache)


def test_signatures_and_shingle_keys_stored_for_other_words_are_made_again(
    tmp_path: Path, signed: list[str]
) -> None:
    articles = load_paths([SAMPLES]).articles
    cache = tmp_path / "cache"
    find_duplicates(articles, jobs=1, cache=cache)
    with contextlib.closing(sqlite3.connect(cache)) as db, db:
        db.execute("DELETE FROM segments")  # the articles are segmented again, their signed rows kept
        db.execute("DELETE FROM paragraph_keys")
        first = db.execute(
            "SELECT shingles, identity, signatures FROM signed ORDER BY key LIMIT 1"
        ).fetchone()
        db.execute("UPDATE signed SET shingles = ?, identity = ?, signatures = ?", first)
    signed.clear()
    report = find_duplicates(articles, jobs=1, cache=cache)
    assert len(signed) == len(articles) - 1  # all but the one whose row was copied
    assert report == find_duplicates(articles, jobs=1)
    signed.clear()
    assert find_duplicates(articles, jobs=1, cache=cache) == report
    assert signed == []  # what was made again was stored


def _carrying_furniture() -> list[Article]:
    """Generated articles, every third one ending in the same newsletter blurb (learned as furniture)."""
    articles, _ = corpus_with_planted_copies(60, seed=11)
    blurb = "\n\nSign up for our morning newsletter and follow the city desk on every platform today."
    return [Article(a.id, a.text + blurb) if n % 3 == 0 else a for n, a in enumerate(articles)]


def _damaged_column(cache: Path, table: str, column: str, value: str, donor: Article) -> None:
    """Set ``column`` in every row of ``table`` to the SQL ``value`` (``ANOTHER_ARTICLES``: ``donor``'s)."""
    with SegmentCache(cache, Settings()) as kept:
        donor_key = kept.key(donor.text)
    with contextlib.closing(sqlite3.connect(cache)) as db, db:
        value = value.format(column=column, table=table)
        db.execute(f"UPDATE {table} SET {column} = {value}", {"donor": donor_key})


ANOTHER_ARTICLES = "(SELECT {column} FROM {table} WHERE key = :donor)"


def _stored_paragraph_keys(cache: Path) -> dict[str, list[int]]:
    with contextlib.closing(sqlite3.connect(cache)) as db:
        stored = db.execute("SELECT key, hashes FROM paragraph_keys").fetchall()
    return {key: sorted(np.frombuffer(hashes, dtype="<u8").tolist()) for key, hashes in stored}


@pytest.mark.parametrize(
    "value", ["x''", "zeroblob(8)", ANOTHER_ARTICLES], ids=["empty", "zero", "another's"]
)
def test_stored_paragraph_keys_that_cannot_be_the_articles_are_made_again(tmp_path: Path, value: str) -> None:
    articles = _carrying_furniture()
    cache = tmp_path / "cache"
    find_duplicates(articles, jobs=1, cache=cache)
    made = _stored_paragraph_keys(cache)
    _damaged_column(cache, "paragraph_keys", "hashes", value, articles[1])
    report = find_duplicates(articles, jobs=1, cache=cache)
    assert report == find_duplicates(articles, jobs=1)
    assert any("repeated in" in p.reason for d in report.documents for p in d.paragraphs)
    assert _stored_paragraph_keys(cache) == made  # stored again


@pytest.mark.parametrize(
    "value", ["x''", "substr(shingles, 1, 8)", ANOTHER_ARTICLES], ids=["empty", "cut", "another's"]
)
def test_stored_shingle_keys_that_cannot_be_the_articles_are_made_again_with_their_signatures(
    tmp_path: Path, value: str, signed: list[str]
) -> None:
    notices = [Article(f"n{n}", f"Company{n} declared a dividend of {n} cents a share.") for n in range(40)]
    articles = [*notices, *corpus_with_planted_copies(20)[0]]
    settings = Settings(common_min_docs=10, common_share=0.2)  # the notices' wording is vocabulary
    cache = tmp_path / "cache"
    find_duplicates(articles, settings=settings, jobs=1, cache=cache)
    _damaged_column(cache, "signed", "shingles", value, articles[-1])
    signed.clear()
    report = find_duplicates(articles, settings=settings, jobs=1, cache=cache)
    assert report == find_duplicates(articles, settings=settings, jobs=1)
    assert len(signed) >= len(articles) - 1  # all but the one whose row was copied, at least
    signed.clear()
    assert find_duplicates(articles, settings=settings, jobs=1, cache=cache) == report
    assert signed == []  # what was made again was stored


def test_stored_paragraph_keys_that_pass_the_checks_but_are_no_paragraphs_are_a_cache_error(
    tmp_path: Path,
) -> None:
    articles = _carrying_furniture()
    cache = tmp_path / "cache"
    find_duplicates(articles, jobs=1, cache=cache)
    damaged = []
    with SegmentCache(cache, Settings()) as kept:
        for article in articles:  # the first content paragraph's hash, and one of no paragraph
            document = build_document(article, Settings())
            first = next(p for p in document.paragraphs if p.is_content)
            hashes = np.array([key_hash(paragraph_key(document.text_of(first))), 7], dtype="<u8")
            damaged.append((hashes.tobytes(), kept.key(article.text)))
    with contextlib.closing(sqlite3.connect(cache)) as db, db:
        db.executemany("UPDATE paragraph_keys SET hashes = ? WHERE key = ?", damaged)
    with pytest.raises(CacheError, match=r"cache: stored paragraph keys are damaged .*delete the cache"):
        find_duplicates(articles, jobs=1, cache=cache)


def _damaged_signatures(cache: Path, change: Callable[[bytes], bytes]) -> None:
    with contextlib.closing(sqlite3.connect(cache)) as db, db:
        stored = db.execute("SELECT key, signatures FROM signed").fetchall()
        db.executemany("UPDATE signed SET signatures = ? WHERE key = ?", [(change(s), k) for k, s in stored])


def _as_uint64(signatures: bytes) -> bytes:
    return np.frombuffer(signatures, dtype="<u4").astype("<u8").tobytes()


def _other_values(signatures: bytes) -> bytes:
    seed = int.from_bytes(hashlib.blake2b(signatures, digest_size=8).digest(), "little")
    return np.random.default_rng(seed).integers(0, 1 << 32, len(signatures) // 4, dtype="<u4").tobytes()


SIGNATURE_DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda signatures: b"",
    "first row only": lambda signatures: signatures[: 4 * Settings().num_perm],
    "one row more": lambda signatures: signatures + signatures[: 4 * Settings().num_perm],
    "uint64": _as_uint64,
    "other values": _other_values,
}


@pytest.mark.parametrize("damage", SIGNATURE_DAMAGE.values(), ids=SIGNATURE_DAMAGE)
def test_stored_signatures_that_cannot_be_the_articles_are_made_again(
    tmp_path: Path, damage: Callable[[bytes], bytes], signed: list[str]
) -> None:
    articles = load_paths([SAMPLES]).articles
    cache = tmp_path / "cache"
    plain = find_duplicates(articles, jobs=1)
    find_duplicates(articles, jobs=1, cache=cache)
    _damaged_signatures(cache, damage)
    signed.clear()
    assert find_duplicates(articles, jobs=1, cache=cache) == plain
    assert len(signed) == len(articles)
    signed.clear()
    find_duplicates(articles, jobs=1, cache=cache)
    assert signed == []  # what was made again was stored


def test_signatures_of_articles_with_unsigned_paragraphs_are_reused(
    tmp_path: Path, signed: list[str]
) -> None:
    repeated = "Levy levy levy levy levy levy."  # a content paragraph of one distinct word: no signature
    story = "The harbour board approved a new levy on cruise ships docking overnight in the old port."
    articles = [
        Article("a", f"{story}\n\n{repeated}"),
        Article("b", repeated),
        Article("c", f"{repeated}\n\n{repeated}\n\n{story}"),
    ]
    cache = tmp_path / "cache"
    find_duplicates(articles, jobs=1, cache=cache)
    signed.clear()
    assert find_duplicates(articles, jobs=1, cache=cache) == find_duplicates(articles, jobs=1)
    assert signed == ["a", "b", "c"]  # by the run without the cache only


def test_a_check_whose_cached_signatures_are_empty_reports_the_same_copies(tmp_path: Path) -> None:
    cache = tmp_path / "c.db"
    first = runner.invoke(app, ["check", str(SAMPLES), "--cache", str(cache)])
    assert first.exit_code == EXIT_DUPLICATES, first.output
    with contextlib.closing(sqlite3.connect(cache)) as db, db:
        db.execute("UPDATE signed SET signatures = x''")
    result = runner.invoke(app, ["check", str(SAMPLES), "--cache", str(cache)])
    assert result.exit_code == EXIT_DUPLICATES, result.output
    assert result.stdout == first.stdout


def test_an_entrys_use_is_written_again_only_when_a_day_old(tmp_path: Path) -> None:
    path = tmp_path / "cache"
    now = int(time.time())
    with SegmentCache(path, Settings()) as cache:
        for text, age in (("fresh", 3600), ("stale", 2 * 86400)):
            cache._now = now - age
            cache.put({cache.key(text): "[]"})
    with SegmentCache(path, Settings()) as cache:
        cache.get([cache.key("fresh"), cache.key("stale")])
        used = dict(cache._db.execute("SELECT key, used FROM segments").fetchall())
        assert used[cache.key("fresh")] == now - 3600
        assert used[cache.key("stale")] >= now


NOT_UTF8 = "CAST(x'80ff' AS TEXT)"


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("paragraph_keys", "hashes", NOT_UTF8),
        ("signed", "shingles", NOT_UTF8),
        ("signed", "signatures", NOT_UTF8),
        ("signed", "salt", NOT_UTF8),
    ],
)
def test_derived_data_stored_as_text_that_is_not_utf8_is_made_again(
    tmp_path: Path, table: str, column: str, value: str, signed: list[str]
) -> None:
    articles = load_paths([SAMPLES]).articles
    cache = tmp_path / "cache"
    plain = find_duplicates(articles, jobs=1, cache=cache)
    with contextlib.closing(sqlite3.connect(cache)) as db, db:
        db.execute(f"UPDATE {table} SET {column} = {value}")
    signed.clear()
    assert find_duplicates(articles, jobs=1, cache=cache) == plain
    signed.clear()
    assert find_duplicates(articles, jobs=1, cache=cache) == plain
    assert signed == []  # what was made again was stored


@pytest.mark.parametrize("used", ["'yesterday'", "x'00'"])
def test_a_last_use_that_is_not_a_number_is_written_again(tmp_path: Path, used: str) -> None:
    articles = load_paths([SAMPLES]).articles
    cache = tmp_path / "cache"
    plain = find_duplicates(articles, jobs=1, cache=cache)
    with contextlib.closing(sqlite3.connect(cache)) as db, db:
        db.execute(f"UPDATE segments SET used = {used}")
    assert find_duplicates(articles, jobs=1, cache=cache) == plain
    with contextlib.closing(sqlite3.connect(cache)) as db:
        assert {type(used) for (used,) in db.execute("SELECT used FROM segments")} == {int}


def test_what_a_scan_segmented_is_cached_when_reading_its_input_fails_midway(
    tmp_path: Path, built: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core, "_BATCH", 100)
    articles, _ = corpus_with_planted_copies(300)
    cache = tmp_path / "cache"

    def failing() -> Iterator[Article]:
        yield from articles[:150]
        raise InputError("the input broke")

    with pytest.raises(InputError, match="broke"):
        find_duplicates(failing(), jobs=1, cache=cache)
    made = set(built)
    assert {a.id for a in articles[:100]} <= made  # the first batch, segmented while the input broke
    built.clear()
    find_duplicates(articles[:100], jobs=1, cache=cache)
    assert built == []
