"""The deterministic demo catalog both simulators are seeded with.

Seeding each sandbox with the same `{"skus": N, "seed": S}` yields the same SKUs on both sides:
QBC variants carrying stock, Houzz listings carrying the same SKU. That is what a merchant who has
already listed their warehouse catalog on Houzz looks like.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

_MATERIALS = ("Oak", "Walnut", "Teak", "Marble", "Linen", "Velvet", "Brass", "Rattan", "Slate")
_KINDS = (
    "Side Table", "Floor Lamp", "Dining Chair", "Bar Stool", "Area Rug", "Wall Mirror",
    "Bookcase", "Pendant Light", "Ottoman", "Console Table", "Planter", "Throw Pillow",
)
_FINISHES = ("Natural", "Black", "White", "Grey", "Honey", "Navy")


@dataclass(frozen=True)
class CatalogItem:
    """One sellable SKU of the demo merchant."""

    sku: str
    name: str
    price: Decimal
    cost: Decimal
    stock_on_hand: int


def build_catalog(skus: int, seed: int) -> list[CatalogItem]:
    """Build `skus` items, the same ones for the same `seed`."""
    if skus < 0:
        raise ValueError("skus must be zero or more")
    rng = random.Random(seed)
    items: list[CatalogItem] = []
    for index in range(1, skus + 1):
        material = rng.choice(_MATERIALS)
        kind = rng.choice(_KINDS)
        finish = rng.choice(_FINISHES)
        price = Decimal(rng.randrange(1500, 120000)) / 100
        cost = (price * Decimal("0.55")).quantize(Decimal("0.01"))
        items.append(
            CatalogItem(
                sku=f"{material[:3].upper()}-{kind.split()[0][:4].upper()}-{index:05d}",
                name=f"{material} {kind}, {finish}",
                price=price.quantize(Decimal("0.01")),
                cost=cost,
                stock_on_hand=rng.randrange(0, 60),
            )
        )
    return items
