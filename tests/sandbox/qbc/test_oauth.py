"""The QBC simulator's OAuth 2 endpoints, driven in-process and once over real HTTP."""

from __future__ import annotations

import base64
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI

from orderbridge.clock import FrozenClock
from orderbridge.sandbox.qbc.oauth import build_oauth_router
from orderbridge.sandbox.qbc.tokens import TokenRegistry
from orderbridge.sandbox.server import serve_in_thread

with warnings.catch_warnings():  # Starlette 1.x asks for `httpx2`; plain httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

CLIENT_ID = "sandbox-client-id"
CLIENT_SECRET = "sandbox-app-secret"
REDIRECT = "https://hub.example/callback"
START = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def tokens(clock: FrozenClock) -> TokenRegistry:
    return TokenRegistry(clock=clock)


def _app(tokens: TokenRegistry) -> FastAPI:
    app = FastAPI()
    app.include_router(build_oauth_router(tokens))
    return app


@pytest.fixture
def client(tokens: TokenRegistry) -> Iterator[TestClient]:
    with TestClient(_app(tokens), follow_redirects=False) as test_client:
        yield test_client


def authorize(client: httpx.Client, **extra: str) -> dict[str, list[str]]:
    params = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT, **extra}
    response = client.get("/oauth/authorize", params=params)
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return parse_qs(location.query)


def code_grant(code: str, **overrides: str) -> dict[str, str]:
    return {"grant_type": "authorization_code", "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET, "redirect_uri": REDIRECT, "code": code, **overrides}


def refresh_grant(refresh_token: str, **overrides: str) -> dict[str, str]:
    return {"grant_type": "refresh_token", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "redirect_uri": REDIRECT, "refresh_token": refresh_token, **overrides}


def exchange(client: httpx.Client, **extra: str) -> dict[str, Any]:
    code = authorize(client, **extra)["code"][0]
    response = client.post("/oauth/token", json=code_grant(code))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_oauth_error(response: httpx.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert body["error_description"]


# -- authorize --------------------------------------------------------------------------------

def test_authorize_redirects_with_a_code_and_echoes_state(client: TestClient) -> None:
    query = authorize(client, state="xyz 123")
    assert query["state"] == ["xyz 123"]
    assert len(query["code"][0]) >= 32


def test_authorize_keeps_the_query_already_in_redirect_uri(client: TestClient) -> None:
    response = client.get("/oauth/authorize", params={
        "response_type": "code", "client_id": CLIENT_ID,
        "redirect_uri": "http://127.0.0.1:9/cb?merchant=7"})
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["merchant"] == ["7"]
    assert "code" in query


def test_authorize_refuses_an_unknown_client(client: TestClient) -> None:
    response = client.get("/oauth/authorize", params={
        "response_type": "code", "client_id": "nobody", "redirect_uri": REDIRECT})
    assert_oauth_error(response, 400, "invalid_client")


def test_authorize_refuses_other_response_types(client: TestClient) -> None:
    response = client.get("/oauth/authorize", params={
        "response_type": "token", "client_id": CLIENT_ID, "redirect_uri": REDIRECT})
    assert_oauth_error(response, 400, "unsupported_response_type")


@pytest.mark.parametrize("redirect_uri", ["", "/callback", "ftp://hub.example/cb",
                                          "javascript:alert(1)", "https://"])
def test_authorize_refuses_a_redirect_uri_that_is_not_http(client: TestClient,
                                                           redirect_uri: str) -> None:
    response = client.get("/oauth/authorize", params={
        "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": redirect_uri})
    assert_oauth_error(response, 400, "invalid_request")


def test_authorize_refuses_scopes_other_than_public(client: TestClient) -> None:
    response = client.get("/oauth/authorize", params={
        "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT,
        "scope": "admin"})
    assert_oauth_error(response, 400, "invalid_scope")


def test_account_id_parameter_picks_the_account(client: TestClient,
                                                tokens: TokenRegistry) -> None:
    body = exchange(client, account_id="7")
    grant = tokens.authenticate(body["access_token"])
    assert grant is not None and grant.account_id == 7
    bad = client.get("/oauth/authorize", params={
        "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT,
        "account_id": "zero"})
    assert_oauth_error(bad, 400, "invalid_request")


# -- token: authorization_code -----------------------------------------------------------------

def test_code_flow_with_a_json_body(client: TestClient, tokens: TokenRegistry) -> None:
    code = authorize(client)["code"][0]
    response = client.post("/oauth/token", json=code_grant(code))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token", "scope",
                         "created_at"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 7200
    assert body["scope"] == "public"
    assert body["created_at"] == int(START.timestamp())
    assert body["access_token"] != body["refresh_token"]
    grant = tokens.authenticate(body["access_token"])
    assert grant is not None
    assert (grant.account_id, grant.app_id) == (1, 1)


def test_code_flow_with_a_form_body(client: TestClient, tokens: TokenRegistry) -> None:
    code = authorize(client)["code"][0]
    response = client.post("/oauth/token", data=code_grant(code))
    assert response.request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert response.status_code == 200, response.text
    assert tokens.authenticate(response.json()["access_token"]) is not None


def test_client_credentials_may_come_as_basic_auth(client: TestClient) -> None:
    code = authorize(client)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    wrong = client.post("/oauth/token", data=form, auth=(CLIENT_ID, "wrong"))
    assert_oauth_error(wrong, 401, "invalid_client")
    response = client.post("/oauth/token", data=form, auth=(CLIENT_ID, CLIENT_SECRET))
    assert response.status_code == 200, response.text


def test_a_code_works_only_once(client: TestClient) -> None:
    code = authorize(client)["code"][0]
    assert client.post("/oauth/token", json=code_grant(code)).status_code == 200
    again = client.post("/oauth/token", json=code_grant(code))
    assert_oauth_error(again, 400, "invalid_grant")


def test_redirect_uri_must_match_the_one_the_code_was_issued_for(client: TestClient) -> None:
    code = authorize(client)["code"][0]
    other = client.post("/oauth/token",
                        json=code_grant(code, redirect_uri="https://evil.example/cb"))
    assert_oauth_error(other, 400, "invalid_grant")
    assert "redirect_uri" in other.json()["error_description"]
    # A refused exchange does not consume the code.
    assert client.post("/oauth/token", json=code_grant(code)).status_code == 200


def test_a_code_expires_after_ten_minutes(client: TestClient, clock: FrozenClock) -> None:
    fresh = authorize(client)["code"][0]
    stale = authorize(client)["code"][0]
    clock.advance(599)
    assert client.post("/oauth/token", json=code_grant(fresh)).status_code == 200
    clock.advance(1)
    assert_oauth_error(client.post("/oauth/token", json=code_grant(stale)), 400, "invalid_grant")


def test_a_code_belongs_to_the_client_it_was_issued_to(client: TestClient,
                                                       tokens: TokenRegistry) -> None:
    tokens.add_app("other-client", "other-secret", "another app")
    code = authorize(client)["code"][0]
    response = client.post("/oauth/token", json=code_grant(
        code, client_id="other-client", client_secret="other-secret"))
    assert_oauth_error(response, 400, "invalid_grant")


def test_a_bad_client_secret_is_401_invalid_client(client: TestClient) -> None:
    code = authorize(client)["code"][0]
    response = client.post("/oauth/token", json=code_grant(code, client_secret="nope"))
    assert_oauth_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"].startswith("Basic")
    unknown = client.post("/oauth/token", json=code_grant(code, client_id="nobody"))
    assert_oauth_error(unknown, 401, "invalid_client")


@pytest.mark.parametrize("grant_type", ["password", "client_credentials", "implicit"])
def test_unsupported_grant_types(client: TestClient, grant_type: str) -> None:
    response = client.post("/oauth/token", json={
        "grant_type": grant_type, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
    assert_oauth_error(response, 400, "unsupported_grant_type")


@pytest.mark.parametrize("body", [
    {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": "x"},
    {"grant_type": "authorization_code", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
     "redirect_uri": REDIRECT},
    {"grant_type": "refresh_token", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
])
def test_missing_parameters_are_invalid_request(client: TestClient,
                                                body: dict[str, str]) -> None:
    assert_oauth_error(client.post("/oauth/token", json=body), 400, "invalid_request")


def test_malformed_json_is_invalid_request(client: TestClient) -> None:
    response = client.post("/oauth/token", content=b'{"grant_type": ',
                           headers={"Content-Type": "application/json"})
    assert_oauth_error(response, 400, "invalid_request")


# -- token: refresh_token ----------------------------------------------------------------------

def test_refresh_rotates_both_tokens(client: TestClient, tokens: TokenRegistry) -> None:
    first = exchange(client)
    response = client.post("/oauth/token", data=refresh_grant(first["refresh_token"]))
    assert response.status_code == 200, response.text
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert tokens.authenticate(second["access_token"]) is not None
    # The replaced access token is revoked with the refresh token that came with it.
    assert tokens.authenticate(first["access_token"]) is None
    reused = client.post("/oauth/token", json=refresh_grant(first["refresh_token"]))
    assert_oauth_error(reused, 400, "invalid_grant")
    third = client.post("/oauth/token", json=refresh_grant(second["refresh_token"]))
    assert third.status_code == 200


def test_refresh_token_belongs_to_its_client(client: TestClient, tokens: TokenRegistry) -> None:
    tokens.add_app("other-client", "other-secret", "another app")
    first = exchange(client)
    response = client.post("/oauth/token", json=refresh_grant(
        first["refresh_token"], client_id="other-client", client_secret="other-secret"))
    assert_oauth_error(response, 400, "invalid_grant")


def test_access_token_expires_after_7200_s_and_refresh_still_works(
        client: TestClient, tokens: TokenRegistry, clock: FrozenClock) -> None:
    body = exchange(client)
    clock.advance(7199)
    assert tokens.authenticate(body["access_token"]) is not None
    clock.advance(1)
    assert tokens.authenticate(body["access_token"]) is None
    assert tokens.authenticate("sandbox-token") is not None  # privileged: never expires
    refreshed = client.post("/oauth/token", json=refresh_grant(body["refresh_token"]))
    assert refreshed.status_code == 200
    assert refreshed.json()["created_at"] == int(START.timestamp()) + 7200
    assert tokens.authenticate(refreshed.json()["access_token"]) is not None


def test_reset_forgets_codes_and_refresh_tokens(client: TestClient,
                                                tokens: TokenRegistry) -> None:
    body = exchange(client)
    code = authorize(client)["code"][0]
    tokens.reset()
    assert_oauth_error(client.post("/oauth/token", json=code_grant(code)), 400, "invalid_grant")
    assert_oauth_error(client.post("/oauth/token", json=refresh_grant(body["refresh_token"])),
                       400, "invalid_grant")
    assert tokens.authenticate("sandbox-token") is not None


# -- over real HTTP ----------------------------------------------------------------------------

def test_the_whole_flow_over_real_http(tokens: TokenRegistry) -> None:
    server = serve_in_thread(_app(tokens))
    try:
        with httpx.Client(base_url=server.base_url, follow_redirects=False,
                          trust_env=False) as http:
            query = authorize(http, state="s1")
            assert query["state"] == ["s1"]
            basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            issued = http.post("/oauth/token", headers={"Authorization": f"Basic {basic}"},
                               data={"grant_type": "authorization_code", "redirect_uri": REDIRECT,
                                     "code": query["code"][0]})
            assert issued.status_code == 200, issued.text
            refreshed = http.post("/oauth/token",
                                  json=refresh_grant(issued.json()["refresh_token"]))
            assert refreshed.status_code == 200, refreshed.text
            assert tokens.authenticate(refreshed.json()["access_token"]) is not None
            assert tokens.authenticate(issued.json()["access_token"]) is None
    finally:
        server.stop()
