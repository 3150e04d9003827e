"""The simulated Seller API methods, by the name the `method` query parameter carries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orderbridge.sandbox.houzz.methods.call import ApiCall
from orderbridge.sandbox.houzz.methods.get_orders import get_orders
from orderbridge.sandbox.houzz.methods.listing_methods import (
    get_listing,
    get_listings,
    update_inventory,
)
from orderbridge.sandbox.houzz.methods.update_order import update_order

Handler = Callable[[ApiCall], dict[str, Any]]

HANDLERS: dict[str, Handler] = {
    "getOrders": get_orders,
    "updateOrder": update_order,
    "getListings": get_listings,
    "getListing": get_listing,
    "updateInventory": update_inventory,
}
# Seen in client code but not simulated: named in the error so nobody hunts for a typo.
NOT_SIMULATED = ("getOrder", "addListing", "updateListing", "getPayments", "getTransactions")

__all__ = ["HANDLERS", "NOT_SIMULATED", "ApiCall", "Handler"]
