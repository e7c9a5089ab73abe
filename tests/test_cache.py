from __future__ import annotations

import time
from pathlib import Path

import pytest
from paths import SAMPLES

from dupecheck import core
from dupecheck.boilerplate import read_patterns
from dupecheck.cache import KEEP_DAYS, CacheError, SegmentCache
from dupecheck.core import find_duplicates
from dupecheck.load import load_paths
from dupecheck.model import Article
from dupecheck.settings import Settings


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the articles segmented from scratch (not taken from a cache)."""
    seen: list[str] = []
    original = core.build_document

    def counting(article: Article, *args: object, **kwargs: object) -> object:
        seen.append(article.id)
        return original(article, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(core, "build_document", counting)
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
    import sqlite3

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
