"""Orders: stored once per channel order, found by any of their ids, moved through the lifecycle.

``insert_downloaded`` (one order) and ``insert_downloaded_many`` (a page, in three round trips)
are the only ways an order enters the store and are idempotent on (integration, channel order
id), whatever the concurrency. ``change_status`` is the one place a
status changes: it checks the lifecycle, keeps the hold fields right and writes the timeline
entry in the same transaction. No function here commits.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from orderbridge.model import (
    CanonicalOrder,
    DeliveryState,
    Hold,
    OrderStatus,
    check_transition,
)
from orderbridge.store._bulk import driver_ready_insert, inserted_rows, utc_for_driver
from orderbridge.store._upsert import core, insert_or_ignore
from orderbridge.store.engine import JSON_ENCODER
from orderbridge.store.tables import Order, OrderEvent
from orderbridge.store.tables.columns import utcnow
from orderbridge.store.timeline import append_event


def insert_downloaded(
    session: Session,
    integration_id: int,
    *,
    channel_order_id: str,
    channel_payload: dict[str, Any],
    channel_status: str | None = None,
    order_date: datetime | None = None,
    cust_ref: str | None = None,
    canonical: CanonicalOrder | None = None,
    at: datetime | None = None,
) -> tuple[Order, bool]:
    """Store a downloaded channel order unless it is already stored; ``(order, created)``.

    A duplicate never raises: the existing row is returned with ``created=False`` and left
    untouched. A new order starts ``new`` / ``idle`` and its timeline gets a ``downloaded``
    event. ``cust_ref`` defaults to the canonical order's; reserve it first
    (``cust_refs.reserve_cust_ref``) so it cannot collide.
    """
    if canonical is not None:
        cust_ref = _matching_cust_ref(cust_ref, canonical)
    now = at or utcnow()
    created = insert_or_ignore(
        session,
        Order,
        _new_order_row(integration_id, channel_order_id, channel_payload, channel_status,
                       order_date, cust_ref, canonical, now),
        conflict_on=["integration_id", "channel_order_id"],
    )
    order = get_order_by_channel_id(session, integration_id, channel_order_id)
    assert order is not None, "the order was inserted or already present"
    if created:
        append_event(session, order.id, **_downloaded_event(channel_order_id, channel_status, now))
    return order, created


@dataclass(frozen=True)
class DownloadedOrder:
    """One new channel order for ``insert_downloaded_many``."""

    channel_order_id: str
    channel_payload: dict[str, Any]
    canonical: CanonicalOrder
    channel_status: str | None = None


def insert_downloaded_many(
    session: Session,
    integration_id: int,
    downloaded: Sequence[DownloadedOrder],
    *,
    at: datetime | None = None,
) -> dict[str, tuple[int, bool]]:
    """``insert_downloaded`` for a page of orders: ``{channel_order_id: (order id, created)}``.

    The same rules, in three round trips instead of three per order: one
    ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` for the orders (a stored or repeated
    channel order id is left untouched), one read of the ids of those that existed, one insert
    of the new orders' ``downloaded`` events. Each order's ``cust_ref`` is its canonical one.
    The rows go to the driver ready-made (``store._bulk``).
    """
    now = at or utcnow()
    if not downloaded:
        return {}
    dialect = session.get_bind().dialect
    utc = utc_for_driver(dialect)
    stamp = utc(now)
    same_for_all = {"integration_id": integration_id, "status": OrderStatus.NEW.value,
                    "delivery_state": DeliveryState.IDLE.value, "delivery_attempts": 0,
                    "created_at": stamp, "updated_at": stamp, "version": 1}
    rows = [{**same_for_all, "channel_order_id": order.channel_order_id,
             "cust_ref": order.canonical.cust_ref, "channel_status": order.channel_status,
             "order_date": utc(order.canonical.order_date),
             "canonical": order.canonical.model_dump_json(),
             "channel_payload": JSON_ENCODER.encode(order.channel_payload)} for order in downloaded]
    created: dict[str, int] = dict(inserted_rows(core(session), driver_ready_insert(
        dialect, Order, tuple(rows[0]), ("integration_id", "channel_order_id"),
        ("channel_order_id", "id")), rows))
    result = {key: (order_id, True) for key, order_id in created.items()}
    existing = {order.channel_order_id for order in downloaded} - created.keys()
    if existing:
        result.update((key, (order_id, False)) for key, order_id in session.execute(
            select(Order.channel_order_id, Order.id).where(
                Order.integration_id == integration_id, Order.channel_order_id.in_(existing))))
    if created:
        status_of = {order.channel_order_id: order.channel_status for order in downloaded}
        events = [{**_downloaded_event(key, status_of[key], now), "order_id": order_id}
                  for key, order_id in created.items()]
        for event in events:
            event["at"], event["data"] = stamp, JSON_ENCODER.encode(event["data"])
        core(session).execute(driver_ready_insert(dialect, OrderEvent, tuple(events[0])),
                              events)
    return result


def _new_order_row(integration_id: int, channel_order_id: str, channel_payload: dict[str, Any],
                   channel_status: str | None, order_date: datetime | None,
                   cust_ref: str | None, canonical: CanonicalOrder | None,
                   now: datetime) -> dict[str, Any]:
    return {
        "integration_id": integration_id,
        "channel_order_id": channel_order_id,
        "cust_ref": cust_ref,
        "status": OrderStatus.NEW,
        "canonical": None if canonical is None else canonical.model_dump(mode="json"),
        "channel_payload": channel_payload,
        "channel_status": channel_status,
        "order_date": order_date,
        "delivery_state": DeliveryState.IDLE,
        "delivery_attempts": 0,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def _downloaded_event(channel_order_id: str, channel_status: str | None,
                      now: datetime) -> dict[str, Any]:
    return {
        "kind": "downloaded",
        "message": f"Downloaded from the channel (status {channel_status or 'unknown'})",
        "data": {"channel_order_id": channel_order_id, "channel_status": channel_status},
        "at": now,
    }


def _matching_cust_ref(cust_ref: str | None, canonical: CanonicalOrder) -> str:
    if cust_ref is not None and cust_ref != canonical.cust_ref:
        raise ValueError(
            f"cust_ref {cust_ref!r} differs from the canonical order's {canonical.cust_ref!r}"
        )
    return canonical.cust_ref


def load_canonical(order: Order) -> CanonicalOrder | None:
    """The order's canonical form, or ``None`` if it was never translated."""
    return None if order.canonical is None else CanonicalOrder.model_validate(order.canonical)


def store_canonical(order: Order, canonical: CanonicalOrder) -> None:
    """Replace the order's canonical form (its ``cust_ref`` must match the order's, if set)."""
    for name, value in canonical_columns(order.cust_ref, canonical).items():
        setattr(order, name, value)


def canonical_columns(cust_ref: str | None, canonical: CanonicalOrder) -> dict[str, Any]:
    """The columns ``store_canonical`` sets, for an order whose ``cust_ref`` is ``cust_ref``."""
    return {"cust_ref": _matching_cust_ref(cust_ref, canonical),
            "canonical": canonical.model_dump(mode="json")}


def get_order(session: Session, order_id: int) -> Order | None:
    """The order with this database id, or ``None``."""
    return session.get(Order, order_id)


def get_order_by_channel_id(
    session: Session, integration_id: int, channel_order_id: str
) -> Order | None:
    """The order with this channel order id (the Houzz OrderId), or ``None``."""
    return session.scalars(
        select(Order).where(
            Order.integration_id == integration_id, Order.channel_order_id == channel_order_id
        )
    ).one_or_none()


def get_order_by_cust_ref(session: Session, integration_id: int, cust_ref: str) -> Order | None:
    """The order with this ``cust_ref``, or ``None``."""
    return session.scalars(
        select(Order).where(Order.integration_id == integration_id, Order.cust_ref == cust_ref)
    ).one_or_none()


def find_order(session: Session, integration_id: int, reference: str) -> Order | None:
    """The order a person means by ``reference``: a ``cust_ref`` or a channel order id."""
    return get_order_by_cust_ref(session, integration_id, reference) or get_order_by_channel_id(
        session, integration_id, reference
    )


def list_orders(
    session: Session,
    integration_id: int,
    *,
    status: OrderStatus | Collection[OrderStatus] | None = None,
    after_id: int | None = None,
    limit: int = 100,
    newest_first: bool = False,
) -> list[Order]:
    """One page of orders, by id; pass the last id of a page as ``after_id`` for the next.

    With ``newest_first`` the pages go from the newest order down, and ``after_id`` means
    "older than".
    """
    query = select(Order).where(Order.integration_id == integration_id)
    if status is not None:
        statuses = [status] if isinstance(status, OrderStatus) else list(status)
        query = query.where(Order.status.in_(statuses))
    if after_id is not None:
        query = query.where(Order.id < after_id if newest_first else Order.id > after_id)
    query = query.order_by(Order.id.desc() if newest_first else Order.id).limit(limit)
    return list(session.scalars(query))


def list_due(
    session: Session, integration_id: int, status: OrderStatus, now: datetime, limit: int = 100
) -> list[Order]:
    """Orders in ``status`` with ``next_attempt_at`` unset or not after ``now``, oldest first."""
    query = (
        select(Order)
        .where(
            Order.integration_id == integration_id,
            Order.status == status,
            or_(Order.next_attempt_at.is_(None), Order.next_attempt_at <= now),
        )
        .order_by(Order.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def count_by_status(session: Session, integration_id: int) -> dict[OrderStatus, int]:
    """How many orders the integration has in each status (every status present, maybe 0)."""
    counts = dict.fromkeys(OrderStatus, 0)
    rows = session.execute(
        select(Order.status, func.count())
        .where(Order.integration_id == integration_id)
        .group_by(Order.status)
    )
    for status, count in rows:
        counts[OrderStatus(status)] = count
    return counts


def change_status(
    session: Session,
    order: Order,
    to: OrderStatus,
    *,
    kind: str,
    message: str,
    data: dict[str, Any] | None = None,
    hold: Hold | None = None,
    at: datetime | None = None,
) -> OrderEvent:
    """Move ``order`` to ``to`` and record it on the timeline, in the caller's transaction.

    Raises ``InvalidTransitionError`` for a move the lifecycle forbids. Moving to ``held``
    needs a ``hold`` and remembers the status it came from; leaving ``held`` clears both.
    The event's data gains ``from``/``to`` (and the hold code), beside the caller's ``data``.
    """
    current = order.status
    check_transition(current, to)
    details: dict[str, Any] = {"from": current.value, "to": to.value}
    if to is OrderStatus.HELD:
        if hold is None:
            raise ValueError("holding an order needs a Hold saying why")
        order.held_from_status = current
        order.hold_reason_code = hold.code
        order.hold_reason = hold.message
        details["hold_reason"] = hold.code.value
    else:
        if hold is not None:
            raise ValueError(f"a Hold only goes with the held status, not {to.value}")
        order.held_from_status = None
        order.hold_reason_code = None
        order.hold_reason = None
    order.status = to
    session.flush()
    return append_event(
        session, order.id, kind=kind, message=message, data={**details, **(data or {})}, at=at
    )
