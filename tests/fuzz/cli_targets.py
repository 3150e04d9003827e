"""The `orderbridge` command line through the real Typer app, in-process (`CliRunner`), in a
private home.

- ``arguments``: argv made from the real command tree (every command, its arguments and
  options, the values they expect and garbage), plus argv that is garbage through and
  through. Every run exits 0, 1 or 2; a failure says what is wrong; no traceback, ever.
- ``settings``: `config set KEY VALUE` for every known key with values of its type, out of
  its bounds and random: a clear error, or accepted and then shown by `config show` as set,
  in effect (not run at its default), with the value given.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from typer.testing import CliRunner

from orderbridge.cli import app
from orderbridge.model import OrderStatus
from orderbridge.runtime.jobs import JOBS
from orderbridge.workflows.integration_config import IntegrationConfig
from tests.fuzz.mangling import mostly
from tests.fuzz.running import loopback_only, run_cases
from tests.fuzz.tally import FuzzTally

LONG_RUNNING = frozenset({"sandbox", "demo", "serve", "worker", "scheduler"})
"""Commands that serve until stopped: only their parsing is fuzzed (`--help`, bad options)."""
KEYS = sorted(IntegrationConfig.model_fields)
garbage = st.text(st.characters(categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Co"),
                                exclude_characters="\x00"),
                  max_size=30) | st.sampled_from(
    ["", " ", "-", "--", "-x", "--nope", "x" * 3000, "Zoë 😀", "'; DROP TABLE orders; --",
     "%s%n", "{0}", "[red]markup[/red]", "\t\n", "-1", "1e999", "nan", "9" * 30])
integration = mostly(st.sampled_from(["default", "fuzz", "other"]), garbage)
VALUES: dict[str, st.SearchStrategy[str]] = {
    "--integration": integration, "-i": integration,
    "key": mostly(st.sampled_from(KEYS), garbage),
    "--job": mostly(st.sampled_from(sorted(JOBS)), garbage),
    "-j": mostly(st.sampled_from(sorted(JOBS)), garbage),
    "--status": mostly(st.sampled_from([status.value for status in OrderStatus]), garbage),
    "--limit": st.sampled_from(["1", "50", "0", "-3", "10000000000", "ten"]) | garbage,
    "--base-url": st.sampled_from(["http://127.0.0.1:9", "https://api.houzz.com", "ftp://x",
                                   "http://user:pw@127.0.0.1:9", "http://127.0.0.1:99999"])
    | garbage,
    "--url": st.sampled_from(["https://hub.example.com", "http://127.0.0.1:9", "no"])
    | garbage,
    "--location-id": st.sampled_from(["1", "0", "-1", "x", str(2**64)]) | garbage,
}


@dataclass(frozen=True)
class Leaf:
    """One command: its path of names, its arguments and its options (flags apart)."""

    path: tuple[str, ...]
    arguments: tuple[str, ...]
    options: tuple[str, ...]
    flags: tuple[str, ...]


def command_tree() -> list[Leaf]:
    """Every command of the real app, as Typer builds it."""
    leaves: list[Leaf] = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        if hasattr(command, "list_commands"):
            context = typer.Context(command)
            for name in command.list_commands(context):
                walk(command.get_command(context, name), (*path, name))
            return
        params = command.params
        leaves.append(Leaf(
            path, tuple(p.name for p in params if p.param_type_name == "argument"),
            tuple(p.opts[0] for p in params if p.param_type_name == "option" and not p.is_flag),
            tuple(p.opts[0] for p in params if p.param_type_name == "option" and p.is_flag)))

    walk(typer.main.get_command(app), ())
    return leaves


@st.composite
def argv(draw: st.DrawFn, leaves: list[Leaf], files: list[str]) -> list[str]:
    if draw(st.integers(0, 9)) == 0:  # garbage through and through
        return draw(st.lists(garbage | st.sampled_from([leaf.path[0] for leaf in leaves]),
                             max_size=5))
    leaf = draw(st.sampled_from(leaves))
    if leaf.path[0] in LONG_RUNNING:
        return [*leaf.path, draw(st.sampled_from(["--help", "--nope", "extra"]))]
    words = list(leaf.path)
    for name in leaf.arguments:
        if draw(st.integers(0, 9)) > 0:  # now and then one is missing
            words.append(draw(st.sampled_from(files) if name == "file" else
                              VALUES.get(name, garbage)))
    for option in draw(st.lists(st.sampled_from(leaf.options), max_size=3)) if leaf.options \
            else []:
        words += [option, draw(VALUES.get(option, garbage))]
    words += draw(st.lists(st.sampled_from(leaf.flags), max_size=2)) if leaf.flags else []
    if leaf.path == ("sync",) and "--once" not in words:
        words.append("--once")  # without it, sync runs until stopped
    if draw(st.integers(0, 19)) == 0:
        words.insert(draw(st.integers(0, len(words))), draw(garbage))
    return words


@dataclass(frozen=True)
class Ran:
    code: int
    output: str
    exception: BaseException | None


@dataclass
class Cli:
    """The app in-process with a private ORDERBRIDGE_HOME (no other ORDERBRIDGE_* variable)."""

    home: Path

    def run(self, args: list[str], stdin: str | None = None) -> Ran:
        env: dict[str, str | None] = {name: None for name in os.environ
                                      if name.startswith("ORDERBRIDGE_")}
        env.update(ORDERBRIDGE_HOME=str(self.home), COLUMNS="200")
        done = CliRunner().invoke(app, args, input=stdin, env=env)
        exception = None if isinstance(done.exception, SystemExit) else done.exception
        return Ran(done.exit_code, done.stdout + done.stderr, exception)


@contextmanager
def private_cli() -> Iterator[Cli]:
    with loopback_only(), tempfile.TemporaryDirectory(prefix="orderbridge-cli-") as directory:
        yield Cli(Path(directory) / "home")


def judge(ran: Ran, tally: FuzzTally, given: Any) -> bool:
    """Count one run; True if it was accepted."""
    if ran.exception is not None:
        tally.crashed(ran.exception, given)
    elif "Traceback" in ran.output or ran.code not in (0, 1, 2):
        tally.crash(f"exit {ran.code}: {ran.output[-500:]}", given)
    elif ran.code == 0:
        tally.accept()
        return True
    else:
        tally.refuse(ran.output, given)
    return False


def cli_arguments(examples: int) -> FuzzTally:
    leaves = command_tree()
    with private_cli() as cli:
        scratch = cli.home.parent / "files"
        scratch.mkdir()
        (scratch / "aliases.csv").write_text("channel_sku,warehouse_sku\nHZ-1,QBC-1\n")
        (scratch / "binary.csv").write_bytes(bytes(range(256)))
        files = [str(scratch / "aliases.csv"), str(scratch / "binary.csv"),
                 str(scratch / "missing.csv"), str(scratch)]
        cases = st.tuples(argv(leaves, files), st.sampled_from(
            ["correct horse battery\ncorrect horse battery\n", "short\nshort\n",
             "one password\nanother one\none\none\n", ""]))
        seeds = [(["version"], ""), (["config", "show", "--integration", "nope"], "")]
        return run_cases("CLI arguments", cases, examples,
                         lambda case, tally: _argv(cli, case, tally), seeds)


def _argv(cli: Cli, case: tuple[list[str], str], tally: FuzzTally) -> None:
    judge(cli.run(case[0], stdin=case[1]), tally, case)


def _typed_values(key: str) -> st.SearchStrategy[str]:
    """Values of the key's own kind, in and out of its bounds."""
    annotation = str(IntegrationConfig.model_fields[key].annotation)
    if "Literal" in annotation:
        return st.sampled_from(annotation.split("[", 1)[1].rstrip("]").replace("'", "")
                               .split(", "))
    if "bool" in annotation:
        return st.sampled_from(["true", "false", "yes", "no", "1", "0", "on", "maybe"])
    if "int" in annotation:
        return st.integers(-10, 10**7).map(str) | st.sampled_from(["1.5", "1e3", "0x10"])
    if "float" in annotation:
        return (st.floats(allow_nan=True, allow_infinity=True).map(repr)
                | st.integers(-5, 10**6).map(str))
    if "date" in annotation:
        return st.dates().map(str) | st.sampled_from(["2024-02-30", "yesterday"])
    return st.sampled_from(["America/New_York", "Europe/Paris", "Mars/Olympus", "a@b.example",
                            "ops@shop.example, bad", "https://hooks.example/alerts",
                            "http://127.0.0.1:9/x", "smtp.example.com", "all", "1,4",
                            "alnum", "alnum-dash", "HZ-", "houzz,rush"])


settings_case = st.sampled_from(KEYS).flatmap(
    lambda key: st.tuples(st.just(key), mostly(_typed_values(key), garbage, in_ten=7)))


def settings_values(examples: int) -> FuzzTally:
    with private_cli() as cli:
        return run_cases("settings values", settings_case, examples,
                         lambda case, tally: _set(cli, case, tally),
                         [("delivery", "preview"), ("houzz_page_size", "0")])


def _set(cli: Cli, case: tuple[str, str], tally: FuzzTally) -> None:
    key, value = case
    set_args = ["config", "set", key, value] if not value.startswith("-") else [
        "config", "set", key, "--", value]
    accepted = judge(cli.run(set_args), tally, case)
    if not accepted:
        return
    shown = cli.run(["config", "show", "--json"])
    if shown.code != 0 or shown.exception is not None:
        tally.crash(f"config show failed after a set: {shown.output[-300:]}", case)
        return
    document = json.loads(shown.output)
    setting = document["settings"][key]
    refused_later = [problem for problem in document["problems"] if key in problem]
    if not setting["set"] or refused_later or not _same(key, value.strip(), setting["value"]):
        tally.lose(1, f"accepted {key} = {value!r}, shown {setting}, problems "
                      f"{refused_later}", case)


def _same(key: str, given: str, shown: str) -> bool:
    """Whether what `config show` shows is the value given, read as the key's type."""
    if given == shown:
        return True
    annotation: Any = IntegrationConfig.model_fields[key].annotation
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    try:
        return bool(adapter.validate_python(given) == adapter.validate_python(shown))
    except ValidationError:
        return given == "" and shown == ""
