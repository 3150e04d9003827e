"""The order-flow tests run against both simulators on loopback and the real store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orderbridge.sandbox.launcher import SandboxPair, start_sandboxes
from orderbridge.settings import Settings
from orderbridge.store import Store, integrations
from orderbridge.workflows.context import IntegrationContext, open_context
from orderbridge.workflows.sandbox_connection import save_sandbox_credentials


@pytest.fixture(scope="session")
def sandboxes() -> Iterator[SandboxPair]:
    pair = start_sandboxes()
    yield pair
    pair.stop()


@pytest.fixture
def pair(sandboxes: SandboxPair) -> SandboxPair:
    sandboxes.reset()
    sandboxes.seed(20, seed=5)
    return sandboxes


def connect(store: Store, settings: Settings, pair: SandboxPair, name: str = "default",
            **config: str) -> IntegrationContext:
    """An integration connected to the sandboxes, as `orderbridge connect` would leave it."""
    ctx = open_context(store, settings, name, create=True)
    with store.begin() as session:
        save_sandbox_credentials(session, ctx.integration_id, ctx.box,
                                 houzz_url=pair.houzz_url, qbc_url=pair.qbc_url)
        for key, value in config.items():
            integrations.set_setting(session, ctx.integration_id, key, value)
    ctx.reload_config()
    return ctx


@pytest.fixture
def ctx(store: Store, settings: Settings, pair: SandboxPair) -> Iterator[IntegrationContext]:
    context = connect(store, settings, pair)
    yield context
    context.close()
