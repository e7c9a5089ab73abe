from __future__ import annotations

import pytest

from dupecheck.errors import SettingsError
from dupecheck.settings import Settings


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("match_threshold", 1.5, "match_threshold must be in (0.0, 1.0]"),
        ("candidate_threshold", 0.0, "candidate_threshold must be in (0.0, 1.0]"),
        ("num_perm", 8, "num_perm must be in [16, 1024]"),
        ("min_terms", 0, "min_terms must be at least 1"),
        ("partial_threshold", 0.95, "thresholds must rise"),
        ("rewrite_share", -0.1, "rewrite_share must be in [0.0, 1.0]"),
        ("rewrite_share", 1.5, "rewrite_share must be in [0.0, 1.0]"),
    ],
)
def test_out_of_range_settings_name_the_allowed_range(field: str, value: float, message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace("[", r"\[")):
        Settings(**{field: value})


def test_rewrite_share_may_be_zero_or_above_the_rewrite_threshold() -> None:
    assert Settings(rewrite_share=0.0).rewrite_share == 0.0
    assert Settings(partial_threshold=0.1, rewrite_threshold=0.15).rewrite_share == 0.2
