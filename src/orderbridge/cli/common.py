"""What every command shares: opening the store, finding an integration, printing, failing.

A merchant never sees a traceback for a problem they can fix: errors of the hub (bad input, a
refused connection, a missing or wrong encryption key, an unreachable database) become one red
line saying what to do, and exit code 1. `reports_errors` wraps each command to that effect, and
`--integration` is checked as it is parsed, for every command at once.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session

from orderbridge.crypto import SecretKeyError
from orderbridge.errors import OrderbridgeError, UsageError
from orderbridge.logs import configure_logging
from orderbridge.settings import Settings, load_settings
from orderbridge.store import Store, integrations, open_store
from orderbridge.store.integrations import DEFAULT_INTEGRATION
from orderbridge.store.tables import Integration
from orderbridge.workflows.integration_names import checked_name
from orderbridge.workflows.since import checked_day, start_of_day

P = ParamSpec("P")
R = TypeVar("R")
N = TypeVar("N", str, str | None)

def checked_integration_name(name: N) -> N:
    """The `--integration` value, or one red line if no integration could be called that (a
    typer callback: the check runs before the command, whatever the command)."""
    if name is None:
        return name
    if not name.strip():
        fail("the integration name is empty; give a name with --integration NAME, or leave the "
             "option out to use the 'default' integration")
    try:
        return checked_name(name)
    except UsageError as exc:
        fail(str(exc))


IntegrationOption = Annotated[
    str, typer.Option("--integration", "-i", help="Which integration (merchant) to act on.",
                      callback=checked_integration_name)
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def since_date(value: str | None) -> str | None:
    """A ``--since`` date (``YYYY-MM-DD``, read as midnight UTC), checked as it is parsed."""
    if value is None:
        return None
    try:
        return checked_day(value).isoformat()
    except UsageError as exc:
        fail(f"--since {exc}")


def since_moment(value: str) -> datetime:
    """The moment a checked ``--since`` date stands for."""
    return start_of_day(date.fromisoformat(value))
CreateOption = Annotated[bool, typer.Option(
    "--create", help="Create the integration if there is none of that name yet (the "
    "'default' integration is created without it).")]

_PIPE_WIDTH = 160  # tables piped to a file or a log are not squeezed into 80 columns


def console(*, stderr: bool = False) -> Console:
    """A Rich console; wide when not attached to a terminal."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() or os.environ.get("COLUMNS") else _PIPE_WIDTH
    return Console(stderr=stderr, width=width, soft_wrap=stderr)


def say(text: str, style: str | None = None) -> None:
    """Print plain text (never read as Rich markup), optionally styled."""
    console().print(text, style=style, markup=False, highlight=False)


def fail(message: str) -> NoReturn:
    """One red line on stderr, exit code 1."""
    console(stderr=True).print(f"[red]Error:[/red] {escape(message)}", highlight=False)
    raise typer.Exit(1)


def print_json(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2, default=str, ensure_ascii=False))


def show_rows(title: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[str]],
              *, as_json: bool, caption: str | None = None) -> None:
    """A list as a table for people or as JSON for scripts; `columns` are (JSON key, heading).
    Values are shown literally, never read as markup."""
    if as_json:
        print_json([dict(zip((key for key, _ in columns), row, strict=True)) for row in rows])
        return
    table = Table(title=title, caption=caption)
    for _, heading in columns:
        table.add_column(heading)
    for row in rows:
        table.add_row(*(Text(str(value)) for value in row))
    console().print(table)


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn the hub's expected errors into one clear line and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (OrderbridgeError, SecretKeyError) as exc:
            fail(str(exc))
        except ValidationError as exc:  # ORDERBRIDGE_* variables that do not parse
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                                 for e in exc.errors())
            fail(f"invalid ORDERBRIDGE_* setting: {problems}")
        except ArgumentError as exc:  # includes an unknown dialect
            fail(f"ORDERBRIDGE_DATABASE_URL is not a usable database URL: {exc}")
        except OperationalError as exc:
            fail(f"cannot use the database: {str(exc.orig).strip().splitlines()[0]} "
                 "(check ORDERBRIDGE_DATABASE_URL, or that ORDERBRIDGE_HOME is a directory "
                 "orderbridge can write)")
        except OSError as exc:
            if exc.filename is None:  # not about a file: not something we expected
                raise
            fail(f"cannot use {exc.filename}: {exc.strerror or exc}")

    return wrapper


def start_logging() -> None:
    """The process's log lines as ``ORDERBRIDGE_LOG_FORMAT`` and ``_LOG_LEVEL`` say
    (`orderbridge.logs`), once at start; settings that do not parse are the command's to
    report (`reports_errors`), so the defaults log meanwhile."""
    try:
        settings = load_settings()
    except ValidationError:
        settings = Settings.model_construct()
    configure_logging(settings)


@contextmanager
def opened_store() -> Iterator[tuple[Settings, Store]]:
    """The process settings and the store they name (migrated on first use), closed after."""
    settings = load_settings()
    try:
        store = open_store(settings)
    except OSError as exc:  # the database file or its directory cannot be made
        raise UsageError(unwritable(settings, exc)) from None
    try:
        yield settings, store
    finally:
        store.close()


def unwritable(settings: Settings, exc: OSError) -> str:
    """What to say when a file of orderbridge's cannot be created."""
    where = f"{exc.filename} ({exc.strerror or exc})"
    if exc.filename is not None and str(exc.filename).startswith(str(settings.home)):
        return (f"cannot create {where}: ORDERBRIDGE_HOME ({settings.home}) must be a "
                "directory orderbridge can write; set ORDERBRIDGE_HOME to one")
    return f"cannot create {where}; check ORDERBRIDGE_DATABASE_URL"


def require_integration(session: Session, name: str) -> Integration:
    """The integration called `name`, or a `UsageError` saying how to create it."""
    integration = integrations.get_integration(session, name)
    if integration is None:
        known = [i.name for i in integrations.list_integrations(session)]
        hint = f" (known: {', '.join(known)})" if known else ""
        raise UsageError(f"there is no integration named {name!r}{hint}; create it with "
                         f"orderbridge connect houzz ... --integration {name}")
    return integration


def integration_for_setup(session: Session, name: str, *, create: bool | None = None
                          ) -> Integration:
    """The integration, created if missing when `create` is set (settings and mappings may come
    before `connect`). The 'default' integration is created without asking: a merchant's first
    command is often `config set`. Any other name is created only on `--create`, so a typo never
    makes a second, empty integration; `create=None` is for commands without that flag."""
    existing = integrations.get_integration(session, name)
    if existing is not None:
        return existing
    if name != DEFAULT_INTEGRATION and not create:
        known = [i.name for i in integrations.list_integrations(session)]
        hint = f" (known: {', '.join(known)})" if known else ""
        how = ("add --create to create it" if create is False else
               f"create it first with orderbridge config set KEY VALUE --integration {name} "
               "--create, or orderbridge connect")
        raise UsageError(f"there is no integration named {name!r}{hint}; {how}")
    created = integrations.get_or_create_integration(session, name)
    if name != DEFAULT_INTEGRATION:
        say(f"Created integration {name!r}.")
    return created


def when(value: datetime | None) -> str:
    """A stored time for display (UTC, to the second)."""
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M:%S UTC")
