"""The Webhooks screen against the real sandboxes: off until registered (and it says how to turn
them on), registered through its form (the events with their QBC ids), removed through its form
(QBC lists none), and a registration that cannot work explains itself and registers nothing."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import func, select

from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.sandbox.qbc.tokens import DEFAULT_CLIENT_SECRET
from orderbridge.store.tables import WebhookSubscription
from orderbridge.workflows.qbc_webhooks.events import WANTED
from tests.cli import conftest as cli_fixtures
from tests.web.conftest import Web, post_form
from tests.web.test_connections import database_bytes, qbc_form, submit
from tests.web.test_qbc_webhooks import remote_webhooks

sandboxes, pair = cli_fixtures.sandboxes, cli_fixtures.pair  # the running Houzz and QBC sandboxes
PAGE = "/webhooks?integration=default"
ROW = re.compile(r'data-event="([^"]+)"><td>[^<]+</td>\s*<td class="qbc-id">(\d+)</td>')


def connected(web: Web, pair: SandboxPair) -> httpx.Client:
    """A logged-in client whose default integration has QBC saved by privileged token."""
    client = web.logged_in()
    saved = submit(client, "qbc", qbc_form(pair, "save"))
    assert "QuickBooks Commerce: connected and saved" in saved.text, saved.text
    return client


def register(client: httpx.Client, url: str, app_secret: str) -> httpx.Response:
    """Submit the Register form; a redirect is followed to the page that shows its answer."""
    response = post_form(client, PAGE, "/webhooks/register?integration=default", url=url,
                         app_secret=app_secret)
    if response.status_code == 303:
        return client.get(response.headers["location"])
    return response


def subscriptions(web: Web) -> int:
    with web.store.session() as session:
        return session.scalar(select(func.count()).select_from(WebhookSubscription)) or 0


def test_without_an_integration_the_page_says_to_connect_first(web: Web) -> None:
    page = web.logged_in().get("/webhooks")
    assert page.status_code == 200
    assert "No integration yet" in page.text and 'href="/webhooks" class="active"' in page.text


def test_the_page_shows_webhooks_off_and_how_to_turn_them_on(web: Web,
                                                             pair: SandboxPair) -> None:
    page = connected(web, pair).get(PAGE)
    assert page.status_code == 200
    assert re.search(r'id="webhook-state">Webhooks:\s*<span class="status">off</span>',
                     page.text)
    assert "Webhooks are off: shipments are polled every" in page.text
    assert "orderbridge webhooks register --url" in page.text
    assert f'name="url" type="url" value="{web.url}"' in page.text  # the address it was reached at
    assert 'name="app_secret" type="password" value=""' in page.text
    assert "No webhook is registered." in page.text and 'id="webhook-remove"' not in page.text


def test_register_then_remove_through_the_forms(web: Web, pair: SandboxPair) -> None:
    client = connected(web, pair)
    address = f"{web.url}/webhooks/qbc/default"
    page = register(client, web.url, DEFAULT_CLIENT_SECRET)
    assert page.status_code == 200
    assert f"QBC webhooks registered at {address}: {len(WANTED)} new" in page.text
    assert re.search(r'id="webhook-state">Webhooks:\s*<span class="status ok">on</span>',
                     page.text)
    assert f'<code id="webhook-address">{address}</code>' in page.text
    hooks = remote_webhooks(pair)
    assert {hook["address"] for hook in hooks} == {address}
    shown = dict(ROW.findall(page.text))
    assert shown == {hook["event"]: str(hook["id"]) for hook in hooks}
    assert sorted(shown) == sorted(WANTED)
    assert "Polling still reads every" in page.text
    assert DEFAULT_CLIENT_SECRET not in page.text
    assert DEFAULT_CLIENT_SECRET.encode() not in database_bytes(web)  # stored encrypted
    removed = post_form(client, PAGE, "/webhooks/remove?integration=default")
    assert removed.status_code == 303
    after = client.get(removed.headers["location"])
    assert f"Removed {len(WANTED)} webhook(s) in QuickBooks Commerce" in after.text
    assert remote_webhooks(pair) == []
    assert "No webhook is registered." in after.text and "Webhooks are off" in after.text
    assert subscriptions(web) == 0


def test_a_bad_address_is_explained_and_registers_nothing(web: Web, pair: SandboxPair) -> None:
    client = connected(web, pair)
    calls = len(pair.calls("qbc"))
    page = register(client, "ftp://x", DEFAULT_CLIENT_SECRET)
    assert page.status_code == 400
    assert "&#39;ftp://x&#39; is not an address QBC can deliver to" in page.text
    assert 'value="ftp://x"' in page.text  # what was typed, to correct
    assert DEFAULT_CLIENT_SECRET not in page.text and "Traceback" not in page.text
    assert len(pair.calls("qbc")) == calls  # QBC was never asked
    assert remote_webhooks(pair) == [] and subscriptions(web) == 0
    assert "Webhooks are off" in page.text


def test_a_privileged_token_without_the_app_secret_is_explained(web: Web,
                                                                pair: SandboxPair) -> None:
    client = connected(web, pair)
    page = register(client, web.url, "")
    assert page.status_code == 400
    assert "does not know the secret QBC signs webhooks with" in page.text
    assert remote_webhooks(pair) == [] and subscriptions(web) == 0
