"""Sales orders: create (with nested company, addresses and lines), update, delete.

Choices where the reference is silent (§9–10): `status` defaults to `draft`; only `draft`,
`active` and `finalized` can be set, and only while the order is in one of them (back to
`draft` only while nothing is packed); `order_number` defaults to the next free `SO0001`-style
number and uniqueness is not enforced; a PUT's nested `order_line_items` without an `id` are
added (entries with an `id` are ignored); DELETE makes a draft `deleted` and voids anything
else.
"""

from __future__ import annotations

from typing import Any

from orderbridge.sandbox.qbc.context import Caller
from orderbridge.sandbox.qbc.envelope import JsonDict, invalid_base
from orderbridge.sandbox.qbc.order_lines import add_lines, parse_lines
from orderbridge.sandbox.qbc.parties import (
    check_address,
    check_company,
    insert_address,
    insert_company,
)
from orderbridge.sandbox.qbc.records import Order
from orderbridge.sandbox.qbc.shipping import void_order
from orderbridge.sandbox.qbc.state import CURRENCIES, Account
from orderbridge.sandbox.qbc.stock import tracking_commitment
from orderbridge.sandbox.qbc.validation import Errors, copy_attrs
from orderbridge.sandbox.qbc.values import parse_date

SETTABLE_STATUSES = ("draft", "active", "finalized")
ORDER_ATTRS = ("notes", "email", "phone_number", "source_url", "default_price_list_id",
               "tax_treatment", "contact_id", "assignee_id")


def _existing_id(errors: Errors, body: JsonDict, name: str, records: dict[int, Any],
                 required: bool) -> int | None:
    value = errors.required_int(body, name) if required else errors.optional_int(body, name)
    if value is not None and value not in records:
        errors.add(name, "does not exist")
    return value


def _tags(errors: Errors, body: JsonDict) -> list[str] | None:
    raw = body.get("tags")
    if raw is None:
        return None
    if isinstance(raw, str):
        return [tag.strip() for tag in raw.split(",") if tag.strip()]
    if isinstance(raw, list) and all(isinstance(tag, str) for tag in raw):
        return list(raw)
    errors.add("tags", "is invalid")
    return None


def _currency(errors: Errors, body: JsonDict) -> int | None:
    iso = body.get("currency_iso")
    if iso is None:
        return None
    currency_id = CURRENCIES.get(str(iso).upper())
    if currency_id is None:
        errors.add("currency_iso", "is not a known currency")
    return currency_id


def _issued_at(errors: Errors, body: JsonDict, required: bool) -> Any:
    if body.get("issued_at") in (None, ""):
        if required:
            errors.add("issued_at", "can't be blank")
        return None
    issued = parse_date(body["issued_at"])
    if issued is None:
        errors.add("issued_at", "is not a valid date")
    return issued


def _next_free_number(account: Account) -> str:
    while True:
        number = account.next_order_number()
        if not account.orders_by_number.get(number):
            return number


def create_order(caller: Caller, body: JsonDict) -> Order:
    account = caller.account
    errors = Errors()
    company_body, ship_body = body.get("company"), body.get("shipping_address")
    bill_body = body.get("billing_address")
    company_id = ship_id = bill_id = None
    if isinstance(company_body, dict):
        check_company(errors, company_body, "company.")
        if not isinstance(ship_body, dict):
            errors.add("shipping_address", "can't be blank")
    else:
        company_id = _existing_id(errors, body, "company_id", account.companies, True)
    if isinstance(ship_body, dict):
        check_address(errors, ship_body, "shipping_address.")
    else:
        ship_id = _existing_id(errors, body, "shipping_address_id", account.addresses, True)
    if isinstance(bill_body, dict):
        check_address(errors, bill_body, "billing_address.")
    else:
        bill_id = _existing_id(errors, body, "billing_address_id", account.addresses, False)
    issued_at = _issued_at(errors, body, required=True)
    status = errors.one_of(body, "status", SETTABLE_STATUSES, "draft")
    location_id = _existing_id(errors, body, "stock_location_id", account.locations, False)
    currency_id = _currency(errors, body)
    tags = _tags(errors, body)
    specs = parse_lines(caller, body.get("order_line_items"), errors)
    errors.check()
    if isinstance(company_body, dict):
        company_id = insert_company(caller, company_body).id
    assert company_id is not None and status is not None
    if isinstance(ship_body, dict):
        ship_id = insert_address(caller, ship_body, company_id).id
    if isinstance(bill_body, dict):
        bill_id = insert_address(caller, bill_body, company_id).id
    assert ship_id is not None
    now = caller.now()
    reference = body.get("reference_number")
    order = Order(
        id=caller.state.next_id("order"), created_at=now, updated_at=now,
        order_number=str(body.get("order_number") or _next_free_number(account)),
        reference_number=None if reference is None else str(reference), status=status,
        company_id=company_id, shipping_address_id=ship_id, billing_address_id=bill_id or ship_id,
        stock_location_id=location_id or account.primary_location_id,
        currency_id=currency_id or 1, issued_at=issued_at, source_id=caller.app_id,
        tags=tags or [], attrs={name: body.get(name) for name in ORDER_ATTRS},
    )
    order.attrs["ship_at"] = _ship_at(body)
    account.orders[order.id] = order
    account.index_order(order, None, None)
    with tracking_commitment(caller, order):
        add_lines(caller, order, specs)
    caller.publish("order.create", "orders", order.id)
    if status == "finalized":
        caller.publish("order.finalized", "orders", order.id)
    return order


def _ship_at(body: JsonDict) -> str | None:
    ship_at = parse_date(body.get("ship_at"))
    return ship_at.isoformat() if ship_at else None


def _check_status(errors: Errors, order: Order, status: str | None) -> None:
    if status is None or status == order.status:
        return
    if order.status not in SETTABLE_STATUSES:
        errors.add("status", f"cannot be changed from {order.status}")
    elif status == "draft" and order.fulfillment_ids:
        errors.add("status", "cannot go back to draft once fulfillments exist")


def update_order(caller: Caller, order: Order, body: JsonDict) -> None:
    account = caller.account
    errors = Errors()
    status = errors.one_of(body, "status", SETTABLE_STATUSES) if "status" in body else None
    _check_status(errors, order, status)
    ids = {name: _existing_id(errors, body, name, records, False) for name, records in (
        ("company_id", account.companies), ("shipping_address_id", account.addresses),
        ("billing_address_id", account.addresses), ("stock_location_id", account.locations))}
    issued_at = _issued_at(errors, body, required=False)
    currency_id = _currency(errors, body)
    tags = _tags(errors, body)
    raw_lines = body.get("order_line_items")
    new_lines = [item for item in raw_lines if not (isinstance(item, dict) and "id" in item)] \
        if isinstance(raw_lines, list) else raw_lines
    specs = parse_lines(caller, new_lines, errors)
    errors.check()
    if specs and order.status not in SETTABLE_STATUSES:
        raise invalid_base(f"Cannot add line items to a {order.status} order")
    old_ref, old_number, old_status = order.reference_number, order.order_number, order.status
    with tracking_commitment(caller, order):
        for name, value in ids.items():
            if value is not None:
                setattr(order, name, value)
        if status is not None:
            order.status = status
        add_lines(caller, order, specs)
    copy_attrs(order.attrs, body, ORDER_ATTRS)
    if "ship_at" in body:
        order.attrs["ship_at"] = _ship_at(body)
    if issued_at is not None:
        order.issued_at = issued_at
    if currency_id is not None:
        order.currency_id = currency_id
    if tags is not None:
        order.tags = tags
    if "reference_number" in body:
        ref = body["reference_number"]
        order.reference_number = None if ref is None else str(ref)
    if body.get("order_number"):
        order.order_number = str(body["order_number"])
    account.index_order(order, old_ref, old_number)
    order.updated_at = caller.now()
    if status == "finalized" and old_status != "finalized":
        caller.publish("order.finalized", "orders", order.id)


def delete_order(caller: Caller, order: Order) -> None:
    if order.status == "draft":
        order.status = "deleted"
        order.updated_at = caller.now()
        return
    void_order(caller, order)

