"""QBC webhooks end to end: the QBC sandbox delivers signed webhooks to the running web app,
which records them and has the owning job work them off at once; forged, replayed, duplicated
and unknown deliveries are answered and change nothing; with webhooks down, polling delivers
everything.

Real parts throughout: both sandboxes and the web app are HTTP servers on loopback; the
sandbox's webhook dispatcher signs and POSTs as QBC does.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, func, select

from orderbridge.connectors.qbc.webhooks import signature_of
from orderbridge.runtime.jobs import run_job, run_once
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.sandbox.qbc.tokens import DEFAULT_CLIENT_SECRET
from orderbridge.store.tables import JobRun, Order, WebhookDelivery
from orderbridge.web.qbc_webhook_route import delivery_address
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.qbc_webhooks.events import WANTED
from orderbridge.workflows.qbc_webhooks.registration import register_webhooks
from tests.cli import conftest as cli_fixtures
from tests.web.conftest import Web
from tests.workflows.conftest import connect
from tests.workflows.inventory.rig import houzz_quantities, set_stock
from tests.workflows.shipments.helpers import (
    deliver_one,
    fulfillment_reads,
    houzz_order,
    ship,
    ship_calls,
)

sandboxes, pair = cli_fixtures.sandboxes, cli_fixtures.pair  # the running Houzz and QBC sandboxes
WAIT_S = 20.0


def wait_for(what: str, check: Callable[[], bool], timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout_s:g} s: {what}")
        time.sleep(0.05)


@pytest.fixture
def hub(web: Web, pair: SandboxPair) -> Iterator[IntegrationContext]:
    """The default integration connected to the sandboxes, its webhooks registered at the
    running web app."""
    ctx = connect(web.store, web.settings, pair)
    register_webhooks(ctx, delivery_address(web.url, "default"), DEFAULT_CLIENT_SECRET)
    ctx.reload_config()
    yield ctx
    ctx.close()


def remote_webhooks(pair: SandboxPair) -> list[dict[str, Any]]:
    response = httpx.get(f"{pair.qbc_url}/webhooks", headers={"Authorization":
                                                              "Bearer sandbox-token"})
    hooks: list[dict[str, Any]] = response.json()["webhooks"]
    return hooks


def deliveries(web: Web) -> list[WebhookDelivery]:
    with web.store.session() as session:
        rows = list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))
        session.expunge_all()
    return rows


def post(web: Web, body: bytes, *, secret: str = DEFAULT_CLIENT_SECRET,
         delivery: str | None = None, integration: str = "default",
         signature: str | None = None) -> httpx.Response:
    return httpx.post(delivery_address(web.url, integration), content=body, headers={
        "Content-Type": "application/json",
        "X-Gecko-Delivery": delivery or str(uuid.uuid4()),
        "X-Gecko-Signature": signature_of(secret, body) if signature is None else signature})


def body_of(event: str, object_id: int, *, at: float | None = None) -> bytes:
    return json.dumps({"object_id": object_id, "event": event,
                       "timestamp": int(at if at is not None else time.time()),
                       "resource_url": f"https://api.example/{event.split('.')[0]}s/"
                                       f"{object_id}.json"}, separators=(",", ":")).encode()


def test_registering_makes_one_webhook_per_event_at_the_hub_and_is_idempotent(
        web: Web, hub: IntegrationContext, pair: SandboxPair) -> None:
    hooks = remote_webhooks(pair)
    assert sorted(hook["event"] for hook in hooks) == sorted(WANTED)
    assert {hook["address"] for hook in hooks} == {f"{web.url}/webhooks/qbc/default"}
    again = register_webhooks(hub, delivery_address(web.url, "default"), DEFAULT_CLIENT_SECRET)
    assert again.created == [] and sorted(again.kept) == sorted(WANTED)
    assert len(remote_webhooks(pair)) == len(WANTED)
    assert hub.config.webhooks == "on"


def test_a_shipment_reaches_houzz_within_seconds_by_webhook(
        web: Web, hub: IntegrationContext, pair: SandboxPair) -> None:
    houzz_id, qbc_id = deliver_one(hub, pair)
    reads_before = len(fulfillment_reads(pair))
    ship(pair, qbc_id, "UPS", "1ZWEBHOOK0001")
    wait_for("Houzz shows the order shipped",
             lambda: houzz_order(pair, houzz_id).get("TrackingNumber") == "1ZWEBHOOK0001")
    assert houzz_order(pair, houzz_id)["Status"] == "Shipped"
    assert len(ship_calls(pair)) == 1
    reads = fulfillment_reads(pair)[reads_before:]
    assert reads and all("ids" in json.dumps(call) for call in reads), reads  # by id, no poll
    wait_for("every delivery is worked off",
             lambda: all(d.processed_at is not None for d in deliveries(web)))
    wait_for("every delivery is worked off",
             lambda: all(d.processed_at is not None for d in deliveries(web)))
    by_event = {d.event: d.outcome for d in deliveries(web)}
    assert by_event["fulfillment.fulfilled"] == "package recorded"
    assert by_event["order.create"] == "an order the hub delivered"
    order_reads = [c for c in pair.calls("qbc") if c["method"] == "GET"
                   and c["path"].startswith("/orders")]
    assert order_reads == []  # the hub's own order: settled from the store, one call per order
    wait_for("the run a webhook started is in the history", lambda: _triggers(web) == {"webhook"})


def test_a_stock_change_reaches_houzz_within_seconds_by_webhook(
        web: Web, hub: IntegrationContext, pair: SandboxPair) -> None:
    run_once(hub, ["inventory"])  # the first cycle: every variant read, every level pushed
    sku = sorted(houzz_quantities(pair))[0]
    reads_before = len([c for c in pair.calls("qbc") if c["path"].startswith("/variants")])
    set_stock(pair, sku, 3)
    wait_for("Houzz shows the new quantity", lambda: houzz_quantities(pair)[sku] == 3)
    wait_for("every delivery is worked off",
             lambda: all(d.processed_at is not None for d in deliveries(web)))
    reads = [c for c in pair.calls("qbc") if c["path"].startswith("/variants")][reads_before:]
    assert len(reads) == 1 and "ids" in json.dumps(reads[0]), reads  # the named variant only
    assert {d.outcome for d in deliveries(web)} == {"stock read"}


def test_a_forged_or_tampered_delivery_is_refused_and_records_nothing(
        web: Web, hub: IntegrationContext) -> None:
    body = body_of("fulfillment.fulfilled", 1)
    assert post(web, body, secret="not-the-app-secret").status_code == 401
    tampered = body.replace(b'"object_id":1', b'"object_id":2')
    assert post(web, tampered, signature=signature_of(DEFAULT_CLIENT_SECRET, body)
                ).status_code == 401
    assert post(web, body, signature="").status_code == 401  # no signature at all
    assert deliveries(web) == []


def test_a_replayed_delivery_changes_nothing(web: Web, hub: IntegrationContext,
                                             pair: SandboxPair) -> None:
    houzz_id, qbc_id = deliver_one(hub, pair)
    fulfillment = ship(pair, qbc_id, "UPS", "1ZREPLAY")
    wait_for("confirmed", lambda: houzz_order(pair, houzz_id).get("Status") == "Shipped")
    wait_for("worked off", lambda: all(d.processed_at for d in deliveries(web)))
    recorded, qbc_calls = len(deliveries(web)), len(pair.calls("qbc"))
    body = body_of("fulfillment.fulfilled", int(fulfillment["id"]))
    first = deliveries(web)[-1].delivery_id
    replay = post(web, body, delivery=first)  # the same delivery id again
    assert replay.status_code == 200 and replay.json()["message"] == "already received"
    stale = body_of("fulfillment.fulfilled", int(fulfillment["id"]), at=time.time() - 5 * 86400)
    assert post(web, stale).status_code == 401  # older than QBC ever retries
    time.sleep(0.5)
    assert len(deliveries(web)) == recorded
    assert len(pair.calls("qbc")) == qbc_calls
    assert len(ship_calls(pair)) == 1


def test_a_duplicated_delivery_does_the_work_once(web: Web, hub: IntegrationContext,
                                                  pair: SandboxPair) -> None:
    houzz_id, qbc_id = deliver_one(hub, pair)
    hub.close()
    with web.store.begin() as session:  # webhooks of this order are dropped: only ours count
        session.execute(delete(WebhookDelivery))
    fulfillment = ship(pair, qbc_id, "FedEx", "7777DUP")
    wait_for("confirmed", lambda: houzz_order(pair, houzz_id).get("Status") == "Shipped")
    body = body_of("fulfillment.fulfilled", int(fulfillment["id"]))
    delivery = str(uuid.uuid4())
    answers = [post(web, body, delivery=delivery) for _ in range(3)]
    assert [a.json()["message"] for a in answers] == ["received", "already received",
                                                      "already received"]
    wait_for("worked off", lambda: all(d.processed_at for d in deliveries(web)))
    with web.store.session() as session:
        assert session.scalar(select(func.count()).select_from(WebhookDelivery).where(
            WebhookDelivery.delivery_id == delivery)) == 1
    assert len(ship_calls(pair)) == 1


def test_unknown_integrations_and_records_are_answered_logged_and_not_retried(
        web: Web, hub: IntegrationContext, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    unknown = post(web, body_of("fulfillment.fulfilled", 5), integration="nobody")
    assert unknown.status_code == 410  # QBC deletes a webhook that answers 410
    assert "unknown integration 'nobody'" in caplog.text
    missing = post(web, body_of("fulfillment.fulfilled", 987654321))
    assert missing.status_code == 200
    wait_for("worked off", lambda: bool(deliveries(web)) and all(
        d.processed_at for d in deliveries(web)))
    assert deliveries(web)[0].outcome == "QBC has no such fulfillment (ignored)"
    assert "987654321, which QBC does not return" in caplog.text
    ignored = post(web, body_of("invoice.create", 3))
    assert ignored.status_code == 200 and "does not use invoice.create" in ignored.text
    unreadable = post(web, b'{"event": "fulfillment.fulfilled"}')
    assert unreadable.status_code == 200 and "ignored" in unreadable.text
    assert len(deliveries(web)) == 1
    oversized = post(web, b"x" * (65 * 1024))
    assert oversized.status_code == 413


def test_with_webhooks_down_polling_delivers_everything_and_the_check_registers_again(
        web: Web, pair: SandboxPair) -> None:
    ctx = connect(web.store, web.settings, pair)
    try:
        register_webhooks(ctx, delivery_address("http://127.0.0.1:9", "default"),
                          DEFAULT_CLIENT_SECRET)  # nobody listens
        ctx.reload_config()
        houzz_id, qbc_id = deliver_one(ctx, pair)
        run_once(ctx, ["inventory"])
        sku = sorted(houzz_quantities(pair))[0]
        ship(pair, qbc_id, "UPS", "1ZPOLLED")
        set_stock(pair, sku, 7)
        run_once(ctx, ["shipments", "inventory"])  # the reconciliation reads, on their schedule
        assert houzz_order(pair, houzz_id)["TrackingNumber"] == "1ZPOLLED"
        assert houzz_quantities(pair)[sku] == 7
        assert deliveries(web) == []  # nothing reached the hub: polling alone did it
        for hook in remote_webhooks(pair):  # QBC gave up on the address and deleted them
            httpx.delete(f"{pair.qbc_url}/webhooks/{hook['id']}",
                         headers={"Authorization": "Bearer sandbox-token"})
        checked = run_job(ctx, "webhooks")
        assert checked.counts["renewed"] == len(WANTED), checked
        assert sorted(hook["event"] for hook in remote_webhooks(pair)) == sorted(WANTED)
    finally:
        ctx.close()


def test_an_order_made_in_qbc_by_hand_for_a_held_order_is_adopted_not_sent_again(
        web: Web, hub: IntegrationContext, pair: SandboxPair) -> None:
    order = {"CustomerName": "Ada Lovelace", "Address": {
        "Address": "12 Engine Row", "City": "London", "State": "LN", "Zip": "N1",
        "Phone": "020-555-0100", "Country": "US"},
        "OrderItems": [{"Type": "Product", "SKU": "NOT-IN-QBC", "Quantity": 1, "Price": "10.00"}],
        "OrderTotal": "10.00", "FlatShipping": "0"}
    houzz_id = pair.control("houzz", "orders", {"orders": [order]})["order_ids"][0]
    run_once(hub, ["download", "deliver"])
    with web.store.session() as session:
        status = session.scalar(select(Order.status).where(Order.channel_order_id == houzz_id))
    assert status == "held"  # the SKU is unknown in QBC
    made = httpx.post(f"{pair.qbc_url}/orders", headers={"Authorization": "Bearer sandbox-token"},
                      json={"order": {
                          "company": {"name": "Ada Lovelace", "company_type": "consumer"},
                          "shipping_address": {"address1": "12 Engine Row", "city": "London",
                                               "country": "US", "zip_code": "N1"},
                          "issued_at": "2026-12-03", "status": "active",
                          "reference_number": houzz_id,
                          "order_line_items": [{"label": "Chair, entered by hand", "freeform": True,
                                                "quantity": "1", "price": "10.00"}]}})
    assert made.status_code == 201, made.text
    qbc_id = str(made.json()["order"]["id"])
    wait_for("the hand-made order is adopted", lambda: _warehouse_id(web, houzz_id) == qbc_id)
    posts_before = [c for c in pair.calls("qbc") if c["method"] == "POST"]
    run_once(hub, ["deliver"])
    assert [c for c in pair.calls("qbc") if c["method"] == "POST"] == posts_before
    with web.store.session() as session:
        adopted = session.scalars(select(Order).where(Order.channel_order_id == houzz_id)).one()
        assert adopted.status == "at_wms"


def _warehouse_id(web: Web, houzz_id: str) -> str | None:
    with web.store.session() as session:
        return session.scalar(select(Order.warehouse_order_id).where(
            Order.channel_order_id == houzz_id))


def _triggers(web: Web) -> set[str]:
    """Who started the shipments runs: only webhooks (no polling read ran)."""
    with web.store.session() as session:
        return set(session.scalars(select(JobRun.trigger).where(JobRun.job == "shipments")))
