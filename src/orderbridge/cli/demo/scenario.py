"""The people in the demo: Houzz buyers placing orders, and a merchant fixing a held one.

Buyers act through the Houzz sandbox's control API (`POST /_sandbox/orders`), like shoppers on
houzz.com: a few orders every couple of seconds, some lines with a SKU that QuickBooks Commerce
does not know. The very first order always carries one, so every run shows a hold. After a
while the merchant does what the hold reason tells them, once: `orderbridge alias add` for the
unknown SKUs of the oldest order held for that reason. The hub then releases and delivers it by
itself.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select

from orderbridge.cli.demo.buyer_cancels import cancel_wave
from orderbridge.cli.demo.feed import EventFeed
from orderbridge.cli.demo.stock_changes import stock_wave
from orderbridge.cli.demo.warehouse_ships import ship_wave
from orderbridge.cli.demo.world import DemoWorld
from orderbridge.model import HoldReason, OrderStatus
from orderbridge.store import mappings
from orderbridge.store.tables import Order
from orderbridge.workflows.stop import StopToken

TICK_S = 0.2


@dataclass(frozen=True)
class ScenarioPlan:
    """How busy the buyers are and when the merchant steps in."""

    every_s: float = 2.0
    max_per_wave: int = 3
    unknown_sku_rate: float = 0.06
    """Share of the stream's order lines whose SKU QuickBooks Commerce does not know."""
    initial_unknown_sku_rate: float = 0.1
    """The same for the orders waiting at the start (the first one always has one)."""
    fix_after_s: float = 20.0
    cancel_every_s: float = 7.0
    """Buyers cancel one delivered and one undelivered order this often (see buyer_cancels)."""
    cancel_waves: int = 3
    ship_every_s: float = 4.0
    """The warehouse ships a few delivered orders in QBC this often (see warehouse_ships)."""
    ship_per_wave: int = 3
    stock_every_s: float = 5.0
    """The warehouse changes a few SKUs' stock in QBC this often (see stock_changes)."""
    stock_per_wave: int = 2


class Scenario:
    """Buyers and merchant; `place_initial` before the loop, `start` for the stream."""

    def __init__(self, world: DemoWorld, feed: EventFeed, plan: ScenarioPlan, seed: int) -> None:
        self.world = world
        self.feed = feed
        self.plan = plan
        self.fixed: str | None = None
        """The cust_ref of the order the merchant fixed, once fixed."""
        self.placed = 0
        self.canceled = 0
        self._rng = random.Random(seed)
        self._houzz = httpx.Client(base_url=f"{world.pair.houzz_url}/_sandbox", timeout=30)
        self._qbc = httpx.Client(base_url=f"{world.pair.qbc_url}/_sandbox", timeout=30)
        self.shipped = 0

    def place_initial(self, count: int) -> None:
        """The orders waiting when the hub first looks; the first has an unknown SKU."""
        if count <= 0:
            return
        self._place(1, 1.0)
        if count > 1:
            self._place(count - 1, self.plan.initial_unknown_sku_rate)
        self.feed.add("Houzz buyers", f"placed {count} orders before the hub first looked")

    def start(self, stop: StopToken) -> threading.Thread:
        thread = threading.Thread(target=self._run, args=(stop,), name="demo-scenario",
                                  daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        self._houzz.close()
        self._qbc.close()

    def ship_some(self, count: int) -> int:
        """The warehouse ships up to `count` delivered orders in QBC (mixed carriers)."""
        shipped = ship_wave(self.world, self.feed, self._qbc, self._rng, count)
        self.shipped += shipped
        return shipped

    def change_stock(self, count: int) -> int:
        """The warehouse sets a new stock on hand in QBC for `count` random SKUs."""
        return stock_wave(self.world, self.feed, self._qbc, self._rng, count)

    def cancel_some(self) -> int:
        """Buyers cancel one delivered and one not yet delivered order on Houzz."""
        count = cancel_wave(self.world, self.feed, self._houzz, self._rng)
        self.canceled += count
        return count

    def fix_one_unknown_sku(self) -> bool:
        """The merchant's fix: alias the unknown SKUs of the oldest order held for them."""
        known = set(self.world.catalog_skus)
        iid = self.world.ctx.integration_id
        with self.world.store.begin() as session:
            held = session.scalars(
                select(Order).where(Order.integration_id == iid,
                                    Order.status == OrderStatus.HELD,
                                    Order.hold_reason_code == HoldReason.UNKNOWN_SKU)
                .order_by(Order.id).limit(1)).one_or_none()
            if held is None:
                return False
            unknown = sorted({sku for sku in _line_skus(held.channel_payload)
                              if sku not in known})
            for sku in unknown:
                target = self._rng.choice(self.world.catalog_skus)
                mappings.add_alias(session, iid, sku, target)
                self.feed.add("merchant", f"orderbridge alias add {sku} {target}", "merchant")
            self.fixed = held.cust_ref or held.channel_order_id
        return bool(unknown)

    def _run(self, stop: StopToken) -> None:
        started = time.monotonic()
        next_wave = started + self.plan.every_s
        next_cancel, cancel_waves = started + self.plan.cancel_every_s, 0
        next_ship = started + self.plan.ship_every_s
        next_stock = started + self.plan.stock_every_s
        try:
            while not stop.wait(TICK_S):
                now = time.monotonic()
                if now >= next_wave:
                    count = self._rng.randint(1, self.plan.max_per_wave)
                    self._place(count, self.plan.unknown_sku_rate)
                    self.feed.add("Houzz buyers", f"placed {count} order{'s' * (count > 1)}")
                    next_wave = now + self.plan.every_s
                if self.fixed is None and now - started >= self.plan.fix_after_s:
                    self.fix_one_unknown_sku()
                if now >= next_cancel and cancel_waves < self.plan.cancel_waves:
                    self.cancel_some()
                    next_cancel, cancel_waves = now + self.plan.cancel_every_s, cancel_waves + 1
                if now >= next_ship:
                    self.ship_some(self.plan.ship_per_wave)
                    next_ship = now + self.plan.ship_every_s
                if now >= next_stock:
                    self.change_stock(self.plan.stock_per_wave)
                    next_stock = now + self.plan.stock_every_s
        except Exception as exc:  # the stream ends; the demo goes on
            self.feed.add("demo", f"the buyers stopped: {exc}", "error")

    def _place(self, count: int, unknown_sku_rate: float) -> None:
        response = self._houzz.post("/orders", json={"count": count,
                                                     "unknown_sku_rate": unknown_sku_rate})
        response.raise_for_status()
        self.placed += len(response.json()["order_ids"])


def _line_skus(payload: dict[str, Any]) -> list[str]:
    items = payload.get("OrderItems") or []
    return [str(item["SKU"]) for item in items
            if isinstance(item, dict) and item.get("SKU") and item.get("Type", "Product")
            == "Product"]

