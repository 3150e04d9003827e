"""The domain verbs: each moves one order one step, in the caller's transaction.

Every verb changes the status (through `store.orders.change_status`, which checks the
lifecycle), appends the timeline event with the remote ids, and records what must happen next
(`delivery_state`, `next_attempt_at`). Jobs call verbs; nothing else changes an order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from orderbridge.errors import RemoteError, TransientError
from orderbridge.integration_config import IntegrationConfig
from orderbridge.model import DeliveryState, Hold, HoldReason, OrderStatus
from orderbridge.store import orders
from orderbridge.store.tables import Order
from orderbridge.store.timeline import append_event
from orderbridge.sync import fulfillment_cursor
from orderbridge.sync.backoff import next_attempt


def combined_hold(problems: list[Hold]) -> Hold:
    """One hold for several problems: the first one's code, every message."""
    message = "; ".join(dict.fromkeys(problem.message for problem in problems))
    return Hold(code=problems[0].code, message=message)


def hold_new_order(session: Session, order: Order, problems: list[Hold], *,
                   at: datetime) -> None:
    """A new order needs a person before it can be delivered."""
    hold = combined_hold(problems)
    orders.change_status(session, order, OrderStatus.HELD, kind="held",
                         message=f"Held: {hold.message}", hold=hold, at=at)


def release(session: Session, order: Order, message: str, *, at: datetime) -> None:
    """A held order goes back to where it came from (new orders: delivered next run)."""
    target = OrderStatus.NEW if order.held_from_status in (None, OrderStatus.PREVIEW) else (
        order.held_from_status)
    orders.change_status(session, order, target, kind="released", message=message, at=at)
    order.next_attempt_at = None
    order.last_error = None
    if target is OrderStatus.NEW and order.delivery_state is DeliveryState.IDLE:
        order.delivery_attempts = 0


def preview(session: Session, order: Order, payload: dict[str, Any], *, at: datetime) -> None:
    """Delivery mode is preview: keep the exact payload that would be sent, send nothing."""
    order.warehouse_payload = payload
    orders.change_status(session, order, OrderStatus.PREVIEW, kind="previewed",
                         message="Translated in preview mode; nothing sent to QuickBooks "
                                 "Commerce (orderbridge config set delivery live to send)",
                         at=at)


def back_to_new(session: Session, order: Order, *, at: datetime) -> None:
    orders.change_status(session, order, OrderStatus.NEW, kind="live",
                         message="Delivery switched to live", at=at)


def start_delivery(session: Session, order: Order, payload: dict[str, Any], key: str, *,
                   at: datetime) -> None:
    """Committed *before* the remote call: from now on the outcome is unknown until known."""
    order.warehouse_payload = payload
    order.idempotency_key = key
    order.delivery_state = DeliveryState.IN_FLIGHT
    order.delivery_attempts += 1
    order.next_attempt_at = None
    append_event(session, order.id, **sending_event(order.delivery_attempts, key, at=at))


def mark_delivered(session: Session, order: Order, warehouse_order: dict[str, Any], *,
                   at: datetime, found_by_lookup: bool = False) -> None:
    """QBC holds the order: remember its id; the order is at the warehouse."""
    order.warehouse_order_id = str(warehouse_order["id"])
    order.delivery_state = DeliveryState.DONE
    order.next_attempt_at = None
    order.last_error = None
    orders.change_status(session, order, OrderStatus.AT_WMS,
                         **delivered_event(warehouse_order, found_by_lookup, at=at))
    if found_by_lookup:  # its fulfillments may already be behind the shipments cursor
        fulfillment_cursor.rewind_to(session, order.integration_id,
                                     warehouse_order.get("created_at"))


def sending_event(attempt: int, key: str, *, at: datetime) -> dict[str, Any]:
    """The timeline entry of ``start_delivery`` (shared with ``delivery_verbs``)."""
    return {"kind": "sending", "message": f"Sending to QuickBooks Commerce (attempt {attempt})",
            "data": {"idempotency_key": key}, "at": at}


def delivered_event(warehouse_order: dict[str, Any], found_by_lookup: bool, *,
                    at: datetime) -> dict[str, Any]:
    """The timeline entry of ``mark_delivered`` without the ``from``/``to`` that
    ``change_status`` adds (shared with ``delivery_verbs``)."""
    how = "Found in QuickBooks Commerce after an interrupted delivery" if found_by_lookup else (
        "Delivered to QuickBooks Commerce")
    return {"kind": "delivered",
            "message": f"{how} as {warehouse_order.get('order_number')} "
                       f"(id {warehouse_order['id']})",
            "data": {"warehouse_order_id": warehouse_order["id"],
                     "order_number": warehouse_order.get("order_number"),
                     "status": warehouse_order.get("status")},
            "at": at}


def not_sent(session: Session, order: Order, *, at: datetime, message: str) -> None:
    """A lookup proved an earlier attempt created nothing: the next attempt is a fresh POST."""
    order.delivery_state = DeliveryState.IDLE
    append_event(session, order.id, kind="lookup", message=message, at=at)


def retry_later(session: Session, order: Order, error: str, *, next_at: datetime,
                at: datetime) -> None:
    """A transient failure; the outcome stays unknown (in flight) until the next attempt."""
    order.last_error = error
    order.next_attempt_at = next_at
    append_event(session, order.id, kind="retry",
                 message=f"Attempt {order.delivery_attempts} failed: {error}; "
                         f"retrying at {next_at.isoformat(timespec='seconds')}",
                 data={"error": error}, at=at)


def retry_after_failure(session: Session, order: Order, exc: RemoteError,
                        config: IntegrationConfig, *, at: datetime) -> None:
    """`retry_later` on the order's backoff schedule, and no sooner than the remote asked."""
    retry_after = exc.retry_after if isinstance(exc, TransientError) else None
    retry_later(session, order, exc.message, at=at, next_at=next_attempt(
        at, max(order.delivery_attempts, 1), config.retry_base_s, config.retry_cap_s,
        retry_after))


def hold_after_failure(session: Session, order: Order, code: HoldReason, message: str, *,
                       at: datetime, refused: bool) -> None:
    """Held for a person; `refused` means QBC answered no, so nothing was created."""
    if refused:
        order.delivery_state = DeliveryState.IDLE
    order.last_error = message
    orders.change_status(session, order, OrderStatus.HELD, kind="held",
                         message=f"Held: {message}", hold=Hold(code=code, message=message),
                         at=at)
