"""The warehouse in the demo: shipping delivered orders in QBC, so tracking flows back to Houzz.

It ships through the QBC sandbox's control API (`POST /_sandbox/orders/{id}/ship`), as the
warehouse team would in QuickBooks Commerce: a mix of carriers, each spelled the way people type
them ("FedEx Ground", "U.S. Postal Service"), and now and then an order in two packages. The
hub's `shipments` job then confirms each order to Houzz with its tracking numbers.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import select

from orderbridge.cli.demo.feed import EventFeed
from orderbridge.cli.demo.world import DemoWorld
from orderbridge.model import OrderStatus
from orderbridge.store.tables import Order

TWO_PACKAGES_RATE = 0.3
Tracking = Callable[[random.Random], str]


def _ups(rng: random.Random) -> str:
    return "1Z" + "".join(rng.choices("0123456789ABCDEFGHJKLMNPRSTVWXYZ", k=16))


def _digits(prefix: str, count: int) -> Tracking:
    return lambda rng: prefix + "".join(rng.choices("0123456789", k=count))


CARRIERS: tuple[tuple[str, Tracking], ...] = (
    ("UPS", _ups), ("UPS Ground", _ups), ("FedEx Ground", _digits("", 12)),
    ("U.S. Postal Service", _digits("9400", 18)), ("DHL Express", _digits("", 10)),
    ("OnTrac", _digits("C", 14)))


def ship_wave(world: DemoWorld, feed: EventFeed, qbc: httpx.Client, rng: random.Random,
              count: int) -> int:
    """Ship up to `count` orders waiting at the warehouse (oldest first); how many shipped.

    `qbc` is a client on the QBC sandbox's control API (`.../_sandbox`)."""
    shipped = 0
    for qbc_id, ref in _waiting(world, count):
        carrier, tracking = rng.choice(CARRIERS)
        order = qbc.get(f"/orders/{qbc_id}")
        if order.status_code != 200:
            continue
        lines = [line for line in order.json()["order"].get("order_line_items", [])
                 if line.get("variant_id")]
        splittable = len(lines) > 1 or (lines and float(lines[0]["quantity"]) > 1)
        packages: list[dict[str, Any]] = []
        if splittable and rng.random() < TWO_PACKAGES_RATE:
            packages.append({"tracking_company": carrier, "tracking_number": tracking(rng),
                             "lines": [{"order_line_item_id": lines[0]["id"], "quantity": 1}]})
        packages.append({"tracking_company": carrier, "tracking_number": tracking(rng),
                         "service": "Ground"})
        numbers = []
        for body in packages:
            response = qbc.post(f"/orders/{qbc_id}/ship", json=body)
            if response.status_code == 422:  # voided meanwhile (the buyer canceled)
                break
            response.raise_for_status()
            numbers.append(body["tracking_number"])
        if numbers:
            several = f" in {len(numbers)} packages" if len(numbers) > 1 else ""
            feed.add("QBC warehouse", f"shipped {ref} with {carrier} {', '.join(numbers)}"
                                      f"{several}", "warehouse")
            shipped += 1
    return shipped


def _waiting(world: DemoWorld, count: int) -> list[tuple[str, str]]:
    """(QBC order id, reference) of the oldest orders at the warehouse."""
    with world.store.session() as session:
        rows = session.execute(
            select(Order.warehouse_order_id, Order.cust_ref, Order.channel_order_id)
            .where(Order.integration_id == world.ctx.integration_id,
                   Order.status == OrderStatus.AT_WMS, Order.warehouse_order_id.is_not(None))
            .order_by(Order.id).limit(count)).all()
    return [(str(qbc_id), ref or channel_id) for qbc_id, ref, channel_id in rows]
