"""Tracking flows back: QBC fulfillments become one Houzz `updateOrder` Ship per order, once.

Orders are delivered through the real flow, shipped in the QBC sandbox as a warehouse would,
and the `shipments` job is run; what each side received is read from the sandboxes.
"""

from __future__ import annotations

from orderbridge.model import HoldReason, OrderStatus
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.settings import Settings
from orderbridge.store import Store, alerts, orders
from orderbridge.store.carrier_map import set_carrier
from orderbridge.store.timeline import timeline
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.shipments.carriers import carrier_key
from tests.workflows.conftest import connect
from tests.workflows.shipments.helpers import (
    deliver_one,
    deliver_orders,
    fulfillment_reads,
    houzz_order,
    hub_order,
    qbc_lines,
    run_shipments,
    ship,
    ship_calls,
    warehouse_edits_fulfillment,
)


def test_single_package_is_confirmed_once(ctx: IntegrationContext, pair: SandboxPair) -> None:
    houzz_id, qbc_id = deliver_one(ctx, pair, lines=2)
    ship(pair, qbc_id, "UPS", "1Z999AA10123456784")
    counts = run_shipments(ctx)
    assert counts["packages"] == 1 and counts["shipped"] == 1 and counts["confirmed"] == 1
    on_houzz = houzz_order(pair, houzz_id)
    assert on_houzz["Status"] == "Shipped"
    assert on_houzz["ShippingMethod"] == "UPS"
    assert on_houzz["TrackingNumber"] == "1Z999AA10123456784"
    order = hub_order(ctx, houzz_id)
    assert order.status is OrderStatus.CONFIRMED
    canonical = orders.load_canonical(order)
    assert canonical is not None
    [shipment] = canonical.shipments
    assert (shipment.carrier, shipment.method, shipment.tracking_no) == (
        "UPS", "Ground", "1Z999AA10123456784")
    assert shipment.shipped_at is not None
    assert sorted(item.line_no for item in shipment.items) == [1, 2]
    assert all(item.quantity == 2 for item in shipment.items)
    again = run_shipments(ctx)  # nothing new: no second Ship
    assert again["confirmed"] == 0 and again["packages"] == 0
    assert len(ship_calls(pair)) == 1
    assert len(fulfillment_reads(pair)) == 1  # the second run found no order waiting


def test_unmapped_carrier_holds_until_mapped(ctx: IntegrationContext, pair: SandboxPair) -> None:
    houzz_id, qbc_id = deliver_one(ctx, pair)
    ship(pair, qbc_id, "Speedy Freight Co.", "SF-1")
    counts = run_shipments(ctx)
    assert counts["held"] == 1
    order = hub_order(ctx, houzz_id)
    assert order.status is OrderStatus.HELD
    assert order.hold_reason_code is HoldReason.UNMAPPED_CARRIER
    assert "Speedy Freight Co." in (order.hold_reason or "")
    assert "orderbridge carrier map" in (order.hold_reason or "")
    with ctx.store.session() as session:
        kinds = [a.kind for a in alerts.list_alerts(session, ctx.integration_id)]
    assert kinds == ["unmapped_carrier"]
    assert run_shipments(ctx)["held"] == 0  # still held, not held again
    assert ship_calls(pair) == []
    with ctx.store.begin() as session:
        set_carrier(session, ctx.integration_id, carrier_key("speedy freight co"),
                    "speedy freight co", "Other")
    counts = run_shipments(ctx)
    assert counts["released"] == 1 and counts["confirmed"] == 1
    assert houzz_order(pair, houzz_id)["ShippingMethod"] == "Other"
    assert hub_order(ctx, houzz_id).status is OrderStatus.CONFIRMED
    with ctx.store.session() as session:
        assert alerts.list_alerts(session, ctx.integration_id) == []
    assert qbc_lines(pair, qbc_id)


def _two_line_order(ctx: IntegrationContext, pair: SandboxPair) -> tuple[str, int, list[int]]:
    houzz_id, qbc_id = deliver_one(ctx, pair, lines=2)
    return houzz_id, qbc_id, [line["id"] for line in qbc_lines(pair, qbc_id)]


def test_two_packages_fully_shipped_posts_both_numbers_once(ctx: IntegrationContext,
                                                            pair: SandboxPair) -> None:
    houzz_id, qbc_id, (first, second) = _two_line_order(ctx, pair)
    ship(pair, qbc_id, "UPS", "1ZAAA", lines=[{"order_line_item_id": first, "quantity": 2}])
    counts = run_shipments(ctx)
    assert counts["packages"] == 1 and counts["shipped"] == 0
    assert hub_order(ctx, houzz_id).status is OrderStatus.AT_WMS
    assert ship_calls(pair) == []
    ship(pair, qbc_id, "FedEx", "7712", lines=[{"order_line_item_id": second, "quantity": 1}])
    assert run_shipments(ctx)["shipped"] == 0  # one unit of the second line still to ship
    ship(pair, qbc_id, "Fed Ex", "7713", lines=[{"order_line_item_id": second, "quantity": 1}])
    counts = run_shipments(ctx)
    assert counts["shipped"] == 1 and counts["confirmed"] == 1
    on_houzz = houzz_order(pair, houzz_id)
    assert on_houzz["ShippingMethod"] == "UPS"  # the first package's carrier
    assert on_houzz["TrackingNumber"] == "1ZAAA,7712,7713"
    assert len(ship_calls(pair)) == 1
    with ctx.store.session() as session:
        order = orders.get_order_by_channel_id(session, ctx.integration_id, houzz_id)
        assert order is not None
        confirmed = [e for e in timeline(session, order.id) if e.kind == "confirmed"]
        canonical = orders.load_canonical(order)
    assert len(confirmed) == 1 and "FedEx" in confirmed[0].message
    assert canonical is not None and len(canonical.shipments) == 3


def test_first_package_policy_posts_at_the_first_package(store: Store, settings: Settings,
                                                         pair: SandboxPair) -> None:
    ctx = connect(store, settings, pair, ship_confirm_when="first_package")
    try:
        houzz_id, qbc_id, (first, second) = _two_line_order(ctx, pair)
        ship(pair, qbc_id, "USPS", "9400111", lines=[{"order_line_item_id": first,
                                                      "quantity": 2}])
        counts = run_shipments(ctx)
        assert counts["shipped"] == 1 and counts["confirmed"] == 1
        assert houzz_order(pair, houzz_id)["TrackingNumber"] == "9400111"
        ship(pair, qbc_id, "USPS", "9400222", lines=[{"order_line_item_id": second,
                                                      "quantity": 2}])
        counts = run_shipments(ctx)
        assert counts["packages"] == 1 and counts["confirmed"] == 0
        assert len(ship_calls(pair)) == 1  # Houzz takes one Ship per order
        order = hub_order(ctx, houzz_id)
        assert order.status is OrderStatus.CONFIRMED
        canonical = orders.load_canonical(order)
        assert canonical is not None
        assert [s.tracking_no for s in canonical.shipments] == ["9400111", "9400222"]
    finally:
        ctx.close()


SPELLINGS = {
    "UPS": "UPS", "ups ground": "UPS", "United Parcel Service": "UPS",
    "UPS 2nd Day Air": "UPS", "FedEx": "FedEx", "Fed Ex": "FedEx",
    "Federal Express": "FedEx", "FedEx Ground": "FedEx", "USPS": "USPS",
    "U.S. Postal Service": "USPS", "United States Postal Service": "USPS",
    "usps priority mail": "USPS", "DHL": "DHL", "DHL Express": "DHL", "OnTrac": "OnTrac",
    "LaserShip": "LaserShip", "Purolator": "Purolator", "Canada Post": "CanadaPost",
}


def test_carrier_spellings_map_to_houzz_codes(ctx: IntegrationContext,
                                              pair: SandboxPair) -> None:
    delivered = deliver_orders(ctx, pair, len(SPELLINGS))
    expected = {}
    for (houzz_id, qbc_id), (spelling, code) in zip(delivered.items(), SPELLINGS.items(),
                                                    strict=True):
        ship(pair, qbc_id, spelling, f"T-{qbc_id}")
        expected[houzz_id] = code
    counts = run_shipments(ctx)
    assert counts["confirmed"] == len(SPELLINGS) and counts["held"] == 0
    got = {houzz_id: houzz_order(pair, houzz_id)["ShippingMethod"] for houzz_id in expected}
    assert got == expected


def test_default_carrier_code_catches_unmapped_carriers(store: Store, settings: Settings,
                                                       pair: SandboxPair) -> None:
    ctx = connect(store, settings, pair, default_carrier_code="Other")
    try:
        houzz_id, qbc_id = deliver_one(ctx, pair)
        ship(pair, qbc_id, "Acme Couriers", "AC-77")
        assert run_shipments(ctx)["confirmed"] == 1
        assert houzz_order(pair, houzz_id)["ShippingMethod"] == "Other"
    finally:
        ctx.close()


def test_missing_tracking_holds_until_qbc_has_the_number(ctx: IntegrationContext,
                                                         pair: SandboxPair) -> None:
    houzz_id, qbc_id = deliver_one(ctx, pair)
    fulfillment = ship(pair, qbc_id, "UPS", None)
    assert run_shipments(ctx)["held"] == 1
    order = hub_order(ctx, houzz_id)
    assert order.hold_reason_code is HoldReason.MISSING_TRACKING
    assert f"fulfillment {fulfillment['id']}" in (order.hold_reason or "")
    assert ship_calls(pair) == []
    warehouse_edits_fulfillment(pair, fulfillment["id"], {"tracking_number": "1ZLATE"})
    counts = run_shipments(ctx)
    assert counts["updated"] == 1 and counts["released"] == 1 and counts["confirmed"] == 1
    assert houzz_order(pair, houzz_id)["TrackingNumber"] == "1ZLATE"


def test_missing_tracking_post_sends_what_there_is(store: Store, settings: Settings,
                                                  pair: SandboxPair) -> None:
    ctx = connect(store, settings, pair, missing_tracking="post")
    try:
        houzz_id, qbc_id, (first, second) = _two_line_order(ctx, pair)
        ship(pair, qbc_id, "UPS", None, lines=[{"order_line_item_id": first, "quantity": 2}])
        ship(pair, qbc_id, "UPS", "1ZONLY", lines=[{"order_line_item_id": second,
                                                    "quantity": 2}])
        assert run_shipments(ctx)["confirmed"] == 1
        assert houzz_order(pair, houzz_id)["TrackingNumber"] == "1ZONLY"
        # An order with no number at all is posted without one; the sandbox, like Houzz's
        # documented requests, wants a TrackingNumber, so the refusal holds it: never dropped.
        lone_id, lone_qbc = deliver_one(ctx, pair)
        ship(pair, lone_qbc, "UPS", None)
        assert run_shipments(ctx)["held"] == 1
        lone = hub_order(ctx, lone_id)
        assert lone.hold_reason_code is HoldReason.REJECTED_BY_CHANNEL
        assert "TrackingNumber" in (lone.hold_reason or "")
    finally:
        ctx.close()
