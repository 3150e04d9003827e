"""`orderbridge connect houzz|qbc`: test credentials against the API, then save them encrypted.

Nothing is saved unless the test passes, so a typo never replaces working credentials. The
token may come from `--token`, from an environment variable, or from a hidden prompt, so it
need not sit in the shell's history. Reconnecting is how a merchant fixes a configuration
failure: a successful connect clears the integration's pause.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from orderbridge.cli.common import (
    IntegrationOption,
    console,
    fail,
    opened_store,
    reports_errors,
    say,
)
from orderbridge.connectors.check import CheckResult
from orderbridge.connectors.houzz.check import check_houzz
from orderbridge.connectors.houzz.client import DEFAULT_BASE_URL as HOUZZ_URL
from orderbridge.connectors.houzz.client import HouzzClient, HouzzCredentials
from orderbridge.connectors.qbc.check import check_qbc
from orderbridge.connectors.qbc.client import DEFAULT_BASE_URL as QBC_URL
from orderbridge.connectors.qbc.client import QbcClient
from orderbridge.crypto import SecretBox, mask
from orderbridge.settings import load_settings
from orderbridge.store import alerts, integrations
from orderbridge.store.credentials import Connector, save_credentials

HOUZZ_TOKEN_ENV = "ORDERBRIDGE_HOUZZ_TOKEN"
QBC_TOKEN_ENV = "ORDERBRIDGE_QBC_TOKEN"
CHECK_TIMEOUT_S = 15.0

app = typer.Typer(help="Test and save the credentials of Houzz or QuickBooks Commerce.",
                  no_args_is_help=True)

BaseUrlOption = Annotated[str | None, typer.Option(help="API base URL (default: the real host).")]


def _token(given: str | None, prompt: str) -> str:
    token = given if given is not None else typer.prompt(prompt, hide_input=True)
    if not token.strip():
        fail("the token is empty")
    return token.strip()


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
) -> None:
    """Connect the integration to a Houzz seller account."""
    secret = _token(token, "Houzz API token")
    url = (base_url or HOUZZ_URL).rstrip("/")
    SecretBox.from_settings(load_settings())  # a key problem fails before any network call
    client = HouzzClient(HouzzCredentials(secret, username.strip(), app_name.strip()), url,
                         timeout=CHECK_TIMEOUT_S)
    with client:
        result = check_houzz(client)
    values = {"token": secret, "username": username.strip(), "app_name": app_name.strip()}
    _save_if_ok("houzz", "Houzz", result, values, url, integration, location_id=None)


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
) -> None:
    """Connect the integration to a QuickBooks Commerce account."""
    secret = _token(token, "QuickBooks Commerce access token")
    url = (base_url or QBC_URL).rstrip("/")
    SecretBox.from_settings(load_settings())
    # A quick test: two attempts, short backoff (the sync retries longer).
    with QbcClient(secret, url, timeout=CHECK_TIMEOUT_S, max_attempts=2,
                   backoff_base_s=0.2) as client:
        result = check_qbc(client, location_id)
    _save_if_ok("qbc", "QuickBooks Commerce", result, {"token": secret}, url, integration,
                location_id=location_id)


def _save_if_ok(connector: Connector, system: str, result: CheckResult, values: dict[str, str],
                base_url: str, name: str, *, location_id: int | None) -> None:
    if not result.ok:
        console(stderr=True).print(f"[red]{system}: {result.summary} (nothing saved)[/red]",
                                   highlight=False)
        for problem in result.problems:
            console(stderr=True).print(f"  - {problem}", markup=False, highlight=False)
        raise typer.Exit(1)
    with opened_store() as (settings, store), store.begin() as session:
        box = SecretBox.from_settings(settings)
        row = integrations.get_or_create_integration(session, name)
        save_credentials(session, row.id, connector, values, box, base_url=base_url)
        if location_id is not None:
            integrations.set_setting(session, row.id, "location_id", str(location_id))
        was_paused = row.paused
        if was_paused:
            integrations.resume_integration(session, row)
            alerts.resolve_alerts(session, row.id, kind="paused")
    say(f"{system} connected for integration {name!r}: {result.summary}.", style="green")
    table = Table(show_header=False, box=None)
    table.add_row("base URL", Text(base_url))
    for key, value in values.items():
        table.add_row(key, Text(mask(value) if key == "token" else value))
    for key, value in result.details.items():
        table.add_row(key, Text(value))
    if location_id is not None:
        table.add_row("location_id", f"{location_id} (saved in the integration settings)")
    console().print(table)
    if was_paused:
        say(f"Integration {name!r} was paused; it runs again.", style="green")
