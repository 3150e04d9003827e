"""Two `orderbridge sync` loops on one store send each order to QuickBooks Commerce once.

Both processes run every job on short schedules against the same SQLite file (the default
home) or the same PostgreSQL database. The lease per (integration, job) lets one of them run a
job at a time; the other skips it ("running in another process"), so no order is sent twice
and none is looked up and resent while its delivery is in flight in the other process.
"""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from dataclasses import dataclass

import pytest

from orderbridge.sandbox.launcher import SandboxPair
from tests.cli.conftest import Cli, Result, place, qbc_orders, qbc_posts

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

ORDERS = 120
FIRST_WAVE = 40
WAVE = 10
DELIVERY_WAIT_S = 90
SETTLE_S = 3.0
"""How long both loops keep running once every order is in QBC: a second POST would show."""


@dataclass
class SharedStoreCli(Cli):
    """The command with the test's home and, when given, a database URL for every process."""

    database_url: str | None = None

    @property
    def backend(self) -> str:
        return "sqlite" if self.database_url is None else "postgresql"

    def env(self, **extra: str) -> dict[str, str]:
        env = super().env(**extra)
        if self.database_url is not None:
            env["ORDERBRIDGE_DATABASE_URL"] = self.database_url
        return env


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest, cli: Cli,
           monkeypatch: pytest.MonkeyPatch) -> SharedStoreCli:
    """The CLI on one store: the home's SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return SharedStoreCli(cli.home)
    url: str = request.getfixturevalue("postgres_url")
    monkeypatch.setenv("ORDERBRIDGE_DATABASE_URL", url)  # for the in-process commands
    return SharedStoreCli(cli.home, database_url=url)


def order_posts(pair: SandboxPair) -> int:
    """The creating `POST /orders` calls the QBC sandbox received."""
    return sum(1 for call in qbc_posts(pair) if call["path"].rstrip("/") == "/orders")


def run_two_loops(cli: SharedStoreCli, pair: SandboxPair) -> tuple[list[str], list[Result],
                                                                   float]:
    """Both loops while buyers place orders in waves, until every order is in QBC (bounded),
    then Ctrl-C to both: the orders placed, what each process printed, how long it took."""
    placed = place(pair, FIRST_WAVE)
    processes = [cli.start("sync"), cli.start("sync")]
    started = time.monotonic()
    results: list[Result] = []
    try:
        deadline = started + DELIVERY_WAIT_S
        while len(qbc_orders(pair)) < ORDERS and time.monotonic() < deadline:
            for process in processes:
                assert process.poll() is None, process.communicate()
            if len(placed) < ORDERS and len(qbc_orders(pair)) > 0:
                placed += place(pair, WAVE)  # while both loops are busy delivering
            time.sleep(0.25)
        took = time.monotonic() - started
        time.sleep(SETTLE_S)
    finally:
        for process in processes:
            results.append(_interrupted(cli, process))
    return placed, results, took


def _interrupted(cli: SharedStoreCli, process: subprocess.Popen[str]) -> Result:
    try:
        return cli.interrupt(process)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        return Result(-9, stdout, stderr)


def test_two_sync_loops_send_each_order_once(shared: SharedStoreCli, pair: SandboxPair) -> None:
    shared.connect(pair, in_process=True)
    for job in ("download", "deliver", "cancellations", "shipments"):
        shared.invoke("config", "set", f"{job}_every_s", "1")
    # every call takes a while, as over the internet: each job lasts long enough that the two
    # loops meet on it (without a lease both would send the same orders)
    pair.set_faults("qbc", latency_ms=40)
    pair.set_faults("houzz", latency_ms=40)

    placed, (first, second), took = run_two_loops(shared, pair)

    posts = order_posts(pair)
    references = Counter(order["reference_number"] for order in qbc_orders(pair))
    print(f"\n{shared.backend}: {ORDERS} orders, {posts} creating POSTs /orders, all in QBC "
          f"after {took:.1f}s")
    for result in (first, second):
        assert "Traceback" not in result.output, result.stderr
        assert "cannot go from" not in result.output, result.stderr
        assert "failed unexpectedly" not in result.output, result.stderr
        assert result.code == 0, result.stderr
        assert result.stderr.rstrip().endswith("Stopped cleanly."), result.stderr
    assert sorted(references) == sorted(placed)  # every order delivered ...
    assert set(references.values()) == {1}  # ... once
    assert posts == ORDERS  # and never sent twice, not even idempotently
    skipped = sum(result.stderr.count("running in another process") for result in (first, second))
    assert skipped > 0  # the two did contend for the jobs
    listed = shared.invoke("orders", "list", "--limit", str(2 * ORDERS), "--json").json()
    assert Counter(order["status"] for order in listed) == {"at_wms": ORDERS}
