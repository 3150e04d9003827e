"""`orderbridge webhooks register|status|remove` against the QBC sandbox, as a merchant runs
them: what is registered, the secret never shown, clear errors for what cannot work."""

from __future__ import annotations

from typing import Any

import httpx

from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.sandbox.qbc.tokens import DEFAULT_CLIENT_SECRET
from orderbridge.workflows.qbc_webhooks.events import WANTED
from tests.cli.conftest import Cli

HUB = "https://hub.example.com"


def remote(pair: SandboxPair) -> list[dict[str, Any]]:
    hooks: list[dict[str, Any]] = httpx.get(
        f"{pair.qbc_url}/webhooks", headers={"Authorization": "Bearer sandbox-token"}
    ).json()["webhooks"]
    return hooks


def test_register_status_and_remove(cli: Cli, pair: SandboxPair) -> None:
    cli.connect(pair, in_process=True)
    off = cli.invoke("webhooks", "status")
    assert "Webhooks of 'default': off" in off.stdout
    assert "orderbridge webhooks register --url" in off.stdout
    refused = cli.invoke("webhooks", "register", "--url", HUB, expect=1)
    assert "privileged token" in refused.stderr and "--app-secret" in refused.stderr
    assert remote(pair) == []
    done = cli.run("webhooks", "register", "--url", HUB + "/",
                   env={"ORDERBRIDGE_QBC_APP_SECRET": DEFAULT_CLIENT_SECRET})
    assert f"delivers to {HUB}/webhooks/qbc/default" in done.stdout
    assert DEFAULT_CLIENT_SECRET not in done.output
    assert sorted(hook["event"] for hook in remote(pair)) == sorted(WANTED)
    status = cli.invoke("webhooks", "status", "--json").json()
    assert status["state"] == "on" and status["address"] == f"{HUB}/webhooks/qbc/default"
    assert sorted(s["event"] for s in status["subscriptions"]) == sorted(WANTED)
    assert DEFAULT_CLIENT_SECRET.encode() not in cli.database_bytes()  # encrypted at rest
    shown = cli.invoke("config", "show").stdout
    assert "webhooks" in shown and "on" in shown
    removed = cli.invoke("webhooks", "remove")
    assert f"Removed {len(WANTED)} webhook(s)" in removed.stdout
    assert remote(pair) == []
    assert cli.run("webhooks", "status", "--json").json()["state"] == "off"


def test_an_address_qbc_cannot_deliver_to_is_refused_before_any_call(cli: Cli,
                                                                     pair: SandboxPair) -> None:
    cli.connect(pair, in_process=True)
    calls = len(pair.calls("qbc"))
    for bad in ("ftp://hub.example.com", "hub.example.com", "https://hub.example.com/?a=1"):
        refused = cli.invoke("webhooks", "register", "--url", bad, "--app-secret", "x", expect=1)
        assert "is not an address QBC can deliver to" in refused.stderr
    assert len(pair.calls("qbc")) == calls
