"""Variant records as QBC sends them: identity and stock facts, whatever shape the stock
fields take; what cannot be read counts as no stock, never as stock."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orderbridge.connectors.qbc.variants import TOTALS_LOCATION, variant_from

D = Decimal


def test_locations_as_qbc_sends_them() -> None:
    record = {"id": 7, "sku": " A-1 ", "status": "active", "manage_stock": True,
              "max_online": None, "updated_at": "2026-11-28T10:00:00.000Z", "locations": [
                  {"location_id": 1, "stock_on_hand": "12.0", "committed": None},
                  {"location_id": "2", "stock_on_hand": "-3", "committed": "1"},
                  {"location_id": "x", "stock_on_hand": "99"}, "junk"]}
    parsed = variant_from(record)
    assert parsed is not None and (parsed.id, parsed.sku) == (7, "A-1")
    assert [(row.location_id, row.available) for row in parsed.locations] == [
        (1, D(12)), (2, D(-4))]
    assert parsed.updated_at is not None and parsed.record is record


def test_legacy_hashes_and_account_totals() -> None:
    legacy = variant_from({"id": 8, "sku": "B", "status": "archived", "max_online": "5",
                           "stock_levels": {"1": "4"}, "committed_stock_levels": {"1": "1"}})
    assert legacy is not None and legacy.archived and legacy.max_online == 5
    assert [row.available for row in legacy.locations] == [3]
    totals = variant_from({"id": 9, "sku": "C", "stock_on_hand": "6", "committed_stock": "2",
                           "manage_stock": "false"})
    assert totals is not None and not totals.manage_stock
    assert [(row.location_id, row.available) for row in totals.locations] == [
        (TOTALS_LOCATION, D(4))]


def test_missing_figures_count_as_nothing() -> None:
    parsed = variant_from({"id": "10", "sku": "D", "max_online": "lots", "locations": [
        {"location_id": 1, "stock_on_hand": None, "committed": ""}]})
    assert parsed is not None and parsed.max_online is None
    assert [row.available for row in parsed.locations] == [D(0)]


@pytest.mark.parametrize("figure", ["many", "NaN", "1e400", "-1e13", "Infinity", [1], {"a": 1}])
def test_a_record_with_a_figure_that_is_no_number_is_unreadable(figure: object) -> None:
    assert variant_from({"id": 10, "sku": "D", "locations": [
        {"location_id": 1, "stock_on_hand": figure, "committed": "0"}]}) is None
    assert variant_from({"id": 10, "sku": "D", "stock_on_hand": figure}) is None


def test_unreadable_identity() -> None:
    assert variant_from({"sku": "E"}) is None
    assert variant_from({"id": "1.5", "sku": "E"}) is None
    assert variant_from(["not", "a", "record"]) is None
    no_sku = variant_from({"id": 11, "sku": ""})
    assert no_sku is not None and no_sku.sku is None
