"""An order found in QBC only by lookup, after its fulfillment went by, still gets its tracking."""

from __future__ import annotations

from orderbridge.model import OrderStatus
from orderbridge.runtime.jobs import run_once
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.settings import Settings
from orderbridge.store import Store, orders
from tests.workflows.conftest import connect


def qbc_id(pair: SandboxPair, reference: str) -> int:
    found = pair._control.get(f"{pair.qbc_url}/_sandbox/orders",
                              params={"reference_number": reference}).json()["orders"]
    assert len(found) == 1
    return int(found[0]["id"])


def status(store: Store, integration_id: int, houzz_id: str) -> OrderStatus:
    with store.session() as session:
        order = orders.get_order_by_channel_id(session, integration_id, houzz_id)
        assert order is not None
        return order.status


def test_tracking_reaches_houzz_for_an_order_recovered_by_lookup(
        store: Store, settings: Settings, pair: SandboxPair) -> None:
    ctx = connect(store, settings, pair, retry_base_s="0", qbc_timeout_s="0.3",
                  fulfillment_overlap_minutes="0")  # no re-read margin to hide behind
    try:
        first, waiting = pair.control("houzz", "orders", {"count": 2})["order_ids"]
        run_once(ctx, ["download", "deliver"])
        pair.control("qbc", f"orders/{qbc_id(pair, first)}/ship",
                     {"tracking_company": "UPS", "tracking_number": "1Z001"})
        run_once(ctx, ["shipments"])
        assert status(store, ctx.integration_id, first) is OrderStatus.CONFIRMED

        (late,) = pair.control("houzz", "orders", {"count": 1})["order_ids"]
        run_once(ctx, ["download"])
        # Seed 94 draws: the variant-index read passes, then the POST and its 4 retries time
        # out after QBC created the order (timeout_mode "after"): the hub never hears of it.
        pair.set_faults("qbc", timeout_rate=0.5, timeout_hold_s=1.0, seed=94)
        run_once(ctx, ["deliver"])
        pair.set_faults("qbc")
        assert status(store, ctx.integration_id, late) is OrderStatus.NEW
        pair.control("qbc", f"orders/{qbc_id(pair, late)}/ship",
                     {"tracking_company": "FedEx", "tracking_number": "7777"})
        pair.control("qbc", f"orders/{qbc_id(pair, waiting)}/ship",
                     {"tracking_company": "USPS", "tracking_number": "9400"})
        # The late order's fulfillment goes by while the hub cannot place it, and the cursor
        # moves past it to the later fulfillment of `waiting`.
        run_once(ctx, ["shipments"])
        assert status(store, ctx.integration_id, waiting) is OrderStatus.CONFIRMED
        run_once(ctx, ["deliver"])  # the lookup finds the order in QBC
        assert status(store, ctx.integration_id, late) is OrderStatus.AT_WMS
        run_once(ctx, ["shipments"])
        assert status(store, ctx.integration_id, late) is OrderStatus.CONFIRMED
        houzz = pair._control.get(f"{pair.houzz_url}/_sandbox/orders/{late}").json()
        assert houzz["TrackingNumber"] == "7777"
    finally:
        ctx.close()
