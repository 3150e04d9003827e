"""The world around the hub during a chaos run: buyers place orders (some with SKUs the
merchant has not mapped yet, aliased a little later) and cancel some before and some after
delivery; the warehouse ships some in one package and some in several; stock changes all the
time. Everything goes through the sandboxes' control API (no API budget spent), and the
ledger remembers what was done, for the checks at the end.

So the checks have one right answer, an order the buyer cancels is never shipped, and an
order chosen for shipping is never canceled (a cancel after shipping is a person's problem,
tested elsewhere).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.store import Store, mappings
from tests.chaos.plan import ChaosPlan

UNLISTED = "UNLISTED-"


@dataclass
class Ledger:
    placed: list[str] = field(default_factory=list)
    canceled_early: set[str] = field(default_factory=set)
    canceled_late: set[str] = field(default_factory=set)
    ship_planned: dict[str, int] = field(default_factory=dict)
    """QBC order id → packages still to ship."""
    shipped: dict[str, int] = field(default_factory=dict)
    """QBC order id → packages shipped."""
    aliases: dict[str, str] = field(default_factory=dict)
    unknown_seen_at: dict[str, float] = field(default_factory=dict)
    stock_changes: int = 0
    counts: Counter[str] = field(default_factory=Counter)


class Scenario:
    def __init__(self, pair: SandboxPair, store: Store, integration_id: int, plan: ChaosPlan,
                 skus: list[str]) -> None:
        self.pair, self.store, self.plan = pair, store, plan
        self.integration_id = integration_id
        self.rng = random.Random(plan.seed)
        self.skus = skus
        self.ledger = Ledger()
        self._touched: set[str] = set()
        self._qbc: list[dict[str, Any]] = []
        self._qbc_read_at = float("-inf")

    def tick(self, now: float, to_place: int) -> None:
        """One moment of the world: new orders, early cancels, aliases, shipping, stock."""
        if to_place:
            self._place(to_place, now)
        self._alias_unknown(now)
        if now - self._qbc_read_at >= self.plan.qbc_poll_s:
            self._qbc, self._qbc_read_at = self._qbc_orders(), now
        qbc = self._qbc
        self._cancel_late(qbc)
        self._ship(qbc)
        self._change_stock()

    def _place(self, count: int, now: float) -> None:
        ids: list[str] = self.pair.control("houzz", "orders", {
            "count": count, "unknown_sku_rate": self.plan.unknown_sku_rate})["order_ids"]
        self.ledger.placed.extend(ids)
        self.ledger.counts["orders placed"] += len(ids)
        for order_id in ids:
            if self.rng.random() < self.plan.cancel_before_share:
                self._cancel(order_id)
                self.ledger.canceled_early.add(order_id)
                self.ledger.counts["canceled right after placing"] += 1
                self._touched.add(order_id)
        for order in self._houzz_orders(ids):
            for item in order.get("OrderItems") or []:
                sku = str(item.get("SKU") or "")
                if sku.startswith(UNLISTED) and sku not in self.ledger.unknown_seen_at:
                    self.ledger.unknown_seen_at[sku] = now

    def _alias_unknown(self, now: float) -> None:
        """The merchant reads the alert and maps the SKU, a little later."""
        due = [sku for sku, seen in self.ledger.unknown_seen_at.items()
               if sku not in self.ledger.aliases and now - seen >= self.plan.alias_after_s]
        if not due:
            return
        with self.store.begin() as session:
            for sku in due:
                target = self.rng.choice(self.skus)
                mappings.add_alias(session, self.integration_id, sku, target)
                self.ledger.aliases[sku] = target
        self.ledger.counts["aliases added"] += len(due)

    def _cancel_late(self, qbc: list[dict[str, Any]]) -> None:
        for order in qbc:
            reference = str(order.get("reference_number") or "")
            if reference in self._touched or order.get("status") == "void":
                continue
            self._touched.add(reference)
            draw = self.rng.random()
            if draw < self.plan.cancel_after_share:
                self._cancel(reference)
                self.ledger.canceled_late.add(reference)
                self.ledger.counts["canceled after delivery"] += 1
            elif draw < self.plan.cancel_after_share + self.plan.ship_share:
                lines = [line for line in order.get("order_line_items") or []
                         if line.get("variant_id") is not None]
                split = len(lines) > 1 and self.rng.random() < self.plan.split_share
                self.ledger.ship_planned[str(order["id"])] = len(lines) if split else 1

    def _ship(self, qbc: list[dict[str, Any]], *, hurry: bool = False) -> None:
        """Ship the next package of orders chosen for shipping (about half of them each
        moment, all of them when ``hurry``)."""
        by_id = {str(order["id"]): order for order in qbc}
        for order_id, packages in list(self.ledger.ship_planned.items()):
            order = by_id.get(order_id)
            if order is None or (not hurry and self.rng.random() < 0.5):
                continue
            done = self.ledger.shipped.get(order_id, 0)
            body: dict[str, Any] = {"tracking_company": self.rng.choice(["UPS", "FedEx", "USPS"]),
                                    "tracking_number": f"1ZCHAOS{int(order_id):06d}{done}"}
            if packages > 1:
                line = [line for line in order.get("order_line_items") or []
                        if line.get("variant_id") is not None][done]
                body["lines"] = [{"order_line_item_id": line["id"],
                                  "quantity": str(line["quantity"])}]
            self.pair.control("qbc", f"orders/{order_id}/ship", body)
            self.ledger.shipped[order_id] = done + 1
            self.ledger.counts["packages shipped"] += 1
            if done + 1 >= packages:
                del self.ledger.ship_planned[order_id]
                self.ledger.counts["orders shipped in several packages" if packages > 1
                                   else "orders shipped in one package"] += 1

    def _change_stock(self) -> None:
        for _ in range(self.plan.stock_changes_per_tick):
            self.pair.control("qbc", "stock", {"sku": self.rng.choice(self.skus),
                                               "stock_on_hand": self.rng.randint(0, 40)})
            self.ledger.stock_changes += 1

    def _cancel(self, order_id: str) -> None:
        self.pair.control("houzz", f"orders/{order_id}/cancel", {})
        self.ledger.counts["orders canceled by buyers"] += 1

    def _qbc_orders(self) -> list[dict[str, Any]]:
        response = self.pair._control.get(f"{self.pair.qbc_url}/_sandbox/orders")
        response.raise_for_status()
        orders: list[dict[str, Any]] = response.json()["orders"]
        return orders

    def _houzz_orders(self, ids: list[str]) -> list[dict[str, Any]]:
        wanted = set(ids)
        response = self.pair._control.get(f"{self.pair.houzz_url}/_sandbox/orders")
        response.raise_for_status()
        return [order for order in response.json()["orders"] if order["OrderId"] in wanted]

    def finish(self) -> None:
        """The merchant maps the SKUs still unknown; the orders the hub delivered late get
        their fate drawn too, at least one of them canceled after delivery (a slow storm
        still proves the void); the warehouse ships what it started (no order is left half
        shipped)."""
        self._alias_unknown(float("inf"))
        self._draw_the_rest()
        for _ in range(10):
            if not self.ledger.ship_planned:
                return
            self._ship(self._qbc_orders(), hurry=True)

    def _draw_the_rest(self, within_s: float = 60.0) -> None:
        wanted = len(self.ledger.placed) - len(self.ledger.canceled_early)
        deadline = time.monotonic() + within_s
        qbc = self._qbc_orders()
        while len(qbc) < wanted / 2 and time.monotonic() < deadline:
            time.sleep(1.0)
            qbc = self._qbc_orders()
        self._cancel_late(qbc)
        if self.ledger.canceled_late:
            return
        for order in qbc:
            order_id, reference = str(order["id"]), str(order.get("reference_number") or "")
            shipping = order_id in self.ledger.ship_planned or order_id in self.ledger.shipped
            if (not shipping and order.get("status") != "void"
                    and reference not in self.ledger.canceled_early):
                self._cancel(reference)
                self.ledger.canceled_late.add(reference)
                self.ledger.counts["canceled after delivery"] += 1
                return
