"""Tracking reaches Houzz exactly once: refusals, crashes around the call, transient and
configuration failures (orders delivered and shipped through the sandboxes)."""

from __future__ import annotations

from orderbridge.model import HoldReason, OrderStatus, OutboundState
from orderbridge.runtime.jobs import run_job
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.settings import Settings
from orderbridge.store import Store, alerts, orders
from orderbridge.store.shipments import packages_of
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.pause import paused_reason
from orderbridge.workflows.shipments.carriers import CarrierMap
from orderbridge.workflows.shipments.fulfillments import collect_fulfillments
from orderbridge.workflows.shipments.job import ShipmentsResult
from orderbridge.workflows.shipments.ship_policy import ShipRequest, ship_request
from orderbridge.workflows.shipments.verbs import start_confirmation
from tests.workflows.conftest import connect
from tests.workflows.shipments.helpers import (
    deliver_one,
    houzz_order,
    hub_order,
    run_shipments,
    ship,
    ship_calls,
)


def test_houzz_refusal_holds_with_its_message(ctx: IntegrationContext,
                                              pair: SandboxPair) -> None:
    houzz_id, qbc_id = deliver_one(ctx, pair)
    pair.control("houzz", f"orders/{houzz_id}/cancel", {"comments": "changed my mind"})
    ship(pair, qbc_id)
    counts = run_shipments(ctx)
    assert counts["held"] == 1 and counts["confirmed"] == 0
    order = hub_order(ctx, houzz_id)
    assert order.status is OrderStatus.HELD
    assert order.hold_reason_code is HoldReason.REJECTED_BY_CHANNEL
    assert f"Order {houzz_id} is Canceled" in (order.hold_reason or "")
    assert order.outbound_state is OutboundState.IDLE
    with ctx.store.session() as session:
        [alert] = alerts.list_alerts(session, ctx.integration_id)
    assert alert.kind == "rejected_by_channel" and "Canceled" in alert.message
    assert run_shipments(ctx)["confirmed"] == 0
    assert len(ship_calls(pair)) == 1


def _shipped_and_in_flight(ctx: IntegrationContext, pair: SandboxPair) -> tuple[str, str]:
    """An order shipped in QBC, committed in flight as the job does before calling Houzz."""
    houzz_id, qbc_id = deliver_one(ctx, pair)
    ship(pair, qbc_id, "UPS", "1ZCRASH")
    collect_fulfillments(ctx, ShipmentsResult())
    with ctx.store.begin() as session:
        order = orders.get_order_by_channel_id(session, ctx.integration_id, houzz_id)
        assert order is not None and order.status is OrderStatus.SHIPPED
        decision = ship_request(packages_of(session, order.id), CarrierMap({}), "hold")
        assert isinstance(decision, ShipRequest)
        start_confirmation(session, order, decision, at=ctx.clock.now())
    return houzz_id, decision.shipping_method


def test_crash_after_houzz_got_it_confirms_once(ctx: IntegrationContext,
                                                pair: SandboxPair) -> None:
    houzz_id, method = _shipped_and_in_flight(ctx, pair)
    ctx.houzz.ship_order(houzz_id, method, ["1ZCRASH"])  # the call whose answer was lost
    counts = run_shipments(ctx)
    assert counts["recovered"] == 1 and counts["held"] == 0
    order = hub_order(ctx, houzz_id)
    assert order.status is OrderStatus.CONFIRMED and order.outbound_state is OutboundState.DONE
    assert len(houzz_order(pair, houzz_id)["ShipHistory"]) == 1  # one Ship took effect
    assert len(ship_calls(pair)) == 2  # ours, and the retry Houzz refused as already shipped
    assert run_shipments(ctx)["confirmed"] == 0


def test_crash_before_houzz_got_it_sends_again(ctx: IntegrationContext,
                                               pair: SandboxPair) -> None:
    houzz_id, _ = _shipped_and_in_flight(ctx, pair)
    counts = run_shipments(ctx)
    assert counts["confirmed"] == 1 and counts["recovered"] == 0
    assert len(houzz_order(pair, houzz_id)["ShipHistory"]) == 1
    assert len(ship_calls(pair)) == 1


def test_transient_failure_retries_on_its_schedule(store: Store, settings: Settings,
                                                  pair: SandboxPair) -> None:
    ctx = connect(store, settings, pair, retry_base_s="0", retry_cap_s="0")
    try:
        houzz_id, qbc_id = deliver_one(ctx, pair)
        ship(pair, qbc_id)
        pair.set_faults("houzz", error_rate=1.0, error_status=503)
        assert run_shipments(ctx)["retrying"] == 1
        order = hub_order(ctx, houzz_id)
        assert order.status is OrderStatus.SHIPPED
        assert order.outbound_state is OutboundState.IN_FLIGHT and order.next_attempt_at
        pair.set_faults("houzz", error_rate=0.0)
        counts = run_shipments(ctx)
        assert counts["confirmed"] + counts["recovered"] == 1
        assert len(houzz_order(pair, houzz_id)["ShipHistory"]) == 1
    finally:
        ctx.close()


def test_bad_houzz_credentials_pause_the_integration(ctx: IntegrationContext,
                                                     pair: SandboxPair) -> None:
    houzz_id, qbc_id = deliver_one(ctx, pair)
    ship(pair, qbc_id)
    pair.control("houzz", "credentials", {  # the merchant narrowed the key's permissions
        "token": "sandbox-token", "username": "sandbox-seller",
        "app_name": "orderbridge-sandbox", "permissions": ["Update product inventory"]})
    outcome = run_job(ctx, "shipments")
    assert outcome.error is not None and "paused" in outcome.error
    assert paused_reason(ctx) is not None
    order = hub_order(ctx, houzz_id)
    assert order.status is OrderStatus.SHIPPED and order.outbound_state is OutboundState.IDLE
