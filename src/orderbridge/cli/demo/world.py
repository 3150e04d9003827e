"""The demo's world: its own home, both sandboxes seeded, and an integration connected to them.

The demo never touches the merchant's `~/.orderbridge` nor a database named by
`ORDERBRIDGE_DATABASE_URL`: it always uses a SQLite file in its own home (a fresh temporary
directory unless `--home` names an empty one). The integration is connected the way
`orderbridge connect` does it: each connection is checked against its API first, then the
credentials are stored encrypted.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from orderbridge.connectors.check import CheckResult
from orderbridge.connectors.houzz.check import check_houzz
from orderbridge.connectors.houzz.client import HouzzClient, HouzzCredentials
from orderbridge.connectors.qbc.check import check_qbc
from orderbridge.connectors.qbc.client import QbcClient
from orderbridge.errors import UsageError
from orderbridge.sandbox.catalog import build_catalog
from orderbridge.sandbox.launcher import HOUZZ_CREDENTIALS, QBC_TOKEN, SandboxPair, start_sandboxes
from orderbridge.settings import DATABASE_FILENAME, Settings, default_database_url, load_settings
from orderbridge.store import Store, mappings, open_store
from orderbridge.workflows.context import IntegrationContext, open_context
from orderbridge.workflows.sandbox_connection import save_sandbox_credentials

INTEGRATION = "demo"
SHIP_METHODS = {"STANDARD": "UPS Ground", "EXPEDITED": "UPS 2nd Day Air"}
"""Two Houzz shipping codes mapped; CURBSIDE and INSIDE go to QBC as they are."""


@dataclass
class DemoWorld:
    """Everything the demo runs on; `close()` stops the sandboxes and closes the store."""

    home: Path
    settings: Settings
    store: Store
    pair: SandboxPair
    ctx: IntegrationContext
    catalog_skus: list[str]

    def close(self) -> None:
        self.ctx.close()
        self.store.close()
        self.pair.stop()


def demo_home(home: Path | None) -> Path:
    """`home` if it holds no orderbridge database yet, else refuse; default a fresh temp dir."""
    if home is None:
        return Path(tempfile.mkdtemp(prefix="orderbridge-demo-"))
    home = home.expanduser().absolute()
    if (home / DATABASE_FILENAME).exists():
        raise UsageError(f"{home} already holds an orderbridge database; the demo needs a "
                         "directory of its own (leave out --home for a fresh one)")
    home.mkdir(parents=True, exist_ok=True)
    return home


def build_world(home: Path, *, skus: int, seed: int) -> DemoWorld:
    """Start and seed both sandboxes, open the demo's store and connect the integration."""
    settings = load_settings(home=home, database_url=default_database_url(home))
    store = open_store(settings)
    try:
        pair = start_sandboxes()
    except BaseException:
        store.close()
        raise
    try:
        pair.seed(skus, seed)
        ctx = connect(store, settings, pair)
    except BaseException:
        store.close()
        pair.stop()
        raise
    catalog = [item.sku for item in build_catalog(skus, seed)]
    return DemoWorld(home, settings, store, pair, ctx, catalog)


def connect(store: Store, settings: Settings, pair: SandboxPair) -> IntegrationContext:
    """Check both sandbox connections, store their credentials encrypted, map ship codes."""
    creds = HouzzCredentials(**HOUZZ_CREDENTIALS)
    with HouzzClient(creds, pair.houzz_url) as houzz:
        _require(check_houzz(houzz))
    with QbcClient(QBC_TOKEN, pair.qbc_url, max_attempts=1) as qbc:
        _require(check_qbc(qbc))
    ctx = open_context(store, settings, INTEGRATION, create=True)
    with store.begin() as session:
        save_sandbox_credentials(session, ctx.integration_id, ctx.box,
                                 houzz_url=pair.houzz_url, qbc_url=pair.qbc_url)
        for code, value in SHIP_METHODS.items():
            mappings.set_ship_method(session, ctx.integration_id, code, value)
    ctx.reload_config()
    return ctx


def _require(result: CheckResult) -> None:
    if not result.ok:
        raise UsageError(f"{result.summary}: {'; '.join(result.problems)}")
