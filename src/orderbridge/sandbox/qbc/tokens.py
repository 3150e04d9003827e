"""Who may call the QBC simulator: OAuth applications and the access tokens issued to them.

A privileged access token never expires (reference §2). OAuth access tokens expire after
`access_ttl_s` (7200 s by default) and each refresh rotates the refresh token.

Choices where the reference is silent (the real service ran Rails Doorkeeper, whose defaults we
follow; `created_at` and `scope: "public"` in its token answer are Doorkeeper's):
- An authorization code lives `code_ttl_s` (600 s) and is single-use. It is consumed only by a
  successful exchange: a refused exchange (wrong redirect_uri, wrong client) leaves it usable.
  Reusing a consumed code is refused; tokens already issued from it stay valid.
- Refresh tokens never expire; each works once. Using one revokes it *and* the access token
  issued with it (Doorkeeper stores them as one record), unless the registry is built with
  `revoke_access_on_refresh=False`. A refresh works even after its access token has expired.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

from orderbridge.clock import Clock, SystemClock

DEFAULT_TOKEN = "sandbox-token"
DEFAULT_CLIENT_ID = "sandbox-client-id"
DEFAULT_CLIENT_SECRET = "sandbox-app-secret"
DEFAULT_ACCOUNT_ID = 1
DEFAULT_APP_ID = 1
CODE_TTL_S = 600


@dataclass(frozen=True)
class OAuthApp:
    """A registered application (the real API's APPLICATION ID and SECRET)."""

    app_id: int
    client_id: str
    client_secret: str
    name: str


@dataclass(frozen=True)
class AccessToken:
    """A bearer token; `expires_at` None means a privileged, never-expiring token."""

    token: str
    account_id: int
    app_id: int
    expires_at: float | None
    scope: str = "public"
    created_at: float | None = None


@dataclass(frozen=True)
class AuthorizationCode:
    """What `/oauth/authorize` hands out: exchangeable once, by the same app and redirect_uri."""

    code: str
    app_id: int
    account_id: int
    redirect_uri: str
    expires_at: float
    scope: str = "public"


@dataclass(frozen=True)
class RefreshToken:
    """A single-use refresh token and the access token it was issued with."""

    token: str
    app_id: int
    account_id: int
    access_token: str
    scope: str = "public"


class InvalidGrant(Exception):
    """A code or refresh token that is unknown, expired, used, or not this client's."""


class TokenRegistry:
    """Applications, access tokens, authorization codes and refresh tokens."""

    def __init__(self, clock: Clock | None = None, access_ttl_s: int = 7200, *,
                 code_ttl_s: int = CODE_TTL_S, revoke_access_on_refresh: bool = True) -> None:
        self.clock = clock or SystemClock()
        self.access_ttl_s = access_ttl_s
        self.code_ttl_s = code_ttl_s
        self.revoke_access_on_refresh = revoke_access_on_refresh
        self._lock = threading.RLock()
        self.apps: dict[int, OAuthApp] = {}
        self.tokens: dict[str, AccessToken] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.reset()

    def reset(self) -> None:
        """Back to the one default app and its privileged token."""
        with self._lock:
            self.apps = {
                DEFAULT_APP_ID: OAuthApp(DEFAULT_APP_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET,
                                         "orderbridge sandbox app")
            }
            self.tokens = {}
            self.codes = {}
            self.refresh_tokens = {}
            self.add_privileged_token(DEFAULT_TOKEN, DEFAULT_ACCOUNT_ID, DEFAULT_APP_ID)

    def add_privileged_token(self, token: str, account_id: int, app_id: int) -> AccessToken:
        with self._lock:
            access = AccessToken(token, account_id, app_id, expires_at=None)
            self.tokens[token] = access
            return access

    def issue_access_token(self, account_id: int, app_id: int) -> AccessToken:
        with self._lock:
            now = self.clock.time()
            access = AccessToken(secrets.token_hex(32), account_id, app_id,
                                 expires_at=now + self.access_ttl_s, created_at=now)
            self.tokens[access.token] = access
            return access

    def authenticate(self, token: str) -> AccessToken | None:
        """The token's grant if it is known and unexpired."""
        with self._lock:
            access = self.tokens.get(token)
        if access is None:
            return None
        if access.expires_at is not None and access.expires_at <= self.clock.time():
            return None
        return access

    def revoke(self, token: str) -> None:
        with self._lock:
            self.tokens.pop(token, None)

    def app_secret(self, app_id: int) -> str | None:
        with self._lock:
            app = self.apps.get(app_id)
            return app.client_secret if app else None

    def add_app(self, client_id: str, client_secret: str, name: str) -> OAuthApp:
        """Register another OAuth application (tests of multi-app behaviour)."""
        with self._lock:
            app = OAuthApp(max(self.apps, default=0) + 1, client_id, client_secret, name)
            self.apps[app.app_id] = app
            return app

    def app_by_client_id(self, client_id: str) -> OAuthApp | None:
        with self._lock:
            return next((app for app in self.apps.values() if app.client_id == client_id), None)

    def issue_authorization_code(self, app_id: int, account_id: int,
                                 redirect_uri: str) -> AuthorizationCode:
        with self._lock:
            grant = AuthorizationCode(secrets.token_hex(32), app_id, account_id, redirect_uri,
                                      expires_at=self.clock.time() + self.code_ttl_s)
            self.codes[grant.code] = grant
            return grant

    def redeem_authorization_code(self, code: str, app_id: int,
                                  redirect_uri: str) -> tuple[AccessToken, RefreshToken]:
        """Exchange a code for tokens, once; raises `InvalidGrant` saying why not."""
        with self._lock:
            grant = self.codes.get(code)
            if grant is None:
                raise InvalidGrant("the authorization code is unknown or was already used")
            if grant.expires_at <= self.clock.time():
                del self.codes[code]
                raise InvalidGrant("the authorization code has expired")
            if grant.app_id != app_id:
                raise InvalidGrant("the authorization code was issued to another client")
            if grant.redirect_uri != redirect_uri:
                raise InvalidGrant("redirect_uri does not match the one the code was issued for")
            del self.codes[code]
            return self._issue_pair(grant.account_id, grant.app_id)

    def refresh(self, refresh_token: str, app_id: int) -> tuple[AccessToken, RefreshToken]:
        """Rotate: a new access and refresh token; the used refresh token stops working."""
        with self._lock:
            old = self.refresh_tokens.get(refresh_token)
            if old is None:
                raise InvalidGrant("the refresh token is unknown, revoked or was already used")
            if old.app_id != app_id:
                raise InvalidGrant("the refresh token was issued to another client")
            del self.refresh_tokens[refresh_token]
            if self.revoke_access_on_refresh:
                self.tokens.pop(old.access_token, None)
            return self._issue_pair(old.account_id, old.app_id)

    def _issue_pair(self, account_id: int, app_id: int) -> tuple[AccessToken, RefreshToken]:
        access = self.issue_access_token(account_id, app_id)
        refresh = RefreshToken(secrets.token_hex(32), app_id, account_id, access.token)
        self.refresh_tokens[refresh.token] = refresh
        return access, refresh
