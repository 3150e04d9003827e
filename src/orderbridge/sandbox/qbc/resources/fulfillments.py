"""`/fulfillments` and `/fulfillment_line_items`: shipments and what they hold.

`include=fulfillment_line_items` works on index and show and sideloads the lines as a top-level
`fulfillment_line_items` array. DELETE of a packed fulfillment marks it `deleted` and unpacks
its lines; a shipped one cannot be deleted (422).
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request
from fastapi.responses import Response

from orderbridge.sandbox.qbc.context import Caller
from orderbridge.sandbox.qbc.envelope import (
    JsonDict,
    created,
    invalid,
    invalid_base,
    json_response,
    no_content,
    read_root,
)
from orderbridge.sandbox.qbc.listing import Listing, index_response, select
from orderbridge.sandbox.qbc.records import Fulfillment
from orderbridge.sandbox.qbc.resources.common import CallerDep, find, includes
from orderbridge.sandbox.qbc.shipping import (
    create_fulfillment,
    ensure_shippable,
    parse_items,
    render_fulfillment,
    render_fulfillment_line,
    ship_fulfillment,
    tracking_fields,
    unpack,
)
from orderbridge.sandbox.qbc.validation import Errors

router = APIRouter()

FULFILLMENTS = Listing(filters={
    "order_id": ("int", lambda f: f.order_id),
    "company_id": ("int", lambda f: f.attrs.get("company_id")),
    "stock_location_id": ("int", lambda f: f.stock_location_id),
    "shipping_address_id": ("int", lambda f: f.attrs.get("shipping_address_id")),
    "billing_address_id": ("int", lambda f: f.attrs.get("billing_address_id")),
})
LINES = Listing(filters={"fulfillment_id": ("int", lambda fl: fl.fulfillment_id),
                         "order_line_item_id": ("int", lambda fl: fl.order_line_item_id)},
                has_status=False, positioned=True)


def _lines_of(caller: Caller, fulfillments: Sequence[Fulfillment]) -> JsonDict:
    lines = caller.account.fulfillment_lines
    return {"fulfillment_line_items": [render_fulfillment_line(caller, lines[line_id])
                                       for f in fulfillments for line_id in f.line_ids]}


@router.get("/fulfillments")
async def list_fulfillments(request: Request, caller: CallerDep) -> Response:
    fulfillments = select(request, caller.account.fulfillments.values(), FULFILLMENTS)
    sideload = ((lambda page: _lines_of(caller, page))
                if "fulfillment_line_items" in includes(request) else None)
    return index_response(request, "fulfillments", fulfillments,
                          lambda f: render_fulfillment(caller, f), caller.services.settings,
                          sideload)


@router.get("/fulfillments/{fulfillment_id}")
async def show_fulfillment(fulfillment_id: str, request: Request, caller: CallerDep) -> Response:
    fulfillment = find(caller.account.fulfillments, fulfillment_id, "fulfillment")
    body: JsonDict = {"fulfillment": render_fulfillment(caller, fulfillment)}
    if "fulfillment_line_items" in includes(request):
        body.update(_lines_of(caller, [fulfillment]))
    return json_response(body)


@router.post("/fulfillments")
async def post_fulfillment(request: Request, caller: CallerDep) -> Response:
    body = await read_root(request, "fulfillment")
    account = caller.account
    errors = Errors()
    order_id = errors.required_int(body, "order_id")
    if order_id is not None and order_id not in account.orders:
        errors.add("order_id", "does not exist")
    status = errors.one_of(body, "status", ("packed", "fulfilled"), "packed")
    location_id = errors.optional_int(body, "stock_location_id")
    if location_id is not None and location_id not in account.locations:
        errors.add("stock_location_id", "does not exist")
    errors.check()
    assert order_id is not None
    order = account.orders[order_id]
    items = parse_items(caller, order, body.get("fulfillment_line_items"))
    ensure_shippable(order)
    fields = tracking_fields(body)
    if location_id is not None:
        fields["stock_location_id"] = location_id
    fulfillment = create_fulfillment(caller, order, items, fields, ship=status == "fulfilled")
    return created("fulfillment", render_fulfillment(caller, fulfillment),
                   caller.url("fulfillments", fulfillment.id))


@router.put("/fulfillments/{fulfillment_id}")
async def put_fulfillment(fulfillment_id: str, request: Request, caller: CallerDep) -> Response:
    body = await read_root(request, "fulfillment")
    fulfillment = find(caller.account.fulfillments, fulfillment_id, "fulfillment")
    status = body.get("status")
    if status is not None and status not in ("packed", "fulfilled"):
        raise invalid({"status": ["is not included in the list"]})
    if status == "packed" and fulfillment.status == "fulfilled":
        raise invalid({"status": ["cannot go back to packed once fulfilled"]})
    if fulfillment.status in ("void", "deleted"):
        raise invalid_base(f"Cannot update a {fulfillment.status} fulfillment")
    order = caller.account.orders[fulfillment.order_id]
    shipping = status == "fulfilled" and fulfillment.status == "packed"
    if shipping:
        ensure_shippable(order)
    for name, value in tracking_fields(body).items():
        if name in ("shipped_at", "packed_at"):
            setattr(fulfillment, name, value)
        else:
            fulfillment.attrs[name] = value
    fulfillment.updated_at = caller.now()
    if shipping:
        ship_fulfillment(caller, order, fulfillment)
    else:
        order.updated_at = caller.now()
    return no_content()


@router.delete("/fulfillments/{fulfillment_id}")
async def delete_fulfillment(fulfillment_id: str, caller: CallerDep) -> Response:
    fulfillment = find(caller.account.fulfillments, fulfillment_id, "fulfillment")
    if fulfillment.status == "fulfilled":
        raise invalid_base("Cannot delete a fulfillment that has been shipped")
    if fulfillment.status == "packed":
        unpack(caller, fulfillment, "deleted")
        caller.account.orders[fulfillment.order_id].updated_at = caller.now()
    return no_content()


@router.get("/fulfillment_line_items")
async def list_fulfillment_lines(request: Request, caller: CallerDep) -> Response:
    lines = select(request, caller.account.fulfillment_lines.values(), LINES)
    return index_response(request, "fulfillment_line_items", lines,
                          lambda fl: render_fulfillment_line(caller, fl),
                          caller.services.settings)


@router.get("/fulfillment_line_items/{line_id}")
async def show_fulfillment_line(line_id: str, caller: CallerDep) -> Response:
    line = find(caller.account.fulfillment_lines, line_id, "fulfillment_line_item")
    return json_response({"fulfillment_line_item": render_fulfillment_line(caller, line)})

