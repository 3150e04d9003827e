"""An order canceled on Houzz is canceled in QuickBooks Commerce: never sent, voided once, or
flagged when it already shipped; against both sandboxes, on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx

from orderbridge.model import OrderStatus
from orderbridge.model.cancel import CancelState
from orderbridge.runtime.jobs import JOBS, run_job, run_once
from orderbridge.sandbox.launcher import QBC_TOKEN, SandboxPair
from orderbridge.store import alerts, orders
from orderbridge.store.orders import lock_order
from orderbridge.workflows.cancellations.job import CancellationsResult
from orderbridge.workflows.cancellations.reverse import cancel_voided_on_houzz, detect_voids
from orderbridge.workflows.cancellations.verbs import start_channel_cancel, void_key
from orderbridge.workflows.context import IntegrationContext
from tests.workflows.cancellations.helpers import (
    FLOW,
    VOID,
    alerts_of,
    buyer_cancels,
    committed,
    configure,
    counts,
    event_kinds,
    event_messages,
    forget_calls,
    houzz_calls,
    houzz_order,
    hub,
    place,
    qbc_calls,
    qbc_order,
    status_of,
)


def test_jobs_run_cancellations_between_download_and_deliver() -> None:
    names = list(JOBS)
    assert names.index("download") < names.index("cancellations") < names.index("deliver")


def test_canceled_before_delivery_is_never_sent(ctx: IntegrationContext,
                                                pair: SandboxPair) -> None:
    held = place(pair, 1, unknown_sku_rate=1.0)[0]
    run_once(ctx, FLOW)
    assert status_of(ctx, held) is OrderStatus.HELD
    keep, cancel = place(pair, 2)
    run_once(ctx, ["download"])
    buyer_cancels(pair, cancel)
    buyer_cancels(pair, held)
    outcomes = run_once(ctx, FLOW)
    assert counts(outcomes[1])["canceled_before_delivery"] == 2
    for order_id in (cancel, held):
        order = hub(ctx, order_id)
        assert order.status is OrderStatus.CANCELED
        assert order.channel_status == "Canceled"
        assert order.cancel_state is CancelState.DONE
        assert "Canceled on Houzz before delivery; never sent to QuickBooks Commerce" in (
            event_messages(ctx, order_id))
    assert status_of(ctx, keep) is OrderStatus.AT_WMS
    created = [c for c in qbc_calls(pair, "orders.create")]
    assert len(created) == 1
    references = [o["reference_number"] for o in pair._control.get(
        f"{pair.qbc_url}/_sandbox/orders").json()["orders"]]
    assert references == [keep]


def test_canceled_after_delivery_is_voided_once_and_releases_stock(
        ctx: IntegrationContext, pair: SandboxPair) -> None:
    keep, cancel = place(pair, 2)
    run_once(ctx, FLOW)
    order = hub(ctx, cancel)
    assert order.status is OrderStatus.AT_WMS and order.warehouse_order_id
    sku_qty: dict[str, int] = {}
    for item in houzz_order(pair, cancel)["OrderItems"]:
        if item.get("Type", "Product") == "Product":
            sku_qty[item["SKU"]] = sku_qty.get(item["SKU"], 0) + int(item["Quantity"])
    before = {sku: committed(pair, sku) for sku in sku_qty}
    buyer_cancels(pair, cancel)
    forget_calls(pair)
    result = counts(run_job(ctx, "cancellations"))
    assert result["voided"] == 1 and result["canceled_on_houzz"] == 1
    assert len(qbc_calls(pair, VOID)) == 1
    assert len(qbc_calls(pair)) == 1  # budget: one QBC call per cancellation
    assert len(houzz_calls(pair, "getOrders")) == 1  # one page of open orders
    assert qbc_order(pair, order.warehouse_order_id)["status"] == "void"
    for sku, quantity in sku_qty.items():
        assert committed(pair, sku) == before[sku] - quantity
    voided = hub(ctx, cancel)
    assert voided.status is OrderStatus.CANCELED
    assert event_kinds(ctx, cancel)[-3:] == ["canceled_on_channel", "voiding", "voided"]
    assert status_of(ctx, keep) is OrderStatus.AT_WMS
    run_once(ctx, FLOW)  # again: nothing more to void
    assert len(qbc_calls(pair, VOID)) == 1


def test_canceled_after_shipping_alerts_once_with_both_ids(ctx: IntegrationContext,
                                                           pair: SandboxPair) -> None:
    shipped_here, shipped_there = place(pair, 2)
    run_once(ctx, FLOW)
    with ctx.store.begin() as session:  # the hub already knows this one shipped
        order = orders.get_order_by_channel_id(session, ctx.integration_id, shipped_here)
        assert order is not None
        orders.change_status(session, order, OrderStatus.SHIPPED, kind="shipped",
                             message="Shipped in QuickBooks Commerce")
    for order_id in (shipped_here, shipped_there):
        pair.control("qbc", f"orders/{hub(ctx, order_id).warehouse_order_id}/ship",
                     {"tracking_company": "UPS", "tracking_number": "1Z999"})
        buyer_cancels(pair, order_id)
    forget_calls(pair)
    result = counts(run_job(ctx, "cancellations"))
    assert result["after_ship"] == 2 and result["voided"] == 0
    messages = alerts_of(ctx, "canceled_after_ship")
    assert len(messages) == 2
    for order_id in (shipped_here, shipped_there):
        order = hub(ctx, order_id)
        number = qbc_order(pair, order.warehouse_order_id or "")["order_number"]
        assert any(order_id in m and str(number) in m and f"id {order.warehouse_order_id}" in m
                   for m in messages)
        assert order.cancel_state is CancelState.AFTER_SHIP
        assert "canceled_after_ship" in event_kinds(ctx, order_id)
    assert status_of(ctx, shipped_here) is OrderStatus.SHIPPED
    assert status_of(ctx, shipped_there) is OrderStatus.AT_WMS  # shipments moves it on
    # the hub knew: no call; QBC said it shipped: one refused void and one look-up
    assert [c["api_method"] for c in qbc_calls(pair)] == [VOID, "orders.show"]
    with ctx.store.begin() as session:  # the merchant dismisses the alerts
        alerts.resolve_alerts(session, ctx.integration_id, kind="canceled_after_ship")
    run_job(ctx, "cancellations")
    assert len(alerts_of(ctx, "canceled_after_ship")) == 2  # never alerted twice
    assert len(qbc_calls(pair, VOID)) == 1


def test_qbc_refusing_the_void_holds_the_order(ctx: IntegrationContext,
                                               pair: SandboxPair) -> None:
    (order_id,) = place(pair, 1)
    run_once(ctx, FLOW)
    wid = hub(ctx, order_id).warehouse_order_id
    assert wid is not None
    # Someone already used the void's key for another request: QBC refuses the void (422).
    httpx.post(f"{pair.qbc_url}/orders/{wid}/actions/invoice", headers={
        "Authorization": f"Bearer {QBC_TOKEN}", "Idempotency-Key": void_key(wid)},
        timeout=10).raise_for_status()
    buyer_cancels(pair, order_id)
    result = counts(run_job(ctx, "cancellations"))
    assert result["held"] == 1
    order = hub(ctx, order_id)
    assert order.status is OrderStatus.HELD and order.held_from_status is OrderStatus.AT_WMS
    assert "refused to void" in (order.hold_reason or "")
    assert "idempotency_key" in (order.hold_reason or "")
    assert alerts_of(ctx, "void_refused")
    assert qbc_order(pair, wid)["status"] == "active"


def test_reverse_path_cancels_on_houzz_once_when_enabled(ctx: IntegrationContext,
                                                         pair: SandboxPair) -> None:
    first, second = place(pair, 2)
    run_once(ctx, FLOW)
    pair.control("qbc", f"orders/{hub(ctx, first).warehouse_order_id}/void")
    run_job(ctx, "cancellations")  # off by default: nothing happens
    assert status_of(ctx, first) is OrderStatus.AT_WMS
    assert not houzz_calls(pair, "updateOrder")
    assert not [c for c in qbc_calls(pair, "orders.index") if "void" in str(c["query"])]
    configure(ctx, cancel_on_houzz_when_voided="true", houzz_cancel_code="7",
              houzz_cancel_comments="Out of stock")
    result = counts(run_job(ctx, "cancellations"))
    assert result["voided_in_qbc"] == 1 and result["canceled_on_houzz_after_void"] == 1
    on_houzz = houzz_order(pair, first)
    assert on_houzz["Status"] == "Canceled"
    assert on_houzz["CancelCode"] == "7" and "Out of stock" in str(on_houzz["Cancellation"])
    assert status_of(ctx, first) is OrderStatus.CANCELED
    assert status_of(ctx, second) is OrderStatus.AT_WMS
    run_job(ctx, "cancellations")
    assert len(houzz_calls(pair, "updateOrder")) == 1
    assert not qbc_calls(pair, VOID)  # the next sweep saw it Canceled: nothing to void


def test_reverse_path_counts_already_canceled_as_done(ctx: IntegrationContext,
                                                      pair: SandboxPair) -> None:
    (order_id,) = place(pair, 1)
    run_once(ctx, FLOW)
    configure(ctx, cancel_on_houzz_when_voided="true")
    pair.control("qbc", f"orders/{hub(ctx, order_id).warehouse_order_id}/void")
    detect_voids(ctx, CancellationsResult())
    with ctx.store.begin() as session:  # the Houzz cancel is in flight when the process dies
        start_channel_cancel(session, lock_order(session, hub(ctx, order_id).id),
                             at=ctx.clock.now())
    buyer_cancels(pair, order_id)  # ...and it had reached Houzz
    forget_calls(pair)
    result = CancellationsResult()
    cancel_voided_on_houzz(ctx, result)
    assert result.canceled_on_houzz_after_void == 1
    assert len(houzz_calls(pair, "updateOrder")) == 1  # refused: already canceled
    assert status_of(ctx, order_id) is OrderStatus.CANCELED
    assert "Houzz already had it canceled" in event_messages(ctx, order_id)[-1]
