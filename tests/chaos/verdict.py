"""The checks at the end of a chaos run, against the sandboxes' own records (the truth, read
through their control API) and the hub's store:

- every Houzz order not canceled before delivery exists in QBC exactly once, with the right
  lines (Houzz's items through the merchant's aliases);
- every order canceled on Houzz after delivery is void in QBC, voided once; none both
  shipped and void;
- every order fully shipped in QBC is Shipped on Houzz with all its tracking numbers, posted
  once;
- every Houzz listing shows what the hub computes from QBC's stock at the end;
- nothing in the hub held without a reason, nothing stuck in flight.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from orderbridge.connectors.qbc.variants import variant_from
from orderbridge.model import OrderStatus
from orderbridge.model.outbound import OutboundState
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.store import mappings
from orderbridge.store.tables import Order
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.inventory.pending_units import pending_units
from orderbridge.workflows.inventory.stock_plan import plan_stock
from orderbridge.workflows.inventory.stock_settings import (
    known_primary_location,
    policy_from_config,
)

CANCELED = {"canceled", "cancelled"}


@dataclass
class Verdict:
    houzz_orders: int = 0
    in_qbc: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    wrong_lines: list[str] = field(default_factory=list)
    not_voided: list[str] = field(default_factory=list)
    voided_twice: list[str] = field(default_factory=list)
    shipped_and_voided: list[str] = field(default_factory=list)
    not_confirmed: list[str] = field(default_factory=list)
    tracking_wrong: list[str] = field(default_factory=list)
    posted_twice: list[str] = field(default_factory=list)
    listings_wrong: list[str] = field(default_factory=list)
    held_without_reason: list[str] = field(default_factory=list)
    stuck_in_flight: list[str] = field(default_factory=list)
    held: Counter[str] = field(default_factory=Counter)
    voided: int = 0
    confirmed: int = 0
    listings: int = 0

    PROBLEMS = ("lost", "duplicated", "wrong_lines", "not_voided", "voided_twice",
                "shipped_and_voided", "not_confirmed", "tracking_wrong", "posted_twice",
                "listings_wrong", "held_without_reason", "stuck_in_flight")

    @property
    def ok(self) -> bool:
        return not any(getattr(self, name) for name in self.PROBLEMS) and not self.held

    def problems(self) -> dict[str, list[str]]:
        found = {name: getattr(self, name)[:10] for name in self.PROBLEMS if getattr(self, name)}
        if self.held:
            found["held at the end"] = [f"{n} × {reason}" for reason, n in self.held.items()]
        return found


def judge(pair: SandboxPair, ctx: IntegrationContext, *, count_voids: bool = True) -> Verdict:
    """The checks; ``count_voids`` False skips reading QBC's whole call log (a quick look
    while the hub settles: that read is the heaviest, and the sandbox serves the hub too)."""
    verdict = Verdict()
    houzz = _get(pair, pair.houzz_url, "orders")["orders"]
    qbc = _get(pair, pair.qbc_url, "orders")["orders"]
    variants = _get(pair, pair.qbc_url, "variants")["variants"]
    with ctx.store.session() as session:
        aliases = mappings.list_aliases(session, ctx.integration_id)
    sku_of = {int(v["id"]): str(v["sku"]) for v in variants}
    by_reference: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for order in qbc:
        if order.get("status") != "deleted":
            by_reference[str(order.get("reference_number"))].append(order)
    voids = _void_keys(pair) if count_voids else {}
    for order in houzz:
        verdict.houzz_orders += 1
        _order(verdict, order, by_reference.get(order["OrderId"], []), aliases, sku_of, voids)
    _listings(verdict, pair, ctx, variants, aliases)
    _store(verdict, ctx)
    return verdict


def _order(verdict: Verdict, houzz: dict[str, Any], copies: list[dict[str, Any]],
           aliases: dict[str, str], sku_of: dict[int, str],
           voids: dict[str, set[str]]) -> None:
    order_id = houzz["OrderId"]
    canceled = str(houzz.get("Status", "")).lower() in CANCELED
    if len(copies) > 1:
        verdict.duplicated.append(order_id)
    for copy in copies:
        if copy.get("status") == "void" and copy.get("fulfillments"):
            verdict.shipped_and_voided.append(order_id)
        if len(voids.get(str(copy["id"]), ())) > 1:
            verdict.voided_twice.append(order_id)
    if canceled:
        for copy in copies:
            if copy.get("status") == "void":
                verdict.voided += 1
            else:
                verdict.not_voided.append(order_id)
        return
    if not copies:
        verdict.lost.append(order_id)
        return
    verdict.in_qbc += 1
    copy = copies[0]
    if _houzz_units(houzz, aliases) != _qbc_units(copy, sku_of):
        verdict.wrong_lines.append(order_id)
    if copy.get("status") == "void":
        verdict.not_voided.append(f"{order_id}: void in QBC, open on Houzz")
    if copy.get("fulfillment_status") == "shipped" or copy.get("status") == "fulfilled":
        _shipped(verdict, houzz, copy)


def _shipped(verdict: Verdict, houzz: dict[str, Any], copy: dict[str, Any]) -> None:
    order_id = houzz["OrderId"]
    history = houzz.get("ShipHistory") or []
    if str(houzz.get("Status", "")).lower() != "shipped" or not history:
        verdict.not_confirmed.append(order_id)
        return
    verdict.confirmed += 1
    if len(history) > 1:
        verdict.posted_twice.append(order_id)
    numbers = {str(f.get("tracking_number")) for f in copy.get("fulfillments") or []
               if f.get("tracking_number")}
    if set(history[-1].get("TrackingNumbers") or []) != numbers:
        verdict.tracking_wrong.append(f"{order_id}: Houzz {history[-1].get('TrackingNumbers')} "
                                      f"QBC {sorted(numbers)}")


def _houzz_units(order: dict[str, Any], aliases: dict[str, str]) -> Counter[str]:
    units: Counter[str] = Counter()
    for item in order.get("OrderItems") or []:
        if str(item.get("Type", "Product")).lower() == "product":
            sku = str(item["SKU"])
            units[aliases.get(sku, sku)] += int(item["Quantity"])
    return units


def _qbc_units(order: dict[str, Any], sku_of: dict[int, str]) -> Counter[str]:
    units: Counter[str] = Counter()
    for line in order.get("order_line_items") or []:
        if line.get("variant_id") is not None:
            units[sku_of.get(int(line["variant_id"]), "?")] += int(Decimal(str(line["quantity"])))
    return units


def _void_keys(pair: SandboxPair) -> dict[str, set[str]]:
    """QBC order id → the distinct requests that voided it (retries of one request share a
    key: QBC carries them out once)."""
    keys: dict[str, set[str]] = defaultdict(set)
    for call in pair.calls("qbc"):
        path = str(call["path"])
        if call["method"] == "POST" and path.endswith("/actions/void") and call["status"] < 300:
            keys[path.split("/")[2]].add(str(call.get("idempotency_key") or call["at"]))
    return keys


def _listings(verdict: Verdict, pair: SandboxPair, ctx: IntegrationContext,
              variants: list[dict[str, Any]], aliases: dict[str, str]) -> None:
    primary = known_primary_location(ctx)
    policy = policy_from_config(ctx.config, lambda: primary or 1)
    with ctx.store.session() as session:
        pending = pending_units(session, ctx.integration_id, aliases,
                                orders_created_as=ctx.config.order_status)
    plan = plan_stock([v for v in map(variant_from, variants) if v is not None], pending,
                      aliases, policy)
    for listing in _get(pair, pair.houzz_url, "listings")["listings"]:
        level = plan.levels.get(str(listing["SKU"]))
        if level is None:
            continue
        verdict.listings += 1
        if int(listing["Quantity"]) != level.quantity:
            verdict.listings_wrong.append(f"{listing['SKU']}: Houzz {listing['Quantity']}, "
                                          f"computed {level.quantity}")


def _store(verdict: Verdict, ctx: IntegrationContext) -> None:
    with ctx.store.session() as session:
        for order in session.scalars(select(Order).where(
                Order.integration_id == ctx.integration_id)):
            if order.status is OrderStatus.HELD:
                reason = (order.hold_reason or "").strip()
                if not reason:
                    verdict.held_without_reason.append(order.channel_order_id)
                verdict.held[reason[:80]] += 1
            if order.outbound_state is OutboundState.IN_FLIGHT:
                verdict.stuck_in_flight.append(order.channel_order_id)


def _get(pair: SandboxPair, base: str, path: str) -> Any:
    response = pair._control.get(f"{base}/_sandbox/{path}")
    response.raise_for_status()
    return response.json()
