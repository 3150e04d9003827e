"""Houzz order payload → canonical order, with every problem found on the way.

Pure functions. Whatever the payload holds (missing fields, wrong types, unicode, negative
amounts), the result is a canonical order the store can keep plus a list of problems; an order
with problems is held with their messages, never dropped (DESIGN: "nothing lost").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from orderbridge.addresses import country_code, normalise_phone, normalise_zip, us_state_code
from orderbridge.connectors.houzz import values
from orderbridge.model import CanonicalOrder, Hold, HoldReason

ZERO = Decimal("0")
MAX_ORDER_ID = 100
"""Longest OrderId kept as it is (the store's column); Houzz's are 19 characters."""
MAX_STATUS = 40
MAX_LINES = 500
"""More items than any real Houzz order: held for a person to look at."""
EARLIEST_CREATED = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_AHEAD = timedelta(days=1)
KNOWN_STATUSES = frozenset({"placed", "new", "inproduction", "processing", "charged",
                            "failedtocharge", "shipped", "canceled", "cancelled"})


@dataclass
class Translation:
    """A canonical order and the problems that must hold it."""

    order: CanonicalOrder
    problems: list[Hold] = field(default_factory=list)

    def add(self, code: HoldReason, message: str) -> None:
        self.problems.append(Hold(code=code, message=message))


def channel_order_key(raw: Any) -> str:
    """The Houzz OrderId, or a stable stand-in for a payload that lacks one."""
    order_id = values.text(raw.get("OrderId")) if isinstance(raw, dict) else None
    if order_id and len(order_id) <= MAX_ORDER_ID:
        return order_id
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()
    return f"{'long' if order_id else 'missing'}-id-{digest[:16]}"


def channel_status(raw: Any) -> str | None:
    status = values.text(raw.get("Status")) if isinstance(raw, dict) else None
    return status[:MAX_STATUS] if status else None


def tracking_numbers(raw: Any) -> frozenset[str]:
    """The tracking numbers Houzz shows for a shipped order (comma-joined in one field)."""
    joined = values.text(raw.get("TrackingNumber")) if isinstance(raw, dict) else None
    return frozenset(n.strip() for n in (joined or "").split(",") if n.strip())


def to_canonical(raw: Any, *, cust_ref: str, zone: ZoneInfo, now: datetime) -> Translation:
    """Translate one Houzz order; never raises.

    The parts are gathered as plain values and the canonical order validated once, as a whole:
    one pass of pydantic over nested dicts costs less than building each part as a model.
    """
    payload: dict[str, Any] = raw if isinstance(raw, dict) else {}
    key = channel_order_key(raw)
    problems: list[Hold] = []
    if not isinstance(raw, dict):
        problems.append(Hold(code=HoldReason.INVALID_VALUE,
                             message="Houzz sent this order in a shape orderbridge cannot read"))
    elif key.startswith("missing-id-"):
        problems.append(Hold(code=HoldReason.MISSING_FIELD,
                             message="Houzz sent an order without an OrderId"))
    elif key.startswith("long-id-"):
        problems.append(Hold(code=HoldReason.INVALID_VALUE, message=(
            f"the OrderId is longer than {MAX_ORDER_ID} characters")))
    created = values.created_at(payload.get("Created"), zone)
    if created is None:
        problems.append(Hold(code=HoldReason.MISSING_FIELD, message=(
            f"the order date (Created) is missing or unreadable: {payload.get('Created')!r}")))
    elif not EARLIEST_CREATED <= created <= now + LATEST_AHEAD:
        problems.append(Hold(code=HoldReason.INVALID_VALUE, message=(
            f"the order date (Created) {payload.get('Created')!r} is before 2000 or more "
            "than a day ahead: check the order on Houzz")))
        created = None
    _check_status(payload, problems)
    _check_sizes(payload, problems)
    ship_to = _ship_to(payload.get("Address"), payload.get("CustomerName"), problems)
    lines, shipping, tax = _lines(payload.get("OrderItems"), problems)
    flat = _amount(payload, "FlatShipping", problems, required=False)
    total = _amount(payload, "OrderTotal", problems, required=False)
    order = CanonicalOrder.model_validate({
        "cust_po_no": key, "cust_ref": cust_ref,
        "order_date": (created or now).astimezone(UTC), "ship_to": ship_to,
        "ship_code": (values.text(payload.get("ShippingOption")) or "")[: values.MAX_TEXT]
        or None,
        "items": lines, "shipping_amount": shipping + (flat or ZERO), "tax_amount": tax,
        "order_total": total,
    })
    translation = Translation(order, problems)
    if lines and not order.total_matches:
        translation.add(HoldReason.INVALID_VALUE, (
            f"the Houzz order total {order.order_total} does not match its lines, shipping "
            f"and tax ({order.computed_total})"))
    return translation


def _check_status(payload: dict[str, Any], problems: list[Hold]) -> None:
    status = values.text(payload.get("Status"))
    if status is not None and status.lower() not in KNOWN_STATUSES:
        problems.append(Hold(code=HoldReason.INVALID_VALUE, message=(
            f"the Houzz status {status[:MAX_STATUS]!r} is not one orderbridge knows; check "
            "the order on Houzz")))


def _check_sizes(payload: dict[str, Any], problems: list[Hold]) -> None:
    items = payload.get("OrderItems")
    if isinstance(items, list) and len(items) > MAX_LINES:
        problems.append(Hold(code=HoldReason.INVALID_VALUE, message=(
            f"the order has {len(items)} items, more than {MAX_LINES}: check it on Houzz")))
    for name in ("ShippingOption", "CustomerName"):
        value = values.text(payload.get(name))
        if value and len(value) > values.MAX_TEXT:
            problems.append(Hold(code=HoldReason.INVALID_VALUE, message=(
                f"{name} is longer than {values.MAX_TEXT} characters")))


def _amount(container: dict[str, Any], name: str, problems: list[Hold], *,
            required: bool, where: str = "") -> Decimal | None:
    raw = container.get(name)
    if raw is None or raw == "":
        if required:
            problems.append(Hold(code=HoldReason.MISSING_FIELD,
                                 message=f"{where}{name} is missing"))
        return None
    amount = values.decimal(raw)
    if amount is None or amount < 0:
        problems.append(Hold(code=HoldReason.INVALID_VALUE,
                             message=f"{where}{name} is not a valid amount: {raw!r}"))
        return None
    return amount


_REQUIRED_SHIP_TO = (("first_name", "CustomerName"), ("address_1", "Address.Address"),
                     ("city", "Address.City"), ("zip", "Address.Zip"))


def _ship_to(address: Any, customer_name: Any, problems: list[Hold]) -> dict[str, Any]:
    """The fields of the ship-to ``Party``."""
    is_address = isinstance(address, dict)
    addr: dict[str, Any] = address if is_address else {}
    if not is_address:
        problems.append(Hold(code=HoldReason.MISSING_FIELD,
                             message="the ship-to address is missing"))
    name = values.text(customer_name) or ""
    first, _, last = name.partition(" ")
    given_country = values.text(addr.get("Country"))
    country = country_code(given_country)
    fields = {
        "first_name": first or None, "last_name": last.strip() or None,
        "address_1": values.text(addr.get("Address")),
        "address_2": values.text(addr.get("Address1")),
        "city": values.text(addr.get("City")), "state": values.text(addr.get("State")),
        "zip": values.text(addr.get("Zip")), "country": country or given_country,
        "phone": values.text(addr.get("Phone")),
    }
    for name_, label in _REQUIRED_SHIP_TO:
        if (is_address or name_ == "first_name") and not fields[name_]:
            problems.append(Hold(code=HoldReason.MISSING_FIELD,
                                 message=f"the ship-to {label} is missing"))
    for name_, value in fields.items():
        if value and len(value) > values.MAX_TEXT:
            problems.append(Hold(code=HoldReason.INVALID_VALUE, message=(
                f"the ship-to {name_} is longer than {values.MAX_TEXT} characters")))
    if country is None:
        problems.append(Hold(code=HoldReason.INVALID_VALUE, message=(
            f"the ship-to country {fields['country']!r} is not a recognised country")))
    elif country == "US":
        state = us_state_code(fields["state"])
        if state is None and is_address:
            problems.append(Hold(code=HoldReason.INVALID_VALUE if fields["state"] else
                                 HoldReason.MISSING_FIELD, message=(
                f"the ship-to state {fields['state']!r} is not a US state" if fields["state"]
                else "the ship-to Address.State is missing")))
        fields["state"] = state or fields["state"]
        fields["zip"] = normalise_zip(fields["zip"]) or fields["zip"]
    fields["phone"] = normalise_phone(fields["phone"], country or "US") or fields["phone"]
    return fields


def _lines(items: Any, problems: list[Hold]) -> tuple[list[dict[str, Any]], Decimal, Decimal]:
    """The fields of each ``OrderLine``, and the lines' shipping and tax."""
    if not isinstance(items, list) or not items:
        problems.append(Hold(code=HoldReason.MISSING_FIELD,
                             message="the order has no items (OrderItems is empty or missing)"))
        return [], ZERO, ZERO
    lines: list[dict[str, Any]] = []
    shipping = tax = ZERO
    for index, item in enumerate(items, start=1):
        where = f"item {index}: "
        if not isinstance(item, dict):
            problems.append(Hold(code=HoldReason.INVALID_VALUE,
                                 message=f"{where}is not an order item"))
            continue
        line, line_shipping, line_tax = _line(index, item, where, problems)
        lines.append(line)
        shipping += line_shipping
        tax += line_tax
    return lines, shipping, tax


def _line(index: int, item: dict[str, Any], where: str,
          problems: list[Hold]) -> tuple[dict[str, Any], Decimal, Decimal]:
    kind = values.text(item.get("Type")) or "Product"
    sku = values.text(item.get("SKU"))
    quantity = values.decimal(item.get("Quantity"))
    is_product = kind.lower() == "product"
    if is_product and not sku:
        problems.append(Hold(code=HoldReason.MISSING_FIELD, message=f"{where}SKU is missing"))
    elif sku and len(sku) > values.MAX_TEXT:
        problems.append(Hold(code=HoldReason.INVALID_VALUE,
                             message=f"{where}SKU is longer than {values.MAX_TEXT} characters"))
    if quantity is None or quantity <= 0 or quantity != quantity.to_integral_value():
        problems.append(Hold(code=HoldReason.INVALID_VALUE, message=(
            f"{where}quantity {item.get('Quantity')!r} is not a positive whole number")))
        quantity = quantity if quantity is not None and quantity > 0 else Decimal("1")
    price_field = "Price" if item.get("Price") not in (None, "") else "Cost"
    price = values.decimal(item.get(price_field))
    if price is None or (is_product and price < 0):
        problems.append(Hold(code=HoldReason.INVALID_VALUE, message=(
            f"{where}price {item.get(price_field)!r} is not a valid amount")))
        price = ZERO
    per_unit_shipping = _amount(item, "Shipping", problems, required=False, where=where) or ZERO
    per_unit_tax = _amount(item, "Tax", problems, required=False, where=where) or ZERO
    line_type = "product" if is_product else ("discount" if price < 0 else "fee")
    line = {"line_no": index, "item": (sku or kind)[: values.MAX_TEXT], "quantity": quantity,
            "price": price, "extended_amount": price * quantity,
            "description": None if is_product else kind[: values.MAX_TEXT],
            "line_type": line_type}
    return line, per_unit_shipping * quantity, per_unit_tax * quantity
