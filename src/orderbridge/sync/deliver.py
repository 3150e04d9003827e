"""Order delivery: each ready order becomes one `POST /orders` in QBC, exactly once.

The protocol (DESIGN "Exactly-once effects"):
1. commit the order as *in flight*, with the payload and an idempotency key derived from it;
2. `POST /orders` with that `Idempotency-Key` (QBC carries a key out once and replays its
   first answer, so a retry after a timeout cannot create a second order);
3. commit the outcome: delivered (QBC's id kept), held (QBC refused it: 422), paused (the
   credentials or subscription need a person), or retry later (transient; stays in flight).
An order found in flight when a run starts (a crash, a timeout) is first looked up in QBC by
`reference_number`; only if QBC has no such order is it sent again.

A delivered outcome is committed in the same transaction as the next order's step 1 (both
after the first POST and before the second, so the protocol is unchanged), and the last one
on its own: one commit per order instead of two. The ordinary path reads and writes rows
(`store.delivery_rows`, `sync.delivery_verbs`); everything else goes through ORM orders.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.errors import RemoteError
from orderbridge.model import CanonicalOrder, DeliveryState, OrderStatus
from orderbridge.runtime.stopping import StopToken
from orderbridge.store import delivery_rows, orders
from orderbridge.store.buyers import WarehouseBuyer
from orderbridge.store.delivery_rows import DeliveryRow
from orderbridge.store.tables import Order
from orderbridge.sync import delivery_verbs, verbs
from orderbridge.sync.cancel_verbs import cancel_before_delivery, cancel_pending, lock_order
from orderbridge.sync.context import IntegrationContext
from orderbridge.sync.delivery_failures import found_in_qbc, record_failure
from orderbridge.sync.delivery_result import DeliverResult, IntegrationPaused
from orderbridge.sync.options import JobOptions
from orderbridge.sync.translate import FIXABLE_HERE, Translator, remember_buyer
from orderbridge.sync.variant_index import refresh_variant_index

__all__ = ["DeliverResult", "IntegrationPaused", "deliver"]

BATCH = 200


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
                due_ids = delivery_rows.due_ids(session, ctx.integration_id, OrderStatus.NEW,
                                                ctx.clock.now(), limit=BATCH)
            if not due_ids:
                break
            outcomes = Outcomes(ctx, result)
            try:
                for order_id in due_ids:
                    if stop is not None and stop.stopped:
                        break
                    _deliver_one(ctx, order_id, outcomes, translator)
            finally:
                outcomes.commit_pending()
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


@dataclass(frozen=True)
class Sending:
    """What one attempt sends, and what the delivered outcome needs from the translation."""

    payload: dict[str, Any]
    key: str
    canonical: CanonicalOrder | None = None
    known_buyers: dict[str, WarehouseBuyer] | None = None


@dataclass(frozen=True)
class Answered:
    """An order QBC created: its outcome waits for the next transaction."""

    order_id: int
    warehouse_order: dict[str, Any]
    sending: Sending


class Outcomes:
    """Delivered outcomes not committed yet (at most one: the last POST's)."""

    def __init__(self, ctx: IntegrationContext, result: DeliverResult) -> None:
        self._ctx, self.result = ctx, result
        self.pending: Answered | None = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A transaction that first records the pending outcome; if the block fails, the
        outcome stays pending (``commit_pending`` commits it alone)."""
        with self._ctx.store.begin() as session:
            if self.pending is not None:
                _mark_delivered(self._ctx, session, self.pending)
            yield session
        if self.pending is not None:
            self.pending = None
            self.result.delivered += 1

    def commit_pending(self) -> None:
        if self.pending is not None:
            with self.transaction():
                pass


def _deliver_one(ctx: IntegrationContext, order_id: int, outcomes: Outcomes,
                 translator: Translator) -> None:
    now = ctx.clock.now()
    result = outcomes.result
    with outcomes.transaction() as session:
        row = delivery_rows.lock_row(session, order_id)  # a sweep waits, or went first
        if row is None or row.status is not OrderStatus.NEW:
            return
        unknown_outcome = row.delivery_state is DeliveryState.IN_FLIGHT
        if cancel_pending(row) and not unknown_outcome:
            cancel_before_delivery(session, lock_order(session, order_id), at=now)
            result.canceled += 1
            return
        if unknown_outcome:
            sending = None if row.warehouse_payload is None or row.idempotency_key is None else (
                Sending(row.warehouse_payload, row.idempotency_key))
        else:
            sending = _prepare(ctx, session, row, result, translator)
            if sending is not None:
                assert sending.canonical is not None
                delivery_verbs.start_delivery(session, row, sending.canonical, sending.payload,
                                              sending.key, at=now)
    if sending is None:
        return
    if unknown_outcome:
        if found_in_qbc(ctx, order_id, sending.payload, result):
            return
        with ctx.store.begin() as session:
            order = lock_order(session, order_id)
            if order.status is not OrderStatus.NEW:  # canceled meanwhile by the sweep
                return
            if cancel_pending(order):  # canceled on Houzz while the lookup ran: never sent
                cancel_before_delivery(session, order, at=now)
                result.canceled += 1
                return
            verbs.start_delivery(session, order, sending.payload, sending.key, at=now)
    try:
        body = ctx.qbc.post("/orders", sending.payload, idempotency_key=sending.key)
    except RemoteError as exc:
        record_failure(ctx, order_id, exc, result)
        return
    outcomes.pending = Answered(order_id, (body or {}).get("order") or {}, sending)


def _prepare(ctx: IntegrationContext, session: Session, row: DeliveryRow, result: DeliverResult,
             translator: Translator) -> Sending | None:
    """Translate a new order; hold it, preview it, or return what to send."""
    now = ctx.clock.now()
    if row.canonical is None:
        return None
    translated = translator.translate(session, CanonicalOrder.model_validate(row.canonical))
    if translated.problems or ctx.config.delivery == "preview":
        order = lock_order(session, row.id)
        orders.store_canonical(order, translated.canonical)
        if translated.problems:
            verbs.hold_new_order(session, order, translated.problems, at=now)
            result.held += 1
            return None
        assert translated.payload is not None
        verbs.preview(session, order, translated.payload, at=now)
        result.previewed += 1
        return None
    assert translated.payload is not None
    return Sending(translated.payload, translated.idempotency_key, translated.canonical,
                   translated.known_buyers)


def _mark_delivered(ctx: IntegrationContext, session: Session, answered: Answered) -> None:
    """The outcome of a POST QBC answered, on the order re-read with its row locked."""
    row = delivery_rows.lock_row(session, answered.order_id)
    assert row is not None, f"order {answered.order_id} vanished"
    created = answered.warehouse_order
    delivery_verbs.mark_delivered(session, row, created, at=ctx.clock.now())
    sending = answered.sending
    canonical = sending.canonical or (
        None if row.canonical is None else CanonicalOrder.model_validate(row.canonical))
    if canonical is not None:
        remember_buyer(session, ctx, canonical, created, sending.known_buyers)
