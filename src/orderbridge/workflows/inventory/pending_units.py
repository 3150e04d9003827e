"""Units Houzz buyers already bought that QBC's stock does not show as committed yet.

QBC commits stock only for `active` and `finalized` orders. Until the hub has delivered an order
(it is `new`, `preview`, or `held` before delivery) — or while the QBC order is a `draft`, which
commits nothing — those units are still "available" in QBC, and pushing that figure to Houzz
would sell them twice. So they are subtracted, per warehouse SKU (aliases applied), product
lines only. An order Houzz canceled counts nothing, even before the hub has noticed.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.connectors.qbc.payload import status_sent
from orderbridge.model import CanonicalOrder, OrderStatus
from orderbridge.store.tables import Order
from orderbridge.workflows.cancel_requests import is_canceled_status

NOT_SENT = (OrderStatus.NEW, OrderStatus.PREVIEW, OrderStatus.HELD)
UNCOMMITTED_QBC_STATUS = "draft"


def pending_units(session: Session, integration_id: int, aliases: dict[str, str], *,
                  orders_created_as: str) -> dict[str, Decimal]:
    """Uncommitted units per warehouse SKU; `orders_created_as` is the `order_status` setting
    (orders already in QBC are read only when it is `draft`)."""
    statuses = list(NOT_SENT)
    if orders_created_as == UNCOMMITTED_QBC_STATUS:
        statuses.append(OrderStatus.AT_WMS)
    rows = session.execute(
        select(Order.status, Order.held_from_status, Order.channel_status, Order.canonical,
               Order.warehouse_payload)
        .where(Order.integration_id == integration_id, Order.status.in_(statuses)))
    units: dict[str, Decimal] = defaultdict(Decimal)
    for status, held_from, channel_status, canonical, payload in rows:
        if is_canceled_status(channel_status):
            continue
        if not _uncommitted(status, held_from, payload, orders_created_as):
            continue
        order = _canonical(canonical)
        if order is None:
            continue
        for line in order.product_lines:
            sku = line.warehouse_sku or aliases.get(line.item, line.item)
            if line.quantity > 0:
                units[sku] += line.quantity
    return dict(units)


def _uncommitted(status: OrderStatus, held_from: OrderStatus | None, payload: Any,
                 orders_created_as: str) -> bool:
    where = held_from if status is OrderStatus.HELD and held_from is not None else status
    if where in (OrderStatus.NEW, OrderStatus.PREVIEW, OrderStatus.HELD):
        return True
    if where is OrderStatus.AT_WMS:
        return (status_sent(payload) or orders_created_as) == UNCOMMITTED_QBC_STATUS
    return False


def _canonical(document: dict[str, Any] | None) -> CanonicalOrder | None:
    if not document:
        return None
    try:
        return CanonicalOrder.model_validate(document)
    except ValidationError:
        return None
