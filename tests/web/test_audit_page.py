"""The Audit screen against the real sandboxes: it says what an audit will cost before it runs,
runs it in the background (the page refreshes itself meanwhile), shows what was checked and
each discrepancy with its fix, and a Repair button fixes a repairable one through its job."""

from __future__ import annotations

import re
import time

import httpx

from orderbridge.sandbox.launcher import SandboxPair
from tests.cli import conftest as cli_fixtures
from tests.cli.conftest import place, qbc_orders
from tests.web.conftest import Web, post_form
from tests.web.jobs_flow import connected

sandboxes, pair = cli_fixtures.sandboxes, cli_fixtures.pair  # the running Houzz and QBC sandboxes
PAGE = "/audit?integration=default"


def finished(web: Web, client: httpx.Client) -> str:
    """The page once no audit is waiting or running (bounded wait)."""
    deadline = time.monotonic() + 60
    while True:
        page = client.get(PAGE)
        if 'http-equiv="refresh"' not in page.text or time.monotonic() > deadline:
            return page.text
        time.sleep(0.2)


def test_without_an_integration_the_page_says_to_connect_first(web: Web) -> None:
    page = web.logged_in().get("/audit")
    assert page.status_code == 200
    assert "No integration yet" in page.text and 'href="/audit" class="active"' in page.text


def test_an_audit_runs_in_the_background_and_a_repair_button_fixes_what_it_found(
        web: Web, pair: SandboxPair) -> None:
    cli = connected(web, pair)
    placed = place(pair, 3)
    cli.invoke("sync", "--once")
    shipped = placed[0]
    order = next(o for o in qbc_orders(pair) if o["reference_number"] == shipped)
    pair.control("qbc", f"orders/{order['id']}/ship",
                 {"tracking_company": "UPS", "tracking_number": "1Z999AA10123456784"})
    client = web.logged_in()
    page = client.get(PAGE)
    assert re.search(r'id="audit-plan">This audit reads about \d+ QuickBooks Commerce call',
                     page.text)
    assert "No audit yet" in page.text
    started = post_form(client, PAGE, "/audit/run?integration=default", since="2020-01-01")
    assert started.status_code == 303
    text = finished(web, client)
    assert re.search(r'data-check="houzz_orders"><td>[^<]+</td><td class="number">3<', text)
    assert f'data-kind="shipment_not_confirmed" data-key="{shipped}"' in text
    assert "orderbridge sync --once --job shipments --integration default" in text
    audit_id = re.search(r'id="audit-heading">Audit (\d+)', text)
    assert audit_id is not None
    repaired = post_form(client, PAGE, f"/audit/{audit_id.group(1)}/repair?integration=default",
                         key=shipped)
    assert repaired.status_code == 303
    houzz = _when_shipped(pair, shipped)
    assert houzz["Status"] == "Shipped"
    post_form(client, PAGE, "/audit/run?integration=default", since="2020-01-01")
    assert "both accounts agree" in finished(web, client)


def test_a_bad_date_is_refused_with_what_to_do(web: Web, pair: SandboxPair) -> None:
    connected(web, pair)
    client = web.logged_in()
    answer = post_form(client, PAGE, "/audit/run?integration=default", since="soon")
    assert answer.status_code == 303
    page = client.get(answer.headers["location"])
    assert "is not a date: pick a day" in page.text and "No audit yet" in page.text


def _when_shipped(pair: SandboxPair, order_id: str) -> dict[str, object]:
    """The Houzz order once the repair (in the background) shipped it, or after 60 s."""
    deadline = time.monotonic() + 60
    while True:
        body = pair._control.get(f"{pair.houzz_url}/_sandbox/orders/{order_id}").json()
        order: dict[str, object] = body.get("order", body)
        if order["Status"] == "Shipped" or time.monotonic() > deadline:
            return order
        time.sleep(0.2)


def test_an_audit_id_no_database_can_hold_is_a_bad_request(web: Web) -> None:
    # found by the fuzz campaign: /audit/10**30/repair failed with a 500 (OverflowError)
    answer = post_form(web.logged_in(), "/audit", f"/audit/{10**30}/repair", key="")
    assert answer.status_code == 400 and "audit_id" in answer.text
