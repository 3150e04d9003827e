"""OAuth tokens stored encrypted and refreshed before they expire, once, by one process at a
time: QBC (the sandbox) rotates the refresh token on each refresh and refuses a used one, so a
second refresh with the same token would end in a refusal and a paused integration."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select

from orderbridge.clock import FrozenClock
from orderbridge.connectors.qbc.client import QbcClient
from orderbridge.connectors.qbc.oauth import RefreshingBearer, refresh
from orderbridge.crypto import SecretBox
from orderbridge.errors import ConfigurationError
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.sandbox.qbc.tokens import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from orderbridge.settings import Settings
from orderbridge.store import Store, integrations, open_store
from orderbridge.store.credentials import load_credentials
from orderbridge.store.tables import Credential
from orderbridge.workflows import qbc_oauth
from orderbridge.workflows.context import open_context
from orderbridge.workflows.qbc_tokens import REFRESH_MARGIN_S, StoredTokens, app_of

REDIRECT = "http://127.0.0.1:1/connections/qbc/oauth/callback"


def oauth_connect(store: Store, settings: Settings, pair: SandboxPair,
                  name: str = "default") -> dict[str, str]:
    """Connect QBC by OAuth as the Connections screen does (the sandbox approves at once);
    the stored values."""
    box = SecretBox.from_settings(settings)
    pending, url = qbc_oauth.start(store, box, name, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET,
                                   pair.qbc_url, REDIRECT)
    back = parse_qs(urlsplit(httpx.get(url).headers["location"]).query)
    sealed = qbc_oauth.seal(box, pending)
    done = qbc_oauth.finish(store, box, qbc_oauth.unseal(box, sealed, back["state"][0]),
                            back["code"][0])
    assert done.saved, done.result
    return stored_values(store, settings, name)


def stored_values(store: Store, settings: Settings, name: str = "default") -> dict[str, str]:
    with store.session() as session:
        row = integrations.get_integration(session, name)
        assert row is not None
        stored = load_credentials(session, row.id, "qbc", SecretBox.from_settings(settings))
    assert stored is not None
    return stored.values


def token_calls(pair: SandboxPair) -> list[dict[str, Any]]:
    return [call for call in pair.calls("qbc") if call["path"] == "/oauth/token"]


def soon_expired() -> FrozenClock:
    """A clock at which a token issued now is within the refresh margin of its expiry."""
    return FrozenClock(datetime.fromtimestamp(time.time() + 7200 - REFRESH_MARGIN_S / 2, UTC))


def test_the_oauth_connection_is_stored_encrypted(store: Store, settings: Settings,
                                                  pair: SandboxPair) -> None:
    values = oauth_connect(store, settings, pair)
    assert values["kind"] == "oauth" and values["client_id"] == DEFAULT_CLIENT_ID
    assert float(values["expires_at"]) > time.time() + 7000
    with store.session() as session:
        rows = " ".join(session.scalars(select(Credential.secret)))
    for secret in ("access_token", "refresh_token", "client_secret"):
        assert values[secret] not in rows


def test_a_token_far_from_expiry_is_used_as_it_is(store: Store, settings: Settings,
                                                  pair: SandboxPair) -> None:
    values = oauth_connect(store, settings, pair)
    ctx = open_context(store, settings)
    try:
        assert ctx.qbc.current_account().name
    finally:
        ctx.close()
    assert len(token_calls(pair)) == 1  # the code exchange only
    assert stored_values(store, settings) == values


def test_a_token_about_to_expire_is_refreshed_once_and_the_new_refresh_token_kept(
        store: Store, settings: Settings, pair: SandboxPair) -> None:
    before = oauth_connect(store, settings, pair)
    ctx = open_context(store, settings, clock=soon_expired())
    try:
        for _ in range(3):
            assert ctx.qbc.current_account().name
    finally:
        ctx.close()
    assert len(token_calls(pair)) == 2  # the exchange and one refresh
    after = stored_values(store, settings)
    assert after["refresh_token"] != before["refresh_token"]
    assert after["access_token"] != before["access_token"]
    assert float(after["expires_at"]) > float(before["expires_at"])
    # the stored refresh token is the live one: it refreshes (and the old one is refused)
    app = app_of(after)
    refresh(pair.qbc_url, app, after["refresh_token"], now=time.time())
    with pytest.raises(ConfigurationError):
        refresh(pair.qbc_url, app, before["refresh_token"], now=time.time())


def test_racing_refreshes_use_the_old_refresh_token_once(store: Store, settings: Settings,
                                                         pair: SandboxPair) -> None:
    """Four "processes" (each its own store connection and token source, started with the
    same stored tokens) find the token due at the same moment."""
    values = oauth_connect(store, settings, pair)
    stores = [open_store(settings) for _ in range(4)]
    box = SecretBox.from_settings(settings)
    with store.session() as session:
        row = integrations.get_integration(session, "default")
        assert row is not None
    sources = [StoredTokens(each, box, row.id, pair.qbc_url, values, clock=soon_expired())
               for each in stores]
    barrier = threading.Barrier(len(sources))
    tokens: list[str] = []
    failures: list[BaseException] = []

    def race(source: StoredTokens) -> None:
        barrier.wait()
        try:
            tokens.append(source.current())
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=race, args=(source,)) for source in sources]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for each in stores:
        each.close()
    assert failures == []
    assert sum(source.refreshes for source in sources) == 1
    assert len(token_calls(pair)) == 2  # the exchange and one refresh, not four
    assert len(set(tokens)) == 1 and tokens[0] == stored_values(store, settings)["access_token"]
    with QbcClient(tokens[0], pair.qbc_url, timeout=5) as qbc:
        assert qbc.current_account().name


def test_a_token_another_process_rotated_is_picked_up_on_its_401(
        store: Store, settings: Settings, pair: SandboxPair) -> None:
    values = oauth_connect(store, settings, pair)
    box = SecretBox.from_settings(settings)
    with store.session() as session:
        row = integrations.get_integration(session, "default")
        assert row is not None
    first = StoredTokens(store, box, row.id, pair.qbc_url, values, clock=soon_expired())
    first.current()  # refreshes: the sandbox revokes the access token the second one holds
    second = StoredTokens(store, box, row.id, pair.qbc_url, values)  # not due by its clock
    with QbcClient(RefreshingBearer(second), pair.qbc_url, timeout=5) as qbc:
        assert qbc.current_account().name
    assert (first.refreshes, second.refreshes) == (1, 0)
    assert len(token_calls(pair)) == 2
