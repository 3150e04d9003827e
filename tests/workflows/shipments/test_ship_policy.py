"""When an order counts as fully shipped, and the Ship request built from its packages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from orderbridge.model import Hold, HoldReason
from orderbridge.store.tables import ShippedPackage
from orderbridge.workflows.shipments.carriers import CarrierMap
from orderbridge.workflows.shipments.ship_policy import ShipRequest, fully_shipped, ship_request

PAYLOAD = {"order": {"order_line_items": [
    {"variant_id": 11, "quantity": "2.00", "position": 1},
    {"variant_id": 12, "quantity": "1", "position": 2},
    {"freeform": True, "line_type": "shipping", "quantity": "1", "position": 3}]}}


def package(fid: str, carrier: str | None, tracking: str | None,
            lines: list[tuple[int, str]], day: int = 1) -> ShippedPackage:
    rows: list[dict[str, Any]] = [{"variant_id": v, "sku": None, "quantity": q}
                                  for v, q in lines]
    return ShippedPackage(fulfillment_id=fid, carrier=carrier, tracking_number=tracking,
                          shipped_at=datetime(2026, 1, day, tzinfo=UTC), lines=rows)


def test_fully_shipped_counts_units_per_variant_and_ignores_non_products() -> None:
    half = [package("1", "UPS", "A", [(11, "1.00")])]
    assert not fully_shipped(PAYLOAD, half)
    most = [*half, package("2", "UPS", "B", [(12, "1")])]
    assert not fully_shipped(PAYLOAD, most)
    assert fully_shipped(PAYLOAD, [*most, package("3", "UPS", "C", [(11, "1.00")])])
    assert not fully_shipped(PAYLOAD, [])


def test_request_uses_the_first_carrier_and_every_number_once() -> None:
    packages = [package("1", "ups ground", "1ZA", [(11, "2")]),
                package("2", "FedEx", "77", [(12, "1")], day=2),
                package("3", "UPS", "1ZA", [], day=3)]
    request = ship_request(packages, CarrierMap({}), "hold")
    assert request == ShipRequest("UPS", ("1ZA", "77"), "ups ground", ("FedEx",))
    assert ShipRequest.from_data(request.as_data()) == request


def test_missing_tracking_holds_or_posts_what_there_is() -> None:
    packages = [package("1", "UPS", None, [(11, "2")]), package("2", "UPS", "1ZB", [(12, "1")])]
    held = ship_request(packages, CarrierMap({}), "hold")
    assert isinstance(held, Hold) and held.code is HoldReason.MISSING_TRACKING
    assert "fulfillment 1" in held.message
    posted = ship_request(packages, CarrierMap({}), "post")
    assert isinstance(posted, ShipRequest) and posted.tracking_numbers == ("1ZB",)


def test_unmapped_or_missing_carrier_holds_naming_the_fix() -> None:
    unmapped = ship_request([package("1", "Acme", "X1", [])], CarrierMap({}), "hold")
    assert isinstance(unmapped, Hold) and unmapped.code is HoldReason.UNMAPPED_CARRIER
    assert 'orderbridge carrier map "Acme" CODE' in unmapped.message
    nameless = ship_request([package("1", None, "X1", [])], CarrierMap({}), "hold")
    assert isinstance(nameless, Hold) and "default_carrier_code" in nameless.message
    assert ship_request([package("1", None, "X1", [])], CarrierMap({}, "Other"),
                        "hold") == ShipRequest("Other", ("X1",), None)


def test_a_variant_without_any_package_is_not_shipped() -> None:
    payload = {"order": {"order_line_items": [{"variant_id": 11, "quantity": "1"},
                                              {"variant_id": 12, "quantity": "1"}]}}
    assert not fully_shipped(payload, [package("1", "UPS", "A", [(11, "1")])])
    assert fully_shipped(payload, [package("1", "UPS", "A", [(11, "1"), (12, "1")])])


def test_an_unreadable_shipped_quantity_counts_nothing() -> None:
    payload = {"order": {"order_line_items": [{"variant_id": 11, "quantity": "1"}]}}
    assert not fully_shipped(payload, [package("1", "UPS", "A", [(11, "lots")])])


def test_an_order_without_products_ships_with_its_first_package() -> None:
    services = {"order": {"order_line_items": [{"freeform": True, "quantity": "1"}]}}
    assert not fully_shipped(services, [])
    assert fully_shipped(services, [package("1", "UPS", "A", [])])


def test_a_request_describes_itself_for_the_timeline() -> None:
    assert ShipRequest("UPS", ("1ZA", "1ZB"), "UPS").describe() == "UPS 1ZA, 1ZB"
    assert ShipRequest("Other", (), None).describe() == "Other no tracking number"


def test_the_holds_say_how_to_fix_them() -> None:
    untracked = [package("7", "UPS", None, []), package("8", "UPS", None, [])]
    held = ship_request(untracked, CarrierMap({}), "hold")
    assert isinstance(held, Hold)
    assert held.message == (
        "QuickBooks Commerce shipped 2 package(s) without a tracking number (fulfillment 7, 8): "
        "add the number in QuickBooks Commerce and the order is confirmed by itself, or run "
        "orderbridge config set missing_tracking post to confirm such orders without it")
    nameless = ship_request([package("1", None, "X1", [])], CarrierMap({}), "hold")
    assert isinstance(nameless, Hold) and nameless.message == (
        "QuickBooks Commerce shipped the order without a carrier name: set one on the "
        "fulfillment, or a default with orderbridge config set default_carrier_code CODE")
    unmapped = ship_request([package("1", "Acme", "X1", [])], CarrierMap({}), "hold")
    assert isinstance(unmapped, Hold) and unmapped.message == (
        "carrier 'Acme' has no Houzz carrier code: run orderbridge carrier map \"Acme\" CODE "
        "(e.g. UPS, FedEx, USPS, DHL, Other)")
