"""Connecting QuickBooks Commerce by OAuth 2 as an app: where to send the merchant, and what to
do when QBC sends them back with a code.

Between the two steps the app's credentials wait in the merchant's session, sealed with the
store's ``SecretBox`` (the session cookie is signed, not encrypted), together with the
``state`` the answer must carry back. Nothing is saved before the code is exchanged and the
account answers, so a refused or abandoned approval never replaces a working connection.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field

from orderbridge.clock import Clock, SystemClock
from orderbridge.connectors.check import CheckResult
from orderbridge.connectors.qbc.check import check_qbc
from orderbridge.connectors.qbc.client import DEFAULT_BASE_URL as QBC_URL
from orderbridge.connectors.qbc.client import QbcClient
from orderbridge.connectors.qbc.oauth import OAuthApp, authorization_url, exchange_code
from orderbridge.crypto import SecretBox, SecretKeyError
from orderbridge.errors import RemoteError, UsageError
from orderbridge.store.migrate import Store
from orderbridge.workflows.connect import (
    CHECK_TIMEOUT_S,
    Connected,
    InvalidFields,
    base_url_of,
    check_key,
    header_value,
    save_connection,
)
from orderbridge.workflows.qbc_tokens import oauth_values

WHERE = "the app's page in QuickBooks Commerce (APPLICATION ID and SECRET)"


@dataclass(frozen=True)
class PendingOAuth:
    """An approval under way: for which integration, which app, and the state it carries."""

    integration: str
    base_url: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str
    state: str

    @property
    def app(self) -> OAuthApp:
        return OAuthApp(self.client_id, self.client_secret, self.redirect_uri)


def start(store: Store, box: SecretBox, integration: str, client_id: str, client_secret: str,
          base_url: str | None, redirect_uri: str) -> tuple[PendingOAuth, str]:
    """The approval to begin (its fields checked, `InvalidFields`) and the authorize address
    to send the merchant's browser to."""
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for name, what, given in (("client_id", "the client id", client_id),
                              ("client_secret", "the client secret", client_secret)):
        try:
            values[name] = header_value(what, given, WHERE)
        except UsageError as exc:
            errors[name] = str(exc)
    try:
        url = base_url_of(base_url, QBC_URL, "in the fields below")
    except UsageError as exc:
        errors["base_url"] = str(exc)
    if errors:
        raise InvalidFields(errors)
    check_key(store, box, integration, "qbc", new_key=False)
    pending = PendingOAuth(integration, url, values["client_id"], values["client_secret"],
                           redirect_uri, secrets.token_urlsafe(24))
    return pending, authorization_url(url, pending.app, pending.state)


def seal(box: SecretBox, pending: PendingOAuth) -> str:
    """The approval as text for the session, encrypted."""
    return box.encrypt(json.dumps(pending.__dict__))


def unseal(box: SecretBox, sealed: object, state: str | None) -> PendingOAuth:
    """The approval the session holds, if ``state`` is the one it was sent with."""
    try:
        pending = PendingOAuth(**json.loads(box.decrypt(sealed))) if isinstance(
            sealed, str) else None
    except (SecretKeyError, ValueError, TypeError):
        pending = None
    if pending is None:
        raise UsageError("no OAuth connection was started in this session (or it was already "
                         "finished); click Connect by OAuth again")
    if not state or not secrets.compare_digest(state, pending.state):
        raise UsageError("the answer from QuickBooks Commerce does not carry the state this "
                         "session sent, so it was ignored; click Connect by OAuth again")
    return pending


def finish(store: Store, box: SecretBox, pending: PendingOAuth, code: str, *,
           clock: Clock | None = None) -> Connected:
    """Exchange the code, test the account with the new token, and save the tokens and the
    app's credentials encrypted (resuming a paused integration), as `connect` does."""
    now = (clock or SystemClock()).time()
    try:
        tokens = exchange_code(pending.base_url, pending.app, code, now=now,
                               timeout_s=CHECK_TIMEOUT_S)
    except RemoteError as exc:
        return Connected(CheckResult(False, "QuickBooks Commerce did not give a token",
                                     problems=[exc.message]), saved=False)
    with QbcClient(tokens.access_token, pending.base_url, timeout=CHECK_TIMEOUT_S,
                   max_attempts=2, backoff_base_s=0.2) as client:
        result = check_qbc(client)
    if not result.ok:
        return Connected(result, saved=False)
    was_paused = save_connection(store, box, pending.integration, "qbc",
                                 oauth_values(pending.app, tokens), pending.base_url)
    return Connected(result, saved=True, was_paused=was_paused)
