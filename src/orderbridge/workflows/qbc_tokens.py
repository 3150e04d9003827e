"""QBC's OAuth tokens of one integration, kept encrypted in the credentials table and
refreshed before they expire, by one process at a time.

Stored as the "qbc" credentials: ``{"kind": "oauth", "access_token", "refresh_token",
"expires_at", "client_id", "client_secret", "redirect_uri"}`` (the privileged token stays
``{"token"}``). Every refresh answers a new refresh token and the old one stops working, so:

- a refresh runs under a lease on ``(integration, "qbc_token_refresh")`` (``store.leases``, the
  same table the job leases use): of two processes that find the token due at once, one
  refreshes and the other waits for the lease, then reads what the first stored;
- under the lease the stored refresh token is read again, and no refresh is made if it is no
  longer the one this process saw (another process rotated it already);
- the new tokens are written in the transaction that re-reads the old ones, and only if the
  old refresh token is still the one refreshed (a merchant who reconnected meanwhile wins).

A process that dies between QBC's answer and the write loses the new refresh token: the next
refresh is refused and the integration pauses, asking for "Connect by OAuth" again (QBC offers
no way to get a rotated token back). Tokens are never logged.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from orderbridge.clock import Clock, SystemClock
from orderbridge.connectors.qbc.errors import SYSTEM
from orderbridge.connectors.qbc.oauth import OAuthApp, TokenSet, refresh
from orderbridge.crypto import SecretBox
from orderbridge.errors import ConfigurationError, TransientError
from orderbridge.store import leases
from orderbridge.store.credentials import load_credentials, save_credentials
from orderbridge.store.migrate import Store

OAUTH = "oauth"
REFRESH_MARGIN_S = 300.0
"""Refresh this long before the access token expires (QBC's live two hours)."""
LEASE_JOB = "qbc_token_refresh"
LEASE_TTL_S = 60.0
LEASE_WAIT_S = 30.0
"""How long a process waits for another one's refresh before giving up (transient)."""
_POLL_S = 0.05


def is_oauth(values: dict[str, str]) -> bool:
    return values.get("kind") == OAUTH


def oauth_values(app: OAuthApp, tokens: TokenSet) -> dict[str, str]:
    """The credentials to store for an OAuth connection."""
    return {"kind": OAUTH, "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token, "expires_at": f"{tokens.expires_at:.0f}",
            "client_id": app.client_id, "client_secret": app.client_secret,
            "redirect_uri": app.redirect_uri}


def app_of(values: dict[str, str]) -> OAuthApp:
    return OAuthApp(values["client_id"], values["client_secret"], values.get("redirect_uri", ""))


def expires_at(values: dict[str, str]) -> datetime | None:
    """When the stored access token expires (for display)."""
    try:
        return datetime.fromtimestamp(float(values["expires_at"]), UTC)
    except (KeyError, ValueError):
        return None


class StoredTokens:
    """The token source of one integration's QBC client (``qbc.oauth.RefreshingBearer``):
    the stored access token, refreshed when it is due."""

    def __init__(self, store: Store, box: SecretBox, integration_id: int, base_url: str,
                 values: dict[str, str], *, clock: Clock | None = None, timeout_s: float = 15.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._store, self._box, self._id, self._base_url = store, box, integration_id, base_url
        self._values = dict(values)
        self._clock = clock or SystemClock()
        self._timeout_s = timeout_s
        self._sleep = sleep
        self._lock = threading.Lock()
        self.refreshes = 0
        """Refreshes this source made (not those it found done by another process)."""

    def current(self) -> str:
        with self._lock:
            if self._due(self._values):
                self._refresh(self._values["refresh_token"], forced=False)
            return self._values["access_token"]

    def rejected(self, token: str) -> str | None:
        """A 401 for ``token``: take the one another process stored since, else refresh."""
        with self._lock:
            if token == self._values["access_token"]:
                self._refresh(self._values["refresh_token"], forced=True)
            fresh = self._values["access_token"]
            return fresh if fresh != token else None

    def _due(self, values: dict[str, str]) -> bool:
        try:
            expiry = float(values["expires_at"])
        except (KeyError, ValueError):
            return True
        return self._clock.time() >= expiry - REFRESH_MARGIN_S

    def _refresh(self, seen: str, *, forced: bool) -> None:
        """Refresh ``seen`` under the lease, unless another process did it first."""
        holder = f"tokens:{uuid.uuid4().hex[:12]}"
        deadline = time.monotonic() + LEASE_WAIT_S
        while not self._take(holder):
            if self._adopt_if_rotated(seen):
                return
            if time.monotonic() > deadline:
                raise TransientError(SYSTEM, "another process has been refreshing the OAuth "
                                     f"token for over {LEASE_WAIT_S:g} s; the next run retries")
            self._sleep(_POLL_S)
        try:
            if self._adopt_if_rotated(seen):
                return
            if not forced and not self._due(self._values):
                return
            tokens = refresh(self._base_url, app_of(self._values), seen,
                             now=self._clock.time(), timeout_s=self._timeout_s)
            self.refreshes += 1
            self._save(seen, tokens)
        finally:
            with self._store.begin() as session:
                leases.release(session, self._id, LEASE_JOB, holder)

    def _take(self, holder: str) -> bool:
        with self._store.begin() as session:
            return leases.take(session, self._id, LEASE_JOB, holder, LEASE_TTL_S,
                               datetime.now(UTC))

    def _stored(self) -> dict[str, str]:
        with self._store.session() as session:
            stored = load_credentials(session, self._id, "qbc", self._box)
        if stored is None or not is_oauth(stored.values):
            raise _removed()
        return stored.values

    def _adopt_if_rotated(self, seen: str) -> bool:
        """Whether the stored refresh token is no longer ``seen`` (taken on if so)."""
        values = self._stored()
        if values["refresh_token"] == seen:
            return False
        self._values = dict(values)
        return True

    def _save(self, seen: str, tokens: TokenSet) -> None:
        """The new tokens, written in the transaction that re-reads the old ones."""
        with self._store.begin() as session:
            stored = load_credentials(session, self._id, "qbc", self._box)
            if stored is None or not is_oauth(stored.values):
                raise _removed()
            if stored.values.get("refresh_token") != seen:
                self._values = dict(stored.values)  # reconnected meanwhile: that one wins
                return
            values = {**stored.values, "access_token": tokens.access_token,
                      "refresh_token": tokens.refresh_token,
                      "expires_at": f"{tokens.expires_at:.0f}"}
            save_credentials(session, self._id, "qbc", values, self._box,
                             base_url=stored.base_url)
        self._values = values


def _removed() -> ConfigurationError:
    return ConfigurationError(SYSTEM, "the OAuth connection was replaced or removed; connect "
                              "QuickBooks Commerce again on the Connections page")
