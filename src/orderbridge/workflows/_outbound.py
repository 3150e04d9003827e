"""The outbound-effect protocol every workflow follows (DESIGN "Exactly-once effects").

Each call the hub makes for an order (``model.outbound``: the delivery, the void, the tracking
post, the Houzz cancel) goes the same way:

1. ``begin`` commits the effect *in flight*, with what it will send, before the call;
2. the workflow calls the remote (with an idempotency key where the remote takes one);
3. the outcome is recorded in a new transaction: ``succeeded`` (done); ``refused`` (the remote
   said no, so nothing happened: idle, and the workflow holds the order with the remote's
   words); a transient failure (``after_transient_failure``: still in flight, as the outcome is
   unknown, retried on the order's backoff schedule and held for a person once
   ``retry_max_attempts`` is reached); or a configuration failure: the integration pauses,
   and the effect is ``put_back`` where the refusal proves the call did nothing (it stays in
   flight where an earlier try of the same call may have reached the remote).

An effect found in flight (a crash, a timeout) is settled before it is sent again: looked up
where the remote can say (QBC orders by reference, a QBC order's status; ``not_sent`` when the
lookup proves nothing happened), or sent again with the same request where the remote
recognises a repeat (Houzz answers "already shipped" / "already canceled"). A call that never
went (the run was stopped first) is ``put_back``: idle, the attempt not counted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from orderbridge.errors import RemoteError, TransientError
from orderbridge.model import Hold, HoldReason, OutboundEffect, OutboundState
from orderbridge.store.tables import Order
from orderbridge.store.timeline import append_event
from orderbridge.workflows.backoff import next_attempt
from orderbridge.workflows.holds import hold
from orderbridge.workflows.integration_config import IntegrationConfig


def begin(session: Session, order: Order, effect: OutboundEffect, *, at: datetime, kind: str,
          message: str, data: dict[str, Any] | None = None) -> int:
    """Commit the effect in flight (the caller commits *before* the call); the attempt's
    number, counted afresh when the order starts a different effect. ``message`` may name
    the attempt as ``{attempt}``."""
    if order.outbound_effect is not effect:
        order.outbound_effect = effect
        order.outbound_attempts = 0
    order.outbound_state = OutboundState.IN_FLIGHT
    order.outbound_attempts += 1
    order.next_attempt_at = None
    append_event(session, order.id, kind=kind, at=at, data=data,
                 message=message.format(attempt=order.outbound_attempts))
    return order.outbound_attempts


def in_flight(order: Order, effect: OutboundEffect) -> bool:
    """Whether ``effect`` was sent (or about to be) for the order with its outcome unknown."""
    return order.outbound_effect is effect and order.outbound_state is OutboundState.IN_FLIGHT


def succeeded(order: Order) -> None:
    """The remote confirmed the effect (the caller's verb moves the status and says so)."""
    order.outbound_state = OutboundState.DONE
    order.next_attempt_at = None
    order.last_error = None


def refused(order: Order, message: str) -> None:
    """The remote said no: nothing happened, nothing is in flight (the caller holds it)."""
    order.outbound_state = OutboundState.IDLE
    order.next_attempt_at = None
    order.last_error = message


def not_sent(session: Session, order: Order, *, at: datetime, message: str) -> None:
    """A lookup proved the interrupted attempt did nothing: the next attempt is a fresh call."""
    order.outbound_state = OutboundState.IDLE
    append_event(session, order.id, kind="lookup", message=message, at=at)


def put_back(session: Session, order: Order, *, at: datetime, message: str) -> None:
    """The call never reached the remote (the run stopped first, or the remote refused the
    credentials): idle again, the attempt not counted."""
    if order.outbound_state is OutboundState.IN_FLIGHT:
        order.outbound_state = OutboundState.IDLE
        order.outbound_attempts = max(order.outbound_attempts - 1, 0)
        append_event(session, order.id, kind="not_sent", message=message, at=at)


def after_transient_failure(session: Session, order: Order, exc: RemoteError,
                            config: IntegrationConfig, *, at: datetime, doing: str) -> bool:
    """Schedule the next attempt on the order's backoff schedule (no sooner than the remote
    asked), or hold the order for a person after ``retry_max_attempts``; True when held. The
    effect stays in flight either way: its outcome is unknown."""
    attempts = order.outbound_attempts
    if attempts >= config.retry_max_attempts:
        message = (f"gave up {doing} after {attempts} attempts; last error: {exc.message}. "
                   "Run orderbridge orders retry to try again")
        order.last_error = message
        hold(session, order, Hold(code=HoldReason.OTHER, message=message), at=at)
        return True
    retry_after = exc.retry_after if isinstance(exc, TransientError) else None
    due = next_attempt(at, max(attempts, 1), config.retry_base_s, config.retry_cap_s,
                       retry_after)
    order.last_error = exc.message
    order.next_attempt_at = due
    append_event(session, order.id, kind="retry", data={"error": exc.message}, at=at,
                 message=f"Attempt {attempts} failed: {exc.message}; retrying at "
                         f"{due.isoformat(timespec='seconds')}")
    return False
