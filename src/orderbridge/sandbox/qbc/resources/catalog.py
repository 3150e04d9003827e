"""`/products` and `/variants`: the merchant's catalog and its stock levels."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, Request
from fastapi.responses import Response

from orderbridge.sandbox.qbc.catalog import (
    create_product,
    create_variant,
    render_product,
    render_variant,
    update_product,
    update_variant,
)
from orderbridge.sandbox.qbc.envelope import (
    JsonDict,
    created,
    json_response,
    no_content,
    read_root,
)
from orderbridge.sandbox.qbc.listing import Listing, index_response, query_values, select
from orderbridge.sandbox.qbc.records import Variant
from orderbridge.sandbox.qbc.resources.common import CallerDep, find, includes

router = APIRouter()

PRODUCTS = Listing(
    filters={"product_type": ("str", lambda p: p.attrs.get("product_type")),
             "brand": ("str", lambda p: p.attrs.get("brand")),
             "tags": ("tags", lambda p: p.attrs.get("tags"))},
    default_statuses=frozenset({"active", "disabled"}),
)
VARIANTS = Listing(
    filters={"product_id": ("int", lambda v: v.product_id), "sku": ("str", lambda v: v.sku)},
    default_statuses=frozenset({"active"}),
)


@router.get("/products")
async def list_products(request: Request, caller: CallerDep) -> Response:
    products = select(request, caller.account.products.values(), PRODUCTS)
    return index_response(request, "products", products, render_product,
                          caller.services.settings)


@router.get("/products/{product_id}")
async def show_product(product_id: str, request: Request, caller: CallerDep) -> Response:
    account = caller.account
    product = find(account.products, product_id, "product")
    body: JsonDict = {"product": render_product(product)}
    if "variants" in includes(request):
        body["variants"] = [render_variant(account.variants[v], product)
                            for v in product.variant_ids if account.variants[v].status == "active"]
    return json_response(body)


@router.post("/products")
async def post_product(request: Request, caller: CallerDep) -> Response:
    body = await read_root(request, "product")
    product = create_product(caller, body)
    return created("product", render_product(product), caller.url("products", product.id))


@router.put("/products/{product_id}")
async def put_product(product_id: str, request: Request, caller: CallerDep) -> Response:
    body = await read_root(request, "product")
    update_product(caller, find(caller.account.products, product_id, "product"), body)
    return no_content()


@router.delete("/products/{product_id}")
async def delete_product(product_id: str, caller: CallerDep) -> Response:
    account = caller.account
    product = find(account.products, product_id, "product")
    now = caller.now()
    product.status = "archived"
    product.updated_at = now
    for variant_id in product.variant_ids:
        account.variants[variant_id].status = "archived"
        account.variants[variant_id].updated_at = now
    return no_content()


def _variant_candidates(request: Request, caller: CallerDep) -> Iterable[Variant]:
    account = caller.account
    skus = query_values(request, "sku")
    if not skus:
        return account.variants.values()
    ids = sorted({vid for sku in skus for vid in account.variants_by_sku.get(sku, ())})
    return [account.variants[vid] for vid in ids]


@router.get("/variants")
async def list_variants(request: Request, caller: CallerDep) -> Response:
    account = caller.account
    variants = select(request, _variant_candidates(request, caller), VARIANTS)
    products = account.products
    return index_response(request, "variants", variants,
                          lambda v: render_variant(v, products.get(v.product_id)),
                          caller.services.settings)


@router.get("/variants/{variant_id}")
async def show_variant(variant_id: str, caller: CallerDep) -> Response:
    variant = find(caller.account.variants, variant_id, "variant")
    product = caller.account.products.get(variant.product_id)
    return json_response({"variant": render_variant(variant, product)})


@router.post("/variants")
async def post_variant(request: Request, caller: CallerDep) -> Response:
    body = await read_root(request, "variant")
    variant = create_variant(caller, body)
    product = caller.account.products.get(variant.product_id)
    return created("variant", render_variant(variant, product),
                   caller.url("variants", variant.id))


@router.put("/variants/{variant_id}")
async def put_variant(variant_id: str, request: Request, caller: CallerDep) -> Response:
    body = await read_root(request, "variant")
    update_variant(caller, find(caller.account.variants, variant_id, "variant"), body)
    return no_content()


@router.delete("/variants/{variant_id}")
async def delete_variant(variant_id: str, caller: CallerDep) -> Response:
    variant = find(caller.account.variants, variant_id, "variant")
    variant.status = "archived"
    variant.updated_at = caller.now()
    return no_content()
