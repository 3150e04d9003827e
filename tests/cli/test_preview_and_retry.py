"""Preview mode (test orders before going live) and `orderbridge orders retry`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.settings import load_settings
from orderbridge.store import open_store, orders
from tests.cli.conftest import Cli, place, qbc_orders, qbc_posts


def test_preview_shows_the_payload_and_sends_nothing_until_live(cli: Cli,
                                                                pair: SandboxPair) -> None:
    cli.connect(pair, in_process=True)
    cli.invoke("config", "set", "delivery", "preview")
    [order_id] = place(pair, 1)
    assert "previewed 1" in cli.invoke("sync", "--once").stdout
    [listed] = cli.invoke("orders", "list", "--json").json()
    assert listed["status"] == "preview"

    shown = cli.run("orders", "show", order_id)
    assert "preview mode: nothing was sent" in shown.stdout
    payload_text = shown.stdout[shown.stdout.index("{"):]
    payload = json.loads(payload_text)
    assert payload["order"]["reference_number"] == order_id
    assert payload["order"]["order_number"] == listed["cust_ref"]
    assert qbc_posts(pair) == [] and qbc_orders(pair) == []

    cli.invoke("config", "set", "delivery", "live")
    assert "delivered 1" in cli.invoke("sync", "--once").stdout
    [in_qbc] = qbc_orders(pair)
    assert in_qbc["reference_number"] == order_id
    assert cli.invoke("orders", "show", order_id, "--json").json()["status"] == "at_wms"
    assert "QBC payload (as sent)" in cli.invoke("orders", "show", order_id, "--payload").stdout


def test_retry_releases_a_held_order(cli: Cli, pair: SandboxPair) -> None:
    cli.connect(pair, in_process=True)
    [order_id] = place(pair, 1, unknown_sku_rate=1.0)
    cli.invoke("sync", "--once")
    retried = cli.invoke("orders", "retry", order_id)
    assert "released (was held: SKU" in retried.stdout
    detail = cli.invoke("orders", "show", order_id, "--json").json()
    assert detail["status"] == "new"
    assert detail["timeline"][-1]["kind"] == "released"
    again = cli.invoke("orders", "retry", order_id, "--now")  # still unknown: held again
    assert "is now held" in again.stdout
    assert qbc_orders(pair) == []


def test_retry_now_skips_the_backoff_of_a_waiting_order(cli: Cli, pair: SandboxPair) -> None:
    cli.connect(pair, in_process=True)
    [order_id] = place(pair, 1)
    cli.invoke("sync", "--once", "--job", "download")
    store = open_store(load_settings())
    try:
        with store.begin() as session:
            [order] = orders.list_orders(session, 1)
            order.next_attempt_at = datetime.now(UTC) + timedelta(hours=1)
            order.last_error = "QuickBooks Commerce: POST /orders answered HTTP 503"
    finally:
        store.close()
    waiting = cli.invoke("sync", "--once", "--job", "deliver")
    assert "nothing to do" in waiting.stdout and qbc_orders(pair) == []
    shown = cli.invoke("orders", "show", order_id).stdout
    assert "next attempt" in shown and "HTTP 503" in shown

    done = cli.run("orders", "retry", order_id, "--now")
    assert "will go at the next deliver run instead of" in done.stdout
    assert "deliver: delivered 1" in done.stdout and "is now at_wms" in done.stdout
    assert [o["reference_number"] for o in qbc_orders(pair)] == [order_id]
    nothing = cli.invoke("orders", "retry", order_id, expect=1)
    assert "the order is at_wms; there is nothing to retry" in nothing.stderr
