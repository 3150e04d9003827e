"""Stock in the demo: the warehouse counts shelves in QBC, and the hub pushes what changed.

Now and then a stocktake or a delivery from a supplier changes a few SKUs' stock on hand
through the QBC sandbox's control API (`POST /_sandbox/stock`), as the warehouse team would in
QuickBooks Commerce. The hub's `inventory` job then pushes only those SKUs to Houzz, which the
feed shows as "stock pushed: N SKUs changed".
"""

from __future__ import annotations

import random

import httpx

from orderbridge.cli.demo.feed import EventFeed
from orderbridge.cli.demo.world import DemoWorld
from orderbridge.runtime.jobs import JobOutcome

INVENTORY_JOB = "inventory"


def stock_wave(world: DemoWorld, feed: EventFeed, qbc: httpx.Client, rng: random.Random,
               count: int) -> int:
    """Set a new stock on hand for `count` random SKUs; how many changed.

    `qbc` is a client on the QBC sandbox's control API (`.../_sandbox`)."""
    changed = 0
    for sku in rng.sample(world.catalog_skus, min(count, len(world.catalog_skus))):
        on_hand = rng.choice((0, 2, 5, 12, 25, 40))
        response = qbc.post("/stock", json={"sku": sku, "stock_on_hand": on_hand})
        if response.status_code != 200:
            continue
        changed += 1
        feed.add("warehouse", f"stocktake: {sku} now {on_hand} on hand in QBC", "warehouse")
    return changed


def note_stock_pushes(feed: EventFeed, outcomes: list[JobOutcome]) -> None:
    """A feed line for every inventory run that pushed something."""
    for outcome in outcomes:
        if outcome.job != INVENTORY_JOB or outcome.error or outcome.skipped:
            continue
        pushed = int(outcome.counts.get("pushed") or 0)
        if pushed:
            feed.add("hub", f"stock pushed: {pushed} SKU{'s' * (pushed != 1)} changed",
                     "stock")
