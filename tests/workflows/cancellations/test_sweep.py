"""The cancellation sweep covers every open order, within its budget: one Houzz call per page
of the window(s) that hold the open orders, one QBC call per cancellation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from orderbridge.connectors.houzz.client import houzz_time as houzz_text
from orderbridge.model import OrderStatus
from orderbridge.runtime.jobs import JOBS, run_job, run_once
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.workflows.cancellations.sweep import STRAGGLERS_ALERT
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.orders.download_window import PAGE_OVERLAP
from tests.workflows.cancellations.helpers import (
    FLOW,
    VOID,
    alerts_of,
    buyer_cancels,
    configure,
    counts,
    forget_calls,
    houzz_calls,
    houzz_order,
    place,
    qbc_calls,
    status_of,
)

NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)
DAY = timedelta(days=1)
PACIFIC = ZoneInfo("America/Los_Angeles")


def expected_pages(orders: int, page_size: int) -> int:
    pages, start = 1, 0
    while orders - start >= page_size:
        start += page_size - PAGE_OVERLAP
        pages += 1
    return pages


def test_budget_pages_of_open_orders_and_one_qbc_call_per_cancellation(
        ctx: IntegrationContext, pair: SandboxPair) -> None:
    assert counts(run_job(ctx, "cancellations"))["houzz_calls"] == 0  # nothing open: no call
    assert not pair.calls("houzz")
    configure(ctx, houzz_page_size="10")
    placed = place(pair, 23)
    run_once(ctx, FLOW)
    for order_id in placed[:3]:
        buyer_cancels(pair, order_id)
    forget_calls(pair)
    result = counts(run_job(ctx, "cancellations"))
    pages = expected_pages(23, 10)
    assert pages == 4  # starts 0, 5, 10, 15: the last page (8 orders) is short
    assert result["houzz_calls"] == pages == len(houzz_calls(pair, "getOrders"))
    assert result["voided"] == 3
    assert [c["api_method"] for c in qbc_calls(pair)] == [VOID] * 3
    assert all(status_of(ctx, o) is OrderStatus.CANCELED for o in placed[:3])
    queries = [parse_qs(c["query"]) for c in houzz_calls(pair, "getOrders")]
    assert {q["Status"][0] for q in queries} == {"All"}


def houzz_time(at: datetime) -> str:
    return houzz_text(at, PACIFIC)


def test_windows_cover_the_oldest_open_order_and_the_stragglers(
        ctx: IntegrationContext, pair: SandboxPair) -> None:
    configure(ctx, initial_import_days="400", cancel_sweep_max_days="30",
              cancel_sweep_margin_hours="24")
    now = datetime.now(UTC)
    ages = {"recent": 10, "old": 100, "older": 101, "oldest": 200}
    ids = {name: place(pair, 1, created=houzz_time(now - days * DAY))[0]
           for name, days in ages.items()}
    run_once(ctx, FLOW)
    assert all(status_of(ctx, i) is OrderStatus.AT_WMS for i in ids.values())
    for name in ("recent", "old", "oldest"):
        buyer_cancels(pair, ids[name])
    forget_calls(pair)
    result = counts(run_job(ctx, "cancellations"))
    assert result["voided"] == 3 and result["stragglers"] == 3
    calls = [parse_qs(c["query"]) for c in houzz_calls(pair, "getOrders")]
    windows = [(q["From"][0], q["To"][0]) for q in calls]
    assert len(windows) == result["houzz_calls"] == 3  # oldest, old+older merged, main
    for order_id in ids.values():
        created = houzz_order(pair, order_id)["Created"]
        assert any(start <= created <= end for start, end in windows), (created, windows)
    main_from = windows[-1][0]
    assert main_from <= houzz_time(now - 30 * DAY + timedelta(minutes=5))
    (alert,) = alerts_of(ctx, STRAGGLERS_ALERT, active_only=True)
    assert alert.startswith("3 open order(s) are older than cancel_sweep_max_days (30 days)")
    assert status_of(ctx, ids["older"]) is OrderStatus.AT_WMS
    for name in ("recent", "old", "oldest"):
        assert status_of(ctx, ids[name]) is OrderStatus.CANCELED
    configure(ctx, cancel_sweep_max_days="365")
    run_job(ctx, "cancellations")  # no straggler left: the alert goes
    assert not alerts_of(ctx, STRAGGLERS_ALERT, active_only=True)


def test_voided_stock_shows_in_the_next_inventory_push(ctx: IntegrationContext,
                                                       pair: SandboxPair) -> None:
    assert "inventory" in JOBS
    (order_id,) = place(pair, 1)
    run_once(ctx, [*FLOW, "inventory"])
    items = [i for i in houzz_order(pair, order_id)["OrderItems"]
             if i.get("Type", "Product") == "Product"]

    def on_houzz(sku: str) -> int:
        response = pair._control.get(f"{pair.houzz_url}/_sandbox/listings/{sku}")
        response.raise_for_status()
        return int(response.json()["Quantity"])

    before = {i["SKU"]: on_houzz(i["SKU"]) for i in items}
    buyer_cancels(pair, order_id)
    run_once(ctx, ["cancellations", "inventory"])
    for item in items:
        assert on_houzz(item["SKU"]) == before[item["SKU"]] + int(item["Quantity"])
