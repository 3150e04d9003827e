"""`orderbridge config show` says what each job's schedule costs of the QBC budget, from the
QBC calls its recent runs measured: before any run, "not measured yet"; after, calls per run and
per hour, and the share of QBC's 3,600 calls an hour, changing with the schedule."""

from __future__ import annotations

from orderbridge.sandbox.launcher import SandboxPair
from tests.cli.conftest import Cli, place


def budget(cli: Cli) -> dict[str, dict[str, float | None]]:
    rows = cli.invoke("config", "show", "--json").json()["qbc_budget"]
    return {row["job"]: row for row in rows}


def test_the_schedule_explains_its_budget_use(cli: Cli, pair: SandboxPair) -> None:
    cli.connect(pair, in_process=True)
    before = cli.invoke("config", "show")
    assert "QBC budget by schedule (3,600 calls an hour" in before.stdout
    assert "not measured yet" in before.stdout
    place(pair, 2)
    connecting = len(pair.calls("qbc"))  # the connection check
    cli.invoke("sync", "--once")
    measured = budget(cli)
    qbc_calls = len(pair.calls("qbc")) - connecting
    per_run = {job: row["calls_per_run"] for job, row in measured.items()}
    assert per_run["download"] == 0  # Houzz only
    assert per_run["deliver"] is not None and per_run["deliver"] >= 2  # two orders created
    assert sum(value or 0 for value in per_run.values()) == qbc_calls  # every call counted
    inventory = measured["inventory"]
    inventory_per_run = inventory["calls_per_run"]
    assert inventory_per_run is not None and inventory_per_run >= 1  # a page of variants
    assert inventory["calls_per_hour"] == inventory_per_run * 3600 / 120  # inventory_every_s
    cli.invoke("config", "set", "inventory_every_s", "60")
    faster = budget(cli)["inventory"]
    assert faster["calls_per_hour"] == inventory_per_run * 60
    assert faster["share_of_budget"] == inventory_per_run * 60 / 3600
    shown = cli.invoke("config", "show").stdout
    assert "of the budget" in shown and "not measured yet" not in shown
