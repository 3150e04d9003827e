"""The domain verbs of the tracking workflow: each moves one order one step, in the caller's
transaction, and writes the timeline (see `sync.verbs` for the order-flow verbs).

The confirmation to Houzz reuses the order's `delivery_state` for its own outbound effect:
`mark_shipped` resets it to idle, `start_confirmation` commits in flight *before* the
`updateOrder` call (with the exact request, kept on the timeline for a retry), and
`mark_confirmed` ends it done.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.connectors.qbc.fulfillments import Package
from orderbridge.model import DeliveryState, Hold, OrderStatus
from orderbridge.store import orders
from orderbridge.store.tables import Order, OrderEvent
from orderbridge.store.timeline import append_event
from orderbridge.sync.ship_policy import ShipRequest

CONFIRMING = "confirming"


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
    order.delivery_state = DeliveryState.IDLE
    order.delivery_attempts = 0
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
    order.delivery_state = DeliveryState.IN_FLIGHT
    order.delivery_attempts += 1
    order.next_attempt_at = None
    append_event(session, order.id, kind=CONFIRMING,
                 message=f"Sending tracking to Houzz: {request.describe()} "
                         f"(attempt {order.delivery_attempts})",
                 data={"request": request.as_data()}, at=at)


def request_in_flight(session: Session, order: Order) -> ShipRequest | None:
    """The request of the order's last confirmation attempt (kept by `start_confirmation`)."""
    event = session.scalars(select(OrderEvent).where(
        OrderEvent.order_id == order.id, OrderEvent.kind == CONFIRMING)
        .order_by(OrderEvent.id.desc()).limit(1)).one_or_none()
    if event is None or not (event.data or {}).get("request"):
        return None
    return ShipRequest.from_data(event.data["request"])  # type: ignore[index]


def mark_confirmed(session: Session, order: Order, request: ShipRequest, *, at: datetime,
                   recovered: bool = False) -> None:
    """Houzz has the tracking; the order is done."""
    order.delivery_state = DeliveryState.DONE
    order.next_attempt_at = None
    order.last_error = None
    how = ("Houzz already had it shipped: the interrupted attempt reached it; confirmed"
           if recovered else "Confirmed to Houzz")
    message = f"{how} with {request.describe()}"
    if request.other_carriers:
        message += (f" (packages also went with {', '.join(request.other_carriers)}; Houzz "
                    "takes one carrier per order)")
    orders.change_status(session, order, OrderStatus.CONFIRMED, kind="confirmed",
                         message=message, data={**request.as_data(), "recovered": recovered},
                         at=at)


def hold_shipment(session: Session, order: Order, hold: Hold, *, at: datetime,
                  refused: bool = False) -> None:
    """A shipped order needs a person before (or after) Houzz is told; `refused` means Houzz
    answered no, so nothing is in flight."""
    if refused:
        order.delivery_state = DeliveryState.IDLE
    order.last_error = hold.message if refused else order.last_error
    orders.change_status(session, order, OrderStatus.HELD, kind="held",
                         message=f"Held: {hold.message}", hold=hold, at=at)
