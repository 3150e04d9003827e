"""`orderbridge demo` runs the real command end to end: sandboxes, sync, store, summary.

Each run is checked against the demo's own store (its home is printed) and against the figures
the sandboxes reported, so the summary cannot claim what did not happen.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from orderbridge.cli import app
from orderbridge.cli.demo.runner import SUMMARY_HELD
from orderbridge.model import HoldReason, OrderStatus
from orderbridge.settings import load_settings
from orderbridge.store import Store, open_store, orders
from orderbridge.store.tables import Order, OrderEvent


def run_demo(*args: str, columns: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    return subprocess.run([sys.executable, "-m", "orderbridge", "demo", *args], env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def printed_home(output: str) -> Path:
    match = re.search(r"^Demo home: (\S+)", output, re.MULTILINE)
    assert match, output
    return Path(match.group(1))


def received_and_delivered(output: str) -> tuple[int, int]:
    match = re.search(r"orders received\s+(\d+)\s+delivered per the hub: (\d+)", output)
    assert match, output
    return int(match.group(1)), int(match.group(2))


REACHED_QBC = (OrderStatus.AT_WMS, OrderStatus.SHIPPED, OrderStatus.CONFIRMED)


def reached_qbc(session: Session, integration_id: int) -> tuple[int, int]:
    """(orders at QBC or beyond, orders voided in QBC) according to the hub's store."""
    counts = orders.count_by_status(session, integration_id)
    voided = session.scalar(select(func.count()).select_from(Order).where(
        Order.integration_id == integration_id, Order.status == OrderStatus.CANCELED,
        Order.warehouse_order_id.is_not(None))) or 0
    return sum(counts[status] for status in REACHED_QBC), int(voided)


@contextmanager
def demo_store(home: Path) -> Iterator[tuple[Store, int]]:
    store = open_store(load_settings(home=home))
    try:
        with store.session() as session:
            integration_id = session.scalars(
                select(Order.integration_id).limit(1)).one()
        yield store, integration_id
    finally:
        store.close()


def test_once_delivers_what_qbc_received_and_lists_the_held(tmp_path: Path) -> None:
    merchant_home = Path(os.environ["ORDERBRIDGE_HOME"])
    result = run_demo("--once", columns=200)
    home = printed_home(result.stdout)
    try:
        assert result.returncode == 0, result.stdout + result.stderr
        received, delivered = received_and_delivered(result.stdout)
        with demo_store(home) as (store, iid), store.session() as session:
            counts = orders.count_by_status(session, iid)
            held = orders.list_orders(session, iid, status=OrderStatus.HELD, newest_first=True)
            in_qbc, voided = reached_qbc(session, iid)
        assert sum(counts.values()) == 12
        assert in_qbc == delivered > 0
        assert received == delivered + voided
        assert counts[OrderStatus.NEW] == 0
        assert held and counts[OrderStatus.HELD] == len(held)
        assert f"Held orders ({len(held)})" in result.stdout
        for order in held[:SUMMARY_HELD]:  # the summary shows the newest
            assert order.hold_reason_code is HoldReason.UNKNOWN_SKU
            ref = order.cust_ref or order.channel_order_id
            line = next(li for li in result.stdout.splitlines() if ref in li)
            assert "is not in QuickBooks Commerce: add an alias" in line
        assert f"ORDERBRIDGE_HOME={home} orderbridge orders list" in result.stdout
        assert not merchant_home.exists()  # the merchant's home is never touched
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_live_stream_delivers_and_the_alias_fix_releases_an_order(tmp_path: Path) -> None:
    home = tmp_path / "demo-home"
    result = run_demo("--duration", "8", "--home", str(home))
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert printed_home(out) == home
    assert "time is up" in out
    alias = re.search(r"merchant\s+orderbridge alias add (\S+) (\S+)", out)
    assert alias, out
    received, delivered = received_and_delivered(out)
    with demo_store(home) as (store, iid), store.session() as session:
        counts = orders.count_by_status(session, iid)
        released = session.scalars(select(OrderEvent.order_id).where(
            OrderEvent.kind == "released")).all()
        assert len(released) == 1
        kinds = [e.kind for e in session.scalars(select(OrderEvent).where(
            OrderEvent.order_id == released[0]).order_by(OrderEvent.id))]
        fixed = orders.get_order(session, released[0])
        assert fixed is not None
        assert alias.group(1) in str(fixed.channel_payload)
        in_qbc, voided = reached_qbc(session, iid)
    assert kinds.index("held") < kinds.index("released") < kinds.index("delivered")
    assert fixed.status in (*REACHED_QBC, OrderStatus.CANCELED)
    assert in_qbc == delivered > 12 - counts[OrderStatus.HELD] - voided
    assert received == delivered + voided
    assert counts[OrderStatus.NEW] == 0  # the last cycle settled what the last buyers placed
    panels = [line for line in out.splitlines() if line.startswith(("│", "╭", "╰"))]
    assert panels and max(len(line) for line in panels) <= 80


def test_refuses_a_home_that_already_holds_a_database(tmp_path: Path) -> None:
    (tmp_path / "orderbridge.sqlite3").write_bytes(b"")
    result = CliRunner().invoke(app, ["demo", "--once", "--home", str(tmp_path)])
    assert result.exit_code == 1
    assert "already holds an orderbridge database" in result.stderr
