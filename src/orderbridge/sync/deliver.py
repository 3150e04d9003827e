"""Order delivery: each ready order becomes one `POST /orders` in QBC, exactly once.

The protocol (DESIGN "Exactly-once effects"):
1. commit the order as *in flight*, with the payload and an idempotency key derived from it;
2. `POST /orders` with that `Idempotency-Key` (QBC carries a key out once and replays its
   first answer, so a retry after a timeout cannot create a second order);
3. commit the outcome: delivered (QBC's id kept), held (QBC refused it: 422), paused (the
   credentials or subscription need a person), or retry later (transient; stays in flight).
An order found in flight when a run starts (a crash, a timeout) is first looked up in QBC by
`reference_number`; only if QBC has no such order is it sent again.

Orders go in groups (`GROUP`, fewer when QBC's rate window has less room): one transaction
commits the last group's delivered outcomes and this group's orders in flight, then each
order is POSTed in turn; an order whose POST never went (the run stopped, the integration was
paused) is put back to idle. Orders of one group never create the same new buyer in QBC: the
second waits for the next group, when the first one's buyer ids are stored. The ordinary path
reads and writes rows (`store.delivery_rows`, `sync.delivery_verbs`), a few statements per
group; everything else goes through ORM orders.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.errors import RemoteError
from orderbridge.model import CanonicalOrder, DeliveryState, OrderStatus
from orderbridge.runtime.stopping import StopToken
from orderbridge.store import delivery_rows, orders
from orderbridge.store.buyers import WarehouseBuyer
from orderbridge.store.delivery_rows import DeliveryRow
from orderbridge.store.tables import Order
from orderbridge.store.timeline import append_events, event_row
from orderbridge.sync import delivery_verbs, verbs
from orderbridge.sync.cancel_verbs import cancel_before_delivery, cancel_pending, lock_order
from orderbridge.sync.context import IntegrationContext
from orderbridge.sync.delivery_failures import not_in_qbc, record_failure
from orderbridge.sync.delivery_outcomes import Answered, Outcomes, Sending
from orderbridge.sync.delivery_result import DeliverResult, IntegrationPaused
from orderbridge.sync.options import JobOptions
from orderbridge.sync.translate import (
    FIXABLE_HERE,
    Translator,
    new_buyer_keys,
    read_known_buyers,
)
from orderbridge.sync.variant_index import refresh_variant_index

__all__ = ["DeliverResult", "IntegrationPaused", "deliver"]

BATCH = 200
"""Due orders read at a time."""
GROUP = 20
"""Orders committed in flight together, then sent one after another."""


def deliver(ctx: IntegrationContext, stop: StopToken | None = None,
                options: JobOptions | None = None) -> DeliverResult:
    """Deliver every ready order (and release held ones that can now go)."""
    result = DeliverResult()
    if not _has_work(ctx):
        return result
    refresh_variant_index(ctx)
    with ctx.store.session() as session:
        translator = Translator(ctx, session)  # aliases and ship-method map: once per run
    _release_fixed(ctx, result, translator)
    outcomes = Outcomes(ctx, result)
    previous: list[int] = []
    try:
        while not (stop is not None and stop.stopped):
            with ctx.store.session() as session:
                due_ids = delivery_rows.due_ids(session, ctx.integration_id, OrderStatus.NEW,
                                                ctx.clock.now(), limit=BATCH)
            if not due_ids or due_ids == previous:
                break  # done, or nothing moved: what is left cannot go in this run
            previous = due_ids
            try:
                _deliver_ids(ctx, due_ids, outcomes, translator, stop)
            finally:
                outcomes.commit_pending()  # before due orders are read again
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


def _release_fixed(ctx: IntegrationContext, result: DeliverResult,
                   translator: Translator) -> None:
    """Held orders whose problem the merchant fixed in the hub go again by themselves;
    preview orders go when delivery is switched to live."""
    now = ctx.clock.now()
    with ctx.store.begin() as session:
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


@dataclass
class Group:
    """Orders taken together: the ones committed in flight now, and the ones found in flight
    from an earlier run (looked up in QBC before anything is sent)."""

    sendings: list[tuple[int, Sending]] = field(default_factory=list)
    unknown: list[tuple[int, Sending]] = field(default_factory=list)


def _deliver_ids(ctx: IntegrationContext, ids: list[int], outcomes: Outcomes,
                 translator: Translator, stop: StopToken | None) -> None:
    queue = deque(ids)
    while queue and not (stop is not None and stop.stopped):
        group = _start_group(ctx, queue, outcomes, translator)
        _settle_and_send(ctx, group.unknown, outcomes, stop)
        _send_group(ctx, group.sendings, outcomes, stop)


def _group_size(ctx: IntegrationContext) -> int:
    """As many orders as QBC's rate window lets go now (at most ``GROUP``): an order put in
    flight should not then wait for the next window."""
    available = ctx.qbc.pacer.available_now()
    return GROUP if available is None else max(1, min(GROUP, available))


def _start_group(ctx: IntegrationContext, queue: deque[int], outcomes: Outcomes,
                 translator: Translator) -> Group:
    """Take the next orders off ``queue`` and, in one transaction (which also commits the
    pending outcomes), cancel, hold or preview the ones that do not go and commit the others
    in flight. Orders not taken go back to the front of ``queue``."""
    now = ctx.clock.now()
    result = outcomes.result
    ids = [queue.popleft() for _ in range(min(_group_size(ctx), len(queue)))]
    group = Group()
    with outcomes.transaction() as transaction:
        session = transaction.session
        rows = delivery_rows.lock_rows(session, ids)  # a sweep waits, or went first
        canonicals = {order_id: CanonicalOrder.model_validate(row.canonical)
                      for order_id, row in rows.items() if _sendable(row)}
        known = read_known_buyers(session, ctx, canonicals.values())
        claimed: set[str] = set()
        starts = []
        for position, order_id in enumerate(ids):
            row = rows.get(order_id)
            if row is None or row.status is not OrderStatus.NEW:
                continue
            if row.delivery_state is DeliveryState.IN_FLIGHT:
                if row.warehouse_payload is not None and row.idempotency_key is not None:
                    group.unknown.append((order_id, Sending(row.warehouse_payload,
                                                            row.idempotency_key)))
                continue
            if cancel_pending(row):
                cancel_before_delivery(session, lock_order(session, order_id), at=now)
                result.canceled += 1
                continue
            canonical = canonicals.get(order_id)
            if canonical is None:  # nothing to translate (never the case for a stored order)
                continue
            sending = _prepare(ctx, session, row, canonical, known, result, translator)
            if sending is None:
                continue
            creates = new_buyer_keys(canonical, known)
            if creates & claimed:
                # an earlier order of this group creates the same buyer in QBC: this one
                # waits for that buyer's ids, so QBC never gets the buyer twice
                queue.extendleft(reversed(ids[position:]))
                break
            claimed |= creates
            assert sending.canonical is not None  # translated: lines carry their QBC SKU
            starts.append(delivery_verbs.Start(row, sending.canonical, sending.payload,
                                               sending.key))
            group.sendings.append((order_id, sending))
        transaction.events += delivery_verbs.start_deliveries(session, starts, at=now)
    return group


def _sendable(row: DeliveryRow) -> bool:
    """A new order to translate and send now: not in flight, not canceled, translatable."""
    return (row.status is OrderStatus.NEW and row.delivery_state is not DeliveryState.IN_FLIGHT
            and not cancel_pending(row) and row.canonical is not None)


def _send_group(ctx: IntegrationContext, sendings: list[tuple[int, Sending]],
                outcomes: Outcomes, stop: StopToken | None) -> None:
    """POST each order of the group; those never sent (stopped, paused) are put back."""
    unsent = deque(sendings)
    try:
        while unsent and not (stop is not None and stop.stopped):
            order_id, sending = unsent.popleft()
            _post(ctx, order_id, sending, outcomes)
    finally:
        if unsent:
            _put_back(ctx, [order_id for order_id, _ in unsent])


def _post(ctx: IntegrationContext, order_id: int, sending: Sending, outcomes: Outcomes) -> None:
    try:
        body = ctx.qbc.post("/orders", sending.payload, idempotency_key=sending.key)
    except RemoteError as exc:
        record_failure(ctx, order_id, exc, outcomes.result)
        return
    outcomes.pending.append(Answered(order_id, (body or {}).get("order") or {}, sending))


def _settle_and_send(ctx: IntegrationContext, unknown: list[tuple[int, Sending]],
                     outcomes: Outcomes, stop: StopToken | None) -> None:
    """Orders left in flight (a crash, a timeout): look them up; send again, with the same
    payload and key, only those QBC does not have."""
    result = outcomes.result
    sendings = dict(unknown)
    missing = not_in_qbc(ctx, [(order_id, s.payload) for order_id, s in unknown], result)
    for order_id in missing:
        if stop is not None and stop.stopped:
            return  # not sent: idle, so the next run sends it without a lookup
        sending = sendings[order_id]
        now = ctx.clock.now()
        with ctx.store.begin() as session:
            order = lock_order(session, order_id)
            if order.status is not OrderStatus.NEW:  # canceled meanwhile by the sweep
                continue
            if cancel_pending(order):  # canceled on Houzz while the lookup ran: never sent
                cancel_before_delivery(session, order, at=now)
                result.canceled += 1
                continue
            verbs.start_delivery(session, order, sending.payload, sending.key, at=now)
        _post(ctx, order_id, sending, outcomes)


def _put_back(ctx: IntegrationContext, order_ids: list[int]) -> None:
    """Orders committed in flight whose POST never went (the run stopped, or the integration
    was paused): idle again, the attempt not counted, delivered by a later run."""
    with ctx.store.begin() as session:
        rows = delivery_rows.lock_rows(session, order_ids)
        back = [row for row in rows.values() if row.status is OrderStatus.NEW
                and row.delivery_state is DeliveryState.IN_FLIGHT]
        delivery_rows.update_rows(session, [(row, {
            "delivery_state": DeliveryState.IDLE,
            "delivery_attempts": max(row.delivery_attempts - 1, 0)}) for row in back])
        append_events(session, [event_row(
            row.id, kind="not_sent", at=ctx.clock.now(),
            message="Not sent: delivery stopped before its turn; it goes in the next run")
            for row in back])


def _prepare(ctx: IntegrationContext, session: Session, row: DeliveryRow,
             canonical: CanonicalOrder, known: dict[str, WarehouseBuyer], result: DeliverResult,
             translator: Translator) -> Sending | None:
    """Translate a new order; hold it, preview it, or return what to send."""
    now = ctx.clock.now()
    translated = translator.translate(session, canonical, known)
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
