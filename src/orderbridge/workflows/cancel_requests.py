"""A cancellation asked on Houzz, as every workflow must honour it.

The buyer cancels on Houzz; the sweep notes it (``cancel_state = requested``). Until the hub has
carried it out, no workflow may send the order to QBC: delivery re-checks ``cancel_pending`` in
the very transaction that would commit an attempt, and cancels the order instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from orderbridge.model import OrderStatus
from orderbridge.model.cancel import CancelState
from orderbridge.store import orders
from orderbridge.store.tables import Order

CANCELED_STATUSES = frozenset({"canceled", "cancelled"})


def is_canceled_status(channel_status: str | None) -> bool:
    """Whether a Houzz status means canceled (both spellings, any case)."""
    return (channel_status or "").strip().lower() in CANCELED_STATUSES


class CancelFields(Protocol):
    """What `cancel_pending` reads of an order."""

    @property
    def cancel_state(self) -> CancelState | None: ...

    @property
    def channel_status(self) -> str | None: ...


def cancel_pending(order: CancelFields) -> bool:
    """Whether the buyer canceled this order and the hub has not carried it out yet: such an
    order must never be sent to QBC."""
    return order.cancel_state is CancelState.REQUESTED or (
        order.cancel_state is None and is_canceled_status(order.channel_status))


ON_HOUZZ = "Canceled on Houzz before delivery; never sent to QuickBooks Commerce"


def cancel_before_delivery(session: Session, order: Order, *, at: datetime,
                           message: str = ON_HOUZZ) -> None:
    """Canceled before it reached QBC (on Houzz, or by hand): canceled here, never
    delivered; ``message`` says who canceled it on the timeline."""
    order.cancel_state = CancelState.DONE
    order.cancel_requested_at = order.cancel_requested_at or at
    order.next_attempt_at = None
    orders.change_status(session, order, OrderStatus.CANCELED, kind="canceled",
                         message=message, at=at)
