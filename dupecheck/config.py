"""Project configuration for ``dupecheck check``: ``.dupecheck.toml`` or ``[tool.dupecheck]``.

Keys are the command-line option names, with dashes or underscores (``match-threshold``,
``fail-on``, ``baseline``, ``format``); ``allow`` holds the allow entries. An unknown key is an
error naming the key and the file, so a typo never silently changes nothing.
"""

from __future__ import annotations

import difflib
import os
import tomllib
import typing
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dupecheck.allow import AllowEntry, parse_allow
from dupecheck.check import parse_fail_on
from dupecheck.core import SAME_SOURCE
from dupecheck.errors import SettingsError
from dupecheck.load import FORMATS, MAX_BYTES_LIMIT
from dupecheck.settings import Settings

OWN_FILE = ".dupecheck.toml"
"""Read first: its top-level table is the configuration."""
PYPROJECT = "pyproject.toml"
"""Read when there is no :data:`OWN_FILE`: its ``[tool.dupecheck]`` table is the configuration."""

# Settings without a command-line option (the corpus vocabulary's share and least count,
# set from Python) are not keys: a key only stands in for an option left off the command line.
_NO_OPTION = frozenset({"common_share", "common_min_docs"})
_SETTING_TYPES: dict[str, type] = {
    name: hint
    for name, hint in typing.get_type_hints(Settings).items()
    if hint in (int, float) and name not in _NO_OPTION
}
_OPTION_TYPES: dict[str, tuple[type, ...]] = {
    "format": (str, list),
    "output": (str, list),
    "baseline": (str,),
    "fail_on": (str,),
    "changed_since": (str,),
    "gitignore": (bool,),
    "strict": (bool,),
    "max_bytes": (int,),
    "id_field": (str,),
    "text_field": (str,),
    "title_field": (str,),
    "date_field": (str,),
    "source_field": (str,),
    "input_format": (str,),
    "same_source": (str,),
    "window": (int,),
    "boilerplate": (str,),
    "learn_boilerplate": (bool,),
    "jobs": (int,),
    "cache": (str,),
    "index": (str,),
}
_RANGES: dict[str, tuple[int, int | None]] = {
    "max_bytes": (1, MAX_BYTES_LIMIT),
    "jobs": (1, None),
    "window": (0, None),
}
"""The bounds of the integer options, as on the command line (None: no upper bound)."""
_CHOICES: dict[str, tuple[str, ...]] = {"same_source": SAME_SOURCE, "input_format": FORMATS}
KEYS = frozenset({*_SETTING_TYPES, *_OPTION_TYPES, "allow"})
"""Every key a configuration may hold, with underscores."""
_LISTS = frozenset({"format", "output"})


@dataclass(frozen=True, slots=True)
class Config:
    """Options read from a configuration file (keys with underscores) and its allow entries.

    >>> Config().options
    ()
    """

    source: Path | None = None
    options: tuple[tuple[str, Any], ...] = ()
    allow: tuple[AllowEntry, ...] = ()

    def values(self) -> dict[str, Any]:
        """The options as a dict: lists of formats and outputs as tuples, paths as :class:`Path`."""
        return dict(self.options)


def find_config(folder: str | os.PathLike[str] = ".") -> Config:
    """Read the configuration in ``folder``: ``.dupecheck.toml`` if present, else ``pyproject.toml``.

    No file, or a ``pyproject.toml`` without ``[tool.dupecheck]``, gives the empty :class:`Config`.
    """
    own = Path(folder) / OWN_FILE
    if own.is_file():
        return parse_config(_read_toml(own), own)
    pyproject = Path(folder) / PYPROJECT
    if pyproject.is_file():
        tool = _read_toml(pyproject).get("tool", {})
        table = tool.get("dupecheck") if isinstance(tool, dict) else None
        if table is not None:
            return parse_config(table, pyproject)
    return Config()


def parse_config(table: object, source: Path) -> Config:
    """Validate the table of options read from ``source`` and convert it to a :class:`Config`.

    >>> parse_config({"match-threshold": 0.2, "format": "json"}, Path("x.toml")).values()
    {'match_threshold': 0.2, 'format': ('json',)}
    >>> parse_config({"match-treshold": 0.2}, Path("x.toml"))
    Traceback (most recent call last):
    ...
    dupecheck.errors.SettingsError: x.toml: unknown key 'match-treshold'; did you mean 'match-threshold'?
    """
    if not isinstance(table, dict):
        raise SettingsError(f"{source}: the dupecheck configuration must be a table")
    options: dict[str, Any] = {}
    allow: tuple[AllowEntry, ...] = ()
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in KEYS:
            raise SettingsError(f"{source}: unknown key '{key}'{_suggestion(name)}")
        if name in options or (name == "allow" and allow):
            raise SettingsError(f"{source}: '{key}' is given twice (with dashes and with underscores)")
        if name == "allow":
            allow = parse_allow(value, source=source.as_posix(), base=os.path.abspath(source.parent))
            continue
        options[name] = _checked(name, key, value, source)
    return Config(source, tuple(options.items()), allow)


def apply_config(
    options: Mapping[str, Any], config: Config, *, given: Collection[str], names: Mapping[str, str]
) -> dict[str, Any]:
    """``options`` with each one not ``given`` on the command line taken from ``config`` when set there.

    ``names`` maps configuration keys to option names where they differ (``format`` to the
    parameter that holds it). Keys the command has no option for are left out.

    >>> apply_config({"seed": 1, "num_perm": 64}, Config(None, (("seed", 7), ("num_perm", 32))),
    ...              given={"num_perm"}, names={})
    {'seed': 7, 'num_perm': 64}
    """
    merged = dict(options)
    for key, value in config.options:
        name = names.get(key, key)
        if name in merged and name not in given:
            merged[name] = value
    return merged


def _checked(name: str, key: str, value: object, source: Path) -> Any:
    """The value of one option, type-checked and converted to what the command line would give."""
    where = f"{source}: '{key}'"
    if name in _SETTING_TYPES:
        wanted = _SETTING_TYPES[name]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (wanted is int and isinstance(value, float))
        ):
            raise SettingsError(
                f"{where} must be {'an integer' if wanted is int else 'a number'}, got {_shown(value)}"
            )
        return wanted(value)
    kinds = _OPTION_TYPES[name]
    # true is an int to Python, not to the option: jobs = true must not mean one job.
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        names = " or ".join("a list of strings" if kind is list else _KIND_NAMES[kind] for kind in kinds)
        raise SettingsError(f"{where} must be {names}, got {_shown(value)}")
    if name in _RANGES and isinstance(value, int):
        low, high = _RANGES[name]
        if value < low or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"{low} or more"
            raise SettingsError(f"{where} must be {bounds}, got {value}")
    if name in _CHOICES and value not in _CHOICES[name]:
        raise SettingsError(f"{where} must be one of: {', '.join(_CHOICES[name])}; got {value!r}")
    if name in _LISTS:
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str) for item in items):
            raise SettingsError(f"{where} must be a string or a list of strings, got {value!r}")
        strings = [str(item) for item in items]
        return tuple(Path(item) for item in strings) if name == "output" else tuple(strings)
    if name == "fail_on":
        return parse_fail_on(str(value), where)
    return Path(str(value)) if name in ("baseline", "cache") else value


def _shown(value: object) -> str:
    """``value`` as the configuration file spells it: ``true``, not Python's ``True``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _suggestion(name: str) -> str:
    spelled = sorted(key.replace("_", "-") for key in KEYS)
    close = difflib.get_close_matches(name.replace("_", "-"), spelled, n=1)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; the keys are: {', '.join(spelled)}"


_KIND_NAMES = {str: "a string", bool: "true or false", int: "an integer"}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: not valid TOML ({error})") from None
    except OSError as error:
        raise SettingsError(f"{path}: cannot read the configuration ({error.strerror})") from None
