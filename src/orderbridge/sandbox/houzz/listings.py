"""Houzz listings: what `getListings`/`getListing` show and `updateInventory` changes.

A listing is seeded from the shared demo catalog (same SKUs as the QBC sandbox). Every accepted
inventory update is kept in the listing's `history`, which the control API shows, so tests can
check exactly what the hub pushed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from orderbridge.sandbox.catalog import CatalogItem

ACTIVE = "Active"
INACTIVE = "Inactive"


@dataclass
class Listing:
    """One product listed on Houzz under the seller's SKU."""

    sku: str
    product_id: str
    title: str
    quantity: int
    price: Decimal
    cost: Decimal
    status: str = ACTIVE
    lead_time_min: int = 1
    lead_time_max: int = 3
    msrp: Decimal | None = None
    history: list[dict[str, Any]] = field(default_factory=list)

    def as_houzz(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "SKU": self.sku,
            "ProductId": self.product_id,
            "Title": self.title,
            "Quantity": self.quantity,
            "Price": self.price,
            "Cost": self.cost,
            "Status": self.status,
            "ShippingDetails": {"LeadTimeMin": self.lead_time_min,
                                "LeadTimeMax": self.lead_time_max},
        }
        if self.msrp is not None:
            shown["MSRP"] = self.msrp
        return shown


def product_id_for(seed: int, index: int) -> str:
    """An eight-digit Houzz product id, distinct for each index of one seed."""
    return str((seed * 1_000_003 + index * 7_919) % 90_000_000 + 10_000_000)


def listings_from_catalog(items: list[CatalogItem], seed: int) -> list[Listing]:
    return [
        Listing(sku=item.sku, product_id=product_id_for(seed, index), title=item.name,
                quantity=item.stock_on_hand, price=item.price, cost=item.cost)
        for index, item in enumerate(items, start=1)
    ]
