"""The `shipments` job: tracking flows back from QBC to Houzz (CartRover's "Shipping
Confirmations" and "Shipment Upload").

Two phases per run: pick up fulfillments from QBC and record each package once
(`fulfillments`: one call per 250 fulfillments, no per-order calls), then confirm every
shipped order to Houzz exactly once (`confirmation`: one `updateOrder` per order, many at
once).
"""

from __future__ import annotations

from dataclasses import dataclass

from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.options import JobOptions
from orderbridge.workflows.shipments.confirmation import confirm_shipped
from orderbridge.workflows.shipments.fulfillments import collect_fulfillments
from orderbridge.workflows.stop import StopToken, stopped


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


def shipments(ctx: IntegrationContext, stop: StopToken | None = None,
              options: JobOptions | None = None) -> ShipmentsResult:
    """One run: read what shipped, then tell Houzz."""
    result = ShipmentsResult()
    collect_fulfillments(ctx, result, stop)
    if not stopped(stop):
        confirm_shipped(ctx, result, stop)
    return result
