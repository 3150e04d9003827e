"""Connect QuickBooks Commerce by OAuth from the Connections screen, end to end through the
sandbox: the browser is sent to its authorize endpoint with a state, comes back to the
callback (behind the login, carrying the session), the code is exchanged, the account tested
and the tokens stored encrypted; a sync then delivers an order with them. The connect also
registers the QBC webhooks at the hub, and a webhook it cannot register leaves it saved."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from orderbridge.runtime.jobs import run_once
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.sandbox.qbc.tokens import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from orderbridge.settings import Settings
from orderbridge.workflows.context import opened_context
from orderbridge.workflows.qbc_webhooks.events import WANTED
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import place, qbc_orders
from tests.web.conftest import Web, post_form, serve
from tests.web.test_connections import database_bytes, houzz_form, saved, submit
from tests.web.test_qbc_webhooks import deliveries, remote_webhooks, wait_for

sandboxes, pair = cli_fixtures.sandboxes, cli_fixtures.pair  # the running Houzz and QBC sandboxes


def start_oauth(client: httpx.Client, pair: SandboxPair,
                secret: str = DEFAULT_CLIENT_SECRET) -> httpx.Response:
    """Click "Connect by OAuth": the answer sends the browser to QBC."""
    response = post_form(client, "/connections", "/connections/qbc/oauth", integration="default",
                         client_id=DEFAULT_CLIENT_ID, client_secret=secret,
                         base_url=pair.qbc_url)
    assert response.status_code == 303, response.text
    return response


def approve(client: httpx.Client, authorize: httpx.Response) -> httpx.Response:
    """Follow the redirects as the browser does: QBC approves (the sandbox has no login step)
    and sends the browser back to the callback, which answers with the Connections page."""
    back = client.get(authorize.headers["location"])
    assert back.status_code == 302, back.text
    assert urlsplit(back.headers["location"]).path == "/connections/qbc/oauth/callback"
    done = client.get(back.headers["location"])
    assert done.status_code == 303
    return client.get(done.headers["location"])


def deliver_an_order(web: Web, client: httpx.Client, pair: SandboxPair) -> None:
    """Connect Houzz through its form, place an order and sync it to QBC."""
    submit(client, "houzz", houzz_form(pair, "save"))
    place(pair, 1)
    with opened_context(web.store, web.settings, "default") as ctx:
        outcomes = run_once(ctx, ["download", "deliver"])
    assert [outcome.error for outcome in outcomes] == [None, None], outcomes


def test_connect_by_oauth_then_a_sync_delivers_with_the_oauth_token(web: Web,
                                                                    pair: SandboxPair) -> None:
    client = web.logged_in()
    authorize = start_oauth(client, pair)
    target = urlsplit(authorize.headers["location"])
    assert f"{target.scheme}://{target.netloc}" == pair.qbc_url
    assert target.path == "/oauth/authorize"
    query = parse_qs(target.query)
    assert query["client_id"] == [DEFAULT_CLIENT_ID] and query["response_type"] == ["code"]
    assert query["redirect_uri"] == [f"{web.url}/connections/qbc/oauth/callback"]
    assert query["state"][0] and DEFAULT_CLIENT_SECRET not in authorize.headers["location"]
    page = approve(client, authorize)
    assert "QuickBooks Commerce (OAuth): connected and saved" in page.text
    assert "Sandbox Home Goods" in page.text and "OAuth app" in page.text
    values = saved(web, "qbc")
    assert values is not None and values["kind"] == "oauth"
    for secret in (values["access_token"], values["refresh_token"], DEFAULT_CLIENT_SECRET):
        assert secret.encode() not in database_bytes(web)
        assert secret not in page.text
    assert f"••••{values['access_token'][-4:]}" in page.text
    # the Test button with an empty token tests the saved OAuth connection
    tested = submit(client, "qbc", {"integration": "default", "token": "", "base_url": "",
                                    "step": "test"})
    assert "QuickBooks Commerce token works" in tested.text
    deliver_an_order(web, client, pair)
    assert len(qbc_orders(pair)) == 1
    assert saved(web, "qbc") == values  # the token was fresh: no refresh was needed


def test_an_answer_without_the_session_s_state_is_ignored(web: Web, pair: SandboxPair) -> None:
    client = web.logged_in()
    authorize = start_oauth(client, pair)
    back = client.get(authorize.headers["location"])
    code = parse_qs(urlsplit(back.headers["location"]).query)["code"][0]
    forged = client.get("/connections/qbc/oauth/callback",
                        params={"code": code, "state": "not-the-state"})
    assert forged.status_code == 303
    page = client.get(forged.headers["location"])
    assert "does not carry the state this session sent" in page.text
    assert saved(web, "qbc") is None
    # and the approval is used up: the real answer now finds nothing under way
    late = client.get(back.headers["location"])
    assert "no OAuth connection was started" in client.get(late.headers["location"]).text
    assert saved(web, "qbc") is None


def test_another_session_cannot_finish_an_approval(web: Web, pair: SandboxPair) -> None:
    authorize = start_oauth(web.logged_in(), pair)
    back = httpx.get(authorize.headers["location"])
    other = web.logged_in()
    response = other.get(back.headers["location"])
    assert "no OAuth connection was started" in other.get(response.headers["location"]).text
    assert saved(web, "qbc") is None


def test_a_wrong_client_secret_saves_nothing(web: Web, pair: SandboxPair) -> None:
    client = web.logged_in()
    page = approve(client, start_oauth(client, pair, secret="not-the-app-secret"))
    assert "did not give a token" in page.text and "invalid_client" in page.text
    assert "not-the-app-secret" not in page.text
    assert saved(web, "qbc") is None


def test_the_oauth_form_refuses_what_can_never_work(web: Web, pair: SandboxPair) -> None:
    client = web.logged_in()
    response = post_form(client, "/connections", "/connections/qbc/oauth", integration="default",
                         client_id="", client_secret="sëcret", base_url="ftp://x")
    assert response.status_code == 400
    assert 'id="error-qbc-client-id"' in response.text
    assert "the client secret holds &#39;ë&#39;" in response.text
    assert 'id="error-qbc-oauth-base-url"' in response.text
    assert pair.calls("qbc") == []


def test_connect_by_oauth_registers_the_webhooks_and_qbc_delivers_to_them(
        web: Web, pair: SandboxPair) -> None:
    client = web.logged_in()
    page = approve(client, start_oauth(client, pair))
    address = f"{web.url}/webhooks/qbc/default"
    assert f"QBC webhooks registered at {address}" in page.text
    hooks = remote_webhooks(pair)
    assert sorted(hook["event"] for hook in hooks) == sorted(WANTED)
    assert {hook["address"] for hook in hooks} == {address}
    deliver_an_order(web, client, pair)
    wait_for("QBC delivers the order.create webhook",
             lambda: any(d.event == "order.create" for d in deliveries(web)))


@pytest.fixture
def misaddressed_web(web_settings: Settings) -> Iterator[Web]:
    """The app with an ``ORDERBRIDGE_PUBLIC_URL`` QBC cannot deliver to."""
    yield from serve(web_settings.model_copy(update={"public_url": "ftp://hub.example"}))


def test_webhooks_that_cannot_be_registered_leave_the_oauth_connection_saved(
        misaddressed_web: Web, pair: SandboxPair) -> None:
    client = misaddressed_web.logged_in()
    page = approve(client, start_oauth(client, pair))
    assert "QuickBooks Commerce (OAuth): connected and saved" in page.text
    assert "QBC webhooks could not be registered: &#39;ftp://hub.example&#39; is not an " \
           "address QBC can deliver to" in page.text
    assert "Polling carries on" in page.text
    assert "orderbridge webhooks register --url ftp://hub.example" in page.text
    assert saved(misaddressed_web, "qbc") is not None
    assert remote_webhooks(pair) == []
