"""From the hub's variant index to Houzz: every Houzz SKU's quantity computed from the WHOLE
index — not from the variants just read, so a cycle that read one changed variant still
knows every other — and only the changed ones pushed (every one with `--full`).

Run by the inventory job after its read, and after variants a `variant.stock_level_update`
webhook named were read by id into the index.
"""

from __future__ import annotations

from sqlalchemy import func, select

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
from orderbridge.workflows.inventory.result import InventoryResult
from orderbridge.workflows.inventory.stock_plan import StockPlan, plan_stock
from orderbridge.workflows.inventory.stock_settings import stock_policy
from orderbridge.workflows.options import JobOptions
from orderbridge.workflows.orders.variant_index import indexed_variants
from orderbridge.workflows.stop import StopToken


def push_from_index(ctx: IntegrationContext, result: InventoryResult, stop: StopToken | None,
                    options: JobOptions) -> None:
    """Compute every Houzz SKU's quantity from the whole variant index and push those that
    changed (every one with `--full`); counted into `result`."""
    policy = stock_policy(ctx, refresh=options.full)
    with ctx.store.session() as session:
        variants, unreadable = indexed_variants(session, ctx.integration_id)
        aliases = mappings.list_aliases(session, ctx.integration_id)
        pending = pending_units(session, ctx.integration_id, aliases,
                                orders_created_as=ctx.config.order_status)
        stored = stored_levels(session, ctx.integration_id)
    result.unreadable += unreadable
    plan = plan_stock(variants, pending, aliases, policy)
    result.ambiguous = len(plan.ambiguous)
    wanted = wanted_levels(plan, stored)
    if options.full:
        pushes = _full_run_pushes(ctx, wanted, plan)
    else:
        pushes = [push for push in wanted.values() if _changed(push, stored.get(push.sku))]
    result.changed += len(pushes)

    def record(outcomes: list[PushOutcome]) -> None:
        with ctx.store.begin() as session:
            record_outcomes(session, ctx.integration_id, outcomes, ctx.clock.now())

    tally = push_levels(ctx.houzz, pushes, concurrency=ctx.config.inventory_concurrency,
                        record=record, stop=stop)
    result.pushed += tally.pushed
    result.refused += tally.refused
    result.failed += tally.failed
    result.deferred += tally.deferred
    result.not_listed, result.without_variant = _problem_counts(ctx)


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

