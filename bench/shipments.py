"""Tracking back in a burst: many orders shipped at once reach Houzz in one shipments run.

240 orders (`--orders`) are delivered to the QBC sandbox and all shipped there at once; the
Houzz sandbox answers every call after 100 ms (`--latency-ms`); then one run of the shipments
job reads the fulfillments and confirms every order to Houzz, `confirm_concurrency` (16,
`--concurrency`) at a time. Printed beside the run's wall time: its floor (the calls in
`concurrency` lanes, each `latency` long) and the target of issue 9 (within 4 × orders ×
latency / concurrency); counted from the sandboxes: one `updateOrder` per order, and one Ship
in each Houzz order's history. `--compare-sequential` measures the same with one at a time.

The sandboxes run in a child process (`orderbridge sandbox`), the store is a SQLite file.
Run: `.venv/bin/python bench/shipments.py [--orders N] [--latency-ms MS] [--concurrency C]
[--compare-sequential]`. Prints a table and writes bench/results/shipments.json.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _common import Sandboxes, not_below_floor, report, sandbox_process, set_faults, stopwatch
from cryptography.fernet import Fernet

from orderbridge.model import OrderStatus
from orderbridge.runtime.jobs import run_job, run_once
from orderbridge.settings import Settings
from orderbridge.store import Store, integrations, open_store, orders
from orderbridge.workflows.context import IntegrationContext, open_context
from orderbridge.workflows.sandbox_connection import save_sandbox_credentials

SKUS = 50
SEED = 7
UNLIMITED = 1_000_000
"""No QBC rate limit: delivering the backlog sets the scene, it is not what is measured."""


@contextmanager
def connected(sandboxes: Sandboxes, concurrency: int) -> Iterator[tuple[Store, IntegrationContext]]:
    """A fresh SQLite store with an integration connected to the sandboxes."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=Path(tmp) / "home",
                            database_url=f"sqlite:///{Path(tmp) / 'orderbridge.sqlite3'}",
                            secret_key=Fernet.generate_key().decode())
        store = open_store(settings)
        ctx = open_context(store, settings, "bench-burst", create=True)
        try:
            with store.begin() as session:
                save_sandbox_credentials(session, ctx.integration_id, ctx.box,
                                         houzz_url=sandboxes.houzz_url, qbc_url=sandboxes.qbc_url)
                for key, value in {"houzz_page_size": "1000",
                                   "confirm_concurrency": str(concurrency)}.items():
                    integrations.set_setting(session, ctx.integration_id, key, value)
            ctx.reload_config()
            yield store, ctx
        finally:
            ctx.close()
            store.close()


def burst(count: int, latency_ms: int, concurrency: int) -> dict[str, Any]:
    """One measured shipments run over `count` orders shipped at once."""
    with sandbox_process(UNLIMITED, 1) as sandboxes, connected(sandboxes, concurrency) as (
            store, ctx):
        for side in ("houzz", "qbc"):
            sandboxes.control(side, "seed", {"skus": SKUS, "seed": SEED})
        houzz_ids = sandboxes.control("houzz", "orders", {"count": count})["order_ids"]
        run_once(ctx, ["download", "deliver"])
        with store.session() as session:
            delivered = [o.warehouse_order_id for o in orders.list_orders(
                session, ctx.integration_id, status=OrderStatus.AT_WMS, limit=count)]
        if len(delivered) != count:
            raise RuntimeError(f"only {len(delivered)} of {count} orders reached QBC")
        for qbc_id in delivered:
            sandboxes.control("qbc", f"orders/{qbc_id}/ship",
                              {"tracking_company": "UPS", "tracking_number": f"1Z{qbc_id}"})
        set_faults(sandboxes, "houzz", {"latency_ms": latency_ms})
        sandboxes.calls("houzz", forget=True), sandboxes.calls("qbc", forget=True)
        with stopwatch() as timing:
            outcome = run_job(ctx, "shipments")
        if outcome.error:
            raise RuntimeError(f"shipments: {outcome.error}")
        houzz = sandboxes.calls("houzz")
        qbc = sandboxes.calls("qbc")
        set_faults(sandboxes, "houzz", {"latency_ms": 0})
        histories = [len(sandboxes.get("houzz", f"orders/{houzz_id}")["ShipHistory"])
                     for houzz_id in houzz_ids]
    floor = math.ceil(count / concurrency) * latency_ms / 1000
    not_below_floor("the shipments run", timing["wall_s"], floor)
    return {"confirmed": outcome.counts["confirmed"],
            "houzz_ship_calls": sum(1 for c in houzz if c.get("api_method") == "updateOrder"),
            "orders_shipped_once_on_houzz": sum(1 for n in histories if n == 1),
            "qbc_calls": len(qbc), "wall_s": timing["wall_s"], "floor_s": floor,
            "target_s": 4 * count * latency_ms / 1000 / concurrency, "hub_cpu_s": timing["cpu_s"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=240)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--compare-sequential", action="store_true",
                        help="also measure one confirmation at a time (confirm_concurrency 1)")
    args = parser.parse_args()
    runs = {f"{args.concurrency} at a time": burst(args.orders, args.latency_ms,
                                                   args.concurrency)}
    if args.compare_sequential:
        runs["one at a time"] = burst(args.orders, args.latency_ms, 1)
    targets = {"confirmed": str(args.orders), "houzz_ship_calls": str(args.orders),
               "orders_shipped_once_on_houzz": str(args.orders), "wall_s": "<= target_s"}
    first = next(iter(runs.values()))
    rows = [{"metric": key, **{name: run[key] for name, run in runs.items()},
             "target": targets.get(key, "")} for key in first]
    report("shipments", f"Tracking burst: {args.orders} orders shipped at once, Houzz latency "
           f"{args.latency_ms} ms, one shipments run (sandboxes in another process, SQLite)",
           rows)


if __name__ == "__main__":
    os.environ.pop("ORDERBRIDGE_DATABASE_URL", None)
    main()
