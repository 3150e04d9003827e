"""Seeding an account with the shared demo catalog (`build_catalog`), quickly.

One product and one variant per catalog item: retail price = item price, buy price = item cost,
stock on hand at the primary location = item stock, `manage_stock` true, `keep_selling` false.
Seeding adds to what is there and skips SKUs the account already has, so it is safe to repeat;
after a reset the same seed gives the same ids. Records are stored directly, without raising
webhook events (a bulk import, not API traffic), so 10,000 SKUs seed in well under a second.
"""

from __future__ import annotations

from orderbridge.sandbox.catalog import build_catalog
from orderbridge.sandbox.qbc.catalog import VARIANT_DEFAULTS
from orderbridge.sandbox.qbc.records import Product, StockCell, Variant
from orderbridge.sandbox.qbc.state import Account, SandboxState
from orderbridge.sandbox.qbc.values import ZERO

EXTRA_LOCATION_LABELS = ("Overflow", "Returns Dock", "Showroom")


def ensure_locations(state: SandboxState, account: Account, wanted: int) -> list[int]:
    """Make sure the account has at least `wanted` locations; their ids, primary first."""
    while len(account.locations) < wanted:
        index = len(account.locations) - 1
        label = (EXTRA_LOCATION_LABELS[index] if index < len(EXTRA_LOCATION_LABELS)
                 else f"Overflow {index + 1}")
        state.new_location(account, label, address1=f"{index + 2} Warehouse Way")
    return list(account.locations)


def seed_catalog(state: SandboxState, account: Account, skus: int, seed: int,
                 locations: int = 1) -> tuple[int, list[int]]:
    """Returns (variants created, location ids)."""
    location_ids = ensure_locations(state, account, max(1, locations))
    extra = [loc for loc in location_ids[:max(1, locations)]
             if loc != account.primary_location_id]
    now = state.clock.now()
    created = 0
    for item in build_catalog(skus, seed):
        if account.variants_by_sku.get(item.sku):
            continue
        product = Product(id=state.next_id("product"), created_at=now, updated_at=now,
                          name=item.name, attrs={
                              "product_type": "Furniture", "description": None, "brand": None,
                              "supplier": None, "tags": [], "opt1": None, "opt2": None,
                              "opt3": None, "image_url": None})
        attrs = dict(VARIANT_DEFAULTS, name=item.name)
        variant = Variant(id=state.next_id("variant"), created_at=now, updated_at=now,
                          product_id=product.id, sku=item.sku, retail_price=item.price,
                          buy_price=item.cost, wholesale_price=None, attrs=attrs)
        variant.stock[account.primary_location_id] = StockCell(on_hand=item.stock_on_hand + ZERO)
        for location_id in extra:
            variant.stock[location_id] = StockCell()
        product.variant_ids.append(variant.id)
        account.products[product.id] = product
        account.variants[variant.id] = variant
        account.index_variant_sku(variant)
        created += 1
    return created, location_ids
