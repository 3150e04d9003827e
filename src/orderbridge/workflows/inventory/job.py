"""Stock from QuickBooks Commerce to Houzz: CartRover's "Inventory" and "Inventory Upload".

One cycle:
1. read into the hub's variant index the QBC variants updated since the last read, active and
   archived (an archived one must go to 0) — usually one call (`variant_index`). Every
   `inventory_full_every_s`, on `--full`, and on the first cycle, every variant is read instead,
   250 a page, and what QBC no longer lists is archived;
2. compute what Houzz may sell of each Houzz SKU from the WHOLE index (`stock_plan`,
   `stock_policy`), subtracting units on Houzz orders QBC has not committed yet
   (`pending_units`);
3. push with `updateInventory` only the SKUs whose quantity differs from what Houzz last
   accepted (a SKU no QBC variant backs any more, but that Houzz was given stock for, goes to
   0), concurrently (`push`).

Steps 2 and 3 are `push_from_index`, also run after variants a `variant.stock_level_update`
webhook named were read by id into the index (`named_variants`, before step 1).

[I] Whether real QBC bumps a variant's `updated_at` when only its stock changes is not
documented (the sandbox does: `sandbox/qbc/stock.py`); if it does not, the incremental read
misses stock-only changes, and the periodic full read and the stock-level webhook are the
safety nets.

`--full` (`JobOptions.full`) also re-pushes every SKU, retries the ones Houzz refused, and reads
all Houzz listings (`getListings`) to report listings with no QBC variant and QBC SKUs Houzz
does not list — which it then does not push to. A normal cycle learns the latter from refusals.
"""

from __future__ import annotations

from datetime import timedelta

from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.inventory.index_push import push_from_index
from orderbridge.workflows.inventory.named_variants import JOB, read_named_variants
from orderbridge.workflows.inventory.result import InventoryResult
from orderbridge.workflows.options import JobOptions
from orderbridge.workflows.orders.variant_index import last_full_read, read_into_index
from orderbridge.workflows.qbc_webhooks import inbox
from orderbridge.workflows.stop import StopToken, stopped

ROUNDS = 5
"""Times a run looks again for stock deliveries that arrived while it ran, before it ends."""

__all__ = ["InventoryResult", "full_read_due", "inventory", "push_from_index"]


def inventory(ctx: IntegrationContext, stop: StopToken | None = None,
              options: JobOptions | None = None) -> InventoryResult:
    """Read what changed in QBC — the variants QBC's webhooks named, then the polling read (a
    run a webhook started, `webhooks_only`, skips the latter) — then push changed stock levels
    to Houzz; deliveries that arrive meanwhile are worked off before the run ends."""
    options = options or JobOptions()
    result = InventoryResult()
    result.webhooks += read_named_variants(ctx, result)
    if not options.webhooks_only:
        read = read_into_index(ctx, full=options.full or full_read_due(ctx))
        result.pages += read.pages
        result.seen += read.seen
        result.unreadable += read.unreadable
        result.full_read = read.full
    push_from_index(ctx, result, stop, options)
    for _ in range(ROUNDS):
        if stopped(stop) or not inbox.pending(ctx, JOB):
            break
        result.webhooks += read_named_variants(ctx, result)
        counted = result.unreadable
        push_from_index(ctx, result, stop, options)
        result.unreadable = counted  # the index's unreadable rows were counted by the first push
    return result


def full_read_due(ctx: IntegrationContext) -> bool:
    """Whether the last full read of every variant started `inventory_full_every_s` ago (or
    never happened, or is dated ahead of the clock: then the clock was wrong)."""
    with ctx.store.session() as session:
        last = last_full_read(session, ctx)
    now = ctx.clock.now()
    return last is None or last > now or (
        now - last >= timedelta(seconds=ctx.config.inventory_full_every_s))
