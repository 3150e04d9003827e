"""`orderbridge connect houzz|qbc`: test credentials against the API, then save them encrypted
(`workflows.connect`, which the Connections screen runs too).

Nothing is saved unless the test passes, so a typo never replaces working credentials; and
what can never work (a token HTTP headers cannot carry, a base URL that is not plain http(s),
a key file that went missing) is refused before any call. The token may come from `--token`,
from an environment variable, or from a hidden prompt, so it need not sit in the shell's
history. Reconnecting is how a merchant fixes a configuration failure: a successful connect
clears the integration's pause.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from orderbridge.cli.common import (
    IntegrationOption,
    console,
    opened_store,
    reports_errors,
    say,
)
from orderbridge.crypto import SecretBox, mask
from orderbridge.workflows.connect import (
    HOUZZ_WHERE,
    QBC_WHERE,
    Connection,
    QbcConnection,
    connect,
    header_value,
    houzz_connection,
    qbc_connection,
)

HOUZZ_TOKEN_ENV = "ORDERBRIDGE_HOUZZ_TOKEN"
QBC_TOKEN_ENV = "ORDERBRIDGE_QBC_TOKEN"

app = typer.Typer(help="Test and save the credentials of Houzz or QuickBooks Commerce.",
                  no_args_is_help=True)

BaseUrlOption = Annotated[str | None, typer.Option(help="API base URL (default: the real host).")]
NewKeyOption = Annotated[bool, typer.Option(
    "--new-key", help="The key file is lost for good: make a new one (credentials saved with "
    "the old key must then be reconnected too).")]


def _token(given: str | None, prompt: str, where: str) -> str:
    token = given if given is not None else typer.prompt(prompt, hide_input=True)
    return header_value("the token", token, where)


@app.command("houzz")
@reports_errors
def connect_houzz(
    username: Annotated[str, typer.Option(help="API user name (Seller Central > Settings > API).")],
    app_name: Annotated[str, typer.Option(help="API app name (Seller Central > Settings > API).")],
    token: Annotated[str | None, typer.Option(
        envvar=HOUZZ_TOKEN_ENV, show_envvar=True,
        help="API token; omit it to be prompted (hidden).")] = None,
    base_url: BaseUrlOption = None,
    integration: IntegrationOption = "default",
    new_key: NewKeyOption = False,
) -> None:
    """Connect the integration to a Houzz seller account."""
    secret = _token(token, "Houzz API token", HOUZZ_WHERE)
    _connect("Houzz", houzz_connection(secret, username, app_name, base_url), integration,
             new_key)


@app.command("qbc")
@reports_errors
def connect_qbc(
    token: Annotated[str | None, typer.Option(
        envvar=QBC_TOKEN_ENV, show_envvar=True,
        help="Access token; omit it to be prompted (hidden).")] = None,
    base_url: BaseUrlOption = None,
    location_id: Annotated[int | None, typer.Option(
        help="Stock location orders ship from (default: the account's primary).")] = None,
    integration: IntegrationOption = "default",
    new_key: NewKeyOption = False,
) -> None:
    """Connect the integration to a QuickBooks Commerce account."""
    secret = _token(token, "QuickBooks Commerce access token", QBC_WHERE)
    _connect("QuickBooks Commerce", qbc_connection(secret, base_url, location_id), integration,
             new_key)


def _connect(system: str, connection: Connection, name: str, new_key: bool) -> None:
    with opened_store() as (settings, store):
        outcome = connect(store, SecretBox.from_settings(settings), name, connection,
                          new_key=new_key)
    result = outcome.result
    if not outcome.saved:
        console(stderr=True).print(f"[red]{system}: {result.summary} (nothing saved)[/red]",
                                   highlight=False)
        for problem in result.problems:
            console(stderr=True).print(f"  - {problem}", markup=False, highlight=False)
        raise typer.Exit(1)
    say(f"{system} connected for integration {name!r}: {result.summary}.", style="green")
    table = Table(show_header=False, box=None)
    table.add_row("base URL", Text(connection.base_url))
    for key, value in connection.values().items():
        table.add_row(key, Text(mask(value) if key == "token" else value))
    for key, value in result.details.items():
        table.add_row(key, Text(value))
    location_id = connection.location_id if isinstance(connection, QbcConnection) else None
    if location_id is not None:
        table.add_row("location_id", f"{location_id} (saved in the integration settings)")
    console().print(table)
    if outcome.was_paused:
        say(f"Integration {name!r} was paused; it runs again.", style="green")
