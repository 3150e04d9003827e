"""`orderbridge connect houzz|qbc`: test credentials against the API, then save them encrypted.

Nothing is saved unless the test passes, so a typo never replaces working credentials; and
what can never work (a token HTTP headers cannot carry, a base URL that is not plain http(s),
a key file that went missing) is refused before any call. The token may come from `--token`,
from an environment variable, or from a hidden prompt, so it need not sit in the shell's
history. Reconnecting is how a merchant fixes a configuration failure: a successful connect
clears the integration's pause.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

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
from orderbridge.connectors.check import CheckResult
from orderbridge.connectors.houzz.check import check_houzz
from orderbridge.connectors.houzz.client import DEFAULT_BASE_URL as HOUZZ_URL
from orderbridge.connectors.houzz.client import HouzzClient, HouzzCredentials
from orderbridge.connectors.qbc.check import check_qbc
from orderbridge.connectors.qbc.client import DEFAULT_BASE_URL as QBC_URL
from orderbridge.connectors.qbc.client import QbcClient
from orderbridge.crypto import SecretBox, mask
from orderbridge.errors import UsageError
from orderbridge.store import alerts, integrations
from orderbridge.store.credentials import Connector, check_new_key, save_credentials
from orderbridge.store.tables import Credential
from orderbridge.workflows.integration_config import validated_value

HOUZZ_TOKEN_ENV = "ORDERBRIDGE_HOUZZ_TOKEN"
QBC_TOKEN_ENV = "ORDERBRIDGE_QBC_TOKEN"
CHECK_TIMEOUT_S = 15.0

app = typer.Typer(help="Test and save the credentials of Houzz or QuickBooks Commerce.",
                  no_args_is_help=True)

BaseUrlOption = Annotated[str | None, typer.Option(help="API base URL (default: the real host).")]
NewKeyOption = Annotated[bool, typer.Option(
    "--new-key", help="The key file is lost for good: make a new one (credentials saved with "
    "the old key must then be reconnected too).")]
_MAX_URL = Credential.base_url.type.length or 500


def _token(given: str | None, prompt: str, where: str) -> str:
    token = given if given is not None else typer.prompt(prompt, hide_input=True)
    return header_value("the token", token, where)


def header_value(what: str, value: str, where: str) -> str:
    """``value`` trimmed, if an HTTP header can carry it (one line of printable ASCII)."""
    value = value.strip()
    if not value:
        raise UsageError(f"{what} is empty; copy it from {where}")
    for char in value:
        if char in "\r\n":
            raise UsageError(f"{what} is on more than one line; paste it on one line")
        if not " " <= char <= "~":
            shown = f"U+{ord(char):04X}" if char.isascii() or not char.isprintable() else char
            raise UsageError(f"{what} holds {shown!r}, which an HTTP header cannot carry (only "
                             f"plain ASCII); copy it again from {where}")
    return value


def base_url_of(given: str | None, default: str) -> str:
    """The API base URL, without a trailing slash, if it is a plain http(s) URL."""
    url = (given if given is not None else default).strip().rstrip("/")
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        raise UsageError(f"the base URL {url!r} has a port that is not a number from 1 to "
                         "65535") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"the base URL {url!r} is not an http:// or https:// URL with a host "
                         f"(e.g. {default})")
    if parts.username is not None or parts.password is not None:
        raise UsageError("the base URL holds a user name or password (user:pass@host); give "
                         "the URL without them, and the credentials with --token (and "
                         "--username)")
    if parts.query or parts.fragment or any(char.isspace() or not char.isprintable()
                                            for char in url):
        raise UsageError(f"the base URL {url!r} holds spaces, control characters, a query "
                         "(?...) or a fragment (#...); give just https://host[/path]")
    if len(url) > _MAX_URL:
        raise UsageError(f"the base URL is {len(url)} characters long; at most {_MAX_URL} fit")
    return url


def _check_key(integration: str, connector: Connector, new_key: bool) -> None:
    """Before any call: the store and the home can be used, and no credentials would be lost to
    a new key (see `check_new_key`)."""
    with opened_store() as (settings, store), store.session() as session:
        row = integrations.get_integration(session, integration)
        check_new_key(session, SecretBox.from_settings(settings), None if row is None else row.id,
                      connector, new_key=new_key)


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
    where = "Houzz Seller Central > Settings > API"
    secret = _token(token, "Houzz API token", where)
    user = header_value("the user name", username, where)
    app = header_value("the app name", app_name, where)
    url = base_url_of(base_url, HOUZZ_URL)
    _check_key(integration, "houzz", new_key)
    client = HouzzClient(HouzzCredentials(secret, user, app), url, timeout=CHECK_TIMEOUT_S)
    with client:
        result = check_houzz(client)
    values = {"token": secret, "username": user, "app_name": app}
    _save_if_ok("houzz", "Houzz", result, values, url, integration, location_id=None,
                new_key=new_key)


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
    secret = _token(token, "QuickBooks Commerce access token",
                    "the app page in QuickBooks Commerce (its privileged access token)")
    url = base_url_of(base_url, QBC_URL)
    if location_id is not None:
        validated_value({}, "location_id", str(location_id))
    _check_key(integration, "qbc", new_key)
    # A quick test: two attempts, short backoff (the sync retries longer).
    with QbcClient(secret, url, timeout=CHECK_TIMEOUT_S, max_attempts=2,
                   backoff_base_s=0.2) as client:
        result = check_qbc(client, location_id)
    _save_if_ok("qbc", "QuickBooks Commerce", result, {"token": secret}, url, integration,
                location_id=location_id, new_key=new_key)


def _save_if_ok(connector: Connector, system: str, result: CheckResult, values: dict[str, str],
                base_url: str, name: str, *, location_id: int | None, new_key: bool) -> None:
    if not result.ok:
        console(stderr=True).print(f"[red]{system}: {result.summary} (nothing saved)[/red]",
                                   highlight=False)
        for problem in result.problems:
            console(stderr=True).print(f"  - {problem}", markup=False, highlight=False)
        raise typer.Exit(1)
    with opened_store() as (settings, store), store.begin() as session:
        box = SecretBox.from_settings(settings)
        row = integrations.get_or_create_integration(session, name)
        save_credentials(session, row.id, connector, values, box, base_url=base_url,
                         new_key=new_key)
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
