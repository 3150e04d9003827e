"""One order as the delivery hot path needs it: read with its row locked, updated in place.

Delivery touches each order twice (in flight, then delivered); through ORM objects that was a
locked reload, a unit-of-work flush and an event flush each time, most of the hub's CPU per
order. These are the same steps as single Core statements: ``lock_row`` is the
``SELECT ... FOR UPDATE`` of ``cancel_verbs.find_locked`` (PostgreSQL locks the row until the
transaction ends; SQLite has one writer at a time anyway), and ``update_row`` bumps ``version``
and checks it, as the ORM's optimistic lock does. No function here commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Update, bindparam, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from orderbridge.model import DeliveryState, OrderStatus
from orderbridge.model.cancel import CancelState
from orderbridge.store._upsert import core, rows_affected, table_of
from orderbridge.store.tables import Order

ORDERS = table_of(Order)


@dataclass(frozen=True)
class DeliveryRow:
    """The columns of an order that delivery reads, as of the locked read."""

    id: int
    version: int
    status: OrderStatus
    delivery_state: DeliveryState
    delivery_attempts: int
    cancel_state: CancelState | None
    channel_status: str | None
    cust_ref: str | None
    canonical: dict[str, Any] | None
    warehouse_payload: dict[str, Any] | None
    idempotency_key: str | None


_COLUMNS = [ORDERS.c[name] for name in DeliveryRow.__dataclass_fields__]
_LOCK_ROW = select(*_COLUMNS).where(ORDERS.c.id == bindparam("order_id")).with_for_update()


def lock_row(session: Session, order_id: int) -> DeliveryRow | None:
    """The order re-read from the database with its row locked, or ``None``."""
    found = core(session).execute(_LOCK_ROW, {"order_id": order_id}).one_or_none()
    return None if found is None else DeliveryRow(*found)


def update_row(session: Session, row: DeliveryRow, values: Mapping[str, Any]) -> None:
    """Set ``values`` on the order read as ``row`` (and bump its version).

    Raises ``StaleDataError`` if the order changed since ``row`` was read, like an ORM flush
    from a stale object.
    """
    statement = _update_statement(tuple(sorted(values)))
    parameters = {f"new_{name}": value for name, value in values.items()}
    result = core(session).execute(statement, {**parameters, "order_id": row.id,
                                                "read_version": row.version})
    if rows_affected(result) != 1:
        raise StaleDataError(f"order {row.id} changed since version {row.version} was read")


@cache
def _update_statement(names: tuple[str, ...]) -> Update:
    return (
        update(ORDERS)
        .where(ORDERS.c.id == bindparam("order_id"),
               ORDERS.c.version == bindparam("read_version"))
        .values({**{name: bindparam(f"new_{name}") for name in names},
                 "version": ORDERS.c.version + 1})
    )


def due_ids(session: Session, integration_id: int, status: OrderStatus, now: datetime,
            limit: int = 100) -> list[int]:
    """The ids of ``orders.list_due``: in ``status``, due by ``now``, oldest first."""
    return list(session.scalars(
        select(ORDERS.c.id)
        .where(ORDERS.c.integration_id == integration_id, ORDERS.c.status == status,
               or_(ORDERS.c.next_attempt_at.is_(None), ORDERS.c.next_attempt_at <= now))
        .order_by(ORDERS.c.id)
        .limit(limit)))
