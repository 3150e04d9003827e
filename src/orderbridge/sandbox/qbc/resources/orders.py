"""`/orders` and `/order_line_items`.

The order index lists every status unless `status` is given (a 2014 recording listed a
`deleted` order by default, reference Q9). `include=` sideloading works on show only
(reference §4): `order_line_items`, `shipping_address`/`billing_address` (under `addresses`),
`company` (under `companies`) and `fulfillments`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from orderbridge.sandbox.qbc.envelope import JsonDict, created, json_response, no_content, read_root
from orderbridge.sandbox.qbc.listing import (
    FilterKind,
    Listing,
    index_response,
    query_values,
    select,
)
from orderbridge.sandbox.qbc.order_lines import render_line
from orderbridge.sandbox.qbc.order_view import order_lines, render_order, sub_statuses
from orderbridge.sandbox.qbc.ordering import create_order, delete_order, update_order
from orderbridge.sandbox.qbc.parties import render_address, render_company
from orderbridge.sandbox.qbc.records import Order
from orderbridge.sandbox.qbc.resources.common import CallerDep, find, includes
from orderbridge.sandbox.qbc.shipping import render_fulfillment
from orderbridge.sandbox.qbc.state import Account

router = APIRouter()

SUB_STATUSES = ("payment_status", "invoice_status", "packed_status", "fulfillment_status",
                "return_status", "returning_status", "shippability_status",
                "backordering_status")


def _lines_listing(account: Account) -> Listing:
    return Listing(
        filters={"order_id": ("int", lambda ln: ln.order_id),
                 "variant_id": ("int", lambda ln: ln.variant_id),
                 "order_status": ("str", lambda ln: account.orders[ln.order_id].status)},
        has_status=False, positioned=True,
    )


def _attr_of(name: str) -> Callable[[Order], Any]:
    return lambda order: order.attrs.get(name)


def _sub_status(account: Account, name: str) -> Callable[[Order], Any]:
    return lambda order: sub_statuses(account, order)[name]


def _orders_listing(account: Account) -> Listing:
    filters: dict[str, tuple[FilterKind, Callable[[Any], Any]]] = {
        "reference_number": ("str", lambda o: o.reference_number),
        "order_number": ("str", lambda o: o.order_number),
        "tags": ("tags", lambda o: o.tags),
    }
    for name in ("company_id", "shipping_address_id", "billing_address_id",
                 "stock_location_id", "currency_id", "source_id"):
        filters[name] = ("int", attrgetter(name))
    for name in ("contact_id", "assignee_id"):
        filters[name] = ("int", _attr_of(name))
    for name in SUB_STATUSES:
        filters[name] = ("str", _sub_status(account, name))
    return Listing(filters=filters)


def _candidates(request: Request, account: Account) -> Iterable[Order]:
    refs = query_values(request, "reference_number")
    if not refs:
        return account.orders.values()
    ids = sorted({oid for ref in refs for oid in account.orders_by_reference.get(ref, ())})
    return [account.orders[oid] for oid in ids]


@router.get("/orders")
async def list_orders(request: Request, caller: CallerDep) -> Response:
    account = caller.account
    orders = select(request, _candidates(request, account), _orders_listing(account))
    return index_response(request, "orders", orders, lambda o: render_order(account, o),
                          caller.services.settings)


def _sideloads(request: Request, account: Account, order: Order) -> JsonDict:
    wanted = includes(request)
    extra: JsonDict = {}
    if "order_line_items" in wanted:
        extra["order_line_items"] = [render_line(line) for line in order_lines(account, order)]
    address_ids = [order.shipping_address_id] if "shipping_address" in wanted else []
    if "billing_address" in wanted and order.billing_address_id not in address_ids:
        address_ids.append(order.billing_address_id)
    if address_ids:
        extra["addresses"] = [render_address(account.addresses[a]) for a in address_ids
                              if a in account.addresses]
    if "company" in wanted and order.company_id in account.companies:
        extra["companies"] = [render_company(account.companies[order.company_id])]
    return extra


@router.get("/orders/{order_id}")
async def show_order(order_id: str, request: Request, caller: CallerDep) -> Response:
    account = caller.account
    order = find(account.orders, order_id, "order")
    body: JsonDict = {"order": render_order(account, order)}
    body.update(_sideloads(request, account, order))
    if "fulfillments" in includes(request):
        body["fulfillments"] = [render_fulfillment(caller, account.fulfillments[f])
                                for f in order.fulfillment_ids]
    return json_response(body)


@router.post("/orders")
async def post_order(request: Request, caller: CallerDep) -> Response:
    body = await read_root(request, "order")
    order = create_order(caller, body)
    return created("order", render_order(caller.account, order), caller.url("orders", order.id))


@router.put("/orders/{order_id}")
async def put_order(order_id: str, request: Request, caller: CallerDep) -> Response:
    body = await read_root(request, "order")
    update_order(caller, find(caller.account.orders, order_id, "order"), body)
    return no_content()


@router.delete("/orders/{order_id}")
async def remove_order(order_id: str, caller: CallerDep) -> Response:
    delete_order(caller, find(caller.account.orders, order_id, "order"))
    return no_content()


@router.get("/order_line_items")
async def list_order_lines(request: Request, caller: CallerDep) -> Response:
    lines = select(request, caller.account.order_lines.values(), _lines_listing(caller.account))
    return index_response(request, "order_line_items", lines, render_line,
                          caller.services.settings)


@router.get("/order_line_items/{line_id}")
async def show_order_line(line_id: str, caller: CallerDep) -> Response:
    line = find(caller.account.order_lines, line_id, "order_line_item")
    return json_response({"order_line_item": render_line(line)})
