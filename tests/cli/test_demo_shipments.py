"""`orderbridge demo` ships orders in the QBC sandbox and the summary shows tracking reaching
Houzz; checked against the demo's own store."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sqlalchemy import select

from orderbridge.model import OrderStatus
from orderbridge.store import orders
from orderbridge.store.shipments import packages_of
from orderbridge.store.tables import OrderEvent
from tests.cli.test_demo import demo_store, printed_home, run_demo


def test_once_ships_some_orders_and_confirms_them_to_houzz() -> None:
    result = run_demo("--once", columns=200)
    home = printed_home(result.stdout)
    try:
        assert result.returncode == 0, result.stdout + result.stderr
        out = result.stdout
        with demo_store(home) as (store, iid), store.session() as session:
            counts = orders.count_by_status(session, iid)
            confirmed = orders.list_orders(session, iid, status=OrderStatus.CONFIRMED)
            assert confirmed
            for order in confirmed:
                packages = packages_of(session, order.id)
                assert packages and all(p.tracking_number for p in packages)
                [event] = session.scalars(select(OrderEvent).where(
                    OrderEvent.order_id == order.id, OrderEvent.kind == "confirmed")).all()
                assert event.data is not None
                assert event.data["tracking_numbers"] == [p.tracking_number for p in packages]
        assert re.search(rf"confirmed\s+{counts[OrderStatus.CONFIRMED]}\b", out)
        assert re.search(r"confirmed to Houzz with (UPS|FedEx|USPS|DHL|OnTrac) \S+", out)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_live_demo_ships_while_it_runs(tmp_path: Path) -> None:
    home = tmp_path / "demo-home"
    result = run_demo("--duration", "6", "--home", str(home))
    assert result.returncode == 0, result.stdout + result.stderr
    with demo_store(home) as (store, iid), store.session() as session:
        counts = orders.count_by_status(session, iid)
        packages = [len(packages_of(session, o.id)) for o in orders.list_orders(
            session, iid, status=OrderStatus.CONFIRMED, limit=1000)]
    assert counts[OrderStatus.CONFIRMED] >= 3 and all(packages)
    assert counts[OrderStatus.SHIPPED] == 0  # the last cycle confirmed what had shipped
    assert "confirmed to Houzz with" in result.stdout
