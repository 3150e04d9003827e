"""Pushing to Houzz: concurrent and bounded, failures classified, nothing lost or repeated."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from orderbridge.sandbox.houzz import create_houzz_app
from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, SandboxPair
from orderbridge.sandbox.server import RunningServer, serve_in_thread
from orderbridge.settings import Settings
from orderbridge.store import Store, integrations
from orderbridge.store.credentials import save_credentials
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.inventory.push import MAX_CONSECUTIVE_FAILURES
from tests.workflows.conftest import connect
from tests.workflows.inventory.rig import (
    configure,
    forget_calls,
    houzz_quantities,
    inventory_calls,
    levels,
    run_inventory,
    run_inventory_job,
    set_stock,
)


class InFlight:
    """ASGI wrapper around the real Houzz sandbox counting requests being answered at once."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.now = self.most = 0
        self._lock = threading.Lock()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        counted = scope["type"] == "http" and not scope["path"].startswith("/_sandbox")
        if not counted:
            await self.app(scope, receive, send)
            return
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)

        async def answered(message: Any) -> None:
            last = message["type"] == "http.response.body" and not message.get("more_body")
            if last:  # counted out before the client can have the answer
                with self._lock:
                    self.now -= 1
            await send(message)

        await self.app(scope, receive, answered)


@pytest.fixture
def watched_houzz() -> Iterator[tuple[RunningServer, InFlight]]:
    watcher = InFlight(create_houzz_app())
    server = serve_in_thread(watcher)  # type: ignore[arg-type]  # any ASGI app serves
    yield server, watcher
    server.stop()


def test_pushes_run_concurrently_bounded_by_the_setting(
        store: Store, settings: Settings, pair: SandboxPair,
        watched_houzz: tuple[RunningServer, InFlight]) -> None:
    server, watcher = watched_houzz
    pair.reset()
    pair.control("qbc", "seed", {"skus": 100, "seed": 9})
    with httpx.Client(base_url=f"{server.base_url}/_sandbox") as control:
        control.post("/seed", json={"skus": 100, "seed": 9}).raise_for_status()
        control.post("/faults", json={"latency_ms": 50}).raise_for_status()
        ctx = connect(store, settings, pair, inventory_concurrency="8")
        with store.begin() as session:
            save_credentials(session, ctx.integration_id, "houzz", dict(HOUZZ_CREDENTIALS),
                             ctx.box, base_url=server.base_url)
        try:
            result = run_inventory(ctx)
        finally:
            ctx.close()
        calls = control.get("/calls").json()["calls"]
    assert result.pushed == 100 == len([c for c in calls
                                        if c["api_method"] == "updateInventory"])
    assert watcher.most == 8  # eight at a time (50 ms each), never more


def test_a_transient_failure_is_retried_next_cycle(ctx: IntegrationContext,
                                                   pair: SandboxPair) -> None:
    run_inventory(ctx)
    sku = next(iter(houzz_quantities(pair)))
    set_stock(pair, sku, 2)
    pair.set_faults("houzz", error_rate=1.0)
    failed = run_inventory(ctx)
    assert (failed.changed, failed.pushed, failed.failed) == (1, 0, 1)
    assert levels(ctx)[sku].quantity != 2 and levels(ctx)[sku].last_error
    pair.set_faults("houzz", error_rate=0.0)
    forget_calls(pair)
    again = run_inventory(ctx)
    assert (again.changed, again.pushed) == (1, 1)
    assert houzz_quantities(pair)[sku] == 2 and levels(ctx)[sku].last_error is None


def test_when_houzz_keeps_failing_the_rest_waits_for_the_next_cycle(
        ctx: IntegrationContext, pair: SandboxPair) -> None:
    pair.reset()
    pair.seed(80, seed=2)
    configure(ctx, inventory_concurrency="4")
    pair.set_faults("houzz", error_rate=1.0)
    result = run_inventory(ctx)
    assert result.changed == 80 and result.pushed == 0
    assert MAX_CONSECUTIVE_FAILURES <= result.failed < 80
    assert result.failed + result.deferred == 80
    assert len(inventory_calls(pair)) == result.failed
    pair.set_faults("houzz", error_rate=0.0)
    assert run_inventory(ctx).pushed == 80


def test_a_missing_permission_pauses_the_integration(ctx: IntegrationContext,
                                                     pair: SandboxPair) -> None:
    pair.control("houzz", "credentials", {**HOUZZ_CREDENTIALS,  # the token loses a permission
                                          "permissions": ["List and process orders"]})
    outcome = run_inventory_job(ctx)
    assert outcome.error and "paused the integration" in outcome.error
    with ctx.store.session() as session:
        integration = integrations.get_integration(session, ctx.name)
        assert integration is not None and integration.paused
    assert not [level for level in levels(ctx).values() if level.quantity is not None]
