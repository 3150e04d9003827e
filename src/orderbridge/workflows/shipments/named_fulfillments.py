"""Fulfillments a QBC webhook named (``fulfillment.create``, ``fulfillment.fulfilled``): read
by id, with their lines, and recorded through the same code as the polling read
(`fulfillments.store_packages`), so a package is recorded once whichever way it came.

One call per 250 fulfillments named. A packed fulfillment is not shipped yet: its
``fulfillment.fulfilled`` delivery (or the polling read) records it when it leaves.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from orderbridge.errors import RemoteError
from orderbridge.store.tables import Order
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.qbc_webhooks import inbox
from orderbridge.workflows.shipments.fulfillments import Counts, store_packages, with_lines

log = logging.getLogger(__name__)
JOB = "shipments"


def collect_named_fulfillments(ctx: IntegrationContext, result: Counts) -> int:
    """Work off the pending fulfillment deliveries; how many were settled."""
    taken = inbox.take(ctx, JOB)
    if not taken:
        return 0
    try:
        packages = with_lines(ctx, [package for page in ctx.qbc.fulfillments_by_id(
            taken.record_ids) for package in page.records])
    except RemoteError as exc:
        log.warning("%s: reading the fulfillments QBC's webhooks named failed (%s); tried "
                    "again at the next run", ctx.name, exc.message)
        inbox.failed(ctx, taken, exc)
        return 0
    orders = {package.warehouse_order_id for package in packages}
    with ctx.store.begin() as session:
        known = set(session.scalars(select(Order.warehouse_order_id).where(
            Order.integration_id == ctx.integration_id,
            Order.warehouse_order_id.in_(orders)))) if orders else set()
        store_packages(ctx, session, packages, result)
    outcomes = {int(package.fulfillment_id): _outcome(package.status,
                                                      package.warehouse_order_id in known)
                for package in packages if package.fulfillment_id.isdigit()}
    missing = set(taken.deliveries) - set(outcomes)
    if missing:
        log.warning("%s: QBC's webhooks named fulfillment(s) %s, which QBC does not return",
                    ctx.name, ", ".join(map(str, sorted(missing))))
    inbox.settle(ctx, taken, outcomes, missing="QBC has no such fulfillment (ignored)")
    return sum(len(ids) for ids in taken.deliveries.values())


def _outcome(status: str, known: bool) -> str:
    if not known:
        return "not an order the hub delivered (ignored)"
    if status != "fulfilled":
        return f"{status}, not shipped yet: recorded when it ships"
    return "package recorded"
