"""`orderbridge sync --job inventory [--full]` and `orderbridge inventory report`."""

from __future__ import annotations

from orderbridge.sandbox.catalog import build_catalog
from orderbridge.sandbox.launcher import SandboxPair
from tests.cli.conftest import SEED, SEED_SKUS, Cli

SKUS = [item.sku for item in build_catalog(SEED_SKUS, SEED)]


def test_sync_pushes_stock_and_the_report_shows_it(cli: Cli, pair: SandboxPair) -> None:
    pair.control("houzz", "seed", {"skus": SEED_SKUS + 2, "seed": SEED})  # 2 Houzz-only
    cli.connect(pair, in_process=True)
    cli.invoke("config", "set", "inventory_buffer", "1")
    first = cli.invoke("sync", "--once", "--job", "inventory")
    assert "pushed 20" in first.stdout
    pair.control("qbc", "stock", {"sku": SKUS[0], "stock_on_hand": 9})
    second = cli.invoke("sync", "--once", "--job", "inventory")
    assert "changed 1" in second.stdout and "pushed 1" in second.stdout
    full = cli.invoke("sync", "--once", "--job", "inventory", "--full")
    assert "pushed 20" in full.stdout and "without variant 2" in full.stdout

    rows = {row["houzz_sku"]: row for row in cli.invoke("inventory", "report", "--json").json()}
    assert len(rows) == SEED_SKUS + 2
    first_row = rows[SKUS[0]]
    assert (first_row["on_hand"], first_row["computed"], first_row["last_pushed"]) == (
        "9", 8, 8)
    extra = sorted(set(rows) - set(SKUS))
    assert all("no QBC variant backs it" in rows[sku]["problems"][0] for sku in extra)

    table = cli.invoke("inventory", "report", "--problems")
    assert all(sku in table.stdout for sku in extra) and SKUS[0] not in table.stdout
    assert "2 with a problem" in table.stdout


def test_report_before_any_cycle_says_what_to_run(cli: Cli, pair: SandboxPair) -> None:
    cli.connect(pair, in_process=True)
    result = cli.invoke("inventory", "report", expect=1)
    assert "orderbridge sync --once --job inventory" in result.output


def test_stock_settings_are_checked(cli: Cli, pair: SandboxPair) -> None:
    cli.connect(pair, in_process=True)
    bad = cli.invoke("config", "set", "inventory_locations", "1,main", expect=1)
    assert "location ids separated by commas" in bad.output
    cli.invoke("config", "set", "inventory_locations", " 1, 2 ")
    assert "1,2" in cli.invoke("config", "show").stdout
    cli.invoke("config", "set", "inventory_concurrency", "0", expect=1)
