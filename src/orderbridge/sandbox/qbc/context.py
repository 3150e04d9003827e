"""What every request handler works with: the simulator's services and the calling account.

`QbcServices` is built once per app; `Caller` once per request (or per control call, acting as
the warehouse staff of one account). Domain functions take a `Caller`, so they know the
account, the time, and where to publish events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from orderbridge.clock import Clock
from orderbridge.sandbox.harness import SandboxHarness
from orderbridge.sandbox.qbc.events import Event, EventBus
from orderbridge.sandbox.qbc.idempotency import IdempotencyStore
from orderbridge.sandbox.qbc.settings import QbcSandboxSettings
from orderbridge.sandbox.qbc.state import Account, SandboxState
from orderbridge.sandbox.qbc.tokens import TokenRegistry


@dataclass
class QbcServices:
    """The long-lived parts of one simulator instance."""

    settings: QbcSandboxSettings
    clock: Clock
    state: SandboxState
    tokens: TokenRegistry
    bus: EventBus
    harness: SandboxHarness
    idempotency: IdempotencyStore
    dispatcher: Any | None = None


@dataclass
class Caller:
    """The account a request acts on, and the OAuth application acting."""

    services: QbcServices
    account: Account
    app_id: int
    base_url: str

    @property
    def state(self) -> SandboxState:
        return self.services.state

    def now(self) -> datetime:
        return self.services.clock.now()

    def url(self, plural: str, record_id: int) -> str:
        return f"{self.base_url}/{plural}/{record_id}"

    def publish(self, name: str, plural: str, record_id: int) -> None:
        event = Event(
            name=name,
            object_id=record_id,
            resource_url=f"{self.base_url}/{plural}/{record_id}.json",
            account_id=self.account.id,
            timestamp=int(self.services.clock.time()),
        )
        self.services.bus.publish(event)
