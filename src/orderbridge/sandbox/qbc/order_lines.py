"""Order line items: validating nested `order_line_items`, storing them, pricing them.

A product line needs an existing `variant_id`; freeform lines and non-product `line_type`s
(discount, shipping, fee, ...) may omit it (reference Q7, chosen). `price` defaults to the
variant's retail price (the account's default price list), `discount` is a percentage and
`tax_rate_override` a tax percentage applied to the discounted line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from orderbridge.sandbox.qbc.context import Caller
from orderbridge.sandbox.qbc.envelope import JsonDict
from orderbridge.sandbox.qbc.records import Order, OrderLine
from orderbridge.sandbox.qbc.validation import Errors
from orderbridge.sandbox.qbc.values import ZERO, flag, iso_ms, money, to_decimal, to_int

LINE_TYPES = ("product", "discount", "shipping", "rounding", "fee", "gift_wrap")
LINE_ATTRS = ("label", "image_url", "tax_type_id")
HUNDRED = Decimal(100)
KEY = "order_line_items"


@dataclass
class LineSpec:
    """One validated nested line, ready to store."""

    variant_id: int | None
    quantity: Decimal
    price: Decimal
    discount: Decimal | None
    tax_rate_override: Decimal | None
    position: int | None
    freeform: bool
    line_type: str
    attrs: JsonDict


def _number(errors: Errors, raw: JsonDict, name: str) -> Decimal | None:
    if raw.get(name) is None or raw.get(name) == "":
        return None
    value = to_decimal(raw[name])
    if value is None:
        errors.add(KEY, f"{name} is not a number")
    return value


def parse_line(caller: Caller, raw: Any, errors: Errors) -> LineSpec | None:
    if not isinstance(raw, dict):
        errors.add(KEY, "is invalid")
        return None
    before = len(errors.by_attr.get(KEY, []))
    freeform = flag(raw.get("freeform"), False)
    line_type = raw.get("line_type") or "product"
    if line_type not in LINE_TYPES:
        errors.add(KEY, "line_type is not included in the list")
    variant = None
    variant_id = to_int(raw.get("variant_id")) if raw.get("variant_id") is not None else None
    if raw.get("variant_id") is not None and variant_id is None:
        errors.add(KEY, "variant_id is not a number")
    elif variant_id is not None:
        variant = caller.account.variants.get(variant_id)
        if variant is None:
            errors.add(KEY, f"variant_id {variant_id} does not exist")
    elif line_type == "product" and not freeform:
        errors.add(KEY, "variant_id can't be blank")
    quantity = _number(errors, raw, "quantity")
    if raw.get("quantity") is None or raw.get("quantity") == "":
        errors.add(KEY, "quantity can't be blank")
    price = _number(errors, raw, "price")
    discount = _number(errors, raw, "discount")
    if discount is not None and not -HUNDRED <= discount <= HUNDRED:
        errors.add(KEY, "discount must be between -100 and 100")
    tax = _number(errors, raw, "tax_rate_override")
    position = to_int(raw.get("position")) if raw.get("position") is not None else None
    if len(errors.by_attr.get(KEY, [])) > before or quantity is None:
        return None
    if price is None:
        price = (variant.retail_price if variant else None) or ZERO
    attrs = {name: raw.get(name) for name in LINE_ATTRS}
    return LineSpec(variant_id, quantity, price, discount, tax, position, freeform,
                    str(line_type), attrs)


def parse_lines(caller: Caller, raw: Any, errors: Errors) -> list[LineSpec]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors.add(KEY, "is invalid")
        return []
    specs = [parse_line(caller, item, errors) for item in raw]
    return [spec for spec in specs if spec is not None]


def add_lines(caller: Caller, order: Order, specs: list[LineSpec]) -> None:
    account = caller.account
    now = caller.now()
    for spec in specs:
        line = OrderLine(
            id=caller.state.next_id("order_line_item"), created_at=now, updated_at=now,
            order_id=order.id, variant_id=spec.variant_id, quantity=spec.quantity,
            price=spec.price, discount=spec.discount, tax_rate_override=spec.tax_rate_override,
            position=spec.position if spec.position is not None else len(order.line_ids) + 1,
            freeform=spec.freeform, line_type=spec.line_type, attrs=spec.attrs,
        )
        account.order_lines[line.id] = line
        order.line_ids.append(line.id)


def line_total(line: OrderLine) -> Decimal:
    subtotal = line.price * line.quantity
    if line.discount:
        subtotal -= subtotal * line.discount / HUNDRED
    if line.tax_rate_override:
        subtotal += subtotal * line.tax_rate_override / HUNDRED
    return subtotal


def render_line(line: OrderLine) -> JsonDict:
    return {
        "id": line.id, "created_at": iso_ms(line.created_at),
        "updated_at": iso_ms(line.updated_at), "order_id": line.order_id,
        "variant_id": line.variant_id, "quantity": money(line.quantity),
        "price": money(line.price), "discount": money(line.discount),
        "freeform": line.freeform, "line_type": line.line_type, "position": line.position,
        "tax_rate_override": money(line.tax_rate_override), "tax_rate": None,
        **line.attrs, "shippable": line.ships,
        "fulfillment_line_item_ids": list(line.fulfillment_line_item_ids),
        "fulfillment_return_line_item_ids": [], "invoice_line_item_ids": [],
    }
