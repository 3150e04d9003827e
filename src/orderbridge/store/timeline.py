"""An order's timeline: what happened to it, when, and the remote ids involved.

The timeline is append-only; it is what ``orders show`` and the dashboard display. No function
here commits or flushes: entries are written with the caller's transaction.

``append_events`` writes many entries in one statement, for the hot paths (a page of downloaded
orders, a delivery); it goes straight to the table, without ORM objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from orderbridge.store._upsert import core, table_of
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
    return event


_INSERT_EVENT = insert(table_of(OrderEvent))


def event_row(
    order_id: int,
    *,
    kind: str,
    message: str,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """One entry for ``append_events`` (same fields as ``append_event``)."""
    return {"order_id": order_id, "kind": kind, "message": message, "data": data,
            "at": at or utcnow()}


def append_events(session: Session, events: Sequence[dict[str, Any]]) -> None:
    """Add ``event_row`` entries to their orders' timelines, in one statement."""
    if events:
        core(session).execute(_INSERT_EVENT, list(events))


def timeline(session: Session, order_id: int) -> list[OrderEvent]:
    """The order's events, oldest first (ties broken by insertion order)."""
    return list(
        session.scalars(
            select(OrderEvent)
            .where(OrderEvent.order_id == order_id)
            .order_by(OrderEvent.at, OrderEvent.id)
        )
    )
