"""Per Houzz SKU: the QBC figures, the quantity the rules give, what Houzz last accepted, and
anything a merchant should look at — read from the store alone, no API call.

It recomputes with the same functions the inventory job uses, from the variant index the last
cycle refreshed, so "computed" is what the next cycle would push.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from orderbridge.connectors.qbc.variants import Variant, variant_from
from orderbridge.errors import UsageError
from orderbridge.store import mappings
from orderbridge.store.inventory import StoredLevel, stored_levels
from orderbridge.store.tables import WarehouseVariant
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.inventory.pending_units import pending_units
from orderbridge.workflows.inventory.stock_plan import PlannedLevel, plan_stock
from orderbridge.workflows.inventory.stock_policy import StockPolicy
from orderbridge.workflows.inventory.stock_settings import (
    known_primary_location,
    policy_from_config,
)


@dataclass
class StockRow:
    houzz_sku: str
    qbc_sku: str | None
    on_hand: Decimal | None = None
    committed: Decimal | None = None
    pending: Decimal | None = None
    computed: int | None = None
    rule: str | None = None
    pushed: int | None = None
    pushed_at: datetime | None = None
    problems: list[str] = field(default_factory=list)


def stock_report(ctx: IntegrationContext) -> list[StockRow]:
    """One row per Houzz SKU the hub computes or has pushed, sorted by SKU."""
    policy = policy_from_config(ctx.config, lambda: _remembered_primary(ctx))
    with ctx.store.session() as session:
        records = session.scalars(select(WarehouseVariant.record).where(
            WarehouseVariant.integration_id == ctx.integration_id)).all()
        aliases = mappings.list_aliases(session, ctx.integration_id)
        pending = pending_units(session, ctx.integration_id, aliases,
                                orders_created_as=ctx.config.order_status)
        stored = stored_levels(session, ctx.integration_id)
    variants = [variant for variant in map(variant_from, records) if variant is not None]
    plan = plan_stock(variants, pending, aliases, policy)
    rows = {sku: _planned_row(level, policy, plan.ambiguous.get(level.warehouse_sku, 0))
            for sku, level in plan.levels.items()}
    for sku, level in stored.items():
        if sku not in rows:
            backing = aliases.get(sku)
            rows[sku] = StockRow(sku, None, problems=[
                f"alias to QBC SKU {backing}, which QBC does not have" if backing
                else "no QBC variant backs this SKU"] if level.quantity else [])
    for sku, row in rows.items():
        _add_stored(row, stored.get(sku))
    return [rows[sku] for sku in sorted(rows)]


def _remembered_primary(ctx: IntegrationContext) -> int:
    primary = known_primary_location(ctx)
    if primary is None:
        raise UsageError("no inventory cycle has run yet for this integration: run "
                         f"orderbridge sync --once --job inventory --integration {ctx.name}")
    return primary


def _planned_row(level: PlannedLevel, policy: StockPolicy, sharing: int) -> StockRow:
    on_hand, committed = _at_locations(level.variants, policy)
    sellable = level.sellable
    row = StockRow(level.houzz_sku, level.warehouse_sku, on_hand, committed, sellable.pending,
                   sellable.quantity, sellable.rule)
    if sharing:
        row.problems.append(f"{sharing} active QBC variants share this SKU (stock summed; "
                            "orders for it are held): archive the extra ones")
    if sellable.rule == "archived":
        row.problems.append("archived in QBC (Houzz gets 0)")
    return row


def _at_locations(variants: tuple[Variant, ...],
                  policy: StockPolicy) -> tuple[Decimal, Decimal]:
    on_hand = committed = Decimal(0)
    for variant in variants:
        if variant.archived:
            continue
        for location in variant.locations:
            if policy.locations == "all" or location.location_id in policy.locations:
                on_hand += location.on_hand
                committed += location.committed
    return on_hand, committed


def _add_stored(row: StockRow, level: StoredLevel | None) -> None:
    if level is None:
        return
    row.pushed, row.pushed_at = level.quantity, level.pushed_at
    if level.not_listed:
        row.problems.append(f"not listed on Houzz (QBC variant without a Houzz listing): "
                            f"{level.last_error or 'found by the last --full run'}")
    elif level.last_error:
        row.problems.append(f"last push failed, retried next cycle: {level.last_error}")
    if level.without_variant:
        row.problems.append("listed on Houzz, but no QBC variant backs it (add an alias)")
