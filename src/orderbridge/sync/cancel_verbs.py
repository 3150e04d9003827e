"""The domain verbs of cancellations: each moves one order one step, in the caller's transaction.

Like `sync.verbs`: every verb changes the order through `store.orders.change_status` (which
checks the lifecycle) or appends its timeline event itself, and records what must happen next in
`cancel_state` / `delivery_state`. The outbound effects (the QBC void, the Houzz cancel) use
`delivery_state` exactly as delivery does: in flight is committed before the call.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.model import DeliveryState, Hold, HoldReason, OrderStatus
from orderbridge.model.cancel import CancelState
from orderbridge.store import orders
from orderbridge.store.tables import Order, OrderEvent
from orderbridge.store.timeline import append_event

CANCELED_STATUSES = frozenset({"canceled", "cancelled"})


def find_locked(session: Session, order_id: int) -> Order | None:
    """The order re-read from the database, its row locked until the transaction ends
    (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite has one writer at a time anyway), so a
    sweep and a delivery on another worker decide about the same order one after the other."""
    return session.get(Order, order_id, with_for_update=True, populate_existing=True)


def lock_order(session: Session, order_id: int) -> Order:
    """`find_locked` for an order that must exist."""
    order = find_locked(session, order_id)
    assert order is not None, f"order {order_id} vanished"
    return order


def is_canceled_status(channel_status: str | None) -> bool:
    """Whether a Houzz status means canceled (both spellings, any case)."""
    return (channel_status or "").strip().lower() in CANCELED_STATUSES


class CancelFields(Protocol):
    """What `cancel_pending` reads: an `Order`, or a row read for delivery."""

    @property
    def cancel_state(self) -> CancelState | None: ...

    @property
    def channel_status(self) -> str | None: ...


def cancel_pending(order: CancelFields) -> bool:
    """Whether the buyer canceled this order and the hub has not carried it out yet: such an
    order must never be sent to QBC."""
    return order.cancel_state is CancelState.REQUESTED or (
        order.cancel_state is None and is_canceled_status(order.channel_status))


def note_canceled_on_channel(session: Session, order: Order, channel_status: str, *,
                             at: datetime) -> None:
    """The sweep saw the order canceled on Houzz: remember the request (acted on next)."""
    order.channel_status = channel_status
    if order.cancel_state is not None:
        return
    order.cancel_state = CancelState.REQUESTED
    order.cancel_requested_at = at
    append_event(session, order.id, kind="canceled_on_channel",
                 message=f"Canceled on Houzz (status {channel_status}) while {order.status.value}",
                 data={"channel_status": channel_status, "hub_status": order.status.value},
                 at=at)


def cancel_before_delivery(session: Session, order: Order, *, at: datetime) -> None:
    """Canceled on Houzz before it reached QBC: canceled here, never delivered."""
    order.cancel_state = CancelState.DONE
    order.cancel_requested_at = order.cancel_requested_at or at
    order.next_attempt_at = None
    orders.change_status(session, order, OrderStatus.CANCELED, kind="canceled",
                         message="Canceled on Houzz before delivery; never sent to "
                                 "QuickBooks Commerce", at=at)


def start_void(session: Session, order: Order, key: str, *, at: datetime) -> None:
    """Committed *before* `POST /orders/{id}/actions/void`."""
    if order.delivery_state is not DeliveryState.IN_FLIGHT:
        order.delivery_attempts = 0  # from here on: attempts of the void
    order.delivery_state = DeliveryState.IN_FLIGHT
    order.delivery_attempts += 1
    order.next_attempt_at = None
    append_event(session, order.id, kind="voiding",
                 message=f"Voiding order {order.warehouse_order_id} in QuickBooks Commerce "
                         f"(attempt {order.delivery_attempts})",
                 data={"idempotency_key": key, "warehouse_order_id": order.warehouse_order_id},
                 at=at)


def mark_voided(session: Session, order: Order, qbc_order: dict[str, Any], *, at: datetime,
                found_by_lookup: bool = False) -> None:
    """QBC says the order is void: canceled here too."""
    order.delivery_state = DeliveryState.DONE
    order.cancel_state = CancelState.DONE
    order.next_attempt_at = None
    order.last_error = None
    how = ("Found void in QuickBooks Commerce after an interrupted void" if found_by_lookup
           else "Voided in QuickBooks Commerce")
    orders.change_status(session, order, OrderStatus.CANCELED, kind="voided",
                         message=f"{how}: order {qbc_order.get('order_number')} "
                                 f"(id {order.warehouse_order_id}), canceled on Houzz",
                         data={"warehouse_order_id": order.warehouse_order_id,
                               "order_number": qbc_order.get("order_number")}, at=at)


def canceled_after_ship(session: Session, order: Order, message: str, *,
                        at: datetime) -> None:
    """Canceled on Houzz after the warehouse shipped it: no void; the status stays."""
    if order.delivery_state is DeliveryState.IN_FLIGHT:
        order.delivery_state = DeliveryState.DONE  # the void was refused: nothing changed
    order.cancel_state = CancelState.AFTER_SHIP
    order.next_attempt_at = None
    append_event(session, order.id, kind="canceled_after_ship", message=message,
                 data={"warehouse_order_id": order.warehouse_order_id}, at=at)


def hold_void_refused(session: Session, order: Order, message: str, *, at: datetime) -> None:
    """QBC refused the void: the QBC order stands; a person decides. Released, it is voided
    again by the next sweep (the cancellation stays requested)."""
    order.delivery_state = DeliveryState.DONE
    order.last_error = message
    order.next_attempt_at = None
    orders.change_status(session, order, OrderStatus.HELD, kind="held",
                         message=f"Held: canceled on Houzz, but {message}",
                         hold=Hold(code=HoldReason.REJECTED_BY_WAREHOUSE, message=message), at=at)


def note_voided_in_qbc(session: Session, order: Order, qbc_order: dict[str, Any], *,
                       at: datetime) -> None:
    """The merchant voided the order in QBC first: cancel it on Houzz next (reverse path)."""
    order.cancel_state = CancelState.VOIDED_IN_QBC
    order.cancel_requested_at = at
    append_event(session, order.id, kind="voided_in_qbc",
                 message=f"Voided in QuickBooks Commerce (order {qbc_order.get('order_number')})"
                         "; canceling it on Houzz",
                 data={"warehouse_order_id": order.warehouse_order_id}, at=at)


def start_channel_cancel(session: Session, order: Order, *, at: datetime) -> None:
    """Committed *before* Houzz `updateOrder` Action Cancel."""
    if order.delivery_state is not DeliveryState.IN_FLIGHT:
        order.delivery_attempts = 0
    order.delivery_state = DeliveryState.IN_FLIGHT
    order.delivery_attempts += 1
    order.next_attempt_at = None
    append_event(session, order.id, kind="canceling_on_channel",
                 message=f"Canceling on Houzz (attempt {order.delivery_attempts})", at=at)


def mark_canceled_on_channel(session: Session, order: Order, *, at: datetime,
                             already: bool = False) -> None:
    order.delivery_state = DeliveryState.DONE
    order.cancel_state = CancelState.DONE
    order.next_attempt_at = None
    order.last_error = None
    message = ("Houzz already had it canceled" if already else "Canceled on Houzz")
    orders.change_status(session, order, OrderStatus.CANCELED, kind="canceled_on_houzz",
                         message=f"{message} after the void in QuickBooks Commerce", at=at)


def hold_channel_cancel_refused(session: Session, order: Order, message: str, *,
                                at: datetime) -> None:
    """Houzz refused to cancel an order voided in QBC: a person decides."""
    order.delivery_state = DeliveryState.DONE
    order.last_error = message
    orders.change_status(session, order, OrderStatus.HELD, kind="held",
                         message=f"Held: voided in QuickBooks Commerce, but {message}",
                         hold=Hold(code=HoldReason.REJECTED_BY_CHANNEL, message=message), at=at)


def warehouse_order_number(session: Session, order: Order) -> str | None:
    """The QBC order number recorded when the order was delivered (for messages)."""
    events = session.scalars(select(OrderEvent).where(
        OrderEvent.order_id == order.id, OrderEvent.kind == "delivered")
        .order_by(OrderEvent.id.desc()).limit(1))
    for event in events:
        number = (event.data or {}).get("order_number")
        return None if number is None else str(number)
    return None
