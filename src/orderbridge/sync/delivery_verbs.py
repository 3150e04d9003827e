"""The two verbs of the delivery hot path, for a group of orders: one UPDATE each.

`verbs.start_delivery` and `verbs.mark_delivered` do the same on one ORM order (and stay the
verbs of every other path: recovery after a crash, cancellations, tests). These act on the
locked row snapshots of `store.delivery_rows` instead, so an ordinary delivery loads no ORM
object: same columns, same lifecycle check, same timeline entries (built by the same functions
in `verbs`), in the caller's transaction. Each returns the timeline entries it made; the caller
appends all of a transaction's entries in one statement (`store.timeline.append_events`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from orderbridge.model import CanonicalOrder, DeliveryState, OrderStatus, check_transition
from orderbridge.store.delivery_rows import DeliveryRow, update_rows
from orderbridge.store.orders import canonical_columns
from orderbridge.store.timeline import event_row
from orderbridge.sync.verbs import delivered_event, sending_event


@dataclass(frozen=True)
class Start:
    """One order about to be sent: its locked row, its translation, what goes out."""

    row: DeliveryRow
    canonical: CanonicalOrder
    payload: dict[str, Any]
    key: str


def start_deliveries(session: Session, starts: Sequence[Start], *,
                     at: datetime) -> list[dict[str, Any]]:
    """`orders.store_canonical` + `verbs.start_delivery` for each: committed *before* the
    remote calls."""
    changes = []
    events = []
    for start in starts:
        row = start.row
        attempt = row.delivery_attempts + 1
        changes.append((row, {
            **canonical_columns(row.cust_ref, start.canonical),
            "warehouse_payload": start.payload,
            "idempotency_key": start.key,
            "delivery_state": DeliveryState.IN_FLIGHT,
            "delivery_attempts": attempt,
            "next_attempt_at": None,
        }))
        events.append(event_row(row.id, **sending_event(attempt, start.key, at=at)))
    update_rows(session, changes)
    return events


def mark_delivered(session: Session, delivered: Sequence[tuple[DeliveryRow, dict[str, Any]]], *,
                   at: datetime) -> list[dict[str, Any]]:
    """`verbs.mark_delivered` for each (row, the order QBC created): the order is at the
    warehouse."""
    changes = []
    events = []
    for row, warehouse_order in delivered:
        check_transition(row.status, OrderStatus.AT_WMS)
        changes.append((row, {
            "warehouse_order_id": str(warehouse_order["id"]),
            "delivery_state": DeliveryState.DONE,
            "next_attempt_at": None,
            "last_error": None,
            "status": OrderStatus.AT_WMS,
            "held_from_status": None,
            "hold_reason_code": None,
            "hold_reason": None,
        }))
        event = delivered_event(warehouse_order, False, at=at)
        event["data"] = {"from": row.status.value, "to": OrderStatus.AT_WMS.value,
                         **event["data"]}
        events.append(event_row(row.id, **event))
    update_rows(session, changes)
    return events
