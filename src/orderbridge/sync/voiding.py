"""Voiding a delivered order in QBC, exactly once (`POST /orders/{id}/actions/void`).

The protocol is delivery's (DESIGN "Exactly-once effects"), on the same `delivery_state`:
1. commit the void as *in flight* (status stays `at_wms`);
2. `POST /orders/{id}/actions/void` with an `Idempotency-Key` derived from the QBC order id, so
   the client's own retries after a timeout are replayed by QBC, not carried out twice;
3. commit the outcome: `canceled` (voided), or the refusal classified, or retry later.
A void found in flight (a crash, a timeout) is first looked up (`GET /orders/{id}`): `void`
means done; shipped means it is too late; anything else means the attempt did nothing and the
void is sent again. So: no double void and no lost cancellation.

A refusal (422) is classified with one `GET /orders/{id}`: already void (the merchant voided it)
counts as done; shipped quantities mean "canceled on Houzz after it shipped" (an alert with both
ids, nothing else); anything else holds the order with QBC's message and an alert. Transient
failures retry on the order's backoff schedule; configuration failures propagate, so the job
pauses the integration (the order stays in flight and is looked up after the resume).
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.orm import Session

from orderbridge.errors import (
    ConfigurationError,
    NotFound,
    RecordRejected,
    RemoteError,
)
from orderbridge.model import DeliveryState, HoldReason, OrderStatus
from orderbridge.model.cancel import CancelState
from orderbridge.store import alerts
from orderbridge.store.tables import Order
from orderbridge.store.timeline import append_event
from orderbridge.sync import cancel_verbs, verbs
from orderbridge.sync.cancel_verbs import lock_order
from orderbridge.sync.context import IntegrationContext

SHIPPED_FULFILLMENT = frozenset({"shipped", "partial"})


class VoidCounts(Protocol):
    voided: int
    after_ship: int
    held: int
    retrying: int


def void_key(warehouse_order_id: str) -> str:
    """The `Idempotency-Key` of the void of one QBC order (the same on every attempt)."""
    return f"orderbridge-void-{warehouse_order_id}"


def is_shipped(qbc_order: dict[str, Any]) -> bool:
    return (qbc_order.get("status") == "fulfilled"
            or qbc_order.get("fulfillment_status") in SHIPPED_FULFILLMENT)


def void_order(ctx: IntegrationContext, order_id: int, counts: VoidCounts) -> None:
    """Void one delivered order whose cancellation is requested (no-op otherwise)."""
    now = ctx.clock.now()
    with ctx.store.begin() as session:
        order = lock_order(session, order_id)
        if (order.status is not OrderStatus.AT_WMS
                or order.cancel_state is not CancelState.REQUESTED
                or order.warehouse_order_id is None
                or (order.next_attempt_at is not None and order.next_attempt_at > now)):
            return
        wid = order.warehouse_order_id
        unknown = order.delivery_state is DeliveryState.IN_FLIGHT
        if not unknown:
            cancel_verbs.start_void(session, order, void_key(wid), at=now)
    if unknown:
        if _settled_by_lookup(ctx, order_id, wid, counts):
            return
        with ctx.store.begin() as session:
            cancel_verbs.start_void(session, lock_order(session, order_id), void_key(wid),
                                    at=ctx.clock.now())
    try:
        body = ctx.qbc.post(f"/orders/{wid}/actions/void", None, idempotency_key=void_key(wid))
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
        retry_later(ctx, order_id, exc, counts)
        return
    with ctx.store.begin() as session:
        cancel_verbs.mark_voided(session, lock_order(session, order_id),
                                 (body or {}).get("order") or {}, at=ctx.clock.now())
    counts.voided += 1


def _fetch(ctx: IntegrationContext, order_id: int, wid: str,
           counts: VoidCounts) -> dict[str, Any] | None:
    """The QBC order, or None when the failure was recorded (hold or retry)."""
    try:
        body = ctx.qbc.get(f"/orders/{wid}")
    except NotFound as exc:
        _hold(ctx, order_id, f"QuickBooks Commerce has no order {wid} to void ({exc.message})",
              counts)
        return None
    except ConfigurationError:
        raise
    except RemoteError as exc:
        retry_later(ctx, order_id, exc, counts)
        return None
    found: dict[str, Any] = (body or {}).get("order") or {}
    return found


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
            f"QuickBooks Commerce order {wid} is still {qbc_order.get('status')}; the "
            "interrupted void did nothing, voiding again"))
    return False


def _settled(ctx: IntegrationContext, order_id: int, qbc_order: dict[str, Any],
             counts: VoidCounts, *, found_by_lookup: bool) -> bool:
    """Void (done) or shipped (too late) in QBC: record it and say True."""
    if qbc_order.get("status") in ("void", "deleted"):
        with ctx.store.begin() as session:
            cancel_verbs.mark_voided(session, lock_order(session, order_id), qbc_order,
                                     at=ctx.clock.now(), found_by_lookup=found_by_lookup)
        counts.voided += 1
        return True
    if is_shipped(qbc_order):
        with ctx.store.begin() as session:
            order = lock_order(session, order_id)
            after_ship_alert(ctx, session, order, str(qbc_order.get("order_number") or "?"))
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
    number = order_number or cancel_verbs.warehouse_order_number(session, order) or "?"
    message = (f"Houzz order {order.channel_order_id} was canceled on Houzz after it shipped: "
               f"QuickBooks Commerce order {number} (id {order.warehouse_order_id}) was not "
               "voided; arrange the return or refund with the buyer")
    cancel_verbs.canceled_after_ship(session, order, message, at=ctx.clock.now())
    alerts.add_alert(session, ctx.integration_id, order_id=order.id, kind="canceled_after_ship",
                     message=message)


def _hold(ctx: IntegrationContext, order_id: int, message: str, counts: VoidCounts) -> None:
    with ctx.store.begin() as session:
        order = lock_order(session, order_id)
        cancel_verbs.hold_void_refused(session, order, message, at=ctx.clock.now())
        alerts.add_alert(session, ctx.integration_id, order_id=order.id, kind="void_refused",
                         message=message)
    counts.held += 1


class RetryCounts(Protocol):
    held: int
    retrying: int


def retry_later(ctx: IntegrationContext, order_id: int, exc: RemoteError, counts: RetryCounts,
                doing: str = "voiding") -> None:
    """Transient: the call stays in flight (looked up before the next attempt), on the order's
    backoff schedule; after `retry_max_attempts` the order is held for a person."""
    now = ctx.clock.now()
    config = ctx.config
    with ctx.store.begin() as session:
        order = lock_order(session, order_id)
        if order.delivery_attempts >= config.retry_max_attempts:
            verbs.hold_after_failure(session, order, HoldReason.OTHER, (
                f"gave up {doing} after {order.delivery_attempts} attempts; last error: "
                f"{exc.message}. Run orderbridge orders retry to try again"), at=now,
                refused=False)
            counts.held += 1
            return
        verbs.retry_after_failure(session, order, exc, config, at=now)
    counts.retrying += 1
