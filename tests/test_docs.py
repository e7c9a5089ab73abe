"""The documentation is part of the interface: every command and option explains itself."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer.main
from paths import ROOT

from dupecheck.cli import app
from dupecheck.reporters import REPORTERS


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every command below a (typer) click group, with its path of names."""
    found = []
    for name, command in sorted(group.commands.items()):
        found.append(((*prefix, name), command))
        if hasattr(command, "commands"):
            found += _commands(command, (*prefix, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_and_option_has_help(path: tuple[str, ...], command: Any) -> None:
    where = "dupecheck " + " ".join(path)
    assert (command.help or "").strip(), f"{where} has no help text"
    for parameter in command.params:
        if type(parameter).__name__.endswith("Option") and parameter.name != "help":
            assert (parameter.help or "").strip(), f"{where} {parameter.opts[0]} has no help"


def test_readme_names_every_command_and_report_format() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path, _ in COMMANDS:
        assert f"dupecheck {' '.join(path)}" in readme, f"README does not show dupecheck {' '.join(path)}"
    for name in REPORTERS:
        assert f"`{name}`" in readme, f"README does not name the {name} format"


def test_readme_names_the_commands_ignore_files_apply_to() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^- \*\*Ignore files\.\*\*(.*?)(?=^- \*\*|^$)", readme, re.MULTILINE | re.DOTALL)
    assert found, "README has no Ignore files item"
    bullet = " ".join(found[1].split())
    # The commands with --gitignore are the ones that read ignore files.
    applying = [" ".join(p) for p, command in COMMANDS if any(o.name == "gitignore" for o in command.params)]
    assert applying == ["baseline update", "check", "index add", "index build", "query"]
    assert "apply to `check`, `baseline update`, `index build`, `index add` and `query` only" in bullet
