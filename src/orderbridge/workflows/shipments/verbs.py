"""The verbs of the tracking workflow: each moves one order one step, in the caller's
transaction, and writes the timeline.

The confirmation to Houzz follows the outbound protocol (`workflows._outbound`):
`start_confirmation` commits it in flight *before* the `updateOrder` call, with the exact
request kept (`outbound_request`) so that a retry after a crash sends the same, and
`mark_confirmed` ends it done.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from orderbridge.connectors.qbc.fulfillments import Package
from orderbridge.model import Hold, OrderStatus, OutboundEffect
from orderbridge.store import orders
from orderbridge.store.tables import Order
from orderbridge.store.timeline import append_event
from orderbridge.workflows import _outbound
from orderbridge.workflows.holds import hold
from orderbridge.workflows.shipments.ship_policy import ShipRequest


def package_recorded(session: Session, order: Order, package: Package, *, updated: bool,
                     at: datetime) -> None:
    """A package of the order shipped in QBC (or its tracking changed)."""
    units = sum((line.quantity for line in package.lines), Decimal(0))
    carrier = package.carrier or "no carrier"
    if package.service:
        carrier += f" ({package.service})"
    tracking = package.tracking_number or "no tracking number"
    what = "Package updated in QuickBooks Commerce" if updated else "Package shipped"
    append_event(session, order.id, kind="package_updated" if updated else "package",
                 message=f"{what}: {carrier}, {tracking}, {units.normalize()} unit(s) "
                         f"(fulfillment {package.fulfillment_id})",
                 data={"fulfillment_id": package.fulfillment_id, "carrier": package.carrier,
                       "tracking_number": package.tracking_number}, at=at)


def mark_shipped(session: Session, order: Order, *, packages: int, fully: bool,
                 at: datetime) -> None:
    """The warehouse shipped the order (all of it, or a first package under that policy)."""
    order.next_attempt_at = None
    order.last_error = None
    how = "Fully shipped" if fully else "First package shipped"
    orders.change_status(session, order, OrderStatus.SHIPPED, kind="shipped",
                         message=f"{how} in QuickBooks Commerce ({packages} package(s)); "
                                 "tracking goes to Houzz next",
                         data={"packages": packages, "fully_shipped": fully}, at=at)


def start_confirmation(session: Session, order: Order, request: ShipRequest, *,
                       at: datetime) -> None:
    """Committed *before* `updateOrder` Ship: from now on the outcome is unknown until known."""
    order.outbound_request = request.as_data()
    _outbound.begin(session, order, OutboundEffect.SHIPMENT_CONFIRMATION, at=at,
                    kind="confirming", data={"request": request.as_data()},
                    message=f"Sending tracking to Houzz: {request.describe()} "
                            "(attempt {attempt})")


def request_in_flight(order: Order) -> ShipRequest | None:
    """The request of the confirmation in flight, if one is (sent again after a crash)."""
    if not _outbound.in_flight(order, OutboundEffect.SHIPMENT_CONFIRMATION):
        return None
    return ShipRequest.from_data(order.outbound_request) if order.outbound_request else None


def mark_confirmed(session: Session, order: Order, request: ShipRequest, *, at: datetime,
                   recovered: bool = False) -> None:
    """Houzz has the tracking; the order is done."""
    _outbound.succeeded(order)
    order.outbound_request = None
    how = ("Houzz already had it shipped: the interrupted attempt reached it; confirmed"
           if recovered else "Confirmed to Houzz")
    message = f"{how} with {request.describe()}"
    if request.other_carriers:
        message += (f" (packages also went with {', '.join(request.other_carriers)}; Houzz "
                    "takes one carrier per order)")
    orders.change_status(session, order, OrderStatus.CONFIRMED, kind="confirmed",
                         message=message, data={**request.as_data(), "recovered": recovered},
                         at=at)


def hold_shipment(session: Session, order: Order, reason: Hold, *, at: datetime,
                  refused: bool = False) -> None:
    """A shipped order needs a person before (or after) Houzz is told; `refused` means Houzz
    answered no, so nothing is in flight."""
    if refused:
        _outbound.refused(order, reason.message)
    hold(session, order, reason, at=at)
