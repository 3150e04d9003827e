"""`POST /orders/{id}/actions/{action}`: invoice, pay, pack, fulfil (alias `fulfill`), void.

Responses are undocumented (reference Q3); by analogy with `receive` on purchase orders they
answer 201 with the record the action made: `{"fulfillment": ...}` for pack and fulfil,
`{"invoice": ...}`, `{"payment": ...}`, and for void `{"order": ...}`. Invalid transitions
answer 422 `{"errors": {"base": [...]}}`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from orderbridge.sandbox.qbc.billing import invoice_order, pay_order, render_invoice, render_payment
from orderbridge.sandbox.qbc.envelope import (
    invalid_base,
    json_response,
    read_optional_root,
    typed_error,
)
from orderbridge.sandbox.qbc.order_view import render_order
from orderbridge.sandbox.qbc.resources.common import CallerDep, find
from orderbridge.sandbox.qbc.shipping import (
    create_fulfillment,
    ensure_shippable,
    fulfil_order,
    render_fulfillment,
    tracking_fields,
    unpacked_items,
    void_order,
)

router = APIRouter()

ACTIONS = ("invoice", "pay", "pack", "fulfil", "fulfill", "void")
_ROOTS = {"invoice": "invoice", "pay": "payment", "pack": "fulfillment",
          "fulfil": "fulfillment", "fulfill": "fulfillment", "void": "order"}


@router.post("/orders/{order_id}/actions/{action}")
async def order_action(order_id: str, action: str, request: Request,
                       caller: CallerDep) -> Response:
    if action not in ACTIONS:
        raise typed_error(404, f"Unknown action {action} for order")
    body = await read_optional_root(request, _ROOTS[action])
    account = caller.account
    order = find(account.orders, order_id, "order")
    if action == "invoice":
        return json_response({"invoice": render_invoice(invoice_order(caller, order, body))}, 201)
    if action == "pay":
        return json_response({"payment": render_payment(pay_order(caller, order, body))}, 201)
    if action == "void":
        void_order(caller, order)
        return json_response({"order": render_order(account, order)}, 201)
    fields = tracking_fields(body)
    if action == "pack":
        ensure_shippable(order)
        items = unpacked_items(caller, order)
        if not items:
            raise invalid_base("There is nothing left to pack on this order")
        fulfillment = create_fulfillment(caller, order, items, fields)
    else:
        fulfillment = fulfil_order(caller, order, fields)
    return json_response({"fulfillment": render_fulfillment(caller, fulfillment)}, 201)
