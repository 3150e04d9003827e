"""The audit's reads: every Houzz order and listing, every QBC order, line, shipped package and
variant of the period, in pages at each API's largest size, and the hub's own records of the
same orders. Nothing is written.

Houzz orders are translated with the download's own translation and the merchant's aliases,
so "the right lines" means what the hub would send now. QBC is read from a day before the
start (a clock that runs a little apart loses nothing); only QBC orders whose reference is a
Houzz order of the period are compared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from orderbridge.connectors.houzz.mapping import (
    channel_order_key,
    channel_status,
    to_canonical,
    tracking_numbers,
)
from orderbridge.connectors.houzz.values import decimal, storable
from orderbridge.connectors.paging import PageGuard
from orderbridge.connectors.qbc.client import VARIANT_STATUSES
from orderbridge.connectors.qbc.variants import Variant
from orderbridge.model import OrderStatus
from orderbridge.model.outbound import OutboundState
from orderbridge.store import mappings
from orderbridge.store.tables import Order
from orderbridge.workflows.audit.facts import (
    AuditFacts,
    HouzzOrderFacts,
    HubOrderFacts,
    QbcOrderFacts,
    Units,
)
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.inventory.pending_units import pending_units
from orderbridge.workflows.inventory.stock_plan import plan_stock
from orderbridge.workflows.inventory.stock_settings import stock_policy
from orderbridge.workflows.orders.download_window import next_page_start

MARGIN = timedelta(days=1)
CHUNK = 500
Progress = Callable[[str], None]


@dataclass
class Spent:
    houzz_calls: int = 0
    qbc_calls: int = 0


def read_facts(ctx: IntegrationContext, since: datetime, progress: Progress) -> tuple[
        AuditFacts, Spent]:
    spent = Spent()
    qbc_before = ctx.qbc_calls
    with ctx.store.session() as session:
        aliases = mappings.list_aliases(session, ctx.integration_id)
    facts = AuditFacts(downloads_status=ctx.config.status_filter or "",
                       stuck_after_s=max(900.0, 10 * ctx.config.qbc_timeout_s))
    facts.houzz_orders = _houzz_orders(ctx, since, aliases, spent)
    progress(f"read {len(facts.houzz_orders)} Houzz orders")
    facts.listings = _listings(ctx, spent)
    progress(f"read {len(facts.listings)} Houzz listings")
    variants = [variant for page in ctx.qbc.iter_variants(statuses=VARIANT_STATUSES)
                for variant in page.records]
    progress(f"read {len(variants)} QBC variants")
    references = {order.order_id for order in facts.houzz_orders}
    facts.qbc_orders = _qbc_orders(ctx, since, references, variants)
    progress(f"read {len(facts.qbc_orders)} QBC orders of these Houzz orders, with their "
             "lines and shipped packages")
    facts.computed = _computed(ctx, variants, aliases)
    facts.hub_orders = _hub_orders(ctx, since, references)
    spent.qbc_calls = ctx.qbc_calls - qbc_before
    return facts, spent


def _houzz_orders(ctx: IntegrationContext, since: datetime, aliases: dict[str, str],
                  spent: Spent) -> list[HouzzOrderFacts]:
    config = ctx.config
    now = ctx.clock.now()
    found: dict[str, HouzzOrderFacts] = {}
    start, size = 0, config.houzz_page_size
    guard = PageGuard("Houzz", "the order list")
    while True:
        page = ctx.houzz.get_orders(status="All", start=start, number=size,
                                    created_from=since, created_to=now + MARGIN,
                                    zone=config.zone)
        spent.houzz_calls += 1
        guard.check(page, f"Start={start}")
        for raw in storable(page):
            facts = _houzz_order(raw, aliases, ctx, now)
            found[facts.order_id] = facts
        if len(page) < size:
            return list(found.values())
        start = next_page_start(start, size)


def _houzz_order(raw: Any, aliases: dict[str, str], ctx: IntegrationContext,
                 now: datetime) -> HouzzOrderFacts:
    order = to_canonical(raw, cust_ref="audit", zone=ctx.config.zone, now=now).order
    units: Units = defaultdict(int)
    for line in order.product_lines:
        units[aliases.get(line.item, line.item)] += int(line.quantity)
    return HouzzOrderFacts(
        order_id=channel_order_key(raw), status=channel_status(raw) or "",
        created=order.order_date, lines=dict(units),
        tracking=tracking_numbers(raw),
        raw=raw if isinstance(raw, dict) else {})


def _listings(ctx: IntegrationContext, spent: Spent) -> dict[str, int | None]:
    shown: dict[str, int | None] = {}
    for page in ctx.houzz.iter_listing_pages():
        spent.houzz_calls += 1
        for listing in page:
            quantity = decimal(listing.quantity)
            whole = quantity is not None and quantity == quantity.to_integral_value()
            shown[listing.sku] = int(quantity) if whole and quantity is not None else None
    return shown


def _qbc_orders(ctx: IntegrationContext, since: datetime, references: set[str],
                variants: list[Variant]) -> list[QbcOrderFacts]:
    orders = [order for page in ctx.qbc.iter_orders(created_since=since - MARGIN)
              for order in page.records if order.reference_number in references]
    sku_of = {str(variant.id): variant.sku or f"variant {variant.id}" for variant in variants}
    units: dict[str, Units] = defaultdict(lambda: defaultdict(int))
    for lines in ctx.qbc.order_lines([order.id for order in orders]):
        for line in lines.records:
            if line.variant_id is not None and line.quantity > 0:
                sku = sku_of.get(str(line.variant_id), f"variant {line.variant_id}")
                units[line.order_id][sku] += int(line.quantity)
    wanted = {order.id for order in orders}
    tracking: dict[str, set[str]] = defaultdict(set)
    packages: dict[str, list[str]] = defaultdict(list)
    for shipped in ctx.qbc.iter_fulfillments(updated_since=since - MARGIN):
        for package in shipped.records:
            if package.warehouse_order_id in wanted:
                packages[package.warehouse_order_id].append(package.fulfillment_id)
                if package.tracking_number:
                    tracking[package.warehouse_order_id].add(package.tracking_number)
    return [QbcOrderFacts(
        id=order.id, order_number=order.order_number, reference=order.reference_number,
        status=order.status or "", fulfillment_status=order.fulfillment_status or "",
        lines=dict(units.get(order.id, {})), tracking=frozenset(tracking.get(order.id, ())),
        fulfillment_ids=tuple(sorted(packages.get(order.id, ()))))
        for order in orders]


def _computed(ctx: IntegrationContext, variants: list[Variant],
              aliases: dict[str, str]) -> dict[str, int]:
    """What the inventory job would push now, from the variants just read."""
    policy = stock_policy(ctx)
    with ctx.store.session() as session:
        pending = pending_units(session, ctx.integration_id, aliases,
                                orders_created_as=ctx.config.order_status)
    plan = plan_stock(variants, {sku: Decimal(units) for sku, units in pending.items()},
                      aliases, policy)
    return {sku: level.quantity for sku, level in plan.levels.items()}


def _hub_orders(ctx: IntegrationContext, since: datetime,
                references: Iterable[str]) -> dict[str, HubOrderFacts]:
    """The hub's orders of the period, and its records of the Houzz orders read."""
    mine = Order.integration_id == ctx.integration_id
    with ctx.store.session() as session:
        found = {order.channel_order_id: _hub_order(order) for order in session.scalars(
            select(Order).where(mine, Order.order_date >= since))}
        wanted = sorted(set(references) - set(found))
        for start in range(0, len(wanted), CHUNK):
            for order in session.scalars(select(Order).where(
                    mine, Order.channel_order_id.in_(wanted[start:start + CHUNK]))):
                found[order.channel_order_id] = _hub_order(order)
    return found


def _hub_order(order: Order) -> HubOrderFacts:
    in_flight = order.outbound_state is OutboundState.IN_FLIGHT
    return HubOrderFacts(
        channel_order_id=order.channel_order_id, status=order.status.value,
        warehouse_order_id=order.warehouse_order_id,
        hold_reason=order.hold_reason if order.status is OrderStatus.HELD else None,
        in_flight_since=order.updated_at if in_flight else None,
        cancel_state=order.cancel_state.value if order.cancel_state else None)
