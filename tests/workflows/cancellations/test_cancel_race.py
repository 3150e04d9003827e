"""The hard cases of cancellations: a cancel racing the delivery, and a crash or a timeout in
the middle of a void. Whatever happens: never sent once canceled, no double void, no lost
cancellation."""

from __future__ import annotations

import threading
import time

import pytest

from orderbridge.model import OrderStatus, OutboundState
from orderbridge.model.cancel import CancelState
from orderbridge.runtime.jobs import run_job, run_once
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.store.engine import is_sqlite
from orderbridge.store.orders import lock_order
from orderbridge.workflows.cancellations.sweep import sweep
from orderbridge.workflows.cancellations.verbs import start_void, void_key
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.orders.verbs import back_to_new, start_delivery
from tests.workflows.cancellations.helpers import (
    FLOW,
    VOID,
    buyer_cancels,
    configure,
    counts,
    event_messages,
    forget_calls,
    hub,
    impatient_qbc,
    place,
    qbc_calls,
    qbc_order,
    status_of,
)


def qbc_orders_for(pair: SandboxPair, reference: str) -> list[dict[str, object]]:
    response = pair._control.get(f"{pair.qbc_url}/_sandbox/orders",
                                 params={"reference_number": reference})
    response.raise_for_status()
    found: list[dict[str, object]] = response.json()["orders"]
    return found


def timeouts(pair: SandboxPair, mode: str = "after") -> None:
    pair.set_faults("qbc", timeout_rate=1.0, timeout_hold_s=0.5, timeout_mode=mode)


def test_cancel_noted_before_the_in_flight_commit_is_never_sent(ctx: IntegrationContext,
                                                                pair: SandboxPair) -> None:
    (order_id,) = place(pair, 1)
    run_once(ctx, ["download"])
    buyer_cancels(pair, order_id)
    assert sweep(ctx).canceled_on_houzz == 1  # noted, not yet acted on
    result = counts(run_job(ctx, "deliver"))  # the delivery re-checks right before committing
    assert result["canceled"] == 1 and result["delivered"] == 0
    assert status_of(ctx, order_id) is OrderStatus.CANCELED
    assert not qbc_calls(pair, "orders.create")
    assert not qbc_orders_for(pair, order_id)


def delivery_in_flight(ctx: IntegrationContext, order_id: str, *, reaches_qbc: bool) -> None:
    """A delivery committed in flight, then the process dies (after the POST reached QBC, or
    before it was sent). The payload is the real one: delivery in preview mode keeps it."""
    configure(ctx, delivery="preview")
    run_job(ctx, "deliver")
    configure(ctx, delivery="live")
    with ctx.store.begin() as session:
        order = lock_order(session, hub(ctx, order_id).id)
        payload = order.warehouse_payload
        assert payload is not None
        back_to_new(session, order, at=ctx.clock.now())
        start_delivery(session, order, payload, "orderbridge-test", at=ctx.clock.now())
    if reaches_qbc:
        ctx.qbc.create_order(payload, idempotency_key="orderbridge-test")


def test_cancel_while_in_flight_then_delivered_is_voided(ctx: IntegrationContext,
                                                         pair: SandboxPair) -> None:
    (order_id,) = place(pair, 1)
    run_once(ctx, ["download"])
    delivery_in_flight(ctx, order_id, reaches_qbc=True)
    buyer_cancels(pair, order_id)
    result = counts(run_job(ctx, "cancellations"))
    assert result["waiting_for_delivery"] == 1 and not qbc_calls(pair, VOID)
    assert hub(ctx, order_id).cancel_state is CancelState.REQUESTED
    assert counts(run_job(ctx, "deliver"))["recovered"] == 1  # found by reference, not resent
    assert status_of(ctx, order_id) is OrderStatus.AT_WMS
    assert counts(run_job(ctx, "cancellations"))["voided"] == 1
    (in_qbc,) = qbc_orders_for(pair, order_id)
    assert in_qbc["status"] == "void"
    assert status_of(ctx, order_id) is OrderStatus.CANCELED
    assert len(qbc_calls(pair, VOID)) == 1
    assert len(qbc_calls(pair, "orders.create")) == 1


def test_cancel_while_in_flight_that_never_arrived_is_never_resent(
        ctx: IntegrationContext, pair: SandboxPair) -> None:
    (order_id,) = place(pair, 1)
    run_once(ctx, ["download"])
    delivery_in_flight(ctx, order_id, reaches_qbc=False)
    buyer_cancels(pair, order_id)
    run_once(ctx, ["cancellations", "deliver"])
    assert status_of(ctx, order_id) is OrderStatus.CANCELED
    assert not qbc_orders_for(pair, order_id)
    assert not qbc_calls(pair, "orders.create")
    assert not qbc_calls(pair, VOID)
    assert any("no order" in m for m in event_messages(ctx, order_id))  # it looked first


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)  # SQLite: one writer
def test_sweep_and_delivery_serialise_on_the_order_row(ctx: IntegrationContext,
                                                       pair: SandboxPair) -> None:
    assert not is_sqlite(ctx.store.engine)
    (order_id,) = place(pair, 1)
    run_once(ctx, ["download"])
    buyer_cancels(pair, order_id)
    outcome: dict[str, object] = {}
    sweeper = threading.Thread(target=lambda: outcome.update(
        counts(run_job(ctx, "cancellations"))))
    with ctx.store.begin() as session:  # a delivery on another worker holds the row...
        order = lock_order(session, hub(ctx, order_id).id)
        sweeper.start()
        time.sleep(0.5)
        assert sweeper.is_alive()  # ...so the sweep waits for it
        start_delivery(session, order, {"order": {"reference_number": order_id}},
                             "orderbridge-test", at=ctx.clock.now())
    sweeper.join(10)
    assert outcome["canceled_on_houzz"] == 1
    assert outcome["waiting_for_delivery"] == 1  # it saw the delivery in flight: no cancel
    order = hub(ctx, order_id)
    assert order.status is OrderStatus.NEW and order.cancel_state is CancelState.REQUESTED


def delivered_and_canceled(ctx: IntegrationContext, pair: SandboxPair) -> tuple[str, str]:
    (order_id,) = place(pair, 1)
    run_once(ctx, FLOW)
    wid = hub(ctx, order_id).warehouse_order_id
    assert wid is not None
    buyer_cancels(pair, order_id)
    sweep(ctx)
    return order_id, wid


def test_crash_after_the_void_reached_qbc(ctx: IntegrationContext, pair: SandboxPair) -> None:
    order_id, wid = delivered_and_canceled(ctx, pair)
    with ctx.store.begin() as session:  # the void is committed in flight...
        start_void(session, lock_order(session, hub(ctx, order_id).id), at=ctx.clock.now())
    ctx.qbc.void_order(wid, idempotency_key=void_key(wid))
    forget_calls(pair)  # ...sent, and the process dies before recording the answer
    assert counts(run_job(ctx, "cancellations"))["voided"] == 1
    assert [c["api_method"] for c in qbc_calls(pair)] == ["orders.show"]  # looked up only
    assert status_of(ctx, order_id) is OrderStatus.CANCELED
    assert any("after an interrupted void" in m for m in event_messages(ctx, order_id))


def test_crash_before_the_void_was_sent(ctx: IntegrationContext, pair: SandboxPair) -> None:
    order_id, wid = delivered_and_canceled(ctx, pair)
    with ctx.store.begin() as session:  # in flight, and the process dies before the call
        start_void(session, lock_order(session, hub(ctx, order_id).id), at=ctx.clock.now())
    forget_calls(pair)
    assert counts(run_job(ctx, "cancellations"))["voided"] == 1
    assert [c["api_method"] for c in qbc_calls(pair)] == ["orders.show", VOID]
    assert qbc_order(pair, wid)["status"] == "void"
    assert status_of(ctx, order_id) is OrderStatus.CANCELED


def test_void_timing_out_after_it_was_carried_out(ctx: IntegrationContext,
                                                  pair: SandboxPair) -> None:
    configure(ctx, retry_base_s="0")
    order_id, wid = delivered_and_canceled(ctx, pair)
    impatient_qbc(ctx, pair)
    timeouts(pair, "after")
    forget_calls(pair)
    assert counts(run_job(ctx, "cancellations"))["retrying"] == 1
    assert qbc_order(pair, wid)["status"] == "void"  # it happened; the hub does not know
    order = hub(ctx, order_id)
    assert order.status is OrderStatus.AT_WMS and order.outbound_state is OutboundState.IN_FLIGHT
    pair.set_faults("qbc")
    assert counts(run_job(ctx, "cancellations"))["voided"] == 1
    run_job(ctx, "cancellations")
    time.sleep(0.6)  # the sandbox logs the timed-out call once its held answer is out
    assert len(qbc_calls(pair, VOID)) == 1  # never voided twice
    assert status_of(ctx, order_id) is OrderStatus.CANCELED
