"""Stock flows from QBC to Houzz: the right quantity, pushed only when it changed, on budget."""

from __future__ import annotations

import math
from typing import Any

from orderbridge.runtime.jobs import run_once
from orderbridge.sandbox.catalog import build_catalog
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.workflows.context import IntegrationContext
from tests.workflows.inventory.rig import (
    QbcApi,
    available,
    configure,
    forget_calls,
    houzz_history,
    houzz_quantities,
    inventory_calls,
    levels,
    qbc_variant,
    run_inventory,
    set_stock,
)

SKUS = [item.sku for item in build_catalog(20, 5)]
STOCK = {item.sku: item.stock_on_hand for item in build_catalog(20, 5)}
BUYER = {"CustomerName": "Ada Lovelace", "Address": {
    "Address": "1 Analytical Way", "City": "Austin", "State": "TX", "Zip": "78701",
    "Phone": "512-555-0101", "Country": "US"}}


def houzz_order(*lines: tuple[str, int], shipping: int = 0) -> dict[str, Any]:
    """A Houzz order of product lines (SKU, quantity) at 5.00, plus a shipping line."""
    items: list[dict[str, Any]] = [{"Type": "Product", "SKU": sku, "Quantity": quantity,
                                    "Price": "5.00"} for sku, quantity in lines]
    if shipping:
        items.append({"Type": "Shipping", "SKU": "SHIP", "Quantity": shipping, "Price": "1.00"})
    total = sum(5 * quantity for _, quantity in lines) + shipping
    return {**BUYER, "OrderItems": items, "OrderTotal": f"{total:.2f}", "FlatShipping": "0"}


def test_first_cycle_pushes_every_sku_then_only_the_changed_ones(
        ctx: IntegrationContext, pair: SandboxPair) -> None:
    for sku in SKUS[:3]:  # Houzz shows something else than QBC before the first cycle
        set_stock(pair, sku, STOCK[sku] + 5)
    first = run_inventory(ctx)
    assert (first.changed, first.pushed, first.pages) == (20, 20, 1)
    assert len(inventory_calls(pair)) == 20
    assert houzz_quantities(pair) == {sku: available(pair, sku) for sku in SKUS}

    forget_calls(pair)
    set_stock(pair, SKUS[4], 7)
    set_stock(pair, SKUS[9], 0)
    set_stock(pair, SKUS[11], STOCK[SKUS[11]])  # "changed" in QBC, same quantity: no push
    second = run_inventory(ctx)
    assert (second.changed, second.pushed) == (2, 2)
    assert len(inventory_calls(pair)) == 2  # counted from the Houzz sandbox's call log
    assert houzz_quantities(pair)[SKUS[4]] == 7 and houzz_quantities(pair)[SKUS[9]] == 0
    assert houzz_history(pair, SKUS[4])[-1]["changes"] == {"Quantity": 7}
    assert [len(houzz_history(pair, sku)) for sku in (SKUS[0], SKUS[11])] == [1, 1]

    forget_calls(pair)
    third = run_inventory(ctx)
    assert (third.changed, third.pushed, len(inventory_calls(pair))) == (0, 0, 0)
    qbc_calls = pair.calls("qbc")
    assert [(c["method"], c["path"]) for c in qbc_calls] == [("GET", "/variants")]


def test_full_re_pushes_every_sku(ctx: IntegrationContext, pair: SandboxPair) -> None:
    run_inventory(ctx)
    forget_calls(pair)
    result = run_inventory(ctx, full=True)
    assert (result.changed, result.pushed) == (20, 20)
    assert len(inventory_calls(pair)) == 20


def test_a_full_read_is_one_qbc_call_per_250_variants(ctx: IntegrationContext,
                                                      pair: SandboxPair) -> None:
    pair.reset()
    pair.seed(501, seed=3)
    forget_calls(pair)
    first = run_inventory(ctx)
    assert first.full_read and first.pages == math.ceil(501 / 250) == 3 and first.seen == 501
    qbc = pair.calls("qbc")
    variant_reads = [c for c in qbc if c["path"] == "/variants"]
    assert len(variant_reads) == 3
    assert len(qbc) == 4  # + GET /accounts/current once: the primary location, remembered
    assert len(inventory_calls(pair)) == first.changed == 501
    forget_calls(pair)
    set_stock(pair, build_catalog(501, 3)[77].sku, 1)
    second = run_inventory(ctx)  # what later cycles cost: test_incremental
    assert not second.full_read
    assert len(inventory_calls(pair)) == second.pushed == 1


def test_an_order_downloaded_but_not_delivered_lowers_the_quantity(
        ctx: IntegrationContext, pair: SandboxPair) -> None:
    sku = SKUS[0]
    run_inventory(ctx)
    assert houzz_quantities(pair)[sku] == STOCK[sku]
    pair.control("houzz", "orders", {"orders": [houzz_order((sku, 3))]})
    run_once(ctx, ["download"])
    assert run_inventory(ctx).pushed == 1
    assert houzz_quantities(pair)[sku] == STOCK[sku] - 3
    assert available(pair, sku) == STOCK[sku]  # QBC knows nothing of it yet

    run_once(ctx, ["deliver"])  # now QBC commits the 3 units: counted once, not twice
    assert available(pair, sku) == STOCK[sku] - 3
    forget_calls(pair)
    assert run_inventory(ctx).changed == 0
    assert houzz_quantities(pair)[sku] == STOCK[sku] - 3


def test_held_and_draft_orders_count_until_qbc_commits_them(
        ctx: IntegrationContext, pair: SandboxPair) -> None:
    configure(ctx, order_status="draft")
    known, other = SKUS[1], SKUS[2]
    pair.control("houzz", "orders", {"orders": [
        houzz_order((known, 2), ("NOT-IN-QBC", 1)), houzz_order((other, 4), shipping=9)]})
    run_once(ctx, ["download", "deliver"])  # first held (unknown SKU), second a QBC draft
    assert available(pair, other) == STOCK[other]  # a draft commits nothing in QBC
    run_inventory(ctx)
    shown = houzz_quantities(pair)
    assert shown[known] == STOCK[known] - 2
    assert shown[other] == STOCK[other] - 4


def test_canceled_orders_count_nothing(ctx: IntegrationContext, pair: SandboxPair) -> None:
    from orderbridge.store.tables import Order

    sku = SKUS[3]
    pair.control("houzz", "orders", {"orders": [houzz_order((sku, 5))]})
    run_once(ctx, ["download"])
    with ctx.store.begin() as session:  # what the cancellations job records from Houzz
        order = session.query(Order).one()
        order.channel_status = "Canceled"
    run_inventory(ctx)
    assert houzz_quantities(pair)[sku] == STOCK[sku]


def test_committed_stock_and_negative_available(ctx: IntegrationContext,
                                                pair: SandboxPair) -> None:
    api = QbcApi(pair)
    try:
        api.active_order(SKUS[5], 4)
        set_stock(pair, SKUS[6], 1)
        api.active_order(SKUS[6], 3)  # available 1 - 3 = -2
    finally:
        api.close()
    run_inventory(ctx)
    shown = houzz_quantities(pair)
    assert shown[SKUS[5]] == STOCK[SKUS[5]] - 4
    assert available(pair, SKUS[6]) == -2 and shown[SKUS[6]] == 0


def test_buffer_minimum_max_online_untracked_and_archived(ctx: IntegrationContext,
                                                          pair: SandboxPair) -> None:
    configure(ctx, inventory_buffer="2", inventory_minimum="5", untracked_quantity="40")
    set_stock(pair, SKUS[0], 6)   # 6 - 2 = 4 < 5 → 0
    set_stock(pair, SKUS[1], 7)   # 7 - 2 = 5 → 5
    set_stock(pair, SKUS[2], 50)  # max_online 9 → 9
    api = QbcApi(pair)
    try:
        api.update_variant(SKUS[2], max_online=9)
        api.update_variant(SKUS[3], manage_stock=False)
        api.archive_variant(SKUS[4])
    finally:
        api.close()
    assert STOCK[SKUS[4]] > 0
    run_inventory(ctx)
    shown = houzz_quantities(pair)
    assert [shown[sku] for sku in SKUS[:5]] == [0, 5, 9, 40, 0]
    assert STOCK[SKUS[9]] - 2 >= 5 and shown[SKUS[9]] == STOCK[SKUS[9]] - 2


def test_stock_locations_one_several_all(ctx: IntegrationContext, pair: SandboxPair) -> None:
    pair.reset()
    locations = pair.control("qbc", "seed", {"skus": 20, "seed": 5, "locations": 3})
    pair.control("houzz", "seed", {"skus": 20, "seed": 5})
    primary, second, third = locations["location_ids"]
    sku = SKUS[0]
    set_stock(pair, sku, 10, second)
    set_stock(pair, sku, 100, third)
    assert qbc_variant(pair, sku)["stock_on_hand"] != str(STOCK[sku])

    run_inventory(ctx)  # default: the primary location only
    assert houzz_quantities(pair)[sku] == STOCK[sku]
    configure(ctx, inventory_locations=f"{second}, {third}")
    run_inventory(ctx)
    assert houzz_quantities(pair)[sku] == 110
    configure(ctx, inventory_locations="all")
    run_inventory(ctx)
    assert houzz_quantities(pair)[sku] == STOCK[sku] + 110
    configure(ctx, inventory_locations="", location_id=str(second))
    run_inventory(ctx)
    assert houzz_quantities(pair)[sku] == 10
    assert levels(ctx)[sku].quantity == 10
