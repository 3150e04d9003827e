"""What happened, in the order it happened: the orders' timelines plus the scenario's actors.

The hub's own story is in the order timelines (delivered, held, released); the demo adds what
the people in it did (buyers placing orders, the merchant adding an alias), which no timeline
holds. Both become `DemoEvent`s so the view shows one stream.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from orderbridge.store import Store
from orderbridge.store.tables import Order, OrderEvent

SHOWN_KINDS = ("delivered", "held", "released", "canceled", "voided", "canceled_after_ship",
               "confirmed")


@dataclass(frozen=True)
class DemoEvent:
    """One line of the event stream."""

    at: datetime
    subject: str
    text: str
    kind: str
    seq: int = 0
    """Timeline events: the event's id (to read only newer ones); scenario events: 0."""


class EventFeed:
    """The scenario's events, appended from its thread and read from the view's."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[DemoEvent] = []

    def add(self, subject: str, text: str, kind: str = "scenario") -> DemoEvent:
        event = DemoEvent(datetime.now(UTC), subject, text, kind)
        with self._lock:
            self._events.append(event)
        return event

    def since(self, index: int) -> list[DemoEvent]:
        """Events from position `index` on (pass the count already read)."""
        with self._lock:
            return list(self._events[index:])

    def latest(self, limit: int) -> list[DemoEvent]:
        with self._lock:
            return list(self._events[-limit:])


def timeline_events(store: Store, integration_id: int, *, after_id: int = 0,
                    limit: int = 200, newest_first: bool = False) -> list[DemoEvent]:
    """Delivered / held / released entries of the integration's order timelines."""
    query = (select(OrderEvent, Order.cust_ref, Order.channel_order_id)
             .join(Order, Order.id == OrderEvent.order_id)
             .where(Order.integration_id == integration_id, OrderEvent.id > after_id,
                    OrderEvent.kind.in_(SHOWN_KINDS))
             .order_by(OrderEvent.id.desc() if newest_first else OrderEvent.id)
             .limit(limit))
    with store.session() as session:
        rows = session.execute(query).all()
    return [DemoEvent(event.at, cust_ref or channel_id, describe(event), event.kind, event.id)
            for event, cust_ref, channel_id in rows]


def describe(event: OrderEvent) -> str:
    """The event's sentence, shortened where the view has a better one."""
    data = event.data or {}
    if event.kind == "delivered" and data.get("warehouse_order_id") is not None:
        return f"delivered to QBC (order id {data['warehouse_order_id']})"
    if event.kind == "released":
        return "released: fixed, so it goes again by itself"
    if event.kind == "confirmed" and data.get("shipping_method"):
        numbers = ", ".join(data.get("tracking_numbers") or []) or "no tracking number"
        return f"confirmed to Houzz with {data['shipping_method']} {numbers}"
    if event.kind == "canceled":
        return "canceled before delivery: never sent to QBC"
    if event.kind == "voided":
        return f"voided in QBC (order id {data.get('warehouse_order_id')})"
    return event.message


def merged(scenario: list[DemoEvent], timeline: list[DemoEvent], limit: int) -> list[DemoEvent]:
    """The newest `limit` events of both streams, newest first."""
    both = sorted(scenario + timeline, key=lambda e: (e.at, e.seq), reverse=True)
    return both[:limit]
