"""Picking up shipments from QBC: fulfillments read incrementally, recorded once per package.

One read per run: the fulfilled fulfillments updated since the cursor, 250 a page with their
lines, newest first (`QbcClient.iter_fulfillments`: nothing is skipped when one changes while
the pages are read; at worst it is read twice, and packages are unique per fulfillment id).
The cursor (`workflows.fulfillment_cursor`: the newest `updated_at` QBC showed, its own clock)
moves in the transaction that stores the last page; each read starts
`fulfillment_overlap_minutes` before it. The first read starts a
day before the oldest order the hub delivered. A run reads nothing when no order waits at the
warehouse or is held for a tracking number or carrier QBC may still fill in (with
`ship_confirm_when` = `first_package` every run reads, so later packages are recorded too).

Fulfillments are matched to orders by the QBC order id kept at delivery; those of orders the
hub does not know (other sales channels) are counted and ignored. Each package lands in the
order's canonical `shipments` too, and an order at the warehouse moves to `shipped` when fully
shipped (or at its first package, per `ship_confirm_when`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from orderbridge.connectors.qbc.errors import SYSTEM
from orderbridge.connectors.qbc.fulfillments import Package
from orderbridge.connectors.qbc.payload import line_numbers_by_variant
from orderbridge.errors import RemoteError
from orderbridge.model import HoldReason, OrderStatus, Shipment, ShippedItem
from orderbridge.store import orders
from orderbridge.store.shipments import PackageRecord, packages_of, record_package
from orderbridge.store.tables import Order, ShippedPackage
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.fulfillment_cursor import move_cursor, read_cursor
from orderbridge.workflows.shipments.ship_policy import fully_shipped
from orderbridge.workflows.shipments.verbs import mark_shipped, package_recorded
from orderbridge.workflows.stop import StopToken, stopped

FIRST_READ_MARGIN = timedelta(days=1)
WAITS_FOR_QBC = (HoldReason.MISSING_TRACKING, HoldReason.UNMAPPED_CARRIER)
"""Holds a change of the fulfillment in QBC can lift (a tracking number or carrier added)."""


class Counts(Protocol):
    """Where the counts of this phase go (the job's result)."""

    fulfillments: int
    packages: int
    updated: int
    unknown: int
    shipped: int


@dataclass(frozen=True)
class _Window:
    since: datetime
    cursor: datetime | None


def collect_fulfillments(ctx: IntegrationContext, result: Counts,
                         stop: StopToken | None = None) -> None:
    """Read new and changed fulfillments and record them; move shipped orders on."""
    window = _window(ctx)
    if window is None:
        return
    newest = window.cursor
    for page in ctx.qbc.iter_fulfillments(updated_since=window.since):
        packages = with_lines(ctx, page.records)
        for package in packages:
            updated = package.updated
            if updated is not None and (newest is None or updated > newest):
                newest = updated
        halted = stopped(stop)
        with ctx.store.begin() as session:
            store_packages(ctx, session, packages, result)
            if page.last and not halted and newest is not None:
                move_cursor(session, ctx.integration_id, newest)
        if halted:
            return


def with_lines(ctx: IntegrationContext, packages: list[Package]) -> list[Package]:
    """The packages, each with its lines: those the index gave only as ids are read, one call
    for the page. A package whose lines still cannot be had stops the read with an error (the
    cursor stays, so the next run reads it again): a shipped order is never left silently
    unconfirmed."""
    missing = [p.fulfillment_id for p in packages if p.lines_missing and p.status == "fulfilled"]
    if not missing:
        return packages
    lines = ctx.qbc.fulfillment_lines(missing)
    unknown = [fid for fid in missing if not lines.get(fid)]
    if unknown:
        raise RemoteError(SYSTEM, f"fulfillment(s) {', '.join(unknown)} list "
                          "line items that QBC does not return; their orders cannot be "
                          "confirmed to Houzz until it does (this read is tried again)")
    return [replace(p, lines=lines[p.fulfillment_id]) if p.fulfillment_id in lines else p
            for p in packages]


def _window(ctx: IntegrationContext) -> _Window | None:
    """Where this read starts, or `None` when no order waits at the warehouse."""
    iid = ctx.integration_id
    with ctx.store.session() as session:
        held = Order.status == OrderStatus.HELD
        waits: ColumnElement[bool] = (
            (Order.status == OrderStatus.AT_WMS)
            | (held & (Order.held_from_status == OrderStatus.AT_WMS))
            | (held & Order.hold_reason_code.in_(WAITS_FOR_QBC)))
        if ctx.config.ship_confirm_when == "first_package":  # later packages are recorded too
            waits = Order.warehouse_order_id.is_not(None)
        waiting = session.scalar(select(func.count()).select_from(Order).where(
            Order.integration_id == iid, waits))
        if not waiting:
            return None
        cursor = read_cursor(session, iid)
        if cursor is not None:
            overlap = timedelta(minutes=ctx.config.fulfillment_overlap_minutes)
            return _Window(cursor - overlap, cursor)
        first = session.scalar(select(func.min(Order.created_at)).where(
            Order.integration_id == iid, Order.warehouse_order_id.is_not(None)))
    return _Window((first or ctx.clock.now()) - FIRST_READ_MARGIN, None)


def store_packages(ctx: IntegrationContext, session: Session, packages: list[Package],
                   result: Counts) -> None:
    """Record one page of packages, in the caller's transaction."""
    now = ctx.clock.now()
    fulfilled = [p for p in packages if p.status == "fulfilled"]
    result.fulfillments += len(fulfilled)
    wanted = {p.warehouse_order_id for p in fulfilled}
    known = {order.warehouse_order_id: order for order in session.scalars(select(Order).where(
        Order.integration_id == ctx.integration_id, Order.warehouse_order_id.in_(wanted)))
    } if wanted else {}
    touched: dict[int, Order] = {}
    for package in fulfilled:
        order = known.get(package.warehouse_order_id)
        if order is None:
            result.unknown += 1
            continue
        outcome = record_package(session, ctx.integration_id, order.id, _record(package), at=now)
        if outcome == "same":
            continue
        if outcome == "new":
            result.packages += 1
        else:
            result.updated += 1
        package_recorded(session, order, package, updated=outcome == "changed", at=now)
        touched[order.id] = order
    for order in touched.values():
        rows = packages_of(session, order.id)
        _mirror(order, rows)
        if order.status is not OrderStatus.AT_WMS:
            continue
        fully = fully_shipped(order.warehouse_payload, rows)
        if fully or ctx.config.ship_confirm_when == "first_package":
            mark_shipped(session, order, packages=len(rows), fully=fully, at=now)
            result.shipped += 1


def _record(package: Package) -> PackageRecord:
    return PackageRecord(
        fulfillment_id=package.fulfillment_id, warehouse_order_id=package.warehouse_order_id,
        carrier=package.carrier, service=package.service,
        tracking_number=package.tracking_number, tracking_url=package.tracking_url,
        shipped_at=package.shipped_at, lines=package.lines_json(),
        remote_updated_at=package.updated_at)


def _mirror(order: Order, rows: list[ShippedPackage]) -> None:
    """The order's canonical `shipments` = its packages."""
    canonical = orders.load_canonical(order)
    if canonical is None:
        return
    line_of = line_numbers_by_variant(order.warehouse_payload)
    shipments = []
    for row in rows:
        items = []
        for line in row.lines:
            variant = line.get("variant_id")
            quantity = Decimal(str(line.get("quantity") or 0))
            if variant is not None and int(variant) in line_of and quantity > 0:
                items.append(ShippedItem(line_no=line_of[int(variant)], quantity=quantity))
        shipments.append(Shipment(carrier=row.carrier, method=row.service,
                                  tracking_no=row.tracking_number, tracking_url=row.tracking_url,
                                  shipped_at=row.shipped_at, items=tuple(items)))
    orders.store_canonical(order, canonical.model_copy(update={"shipments": tuple(shipments)}))
