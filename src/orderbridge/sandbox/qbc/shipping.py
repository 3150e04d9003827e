"""Fulfillments (shipments): packing, shipping and voiding, with their stock effects.

A fulfillment is created `packed` (or straight away `fulfilled`); fulfilling one sets
`shipped_at` if it is empty, lowers stock on hand at its location and releases the committed
stock of its lines. When every shipping line is shipped the order becomes `fulfilled`. Draft,
void, deleted and fulfilled orders cannot be packed or shipped (422). Voiding releases committed
stock and voids packed fulfillments; an order with shipped items cannot be voided (422).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from orderbridge.sandbox.qbc.context import Caller
from orderbridge.sandbox.qbc.envelope import JsonDict, invalid, invalid_base
from orderbridge.sandbox.qbc.order_view import order_lines
from orderbridge.sandbox.qbc.records import Fulfillment, FulfillmentLine, Order, OrderLine
from orderbridge.sandbox.qbc.stock import COMMITTING, remove_on_hand, tracking_commitment
from orderbridge.sandbox.qbc.values import ZERO, iso_ms, money, parse_date, parse_moment, to_decimal

NO_LINES = "Cannot create or update a Fulfillment without line items"
FULFILLMENT_ATTRS = ("tracking_company", "tracking_number", "tracking_url", "service", "notes",
                     "delivery_type", "received_at", "exchange_rate")
Items = list[tuple[OrderLine, Decimal]]


def ensure_shippable(order: Order) -> None:
    if order.status == "draft":
        raise invalid_base("Draft orders cannot be packed or fulfilled; activate the order first")
    if order.status not in COMMITTING:
        raise invalid_base(f"Cannot pack or fulfil an order that is {order.status}")


def unpacked_items(caller: Caller, order: Order) -> Items:
    items: Items = []
    for line in order_lines(caller.account, order):
        left = line.quantity - line.packed_qty
        if line.ships and left > 0:
            items.append((line, left))
    return items


def parse_items(caller: Caller, order: Order, raw: Any) -> Items:
    """Validate `fulfillment_line_items` against what is left unpacked on `order`."""
    if not isinstance(raw, list) or not raw:
        raise invalid_base(NO_LINES)
    wanted: dict[int, Decimal] = {}
    problems: list[str] = []
    for item in raw:
        line_id = item.get("order_line_item_id") if isinstance(item, dict) else None
        line = caller.account.order_lines.get(line_id) if isinstance(line_id, int) else None
        quantity = to_decimal(item.get("quantity")) if isinstance(item, dict) else None
        if line is None or line.order_id != order.id or not line.ships:
            problems.append(f"order_line_item_id {line_id} is not a shippable line of the order")
        elif quantity is None or quantity <= 0:
            problems.append(f"quantity for order_line_item_id {line_id} must be greater than 0")
        else:
            wanted[line.id] = wanted.get(line.id, ZERO) + quantity
    for line_id, quantity in wanted.items():
        line = caller.account.order_lines[line_id]
        if quantity > line.quantity - line.packed_qty:
            left = money(line.quantity - line.packed_qty)
            problems.append(f"quantity for order_line_item_id {line_id} exceeds the {left} left")
    if problems:
        raise invalid({"fulfillment_line_items": problems})
    return [(caller.account.order_lines[i], q) for i, q in wanted.items()]


def tracking_fields(body: JsonDict) -> JsonDict:
    fields = {name: body[name] for name in FULFILLMENT_ATTRS if name in body}
    if "shipped_at" in body:
        moment = parse_moment(str(body["shipped_at"])) if body["shipped_at"] else None
        if body["shipped_at"] and moment is None:
            raise invalid({"shipped_at": ["is not a valid datetime"]})
        fields["shipped_at"] = moment
    if body.get("packed_at"):
        packed = parse_date(body["packed_at"])
        if packed is None:
            raise invalid({"packed_at": ["is not a valid date"]})
        fields["packed_at"] = packed
    return fields


def _apply_fields(fulfillment: Fulfillment, fields: JsonDict) -> None:
    for name, value in fields.items():
        if name in ("shipped_at", "packed_at"):
            setattr(fulfillment, name, value)
        else:
            fulfillment.attrs[name] = value


def _ship(caller: Caller, order: Order, fulfillment: Fulfillment) -> None:
    """Mark `fulfillment` shipped; call inside `tracking_commitment(order)`."""
    fulfillment.status = "fulfilled"
    fulfillment.shipped_at = fulfillment.shipped_at or caller.now()
    for line_id in fulfillment.line_ids:
        fline = caller.account.fulfillment_lines[line_id]
        caller.account.order_lines[fline.order_line_item_id].shipped_qty += fline.quantity
        remove_on_hand(caller, fline.variant_id, fulfillment.stock_location_id, fline.quantity)


def _after_change(caller: Caller, order: Order) -> None:
    order.updated_at = caller.now()
    lines = [line for line in order_lines(caller.account, order) if line.ships]
    if order.status in COMMITTING and lines and all(ln.shipped_qty >= ln.quantity for ln in lines):
        order.status = "fulfilled"
        caller.publish("order.fulfilled", "orders", order.id)


def create_fulfillment(caller: Caller, order: Order, items: Items, fields: JsonDict,
                       ship: bool = False) -> Fulfillment:
    account = caller.account
    now = caller.now()
    attrs: JsonDict = {name: None for name in FULFILLMENT_ATTRS}
    attrs.update(exchange_rate="1.0", company_id=order.company_id,
                 shipping_address_id=order.shipping_address_id,
                 billing_address_id=order.billing_address_id)
    location_id = fields.pop("stock_location_id", None) or order.stock_location_id
    fulfillment = Fulfillment(id=caller.state.next_id("fulfillment"), created_at=now,
                              updated_at=now, order_id=order.id, status="packed",
                              stock_location_id=location_id, packed_at=now.date(), attrs=attrs)
    _apply_fields(fulfillment, fields)
    for position, (line, quantity) in enumerate(items, start=1):
        fline = FulfillmentLine(id=caller.state.next_id("fulfillment_line_item"), created_at=now,
                                updated_at=now, fulfillment_id=fulfillment.id,
                                order_line_item_id=line.id, variant_id=line.variant_id,
                                quantity=quantity, position=position)
        account.fulfillment_lines[fline.id] = fline
        fulfillment.line_ids.append(fline.id)
        line.fulfillment_line_item_ids.append(fline.id)
        line.packed_qty += quantity
    account.fulfillments[fulfillment.id] = fulfillment
    order.fulfillment_ids.append(fulfillment.id)
    caller.publish("fulfillment.create", "fulfillments", fulfillment.id)
    if ship:
        ship_fulfillment(caller, order, fulfillment)
    else:
        _after_change(caller, order)
    return fulfillment


def ship_fulfillment(caller: Caller, order: Order, fulfillment: Fulfillment) -> None:
    """A packed fulfillment leaves the warehouse."""
    with tracking_commitment(caller, order):
        _ship(caller, order, fulfillment)
    fulfillment.updated_at = caller.now()
    caller.publish("fulfillment.fulfilled", "fulfillments", fulfillment.id)
    _after_change(caller, order)


def fulfil_order(caller: Caller, order: Order, fields: JsonDict) -> Fulfillment:
    """`actions/fulfil`: ship packed fulfillments, then everything still unpacked."""
    ensure_shippable(order)
    packed = [caller.account.fulfillments[f] for f in order.fulfillment_ids
              if caller.account.fulfillments[f].status == "packed"]
    items = unpacked_items(caller, order)
    if not packed and not items:
        raise invalid_base("There is nothing left to fulfil on this order")
    last: Fulfillment | None = None
    for fulfillment in packed:
        _apply_fields(fulfillment, {k: v for k, v in fields.items() if v is not None})
        ship_fulfillment(caller, order, fulfillment)
        last = fulfillment
    if items:
        last = create_fulfillment(caller, order, items, dict(fields), ship=True)
    assert last is not None
    return last


def void_order(caller: Caller, order: Order) -> None:
    if order.status in ("void", "deleted"):
        raise invalid_base(f"Order is already {order.status}")
    shipped = any(line.shipped_qty > 0 for line in order_lines(caller.account, order))
    if order.status == "fulfilled" or shipped:
        raise invalid_base("Cannot void an order that has shipped fulfillments")
    with tracking_commitment(caller, order):
        order.status = "void"
    for fulfillment_id in order.fulfillment_ids:
        fulfillment = caller.account.fulfillments[fulfillment_id]
        if fulfillment.status == "packed":
            unpack(caller, fulfillment, "void")
    order.updated_at = caller.now()


def unpack(caller: Caller, fulfillment: Fulfillment, status: str) -> None:
    fulfillment.status = status
    fulfillment.updated_at = caller.now()
    for line_id in fulfillment.line_ids:
        fline = caller.account.fulfillment_lines[line_id]
        caller.account.order_lines[fline.order_line_item_id].packed_qty -= fline.quantity


def render_fulfillment(caller: Caller, fulfillment: Fulfillment) -> JsonDict:
    order = caller.account.orders.get(fulfillment.order_id)
    return {
        "id": fulfillment.id, "created_at": iso_ms(fulfillment.created_at),
        "updated_at": iso_ms(fulfillment.updated_at), "order_id": fulfillment.order_id,
        "order_number": order.order_number if order else None, "status": fulfillment.status,
        "stock_location_id": fulfillment.stock_location_id, **fulfillment.attrs,
        "packed_at": fulfillment.packed_at.isoformat() if fulfillment.packed_at else None,
        "shipped_at": iso_ms(fulfillment.shipped_at),
        "fulfillment_line_item_ids": list(fulfillment.line_ids),
    }


def render_fulfillment_line(caller: Caller, fline: FulfillmentLine) -> JsonDict:
    account = caller.account
    variant = account.variants.get(fline.variant_id) if fline.variant_id is not None else None
    line = account.order_lines.get(fline.order_line_item_id)
    return {
        "id": fline.id, "created_at": iso_ms(fline.created_at),
        "updated_at": iso_ms(fline.updated_at), "fulfillment_id": fline.fulfillment_id,
        "order_line_item_id": fline.order_line_item_id, "variant_id": fline.variant_id,
        "variant_sku": variant.sku if variant else None, "quantity": money(fline.quantity),
        "base_price": money(line.price) if line else None, "position": fline.position,
    }
