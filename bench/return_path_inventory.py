"""The inventory section of `return_path.py`: what a stock cycle of 10,000 variants costs.

The sandboxes run in a child process (`orderbridge sandbox`), so their CPU does not slow the hub;
the Houzz sandbox answers every call after `--houzz-latency-ms` (default 100 ms), set only once
the child's own start-up faults are in and read back. Measured, from the sandboxes' call logs,
each wall time beside its floor (Houzz calls / concurrency × latency; a time below it stops the
bench, as the latency was then not in force):

1. the first cycle: every SKU is new to Houzz, so all 10,000 are pushed (target < 2 minutes);
2. a cycle after 1 % of the SKUs changed stock in QBC: ceil(10,000 / 250) = 40 QBC calls and
   100 Houzz calls (targets), and its wall time;
3. a cycle with nothing changed: 40 QBC calls, 0 Houzz calls.
"""

from __future__ import annotations

import argparse
import math
import random
import tempfile
from pathlib import Path
from typing import Any

from _common import Sandboxes, not_below_floor, report, sandbox_process, set_faults, stopwatch
from cryptography.fernet import Fernet

from orderbridge.runtime.jobs import run_job
from orderbridge.sandbox.catalog import build_catalog
from orderbridge.settings import Settings
from orderbridge.store import integrations, open_store
from orderbridge.workflows.context import IntegrationContext, open_context
from orderbridge.workflows.options import JobOptions
from orderbridge.workflows.sandbox_connection import save_sandbox_credentials

SEED = 11


def _connect(store: Any, settings: Settings, sandboxes: Sandboxes,
             concurrency: int) -> IntegrationContext:
    ctx = open_context(store, settings, "bench-inventory", create=True)
    with store.begin() as session:
        save_sandbox_credentials(session, ctx.integration_id, ctx.box,
                                 houzz_url=sandboxes.houzz_url, qbc_url=sandboxes.qbc_url)
        integrations.set_setting(session, ctx.integration_id, "inventory_concurrency",
                                 str(concurrency))
    ctx.reload_config()
    return ctx


def _cycle(ctx: IntegrationContext, sandboxes: Sandboxes, *,
           full: bool = False) -> dict[str, Any]:
    sandboxes.calls("qbc", forget=True), sandboxes.calls("houzz", forget=True)  # a clean log
    with stopwatch() as timing:
        outcome = run_job(ctx, "inventory", None, JobOptions(full=full))
    if outcome.error:
        raise RuntimeError(f"inventory: {outcome.error}")
    qbc, houzz = sandboxes.calls("qbc", forget=True), sandboxes.calls("houzz", forget=True)
    return {"qbc": len(qbc), "houzz": sum(1 for c in houzz
                                          if c.get("api_method") == "updateInventory"),
            "houzz_other": sum(1 for c in houzz if c.get("api_method") != "updateInventory"),
            "pushed": outcome.counts["pushed"], "wall_s": timing["wall_s"],
            "cpu_s": timing["cpu_s"]}


def inventory_section(args: argparse.Namespace) -> None:
    """QBC and Houzz calls and wall time of inventory cycles over `args.variants` variants."""
    count, latency = args.variants, args.houzz_latency_ms
    changed = max(1, count // 100)
    with tempfile.TemporaryDirectory() as tmp, sandbox_process() as sandboxes:
        for side in ("houzz", "qbc"):
            sandboxes.control(side, "seed", {"skus": count, "seed": SEED})
        set_faults(sandboxes, "houzz", {"latency_ms": latency})
        settings = Settings(home=Path(tmp) / "home",
                            database_url=f"sqlite:///{Path(tmp) / 'orderbridge.sqlite3'}",
                            secret_key=Fernet.generate_key().decode())
        store = open_store(settings)
        ctx = _connect(store, settings, sandboxes, args.concurrency)
        try:
            first = _cycle(ctx, sandboxes)
            rng = random.Random(SEED)
            for item in rng.sample(build_catalog(count, SEED), changed):
                sandboxes.control("qbc", "stock", {"sku": item.sku,
                                                "stock_on_hand": item.stock_on_hand + 7})
            one_percent = _cycle(ctx, sandboxes)
            steady = _cycle(ctx, sandboxes)
        finally:
            ctx.close()
            store.close()
    pages = math.ceil(count / 250)
    for got in (first, one_percent, steady):
        # the floor: Houzz calls one after another in `concurrency` lanes, each `latency` long
        got["floor_s"] = math.ceil(got["houzz"] / args.concurrency) * latency / 1000
    not_below_floor("first cycle", first["wall_s"], first["floor_s"])
    not_below_floor("1 % cycle", one_percent["wall_s"], one_percent["floor_s"])
    cycles = {"first cycle (all new)": first, f"{changed} changed (1 %)": one_percent,
              "nothing changed": steady}
    metrics = [("QBC calls", "qbc", f"{pages} (+1 on the first: primary location)"),
               ("Houzz updateInventory calls", "houzz", f"{count} / {changed} / 0"),
               ("other Houzz calls", "houzz_other", "0"),
               ("SKUs pushed", "pushed", ""),
               ("wall time (s)", "wall_s", "first < 120"),
               ("floor (s): Houzz calls / concurrency × latency", "floor_s", ""),
               ("hub CPU (s)", "cpu_s", "")]
    rows = [{"metric": label, **{name: got[key] for name, got in cycles.items()},
             "target": target} for label, key, target in metrics]
    report("return_path_inventory",
           f"Stock to Houzz for {count:,} QBC variants: Houzz latency {latency} ms, "
           f"{args.concurrency} pushes at a time, sandboxes in another process, SQLite store",
           rows)
