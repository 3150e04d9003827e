"""Reading QBC fulfillments: incrementally, ignoring other channels' orders, within budget
(calls counted from the sandboxes' call logs)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from orderbridge.model import OrderStatus
from orderbridge.runtime.jobs import run_once
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.settings import Settings
from orderbridge.store import Store, cursors
from orderbridge.store.tables import ShippedPackage
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.fulfillment_cursor import CURSOR
from tests.workflows.conftest import connect
from tests.workflows.shipments.helpers import (
    deliver_one,
    deliver_orders,
    fulfillment_reads,
    houzz_order,
    hub_order,
    place_one,
    qbc_lines,
    run_shipments,
    ship,
    warehouse_id,
)


def test_fulfillments_of_unknown_orders_are_ignored(ctx: IntegrationContext,
                                                    pair: SandboxPair) -> None:
    houzz_id, _ = deliver_one(ctx, pair)
    variant = next(iter(ctx.qbc.iter_variants())).records[0]
    foreign = ctx.qbc.create_order({"order": {
        "status": "active", "issued_at": "2026-01-02",
        "company": {"name": "Walk-in", "company_type": "consumer"},
        "shipping_address": {"label": "Shop", "address1": "1 Main St", "city": "Austin",
                             "country": "US"},
        "order_line_items": [{"variant_id": variant.id, "quantity": "1"}]}},
        idempotency_key="walk-in")
    ship(pair, foreign.id, "UPS", "1ZFOREIGN")
    counts = run_shipments(ctx)
    assert counts["unknown"] == 1 and counts["packages"] == 0
    assert hub_order(ctx, houzz_id).status is OrderStatus.AT_WMS
    with ctx.store.session() as session:
        assert session.scalar(select(func.count()).select_from(ShippedPackage)) == 0


def test_incremental_cursor_reads_only_what_changed(ctx: IntegrationContext,
                                                   pair: SandboxPair) -> None:
    delivered = deliver_orders(ctx, pair, 3)
    (first_id, first_qbc), (second_id, second_qbc), _ = delivered.items()
    ship(pair, first_qbc)
    assert run_shipments(ctx)["confirmed"] == 1
    reads = fulfillment_reads(pair)
    assert len(reads) == 1 and "updated_at_min" in reads[0]["query"]
    second = run_shipments(ctx)  # nothing new: one call, nothing recorded
    assert second["packages"] == 0 and second["confirmed"] == 0
    assert len(fulfillment_reads(pair)) == 2
    ship(pair, second_qbc)
    third = run_shipments(ctx)
    assert third["packages"] == 1 and third["confirmed"] == 1
    assert len(fulfillment_reads(pair)) == 3
    assert hub_order(ctx, second_id).status is OrderStatus.CONFIRMED
    assert hub_order(ctx, first_id).status is OrderStatus.CONFIRMED
    with ctx.store.session() as session:
        cursor = cursors.get_cursor(session, ctx.integration_id, CURSOR)
    assert cursor is not None and cursor.endswith("Z")


ORDERS, LINES = 90, 3  # 270 packages: more than a page of 250 fulfillments


# The calls counted do not depend on the database; SQLite is quicker.
@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_budget_two_qbc_calls_per_250_and_one_houzz_call_per_order(
        store: Store, settings: Settings, pair: SandboxPair) -> None:
    ctx = connect(store, settings, pair, houzz_page_size="1000")
    try:
        pair.set_faults("qbc", rate_limit={"limit": 100000, "window_s": 1})
        placed = [place_one(pair, LINES) for _ in range(ORDERS)]
        run_once(ctx, ["download", "deliver"])
        for houzz_id in placed:  # each line in its own package
            qbc_id = warehouse_id(ctx, houzz_id)
            for line in qbc_lines(pair, qbc_id):
                ship(pair, qbc_id, "UPS", f"1Z{line['id']:08d}",
                     lines=[{"order_line_item_id": line["id"], "quantity": 2}])
        houzz_before = len(pair.calls("houzz"))
        qbc_before = len(pair.calls("qbc"))
        counts = run_shipments(ctx)
        assert counts["packages"] == ORDERS * LINES and counts["confirmed"] == ORDERS
        qbc_calls = pair.calls("qbc")[qbc_before:]
        assert len(qbc_calls) == 2  # two pages of 250 fulfillments, no call per order
        assert all(c["path"] == "/fulfillments" for c in qbc_calls)
        houzz_calls = pair.calls("houzz")[houzz_before:]
        assert len(houzz_calls) == ORDERS
        assert {c["api_method"] for c in houzz_calls} == {"updateOrder"}
        assert houzz_order(pair, placed[0])["TrackingNumber"].count(",") == LINES - 1
    finally:
        ctx.close()
