"""Reading fulfillment pages: whatever shape the arrays arrive in, the page is read."""

from __future__ import annotations

from typing import Any

import pytest

from orderbridge.connectors.qbc.fulfillments import lines_from_page, packages_from_page

FULFILLMENT = {"id": 7, "order_id": 70, "status": "fulfilled", "tracking_number": "1Z9"}


@pytest.mark.parametrize("odd", [5, 2.5, True, "123", {"id": 1}])
def test_arrays_that_are_not_arrays_hold_nothing(odd: Any) -> None:
    # found by the fuzz campaign: a number in place of an array raised TypeError
    page = {"fulfillments": [{**FULFILLMENT, "fulfillment_line_items": odd,
                              "fulfillment_line_item_ids": odd}],
            "fulfillment_line_items": odd}
    [package] = packages_from_page(page)
    assert (package.fulfillment_id, package.lines, package.line_ids) == ("7", (), ())
    assert packages_from_page({"fulfillments": odd}) == []
    assert lines_from_page({"fulfillment_line_items": odd}) == []


def test_sideloaded_lines_join_their_fulfillment() -> None:
    page = {"fulfillments": [{**FULFILLMENT, "fulfillment_line_item_ids": [3]}],
            "fulfillment_line_items": [{"fulfillment_id": 7, "variant_id": 9, "quantity": "2.0"}]}
    [package] = packages_from_page(page)
    assert [(line.variant_id, str(line.quantity)) for line in package.lines] == [(9, "2.0")]
    assert package.line_ids == ("3",)


@pytest.mark.parametrize("quantity", ["NaN", "sNaN", "Infinity", "-Infinity", "lots", None])
def test_a_quantity_that_is_no_number_of_units_reads_as_zero(quantity: Any) -> None:
    # found by the fuzz campaign: "NaN" became Decimal('NaN'), which the shipments job cannot
    # compare (`quantity > 0` raises InvalidOperation)
    [(_, line)] = lines_from_page({"fulfillment_line_items": [
        {"fulfillment_id": 7, "variant_id": 9, "quantity": quantity}]})
    assert line.quantity == 0 and line.quantity.is_finite()
