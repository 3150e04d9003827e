"""What delivering a backlog of Houzz orders costs: calls, time against the rate limit, CPU.

For N orders (default 1000), twice (every order from a new buyer; every order from the same
buyer), the hub downloads the backlog from the Houzz sandbox and delivers it to the QBC sandbox,
which enforces the QBC rate-limit shape scaled down (300 requests per 10 s window instead of
per 300 s). The sandboxes run in a separate process (`orderbridge sandbox`), so the CPU time
measured here (`time.process_time()` around download + deliver) is the hub's alone.

Targets (issue 3): 1.00 QBC call per delivered order, drain time within 95 % of the ideal
N / rate, no 429, at most 5 ms of hub CPU per order (issue 9: httpx and one implementation of
each state change may cost more than the old fast paths, within that).

Run: `.venv/bin/python bench/orders.py [--orders N] [--database-url URL]`. Prints a table and
writes bench/results/orders.json (orders_postgresql.json on PostgreSQL).
"""

from __future__ import annotations

import argparse
import bisect
import math
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _common import Sandboxes, report, sandbox_process, set_faults
from cryptography.fernet import Fernet

from orderbridge.model import OrderStatus
from orderbridge.runtime.jobs import run_once
from orderbridge.settings import Settings
from orderbridge.store import open_store, orders
from orderbridge.workflows.context import IntegrationContext, open_context
from orderbridge.workflows.sandbox_connection import save_sandbox_credentials

SKUS = 50
SEED = 7
DRAIN_STEP_S = 0.5


def buyer_orders(skus: list[str], count: int, *, repeat: bool) -> list[dict[str, Any]]:
    """`count` orders of one or two lines; one buyer for all (`repeat`) or one buyer each."""
    placed = []
    for i in range(count):
        n = 0 if repeat else i
        lines = [{"Type": "Product", "SKU": skus[(i + j) % len(skus)], "Quantity": 1 + j,
                  "Price": "5.00"} for j in range(1 + i % 2)]
        total = sum(5 * line["Quantity"] for line in lines)
        placed.append({
            "CustomerName": f"Bench Buyer {n:05d}",
            "Address": {"Address": f"{n + 1} Benchmark Way", "City": "Austin", "State": "TX",
                        "Zip": "78701", "Phone": "512-555-0101", "Country": "US"},
            "OrderItems": lines, "OrderTotal": f"{total:.2f}", "FlatShipping": "0",
        })
    return placed


def run_scenario(sandboxes: Sandboxes, settings: Settings, name: str, count: int, *,
                 repeat: bool, limit: int, window_s: float,
                 ) -> tuple[dict[str, Any], list[list[float]]]:
    """The scenario's figures, and its drain curve (`drain_curve`)."""
    for side in ("houzz", "qbc"):
        sandboxes.control(side, "reset")
        sandboxes.control(side, "seed", {"skus": SKUS, "seed": SEED})
    skus = [item["SKU"] for item in sandboxes.get("houzz", "listings")["listings"]]
    sandboxes.control("houzz", "orders", {"orders": buyer_orders(skus, count, repeat=repeat)})
    set_faults(sandboxes, "qbc", {"rate_limit": {"limit": limit, "window_s": window_s}})
    store = open_store(settings)
    ctx = connect(store, settings, sandboxes, name)
    try:
        started_at = datetime.now(UTC)
        wall, cpu = time.perf_counter(), time.process_time()
        outcomes = run_once(ctx, ["download", "deliver"])
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        with store.session() as session:
            counts = orders.count_by_status(session, ctx.integration_id)
        pacer_wait = ctx.qbc.pacer.waited_s
    finally:
        ctx.close()
        store.close()
    errors = [o.error for o in outcomes if o.error]
    if errors:
        raise RuntimeError(f"{name}: {errors}")
    qbc = sandboxes.get("qbc", "calls")["calls"]
    houzz = sandboxes.get("houzz", "calls")["calls"]
    delivered = counts[OrderStatus.AT_WMS]
    index_calls = sum(1 for c in qbc if c["method"] == "GET" and c["path"] == "/variants")
    posts = sum(1 for c in qbc if c["method"] == "POST" and c["path"] == "/orders")
    per_order = len(qbc) - index_calls
    ideal = count / (limit / window_s)
    accepted = [datetime.fromisoformat(c["at"]) for c in qbc
                if c["method"] == "POST" and c["path"] == "/orders" and 200 <= c["status"] < 300]
    drain = drain_curve([(at - started_at).total_seconds() for at in accepted], wall)
    return {
        "scenario": name, "orders": count, "delivered": delivered,
        "not_delivered": sum(counts.values()) - delivered,
        "qbc_calls_per_order": per_order / max(delivered, 1),
        "qbc_post_orders": posts, "qbc_other_order_calls": per_order - posts,
        "qbc_variant_index_calls": index_calls,
        "houzz_calls": len(houzz), "houzz_calls_per_order": len(houzz) / max(count, 1),
        "drain_s": wall, "ideal_s": ideal, "ideal_over_actual": ideal / wall,
        "pacer_waited_s": pacer_wait,
        "qbc_429s": sum(1 for c in qbc if c["status"] == 429),
        "cpu_ms_per_order": cpu * 1000 / max(count, 1),
    }, drain


def drain_curve(accepted_s: list[float], drain_s: float,
                step_s: float = DRAIN_STEP_S) -> list[list[float]]:
    """[seconds, orders QBC accepted by then] every `step_s` of the drain and at its end,
    from the times the QBC sandbox logged its answers (no sampling while the hub runs, so
    the CPU measured is the hub's alone)."""
    accepted = sorted(accepted_s)
    moments = [i * step_s for i in range(math.floor(drain_s / step_s) + 1)]
    if moments[-1] < drain_s:
        moments.append(drain_s)
    return [[round(t, 3), bisect.bisect_right(accepted, t)] for t in moments]


def connect(store: Any, settings: Settings, sandboxes: Sandboxes,
            name: str) -> IntegrationContext:
    ctx = open_context(store, settings, name, create=True)
    with store.begin() as session:
        save_sandbox_credentials(session, ctx.integration_id, ctx.box,
                                 houzz_url=sandboxes.houzz_url, qbc_url=sandboxes.qbc_url)
    ctx.reload_config()
    return ctx


TARGETS = {"qbc_calls_per_order": "1.00", "ideal_over_actual": ">= 0.95", "qbc_429s": "0",
           "cpu_ms_per_order": "<= 5"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--database-url", default="",
                        help="store to use (default: a SQLite file in a temporary directory)")
    parser.add_argument("--rate-limit", type=int, default=300)
    parser.add_argument("--rate-window", type=float, default=10.0)
    args = parser.parse_args()
    with (tempfile.TemporaryDirectory() as tmp,
          sandbox_process(args.rate_limit, args.rate_window) as sandboxes):
        database_url = args.database_url or f"sqlite:///{Path(tmp) / 'orderbridge.sqlite3'}"
        settings = Settings(home=Path(tmp) / "home", database_url=database_url,
                            secret_key=Fernet.generate_key().decode())
        runs = {kind: run_scenario(sandboxes, settings, f"bench-{kind}", args.orders,
                                   repeat=kind == "repeat", limit=args.rate_limit,
                                   window_s=args.rate_window) for kind in ("new", "repeat")}
    results = [figures for figures, _ in runs.values()]
    rows = [{"metric": key, "new buyers": new[key], "repeat buyers": repeat[key],
             "target": TARGETS.get(key, "")}
            for key, new, repeat in ((k, results[0], results[1]) for k in results[0])
            if key != "scenario"]
    db = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    name = "orders" if db == "SQLite" else "orders_postgresql"  # one file per store
    report(name, f"{args.orders} Houzz orders into QBC at {args.rate_limit} requests per "
           f"{args.rate_window:g} s ({db} store, sandboxes in another process)", rows,
           extra={"drain": {
               "every_s": DRAIN_STEP_S, "orders": args.orders,
               "rate_limit": {"limit": args.rate_limit, "window_s": args.rate_window},
               "curves": {f"{kind} buyers": curve for kind, (_, curve) in runs.items()}}})


if __name__ == "__main__":
    os.environ.pop("ORDERBRIDGE_DATABASE_URL", None)
    main()
