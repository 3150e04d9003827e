"""Where an order is in its life, and which moves are allowed.

The lifecycle is data (``ALLOWED_TRANSITIONS``) rather than scattered ``if`` statements, so the
store can refuse an impossible move and the dashboard can explain the possible ones.

```
new ──deliver──▶ at_wms ──fulfilled in QBC──▶ shipped ──tracking posted──▶ confirmed
 │ ▲ ╲              │  ╲                         │
 │ │  ╲preview      │   ╲canceled on Houzz       └─▶ held (carrier / tracking problem)
 ▼ │fixed           ▼    ▶ void in QBC ─▶ canceled
held ──canceled on Houzz before delivery──▶ canceled (never sent)
```

Holding and releasing: ``held`` remembers the status it came from (``held_from_status`` in the
store). Releasing goes back to where the order was *in the outside world*: an order held after it
reached QBC (``at_wms``) or after it shipped goes back there; every other order (held from
``new`` or ``preview``) goes back to ``new`` so it is translated and validated again with the
fixed mappings. ``release_target`` encodes that rule.
"""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    """The status of a canonical order (CartRover's order statuses, plus ``held``/``preview``)."""

    NEW = "new"
    """Downloaded from the channel, ready to deliver to the warehouse."""
    HELD = "held"
    """Needs a human; the order carries a hold reason (code + message) saying what to fix."""
    PREVIEW = "preview"
    """Translated while the integration's delivery mode is *preview*; nothing was sent."""
    AT_WMS = "at_wms"
    """Delivered to the warehouse (QBC holds the order; its id is stored)."""
    SHIPPED = "shipped"
    """Fulfilled in the warehouse; tracking not yet posted to the channel."""
    CONFIRMED = "confirmed"
    """Tracking posted to the channel (Houzz). Terminal."""
    CANCELED = "canceled"
    """Canceled: never sent, or voided in the warehouse. Terminal."""


ALLOWED_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.NEW: frozenset(
        {OrderStatus.AT_WMS, OrderStatus.HELD, OrderStatus.CANCELED, OrderStatus.PREVIEW}
    ),
    # Delivery mode switched back to live (-> new), or a problem found (-> held).
    OrderStatus.PREVIEW: frozenset({OrderStatus.NEW, OrderStatus.HELD, OrderStatus.CANCELED}),
    # Released to where it came from (see ``release_target``), or canceled on the channel.
    OrderStatus.HELD: frozenset(
        {OrderStatus.NEW, OrderStatus.AT_WMS, OrderStatus.SHIPPED, OrderStatus.CANCELED}
    ),
    # Canceled here means "voided in QBC"; held means QBC or the channel refused something.
    OrderStatus.AT_WMS: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELED, OrderStatus.HELD}),
    # A cancel after shipping does not cancel: it holds (canceled_after_ship) or just alerts.
    OrderStatus.SHIPPED: frozenset({OrderStatus.CONFIRMED, OrderStatus.HELD}),
    OrderStatus.CONFIRMED: frozenset(),
    OrderStatus.CANCELED: frozenset(),
}

TERMINAL_STATUSES: frozenset[OrderStatus] = frozenset(
    status for status, targets in ALLOWED_TRANSITIONS.items() if not targets
)


class InvalidTransitionError(ValueError):
    """A status change the lifecycle does not allow."""

    def __init__(self, current: OrderStatus, target: OrderStatus) -> None:
        allowed = ", ".join(sorted(ALLOWED_TRANSITIONS[current])) or "nothing (terminal)"
        super().__init__(
            f"an order cannot go from {current.value} to {target.value}; allowed: {allowed}"
        )
        self.current = current
        self.target = target


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    """Whether the lifecycle allows moving an order from ``current`` to ``target``."""
    return target in ALLOWED_TRANSITIONS[current]


def check_transition(current: OrderStatus, target: OrderStatus) -> None:
    """Raise ``InvalidTransitionError`` unless ``current -> target`` is allowed."""
    if not can_transition(current, target):
        raise InvalidTransitionError(current, target)


def release_target(held_from: OrderStatus | None) -> OrderStatus:
    """The status a held order returns to when released.

    Orders held after reaching the warehouse go back to ``at_wms`` or ``shipped``; all others
    (held from ``new``, ``preview`` or unknown) go back to ``new`` to be translated again.
    """
    if held_from in (OrderStatus.AT_WMS, OrderStatus.SHIPPED):
        return held_from
    return OrderStatus.NEW
