"""Orders a merchant made in QBC by hand for a Houzz order the hub has not delivered (a held
order entered directly, say): a QBC ``order.create`` webhook names them, and the deliver job
adopts each one whose ``reference_number`` is the hub order's cust_ref or Houzz order number,
instead of sending a second order. From then on it is at the warehouse like any other:
its shipments reach Houzz, a cancel on Houzz voids it.

Only an order waiting to go (new or held, nothing in flight, no QBC id yet) is adopted; an
order in flight is settled by the usual lookup, which finds the same QBC order. Deliveries
naming orders the hub created itself are settled from the store, without a call.
"""

from __future__ import annotations

import logging

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from orderbridge.connectors.qbc.records import QbcOrder
from orderbridge.errors import RemoteError
from orderbridge.model import OrderStatus
from orderbridge.model.outbound import OutboundState
from orderbridge.store import orders
from orderbridge.store.tables import Order
from orderbridge.workflows import _outbound
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.orders.result import DeliverResult
from orderbridge.workflows.qbc_webhooks import inbox

log = logging.getLogger(__name__)
JOB = "deliver"
WAITING = (OrderStatus.NEW, OrderStatus.HELD)
DELIVERED = "an order the hub delivered"


def _delivered_by_the_hub(ctx: IntegrationContext, taken: inbox.Taken) -> set[int]:
    """The QBC orders named that the hub created itself (most ``order.create`` deliveries)."""
    with ctx.store.session() as session:
        found = session.scalars(select(Order.warehouse_order_id).where(
            Order.integration_id == ctx.integration_id,
            Order.warehouse_order_id.in_(taken.record_ids)))
        return {int(value) for value in found if value is not None and value.isdigit()}


def adopt_hand_made(ctx: IntegrationContext, result: DeliverResult) -> None:
    """Work off the pending ``order.create`` deliveries."""
    taken = inbox.take(ctx, JOB)
    if not taken:
        return
    ours = _delivered_by_the_hub(ctx, taken)
    if ours:  # the hub's own deliveries: settled without a call (one call per order, not two)
        inbox.settle(ctx, inbox.Taken({key: taken.deliveries.pop(key) for key in ours}), {},
                     missing=DELIVERED)
    if not taken:
        return
    try:
        found = ctx.qbc.orders_by_id(taken.record_ids)
    except RemoteError as exc:
        log.warning("%s: reading the orders QBC's webhooks named failed (%s); tried again at "
                    "the next run", ctx.name, exc.message)
        inbox.failed(ctx, taken, exc)
        return
    outcomes: dict[int, str] = {}
    with ctx.store.begin() as session:
        for record in found:
            if record.id.isdigit():
                outcomes[int(record.id)] = _adopt(session, ctx, record, result)
    inbox.settle(ctx, taken, outcomes, missing="QBC has no such order (ignored)")


def _adopt(session: Session, ctx: IntegrationContext, record: QbcOrder,
           result: DeliverResult) -> str:
    known = session.scalar(select(Order.id).where(
        Order.integration_id == ctx.integration_id, Order.warehouse_order_id == record.id))
    if known is not None:
        return DELIVERED
    reference = record.reference_number
    if not reference or record.is_void:
        return "not for a Houzz order the hub waits to deliver (ignored)"
    waiting = list(session.scalars(select(Order).where(
        Order.integration_id == ctx.integration_id, Order.warehouse_order_id.is_(None),
        Order.status.in_(WAITING), Order.outbound_state != OutboundState.IN_FLIGHT,
        or_(Order.cust_ref == reference, Order.channel_order_id == reference))
        .with_for_update()))
    if len(waiting) != 1:
        return "not for a Houzz order the hub waits to deliver (ignored)"
    order = waiting[0]
    order.warehouse_order_id = record.id
    _outbound.succeeded(order)
    orders.change_status(session, order, OrderStatus.AT_WMS, kind="delivered", message=(
        f"Entered in QuickBooks Commerce by hand as {record.order_number or record.id} "
        f"(id {record.id}); adopted, not sent again"),
        data={"warehouse_order_id": record.id, "order_number": record.order_number,
              "status": record.status, "hand_made": True}, at=ctx.clock.now())
    result.adopted += 1
    return f"adopted for Houzz order {order.channel_order_id}"
