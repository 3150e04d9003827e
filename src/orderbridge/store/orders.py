"""Orders: stored once per channel order, found by any of their ids, moved through the lifecycle.

``insert_downloaded`` is the only way an order enters the store and is idempotent on
(integration, channel order id), whatever the concurrency. ``change_status`` is the one place a
status changes: it checks the lifecycle, keeps the hold fields right and writes the timeline
entry in the same transaction. ``lock_order`` / ``lock_orders`` re-read orders with their rows
locked, for every decision that must not race another worker. No function here commits.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from orderbridge.model import CanonicalOrder, Hold, OrderStatus, OutboundState, check_transition
from orderbridge.store._upsert import core, insert_ignoring
from orderbridge.store.alerts import add_alert, resolve_alerts
from orderbridge.store.tables import Order, OrderEvent
from orderbridge.store.tables.columns import utcnow
from orderbridge.store.timeline import append_event, append_events, event_row


@dataclass(frozen=True)
class DownloadedOrder:
    """One new channel order for ``insert_downloaded``."""

    channel_order_id: str
    channel_payload: dict[str, Any]
    canonical: CanonicalOrder
    channel_status: str | None = None


def insert_downloaded(
    session: Session,
    integration_id: int,
    downloaded: Sequence[DownloadedOrder],
    *,
    at: datetime | None = None,
) -> dict[str, tuple[int, bool]]:
    """Store downloaded channel orders unless already stored: ``{channel_order_id: (order id,
    created)}``.

    A stored (or, within the page, repeated) channel order id is left untouched and never
    raises, whatever the concurrency: one ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` for
    all the orders (SQLAlchemy's insertmanyvalues batches it), one read of the ids of those
    that existed, one insert of the new orders' ``downloaded`` events. A new order starts
    ``new`` with nothing outbound; its ``cust_ref`` is its canonical one (reserve it first,
    ``cust_refs.reserve_cust_refs``, so it cannot collide).
    """
    if not downloaded:
        return {}
    now = at or utcnow()
    rows = [{"integration_id": integration_id, "channel_order_id": order.channel_order_id,
             "cust_ref": order.canonical.cust_ref, "status": OrderStatus.NEW,
             "canonical": order.canonical.model_dump(mode="json"),
             "channel_payload": order.channel_payload, "channel_status": order.channel_status,
             "order_date": order.canonical.order_date, "outbound_state": OutboundState.IDLE,
             "outbound_attempts": 0, "created_at": now, "updated_at": now, "version": 1}
            for order in downloaded]
    # No conflict target: racing downloads of one order collide on the channel id *and* on the
    # cust_ref, and PostgreSQL raises on a unique index that is not an arbiter of the insert.
    statement = insert_ignoring(session.get_bind().dialect.name, Order, None,
                                returning=("channel_order_id", "id"))
    created: dict[str, int] = {key: order_id for key, order_id in core(session).execute(
        statement, rows)}
    result = {key: (order_id, True) for key, order_id in created.items()}
    existing = {order.channel_order_id for order in downloaded} - created.keys()
    if existing:
        result.update((key, (order_id, False)) for key, order_id in session.execute(
            select(Order.channel_order_id, Order.id).where(
                Order.integration_id == integration_id, Order.channel_order_id.in_(existing))))
    if unstored := existing - result.keys():
        raise ValueError(f"orders {sorted(unstored)} collide with a stored order's cust_ref; "
                         "reserve their references first (cust_refs.reserve_cust_refs)")
    if created:
        status_of = {order.channel_order_id: order.channel_status for order in downloaded}
        append_events(session, [event_row(order_id, **_downloaded_event(key, status_of[key], now))
                                for key, order_id in created.items()])
    return result


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
    order.cust_ref = _matching_cust_ref(order.cust_ref, canonical)
    order.canonical = canonical.model_dump(mode="json")


def get_order(session: Session, order_id: int) -> Order | None:
    """The order with this database id, or ``None``."""
    return session.get(Order, order_id)


def lock_order(session: Session, order_id: int) -> Order:
    """The order re-read from the database, its row locked until the transaction ends
    (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite has one writer at a time anyway), so a
    sweep and a delivery on another worker decide about the same order one after the other."""
    order = session.get(Order, order_id, with_for_update=True, populate_existing=True)
    if order is None:
        raise LookupError(f"order {order_id} is not in the store")
    return order


def lock_orders(session: Session, order_ids: Collection[int]) -> dict[int, Order]:
    """``lock_order`` for many orders in one statement, by id (missing ids are left out). Rows
    are locked in id order, so two processes locking overlapping groups cannot deadlock."""
    if not order_ids:
        return {}
    found = session.scalars(
        select(Order).where(Order.id.in_(sorted(set(order_ids)))).order_by(Order.id)
        .with_for_update().execution_options(populate_existing=True))
    return {order.id: order for order in found}


def due_ids(session: Session, integration_id: int, status: OrderStatus, now: datetime, *,
            after_id: int = 0, limit: int = 100) -> list[int]:
    """The ids of the orders in ``status`` whose next attempt is due by ``now``, oldest first."""
    return list(session.scalars(
        select(Order.id)
        .where(Order.integration_id == integration_id, Order.status == status,
               Order.id > after_id,
               or_(Order.next_attempt_at.is_(None), Order.next_attempt_at <= now))
        .order_by(Order.id).limit(limit)))


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
        if current is OrderStatus.HELD and order.hold_reason_code is not None:
            # whatever ends the hold ends its alert too
            resolve_alerts(session, order.integration_id, order_id=order.id,
                           kind=order.hold_reason_code.value, at=at)
        order.held_from_status = None
        order.hold_reason_code = None
        order.hold_reason = None
    order.status = to
    if to is OrderStatus.HELD:
        assert hold is not None
        add_alert(session, order.integration_id, kind=hold.code.value, order_id=order.id,
                  message=f"{order.cust_ref or order.channel_order_id}: {hold.message}", at=at)
    return append_event(
        session, order.id, kind=kind, message=message, data={**details, **(data or {})}, at=at
    )


def order_dates_since(session: Session, integration_id: int, since: datetime) -> list[datetime]:
    """When each order of the integration placed since ``since`` was placed: its channel
    ``order_date``, or when the hub stored it if the channel sent none (for charts by day)."""
    placed = func.coalesce(Order.order_date, Order.created_at,
                           type_=Order.__table__.c.created_at.type)
    return list(session.scalars(select(placed).where(Order.integration_id == integration_id,
                                                     placed >= since)))


def delivery_times_since(session: Session, integration_id: int,
                         since: datetime) -> list[tuple[datetime, datetime]]:
    """``(downloaded at, delivered at)`` of each order of the integration delivered to the
    warehouse since ``since``, from its timeline (the ``downloaded`` and ``delivered``
    events; the first of each)."""
    events = OrderEvent.__table__
    downloaded, delivered = events.alias("downloaded"), events.alias("delivered")
    rows = session.execute(
        select(func.min(downloaded.c.at), func.min(delivered.c.at))
        .select_from(delivered)
        .join(Order, Order.id == delivered.c.order_id)
        .join(downloaded, (downloaded.c.order_id == delivered.c.order_id)
              & (downloaded.c.kind == "downloaded"))
        .where(Order.integration_id == integration_id, delivered.c.kind == "delivered",
               delivered.c.at >= since)
        .group_by(delivered.c.order_id))
    return [(start, end) for start, end in rows]
