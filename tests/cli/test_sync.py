"""`orderbridge sync`: a refused token pauses the integration; the loop stops cleanly on Ctrl-C."""

from __future__ import annotations

import time

from orderbridge.sandbox.launcher import QBC_TOKEN, SandboxPair
from tests.cli.conftest import SEED, SEED_SKUS, Cli, place, qbc_orders

TEMPORARY_TOKEN = "temporary-qbc-token-0042"


def test_a_refused_token_pauses_until_reconnected(cli: Cli, pair: SandboxPair) -> None:
    pair.control("qbc", "tokens", {"token": TEMPORARY_TOKEN})
    cli.connect(pair, qbc_token=TEMPORARY_TOKEN, in_process=True)
    placed = place(pair, 2)
    pair.control("qbc", "reset")  # the merchant revokes the token in QBC
    pair.control("qbc", "seed", {"skus": SEED_SKUS, "seed": SEED})

    paused = cli.run("sync", "--once", expect=1)
    assert "integration 'default' is paused: the access token was refused" in paused.stderr
    assert "orderbridge resume --integration default" in paused.stderr
    assert "paused the integration" in paused.stdout  # the summary row of the deliver job
    [row] = cli.invoke("integrations", "--json").json()
    assert row["paused"] and row["orders"] == {"new": 2}
    assert "PAUSED" in cli.invoke("config", "show").stdout

    still = cli.invoke("sync", "--once", expect=1)
    assert "is paused" in still.stderr and still.stdout == ""  # nothing ran
    assert "resumed" in cli.invoke("resume").stdout
    cli.invoke("sync", "--once", expect=1)  # the token is still refused: paused again
    assert qbc_orders(pair) == []

    fixed = cli.invoke("connect", "qbc", "--token", QBC_TOKEN, "--base-url", pair.qbc_url)
    assert "was paused; it runs again" in fixed.stdout
    assert "delivered 2" in cli.invoke("sync", "--once").stdout
    assert sorted(o["reference_number"] for o in qbc_orders(pair)) == sorted(placed)


def test_sync_needs_connected_integrations_and_known_jobs(cli: Cli, pair: SandboxPair) -> None:
    nothing = cli.invoke("sync", "--once", expect=1)
    assert "no integration yet" in nothing.stderr
    cli.invoke("connect", "qbc", "--token", QBC_TOKEN, "--base-url", pair.qbc_url)
    half = cli.invoke("sync", "--once", expect=1)
    assert "is not connected to houzz: run orderbridge connect houzz" in half.stderr
    bogus = cli.invoke("sync", "--once", "--job", "teleport", expect=1)
    assert ("unknown job teleport; jobs: download, cancellations, deliver, shipments, "
            "inventory") in bogus.stderr
    cli.invoke("sync", "--once", "--integration", "elsewhere", expect=1)


def test_sync_runs_on_schedule_until_ctrl_c(cli: Cli, pair: SandboxPair) -> None:
    cli.connect(pair, in_process=True)
    cli.invoke("config", "set", "download_every_s", "1")
    cli.invoke("config", "set", "deliver_every_s", "1")
    process = cli.start("sync")
    try:
        placed = place(pair, 3)  # placed while the loop runs: a later cycle picks them up
        deadline = time.monotonic() + 30
        while len(qbc_orders(pair)) < len(placed) and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.2)
    finally:
        result = cli.interrupt(process)
    assert sorted(o["reference_number"] for o in qbc_orders(pair)) == sorted(placed)
    assert result.code == 0, result.stderr
    assert "default/deliver every 1s" in result.stderr
    assert "default/deliver: delivered" in result.stderr
    assert "Stop requested: finishing the current step" in result.stderr
    assert result.stderr.rstrip().endswith("Stopped cleanly.")
