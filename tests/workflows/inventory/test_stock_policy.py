"""The stock rules alone: what Houzz may sell of a SKU, for every setting and edge case."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from hypothesis import given
from hypothesis import strategies as st

from orderbridge.connectors.qbc.variants import LocationStock, Variant
from orderbridge.workflows.inventory.stock_plan import houzz_skus_by_warehouse_sku, plan_stock
from orderbridge.workflows.inventory.stock_policy import Sellable, StockPolicy, sellable_quantity

D = Decimal


Amount = int | str | Decimal


def variant(*stock: tuple[int, Amount, Amount], sku: str = "A", variant_id: int = 1,
            archived: bool = False, manage_stock: bool = True,
            max_online: Decimal | None = None) -> Variant:
    """A variant with (location, on hand, committed) rows."""
    rows = tuple(LocationStock(int(loc), D(on_hand), D(committed))
                 for loc, on_hand, committed in stock)
    return Variant(variant_id, sku, status="archived" if archived else "active",
                   manage_stock=manage_stock, max_online=max_online, locations=rows)


def quantity(variants: list[Variant], pending: int = 0, *,
             locations: frozenset[int] | Literal["all"] = "all", buffer: int = 0,
             minimum: int = 0, untracked_quantity: int = 100) -> int:
    policy = StockPolicy(locations, buffer, minimum, untracked_quantity)
    return sellable_quantity(variants, D(pending), policy).quantity


def test_locations_one_several_all() -> None:
    v = variant((1, 10, 2), (2, 5, 0), (3, 100, 100))
    assert quantity([v], locations=frozenset({1})) == 8
    assert quantity([v], locations=frozenset({1, 2})) == 13
    assert quantity([v], locations="all") == 13
    assert quantity([v], locations=frozenset({9})) == 0


def test_pending_buffer_minimum_and_floor() -> None:
    v = variant((1, 10, 3))
    assert quantity([v], pending=2) == 5
    assert quantity([v], pending=2, buffer=1) == 4
    assert quantity([v], pending=2, buffer=1, minimum=5) == 0
    assert quantity([v], pending=2, buffer=1, minimum=4) == 4
    assert quantity([v], pending=20) == 0
    assert quantity([variant((1, 1, 4))]) == 0  # negative available
    assert quantity([variant((1, 0, 0))], minimum=3) == 0


def test_fractions_round_down() -> None:
    assert quantity([variant((1, "7.9", "0.5"))]) == 7
    assert quantity([variant((1, "7.6", "0"))]) == 7
    assert quantity([variant((1, "0.99", "0"))]) == 0


def test_max_online_caps_even_untracked() -> None:
    assert quantity([variant((1, 50, 0), max_online=D(9))]) == 9
    assert quantity([variant((1, 5, 0), max_online=D(9))]) == 5
    assert quantity([variant((1, 5, 0), manage_stock=False, max_online=D(3))]) == 3
    assert quantity([variant((1, 5, 0), max_online=D(0))]) == 0


def test_untracked_and_archived() -> None:
    assert quantity([variant((1, 0, 0), manage_stock=False)], untracked_quantity=40) == 40
    assert quantity([variant((1, 50, 0), archived=True)]) == 0
    result = sellable_quantity([variant((1, 50, 0), archived=True)], D(0), StockPolicy())
    assert result.rule == "archived"


def test_several_variants_of_one_sku_sum_the_active_ones() -> None:
    a, b = variant((1, 4, 0)), variant((1, 6, 1), variant_id=2)
    archived = variant((1, 100, 0), variant_id=3, archived=True)
    result = sellable_quantity([a, b, archived], D(0), StockPolicy())
    assert (result.quantity, result.active_variants) == (9, 2)


def test_aliases_map_one_warehouse_sku_to_several_houzz_skus() -> None:
    aliases = {"HZ-1": "W", "HZ-2": "W", "X": "Y"}
    targets = houzz_skus_by_warehouse_sku(aliases, ["W", "X", "Y", "Z"])
    # W's own listing keeps its stock beside the aliases; X is a Houzz name for Y, so the
    # warehouse item called X backs no listing
    assert targets == {"W": ["HZ-1", "HZ-2", "W"], "X": [], "Y": ["X", "Y"], "Z": ["Z"]}
    plan = plan_stock([variant((1, 5, 0), sku="W"), variant((1, 2, 0), sku="Z", variant_id=2)],
                      {"W": D(1)}, {**aliases, "HZ-3": "MISSING"}, StockPolicy())
    assert {sku: level.quantity for sku, level in plan.levels.items()} == {
        "HZ-1": 4, "HZ-2": 4, "W": 4, "Z": 2}
    assert plan.unbacked_aliases == {"X": "Y", "HZ-3": "MISSING"}


stock_rows = st.lists(st.tuples(st.integers(1, 4), st.integers(-50, 500), st.integers(0, 500)),
                      max_size=4, unique_by=lambda row: row[0])


@given(rows=stock_rows, pending=st.integers(0, 100), buffer=st.integers(0, 20),
       minimum=st.integers(0, 20), cap=st.none() | st.integers(0, 300),
       chosen=st.frozensets(st.integers(1, 4)) | st.just("all"))
def test_never_more_than_can_ship(rows: list[tuple[int, int, int]], pending: int, buffer: int,
                                  minimum: int, cap: int | None,
                                  chosen: frozenset[int] | Literal["all"]) -> None:
    v = variant(*rows, max_online=None if cap is None else D(cap))
    policy = StockPolicy(locations=chosen, buffer=buffer, minimum=minimum)
    got = sellable_quantity([v], D(pending), policy).quantity
    there = sum(on_hand - committed for loc, on_hand, committed in rows
                if chosen == "all" or loc in chosen)
    assert 0 <= got <= max(0, there - pending - buffer)
    # The minimum judges what is available; max_online then caps what is shown, so a cap
    # below the minimum may show fewer units than the minimum.
    assert got == 0 or got >= minimum or (cap is not None and got == cap)
    assert cap is None or got <= cap
    more = sellable_quantity([v], D(pending + 1), policy).quantity
    assert more <= got  # another pending unit never raises what Houzz may sell


decimals = st.decimals(min_value=D("-20"), max_value=D("200"), places=2, allow_nan=False,
                       allow_infinity=False)
variant_rows = st.lists(st.tuples(st.integers(1, 3), decimals, decimals.map(abs)), max_size=3,
                        unique_by=lambda row: row[0])


@given(variants=st.lists(st.tuples(variant_rows, st.booleans()), min_size=1, max_size=4),
       pending=decimals.map(abs), buffer=st.integers(0, 10), minimum=st.integers(0, 10))
def test_several_variants_with_decimals_buffer_and_minimum(
        variants: list[tuple[list[tuple[int, Decimal, Decimal]], bool]], pending: Decimal,
        buffer: int, minimum: int) -> None:
    """Several QBC variants behind one SKU, fractional stock, buffer and minimum at once: the
    quantity is the whole units the active variants have, less pending and buffer, rounded
    down, and 0 below the minimum."""
    built = [variant(*rows, variant_id=n + 1, archived=archived)
             for n, (rows, archived) in enumerate(variants)]
    policy = StockPolicy(buffer=buffer, minimum=minimum)
    got = sellable_quantity(built, pending, policy)
    active = [v for v in built if not v.archived]
    available = sum((row.available for v in active for row in v.locations), D(0))
    whole = max(0, int((available - pending - buffer).to_integral_value(rounding="ROUND_FLOOR")))
    if not active:
        assert (got.quantity, got.rule) == (0, "archived")
    elif 0 < whole < minimum:
        assert (got.quantity, got.rule) == (0, "below_minimum")
    else:
        assert (got.quantity, got.rule) == (whole, "stock")
    assert got.active_variants == len(active)
    assert got.quantity <= max(available - pending - buffer, D(0))


def test_each_rule_says_what_decided_the_quantity() -> None:
    """The report shows every part of the result: the quantity, what was available and
    pending, the rule that decided, and how many active variants there were."""
    policy = StockPolicy(minimum=5, untracked_quantity=40)
    archived = variant((1, 9, 0), archived=True)
    assert sellable_quantity([archived], D(2), policy) == Sellable(0, D(0), D(2), "archived", 0)
    untracked = variant((1, 9, 0), manage_stock=False)
    assert sellable_quantity([untracked, variant((1, 1, 0), variant_id=2)], D(2), policy) == (
        Sellable(40, D(0), D(2), "untracked", 2))
    assert sellable_quantity([variant((1, 9, 1))], D(1), policy) == Sellable(
        7, D(8), D(1), "stock", 1)
    assert sellable_quantity([variant((1, 4, 0))], D(1), policy) == Sellable(
        0, D(4), D(1), "below_minimum", 1)
    capped = variant((1, 30, 0), max_online=D("12.5"))
    assert sellable_quantity([capped], D(3), policy) == Sellable(
        12, D(30), D(3), "max_online", 1)
    capped_untracked = variant((1, 0, 0), manage_stock=False, max_online=D(6))
    assert sellable_quantity([capped_untracked], D(0), policy) == Sellable(
        6, D(0), D(0), "max_online", 1)


def test_a_cap_equal_to_the_stock_leaves_the_stock_rule() -> None:
    result = sellable_quantity([variant((1, 12, 0), max_online=D(12))], D(0), StockPolicy())
    assert (result.quantity, result.rule) == (12, "stock")


def test_quantities_stay_decimal_even_with_no_stock_at_the_locations() -> None:
    result = sellable_quantity([variant((1, 5, 0))], D(0), StockPolicy(locations=frozenset({2})))
    assert result.quantity == 0 and isinstance(result.available, Decimal)


def test_a_single_unit_below_the_minimum_shows_nothing() -> None:
    assert quantity([variant((1, 1, 0))], minimum=2) == 0
    assert quantity([variant((1, 2, 0))], minimum=2) == 2
