"""The optional reverse path: an order voided in QBC first is canceled on Houzz
(`cancel_on_houzz_when_voided`, off by default).

QBC raises no webhook for a void (reference §7.2), so voids are read incrementally: orders
voided since the cursor, 250 a page, re-reading `window_overlap_hours` before it. The first run
starts at the oldest delivered order still `at_wms` (a void can only concern those); with none,
no call is made at all. A void of a hub order `at_wms` marks it `voided_in_qbc`; then Houzz
`updateOrder` Action `Cancel` (with the configured `CancelCode` and `Comments`) is sent once,
with the outbound protocol (`workflows._outbound`): in flight → call → `canceled`. Re-sending
after a crash is harmless: Houzz refusing because the order is already canceled counts as
done (so does the sweep having seen it canceled). Any other refusal holds the order with
Houzz's message.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orderbridge.connectors.houzz.errors import says_already_canceled
from orderbridge.connectors.qbc.records import QbcOrder
from orderbridge.errors import ConfigurationError, OutcomeUnknown, RecordRejected, RemoteError
from orderbridge.model import OrderStatus
from orderbridge.model.cancel import CancelState
from orderbridge.store import cursors, orders
from orderbridge.store.tables import Order
from orderbridge.workflows import _outbound
from orderbridge.workflows.cancel_requests import is_canceled_status
from orderbridge.workflows.cancellations.verbs import (
    hold_channel_cancel_refused,
    mark_canceled_on_channel,
    note_voided_in_qbc,
    start_channel_cancel,
)
from orderbridge.workflows.cancellations.voiding import retry_later
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.houzz_readback import CANCELED, houzz_shows
from orderbridge.workflows.stop import StopToken, stopped

CURSOR = "qbc_voids_updated_at"


class ReverseCounts(Protocol):
    voided_in_qbc: int
    canceled_on_houzz_after_void: int
    held: int
    retrying: int


def cancel_voided_on_houzz(ctx: IntegrationContext, counts: ReverseCounts,
                           stop: StopToken | None = None) -> None:
    """Find the orders voided in QBC since the last run and cancel each on Houzz once."""
    detect_voids(ctx, counts)
    with ctx.store.session() as session:
        ids = list(session.scalars(select(Order.id).where(
            Order.integration_id == ctx.integration_id,
            Order.cancel_state == CancelState.VOIDED_IN_QBC,
            Order.status == OrderStatus.AT_WMS).order_by(Order.id)))
    for order_id in ids:
        if stopped(stop):
            return
        cancel_on_houzz(ctx, order_id, counts)


def detect_voids(ctx: IntegrationContext, counts: ReverseCounts) -> None:
    started = ctx.clock.now()
    since = _since(ctx)
    if since is not None:
        for page in ctx.qbc.iter_voided_orders(since):
            with ctx.store.begin() as session:
                _note_page(ctx, session, page.records, counts)
    with ctx.store.begin() as session:  # after what was read is stored: never ahead of it
        cursors.set_cursor(session, ctx.integration_id, CURSOR, started.isoformat())


def _since(ctx: IntegrationContext) -> datetime | None:
    overlap = timedelta(hours=ctx.config.window_overlap_hours)
    with ctx.store.session() as session:
        delivered = select(Order.id).where(
            Order.integration_id == ctx.integration_id, Order.status == OrderStatus.AT_WMS,
            Order.cancel_state.is_(None)).limit(1)
        if session.scalar(delivered) is None:
            return None  # no void can concern the hub
        cursor = cursors.get_cursor(session, ctx.integration_id, CURSOR)
        if cursor is not None:
            return datetime.fromisoformat(cursor) - overlap
        oldest = session.scalar(select(func.min(Order.created_at)).where(
            Order.integration_id == ctx.integration_id, Order.status == OrderStatus.AT_WMS))
    return None if oldest is None else oldest - overlap


def _note_page(ctx: IntegrationContext, session: Session, voided: list[QbcOrder],
               counts: ReverseCounts) -> None:
    by_id = {order.id: order for order in voided}
    rows = session.scalars(select(Order).where(
        Order.integration_id == ctx.integration_id, Order.status == OrderStatus.AT_WMS,
        Order.cancel_state.is_(None), Order.warehouse_order_id.in_(list(by_id)))
        .order_by(Order.id).with_for_update())
    for order in rows:
        note_voided_in_qbc(session, order, by_id[order.warehouse_order_id or ""],
                           at=ctx.clock.now())
        counts.voided_in_qbc += 1


def cancel_on_houzz(ctx: IntegrationContext, order_id: int, counts: ReverseCounts) -> None:
    now = ctx.clock.now()
    with ctx.store.begin() as session:
        order = orders.lock_order(session, order_id)
        if (order.status is not OrderStatus.AT_WMS
                or order.cancel_state is not CancelState.VOIDED_IN_QBC
                or (order.next_attempt_at is not None and order.next_attempt_at > now)):
            return
        if is_canceled_status(order.channel_status):  # the sweep saw it canceled already
            mark_canceled_on_channel(session, order, at=now, already=True)
            counts.canceled_on_houzz_after_void += 1
            return
        start_channel_cancel(session, order, at=now)
        channel_order_id, created = order.channel_order_id, order.order_date
    config = ctx.config
    already = False
    try:
        ctx.houzz.cancel_order(channel_order_id, config.houzz_cancel_code,
                               config.houzz_cancel_comments)
    except RecordRejected as exc:
        if not says_already_canceled(exc):
            _hold(ctx, order_id, f"Houzz refused to cancel it: {exc.message}", counts)
            return
        already = True
    except OutcomeUnknown as exc:
        if not houzz_shows(ctx, channel_order_id, created, CANCELED):
            retry_later(ctx, order_id, exc, counts, doing="canceling on Houzz")
            return
    except ConfigurationError:
        with ctx.store.begin() as session:  # refused credentials: this call did nothing
            _outbound.put_back(session, orders.lock_order(session, order_id),
                               at=ctx.clock.now(), message="Not sent: Houzz refused the "
                               "credentials; it goes once the integration runs again")
        raise
    except RemoteError as exc:
        retry_later(ctx, order_id, exc, counts, doing="canceling on Houzz")
        return
    with ctx.store.begin() as session:
        mark_canceled_on_channel(session, orders.lock_order(session, order_id),
                                 at=ctx.clock.now(), already=already)
    counts.canceled_on_houzz_after_void += 1


def _hold(ctx: IntegrationContext, order_id: int, message: str, counts: ReverseCounts) -> None:
    with ctx.store.begin() as session:
        order = orders.lock_order(session, order_id)
        hold_channel_cancel_refused(session, order, message, at=ctx.clock.now())  # its alert
    counts.held += 1
