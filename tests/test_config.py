from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

from dupecheck.allow import AllowEntry, allowing, parse_allow
from dupecheck.check import FailOn
from dupecheck.cli import app
from dupecheck.config import KEYS, Config, apply_config, find_config, parse_config
from dupecheck.errors import SettingsError


def test_no_configuration_is_empty(tmp_path: Path) -> None:
    assert find_config(tmp_path) == Config()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert find_config(tmp_path) == Config()


def test_pyproject_table_with_dashes_and_underscores(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.dupecheck]\nmatch-threshold = 0.2\nmin_anchors = 3\nfail-on = 'any'\nbaseline = 'b.json'\n"
        "format = 'json'\ngitignore = false\n",
        encoding="utf-8",
    )
    config = find_config(tmp_path)
    assert config.source == tmp_path / "pyproject.toml"
    assert config.values() == {
        "match_threshold": 0.2,
        "min_anchors": 3,
        "fail_on": FailOn.ANY,
        "baseline": Path("b.json"),
        "format": ("json",),
        "gitignore": False,
    }


def test_own_file_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.dupecheck]\nseed = 3\n", encoding="utf-8")
    (tmp_path / ".dupecheck.toml").write_text("seed = 5\n", encoding="utf-8")
    assert find_config(tmp_path).values() == {"seed": 5}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"threshold": 0.2}, "x.toml: unknown key 'threshold'"),
        ({"num-perm": 1.5}, "'num-perm' must be an integer"),
        ({"match_threshold": "high"}, "'match_threshold' must be a number"),
        ({"seed": True}, "'seed' must be an integer"),
        ({"gitignore": "no"}, "'gitignore' must be true or false"),
        # true is an int to Python: it must not pass for jobs = 1, or a window of one day.
        ({"jobs": True}, "x.toml: 'jobs' must be an integer, got true"),
        ({"max-bytes": True}, "x.toml: 'max-bytes' must be an integer, got true"),
        ({"window": False}, "x.toml: 'window' must be an integer, got false"),
        ({"jobs": 0}, "x.toml: 'jobs' must be 1 or more, got 0"),
        ({"window": -1}, "x.toml: 'window' must be 0 or more, got -1"),
        (
            {"max_bytes": 2**62},
            "x.toml: 'max_bytes' must be from 1 to 1099511627776, got 4611686018427387904",
        ),
        ({"same-source": "never"}, "x.toml: 'same-source' must be one of: report, ignore; got 'never'"),
        ({"input-format": "docx"}, "x.toml: 'input-format' must be one of: txt, md, html"),
        ({"format": ["json", 3]}, "'format' must be a string or a list of strings"),
        ({"seed": 1, "num_perm": 64, "num-perm": 32}, "'num-perm' is given twice"),
        ({"allow": {"pair": ["a", "b"]}}, "'allow' must be an array of tables"),
    ],
)
def test_bad_configurations_name_key_and_file(table: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        parse_config(table, Path("x.toml"))


def test_invalid_toml_is_a_settings_error(tmp_path: Path) -> None:
    (tmp_path / ".dupecheck.toml").write_text("seed = \n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"\.dupecheck\.toml: not valid TOML"):
        find_config(tmp_path)


def test_command_line_wins_over_configuration() -> None:
    config = parse_config({"seed": 9, "format": ["json"], "min_terms": 2}, Path("x.toml"))
    options = {"seed": 1, "output_format": None, "min_terms": 4}
    merged = apply_config(options, config, given={"min_terms"}, names={"format": "output_format"})
    assert merged == {"seed": 9, "output_format": ("json",), "min_terms": 4}


def test_every_check_option_is_a_configuration_key() -> None:
    import typer.main

    command = typer.main.get_command(app)
    check = command.commands["check"]  # type: ignore[attr-defined]
    names = {parameter.name for parameter in check.params} - {"paths", "files_from"}
    keys = {"output_format" if key == "format" else key for key in KEYS}
    assert names <= keys


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"pair": ["a"], "reason": "r"}, "must name exactly two articles"),
        ({"group": ["a"], "reason": "r"}, "must name at least two articles"),
        ({"pair": ["a", "b"], "group": ["c", "d"], "reason": "r"}, "exactly one of 'pair'"),
        ({"pair": ["a", "b"], "reason": "  "}, "'reason' is required"),
        ({"pair": ["a", "b"], "reason": "r", "expires": "soon"}, "'expires' must be a date"),
        ({"pair": ["a", "b"], "reason": "r", "until": "x"}, "unknown key 'until'"),
        ({"pair": "a b", "reason": "r"}, "must be a list of article ids or paths"),
    ],
)
def test_bad_allow_entries(item: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        parse_allow([item], source="x.toml", base=".")


def test_allow_entries_match_by_id_or_path_until_they_expire(tmp_path: Path) -> None:
    (entry,) = parse_allow(
        [
            {
                "group": ["news/a.md", "b.md", "c.md"],
                "reason": "one series",
                "expires": datetime.date(2027, 1, 31),
            }
        ],
        source="x.toml",
        base=str(tmp_path),
    )
    assert isinstance(entry, AllowEntry)
    a = frozenset({"a.md", str(tmp_path / "news" / "a.md")})
    b, d = frozenset({"b.md"}), frozenset({"d.md"})
    assert allowing([entry], a, b, datetime.date(2027, 1, 31)) is entry
    assert allowing([entry], b, a, datetime.date(2027, 1, 31)) is entry
    assert allowing([entry], a, d, datetime.date(2026, 1, 1)) is None
    assert allowing([entry], a, a, datetime.date(2026, 1, 1)) is None  # an article is not its own pair
    assert allowing([entry], a, b, datetime.date(2027, 2, 1)) is None


def test_every_key_stands_in_for_an_option_of_check() -> None:
    from dupecheck.cli_options import _CONFIG_NAMES

    command: Any = typer.main.get_command(app)  # a group of commands
    options = {param.name for param in command.commands["check"].params}
    assert {_CONFIG_NAMES.get(key, key) for key in KEYS - {"allow"}} <= options


def test_a_setting_without_an_option_is_not_a_key(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="unknown key 'common-share'"):
        parse_config({"common-share": 0.5}, tmp_path / "x.toml")
