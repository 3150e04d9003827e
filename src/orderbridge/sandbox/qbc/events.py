"""Events the QBC simulator raises when its records change, for webhook delivery.

The real API names one event per webhook (`order.create`, `fulfillment.fulfilled`,
`variant.stock_level_update`, ... see reference §7.7). Resource handlers publish; the webhook
dispatcher subscribes. Publishing never blocks the request that caused the change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    """One change worth telling webhook subscribers about."""

    name: str
    object_id: int
    resource_url: str
    account_id: int
    timestamp: int


EventHandler = Callable[[Event], None]


class EventBus:
    """In-process publish/subscribe; handlers must return quickly."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._handlers: list[EventHandler] = []

    def subscribe(self, handler: EventHandler) -> None:
        with self._lock:
            self._handlers.append(handler)

    def publish(self, event: Event) -> None:
        with self._lock:
            handlers = list(self._handlers)
        for handler in handlers:
            handler(event)


@dataclass(frozen=True)
class WebhookSubscription:
    """A registered webhook: one event, one address, owned by one OAuth application."""

    id: int
    address: str
    event: str
    oauth_application_id: int
    account_id: int
