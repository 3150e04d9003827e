"""The `cancellations` job: an order canceled on Houzz is canceled in QuickBooks Commerce.

One run:
1. the sweep (`sweep`) reads Houzz over the windows of the open orders and notes every
   cancellation (`cancel_state = requested`);
2. each requested cancellation is carried out according to where the order is:
   - not yet delivered (new, preview, or held before delivery) → `canceled`, never delivered;
   - being delivered (new and *in flight*) → left to delivery, which looks the order up in QBC
     before any retry and re-checks the cancellation in the very transaction that would commit
     a new attempt (`orders.delivery_run`): never sent again; if it did reach QBC it ends
     `at_wms` with the cancellation still requested, and the next run voids it;
   - held with a delivery of unknown outcome (gave up retrying) → looked up in QBC by
     reference: delivered → voided now; not there → canceled;
   - delivered (`at_wms`) → voided in QBC once (`voiding`);
   - shipped (or confirmed, or held after shipping) → an alert with both ids, once; it stays;
   - held after delivery (e.g. a refused void) → waits for the merchant to release it, then the
     next run voids it;
3. optionally (`cancel_on_houzz_when_voided`), orders voided in QBC first are canceled on Houzz
   (`reverse`).
Budget: Houzz calls = pages of the sweep windows; QBC calls = one per cancellation to void.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from orderbridge.errors import ConfigurationError, RemoteError
from orderbridge.model import OrderStatus, OutboundEffect
from orderbridge.model.cancel import CancelState
from orderbridge.store import orders
from orderbridge.store.tables import Order
from orderbridge.workflows import _outbound
from orderbridge.workflows.cancel_requests import cancel_before_delivery
from orderbridge.workflows.cancellations.reverse import cancel_voided_on_houzz
from orderbridge.workflows.cancellations.sweep import sweep
from orderbridge.workflows.cancellations.voiding import after_ship_alert, void_order
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.options import JobOptions
from orderbridge.workflows.orders.delivery_recovery import found_delivered
from orderbridge.workflows.stop import StopToken, stopped

BATCH = 200
BEFORE_DELIVERY = (None, OrderStatus.NEW, OrderStatus.PREVIEW)
AFTER_SHIPPING = (OrderStatus.SHIPPED, OrderStatus.CONFIRMED)


@dataclass
class CancellationsResult:
    houzz_calls: int = 0
    canceled_on_houzz: int = 0
    """Cancellations the sweep saw for the first time."""
    stragglers: int = 0
    canceled_before_delivery: int = 0
    voided: int = 0
    after_ship: int = 0
    held: int = 0
    retrying: int = 0
    waiting_for_delivery: int = 0
    voided_in_qbc: int = 0
    canceled_on_houzz_after_void: int = 0


def cancellations(ctx: IntegrationContext, stop: StopToken | None = None,
                  options: JobOptions | None = None) -> CancellationsResult:
    """Sweep Houzz for cancellations and carry out every one requested."""
    result = CancellationsResult()
    swept = sweep(ctx, stop)
    result.houzz_calls = swept.houzz_calls
    result.canceled_on_houzz = swept.canceled_on_houzz
    result.stragglers = swept.stragglers
    after_id = 0
    while not stopped(stop):
        with ctx.store.session() as session:
            ids = list(session.scalars(select(Order.id).where(
                Order.integration_id == ctx.integration_id,
                Order.cancel_state == CancelState.REQUESTED, Order.id > after_id)
                .order_by(Order.id).limit(BATCH)))
        for order_id in ids:
            if stopped(stop):
                break
            carry_out(ctx, order_id, result)
        if len(ids) < BATCH:
            break
        after_id = ids[-1]
    if ctx.config.cancel_on_houzz_when_voided and not stopped(stop):
        cancel_voided_on_houzz(ctx, result, stop)
    return result


def carry_out(ctx: IntegrationContext, order_id: int, result: CancellationsResult) -> None:
    """Carry out one requested cancellation as far as it can go now."""
    now = ctx.clock.now()
    with ctx.store.begin() as session:
        order = orders.lock_order(session, order_id)
        if order.cancel_state is not CancelState.REQUESTED:
            return
        status = order.status
        held_from = order.held_from_status if status is OrderStatus.HELD else None
        delivering = _outbound.in_flight(order, OutboundEffect.DELIVERY)
        if status is OrderStatus.CANCELED:
            order.cancel_state = CancelState.DONE
            return
        if status in AFTER_SHIPPING or held_from in AFTER_SHIPPING:
            after_ship_alert(ctx, session, order, None)
            result.after_ship += 1
            return
        before_delivery = status in (OrderStatus.NEW, OrderStatus.PREVIEW) or (
            status is OrderStatus.HELD and held_from in BEFORE_DELIVERY)
        if before_delivery and not delivering:
            cancel_before_delivery(session, order, at=now)
            result.canceled_before_delivery += 1
            return
        if status is OrderStatus.NEW:
            result.waiting_for_delivery += 1  # delivery resolves it (see the docstring)
            return
        reference = order.channel_order_id
        unknown_delivery = before_delivery  # held, delivery in flight: outcome unknown
    if unknown_delivery and not _settle_unknown_delivery(ctx, order_id, reference, result):
        return
    void_order(ctx, order_id, result)


def _settle_unknown_delivery(ctx: IntegrationContext, order_id: int, reference: str,
                             result: CancellationsResult) -> bool:
    """A held order whose delivery's outcome is unknown: look it up in QBC. True when it
    turns out delivered (then it is voided next)."""
    try:
        matches = ctx.qbc.find_orders([reference])
    except ConfigurationError:
        raise
    except RemoteError:
        result.retrying += 1
        return False  # looked up again next run
    now = ctx.clock.now()
    with ctx.store.begin() as session:
        order = orders.lock_order(session, order_id)
        if order.status is not OrderStatus.HELD or order.cancel_state is not CancelState.REQUESTED:
            return False
        if not matches:
            _outbound.not_sent(session, order, at=now, message=(
                f"QuickBooks Commerce has no order {reference}; the interrupted delivery "
                "created nothing"))
            cancel_before_delivery(session, order, at=now)
            result.canceled_before_delivery += 1
            return False
        found_delivered(session, ctx, order, matches, at=now)
    return True
