"""Products and variants: creating, updating and rendering them, stock included.

Stock is read-only through the API (reference §7.5): a variant's stock changes only through
`initial_stock_level` on create, fulfilments, and the control API. A PUT that carries stock
fields answers 204 and ignores them, as the real API does.
"""

from __future__ import annotations

from decimal import Decimal

from orderbridge.sandbox.qbc.context import Caller
from orderbridge.sandbox.qbc.envelope import JsonDict
from orderbridge.sandbox.qbc.records import Product, Variant
from orderbridge.sandbox.qbc.stock import cell, set_on_hand, totals
from orderbridge.sandbox.qbc.validation import Errors, copy_attrs
from orderbridge.sandbox.qbc.values import iso_ms, money, stock

PRODUCT_ATTRS = ("product_type", "description", "brand", "supplier", "tags", "opt1", "opt2",
                 "opt3", "image_url")
VARIANT_ATTRS = ("name", "description", "upc", "supplier_code", "opt1", "opt2", "opt3",
                 "manage_stock", "keep_selling", "max_online", "sellable", "online_ordering",
                 "purchasable", "taxable", "composite", "weight", "weight_unit", "hs_code",
                 "country_of_origin", "position", "image_ids")
VARIANT_DEFAULTS: JsonDict = {
    "name": None, "description": None, "upc": None, "supplier_code": None, "opt1": None,
    "opt2": None, "opt3": None, "manage_stock": True, "keep_selling": False, "max_online": None,
    "sellable": True, "online_ordering": True, "purchasable": True, "taxable": True,
    "composite": False, "weight": None, "weight_unit": None, "hs_code": None,
    "country_of_origin": None, "position": 1, "image_ids": [],
}
PRICE_FIELDS = ("retail_price", "wholesale_price", "buy_price")


def create_product(caller: Caller, body: JsonDict) -> Product:
    errors = Errors()
    name = errors.required_str(body, "name")
    errors.check()
    now = caller.now()
    attrs: JsonDict = {key: None for key in PRODUCT_ATTRS}
    attrs["tags"] = []
    copy_attrs(attrs, body, PRODUCT_ATTRS)
    product = Product(id=caller.state.next_id("product"), created_at=now, updated_at=now,
                      name=name, attrs=attrs)
    caller.account.products[product.id] = product
    caller.publish("product.create", "products", product.id)
    return product


def update_product(caller: Caller, product: Product, body: JsonDict) -> None:
    changed = copy_attrs(product.attrs, body, PRODUCT_ATTRS)
    if isinstance(body.get("name"), str) and body["name"].strip() and body["name"] != product.name:
        product.name = body["name"]
        changed = True
    if changed:
        product.updated_at = caller.now()


def _prices(errors: Errors, body: JsonDict) -> dict[str, Decimal | None]:
    return {name: errors.optional_decimal(body, name) for name in PRICE_FIELDS if name in body}


def create_variant(caller: Caller, body: JsonDict) -> Variant:
    account = caller.account
    errors = Errors()
    product_id = errors.required_int(body, "product_id")
    if product_id is not None and product_id not in account.products:
        errors.add("product_id", "does not exist")
    prices = _prices(errors, body)
    initial = errors.optional_decimal(body, "initial_stock_level")
    location_id = errors.optional_int(body, "initial_stock_location_id")
    location_id = account.primary_location_id if location_id is None else location_id
    if location_id not in account.locations:
        errors.add("initial_stock_location_id", "does not exist")
    errors.check()
    assert product_id is not None
    product = account.products[product_id]
    now = caller.now()
    attrs = dict(VARIANT_DEFAULTS)
    copy_attrs(attrs, body, VARIANT_ATTRS)
    if not attrs["name"]:
        attrs["name"] = product.name
    sku = body.get("sku")
    variant = Variant(id=caller.state.next_id("variant"), created_at=now, updated_at=now,
                      product_id=product.id, sku=None if sku is None else str(sku), attrs=attrs,
                      retail_price=prices.get("retail_price"),
                      wholesale_price=prices.get("wholesale_price"),
                      buy_price=prices.get("buy_price"))
    cell(variant, account.primary_location_id)
    account.variants[variant.id] = variant
    account.index_variant_sku(variant)
    product.variant_ids.append(variant.id)
    caller.publish("variant.create", "variants", variant.id)
    if initial is not None:
        set_on_hand(caller, variant, location_id, initial)
    return variant


def update_variant(caller: Caller, variant: Variant, body: JsonDict) -> None:
    """Partial update; stock fields, status and product_id are silently left alone."""
    errors = Errors()
    prices = _prices(errors, body)
    errors.check()
    changed = copy_attrs(variant.attrs, body, VARIANT_ATTRS)
    for name, value in prices.items():
        if getattr(variant, name) != value:
            setattr(variant, name, value)
            changed = True
    if "sku" in body and body["sku"] != variant.sku:
        old = variant.sku
        variant.sku = None if body["sku"] is None else str(body["sku"])
        caller.account.index_variant_sku(variant, old)
        changed = True
    if changed:
        variant.updated_at = caller.now()


def render_product(product: Product) -> JsonDict:
    return {"id": product.id, "created_at": iso_ms(product.created_at),
            "updated_at": iso_ms(product.updated_at), "name": product.name,
            "status": product.status, "variant_ids": list(product.variant_ids), **product.attrs}


def render_variant(variant: Variant, product: Product | None) -> JsonDict:
    on_hand, committed = totals(variant)
    locations = []
    for location_id in sorted(variant.stock):
        level = variant.stock[location_id]
        locations.append({
            "location_id": location_id, "stock_on_hand": stock(level.on_hand),
            "committed": stock(level.committed), "incoming": None, "bin_location": None,
            "reorder_point": None, "production_committed": None, "production_incoming": None,
            "available": stock(level.on_hand - level.committed),
        })
    prices = {"retail": money(variant.retail_price), "wholesale": money(variant.wholesale_price),
              "buy": money(variant.buy_price)}
    return {
        "id": variant.id, "created_at": iso_ms(variant.created_at),
        "updated_at": iso_ms(variant.updated_at), "product_id": variant.product_id,
        "sku": variant.sku, "status": variant.status, **variant.attrs,
        "retail_price": prices["retail"], "wholesale_price": prices["wholesale"],
        "buy_price": prices["buy"], "prices": prices,
        "variant_prices": [{"price_list_id": k, "value": v} for k, v in prices.items() if v],
        "product_name": product.name if product else None,
        "product_status": product.status if product else None,
        "product_type": product.attrs.get("product_type") if product else None,
        "last_cost_price": money(variant.buy_price),
        "moving_average_cost": money(variant.buy_price),
        "stock_on_hand": stock(on_hand), "committed_stock": stock(committed),
        "incoming_stock": "0", "available_stock": stock(on_hand - committed),
        "locations": locations,
        "stock_levels": {str(loc["location_id"]): loc["stock_on_hand"] for loc in locations},
        "committed_stock_levels": {str(loc["location_id"]): loc["committed"] for loc in locations},
    }
