"""The `shipments` job: tracking flows back from QBC to Houzz (CartRover's "Shipping
Confirmations" and "Shipment Upload").

Two phases per run: pick up fulfillments from QBC and record each package once — those QBC's
webhooks named (`named_fulfillments`, read by id), then the polling read (`fulfillments`: one
call per 250 fulfillments, no per-order calls; skipped by a run a webhook started,
``JobOptions.webhooks_only``) — then confirm every shipped order to Houzz exactly once
(`confirmation`: one `updateOrder` per order, many at once). Deliveries that arrive while a
run goes are worked off by that run before it ends, so none waits for the next poll.
"""

from __future__ import annotations

from dataclasses import dataclass

from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.options import JobOptions
from orderbridge.workflows.qbc_webhooks import inbox
from orderbridge.workflows.shipments.confirmation import confirm_shipped
from orderbridge.workflows.shipments.fulfillments import collect_fulfillments
from orderbridge.workflows.shipments.named_fulfillments import JOB, collect_named_fulfillments
from orderbridge.workflows.stop import StopToken, stopped

ROUNDS = 5
"""Times a run looks again for deliveries that arrived while it ran, before it ends."""


@dataclass
class ShipmentsResult:
    fulfillments: int = 0
    """Fulfilled fulfillments read from QBC (re-reads of the overlap included)."""
    packages: int = 0
    """New packages recorded."""
    updated: int = 0
    """Packages whose tracking changed in QBC since they were recorded."""
    unknown: int = 0
    """Fulfillments of QBC orders the hub did not deliver (ignored)."""
    shipped: int = 0
    confirmed: int = 0
    recovered: int = 0
    """In-flight confirmations that Houzz turned out to have already."""
    held: int = 0
    released: int = 0
    retrying: int = 0
    webhooks: int = 0
    """QBC webhook deliveries worked off."""


def shipments(ctx: IntegrationContext, stop: StopToken | None = None,
              options: JobOptions | None = None) -> ShipmentsResult:
    """One run: read what shipped, then tell Houzz."""
    options = options or JobOptions()
    result = ShipmentsResult()
    result.webhooks += collect_named_fulfillments(ctx, result)
    if not options.webhooks_only:
        collect_fulfillments(ctx, result, stop)
    if not stopped(stop):
        confirm_shipped(ctx, result, stop)
    for _ in range(ROUNDS):
        if stopped(stop) or not inbox.pending(ctx, JOB):
            break
        result.webhooks += collect_named_fulfillments(ctx, result)
        confirm_shipped(ctx, result, stop)
    return result
