"""A bad `--integration` value is one clear line for every command that takes the shared
option, checked before the command runs (so before any store or network is touched)."""

from __future__ import annotations

from typing import Any

import pytest
import typer

from orderbridge.cli import app
from orderbridge.cli.common import checked_integration_name
from tests.cli.conftest import Cli

BAD_NAMES = {
    "": "Error: the integration name is empty; give a name with --integration NAME, or leave "
        "the option out to use the 'default' integration",
    "   ": "Error: the integration name is empty",
    "acme\n": "Error: the integration name 'acme\\n' holds the control character U+000A",
    "ac\x00me": "Error: the integration name 'ac\\x00me' holds the control character U+0000",
    " acme": "Error: the integration name ' acme' starts or ends with a space; write it "
             "without",
    "a" * 65: "Error: the integration name is 65 characters long; at most 64 are allowed",
}


def commands_with_the_integration_option() -> list[list[str]]:
    """Every command path whose --integration is the shared, checked option."""
    found: list[list[str]] = []

    def walk(command: Any, path: list[str]) -> None:
        if hasattr(command, "list_commands"):
            for name in command.list_commands(None):
                if name not in ("sandbox", "demo"):  # loaded lazily; no --integration
                    walk(command.get_command(None, name), [*path, name])
        elif any(getattr(param.callback, "__wrapped__", None) is checked_integration_name
                 for param in command.params):  # typer wraps the callback
            found.append(path)

    walk(typer.main.get_command(app), [])
    return found


COMMANDS = commands_with_the_integration_option()


def test_the_check_covers_the_commands_of_a_merchant() -> None:
    assert len(COMMANDS) >= 20
    for path in (["config", "set"], ["config", "show"], ["connect", "houzz"], ["connect", "qbc"],
                 ["alias", "import"], ["orders", "list"], ["carrier", "map"], ["resume"]):
        assert path in COMMANDS


@pytest.mark.parametrize("name", list(BAD_NAMES))
def test_a_bad_integration_name_is_one_line_for_every_command(cli: Cli, name: str) -> None:
    for path in COMMANDS:
        result = cli.invoke(*path, "--integration", name, expect=1)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(BAD_NAMES[name]), (path, result.stderr)
    assert not cli.home.exists()  # refused before anything was opened


def test_the_short_option_and_a_real_run_are_checked_too(cli: Cli) -> None:
    result = cli.run("config", "show", "-i", "  ", expect=1)
    assert result.stderr.strip() == f"{BAD_NAMES['   ']}; give a name with --integration " \
        "NAME, or leave the option out to use the 'default' integration"
    assert cli.invoke("config", "set", "delivery", "preview", "-i", "a" * 64, "--create").code == 0
