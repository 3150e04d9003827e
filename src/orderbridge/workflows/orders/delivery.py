"""The `deliver` job: each ready order becomes one `POST /orders` in QBC, exactly once.

The protocol (`workflows._outbound`, DESIGN "Exactly-once effects"):
1. commit the order as *in flight*, with the payload and an idempotency key derived from it;
2. `POST /orders` with that `Idempotency-Key` (QBC carries a key out once and replays its
   first answer, so a retry after a timeout cannot create a second order);
3. commit the outcome: delivered (QBC's id kept), held (QBC refused it: 422), paused (the
   credentials or subscription need a person), or retry later (transient; stays in flight).
An order found in flight when a run starts (a crash, a timeout) is first looked up in QBC by
`reference_number`; only if QBC has no such order is it sent again.

Orders go in groups (`delivery_run`), so a group of orders costs a handful of statements.
Held orders whose problem the merchant fixed in the hub (an alias, a shipping-code map) and
preview orders once delivery is live go again by themselves. Orders a merchant made in QBC by
hand for a waiting Houzz order (an ``order.create`` webhook) are adopted first (`hand_made`).
"""

from __future__ import annotations

from sqlalchemy import select

from orderbridge.model import OrderStatus
from orderbridge.store import orders
from orderbridge.store.tables import Order
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.holds import release
from orderbridge.workflows.options import JobOptions
from orderbridge.workflows.orders.delivery_run import DeliveryRun
from orderbridge.workflows.orders.hand_made import adopt_hand_made
from orderbridge.workflows.orders.result import DeliverResult, IntegrationPaused
from orderbridge.workflows.orders.translate import FIXABLE_HERE, Translator
from orderbridge.workflows.orders.variant_index import refresh_variant_index
from orderbridge.workflows.orders.verbs import back_to_new
from orderbridge.workflows.stop import StopToken, stopped

__all__ = ["DeliverResult", "IntegrationPaused", "deliver"]

BATCH = 200
"""Due orders read at a time."""


def deliver(ctx: IntegrationContext, stop: StopToken | None = None,
            options: JobOptions | None = None) -> DeliverResult:
    """Deliver every ready order (and release held ones that can now go)."""
    result = DeliverResult()
    adopt_hand_made(ctx, result)  # before sending: an order made by hand is not sent again
    if (options or JobOptions()).webhooks_only or not _has_work(ctx):
        return result
    refresh_variant_index(ctx)
    with ctx.store.session() as session:
        translator = Translator(ctx, session)  # aliases and ship-method map: once per run
    _release_fixed(ctx, result, translator)
    run = DeliveryRun(ctx, translator, result, stop)
    previous: list[int] = []
    try:
        while not stopped(stop):
            with ctx.store.session() as session:
                due = orders.due_ids(session, ctx.integration_id, OrderStatus.NEW,
                                     ctx.clock.now(), limit=BATCH)
            if not due or due == previous:
                break  # done, or nothing moved: what is left cannot go in this run
            previous = due
            try:
                run.deliver(due)
            finally:
                run.record_answers()  # before due orders are read again
            if len(due) < BATCH:
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


def _release_fixed(ctx: IntegrationContext, result: DeliverResult,
                   translator: Translator) -> None:
    """Held orders whose problem the merchant fixed in the hub go again by themselves;
    preview orders go when delivery is switched to live."""
    now = ctx.clock.now()
    with ctx.store.begin() as session:
        candidates = session.scalars(select(Order).where(
            Order.integration_id == ctx.integration_id,
            ((Order.status == OrderStatus.HELD) & Order.hold_reason_code.in_(FIXABLE_HERE))
            | (Order.status == OrderStatus.PREVIEW)).with_for_update())
        for order in candidates:
            if order.status is OrderStatus.PREVIEW:
                if ctx.config.delivery == "live":
                    back_to_new(session, order, at=now)
                continue
            canonical = orders.load_canonical(order)
            if canonical is None or translator.translate(session, canonical).problems:
                continue
            release(session, order, f"Released: fixed ({order.hold_reason})", at=now)
            result.released += 1
