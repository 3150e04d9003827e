"""Orders are committed in flight a group at a time: what that must not change.

A group shares one transaction, so: a buyer new to QBC is created once even when several of
their orders are in one group; orders whose POST never went (the run stopped, the integration
was paused) are put back, not left for a lookup; a group cut short by a crash is settled with
one lookup, not one per order; and a group is never larger than what QBC's rate window lets
go now.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from orderbridge.model import OrderStatus, OutboundState
from orderbridge.runtime.jobs import run_once
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.settings import Settings
from orderbridge.store import integrations, orders
from orderbridge.store.timeline import timeline
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.orders.delivery import deliver
from orderbridge.workflows.stop import StopToken
from tests.workflows.orders.crash_rig import sync_command, sync_environment
from tests.workflows.orders.test_order_flow import qbc_orders, statuses


def _place(pair: SandboxPair, buyers: list[str]) -> list[str]:
    """One single-line order per entry, from the buyer of that name."""
    sku = pair._control.get(f"{pair.houzz_url}/_sandbox/listings").json()["listings"][0]["SKU"]
    placed = [{"CustomerName": name, "Address": {
        "Address": f"{len(name)} Analytical Way", "City": "Austin", "State": "TX",
        "Zip": "78701", "Phone": "512-555-0101", "Country": "US"},
        "OrderItems": [{"Type": "Product", "SKU": sku, "Quantity": 1, "Price": "5.00"}],
        "OrderTotal": "5.00", "FlatShipping": "0"} for name in buyers]
    order_ids: list[str] = pair.control("houzz", "orders", {"orders": placed})["order_ids"]
    return order_ids


def _posts(pair: SandboxPair) -> list[dict[str, Any]]:
    return [c for c in pair.calls("qbc") if c["method"] == "POST" and c["path"] == "/orders"]


def _lookups(pair: SandboxPair) -> int:
    return sum(1 for c in pair.calls("qbc") if c["method"] == "GET" and c["path"] == "/orders")


@contextmanager
def _after_posts(pair: SandboxPair, count: int, action: Callable[[], None]) -> Iterator[None]:
    """Run ``action`` (from another thread) once QBC has received ``count`` POST /orders."""
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if len(_posts(pair)) >= count:
                action()
                return
            time.sleep(0.01)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join(timeout=10)


def test_a_new_buyer_is_created_once_when_a_group_holds_several_of_their_orders(
        ctx: IntegrationContext, pair: SandboxPair) -> None:
    placed = _place(pair, ["Ada Lovelace", "Ada Lovelace", "Charles Babbage", "Ada Lovelace"])
    run_once(ctx, ["download", "deliver"])
    assert statuses(ctx) == {OrderStatus.AT_WMS: 4}
    by_reference = {o["reference_number"]: o for o in qbc_orders(pair)}
    ada = {by_reference[placed[i]]["company_id"] for i in (0, 1, 3)}
    assert len(ada) == 1
    assert by_reference[placed[2]]["company_id"] not in ada
    assert len({by_reference[placed[i]]["shipping_address_id"] for i in (0, 1, 3)}) == 1
    assert len(_posts(pair)) == 4


def test_orders_not_sent_when_the_run_stops_are_put_back(ctx: IntegrationContext,
                                                         pair: SandboxPair) -> None:
    placed = _place(pair, [f"Buyer {n}" for n in range(10)])
    run_once(ctx, ["download"])
    pair.control("qbc", "faults", {"latency_ms": 150})
    stop = StopToken()
    with _after_posts(pair, 2, stop.stop):
        result = deliver(ctx, stop)
    sent = len(_posts(pair))
    assert 2 <= sent < 10 and result.delivered == sent
    with ctx.store.session() as session:
        waiting = [order for order in orders.list_orders(session, ctx.integration_id)
                   if order.status is OrderStatus.NEW]
        assert len(waiting) == 10 - sent
        for order in waiting:
            assert (order.outbound_state, order.outbound_attempts) == (OutboundState.IDLE, 0)
            assert [e.kind for e in timeline(session, order.id)][-2:] == ["sending", "not_sent"]
    pair.control("qbc", "faults", {})
    run_once(ctx, ["deliver"])
    assert statuses(ctx) == {OrderStatus.AT_WMS: 10}
    assert sorted(o["reference_number"] for o in qbc_orders(pair)) == sorted(placed)
    assert len(_posts(pair)) == 10
    assert _lookups(pair) == 0  # nothing was left in flight to look up


def test_orders_not_sent_when_the_integration_is_paused_are_put_back(
        ctx: IntegrationContext, pair: SandboxPair) -> None:
    placed = _place(pair, [f"Buyer {n}" for n in range(10)])
    run_once(ctx, ["download"])
    pair.control("qbc", "faults", {"latency_ms": 150})
    with _after_posts(pair, 2, lambda: pair.control("qbc", "accounts/1",
                                                    {"subscription": "lapsed"})):
        (outcome,) = run_once(ctx, ["deliver"])
    assert outcome.counts["paused"] and "subscription" in (outcome.error or "")
    refused = [c for c in _posts(pair) if c["status"] == 402]
    assert len(refused) == 1  # the first POST after the lapse; the rest of the group never went
    with ctx.store.session() as session:
        waiting = [order for order in orders.list_orders(session, ctx.integration_id)
                   if order.status is OrderStatus.NEW]
        states = Counter(order.outbound_state for order in waiting)
        assert states[OutboundState.IN_FLIGHT] == 1  # the refused one: looked up next run
        assert states[OutboundState.IDLE] == len(waiting) - 1 > 0
    pair.control("qbc", "accounts/1", {"subscription": "active"})
    pair.control("qbc", "faults", {})
    with ctx.store.begin() as session:
        integration = integrations.get_integration(session, ctx.name)
        assert integration is not None and integration.paused
        integrations.resume_integration(session, integration)
    run_once(ctx, ["deliver"])
    assert statuses(ctx) == {OrderStatus.AT_WMS: 10}
    assert sorted(o["reference_number"] for o in qbc_orders(pair)) == sorted(placed)
    assert _lookups(pair) == 1


def test_a_group_cut_short_by_a_crash_is_settled_with_one_lookup(
        ctx: IntegrationContext, pair: SandboxPair, settings: Settings) -> None:
    placed = _place(pair, [f"Buyer {n}" for n in range(8)])
    run_once(ctx, ["download"])
    pair.control("qbc", "faults", {"latency_ms": 150})
    process = subprocess.Popen(sync_command(ctx.name), env=sync_environment(settings),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while len(_posts(pair)) < 3 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    time.sleep(0.5)  # a POST the sandbox received before the kill is carried out after 150 ms
    created = len(qbc_orders(pair))
    assert 3 <= created < 8
    with ctx.store.session() as session:
        in_flight = [o for o in orders.list_orders(session, ctx.integration_id)
                     if o.outbound_state is OutboundState.IN_FLIGHT]
    assert len(in_flight) == 8  # the group was committed in flight; no outcome was
    pair.control("qbc", "faults", {})
    run_once(ctx, ["deliver"])
    assert statuses(ctx) == {OrderStatus.AT_WMS: 8}
    assert sorted(o["reference_number"] for o in qbc_orders(pair)) == sorted(placed)
    assert _lookups(pair) == 1  # one lookup for the whole group
    with ctx.store.session() as session:
        found = [e for o in orders.list_orders(session, ctx.integration_id)
                 for e in timeline(session, o.id) if e.kind == "delivered"
                 and "Found in QuickBooks Commerce" in e.message]
    assert len(found) == created


def test_a_group_is_no_larger_than_the_rate_window_lets_go(ctx: IntegrationContext,
                                                           pair: SandboxPair) -> None:
    pair.control("qbc", "faults", {"rate_limit": {"limit": 100, "window_s": 1.0}})
    _place(pair, [f"Buyer {n}" for n in range(10)])
    run_once(ctx, ["download", "deliver"])
    assert max(_group_sizes(ctx)) == 10  # room for all: one group

    _place(pair, [f"Later buyer {n}" for n in range(10)])
    pair.control("qbc", "faults", {"rate_limit": {"limit": 4, "window_s": 1.0}})
    run_once(ctx, ["download", "deliver"])
    assert statuses(ctx) == {OrderStatus.AT_WMS: 20}
    assert max(_group_sizes(ctx, after=10)) <= 4
    assert not [c for c in pair.calls("qbc") if c["status"] == 429]


def _group_sizes(ctx: IntegrationContext, after: int = 0) -> list[int]:
    """How many orders each group committed in flight: their `sending` entries share a time."""
    with ctx.store.session() as session:
        starts = [event.at for order in orders.list_orders(session, ctx.integration_id)
                  for event in timeline(session, order.id) if event.kind == "sending"]
    return list(Counter(sorted(starts)[after:]).values())
