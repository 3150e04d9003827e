"""The verbs of cancellations: each moves one order one step, in the caller's transaction.

Every verb changes the status through `store.orders.change_status` (which checks the
lifecycle) or writes its timeline entry itself, and records what happens next in
`cancel_state`. The outbound calls that carry a cancellation out (the QBC void, the Houzz
cancel) follow the outbound protocol (`workflows._outbound`): in flight before the call.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.connectors.qbc.records import QbcOrder
from orderbridge.model import Hold, HoldReason, OrderStatus, OutboundEffect, OutboundState
from orderbridge.model.cancel import CancelState
from orderbridge.store import orders
from orderbridge.store.tables import Order, OrderEvent
from orderbridge.store.timeline import append_event
from orderbridge.workflows import _outbound
from orderbridge.workflows.holds import hold


def void_key(warehouse_order_id: str) -> str:
    """The `Idempotency-Key` of the void of one QBC order (the same on every attempt)."""
    return f"orderbridge-void-{warehouse_order_id}"


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


def start_void(session: Session, order: Order, *, at: datetime) -> None:
    """Committed *before* the void is sent to QBC."""
    wid = order.warehouse_order_id
    _outbound.begin(session, order, OutboundEffect.VOID, at=at, kind="voiding",
                    message=f"Voiding order {wid} in QuickBooks Commerce (attempt {{attempt}})",
                    data={"idempotency_key": void_key(wid or ""), "warehouse_order_id": wid})


def mark_voided(session: Session, order: Order, qbc_order: QbcOrder | None, *, at: datetime,
                found_by_lookup: bool = False) -> None:
    """QBC says the order is void: canceled here too."""
    _outbound.succeeded(order)
    order.cancel_state = CancelState.DONE
    number = None if qbc_order is None else qbc_order.order_number
    how = ("Found void in QuickBooks Commerce after an interrupted void" if found_by_lookup
           else "Voided in QuickBooks Commerce")
    orders.change_status(session, order, OrderStatus.CANCELED, kind="voided",
                         message=f"{how}: order {number} (id {order.warehouse_order_id}), "
                                 "canceled on Houzz",
                         data={"warehouse_order_id": order.warehouse_order_id,
                               "order_number": number}, at=at)


def canceled_after_ship(session: Session, order: Order, message: str, *,
                        at: datetime) -> None:
    """Canceled on Houzz after the warehouse shipped it: no void; the status stays."""
    if _outbound.in_flight(order, OutboundEffect.VOID):
        order.outbound_state = OutboundState.DONE  # the void was refused: nothing changed
    order.cancel_state = CancelState.AFTER_SHIP
    order.next_attempt_at = None
    append_event(session, order.id, kind="canceled_after_ship", message=message,
                 data={"warehouse_order_id": order.warehouse_order_id}, at=at)


def hold_void_refused(session: Session, order: Order, message: str, *, at: datetime) -> None:
    """QBC refused the void: the QBC order stands; a person decides. Released, it is voided
    again by the next run (the cancellation stays requested)."""
    _outbound.refused(order, message)
    hold(session, order, Hold(code=HoldReason.REJECTED_BY_WAREHOUSE, message=message), at=at,
         prefix="Held: canceled on Houzz, but")


def note_voided_in_qbc(session: Session, order: Order, qbc_order: QbcOrder, *,
                       at: datetime) -> None:
    """The merchant voided the order in QBC first: cancel it on Houzz next (reverse path)."""
    order.cancel_state = CancelState.VOIDED_IN_QBC
    order.cancel_requested_at = at
    append_event(session, order.id, kind="voided_in_qbc",
                 message=f"Voided in QuickBooks Commerce (order {qbc_order.order_number})"
                         "; canceling it on Houzz",
                 data={"warehouse_order_id": order.warehouse_order_id}, at=at)


def start_channel_cancel(session: Session, order: Order, *, at: datetime) -> None:
    """Committed *before* Houzz `updateOrder` Action Cancel."""
    _outbound.begin(session, order, OutboundEffect.CHANNEL_CANCEL, at=at,
                    kind="canceling_on_channel", message="Canceling on Houzz (attempt {attempt})")


def mark_canceled_on_channel(session: Session, order: Order, *, at: datetime,
                             already: bool = False) -> None:
    _outbound.succeeded(order)
    order.cancel_state = CancelState.DONE
    message = ("Houzz already had it canceled" if already else "Canceled on Houzz")
    orders.change_status(session, order, OrderStatus.CANCELED, kind="canceled_on_houzz",
                         message=f"{message} after the void in QuickBooks Commerce", at=at)


def hold_channel_cancel_refused(session: Session, order: Order, message: str, *,
                                at: datetime) -> None:
    """Houzz refused to cancel an order voided in QBC: a person decides."""
    _outbound.refused(order, message)
    hold(session, order, Hold(code=HoldReason.REJECTED_BY_CHANNEL, message=message), at=at,
         prefix="Held: voided in QuickBooks Commerce, but")


def warehouse_order_number(session: Session, order: Order) -> str | None:
    """The QBC order number recorded when the order was delivered (for messages)."""
    number = session.scalars(select(OrderEvent.data).where(
        OrderEvent.order_id == order.id, OrderEvent.kind == "delivered")
        .order_by(OrderEvent.id.desc()).limit(1)).first()
    found = (number or {}).get("order_number")
    return None if found is None else str(found)
