"""The QBC events the hub subscribes to, and which job works off each (reference §7.7, §8).

- ``fulfillment.create`` / ``fulfillment.fulfilled``: a package was made or left the
  warehouse; the shipments job records it and confirms the order to Houzz.
- ``variant.stock_level_update``: stock changed; the inventory job pushes the new quantity.
- ``order.create``: an order was made in QBC, for instance by hand for a Houzz order the hub
  holds; the deliver job adopts it instead of sending a second one.
"""

from __future__ import annotations

JOB_OF: dict[str, str] = {
    "fulfillment.create": "shipments",
    "fulfillment.fulfilled": "shipments",
    "variant.stock_level_update": "inventory",
    "order.create": "deliver",
}
WANTED: tuple[str, ...] = tuple(JOB_OF)


def events_of(job: str) -> tuple[str, ...]:
    """The events ``job`` works off (none for the other jobs)."""
    return tuple(event for event, owner in JOB_OF.items() if owner == job)

