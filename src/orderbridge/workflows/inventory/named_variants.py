"""Variants a QBC ``variant.stock_level_update`` webhook named: read by id (250 a call, active
and archived) into the variant index, from which the stock push computes every level, as after
a polling read. Several deliveries naming one variant read it once.
"""

from __future__ import annotations

import logging
from typing import Protocol

from orderbridge.errors import RemoteError
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.orders.variant_index import store_variants
from orderbridge.workflows.qbc_webhooks import inbox

log = logging.getLogger(__name__)
JOB = "inventory"


class Counts(Protocol):
    pages: int
    seen: int
    unreadable: int


def read_named_variants(ctx: IntegrationContext, result: Counts) -> int:
    """Work off the pending stock deliveries; how many were settled."""
    taken = inbox.take(ctx, JOB)
    if not taken:
        return 0
    read: set[int] = set()
    try:
        for page in ctx.qbc.variants_by_id(taken.record_ids):
            result.pages += 1
            result.seen += len(page.records)
            result.unreadable += page.unreadable
            store_variants(ctx, page.records, None)
            read.update(variant.id for variant in page.records)
    except RemoteError as exc:
        log.warning("%s: reading the variants QBC's webhooks named failed (%s); tried again "
                    "at the next run", ctx.name, exc.message)
        inbox.failed(ctx, taken, exc)
        return 0
    missing = set(taken.deliveries) - read
    if missing:
        log.warning("%s: QBC's webhooks named variant(s) %s, which QBC does not return",
                    ctx.name, ", ".join(map(str, sorted(missing))))
    inbox.settle(ctx, taken, dict.fromkeys(read, "stock read"),
                 missing="QBC has no such variant (ignored)")
    return sum(len(ids) for ids in taken.deliveries.values())
