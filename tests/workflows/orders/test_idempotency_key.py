"""The Idempotency-Key of a delivery is derived from the order, not drawn at random: the same
order sends the same key on every attempt, across a crash of the sending process, and even
from another store (read from the QBC sandbox's call log)."""

from __future__ import annotations

import signal
import subprocess
import time
from typing import Any

from sqlalchemy import select

from orderbridge.model import OrderStatus
from orderbridge.runtime.jobs import run_once
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.settings import Settings
from orderbridge.store import Store, orders
from orderbridge.store.tables import Order
from orderbridge.workflows.context import IntegrationContext
from tests.workflows.conftest import connect
from tests.workflows.orders.crash_rig import sync_command, sync_environment
from tests.workflows.orders.test_order_flow import qbc_orders, statuses

SEED_FIRST_CALL_ONLY = 94
"""With error_rate 0.5, this seed lets the first call through and fails the next five."""


def posts(pair: SandboxPair) -> list[dict[str, Any]]:
    return [c for c in pair.calls("qbc") if c["method"] == "POST" and c["path"] == "/orders"]


def stored_key(ctx: IntegrationContext) -> str | None:
    with ctx.store.session() as session:
        [order] = orders.list_orders(session, ctx.integration_id)
        return order.idempotency_key


def test_the_key_survives_a_crash_and_is_the_same_on_the_retry(
        ctx: IntegrationContext, pair: SandboxPair, settings: Settings) -> None:
    pair.control("houzz", "orders", {"count": 1})
    run_once(ctx, ["download"])
    # seeded draws: the variant read goes through, the POSTs after it get 503 (nothing is
    # created) and the client backs off between tries; it is killed while it backs off
    pair.set_faults("qbc", error_rate=0.5, error_status=503, seed=SEED_FIRST_CALL_ONLY)
    process = subprocess.Popen([*sync_command(ctx.name), "--job", "deliver"],
                               env=sync_environment(settings), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not posts(pair) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    before_crash = {call["idempotency_key"] for call in posts(pair)}
    assert posts(pair) and {call["status"] for call in posts(pair)} == {503}
    assert qbc_orders(pair) == []
    pair.set_faults("qbc")
    run_once(ctx, ["deliver"])
    assert statuses(ctx) == {OrderStatus.AT_WMS: 1}
    keys = {call["idempotency_key"] for call in posts(pair)}
    assert keys == before_crash == {stored_key(ctx)}  # one key, before and after the crash
    assert [call["status"] for call in posts(pair)][-1] == 201


def test_the_same_order_makes_the_same_key_elsewhere(ctx: IntegrationContext, pair: SandboxPair,
                                                     store: Store, settings: Settings) -> None:
    """Derived, not drawn: a second integration on the same accounts (a hub reinstalled next
    to the old one) sends the same order with the same key, so QBC creates it once."""
    pair.control("houzz", "orders", {"count": 1})
    run_once(ctx, ["download", "deliver"])
    first = stored_key(ctx)
    assert first is not None and first.startswith("orderbridge-")
    second = connect(store, settings, pair, "second")
    try:
        run_once(second, ["download", "deliver"])
        assert stored_key(second) == first
    finally:
        second.close()
    assert len(qbc_orders(pair)) == 1
    assert {call["idempotency_key"] for call in posts(pair)} == {first}
    with store.session() as session:
        ids = {order.warehouse_order_id for order in session.scalars(select(Order))}
    assert len(ids) == 1  # both integrations hold the one QBC order
