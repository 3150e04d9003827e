"""Packages (QBC fulfillments) of the hub's orders, each recorded once.

``record_package`` is idempotent on (integration, fulfillment id): reading the same fulfillment
again changes nothing, and a later change in QBC (a tracking number added) updates the row and
says so, so the caller can write it on the order's timeline. No function here commits.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.store._upsert import insert_or_ignore
from orderbridge.store.tables import ShippedPackage

Recorded = Literal["new", "changed", "same"]


@dataclass(frozen=True)
class PackageRecord:
    """One package as the warehouse last described it."""

    fulfillment_id: str
    warehouse_order_id: str
    carrier: str | None
    service: str | None
    tracking_number: str | None
    tracking_url: str | None
    shipped_at: datetime | None
    lines: list[dict[str, Any]]
    """``{"variant_id", "sku", "quantity"}`` per line, quantities as decimal strings."""
    remote_updated_at: str | None
_TRACKED = ("carrier", "service", "tracking_number", "tracking_url", "shipped_at")


def record_package(session: Session, integration_id: int, order_id: int,
                   package: PackageRecord, *, at: datetime) -> Recorded:
    """Store the package, or bring its stored row up to date; what happened."""
    values = {
        "carrier": package.carrier, "service": package.service,
        "tracking_number": package.tracking_number, "tracking_url": package.tracking_url,
        "shipped_at": package.shipped_at, "lines": package.lines,
        "remote_updated_at": package.remote_updated_at,
    }
    created = insert_or_ignore(session, ShippedPackage, {
        "integration_id": integration_id, "order_id": order_id,
        "fulfillment_id": package.fulfillment_id,
        "warehouse_order_id": package.warehouse_order_id, **values,
        "recorded_at": at, "updated_at": at,
    }, conflict_on=["integration_id", "fulfillment_id"])
    if created:
        return "new"
    row = session.scalars(select(ShippedPackage).where(
        ShippedPackage.integration_id == integration_id,
        ShippedPackage.fulfillment_id == package.fulfillment_id)).one()
    changed = any(getattr(row, name) != values[name] for name in _TRACKED) or (
        row.lines != values["lines"])
    if not changed:
        return "same"
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = at
    session.flush()
    return "changed"


def packages_of(session: Session, order_id: int) -> list[ShippedPackage]:
    """The order's packages, first shipped first (ties and unknown dates: by fulfillment)."""
    rows = list(session.scalars(select(ShippedPackage).where(
        ShippedPackage.order_id == order_id).order_by(ShippedPackage.id)))
    return sorted(rows, key=_ship_order)


def packages_by_order(session: Session, order_ids: Collection[int]) -> dict[int, list[
        ShippedPackage]]:
    """The packages of several orders at once (same order as `packages_of`)."""
    found: dict[int, list[ShippedPackage]] = {order_id: [] for order_id in order_ids}
    if not order_ids:
        return found
    for row in session.scalars(select(ShippedPackage).where(
            ShippedPackage.order_id.in_(list(order_ids))).order_by(ShippedPackage.id)):
        found[row.order_id].append(row)
    return {order_id: sorted(rows, key=_ship_order) for order_id, rows in found.items()}


def _ship_order(row: ShippedPackage) -> tuple[bool, datetime | None, int]:
    fulfillment = int(row.fulfillment_id) if row.fulfillment_id.isdigit() else 0
    return (row.shipped_at is None, row.shipped_at, fulfillment)
