"""Voiding a delivered order in QBC, exactly once.

The protocol is every outbound effect's (`workflows._outbound`, DESIGN "Exactly-once effects"):
1. commit the void as *in flight* (status stays `at_wms`);
2. void it in QBC with an `Idempotency-Key` derived from the QBC order id, so the client's
   own retries after a timeout are replayed by QBC, not carried out twice;
3. commit the outcome: `canceled` (voided), or the refusal classified, or retry later.
A void found in flight (a crash, a timeout) is first looked up (the QBC order's status): void
means done; shipped means it is too late; anything else means the attempt did nothing and the
void is sent again. So: no double void and no lost cancellation.

A refusal (422) is classified with one read of the QBC order: already void (the merchant
voided it) counts as done; shipped quantities mean "canceled on Houzz after it shipped" (an
alert with both ids, nothing else); anything else holds the order with QBC's message and an
alert. Transient failures retry on the order's backoff schedule; configuration failures
propagate, so the job pauses the integration (the order stays in flight and is looked up
after the resume).
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from orderbridge.connectors.qbc.records import QbcOrder
from orderbridge.errors import ConfigurationError, NotFound, RecordRejected, RemoteError
from orderbridge.model import OrderStatus, OutboundEffect
from orderbridge.model.cancel import CancelState
from orderbridge.store import alerts, orders
from orderbridge.store.tables import Order
from orderbridge.store.timeline import append_event
from orderbridge.workflows import _outbound
from orderbridge.workflows.cancellations.verbs import (
    canceled_after_ship,
    hold_void_refused,
    mark_voided,
    start_void,
    void_key,
    warehouse_order_number,
)
from orderbridge.workflows.context import IntegrationContext


class VoidCounts(Protocol):
    voided: int
    after_ship: int
    held: int
    retrying: int


def void_order(ctx: IntegrationContext, order_id: int, counts: VoidCounts) -> None:
    """Void one delivered order whose cancellation is requested (no-op otherwise)."""
    now = ctx.clock.now()
    with ctx.store.begin() as session:
        order = orders.lock_order(session, order_id)
        if (order.status is not OrderStatus.AT_WMS
                or order.cancel_state is not CancelState.REQUESTED
                or order.warehouse_order_id is None
                or (order.next_attempt_at is not None and order.next_attempt_at > now)):
            return
        wid = order.warehouse_order_id
        unknown = _outbound.in_flight(order, OutboundEffect.VOID)
        if not unknown:
            start_void(session, order, at=now)
    if unknown:
        if _settled_by_lookup(ctx, order_id, wid, counts):
            return
        with ctx.store.begin() as session:
            start_void(session, orders.lock_order(session, order_id), at=ctx.clock.now())
    try:
        voided = ctx.qbc.void_order(wid, idempotency_key=void_key(wid))
    except RecordRejected as exc:
        _classify_refusal(ctx, order_id, wid, exc.message, counts)
        return
    except NotFound as exc:
        _hold(ctx, order_id, f"QuickBooks Commerce has no order {wid} to void ({exc.message})",
              counts)
        return
    except ConfigurationError:
        raise
    except RemoteError as exc:
        retry_later(ctx, order_id, exc, counts, doing="voiding")
        return
    with ctx.store.begin() as session:
        mark_voided(session, orders.lock_order(session, order_id), voided, at=ctx.clock.now())
    counts.voided += 1


def _fetch(ctx: IntegrationContext, order_id: int, wid: str,
           counts: VoidCounts) -> QbcOrder | None:
    """The QBC order, or None when the failure was recorded (hold or retry)."""
    try:
        return ctx.qbc.get_order(wid)
    except NotFound as exc:
        _hold(ctx, order_id, f"QuickBooks Commerce has no order {wid} to void ({exc.message})",
              counts)
    except ConfigurationError:
        raise
    except RemoteError as exc:
        retry_later(ctx, order_id, exc, counts, doing="voiding")
    return None


def _settled_by_lookup(ctx: IntegrationContext, order_id: int, wid: str,
                       counts: VoidCounts) -> bool:
    """For a void whose last attempt's outcome is unknown: is it settled already?"""
    qbc_order = _fetch(ctx, order_id, wid, counts)
    if qbc_order is None:
        return True
    if _settled(ctx, order_id, qbc_order, counts, found_by_lookup=True):
        return True
    with ctx.store.begin() as session:
        append_event(session, order_id, kind="lookup", at=ctx.clock.now(), message=(
            f"QuickBooks Commerce order {wid} is still {qbc_order.status}; the "
            "interrupted void did nothing, voiding again"))
    return False


def _settled(ctx: IntegrationContext, order_id: int, qbc_order: QbcOrder,
             counts: VoidCounts, *, found_by_lookup: bool) -> bool:
    """Void (done) or shipped (too late) in QBC: record it and say True."""
    if qbc_order.is_void:
        with ctx.store.begin() as session:
            mark_voided(session, orders.lock_order(session, order_id), qbc_order,
                        at=ctx.clock.now(), found_by_lookup=found_by_lookup)
        counts.voided += 1
        return True
    if qbc_order.is_shipped:
        with ctx.store.begin() as session:
            order = orders.lock_order(session, order_id)
            after_ship_alert(ctx, session, order, qbc_order.order_number or "?")
        counts.after_ship += 1
        return True
    return False


def _classify_refusal(ctx: IntegrationContext, order_id: int, wid: str, message: str,
                      counts: VoidCounts) -> None:
    qbc_order = _fetch(ctx, order_id, wid, counts)
    if qbc_order is None or _settled(ctx, order_id, qbc_order, counts, found_by_lookup=False):
        return
    _hold(ctx, order_id, f"QuickBooks Commerce refused to void order {wid}: {message}", counts)


def after_ship_alert(ctx: IntegrationContext, session: Session, order: Order,
                     order_number: str | None) -> None:
    """Canceled on Houzz after it shipped: say so once, with both ids; nothing is voided."""
    number = order_number or warehouse_order_number(session, order) or "?"
    message = (f"Houzz order {order.channel_order_id} was canceled on Houzz after it shipped: "
               f"QuickBooks Commerce order {number} (id {order.warehouse_order_id}) was not "
               "voided; arrange the return or refund with the buyer")
    canceled_after_ship(session, order, message, at=ctx.clock.now())
    alerts.add_alert(session, ctx.integration_id, order_id=order.id, kind="canceled_after_ship",
                     message=message)


def _hold(ctx: IntegrationContext, order_id: int, message: str, counts: VoidCounts) -> None:
    with ctx.store.begin() as session:
        order = orders.lock_order(session, order_id)
        hold_void_refused(session, order, message, at=ctx.clock.now())
        alerts.add_alert(session, ctx.integration_id, order_id=order.id, kind="void_refused",
                         message=message)
    counts.held += 1


class RetryCounts(Protocol):
    held: int
    retrying: int


def retry_later(ctx: IntegrationContext, order_id: int, exc: RemoteError, counts: RetryCounts,
                *, doing: str) -> None:
    """Transient: the call stays in flight (looked up before the next attempt), on the order's
    backoff schedule; after `retry_max_attempts` the order is held for a person."""
    with ctx.store.begin() as session:
        order = orders.lock_order(session, order_id)
        held = _outbound.after_transient_failure(session, order, exc, ctx.config,
                                                 at=ctx.clock.now(), doing=doing)
    if held:
        counts.held += 1
    else:
        counts.retrying += 1
