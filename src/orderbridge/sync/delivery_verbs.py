"""The two verbs of the delivery hot path, as one UPDATE and one event INSERT each.

`verbs.start_delivery` and `verbs.mark_delivered` do the same on an ORM order (and stay the
verbs of every other path: recovery after a crash, cancellations, tests). These act on the
locked row snapshot of `store.delivery_rows` instead, so an ordinary delivery loads no ORM
object: same columns, same lifecycle check, same timeline entries (built by the same
functions in `verbs`), in the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from orderbridge.model import CanonicalOrder, DeliveryState, OrderStatus, check_transition
from orderbridge.store.delivery_rows import DeliveryRow, update_row
from orderbridge.store.orders import canonical_columns
from orderbridge.store.timeline import append_events, event_row
from orderbridge.sync.verbs import delivered_event, sending_event


def start_delivery(session: Session, row: DeliveryRow, canonical: CanonicalOrder,
                   payload: dict[str, Any], key: str, *, at: datetime) -> None:
    """`orders.store_canonical` + `verbs.start_delivery`: committed *before* the remote call."""
    attempt = row.delivery_attempts + 1
    update_row(session, row, {
        **canonical_columns(row.cust_ref, canonical),
        "warehouse_payload": payload,
        "idempotency_key": key,
        "delivery_state": DeliveryState.IN_FLIGHT,
        "delivery_attempts": attempt,
        "next_attempt_at": None,
    })
    append_events(session, [event_row(row.id, **sending_event(attempt, key, at=at))])


def mark_delivered(session: Session, row: DeliveryRow, warehouse_order: dict[str, Any], *,
                   at: datetime) -> None:
    """`verbs.mark_delivered`: QBC holds the order; the order is at the warehouse."""
    check_transition(row.status, OrderStatus.AT_WMS)
    update_row(session, row, {
        "warehouse_order_id": str(warehouse_order["id"]),
        "delivery_state": DeliveryState.DONE,
        "next_attempt_at": None,
        "last_error": None,
        "status": OrderStatus.AT_WMS,
        "held_from_status": None,
        "hold_reason_code": None,
        "hold_reason": None,
    })
    event = delivered_event(warehouse_order, False, at=at)
    event["data"] = {"from": row.status.value, "to": OrderStatus.AT_WMS.value, **event["data"]}
    append_events(session, [event_row(row.id, **event)])
