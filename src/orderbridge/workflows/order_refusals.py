"""Which of the merchant's actions apply to an order as it is, and, where one does not, why
(in words shown beside its button and given as the refusal). `order_actions` carries them out.
"""

from __future__ import annotations

from orderbridge.model import OrderStatus, OutboundEffect
from orderbridge.model.cancel import CancelState
from orderbridge.store.tables import Order
from orderbridge.workflows import _outbound

DELIVER_JOB = "deliver"
JOB_FOR_STATUS = {OrderStatus.NEW: DELIVER_JOB, OrderStatus.SHIPPED: "shipments",
                  OrderStatus.AT_WMS: "cancellations"}
"""The job that carries an order in this status on (at_wms: a pending void)."""
NOT_SENT_YET = (OrderStatus.NEW, OrderStatus.HELD, OrderStatus.PREVIEW)


def refusal_to_retry(order: Order) -> str | None:
    """Why the order cannot be sent again now, or None."""
    if order.status is OrderStatus.HELD or _waiting(order):
        return None
    if order.status is OrderStatus.PREVIEW:
        return ("the order is in preview; send previews with: orderbridge config set "
                "delivery live")
    return f"the order is {order.status.value}; there is nothing to retry"


def refusal_to_release(order: Order) -> str | None:
    """Why the order has no hold to release, or None."""
    if order.status is OrderStatus.HELD:
        return None
    return f"the order is {order.status.value}, not held; there is no hold to release"


def refusal_to_cancel(order: Order) -> str | None:
    """Why sending the order can no longer be canceled here, or None."""
    if order.status is OrderStatus.CANCELED:
        return "the order is canceled already"
    if order.warehouse_order_id is not None or order.status not in NOT_SENT_YET:
        there = (f"the order is already in QuickBooks Commerce (order id "
                 f"{order.warehouse_order_id or '?'}, status {order.status.value})")
        if order.status in (OrderStatus.SHIPPED, OrderStatus.CONFIRMED):
            return f"{there} and has shipped; arrange a return with the buyer"
        return f"{there}; cancel it on Houzz and the hub voids it in QuickBooks Commerce"
    if _outbound.in_flight(order, OutboundEffect.DELIVERY):
        return ("the order may be in QuickBooks Commerce already: the last attempt to send it "
                "has no known outcome yet, and the next delivery run looks it up first (if it "
                "arrived, cancel it on Houzz and the hub voids it)")
    return None


def refusals(order: Order) -> dict[str, str | None]:
    """Each action's refusal (None: it applies), for the buttons of the order detail."""
    return {"retry": refusal_to_retry(order), "release": refusal_to_release(order),
            "cancel": refusal_to_cancel(order)}


def _waiting(order: Order) -> bool:
    """Whether a job will take the order on by itself (maybe after a backoff)."""
    waiting_void = order.cancel_state is CancelState.REQUESTED
    return order.status in JOB_FOR_STATUS and (order.status is not OrderStatus.AT_WMS
                                               or waiting_void)
