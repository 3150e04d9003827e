"""Which Houzz SKU gets which QBC stock (aliases), and what is reported rather than pushed."""

from __future__ import annotations

from orderbridge.sandbox.catalog import build_catalog
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.store import mappings
from orderbridge.workflows.context import IntegrationContext
from tests.workflows.inventory.rig import (
    QbcApi,
    available,
    forget_calls,
    houzz_quantities,
    inventory_calls,
    levels,
    run_inventory,
    set_stock,
)

SKUS = [item.sku for item in build_catalog(20, 5)]


def alias(ctx: IntegrationContext, houzz_sku: str, qbc_sku: str) -> None:
    with ctx.store.begin() as session:
        mappings.add_alias(session, ctx.integration_id, houzz_sku, qbc_sku)


def test_one_warehouse_sku_backs_several_houzz_listings(ctx: IntegrationContext,
                                                        pair: SandboxPair) -> None:
    backing = SKUS[5]
    alias(ctx, SKUS[0], backing)
    alias(ctx, SKUS[1], backing)
    first = run_inventory(ctx)
    assert first.pushed == 20  # 18 SKUs as they are + the two aliased listings
    shown = houzz_quantities(pair)
    # the listing named as the warehouse item keeps showing its stock beside its aliases
    # (found by the chaos run: mapping an old SKU onto an item used to stop its own listing)
    assert shown[SKUS[0]] == shown[SKUS[1]] == shown[backing] == available(pair, backing)
    assert levels(ctx)[backing].warehouse_sku == backing

    forget_calls(pair)
    set_stock(pair, backing, 3)
    assert run_inventory(ctx).pushed == 3
    assert len(inventory_calls(pair)) == 3
    shown = houzz_quantities(pair)
    assert (shown[SKUS[0]], shown[SKUS[1]], shown[backing]) == (3, 3, 3)
    assert levels(ctx)[SKUS[0]].warehouse_sku == backing


def test_a_sku_no_variant_backs_any_more_goes_to_zero(ctx: IntegrationContext,
                                                      pair: SandboxPair) -> None:
    run_inventory(ctx)
    assert houzz_quantities(pair)[SKUS[3]] > 0
    alias(ctx, SKUS[3], "GONE-FROM-QBC")
    forget_calls(pair)
    result = run_inventory(ctx)
    assert (result.pushed, houzz_quantities(pair)[SKUS[3]]) == (1, 0)
    assert levels(ctx)[SKUS[3]].warehouse_sku is None


def test_variants_sharing_a_sku_are_summed_and_reported(ctx: IntegrationContext,
                                                        pair: SandboxPair) -> None:
    api = QbcApi(pair)
    try:
        api.create_variant(SKUS[2], 5)
    finally:
        api.close()
    result = run_inventory(ctx)
    assert result.ambiguous == 1
    stock = {item.sku: item.stock_on_hand for item in build_catalog(20, 5)}
    assert houzz_quantities(pair)[SKUS[2]] == stock[SKUS[2]] + 5


def test_listings_without_variants_and_variants_without_listings_are_reported(
        ctx: IntegrationContext, pair: SandboxPair) -> None:
    pair.control("houzz", "seed", {"skus": 25, "seed": 5})  # 5 listings QBC does not have
    api = QbcApi(pair)
    try:
        api.create_variant("ONLY-IN-QBC", 9)
    finally:
        api.close()
    first = run_inventory(ctx)
    assert (first.changed, first.pushed, first.refused, first.not_listed) == (21, 20, 1, 1)
    refused = levels(ctx)["ONLY-IN-QBC"]
    assert refused.not_listed and "not listed on Houzz" in (refused.last_error or "")

    forget_calls(pair)
    set_stock(pair, "ONLY-IN-QBC", 4)
    second = run_inventory(ctx)  # the refused SKU is not asked again every cycle
    assert (second.changed, second.not_listed, len(inventory_calls(pair))) == (0, 1, 0)

    forget_calls(pair)
    full = run_inventory(ctx, full=True)
    houzz_calls = pair.calls("houzz")
    assert [c["api_method"] for c in houzz_calls].count("getListings") == 1
    assert len(inventory_calls(pair)) == full.pushed == full.changed == 20
    assert (full.not_listed, full.without_variant) == (1, 5)
    extra = {item.sku for item in build_catalog(25, 5)} - set(SKUS)
    assert {sku for sku, level in levels(ctx).items() if level.without_variant} == extra
