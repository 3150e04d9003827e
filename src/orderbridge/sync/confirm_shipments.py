"""Tracking to Houzz, exactly once: one `updateOrder` Ship per shipped order.

The protocol mirrors delivery (`sync.deliver`): commit the order *in flight* with the exact
request, call Houzz, commit the outcome. Houzz has no idempotency key, so an order found in
flight (a crash, a timeout) is sent again with the same request: if Houzz refuses because the
order is already Shipped, that refusal *is* the confirmation of the earlier attempt. Any other
refusal (the buyer canceled meanwhile, an unknown carrier code) holds the order with Houzz's
message and an alert. Transient failures retry on the order's own backoff schedule; a
credentials or permission problem pauses the integration.

Orders held for an unmapped carrier or a missing tracking number are released by themselves
once the carrier is mapped or the number appears in QBC.
"""

from __future__ import annotations

import re
from typing import Protocol

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from orderbridge.errors import ConfigurationError, RecordRejected, RemoteError
from orderbridge.model import DeliveryState, Hold, HoldReason, OrderStatus
from orderbridge.runtime.stopping import StopToken
from orderbridge.store import alerts, orders
from orderbridge.store.carrier_map import carrier_codes
from orderbridge.store.shipments import packages_of
from orderbridge.store.tables import Order
from orderbridge.sync import shipment_verbs, verbs
from orderbridge.sync.carriers import CarrierMap
from orderbridge.sync.context import IntegrationContext
from orderbridge.sync.ship_policy import ShipRequest, ship_request

BATCH = 200
FIXED_BY_ITSELF = (HoldReason.UNMAPPED_CARRIER, HoldReason.MISSING_TRACKING)
ALERT_KINDS = ("unmapped_carrier", "missing_tracking", "rejected_by_channel")
_ALREADY_SHIPPED = re.compile(r"\b(is|already|was)\s+shipped\b", re.IGNORECASE)


class Counts(Protocol):
    confirmed: int
    recovered: int
    held: int
    released: int
    retrying: int


def load_carrier_map(ctx: IntegrationContext) -> CarrierMap:
    with ctx.store.session() as session:
        merchant = carrier_codes(session, ctx.integration_id)
    return CarrierMap(merchant, ctx.config.default_carrier_code)


def confirm_shipped(ctx: IntegrationContext, result: Counts,
                    stop: StopToken | None = None) -> None:
    """Release what was fixed, then confirm every due shipped order to Houzz."""
    carriers = load_carrier_map(ctx)
    release_fixed(ctx, carriers, result)
    after_id = 0
    while not (stop is not None and stop.stopped):
        now = ctx.clock.now()
        with ctx.store.session() as session:
            due = list(session.scalars(select(Order.id).where(
                Order.integration_id == ctx.integration_id, Order.status == OrderStatus.SHIPPED,
                Order.id > after_id,
                or_(Order.next_attempt_at.is_(None), Order.next_attempt_at <= now))
                .order_by(Order.id).limit(BATCH)))
        if not due:
            return
        for order_id in due:
            if stop is not None and stop.stopped:
                return
            confirm_one(ctx, order_id, carriers, result)
        after_id = due[-1]


def release_fixed(ctx: IntegrationContext, carriers: CarrierMap, result: Counts) -> None:
    """Held shipped orders whose carrier is now mapped, or whose tracking arrived, go on."""
    now = ctx.clock.now()
    with ctx.store.begin() as session:
        held = session.scalars(select(Order).where(
            Order.integration_id == ctx.integration_id, Order.status == OrderStatus.HELD,
            Order.held_from_status == OrderStatus.SHIPPED,
            Order.hold_reason_code.in_(FIXED_BY_ITSELF)))
        for order in held:
            decision = ship_request(packages_of(session, order.id), carriers,
                                    ctx.config.missing_tracking)
            if isinstance(decision, Hold):
                continue
            reason = order.hold_reason_code
            verbs.release(session, order, f"Released: fixed ({reason}); tracking goes to Houzz",
                          at=now)
            order.delivery_state = DeliveryState.IDLE
            order.delivery_attempts = 0
            _resolve_alerts(session, ctx, order)
            result.released += 1


def confirm_one(ctx: IntegrationContext, order_id: int, carriers: CarrierMap,
                result: Counts) -> None:
    """Confirm one shipped order to Houzz (or hold it, or schedule its retry)."""
    now = ctx.clock.now()
    with ctx.store.begin() as session:
        order = orders.get_order(session, order_id)
        if order is None or order.status is not OrderStatus.SHIPPED:
            return
        retrying = order.delivery_state is DeliveryState.IN_FLIGHT
        request = shipment_verbs.request_in_flight(session, order) if retrying else None
        if request is None:
            decision = ship_request(packages_of(session, order.id), carriers,
                                    ctx.config.missing_tracking)
            if isinstance(decision, Hold):
                _hold(session, ctx, order, decision, refused=False)
                result.held += 1
                return
            request = decision
            shipment_verbs.start_confirmation(session, order, request, at=now)
        elif retrying:
            shipment_verbs.start_confirmation(session, order, request, at=now)
        houzz_order_id = order.channel_order_id
    try:
        ctx.houzz.ship_order(houzz_order_id, request.shipping_method,
                             list(request.tracking_numbers))
    except RemoteError as exc:
        _record_failure(ctx, order_id, request, exc, retrying, result)
        return
    with ctx.store.begin() as session:
        order = _reload(session, order_id)
        shipment_verbs.mark_confirmed(session, order, request, at=ctx.clock.now())
        _resolve_alerts(session, ctx, order)
    result.confirmed += 1


def already_shipped(message: str) -> bool:
    """Whether Houzz refused a Ship because the order is already Shipped."""
    return bool(_ALREADY_SHIPPED.search(message))


def _record_failure(ctx: IntegrationContext, order_id: int, request: ShipRequest,
                    exc: RemoteError, retrying: bool, result: Counts) -> None:
    now = ctx.clock.now()
    config = ctx.config
    with ctx.store.begin() as session:
        order = _reload(session, order_id)
        if isinstance(exc, RecordRejected):
            if retrying and already_shipped(exc.message):
                shipment_verbs.mark_confirmed(session, order, request, at=now, recovered=True)
                _resolve_alerts(session, ctx, order)
                result.recovered += 1
                return
            hold = Hold(code=HoldReason.REJECTED_BY_CHANNEL,
                        message=f"Houzz refused the tracking ({request.describe()}): "
                                f"{exc.message}")
            _hold(session, ctx, order, hold, refused=True)
            result.held += 1
            return
        if isinstance(exc, ConfigurationError):
            if not retrying:  # refused: this attempt reached nothing (an earlier one might)
                order.delivery_state = DeliveryState.IDLE
            order.delivery_attempts = max(order.delivery_attempts - 1, 0)
        elif order.delivery_attempts >= config.retry_max_attempts:
            hold = Hold(code=HoldReason.OTHER, message=(
                f"gave up sending tracking to Houzz after {order.delivery_attempts} attempts; "
                f"last error: {exc.message}. Run orderbridge orders retry to try again"))
            _hold(session, ctx, order, hold, refused=False)
            result.held += 1
            return
        else:
            verbs.retry_after_failure(session, order, exc, config, at=now)
            result.retrying += 1
            return
    raise exc  # a configuration failure: the job runner pauses the integration


def _hold(session: Session, ctx: IntegrationContext, order: Order, hold: Hold, *,
          refused: bool) -> None:
    shipment_verbs.hold_shipment(session, order, hold, at=ctx.clock.now(), refused=refused)
    alerts.add_alert(session, ctx.integration_id, order_id=order.id, kind=hold.code.value,
                     message=f"{order.cust_ref or order.channel_order_id}: {hold.message}")


def _resolve_alerts(session: Session, ctx: IntegrationContext, order: Order) -> None:
    for kind in ALERT_KINDS:
        alerts.resolve_alerts(session, ctx.integration_id, order_id=order.id, kind=kind)


def _reload(session: Session, order_id: int) -> Order:
    order = orders.get_order(session, order_id)
    assert order is not None
    return order
