"""Tracking in bursts: many shipped orders are confirmed to Houzz side by side, and still
exactly once each, whatever happens in the middle of the burst (a stop, a crash of the sync
process, credentials withdrawn)."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable

from orderbridge.model import OrderStatus, OutboundEffect, OutboundState
from orderbridge.runtime.jobs import run_job
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.settings import Settings
from orderbridge.store import Store, orders
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.pause import paused_reason
from orderbridge.workflows.shipments.confirmation import confirm_shipped
from orderbridge.workflows.shipments.fulfillments import collect_fulfillments
from orderbridge.workflows.shipments.job import ShipmentsResult
from orderbridge.workflows.stop import StopToken
from tests.workflows.conftest import connect
from tests.workflows.orders.crash_rig import sync_command, sync_environment
from tests.workflows.shipments.helpers import (
    deliver_orders,
    houzz_order,
    run_shipments,
    ship,
    ship_calls,
)

ORDERS = 24


def shipped_burst(store: Store, settings: Settings, pair: SandboxPair,
                  **config: str) -> tuple[IntegrationContext, list[str]]:
    """ORDERS orders delivered, then all shipped in QBC at once."""
    ctx = connect(store, settings, pair, confirm_concurrency="6", **config)
    delivered = deliver_orders(ctx, pair, ORDERS)
    for qbc_id in delivered.values():
        ship(pair, qbc_id, "UPS", f"1Z{qbc_id:06d}")
    return ctx, list(delivered)


def assert_each_confirmed_once(ctx: IntegrationContext, pair: SandboxPair,
                               houzz_ids: list[str]) -> None:
    for houzz_id in houzz_ids:
        assert len(houzz_order(pair, houzz_id)["ShipHistory"]) == 1, houzz_id
    with ctx.store.session() as session:
        counts = orders.count_by_status(session, ctx.integration_id)
    assert counts[OrderStatus.CONFIRMED] == len(houzz_ids)


def test_a_burst_is_confirmed_in_one_run_once_each(store: Store, settings: Settings,
                                                   pair: SandboxPair) -> None:
    ctx, houzz_ids = shipped_burst(store, settings, pair)
    try:
        pair.set_faults("houzz", latency_ms=50)
        counts = run_shipments(ctx)
        assert (counts["confirmed"], counts["held"], counts["retrying"]) == (ORDERS, 0, 0)
        assert len(ship_calls(pair)) == ORDERS  # one updateOrder per order
        assert_each_confirmed_once(ctx, pair, houzz_ids)
        assert run_shipments(ctx)["confirmed"] == 0
    finally:
        ctx.close()


def _when_ships_reach(pair: SandboxPair, count: int,
                      action: Callable[[], None]) -> threading.Thread:
    def watch() -> None:
        deadline = time.monotonic() + 30
        while len(ship_calls(pair)) < count and time.monotonic() < deadline:
            time.sleep(0.005)
        action()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


def test_a_stop_puts_back_what_was_not_sent(store: Store, settings: Settings,
                                            pair: SandboxPair) -> None:
    ctx, houzz_ids = shipped_burst(store, settings, pair)
    try:
        collect_fulfillments(ctx, ShipmentsResult())
        pair.set_faults("houzz", latency_ms=150)
        stop = StopToken()
        watcher = _when_ships_reach(pair, 6, stop.stop)
        result = ShipmentsResult()
        confirm_shipped(ctx, result, stop)
        watcher.join(10)
        assert 6 <= result.confirmed < ORDERS
        with ctx.store.session() as session:
            waiting = [o for o in orders.list_orders(session, ctx.integration_id)
                       if o.status is OrderStatus.SHIPPED]
        assert len(waiting) == ORDERS - result.confirmed
        for order in waiting:  # never sent: idle, the attempt not counted
            assert order.outbound_effect is OutboundEffect.SHIPMENT_CONFIRMATION
            assert (order.outbound_state, order.outbound_attempts) == (OutboundState.IDLE, 0)
        pair.set_faults("houzz")
        assert run_shipments(ctx)["confirmed"] == len(waiting)
        assert len(ship_calls(pair)) == ORDERS
        assert_each_confirmed_once(ctx, pair, houzz_ids)
    finally:
        ctx.close()


def test_a_crash_in_the_middle_of_a_burst_confirms_each_once(
        store: Store, settings: Settings, pair: SandboxPair) -> None:
    ctx, houzz_ids = shipped_burst(store, settings, pair)
    try:
        collect_fulfillments(ctx, ShipmentsResult())
        pair.set_faults("houzz", latency_ms=150)
        process = subprocess.Popen([*sync_command(ctx.name), "--job", "shipments"],
                                   env=sync_environment(settings), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while (len(ship_calls(pair)) < 8 and process.poll() is None
                   and time.monotonic() < deadline):
                time.sleep(0.005)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        time.sleep(0.3)  # Ship calls Houzz received before the kill are carried out
        reached = sum(1 for houzz_id in houzz_ids
                      if houzz_order(pair, houzz_id)["ShipHistory"])
        assert 8 <= reached < ORDERS
        pair.set_faults("houzz")
        counts = run_shipments(ctx)
        assert counts["held"] == 0 and counts["retrying"] == 0
        assert_each_confirmed_once(ctx, pair, houzz_ids)  # the resends Houzz had: recovered
    finally:
        ctx.close()


def test_withdrawn_credentials_pause_and_put_the_rest_back(store: Store, settings: Settings,
                                                           pair: SandboxPair) -> None:
    ctx, houzz_ids = shipped_burst(store, settings, pair)
    try:
        collect_fulfillments(ctx, ShipmentsResult())
        pair.set_faults("houzz", latency_ms=100)
        narrowed = {"token": "sandbox-token", "username": "sandbox-seller",
                    "app_name": "orderbridge-sandbox", "permissions": ["Update product inventory"]}
        watcher = _when_ships_reach(pair, 4, lambda: pair.control("houzz", "credentials",
                                                                  narrowed))
        outcome = run_job(ctx, "shipments")
        watcher.join(10)
        assert outcome.error is not None and "paused" in outcome.error
        assert paused_reason(ctx) is not None
        with ctx.store.session() as session:
            waiting = [o for o in orders.list_orders(session, ctx.integration_id)
                       if o.status is OrderStatus.SHIPPED]
        assert waiting and all(o.outbound_state is OutboundState.IDLE for o in waiting)
    finally:
        ctx.close()
