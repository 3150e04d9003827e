"""`getListings`, `getListing` and `updateInventory`.

`getListings` takes `Status` Active, Inactive or All (case-insensitive; absent = All) and pages
like the order feed; `TotalListingCount` counts every match and `Listings` is left out when the
page is empty (observed). `getListing` finds one listing by `SKU` or `productId`.
"""

from __future__ import annotations

from typing import Any

from orderbridge.sandbox.houzz.errors import HouzzApiError, invalid_parameter
from orderbridge.sandbox.houzz.inventory import (
    ROOT as INVENTORY_ROOT,
)
from orderbridge.sandbox.houzz.inventory import (
    apply_changes,
    listing_to_update,
    validated_changes,
)
from orderbridge.sandbox.houzz.methods.call import ApiCall
from orderbridge.sandbox.houzz.methods.paging import page_of
from orderbridge.sandbox.houzz.xmlio import parse_request

_LISTING_STATUSES = {"active": "Active", "inactive": "Inactive", "all": None}


def get_listings(call: ApiCall) -> dict[str, Any]:
    raw = call.param("Status")
    key = raw.lower() or "all"
    if key not in _LISTING_STATUSES:
        raise invalid_parameter("Status", raw, "use Active, Inactive or All")
    wanted = _LISTING_STATUSES[key]
    matching = [item for item in call.state.listings.values()
                if wanted is None or item.status == wanted]
    payload: dict[str, Any] = {"TotalListingCount": len(matching)}
    page = page_of(call, matching)
    if page:
        payload["Listings"] = [item.as_houzz() for item in page]
    return payload


def get_listing(call: ApiCall) -> dict[str, Any]:
    state = call.state
    sku, product_id = call.param("SKU"), call.param("productId")
    if sku:
        listing = state.listings.get(sku)
        wanted = f"SKU {sku}"
    elif product_id:
        listing = state.listing_by_product_id(product_id)
        wanted = f"productId {product_id}"
    else:
        raise HouzzApiError("MissingParameter",
                            "getListing needs a SKU or productId query parameter.")
    if listing is None:
        raise HouzzApiError("ListingNotFound", f"No listing with {wanted} on this seller account.")
    return {"Listing": listing.as_houzz()}


def update_inventory(call: ApiCall) -> dict[str, Any]:
    fields = parse_request(call.body, INVENTORY_ROOT)
    listing = listing_to_update(fields, call.state.listings)
    changes = validated_changes(fields, listing)
    apply_changes(listing, changes, call.state.now_text())
    return {}
