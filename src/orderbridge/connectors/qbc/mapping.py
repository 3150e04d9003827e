"""Canonical order → the QBC `POST /orders` payload, and buyer identity.

One request per order (reference §7.1 "Create, with nested line items in one request"): product
lines by variant id, shipping and tax as freeform lines so that the QBC total equals the Houzz
total, the buyer either as a nested consumer `company` + `shipping_address` (first order) or by
the ids QBC gave the last time (repeat buyer), so delivery never needs a lookup call.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from orderbridge.addresses import COUNTRY_NAMES
from orderbridge.model import CanonicalOrder, Party

ZERO_TAX = "0"


@dataclass(frozen=True)
class BuyerKeys:
    """Stable keys for a buyer (name + phone) and one of their addresses."""

    company: str
    address: str

    @property
    def both(self) -> tuple[str, str]:
        """The two keys (``dataclasses.astuple`` deep-copies: a hot path cannot afford it)."""
        return self.company, self.address


@dataclass(frozen=True)
class BuyerIds:
    """The QBC ids of a buyer seen before; `address_id` None means a new address."""

    company_id: int
    address_id: int | None


def _digest(*parts: str | None) -> str:
    text = "\x1f".join((part or "").strip().lower() for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@lru_cache(maxsize=1024)
def buyer_keys(party: Party) -> BuyerKeys:
    """The buyer's keys (a party is frozen, so delivering an order computes them once)."""
    company = _digest(party.first_name, party.last_name, party.phone)
    address = _digest(company, party.company, party.address_1, party.address_2, party.city,
                      party.state, party.zip, party.country)
    return BuyerKeys(company=f"c:{company}", address=f"a:{address}")


def _money(value: Decimal) -> str:
    """Two decimals unless the value is finer (a quantity of 1.125 stays exact)."""
    exponent = value.as_tuple().exponent
    exact = isinstance(exponent, int) and exponent < -2
    return format(value if exact else value.quantize(Decimal("0.01")), "f")


def _address(party: Party) -> dict[str, Any]:
    country = party.country or "US"
    return {
        "label": "Shipping",
        "first_name": party.first_name or "",
        "last_name": party.last_name or "",
        "company_name": party.company or "",
        "address1": party.address_1 or "",
        "address2": party.address_2 or "",
        "city": party.city or "",
        "state": party.state or "",
        "zip_code": party.zip or "",
        "country": COUNTRY_NAMES.get(country, country),
        "country_code": country,
        "phone_number": party.phone or "",
        "email": party.e_mail or "",
    }


def buyer_name(party: Party) -> str:
    name = " ".join(part for part in (party.first_name, party.last_name) if part)
    return name or party.company or "Houzz buyer"


def order_payload(order: CanonicalOrder, *, variant_ids: dict[int, int],
                  buyer: BuyerIds | None, status: str, location_id: int | None,
                  ship_value: str | None, tags: list[str]) -> dict[str, Any]:
    """The body of `POST /orders`; `variant_ids` maps product line numbers to QBC variants."""
    lines: list[dict[str, Any]] = []
    for line in order.items:
        entry: dict[str, Any] = {"quantity": _money(line.quantity), "price": _money(line.price),
                                 "tax_rate_override": ZERO_TAX, "position": line.line_no}
        if line.line_type == "product":
            entry.update(variant_id=variant_ids[line.line_no], line_type="product")
        else:
            entry.update(freeform=True, line_type=line.line_type,
                         label=line.description or line.item)
        lines.append(entry)
    extras = [("shipping", "Shipping", order.shipping_amount),
              ("fee", "Sales tax", order.tax_amount)]
    for line_type, label, amount in extras:
        if amount:
            lines.append({"freeform": True, "line_type": line_type, "label": label,
                          "quantity": "1", "price": _money(amount),
                          "tax_rate_override": ZERO_TAX, "position": len(lines) + 1})
    body: dict[str, Any] = {
        "order_number": order.cust_ref,
        "reference_number": order.cust_po_no,
        "issued_at": order.order_date.date().isoformat(),
        "status": status,
        "currency_iso": order.currency,
        "tags": tags + ([f"ship:{ship_value}"] if ship_value else []),
        "order_line_items": lines,
    }
    if ship_value:
        body["notes"] = f"Houzz shipping: {ship_value}"
    if location_id is not None:
        body["stock_location_id"] = location_id
    if order.ship_to.phone:
        body["phone_number"] = order.ship_to.phone
    _attach_buyer(body, order.ship_to, buyer)
    return {"order": body}


def _attach_buyer(body: dict[str, Any], party: Party, buyer: BuyerIds | None) -> None:
    if buyer is None:
        body["company"] = {"name": buyer_name(party), "company_type": "consumer",
                           "phone_number": party.phone or ""}
        body["shipping_address"] = _address(party)
        return
    body["company_id"] = buyer.company_id
    if buyer.address_id is None:
        body["shipping_address"] = _address(party)
    else:
        body["shipping_address_id"] = buyer.address_id
        body["billing_address_id"] = buyer.address_id
