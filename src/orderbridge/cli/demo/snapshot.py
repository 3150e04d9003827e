"""What the merchant would look at, read in one go: the store, the QBC rate budget, and what
each sandbox received.

The counts come from both sides on purpose: "delivered" from the hub's store, "received" from
the QBC sandbox's own order list, so the view shows they agree rather than asserting it.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import func, select

from orderbridge.cli.demo.feed import DemoEvent, EventFeed, merged, timeline_events
from orderbridge.cli.demo.world import DemoWorld
from orderbridge.model import OrderStatus
from orderbridge.store import orders
from orderbridge.store.tables import Order


@dataclass(frozen=True)
class HeldOrder:
    ref: str
    since: datetime
    reason: str


@dataclass(frozen=True)
class ApiUsage:
    """Calls one sandbox received (its call log), by API method, and the 429s it answered."""

    calls: int
    by_method: dict[str, int]
    rate_limited: int


@dataclass(frozen=True)
class RateBudget:
    """The QBC client's view of the current rate-limit window (from X-Rate-Limit-*)."""

    limit: int | None
    remaining: int | None
    resets_in_s: float | None


@dataclass(frozen=True)
class Snapshot:
    counts: dict[OrderStatus, int]
    held: list[HeldOrder]
    held_total: int
    events: list[DemoEvent]
    houzz: ApiUsage
    qbc: ApiUsage
    budget: RateBudget
    houzz_orders: int
    """Orders the buyers placed on the Houzz sandbox."""
    qbc_orders: int
    """Orders the QBC sandbox holds (what it received)."""
    voided: int = 0
    """Orders the hub voided in QBC after the buyer canceled them on Houzz."""

    @property
    def delivered(self) -> int:
        """Orders the store says reached QBC (at the warehouse or beyond)."""
        return sum(self.counts[s] for s in (OrderStatus.AT_WMS, OrderStatus.SHIPPED,
                                            OrderStatus.CONFIRMED))


class Observer:
    """Reads snapshots of one demo world."""

    def __init__(self, world: DemoWorld, feed: EventFeed) -> None:
        self.world = world
        self.feed = feed
        self._http = httpx.Client(timeout=30)

    def close(self) -> None:
        self._http.close()

    def snapshot(self, *, held_limit: int, event_limit: int) -> Snapshot:
        ctx = self.world.ctx
        with self.world.store.session() as session:
            counts = orders.count_by_status(session, ctx.integration_id)
            held = [HeldOrder(o.cust_ref or o.channel_order_id, o.updated_at,
                              o.hold_reason or "held")
                    for o in orders.list_orders(session, ctx.integration_id,
                                                status=OrderStatus.HELD, newest_first=True,
                                                limit=held_limit)]
        timeline = timeline_events(self.world.store, ctx.integration_id, limit=event_limit,
                                   newest_first=True)
        events = merged(self.feed.latest(event_limit), timeline, event_limit)
        return Snapshot(
            counts=counts, held=held, held_total=counts[OrderStatus.HELD], events=events,
            houzz=self._usage("houzz"), qbc=self._usage("qbc"), budget=self._budget(),
            houzz_orders=len(self._get("houzz", "orders")["orders"]),
            qbc_orders=len(self._get("qbc", "orders")["orders"]),
            voided=self._voided())

    def _voided(self) -> int:
        with self.world.store.session() as session:
            return session.scalar(select(func.count()).where(
                Order.integration_id == self.world.ctx.integration_id,
                Order.status == OrderStatus.CANCELED, Order.warehouse_order_id.is_not(None))) or 0

    def _usage(self, side: str) -> ApiUsage:
        calls: list[dict[str, Any]] = self._get(side, "calls")["calls"]
        by_method = Counter(str(c.get("api_method") or c.get("path")) for c in calls)
        limited = sum(1 for c in calls if c.get("status") == 429)
        return ApiUsage(len(calls), dict(by_method.most_common()), limited)

    def _budget(self) -> RateBudget:
        budget = self.world.ctx.qbc.pacer.budget
        resets_in = None if budget.reset_epoch is None else budget.reset_epoch - time.time()
        if resets_in is not None and resets_in <= 0:
            return RateBudget(budget.limit, None, None)  # that window is over
        return RateBudget(budget.limit, budget.remaining, resets_in)

    def _get(self, side: str, path: str) -> Any:
        pair = self.world.pair
        base = pair.houzz_url if side == "houzz" else pair.qbc_url
        response = self._http.get(f"{base}/_sandbox/{path}")
        response.raise_for_status()
        return response.json()
