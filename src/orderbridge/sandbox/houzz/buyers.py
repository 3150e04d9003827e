"""Random buyers placing orders on the seeded listings (`POST /_sandbox/orders {"count": N}`).

Everything is drawn from the state's buyer RNG, which `POST /_sandbox/seed` reseeds, so the same
seed and the same requests give the same orders. Money follows the order total rule
    OrderTotal = sum((Price + Shipping + Tax) * Quantity) + FlatShipping
over all lines (a coupon line has a negative Price and Quantity 1).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from orderbridge.sandbox.houzz import buyer_data as data
from orderbridge.sandbox.houzz.listings import Listing
from orderbridge.sandbox.houzz.orders import CHARGED, PLACED, HouzzOrder

CENT = Decimal("0.01")


@dataclass(frozen=True)
class OrderMix:
    """What kinds of orders to place."""

    unknown_sku_rate: float = 0.0
    coupon_rate: float = 0.0


def random_order(rng: random.Random, order_id: str, listings: list[Listing],
                 created_at: datetime, lifecycle: str, mix: OrderMix) -> HouzzOrder:
    city, state, zip_code, area = rng.choice(data.CITIES)
    tax_rate = Decimal(data.TAX_RATES[state])
    items = [_product_line(rng, listing, tax_rate, mix)
             for listing in rng.sample(listings, min(rng.randint(1, 3), len(listings)))]
    if rng.random() < mix.coupon_rate:
        items.append(_coupon_line(rng, items))
    flat = Decimal(rng.choice(data.FLAT_SHIPPING))
    total = sum(((line["Price"] + line["Shipping"] + line["Tax"]) * line["Quantity"]
                 for line in items), Decimal("0")) + flat
    body: dict[str, Any] = {
        "CustomerName": f"{rng.choice(data.FIRST_NAMES)} {rng.choice(data.LAST_NAMES)}",
        "Address": _address(rng, city, state, zip_code, area),
        "OrderTotal": total.quantize(CENT),
        "FlatShipping": flat,
        "ShippingOption": rng.choice(data.SHIPPING_OPTIONS),
        "OrderItems": items,
    }
    status = CHARGED if lifecycle == "post2021" else PLACED
    return HouzzOrder(order_id=order_id, status=status, created_at=created_at, body=body)


def _product_line(rng: random.Random, listing: Listing, tax_rate: Decimal,
                  mix: OrderMix) -> dict[str, Any]:
    sku, price, cost = listing.sku, listing.price, listing.cost
    if rng.random() < mix.unknown_sku_rate:
        price = Decimal(rng.randrange(2000, 90000)) / 100
        sku, cost = f"UNLISTED-{rng.randrange(10_000, 100_000)}", (price * Decimal("0.55"))
    return {
        "Type": "Product",
        "SKU": sku,
        "Quantity": rng.randint(1, 3),
        "Price": price.quantize(CENT),
        "Cost": cost.quantize(CENT),
        "Shipping": Decimal("0.00"),
        "Tax": (price * tax_rate).quantize(CENT),
    }


def _coupon_line(rng: random.Random, items: list[dict[str, Any]]) -> dict[str, Any]:
    subtotal = sum((line["Price"] * line["Quantity"] for line in items), Decimal("0"))
    discount = (subtotal * Decimal(rng.choice(("0.05", "0.10", "0.15")))).quantize(CENT)
    return {"Type": "Coupon", "SKU": f"HOUZZ{rng.randrange(10, 30)}OFF", "Quantity": 1,
            "Price": -discount, "Cost": Decimal("0.00"), "Shipping": Decimal("0.00"),
            "Tax": Decimal("0.00")}


def _address(rng: random.Random, city: str, state: str, zip_code: str,
             area: str) -> dict[str, Any]:
    layout = rng.choice(data.PHONE_LAYOUTS)
    return {
        "Address": f"{rng.randrange(1, 9999)} {rng.choice(data.STREETS)}",
        "Address1": rng.choice(data.SECOND_LINES) if rng.random() < 0.3 else "",
        "City": city,
        "State": state,
        "Zip": zip_code,
        "Phone": layout.format(area=area, n=rng.randrange(100)),
        "Country": "US",
    }
