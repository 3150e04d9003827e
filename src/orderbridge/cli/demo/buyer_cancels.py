"""Buyers changing their minds in the demo: canceling Houzz orders before and after delivery.

They cancel through the Houzz sandbox's control API (`POST /_sandbox/orders/{id}/cancel`), as a
shopper would on houzz.com. Each wave cancels one order QuickBooks Commerce already holds (the
hub must void it there) and one the hub has not delivered (it must never be sent). The oldest
order held for an unknown SKU is left alone: it is the one the merchant fixes.
"""

from __future__ import annotations

import random

import httpx
from sqlalchemy import select

from orderbridge.cli.demo.feed import EventFeed
from orderbridge.cli.demo.world import DemoWorld
from orderbridge.model import HoldReason, OrderStatus
from orderbridge.store.tables import Order


def cancel_wave(world: DemoWorld, feed: EventFeed, houzz: httpx.Client,
                rng: random.Random) -> int:
    """Cancel one delivered and one undelivered order on Houzz (when there are such); how many."""
    delivered, undelivered = _candidates(world)
    canceled = 0
    for pool, when in ((delivered, "after delivery"), (undelivered, "before delivery")):
        if not pool:
            continue
        order_id, ref = rng.choice(pool[:5])
        response = houzz.post(f"/orders/{order_id}/cancel",
                              json={"comments": "changed my mind"})
        if response.status_code == 409:  # shipped or canceled meanwhile
            continue
        response.raise_for_status()
        feed.add("Houzz buyer", f"canceled {ref} {when}", "cancel")
        canceled += 1
    return canceled


def _candidates(world: DemoWorld) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    iid = world.ctx.integration_id
    with world.store.session() as session:
        rows = session.execute(
            select(Order.channel_order_id, Order.cust_ref, Order.status, Order.hold_reason_code,
                   Order.held_from_status)
            .where(Order.integration_id == iid, Order.cancel_state.is_(None),
                   Order.status.in_([OrderStatus.AT_WMS, OrderStatus.NEW, OrderStatus.HELD]))
            .order_by(Order.id.desc())).all()
    oldest_unknown = next((r.channel_order_id for r in reversed(rows)
                           if r.hold_reason_code is HoldReason.UNKNOWN_SKU), None)
    delivered, undelivered = [], []
    for row in rows:
        pick = (row.channel_order_id, row.cust_ref or row.channel_order_id)
        if row.status is OrderStatus.AT_WMS:
            delivered.append(pick)
        elif row.channel_order_id != oldest_unknown and row.held_from_status in (
                None, OrderStatus.NEW, OrderStatus.PREVIEW):
            undelivered.append(pick)
    return delivered, undelivered
