"""Holding an order for a person, and releasing it: the verbs every workflow shares.

A hold carries a machine code and a message saying what to fix (``model.hold``); the order
remembers where it was held from, and releasing sends it back there (``model.release_target``:
orders held before delivery go back to ``new`` and are translated again).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from orderbridge.model import Hold, release_target
from orderbridge.model.status import OrderStatus
from orderbridge.store import orders
from orderbridge.store.tables import Order


def combined_hold(problems: list[Hold]) -> Hold:
    """One hold for several problems: the first one's code, every message."""
    message = "; ".join(dict.fromkeys(problem.message for problem in problems))
    return Hold(code=problems[0].code, message=message)


def hold(session: Session, order: Order, reason: Hold, *, at: datetime,
         prefix: str = "Held") -> None:
    """The order needs a person; the timeline says why."""
    orders.change_status(session, order, OrderStatus.HELD, kind="held",
                         message=f"{prefix}: {reason.message}", hold=reason, at=at)


def release(session: Session, order: Order, message: str, *, at: datetime) -> OrderStatus:
    """A held order goes back to where it came from, its outbound call with a fresh count of
    attempts (what is in flight stays in flight: it is settled first); the status it went to."""
    target = release_target(order.held_from_status)
    orders.change_status(session, order, target, kind="released", message=message, at=at)
    order.next_attempt_at = None
    order.last_error = None
    order.outbound_attempts = 0
    return target
