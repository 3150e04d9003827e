"""The OAuth 2 app flow against the QBC sandbox's own /oauth endpoints: authorize, exchange,
refresh (rotating), and the bearer that asks for a new token once on a 401."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from orderbridge.connectors.qbc.client import QbcClient
from orderbridge.connectors.qbc.oauth import (
    OAuthApp,
    RefreshingBearer,
    TokenSet,
    authorization_url,
    exchange_code,
    refresh,
)
from orderbridge.errors import ConfigurationError, TransientError
from orderbridge.sandbox.qbc.tokens import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from orderbridge.sandbox.server import RunningServer

REDIRECT = "http://127.0.0.1:1/connections/qbc/oauth/callback"
APP = OAuthApp(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, REDIRECT)


def authorized_code(base_url: str, app: OAuthApp = APP, state: str = "s-123") -> str:
    """Follow the authorize address as the merchant's browser would: the sandbox approves at
    once and redirects back with the code and the state."""
    url = authorization_url(base_url, app, state)
    query = parse_qs(urlsplit(url).query)
    assert query["response_type"] == ["code"] and query["state"] == [state]
    assert query["redirect_uri"] == [app.redirect_uri]
    answer = httpx.get(url)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    assert back.path == "/connections/qbc/oauth/callback"
    params = parse_qs(back.query)
    assert params["state"] == [state]
    return params["code"][0]


def connected(base_url: str) -> TokenSet:
    return exchange_code(base_url, APP, authorized_code(base_url), now=time.time())


def test_the_code_is_exchanged_for_tokens_that_work(qbc_server: RunningServer,
                                                    control: httpx.Client) -> None:
    before = time.time()
    tokens = connected(qbc_server.base_url)
    assert 7100 < tokens.expires_at - before <= 7201
    with QbcClient(tokens.access_token, qbc_server.base_url, timeout=5) as qbc:
        assert qbc.current_account().name
    assert tokens.access_token not in repr(tokens) and tokens.refresh_token not in repr(tokens)


def test_a_code_works_once(qbc_server: RunningServer, control: httpx.Client) -> None:
    code = authorized_code(qbc_server.base_url)
    exchange_code(qbc_server.base_url, APP, code, now=time.time())
    with pytest.raises(ConfigurationError, match="authorization code was refused"):
        exchange_code(qbc_server.base_url, APP, code, now=time.time())


def test_a_wrong_secret_is_refused(qbc_server: RunningServer, control: httpx.Client) -> None:
    code = authorized_code(qbc_server.base_url)
    wrong = OAuthApp(DEFAULT_CLIENT_ID, "not-the-secret", REDIRECT)
    with pytest.raises(ConfigurationError, match="invalid_client"):
        exchange_code(qbc_server.base_url, wrong, code, now=time.time())


def test_refresh_rotates_and_the_old_refresh_token_is_refused(qbc_server: RunningServer,
                                                              control: httpx.Client) -> None:
    first = connected(qbc_server.base_url)
    second = refresh(qbc_server.base_url, APP, first.refresh_token, now=time.time())
    assert second.refresh_token != first.refresh_token
    assert second.access_token != first.access_token
    with pytest.raises(ConfigurationError, match="refresh token was refused"):
        refresh(qbc_server.base_url, APP, first.refresh_token, now=time.time())
    with QbcClient(first.access_token, qbc_server.base_url, timeout=5,
                   max_attempts=1) as qbc, pytest.raises(ConfigurationError):
        qbc.current_account()  # revoked by the refresh


def test_an_unreachable_token_endpoint_is_transient() -> None:
    with pytest.raises(TransientError, match="cannot reach 127.0.0.1"):
        refresh("http://127.0.0.1:9", APP, "whatever", now=time.time(), timeout_s=2)


class OneSwap:
    """A token source that has one stale token, then a good one."""

    def __init__(self, stale: str, good: str) -> None:
        self.stale, self.good = stale, good
        self.rejections: list[str] = []

    def current(self) -> str:
        return self.stale

    def rejected(self, token: str) -> str | None:
        self.rejections.append(token)
        return self.good if token != self.good else None


def test_the_bearer_retries_once_with_the_new_token(qbc_server: RunningServer,
                                                    control: httpx.Client) -> None:
    tokens = connected(qbc_server.base_url)
    source = OneSwap("revoked-token", tokens.access_token)
    with QbcClient(RefreshingBearer(source), qbc_server.base_url, timeout=5) as qbc:
        assert qbc.current_account().name
    assert source.rejections == ["revoked-token"]
    hopeless = OneSwap("revoked-token", "also-bad")
    with QbcClient(RefreshingBearer(hopeless), qbc_server.base_url, timeout=5,
                   max_attempts=1) as qbc, pytest.raises(ConfigurationError):
        qbc.current_account()
    assert hopeless.rejections == ["revoked-token"]  # once per request, never a loop
