"""Connecting an integration to Houzz or QBC: check what was typed, test it against the API,
then save it encrypted. `orderbridge connect` and the Connections screen both run this.

Nothing is saved unless the test passes, so a typo never replaces working credentials; and
what can never work (a token HTTP headers cannot carry, a base URL that is not plain http(s),
a key file that went missing) is refused before any call, and before the store is opened.
Reconnecting is how a merchant fixes a configuration failure: a successful connect clears the
integration's pause.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from orderbridge.connectors.check import CheckResult
from orderbridge.connectors.houzz.check import check_houzz
from orderbridge.connectors.houzz.client import DEFAULT_BASE_URL as HOUZZ_URL
from orderbridge.connectors.houzz.client import HouzzClient, HouzzCredentials
from orderbridge.connectors.qbc.check import check_qbc
from orderbridge.connectors.qbc.client import DEFAULT_BASE_URL as QBC_URL
from orderbridge.connectors.qbc.client import QbcClient
from orderbridge.crypto import SecretBox, SecretKeyError
from orderbridge.errors import UsageError
from orderbridge.settings import Settings
from orderbridge.store import alerts, integrations
from orderbridge.store.credentials import check_new_key, load_credentials, save_credentials
from orderbridge.store.migrate import Store
from orderbridge.store.tables import Credential, Integration
from orderbridge.workflows.context import open_context
from orderbridge.workflows.integration_config import validated_value

CHECK_TIMEOUT_S = 15.0
HOUZZ_WHERE = "Houzz Seller Central > Settings > API"
QBC_WHERE = "the app page in QuickBooks Commerce (its privileged access token)"
CLI_CREDENTIALS = "with --token (and --username)"
_MAX_URL = Credential.base_url.type.length or 500
Side = Literal["houzz", "qbc"]


class InvalidFields(UsageError):
    """Input that can never work, per field (the form shows each message next to its field;
    the CLI prints the first)."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(next(iter(fields.values())))
        self.fields = fields


@dataclass(frozen=True)
class HouzzConnection:
    """Houzz credentials that an HTTP header can carry, and a plain base URL."""

    token: str = field(repr=False)
    username: str
    app_name: str
    base_url: str
    side: Side = "houzz"

    def values(self) -> dict[str, str]:
        return {"token": self.token, "username": self.username, "app_name": self.app_name}


@dataclass(frozen=True)
class QbcConnection:
    """A QBC privileged token, a plain base URL and the stock location (None: primary)."""

    token: str = field(repr=False)
    base_url: str
    location_id: int | None = None
    side: Side = "qbc"

    def values(self) -> dict[str, str]:
        return {"token": self.token}


Connection = HouzzConnection | QbcConnection


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


def base_url_of(given: str | None, default: str, credentials: str = CLI_CREDENTIALS) -> str:
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
                         f"the URL without them, and the credentials {credentials}")
    if parts.query or parts.fragment or any(char.isspace() or not char.isprintable()
                                            for char in url):
        raise UsageError(f"the base URL {url!r} holds spaces, control characters, a query "
                         "(?...) or a fragment (#...); give just https://host[/path]")
    if len(url) > _MAX_URL:
        raise UsageError(f"the base URL is {len(url)} characters long; at most {_MAX_URL} fit")
    return url


def houzz_connection(token: str, username: str, app_name: str, base_url: str | None, *,
                     credentials: str = CLI_CREDENTIALS) -> HouzzConnection:
    """What was typed for Houzz, checked field by field (`InvalidFields`)."""
    checks = _Fields()
    secret = checks.run("token", lambda: header_value("the token", token, HOUZZ_WHERE))
    user = checks.run("username", lambda: header_value("the user name", username, HOUZZ_WHERE))
    app = checks.run("app_name", lambda: header_value("the app name", app_name, HOUZZ_WHERE))
    url = checks.run("base_url", lambda: base_url_of(base_url, HOUZZ_URL, credentials))
    checks.raise_any()
    return HouzzConnection(secret, user, app, url)


def qbc_connection(token: str, base_url: str | None, location_id: str | int | None, *,
                   credentials: str = CLI_CREDENTIALS) -> QbcConnection:
    """What was typed for QBC, checked field by field (`InvalidFields`)."""
    checks = _Fields()
    secret = checks.run("token", lambda: header_value("the token", token, QBC_WHERE))
    url = checks.run("base_url", lambda: base_url_of(base_url, QBC_URL, credentials))
    text = "" if location_id is None else str(location_id).strip()
    if text:
        checks.run("location_id", lambda: validated_value({}, "location_id", text))
    checks.raise_any()
    return QbcConnection(secret, url, int(text) if text else None)


class _Fields:
    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def run(self, name: str, check: Callable[[], str]) -> str:
        try:
            value = check()
        except UsageError as exc:
            self.errors[name] = str(exc)
            return ""
        return value

    def raise_any(self) -> None:
        if self.errors:
            raise InvalidFields(self.errors)


def test_connection(connection: Connection) -> CheckResult:
    """The connector's own check (never raises for a remote problem); a quick one for QBC:
    two attempts, short backoff (a sync retries longer)."""
    if isinstance(connection, HouzzConnection):
        creds = HouzzCredentials(connection.token, connection.username, connection.app_name)
        with HouzzClient(creds, connection.base_url, timeout=CHECK_TIMEOUT_S) as client:
            return check_houzz(client)
    with QbcClient(connection.token, connection.base_url, timeout=CHECK_TIMEOUT_S,
                   max_attempts=2, backoff_base_s=0.2) as client:
        return check_qbc(client, connection.location_id)


def check_key(store: Store, box: SecretBox, integration: str, side: Side, *,
              new_key: bool) -> None:
    """Before any call: no credentials would be lost to a new key (see `check_new_key`)."""
    with store.session() as session:
        row = integrations.get_integration(session, integration)
        check_new_key(session, box, None if row is None else row.id, side, new_key=new_key)


@dataclass(frozen=True)
class Connected:
    """What connecting did: the test's answer, and whether the integration was paused."""

    result: CheckResult
    saved: bool
    was_paused: bool = False


def connect(store: Store, box: SecretBox, integration: str, connection: Connection, *,
            new_key: bool = False) -> Connected:
    """Test the connection, then (only if it works) save it for the integration (created if
    missing) and resume the integration if it was paused."""
    check_key(store, box, integration, connection.side, new_key=new_key)
    result = test_connection(connection)
    if not result.ok:
        return Connected(result, saved=False)
    location = connection.location_id if isinstance(connection, QbcConnection) else None
    was_paused = save_connection(store, box, integration, connection.side, connection.values(),
                                 connection.base_url, location_id=location, new_key=new_key)
    return Connected(result, saved=True, was_paused=was_paused)


def save_connection(store: Store, box: SecretBox, integration: str, side: Side,
                    values: dict[str, str], base_url: str, *, location_id: int | None = None,
                    new_key: bool = False) -> bool:
    """Save tested credentials encrypted, in one transaction; True if that resumed the
    integration (it was paused)."""
    with store.begin() as session:
        row = integrations.get_or_create_integration(session, integration)
        save_credentials(session, row.id, side, values, box, base_url=base_url,
                         new_key=new_key)
        if location_id is not None:
            integrations.set_setting(session, row.id, "location_id", str(location_id))
        return resume(session, row)


def resume(session: Session, row: Integration) -> bool:
    """Let a paused integration run again and close its "paused" alerts (`orderbridge
    resume`); False if it was not paused."""
    if not row.paused:
        return False
    integrations.resume_integration(session, row)
    alerts.resolve_alerts(session, row.id, kind="paused")
    return True


def typed_or_saved(store: Store, box: SecretBox, integration: str, side: Side,
                   typed: str) -> str:
    """The token typed, or, when the field was left empty, the saved privileged token (a form
    never shows a saved secret, so an empty field means "keep it"); empty if there is none."""
    if typed.strip():
        return typed
    values = saved_values(store, box, integration, side)
    return (values or {}).get("token", "")


def saved_values(store: Store, box: SecretBox, integration: str,
                 side: Side) -> dict[str, str] | None:
    """The side's saved credentials, decrypted (never to be shown: mask them)."""
    with store.session() as session:
        row = integrations.get_integration(session, integration)
        stored = None if row is None else load_credentials(session, row.id, side, box)
    return None if stored is None else stored.values


def test_saved(store: Store, settings: Settings, integration: str, side: Side) -> CheckResult:
    """Test the saved connection as a sync would use it (OAuth tokens refreshed if due)."""
    ctx = open_context(store, settings, integration)
    try:
        if side == "houzz":
            return check_houzz(ctx.houzz)
        return check_qbc(ctx.qbc, ctx.config.location_id)
    except (UsageError, SecretKeyError) as exc:
        return CheckResult(False, "the saved connection cannot be used", problems=[str(exc)])
    finally:
        ctx.close()
