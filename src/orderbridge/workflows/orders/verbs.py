"""The verbs of the order flow: each moves one order one step, in the caller's transaction.

Every verb changes the status through `store.orders.change_status` (which checks the lifecycle
and writes the timeline entry) and records what happens next; the delivery itself follows the
outbound protocol (`workflows._outbound`). Delivery calls them for one order or for a group,
in one transaction either way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from orderbridge.connectors.qbc.records import QbcOrder
from orderbridge.model import Hold, HoldReason, OrderStatus, OutboundEffect
from orderbridge.store import orders
from orderbridge.store.tables import Order
from orderbridge.workflows import _outbound
from orderbridge.workflows.fulfillment_cursor import rewind_to
from orderbridge.workflows.holds import combined_hold, hold


def hold_new_order(session: Session, order: Order, problems: list[Hold], *,
                   at: datetime) -> None:
    """A new order needs a person before it can be delivered."""
    hold(session, order, combined_hold(problems), at=at)


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
    """Committed *before* `POST /orders`: from now on the outcome is unknown until known."""
    order.warehouse_payload = payload
    order.idempotency_key = key
    _outbound.begin(session, order, OutboundEffect.DELIVERY, at=at, kind="sending",
                    message="Sending to QuickBooks Commerce (attempt {attempt})",
                    data={"idempotency_key": key})


def mark_delivered(session: Session, order: Order, created: QbcOrder, *, at: datetime,
                   found_by_lookup: bool = False) -> None:
    """QBC holds the order: remember its id; the order is at the warehouse."""
    order.warehouse_order_id = created.id
    _outbound.succeeded(order)
    how = "Found in QuickBooks Commerce after an interrupted delivery" if found_by_lookup else (
        "Delivered to QuickBooks Commerce")
    orders.change_status(session, order, OrderStatus.AT_WMS, kind="delivered",
                         message=f"{how} as {created.order_number} (id {created.id})",
                         data={"warehouse_order_id": created.id,
                               "order_number": created.order_number,
                               "status": created.status}, at=at)
    if found_by_lookup:  # its fulfillments may already be behind the shipments cursor
        rewind_to(session, order.integration_id, created.created_at)


def hold_refused(session: Session, order: Order, message: str, *, at: datetime) -> None:
    """QBC refused the order (422): nothing was created; a person fixes it."""
    _outbound.refused(order, message)
    hold(session, order, Hold(code=HoldReason.REJECTED_BY_WAREHOUSE, message=message), at=at)
