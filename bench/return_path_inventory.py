"""The inventory section of `return_path.py`: what a stock cycle of 10,000 variants costs.

The sandboxes run in a child process (`orderbridge sandbox`), so their CPU does not slow the hub;
the Houzz sandbox answers every call after `--houzz-latency-ms` (default 100 ms). Measured, from
the sandboxes' call logs:

1. the first cycle: every SKU is new to Houzz, so all 10,000 are pushed (target < 2 minutes);
2. a cycle after 1 % of the SKUs changed stock in QBC: ceil(10,000 / 250) = 40 QBC calls and
   100 Houzz calls (targets), and its wall time;
3. a cycle with nothing changed: 40 QBC calls, 0 Houzz calls.
"""

from __future__ import annotations

import argparse
import math
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from _common import report, stopwatch
from cryptography.fernet import Fernet

from orderbridge.runtime.jobs import run_job
from orderbridge.sandbox.catalog import build_catalog
from orderbridge.sandbox.server import bind_loopback
from orderbridge.settings import Settings
from orderbridge.store import integrations, open_store
from orderbridge.workflows.context import IntegrationContext, open_context
from orderbridge.workflows.options import JobOptions
from orderbridge.workflows.sandbox_connection import save_sandbox_credentials

SEED = 11


class SandboxProcess:
    """`orderbridge sandbox` in a child process, driven through its control API."""

    def __init__(self, houzz_url: str, qbc_url: str) -> None:
        self.urls = {"houzz": houzz_url, "qbc": qbc_url}
        self.http = httpx.Client(timeout=300)

    def post(self, side: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.http.post(f"{self.urls[side]}/_sandbox/{path}", json=body or {})
        response.raise_for_status()
        return response.json()

    def calls(self, side: str) -> list[dict[str, Any]]:
        response = self.http.get(f"{self.urls[side]}/_sandbox/calls")
        response.raise_for_status()
        calls: list[dict[str, Any]] = response.json()["calls"]
        self.http.delete(f"{self.urls[side]}/_sandbox/calls").raise_for_status()
        return calls


@contextmanager
def sandbox_process() -> Iterator[SandboxProcess]:
    ports = []
    for _ in range(2):
        sock = bind_loopback(0)
        ports.append(sock.getsockname()[1])
        sock.close()
    command = [sys.executable, "-m", "orderbridge", "sandbox", "--houzz-port", str(ports[0]),
               "--qbc-port", str(ports[1]), "--skus", "0"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sandboxes = SandboxProcess(f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                for side in ("houzz", "qbc"):
                    sandboxes.http.get(f"{sandboxes.urls[side]}/_sandbox/faults")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the sandboxes did not start") from None
                time.sleep(0.1)
        yield sandboxes
    finally:
        sandboxes.http.close()
        process.terminate()
        process.wait(timeout=10)


def _connect(store: Any, settings: Settings, sandboxes: SandboxProcess,
             concurrency: int) -> IntegrationContext:
    ctx = open_context(store, settings, "bench-inventory", create=True)
    with store.begin() as session:
        save_sandbox_credentials(session, ctx.integration_id, ctx.box,
                                 houzz_url=sandboxes.urls["houzz"], qbc_url=sandboxes.urls["qbc"])
        integrations.set_setting(session, ctx.integration_id, "inventory_concurrency",
                                 str(concurrency))
    ctx.reload_config()
    return ctx


def _cycle(ctx: IntegrationContext, sandboxes: SandboxProcess, *,
           full: bool = False) -> dict[str, Any]:
    sandboxes.calls("qbc"), sandboxes.calls("houzz")  # forget what came before
    with stopwatch() as timing:
        outcome = run_job(ctx, "inventory", None, JobOptions(full=full))
    if outcome.error:
        raise RuntimeError(f"inventory: {outcome.error}")
    qbc, houzz = sandboxes.calls("qbc"), sandboxes.calls("houzz")
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
            sandboxes.post(side, "seed", {"skus": count, "seed": SEED})
        sandboxes.post("houzz", "faults", {"latency_ms": latency})
        settings = Settings(home=Path(tmp) / "home",
                            database_url=f"sqlite:///{Path(tmp) / 'orderbridge.sqlite3'}",
                            secret_key=Fernet.generate_key().decode())
        store = open_store(settings)
        ctx = _connect(store, settings, sandboxes, args.concurrency)
        try:
            first = _cycle(ctx, sandboxes)
            rng = random.Random(SEED)
            for item in rng.sample(build_catalog(count, SEED), changed):
                sandboxes.post("qbc", "stock", {"sku": item.sku,
                                                "stock_on_hand": item.stock_on_hand + 7})
            one_percent = _cycle(ctx, sandboxes)
            steady = _cycle(ctx, sandboxes)
        finally:
            ctx.close()
            store.close()
    pages = math.ceil(count / 250)
    cycles = {"first cycle (all new)": first, f"{changed} changed (1 %)": one_percent,
              "nothing changed": steady}
    metrics = [("QBC calls", "qbc", f"{pages} (+1 on the first: primary location)"),
               ("Houzz updateInventory calls", "houzz", f"{count} / {changed} / 0"),
               ("other Houzz calls", "houzz_other", "0"),
               ("SKUs pushed", "pushed", ""),
               ("wall time (s)", "wall_s", "first < 120"),
               ("hub CPU (s)", "cpu_s", "")]
    rows = [{"metric": label, **{name: got[key] for name, got in cycles.items()},
             "target": target} for label, key, target in metrics]
    report("return_path_inventory",
           f"Stock to Houzz for {count:,} QBC variants: Houzz latency {latency} ms, "
           f"{args.concurrency} pushes at a time, sandboxes in another process, SQLite store",
           rows)
