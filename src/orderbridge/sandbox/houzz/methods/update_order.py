"""`updateOrder`: one `<UpdateOrderRequest>` (OrderId, Action and the action's fields, any
order, CDATA allowed) moves one order through the lifecycle (see `lifecycle`)."""

from __future__ import annotations

from typing import Any

from orderbridge.sandbox.houzz.errors import HouzzApiError, missing_field
from orderbridge.sandbox.houzz.lifecycle import apply_action, canonical_action
from orderbridge.sandbox.houzz.methods.call import ApiCall
from orderbridge.sandbox.houzz.xmlio import parse_request

ROOT = "UpdateOrderRequest"


def update_order(call: ApiCall) -> dict[str, Any]:
    fields = parse_request(call.body, ROOT)
    order_id = fields.get("OrderId", "")
    if not order_id:
        raise missing_field("OrderId", ROOT)
    state = call.state
    action = canonical_action(fields.get("Action", ""), state.settings)
    order = state.orders.get(order_id)
    if order is None:
        raise HouzzApiError("OrderNotFound", f"Order {order_id} does not exist on this seller "
                            "account; check the OrderId (format NNNN-NNNN-NNNN-NNNN).")
    apply_action(order, action, fields, state.settings, state.now_text())
    return {}
