"""Orders as the delivery hot path needs them: a group read with its rows locked, updated in
place, one statement for the whole group.

Delivery touches each order twice (in flight, then delivered). Through ORM objects that was a
locked reload, a unit-of-work flush and an event flush per order and step, most of the hub's
CPU per order; as single Core statements per order it was still about a millisecond. Here each
step is one statement for a group of orders: ``lock_rows`` is the ``SELECT ... FOR UPDATE`` of
``cancel_verbs.find_locked`` for many ids (PostgreSQL locks the rows, in id order so that two
processes cannot deadlock, until the transaction ends; SQLite has one writer at a time), and
``update_rows`` runs one version-checked ``UPDATE`` per row as a single ``executemany``, the
optimistic lock the ORM applies to a flush. No function here commits.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
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
_LOCK_ROWS = (select(*_COLUMNS).where(ORDERS.c.id.in_(bindparam("order_ids", expanding=True)))
              .order_by(ORDERS.c.id).with_for_update())


def lock_rows(session: Session, order_ids: Collection[int]) -> dict[int, DeliveryRow]:
    """The orders re-read from the database with their rows locked, by id (missing ids are
    left out)."""
    if not order_ids:
        return {}
    found = core(session).execute(_LOCK_ROWS, {"order_ids": sorted(order_ids)})
    return {values[0]: DeliveryRow(*values) for values in found}


def update_rows(session: Session, changes: Sequence[tuple[DeliveryRow, Mapping[str, Any]]]) -> None:
    """Set each row's values on the order it was read from (and bump its version).

    Every change must set the same columns (one statement runs for all). Raises
    ``StaleDataError`` if any order changed since it was read, like an ORM flush from a stale
    object; the caller's transaction then rolls back as a whole.
    """
    if not changes:
        return
    names = tuple(sorted(changes[0][1]))
    if any(tuple(sorted(values)) != names for _, values in changes):
        raise ValueError("update_rows: every change must set the same columns")
    parameters = [{**{f"new_{name}": value for name, value in values.items()},
                   "order_id": row.id, "read_version": row.version} for row, values in changes]
    result = core(session).execute(_update_statement(names), parameters)
    if rows_affected(result) != len(changes):
        stale = ", ".join(f"{row.id} (version {row.version})" for row, _ in changes)
        raise StaleDataError(f"one of the orders {stale} changed since it was read")


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
