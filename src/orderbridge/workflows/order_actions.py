"""What a merchant may do to one order by hand: send it again, release its hold, or cancel
sending it. `orderbridge orders retry`, the order detail's buttons and ``/api/v1/orders/{ref}/*``
all call these.

Each action re-reads the order with its row locked, checks it applies (``order_refusals`` says
why not, in words, and the same words are shown beside the button), changes the order through the
lifecycle's own verbs (``holds.release``, ``cancel_requests.cancel_before_delivery``), resolves
the order's alerts and commits. A delivery run deciding about the same order waits for the lock
(or went first, and then the action sees what it did): an order is never both canceled and sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from orderbridge.errors import UsageError
from orderbridge.model import OrderStatus
from orderbridge.store import Store, alerts, orders
from orderbridge.store.tables import Integration, Order
from orderbridge.store.tables.columns import utcnow
from orderbridge.store.timeline import append_event
from orderbridge.workflows.cancel_requests import cancel_before_delivery
from orderbridge.workflows.holds import release
from orderbridge.workflows.order_refusals import (
    DELIVER_JOB,
    JOB_FOR_STATUS,
    refusal_to_cancel,
    refusal_to_release,
    refusal_to_retry,
)
from orderbridge.workflows.order_view import order_by_ref


class NotApplicable(UsageError):
    """The action does not apply to the order as it is now; the message says why."""


@dataclass(frozen=True)
class ActionDone:
    """What an action did, in words, and what happens next."""

    cust_ref: str
    message: str
    status: OrderStatus
    job: str
    """The job that takes the order on next."""
    paused: str | None
    """Why the integration is paused (nothing moves until it is resumed), or None."""


def retry(store: Store, integration: Integration, ref: str, *,
          by: str) -> ActionDone:
    """Put the order in the next run of its job: release a held order, or skip a waiting
    order's backoff (`orders retry`)."""
    return _act(store, integration, ref, refusal_to_retry,
                lambda session, order, at: _make_due(session, order, by, at))


def release_hold(store: Store, integration: Integration, ref: str, *,
                 by: str) -> ActionDone:
    """A held order goes back (held before delivery: to ``new``); the next run takes it."""
    return _act(store, integration, ref, refusal_to_release,
                lambda session, order, at: _release(session, order, by, at))


def cancel_sending(store: Store, integration: Integration, ref: str, *,
                   by: str) -> ActionDone:
    """An order not in QBC yet is never sent: canceled, as a Houzz cancellation before
    delivery cancels it."""
    return _act(store, integration, ref, refusal_to_cancel,
                lambda session, order, at: _cancel(session, order, by, at))


Act = Callable[[Session, Order, datetime], str]


def _act(store: Store, integration: Integration, ref: str,
         refusal: Callable[[Order], str | None], act: Act) -> ActionDone:
    try:
        with store.begin() as session:
            order = orders.lock_order(session, order_by_ref(session, integration, ref).id)
            why_not = refusal(order)
            if why_not is not None:
                raise NotApplicable(why_not)
            message = act(session, order, utcnow())
            alerts.resolve_alerts(session, integration.id, order_id=order.id)
            row = session.get(Integration, integration.id)
            done = ActionDone(order.cust_ref or order.channel_order_id, message, order.status,
                              JOB_FOR_STATUS.get(order.status, DELIVER_JOB),
                              row.paused_reason if row is not None and row.paused else None)
    except StaleDataError:
        raise NotApplicable("the order changed while this was being done (a job moved it "
                            "on); look at it again and retry") from None
    return done


def _make_due(session: Session, order: Order, by: str, at: datetime) -> str:
    if order.status is OrderStatus.HELD:
        return _release(session, order, by, at)
    waited = order.next_attempt_at
    order.next_attempt_at = None
    append_event(session, order.id, kind="retry_requested",
                 message=f"Retry requested by hand ({by})", at=at)
    job = JOB_FOR_STATUS[order.status]
    if waited is None:
        return f"already waiting for the next {job} run"
    return f"will go at the next {job} run instead of {waited:%Y-%m-%d %H:%M:%S} UTC"


def _release(session: Session, order: Order, by: str, at: datetime) -> str:
    was = order.hold_reason or "held"
    release(session, order, f"Released by hand ({by}); was: {was}", at=at)
    return f"released (was held: {was}); status {order.status.value}"


def _cancel(session: Session, order: Order, by: str, at: datetime) -> str:
    cancel_before_delivery(session, order, at=at, message=(
        f"Sending canceled by hand ({by}); never sent to QuickBooks Commerce"))
    return ("canceled: it will never be sent to QuickBooks Commerce (it stays open on Houzz; "
            "cancel it there too if the buyer should not get it)")
