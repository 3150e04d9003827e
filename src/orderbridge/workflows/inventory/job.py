"""Stock from QuickBooks Commerce to Houzz: CartRover's "Inventory" and "Inventory Upload".

One cycle:
1. read every QBC variant, active and archived, 250 a page — ceil(variants / 250) calls, the
   whole QBC cost — and refresh the hub's variant index from the same pages;
2. compute what Houzz may sell of each Houzz SKU (`stock_plan`, `stock_policy`), subtracting
   units on Houzz orders QBC has not committed yet (`pending_units`);
3. push with `updateInventory` only the SKUs whose quantity differs from what Houzz last
   accepted (a SKU no QBC variant backs any more, but that Houzz was given stock for, goes to
   0), concurrently (`push`).

`--full` (`JobOptions.full`) re-pushes every SKU, retries the ones Houzz refused, and reads all
Houzz listings (`getListings`) to report listings with no QBC variant and QBC SKUs Houzz does
not list — which it then does not push to. A normal cycle learns the latter from refusals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from orderbridge.connectors.qbc.client import VARIANT_STATUSES
from orderbridge.connectors.qbc.variants import Variant
from orderbridge.store import mappings
from orderbridge.store.inventory import (
    PushOutcome,
    StoredLevel,
    mark_listings,
    record_outcomes,
    stored_levels,
)
from orderbridge.store.tables import InventoryLevel
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.inventory.pending_units import pending_units
from orderbridge.workflows.inventory.push import Push, push_levels
from orderbridge.workflows.inventory.stock_plan import StockPlan, plan_stock
from orderbridge.workflows.inventory.stock_settings import stock_policy
from orderbridge.workflows.options import JobOptions
from orderbridge.workflows.orders.variant_index import finish_read, store_variants
from orderbridge.workflows.stop import StopToken


@dataclass
class InventoryResult:
    pages: int = 0
    """QBC calls spent reading variants."""
    seen: int = 0
    """Variants read."""
    unreadable: int = 0
    """Variant records QBC sent that could not be read (skipped; their SKUs show 0)."""
    changed: int = 0
    """Houzz SKUs whose quantity differs from what Houzz last accepted (or all, with --full)."""
    pushed: int = 0
    refused: int = 0
    failed: int = 0
    deferred: int = 0
    not_listed: int = 0
    """QBC-backed SKUs Houzz says it does not list (reported, not retried until --full)."""
    without_variant: int = 0
    """Houzz listings no QBC variant backs (seen by the last --full run)."""
    ambiguous: int = 0
    """SKUs shared by several active QBC variants (their stock is summed)."""


def inventory(ctx: IntegrationContext, stop: StopToken | None = None,
              options: JobOptions | None = None) -> InventoryResult:
    """Push changed stock levels from QBC to Houzz."""
    options = options or JobOptions()
    result = InventoryResult()
    policy = stock_policy(ctx, refresh=options.full)
    variants = read_variants(ctx, result)
    with ctx.store.session() as session:
        aliases = mappings.list_aliases(session, ctx.integration_id)
        pending = pending_units(session, ctx.integration_id, aliases,
                                orders_created_as=ctx.config.order_status)
        stored = stored_levels(session, ctx.integration_id)
    plan = plan_stock(variants, pending, aliases, policy)
    result.ambiguous = len(plan.ambiguous)
    wanted = wanted_levels(plan, stored)
    if options.full:
        pushes = _full_run_pushes(ctx, wanted, plan)
    else:
        pushes = [push for push in wanted.values() if _changed(push, stored.get(push.sku))]
    result.changed = len(pushes)

    def record(outcomes: list[PushOutcome]) -> None:
        with ctx.store.begin() as session:
            record_outcomes(session, ctx.integration_id, outcomes, ctx.clock.now())

    tally = push_levels(ctx.houzz, pushes, concurrency=ctx.config.inventory_concurrency,
                        record=record, stop=stop)
    result.pushed, result.refused = tally.pushed, tally.refused
    result.failed, result.deferred = tally.failed, tally.deferred
    result.not_listed, result.without_variant = _problem_counts(ctx)
    return result


def read_variants(ctx: IntegrationContext, result: InventoryResult) -> list[Variant]:
    """Every QBC variant, active and archived; the variant index is refreshed from the same
    pages."""
    started = ctx.clock.now()
    newest: datetime | None = None
    found: list[Variant] = []
    for page in ctx.qbc.iter_variants(statuses=VARIANT_STATUSES):
        result.pages += 1
        result.seen += len(page.records)
        result.unreadable += page.unreadable
        newest = store_variants(ctx, page.records, newest)
        found.extend(page.records)
    with ctx.store.begin() as session:
        finish_read(session, ctx, newest, full_read_started=started)
    return found


def wanted_levels(plan: StockPlan, stored: dict[str, StoredLevel]) -> dict[str, Push]:
    """The quantity each Houzz SKU should show; SKUs Houzz was given stock for that no QBC
    variant backs any more (deleted, alias removed) go to 0."""
    wanted = {sku: Push(sku, level.warehouse_sku, level.quantity)
              for sku, level in plan.levels.items()}
    for sku, old in stored.items():
        if sku not in wanted and old.quantity:
            wanted[sku] = Push(sku, None, 0)
    return wanted


def _changed(push: Push, old: StoredLevel | None) -> bool:
    if old is None:
        return True
    return not old.not_listed and old.quantity != push.quantity


def _full_run_pushes(ctx: IntegrationContext, wanted: dict[str, Push],
                     plan: StockPlan) -> list[Push]:
    listed = set(ctx.houzz.iter_listing_skus())
    with ctx.store.begin() as session:
        mark_listings(session, ctx.integration_id, at=ctx.clock.now(),
                      without_variant=listed - set(plan.levels),
                      not_listed=set(wanted) - listed)
    return [push for sku, push in wanted.items() if sku in listed]


def _problem_counts(ctx: IntegrationContext) -> tuple[int, int]:
    with ctx.store.session() as session:
        row = session.execute(
            select(func.count().filter(InventoryLevel.not_listed),
                   func.count().filter(InventoryLevel.without_variant))
            .where(InventoryLevel.integration_id == ctx.integration_id)).one()
    return int(row[0] or 0), int(row[1] or 0)

