"""An order's timeline: what happened to it, when, and the remote ids involved.

The timeline is append-only; it is what ``orders show`` and the dashboard display. No function
here commits (``append_event`` flushes, so the event has its id).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.store.tables import OrderEvent
from orderbridge.store.tables.columns import utcnow


def append_event(
    session: Session,
    order_id: int,
    *,
    kind: str,
    message: str,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> OrderEvent:
    """Add an entry to the order's timeline.

    ``kind`` is a short machine name (``downloaded``, ``held``, ``delivered``...), ``message``
    the sentence a merchant reads, ``data`` the details worth keeping (remote ids, statuses).
    """
    event = OrderEvent(order_id=order_id, kind=kind, message=message, data=data, at=at or utcnow())
    session.add(event)
    session.flush()
    return event


def timeline(session: Session, order_id: int) -> list[OrderEvent]:
    """The order's events, oldest first (ties broken by insertion order)."""
    return list(
        session.scalars(
            select(OrderEvent)
            .where(OrderEvent.order_id == order_id)
            .order_by(OrderEvent.at, OrderEvent.id)
        )
    )
