"""QuickBooks Commerce's OAuth 2 app flow (reference §2): the authorize address, the code
exchange, the refresh, and an ``httpx.Auth`` that sends a token it is given and asks for a new
one once when QBC refuses it.

The token endpoint is driven by authlib's httpx client. Client credentials travel in the body
(``client_secret_post``), as QBC's own documents send them; the sandbox accepts both. Every
refresh answers a *new* refresh token and the old one stops working, so where tokens are kept
(``workflows.qbc_tokens``) is not this module's concern: it only says what QBC answered. Token
exchanges are bounded like every other exchange (a deadline on the whole call). Nothing here
logs a token, and the records hide theirs from ``repr``.
"""

from __future__ import annotations

import warnings
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from orderbridge.connectors.deadline import bound_by_deadlines, within
from orderbridge.connectors.http import USER_AGENT, transport_failure
from orderbridge.connectors.qbc.errors import SYSTEM
from orderbridge.errors import ConfigurationError, RemoteError, TransientError

with warnings.catch_warnings():  # authlib nudges towards the httpx2 fork; httpx is what we ship
    # authlib.deprecate installs an "always" filter on import: ours must come after it
    import authlib.deprecate  # type: ignore[import-untyped]  # noqa: F401
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.integrations.httpx_client import (  # type: ignore[import-untyped]
        OAuth2Client,
        OAuthError,
    )

AUTHORIZE_PATH = "/oauth/authorize"
TOKEN_PATH = "/oauth/token"
DEFAULT_TTL_S = 7200  # QBC's access tokens live two hours (reference §2)
_REFUSALS = {"invalid_grant", "invalid_client", "unauthorized_client", "invalid_scope"}


@dataclass(frozen=True)
class OAuthApp:
    """A registered QBC application (its APPLICATION ID and SECRET) and where QBC sends the
    merchant back."""

    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str


@dataclass(frozen=True)
class TokenSet:
    """What the token endpoint answered; ``expires_at`` in seconds since the epoch."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float


def authorization_url(base_url: str, app: OAuthApp, state: str) -> str:
    """Where to send the merchant's browser to approve the app (``state`` comes back with
    the code)."""
    with _client(app, 10.0) as client:
        url, _ = client.create_authorization_url(base_url.rstrip("/") + AUTHORIZE_PATH,
                                                 state=state)
    return str(url)


def exchange_code(base_url: str, app: OAuthApp, code: str, *, now: float,
                  timeout_s: float = 15.0) -> TokenSet:
    """The tokens for an authorization code (single-use; 10 minutes)."""
    return _token_call(base_url, app, timeout_s, now, "the authorization code",
                       lambda client, url: client.fetch_token(
                           url, grant_type="authorization_code", code=code))


def refresh(base_url: str, app: OAuthApp, refresh_token: str, *, now: float,
            timeout_s: float = 15.0) -> TokenSet:
    """New tokens for a refresh token, which stops working (QBC rotates it)."""
    return _token_call(base_url, app, timeout_s, now, "the refresh token",
                       lambda client, url: client.refresh_token(
                           url, refresh_token=refresh_token, redirect_uri=app.redirect_uri))


def _client(app: OAuthApp, timeout_s: float) -> Any:
    client = OAuth2Client(client_id=app.client_id, client_secret=app.client_secret,
                          token_endpoint_auth_method="client_secret_post",
                          redirect_uri=app.redirect_uri, scope="public",
                          timeout=httpx.Timeout(timeout_s, connect=min(10.0, timeout_s)),
                          headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                          trust_env=True)
    bound_by_deadlines(client)
    return client


def _token_call(base_url: str, app: OAuthApp, timeout_s: float, now: float, what: str,
                call: Any) -> TokenSet:
    url = base_url.rstrip("/") + TOKEN_PATH
    try:
        with _client(app, timeout_s) as client, within(timeout_s):
            answer = call(client, url)
    except OAuthError as exc:
        description = f"{exc.error}: {exc.description}" if exc.description else str(exc.error)
        if exc.error in _REFUSALS:
            raise ConfigurationError(SYSTEM, f"{what} was refused ({description}); connect "
                                     "QuickBooks Commerce by OAuth again on the Connections "
                                     "page") from None
        raise TransientError(SYSTEM, f"the token endpoint answered {description}") from None
    except httpx.TransportError as exc:
        raise transport_failure(SYSTEM, exc) from None
    except (httpx.HTTPError, ValueError) as exc:  # not JSON, a body that does not decode
        raise TransientError(SYSTEM, f"the token endpoint answered something unreadable "
                             f"({type(exc).__name__})") from None
    return _token_set(answer, now)


def _token_set(answer: Any, now: float) -> TokenSet:
    access = answer.get("access_token") if isinstance(answer, dict) else None
    refresh_token = answer.get("refresh_token") if isinstance(answer, dict) else None
    if not isinstance(access, str) or not access or not isinstance(refresh_token, str):
        raise RemoteError(SYSTEM, "the token endpoint answered without an access token and a "
                          "refresh token")
    try:
        ttl = float(answer.get("expires_in", DEFAULT_TTL_S))
    except (TypeError, ValueError):
        ttl = DEFAULT_TTL_S
    return TokenSet(access, refresh_token, now + ttl)


class TokenSource(Protocol):
    """Where `RefreshingBearer` gets its token."""

    def current(self) -> str:
        """A token to send now (refreshed first when it is about to expire)."""
        ...

    def rejected(self, token: str) -> str | None:
        """QBC refused ``token`` (401): one to try instead, or None if there is none."""
        ...


class RefreshingBearer(httpx.Auth):
    """``Authorization: Bearer`` from a `TokenSource`; on a 401 the request is sent once more
    with the token the source gives instead (another process may have rotated it, or it
    expired early). A second 401 is QBC's answer."""

    def __init__(self, source: TokenSource) -> None:
        self.source = source

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.source.current()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        fresh = self.source.rejected(token)
        if fresh is not None and fresh != token:
            request.headers["Authorization"] = f"Bearer {fresh}"
            yield request
