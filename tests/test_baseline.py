from __future__ import annotations

import json
from pathlib import Path

import pytest
from gate import REWRITE, WIRE, sample

from dupecheck.baseline import SCHEMA, Baseline, BaselineArticle, dumps, entry, loads, read_baseline
from dupecheck.check import baseline_of, check_articles
from dupecheck.errors import InputError
from dupecheck.model import Article


def _entries() -> list:
    x, y, z = (BaselineArticle(f"sha256:{n}", f"{n}.md", f"news/{n}.md") for n in "312")
    return [entry(x, y, "rewrite"), entry(z, x, "partial"), entry(y, x, "duplicate")]


def test_round_trip_is_sorted_deduplicated_and_stable() -> None:
    baseline = Baseline.of(_entries())
    assert [item.key for item in baseline.entries] == [("sha256:1", "sha256:3"), ("sha256:2", "sha256:3")]
    text = dumps(baseline)
    assert loads(text) == baseline
    assert dumps(loads(text)) == text
    data = json.loads(text)
    assert data["schema"] == SCHEMA
    assert data["pairs"][0] == {
        "a": {"fingerprint": "sha256:1", "id": "1.md", "source": "news/1.md"},
        "b": {"fingerprint": "sha256:3", "id": "3.md", "source": "news/3.md"},
        "relation": "duplicate",
    }
    assert text == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_entries_from_a_check_use_content_fingerprints() -> None:
    result = check_articles([Article(WIRE, sample(WIRE), WIRE), Article(REWRITE, sample(REWRITE), REWRITE)])
    (accepted,) = baseline_of(result).entries
    assert {accepted.a.id, accepted.b.id} == {WIRE, REWRITE}
    assert accepted.relation == "rewrite"
    assert set(accepted.key) == set(result.findings[0].fingerprints)
    assert all(side.fingerprint.startswith("sha256:") for side in (accepted.a, accepted.b))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid JSON"),
        ('{"schema": "dupecheck.scan/1"}', "not a dupecheck.baseline/1 file"),
        ('{"schema": "dupecheck.baseline/1", "pairs": {}}', "'pairs' must be a list"),
        ('{"schema": "dupecheck.baseline/1", "pairs": [{"a": {}}]}', "pair 1 is malformed"),
    ],
)
def test_malformed_baselines_are_input_errors(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        loads(text, "b.json")


def test_a_missing_baseline_file_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="create it with `dupecheck baseline update"):
        read_baseline(tmp_path / "none.json")
