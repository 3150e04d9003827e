"""Tracking to Houzz, exactly once: one `updateOrder` Ship per shipped order, many at once.

Due orders are taken a batch at a time. One transaction decides for the whole batch (hold the
ones whose carrier or tracking number is missing, commit the others *in flight* with their
exact request); then the requests go to Houzz side by side (`concurrent_calls`,
`confirm_concurrency` at a time) and the answers are committed in batches. Houzz has no
idempotency key, so an order found in flight (a crash, a timeout) is sent again with the same
request: if Houzz refuses because the order is already Shipped, that refusal *is* the
confirmation of the earlier attempt. Any other refusal (the buyer canceled meanwhile, an
unknown carrier code) holds the order with Houzz's message and an alert. Transient failures
retry on the order's own backoff schedule; a credentials or permission problem pauses the
integration, and the calls it stopped are put back.

Orders held for an unmapped carrier or a missing tracking number are released by themselves
once the carrier is mapped or the number appears in QBC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.connectors.houzz.errors import says_already_shipped
from orderbridge.errors import OutcomeUnknown, RecordRejected
from orderbridge.model import Hold, HoldReason, OrderStatus
from orderbridge.store import alerts, orders
from orderbridge.store.carrier_map import carrier_codes
from orderbridge.store.shipments import packages_by_order, packages_of
from orderbridge.store.tables import Order
from orderbridge.workflows import _outbound
from orderbridge.workflows.concurrent_calls import Answer, send_concurrently
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.holds import release
from orderbridge.workflows.houzz_readback import SHIPPED, houzz_shows
from orderbridge.workflows.shipments.carriers import CarrierMap
from orderbridge.workflows.shipments.ship_policy import ShipRequest, ship_request
from orderbridge.workflows.shipments.verbs import (
    hold_shipment,
    mark_confirmed,
    request_in_flight,
    start_confirmation,
)
from orderbridge.workflows.stop import StopToken, stopped

BATCH = 200
RECORD_EVERY = 50
GIVE_UP_AFTER = 32
"""Transient failures in a row after which the rest waits for the next run."""
FIXED_BY_ITSELF = (HoldReason.UNMAPPED_CARRIER, HoldReason.MISSING_TRACKING)
ALERT_KINDS = ("unmapped_carrier", "missing_tracking", "rejected_by_channel")


class Counts(Protocol):
    confirmed: int
    recovered: int
    held: int
    released: int
    retrying: int


@dataclass(frozen=True)
class Confirmation:
    """One order's `updateOrder` Ship, committed in flight."""

    order_id: int
    houzz_order_id: str
    request: ShipRequest
    retrying: bool
    """An earlier attempt's outcome is unknown (Houzz may have it already)."""
    created: datetime | None = None
    """The order's Houzz Created, where a read-back looks for it."""


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
    while not stopped(stop):
        with ctx.store.session() as session:
            due = orders.due_ids(session, ctx.integration_id, OrderStatus.SHIPPED,
                                 ctx.clock.now(), after_id=after_id, limit=BATCH)
        if not due:
            return
        confirmations = _start(ctx, due, carriers, result)
        _send(ctx, confirmations, result, stop)
        after_id = due[-1]


def release_fixed(ctx: IntegrationContext, carriers: CarrierMap, result: Counts) -> None:
    """Held shipped orders whose carrier is now mapped, or whose tracking arrived, go on."""
    now = ctx.clock.now()
    with ctx.store.begin() as session:
        held = session.scalars(select(Order).where(
            Order.integration_id == ctx.integration_id, Order.status == OrderStatus.HELD,
            Order.held_from_status == OrderStatus.SHIPPED,
            Order.hold_reason_code.in_(FIXED_BY_ITSELF)).with_for_update())
        for order in held:
            decision = ship_request(packages_of(session, order.id), carriers,
                                    ctx.config.missing_tracking)
            if isinstance(decision, Hold):
                continue
            reason = order.hold_reason_code
            release(session, order, f"Released: fixed ({reason}); tracking goes to Houzz",
                    at=now)
            _resolve_alerts(session, ctx, order)
            result.released += 1


def _start(ctx: IntegrationContext, order_ids: list[int], carriers: CarrierMap,
           result: Counts) -> list[Confirmation]:
    """In one transaction: hold the orders whose tracking cannot go yet, commit the others in
    flight (an order already in flight keeps its request)."""
    now = ctx.clock.now()
    confirmations = []
    with ctx.store.begin() as session:
        locked = orders.lock_orders(session, order_ids)
        packages = packages_by_order(session, list(locked))
        for order_id in order_ids:
            order = locked.get(order_id)
            if order is None or order.status is not OrderStatus.SHIPPED:
                continue
            request = request_in_flight(order)
            retrying = request is not None
            if request is None:
                decision = ship_request(packages[order_id], carriers,
                                        ctx.config.missing_tracking)
                if isinstance(decision, Hold):
                    _hold(session, ctx, order, decision, refused=False)
                    result.held += 1
                    continue
                request = decision
            start_confirmation(session, order, request, at=now)
            confirmations.append(Confirmation(order_id, order.channel_order_id, request,
                                              retrying, order.order_date))
    return confirmations


def _send(ctx: IntegrationContext, confirmations: list[Confirmation], result: Counts,
          stop: StopToken | None) -> None:
    def call(confirmation: Confirmation) -> None:
        try:
            ctx.houzz.ship_order(confirmation.houzz_order_id,
                                 confirmation.request.shipping_method,
                                 list(confirmation.request.tracking_numbers))
        except OutcomeUnknown:
            if not houzz_shows(ctx, confirmation.houzz_order_id, confirmation.created, SHIPPED):
                raise  # stays in flight: sent again later, "already shipped" then confirms

    def record(answers: list[Answer[Confirmation]]) -> None:
        _record(ctx, answers, result)

    sent = send_concurrently(confirmations, call, concurrency=ctx.config.confirm_concurrency,
                             record=record, stop=stop, give_up_after=GIVE_UP_AFTER,
                             record_every=RECORD_EVERY)
    if sent.not_sent:
        _put_back(ctx, sent.not_sent)
    if sent.configuration_error is not None:
        raise sent.configuration_error  # the job runner pauses the integration


def _record(ctx: IntegrationContext, answers: list[Answer[Confirmation]],
            result: Counts) -> None:
    """Commit a batch of Houzz's answers."""
    now = ctx.clock.now()
    with ctx.store.begin() as session:
        locked = orders.lock_orders(session, [answer.item.order_id for answer in answers])
        for answer in answers:
            order, confirmation, error = locked[answer.item.order_id], answer.item, answer.error
            if error is None:
                mark_confirmed(session, order, confirmation.request, at=now)
                _resolve_alerts(session, ctx, order)
                result.confirmed += 1
            elif isinstance(error, RecordRejected):
                _refused(session, ctx, order, confirmation, error, result)
            elif _outbound.after_transient_failure(session, order, error, ctx.config, at=now,
                                                   doing="sending tracking to Houzz"):
                result.held += 1
            else:
                result.retrying += 1


def _refused(session: Session, ctx: IntegrationContext, order: Order, confirmation: Confirmation,
             error: RecordRejected, result: Counts) -> None:
    now = ctx.clock.now()
    if confirmation.retrying and says_already_shipped(error):
        mark_confirmed(session, order, confirmation.request, at=now, recovered=True)
        _resolve_alerts(session, ctx, order)
        result.recovered += 1
        return
    reason = Hold(code=HoldReason.REJECTED_BY_CHANNEL,
                  message=f"Houzz refused the tracking ({confirmation.request.describe()}): "
                          f"{error.message}")
    _hold(session, ctx, order, reason, refused=True)
    result.held += 1


def _put_back(ctx: IntegrationContext, confirmations: list[Confirmation]) -> None:
    """Calls that never went (stopped, paused, Houzz kept failing): idle again, the attempt
    not counted; an order whose earlier attempt is unknown stays in flight."""
    now = ctx.clock.now()
    with ctx.store.begin() as session:
        locked = orders.lock_orders(session, [c.order_id for c in confirmations])
        for confirmation in confirmations:
            order = locked[confirmation.order_id]
            if confirmation.retrying:
                order.outbound_attempts = max(order.outbound_attempts - 1, 0)
                continue
            _outbound.put_back(session, order, at=now, message=(
                "Not sent: tracking confirmation stopped before its turn; it goes in the "
                "next run"))


def _hold(session: Session, ctx: IntegrationContext, order: Order, reason: Hold, *,
          refused: bool) -> None:
    hold_shipment(session, order, reason, at=ctx.clock.now(), refused=refused)  # its alert


def _resolve_alerts(session: Session, ctx: IntegrationContext, order: Order) -> None:
    for kind in ALERT_KINDS:
        alerts.resolve_alerts(session, ctx.integration_id, order_id=order.id, kind=kind)

