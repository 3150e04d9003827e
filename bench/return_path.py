"""The return path from QBC to Houzz: what tracking (shipments) and stock (inventory) cost.

Sections, run in turn (`--section shipments|inventory|all`, default all):

- **shipments**: N orders (default 500) are downloaded from the Houzz sandbox and delivered
  to the QBC sandbox; the warehouse ships each through the QBC control API (every fifth one
  with more than one unit in two packages, carriers mixed), and one run of the `shipments` job
  picks the fulfillments up and confirms every order to Houzz. Printed: QBC calls and Houzz
  calls per shipped order (targets: at most 2 QBC calls per 250 shipped orders, 1 Houzz call
  per order), counted from the sandboxes' call logs, and the job's wall time.

Run: `.venv/bin/python bench/return_path.py [--section shipments] [--orders N]`. Prints a
table per section and writes bench/results/return_path_<section>.json.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import report, stopwatch
from cryptography.fernet import Fernet
from return_path_inventory import inventory_section

from orderbridge.model import OrderStatus
from orderbridge.runtime.jobs import run_job, run_once
from orderbridge.sandbox.launcher import SandboxPair, start_sandboxes
from orderbridge.settings import Settings
from orderbridge.store import Store, integrations, open_store, orders
from orderbridge.workflows.context import IntegrationContext, open_context
from orderbridge.workflows.sandbox_connection import save_sandbox_credentials

SKUS = 50
SEED = 7
UNLIMITED = {"limit": 1_000_000, "window_s": 1}
"""Setting the scene (delivering the backlog) is not what is measured: no QBC rate limit."""


@dataclass
class BenchWorld:
    """Both sandboxes on loopback, a fresh SQLite store and an integration connected to them."""

    pair: SandboxPair
    store: Store
    ctx: IntegrationContext


@contextmanager
def bench_world(name: str, **config: str) -> Iterator[BenchWorld]:
    """A new world for one section; everything is stopped and removed afterwards."""
    pair = start_sandboxes()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=Path(tmp) / "home",
                            database_url=f"sqlite:///{Path(tmp) / 'orderbridge.sqlite3'}",
                            secret_key=Fernet.generate_key().decode())
        store = open_store(settings)
        ctx = open_context(store, settings, name, create=True)
        try:
            pair.seed(SKUS, SEED)
            with store.begin() as session:
                save_sandbox_credentials(session, ctx.integration_id, ctx.box,
                                         houzz_url=pair.houzz_url, qbc_url=pair.qbc_url)
                for key, value in config.items():
                    integrations.set_setting(session, ctx.integration_id, key, value)
            ctx.reload_config()
            yield BenchWorld(pair, store, ctx)
        finally:
            ctx.close()
            store.close()
            pair.stop()


# -- shipments -------------------------------------------------------------------------------

CARRIERS = ("UPS", "FedEx Ground", "U.S. Postal Service", "DHL Express", "OnTrac")


def shipments_section(args: argparse.Namespace) -> None:
    """Calls per shipped order on each side for one run of the shipments job."""
    count = args.orders
    with bench_world("bench-shipments", houzz_page_size="1000") as world:
        pair, ctx = world.pair, world.ctx
        pair.set_faults("qbc", rate_limit=UNLIMITED)
        pair.control("houzz", "orders", {"count": count})
        run_once(ctx, ["download", "deliver"])
        packages = _ship_everything(world)
        qbc_before, houzz_before = len(pair.calls("qbc")), len(pair.calls("houzz"))
        with stopwatch() as timing:
            outcome = run_job(ctx, "shipments")
        if outcome.error:
            raise RuntimeError(f"shipments: {outcome.error}")
        qbc = pair.calls("qbc")[qbc_before:]
        houzz = pair.calls("houzz")[houzz_before:]
        with world.store.session() as session:
            confirmed = orders.count_by_status(session, ctx.integration_id)[
                OrderStatus.CONFIRMED]
    shipped = max(confirmed, 1)
    rows: list[dict[str, Any]] = [
        {"metric": "orders shipped in QBC", "value": count, "target": ""},
        {"metric": "packages (fulfillments)", "value": packages, "target": ""},
        {"metric": "orders confirmed to Houzz", "value": confirmed, "target": str(count)},
        {"metric": "QBC calls", "value": len(qbc), "target": f"<= {2 * -(-count // 250)}"},
        {"metric": "QBC calls per shipped order", "value": len(qbc) / shipped,
         "target": "<= 0.008 (2 per 250)"},
        {"metric": "Houzz calls", "value": len(houzz), "target": str(count)},
        {"metric": "Houzz calls per shipped order", "value": len(houzz) / shipped,
         "target": "1"},
        {"metric": "job wall time (s)", "value": timing["wall_s"], "target": ""},
    ]
    report("return_path_shipments", f"Tracking back to Houzz for {count} shipped orders "
           "(one shipments run, sandboxes on loopback, SQLite store)", rows)


def _ship_everything(world: BenchWorld) -> int:
    """The warehouse ships every delivered order; every fifth (of 2+ units) in two packages."""
    with world.store.session() as session:
        delivered = [(o.id, o.warehouse_order_id) for o in orders.list_orders(
            session, world.ctx.integration_id, status=OrderStatus.AT_WMS, limit=1_000_000)]
    packages = 0
    for n, (_, qbc_id) in enumerate(delivered):
        carrier = CARRIERS[n % len(CARRIERS)]
        if n % 5 == 4:
            order = world.pair._control.get(
                f"{world.pair.qbc_url}/_sandbox/orders/{qbc_id}").json()["order"]
            lines = [line for line in order["order_line_items"] if line.get("variant_id")]
            if len(lines) > 1 or float(lines[0]["quantity"]) > 1:  # something left after
                world.pair.control("qbc", f"orders/{qbc_id}/ship", {
                    "tracking_company": carrier, "tracking_number": f"TRK{qbc_id}A",
                    "lines": [{"order_line_item_id": lines[0]["id"], "quantity": 1}]})
                packages += 1
        world.pair.control("qbc", f"orders/{qbc_id}/ship", {
            "tracking_company": carrier, "tracking_number": f"TRK{qbc_id}"})
        packages += 1
    return packages


# -- sections --------------------------------------------------------------------------------

SECTIONS: dict[str, Callable[[argparse.Namespace], None]] = {
    "shipments": shipments_section,
    "inventory": inventory_section,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--section", choices=[*SECTIONS, "all"], default="all")
    parser.add_argument("--orders", type=int, default=500,
                        help="shipments: orders delivered, shipped and confirmed")
    parser.add_argument("--variants", type=int, default=10_000,
                        help="inventory: QBC variants (and Houzz listings) in the cycle")
    parser.add_argument("--houzz-latency-ms", type=int, default=100,
                        help="inventory: latency of every Houzz call")
    parser.add_argument("--concurrency", type=int, default=16,
                        help="inventory: inventory_concurrency (pushes at a time)")
    args = parser.parse_args()
    for name, section in SECTIONS.items():
        if args.section in (name, "all"):
            section(args)


if __name__ == "__main__":
    os.environ.pop("ORDERBRIDGE_DATABASE_URL", None)
    main()
