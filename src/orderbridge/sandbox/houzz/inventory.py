"""`updateInventory`: validate one `<UpdateInventoryRequest>` and apply it to its listing.

All fields are checked before anything changes, so a refused request leaves the listing as it
was. Element order does not matter (clients append fields in any order).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from orderbridge.sandbox.houzz.errors import HouzzApiError, invalid_field, missing_field
from orderbridge.sandbox.houzz.listings import ACTIVE, INACTIVE, Listing

ROOT = "UpdateInventoryRequest"
_ATTRIBUTES = {
    "Quantity": "quantity", "Status": "status", "Price": "price", "MSRP": "msrp",
    "ShippingLeadTimeMin": "lead_time_min", "ShippingLeadTimeMax": "lead_time_max",
}
_UPDATABLE = tuple(_ATTRIBUTES)


def listing_to_update(fields: dict[str, str], listings: dict[str, Listing]) -> Listing:
    sku = fields.get("SKU", "")
    if not sku:
        raise missing_field("SKU", ROOT)
    action = fields.get("Action", "")
    if not action:
        raise missing_field("Action", ROOT)
    if action.lower() != "update":
        raise invalid_field("Action", action, "updateInventory only knows Action 'update'")
    listing = listings.get(sku)
    if listing is None:
        raise HouzzApiError("ListingNotFound", f"SKU {sku} is not listed on Houzz; list it in "
                            "Seller Central first or check the SKU mapping.")
    return listing


def validated_changes(fields: dict[str, str], listing: Listing) -> dict[str, Any]:
    """The new values by field name, all checked; raises on the first bad one."""
    changes: dict[str, Any] = {}
    if "Quantity" in fields:
        changes["Quantity"] = _count(fields, "Quantity")
    if "Status" in fields:
        status = fields["Status"]
        if status.lower() not in ("active", "inactive"):
            raise invalid_field("Status", status, "use active or inactive")
        changes["Status"] = ACTIVE if status.lower() == "active" else INACTIVE
    for name in ("Price", "MSRP"):
        if name in fields:
            changes[name] = _money(fields, name)
    for name in ("ShippingLeadTimeMin", "ShippingLeadTimeMax"):
        if name in fields:
            changes[name] = _count(fields, name)
    if not changes:
        raise HouzzApiError("MissingField", f"<{ROOT}> for SKU {listing.sku} changes nothing; "
                            f"send at least one of {', '.join(_UPDATABLE)}.")
    low = changes.get("ShippingLeadTimeMin", listing.lead_time_min)
    high = changes.get("ShippingLeadTimeMax", listing.lead_time_max)
    if low > high:
        raise invalid_field("ShippingLeadTimeMin", str(low),
                            f"it must not exceed ShippingLeadTimeMax ({high})")
    return changes


def apply_changes(listing: Listing, changes: dict[str, Any], now_text: str) -> None:
    previous = {name: getattr(listing, _ATTRIBUTES[name]) for name in changes}
    for name, value in changes.items():
        setattr(listing, _ATTRIBUTES[name], value)
    listing.history.append({"at": now_text, "changes": changes, "previous": previous})


def _count(fields: dict[str, str], name: str) -> int:
    text = fields[name]
    if not (text.isascii() and text.isdigit()):
        raise invalid_field(name, text, "use a whole number, 0 or more")
    return int(text)


def _money(fields: dict[str, str], name: str) -> Decimal:
    text = fields[name]
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise invalid_field(name, text, "use an amount such as 129.99, 0 or more")
    return value.quantize(Decimal("0.01"))
