"""`orderbridge demo --once` shows buyers canceling: one order after delivery (voided in QBC),
one before (never sent). Checked against the demo's own store, not only its output."""

from __future__ import annotations

import shutil

from sqlalchemy import select

from orderbridge.model import OrderStatus
from orderbridge.store import orders
from orderbridge.store.tables import OrderEvent
from tests.cli.test_demo import demo_store, printed_home, run_demo


def test_once_cancels_one_delivered_and_one_undelivered_order() -> None:
    result = run_demo("--once", columns=200)
    home = printed_home(result.stdout)
    try:
        assert result.returncode == 0, result.stdout + result.stderr
        out = result.stdout
        assert "canceled before delivery: never sent to QBC" in out
        assert "voided in QBC (order id" in out
        with demo_store(home) as (store, iid), store.session() as session:
            canceled = orders.list_orders(session, iid, status=OrderStatus.CANCELED)
            kinds = {o.channel_order_id: [e.kind for e in session.scalars(
                select(OrderEvent).where(OrderEvent.order_id == o.id))] for o in canceled}
        assert len(canceled) == 2
        voided = [o for o in canceled if o.warehouse_order_id is not None]
        never_sent = [o for o in canceled if o.warehouse_order_id is None]
        assert len(voided) == len(never_sent) == 1
        assert "voided" in kinds[voided[0].channel_order_id]
        assert "sending" not in kinds[never_sent[0].channel_order_id]
        assert ", voided: 1" in out
    finally:
        shutil.rmtree(home, ignore_errors=True)
