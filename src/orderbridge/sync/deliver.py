"""Order delivery: each ready order becomes one `POST /orders` in QBC, exactly once.

The protocol (DESIGN "Exactly-once effects"):
1. commit the order as *in flight*, with the payload and an idempotency key derived from it;
2. `POST /orders` with that `Idempotency-Key` (QBC carries a key out once and replays its
   first answer, so a retry after a timeout cannot create a second order);
3. commit the outcome: delivered (QBC's id kept), held (QBC refused it: 422), paused (the
   credentials or subscription need a person), or retry later (transient; stays in flight).
An order found in flight when a run starts (a crash, a timeout) is first looked up in QBC by
`reference_number`; only if QBC has no such order is it sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.errors import ConfigurationError, RecordRejected, RemoteError, TransientError
from orderbridge.model import DeliveryState, HoldReason, OrderStatus
from orderbridge.runtime.stopping import StopToken
from orderbridge.store import alerts, integrations, orders
from orderbridge.store.tables import Order
from orderbridge.sync import verbs
from orderbridge.sync.backoff import next_attempt
from orderbridge.sync.cancel_verbs import (
    cancel_before_delivery,
    cancel_pending,
    find_locked,
    lock_order,
)
from orderbridge.sync.context import IntegrationContext
from orderbridge.sync.options import JobOptions
from orderbridge.sync.translate import FIXABLE_HERE, Translator, remember_buyer
from orderbridge.sync.variant_index import refresh_variant_index

BATCH = 200


@dataclass
class DeliverResult:
    delivered: int = 0
    recovered: int = 0
    held: int = 0
    released: int = 0
    previewed: int = 0
    retrying: int = 0
    canceled: int = 0
    """Canceled on Houzz before they were sent (re-checked right before the in-flight commit)."""
    paused: bool = False


class IntegrationPaused(Exception):
    """Raised inside a run when QBC says the connection needs a person."""


def deliver(ctx: IntegrationContext, stop: StopToken | None = None,
                options: JobOptions | None = None) -> DeliverResult:
    """Deliver every ready order (and release held ones that can now go)."""
    result = DeliverResult()
    if not _has_work(ctx):
        return result
    refresh_variant_index(ctx)
    _release_fixed(ctx, result)
    with ctx.store.session() as session:
        translator = Translator(ctx, session)  # aliases and ship-method map: once per run
    try:
        while not (stop is not None and stop.stopped):
            with ctx.store.session() as session:
                due = orders.list_due(session, ctx.integration_id, OrderStatus.NEW,
                                      ctx.clock.now(), limit=BATCH)
                due_ids = [order.id for order in due]
            if not due_ids:
                break
            for order_id in due_ids:
                if stop is not None and stop.stopped:
                    break
                _deliver_one(ctx, order_id, result, translator)
            if len(due_ids) < BATCH:
                break
    except IntegrationPaused:
        result.paused = True
    return result


def _has_work(ctx: IntegrationContext) -> bool:
    """New orders, held ones the merchant may have fixed, or previews once live: only then is
    the variant index worth a refresh (it costs a QBC call)."""
    ready = Order.status == OrderStatus.NEW
    fixable = (Order.status == OrderStatus.HELD) & Order.hold_reason_code.in_(FIXABLE_HERE)
    conditions = ready | fixable
    if ctx.config.delivery == "live":
        conditions = conditions | (Order.status == OrderStatus.PREVIEW)
    with ctx.store.session() as session:
        found = session.scalar(select(Order.id).where(
            Order.integration_id == ctx.integration_id, conditions).limit(1))
    return found is not None


def _release_fixed(ctx: IntegrationContext, result: DeliverResult) -> None:
    """Held orders whose problem the merchant fixed in the hub go again by themselves;
    preview orders go when delivery is switched to live."""
    now = ctx.clock.now()
    with ctx.store.begin() as session:
        translator = Translator(ctx, session)
        candidates = session.scalars(select(Order).where(
            Order.integration_id == ctx.integration_id,
            ((Order.status == OrderStatus.HELD) & Order.hold_reason_code.in_(FIXABLE_HERE))
            | (Order.status == OrderStatus.PREVIEW)))
        for order in candidates:
            if order.status is OrderStatus.PREVIEW:
                if ctx.config.delivery == "live":
                    verbs.back_to_new(session, order, at=now)
                continue
            canonical = orders.load_canonical(order)
            if canonical is None or translator.translate(session, canonical).problems:
                continue
            verbs.release(session, order, f"Released: fixed ({order.hold_reason})", at=now)
            result.released += 1


def _deliver_one(ctx: IntegrationContext, order_id: int, result: DeliverResult,
                 translator: Translator) -> None:
    now = ctx.clock.now()
    with ctx.store.begin() as session:
        order = find_locked(session, order_id)  # a cancellation sweep waits, or went first
        if order is None or order.status is not OrderStatus.NEW:
            return
        unknown_outcome = order.delivery_state is DeliveryState.IN_FLIGHT
        if cancel_pending(order) and not unknown_outcome:
            cancel_before_delivery(session, order, at=now)
            result.canceled += 1
            return
        if unknown_outcome:
            payload, key = order.warehouse_payload, order.idempotency_key
        else:
            payload, key = _prepare(ctx, session, order, result, translator)
            if payload is not None and key is not None:
                verbs.start_delivery(session, order, payload, key, at=now)
    if payload is None or key is None:
        return
    if unknown_outcome:
        if _already_in_qbc(ctx, order_id, payload, result):
            return
        with ctx.store.begin() as session:
            order = _reload(session, order_id)
            if order.status is not OrderStatus.NEW:  # canceled meanwhile by the sweep
                return
            if cancel_pending(order):  # canceled on Houzz while the lookup ran: never sent
                cancel_before_delivery(session, order, at=now)
                result.canceled += 1
                return
            verbs.start_delivery(session, order, payload, key, at=now)
    _send(ctx, order_id, payload, key, result)


def _prepare(ctx: IntegrationContext, session: Session, order: Order, result: DeliverResult,
             translator: Translator) -> tuple[dict[str, Any] | None, str | None]:
    """Translate a new order; hold it, preview it, or return what to send."""
    now = ctx.clock.now()
    canonical = orders.load_canonical(order)
    if canonical is None:
        return None, None
    translated = translator.translate(session, canonical)
    orders.store_canonical(order, translated.canonical)
    if translated.problems:
        verbs.hold_new_order(session, order, translated.problems, at=now)
        result.held += 1
        return None, None
    assert translated.payload is not None
    if ctx.config.delivery == "preview":
        verbs.preview(session, order, translated.payload, at=now)
        result.previewed += 1
        return None, None
    return translated.payload, translated.idempotency_key


def _already_in_qbc(ctx: IntegrationContext, order_id: int, payload: dict[str, Any],
                    result: DeliverResult) -> bool:
    """For an order whose last attempt's outcome is unknown: does QBC have it already?"""
    reference = payload["order"]["reference_number"]
    try:
        found = ctx.qbc.get("/orders", {"reference_number": reference, "limit": 250})
    except RemoteError as exc:
        _record_failure(ctx, order_id, exc, result)
        return True
    matches = [o for o in (found or {}).get("orders", []) if o.get("status") != "deleted"]
    with ctx.store.begin() as session:
        order = _reload(session, order_id)
        now = ctx.clock.now()
        if not matches:
            verbs.not_sent(session, order, at=now, message=(
                f"QuickBooks Commerce has no order {reference}; the interrupted attempt "
                "created nothing, sending again"))
            return False
        verbs.mark_delivered(session, order, matches[0], at=now, found_by_lookup=True)
        canonical = orders.load_canonical(order)
        if canonical is not None:
            remember_buyer(session, ctx, canonical, matches[0])
        if len(matches) > 1:
            alerts.add_alert(session, ctx.integration_id, order_id=order.id,
                             kind="duplicate_in_warehouse", message=(
                                 f"QuickBooks Commerce holds {len(matches)} orders with reference"
                                 f" {reference}: {', '.join(str(m['id']) for m in matches)}"))
    result.recovered += 1
    return True


def _send(ctx: IntegrationContext, order_id: int, payload: dict[str, Any], key: str,
          result: DeliverResult) -> None:
    try:
        body = ctx.qbc.post("/orders", payload, idempotency_key=key)
    except RemoteError as exc:
        _record_failure(ctx, order_id, exc, result)
        return
    created = (body or {}).get("order") or {}
    with ctx.store.begin() as session:
        order = _reload(session, order_id)
        verbs.mark_delivered(session, order, created, at=ctx.clock.now())
        canonical = orders.load_canonical(order)
        if canonical is not None:
            remember_buyer(session, ctx, canonical, created)
    result.delivered += 1


def _record_failure(ctx: IntegrationContext, order_id: int, exc: RemoteError,
                    result: DeliverResult) -> None:
    now = ctx.clock.now()
    config = ctx.config
    with ctx.store.begin() as session:
        order = _reload(session, order_id)
        if isinstance(exc, RecordRejected):
            verbs.hold_after_failure(session, order, HoldReason.REJECTED_BY_WAREHOUSE,
                                     f"QuickBooks Commerce refused the order: {exc.message}",
                                     at=now, refused=True)
            alerts.add_alert(session, ctx.integration_id, order_id=order.id,
                             kind="rejected_by_warehouse", message=exc.message)
            result.held += 1
            return
        if isinstance(exc, ConfigurationError):
            integration = integrations.get_integration(session, ctx.name)
            assert integration is not None
            integrations.pause_integration(session, integration, exc.message)
            alerts.add_alert(session, ctx.integration_id, kind="paused", message=exc.message)
            raise IntegrationPaused(exc.message)
        if order.delivery_attempts >= config.retry_max_attempts:
            verbs.hold_after_failure(session, order, HoldReason.OTHER, (
                f"gave up after {order.delivery_attempts} attempts; last error: {exc.message}. "
                "Run orderbridge orders retry to try again"), at=now, refused=False)
            result.held += 1
            return
        retry_after = exc.retry_after if isinstance(exc, TransientError) else None
        verbs.retry_later(session, order, exc.message, at=now, next_at=next_attempt(
            now, max(order.delivery_attempts, 1), config.retry_base_s, config.retry_cap_s,
            retry_after))
        result.retrying += 1


def _reload(session: Session, order_id: int) -> Order:
    return lock_order(session, order_id)
