"""Everything a job needs for one integration, passed explicitly (no globals).

`IntegrationContext` holds the store, the integration's id and config, the clock, the secret
box, and builds the two API clients from the stored, encrypted credentials on first use.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from orderbridge.clock import Clock, SystemClock
from orderbridge.connectors.houzz.client import HouzzClient, HouzzCredentials
from orderbridge.connectors.qbc.client import QbcClient
from orderbridge.connectors.qbc.oauth import RefreshingBearer
from orderbridge.crypto import SecretBox
from orderbridge.errors import UsageError
from orderbridge.settings import Settings
from orderbridge.store import integrations
from orderbridge.store.credentials import Connector, StoredCredentials, load_credentials
from orderbridge.store.migrate import Store
from orderbridge.workflows.integration_config import IntegrationConfig, config_from_rows
from orderbridge.workflows.qbc_tokens import StoredTokens, is_oauth


@dataclass
class IntegrationContext:
    """One integration, ready to run jobs."""

    store: Store
    box: SecretBox
    integration_id: int
    name: str
    config: IntegrationConfig
    clock: Clock = field(default_factory=SystemClock)
    _houzz: HouzzClient | None = None
    _qbc: QbcClient | None = None

    def credentials(self, connector: Connector) -> StoredCredentials:
        with self.store.session() as session:
            stored = load_credentials(session, self.integration_id, connector, self.box)
        if stored is None:
            command = ("orderbridge connect houzz --token T --username U --app-name A"
                       if connector == "houzz" else "orderbridge connect qbc --token T")
            raise UsageError(f"integration {self.name!r} has no {connector} connection yet; "
                             f"run: {command} --integration {self.name}")
        return stored

    @property
    def houzz(self) -> HouzzClient:
        if self._houzz is None:
            stored = self.credentials("houzz")
            values = stored.values
            creds = HouzzCredentials(values["token"], values["username"], values["app_name"])
            # enough connections for the concurrent stock pushes and tracking confirmations
            connections = max(20, self.config.inventory_concurrency,
                              self.config.confirm_concurrency)
            self._houzz = HouzzClient(creds, stored.base_url or "https://api.houzz.com",
                                      timeout=self.config.houzz_timeout_s,
                                      max_connections=connections)
        return self._houzz

    @property
    def qbc(self) -> QbcClient:
        if self._qbc is None:
            stored = self.credentials("qbc")
            base_url = stored.base_url or "https://api.tradegecko.com"
            token: str | RefreshingBearer = stored.values.get("token", "")
            if is_oauth(stored.values):  # an OAuth app's token, refreshed before it expires
                token = RefreshingBearer(StoredTokens(
                    self.store, self.box, self.integration_id, base_url, stored.values,
                    clock=self.clock, timeout_s=self.config.qbc_timeout_s))
            self._qbc = QbcClient(token, base_url,
                                  timeout=self.config.qbc_timeout_s, clock=self.clock,
                                  max_wait_s=self.config.max_wait_s)
        return self._qbc

    @property
    def qbc_calls(self) -> int:
        """QBC requests sent so far through this context (0 before the first)."""
        return 0 if self._qbc is None else self._qbc.calls

    def reload_config(self) -> None:
        with self.store.session() as session:
            self.config = config_from_rows(integrations.all_settings(session,
                                                                     self.integration_id))

    def close(self) -> None:
        for client in (self._houzz, self._qbc):
            if client is not None:
                client.close()
        self._houzz = self._qbc = None


def open_context(store: Store, settings: Settings, name: str = "default", *,
                 clock: Clock | None = None, create: bool = False) -> IntegrationContext:
    """The context of integration `name` (created when `create` is set)."""
    with store.begin() as session:
        integration = (integrations.get_or_create_integration(session, name) if create
                       else integrations.get_integration(session, name))
        if integration is None:
            raise UsageError(f"there is no integration named {name!r}; create it with "
                             f"orderbridge connect houzz ... --integration {name}")
        config = config_from_rows(integrations.all_settings(session, integration.id))
        integration_id = integration.id
    return IntegrationContext(store, SecretBox.from_settings(settings), integration_id, name,
                              config, clock or SystemClock())


@contextmanager
def opened_context(store: Store, settings: Settings, name: str) -> Iterator[IntegrationContext]:
    """`open_context` for a block: its HTTP clients are closed when the block ends."""
    ctx = open_context(store, settings, name)
    try:
        yield ctx
    finally:
        ctx.close()
