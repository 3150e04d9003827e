"""The cancellation sweep: read Houzz over the window that covers every order still open in the
hub, and note the ones the buyer canceled.

Houzz has no "changed since" query and no cancellation push, so the only way to see a cancel is
to read the orders again (`getOrders` Status `All`) and compare statuses. The window follows the
open orders: From = the oldest open order's `Created` minus `cancel_sweep_margin_hours` (in the
Houzz zone, as download writes windows), To = now plus a day. Open = new, held, preview, at_wms
or shipped, with no cancellation noted yet (a noted one has nothing left to learn from Houzz:
`Canceled` is final there).

No open order is ever outside the sweep (`sweep_windows`): the main window is bounded, each
older open order (a "straggler") gets a narrow window of its own, and an alert says how many
there are and what they cost. Pages overlap like download's, so a page boundary cannot hide an
order.

Every order read that the hub holds gets its latest Houzz status in `orders.channel_status`;
a canceled one gets `cancel_state = requested` (carried out by `cancellations.job`). Each page is
applied in one transaction that locks the rows it changes (`SELECT ... FOR UPDATE` on
PostgreSQL), so it serialises with a delivery committing the same order *in flight*.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session

from orderbridge.connectors.houzz.mapping import channel_order_key, channel_status
from orderbridge.connectors.paging import PageGuard
from orderbridge.model import OrderStatus
from orderbridge.store import alerts
from orderbridge.store.tables import Order
from orderbridge.store.tables.columns import UtcDateTime
from orderbridge.workflows.cancel_requests import is_canceled_status
from orderbridge.workflows.cancellations.sweep_windows import plan_windows
from orderbridge.workflows.cancellations.verbs import note_canceled_on_channel
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.orders.download_window import Window, next_page_start
from orderbridge.workflows.stop import StopToken, stopped

log = logging.getLogger(__name__)

OPEN_STATUSES = (OrderStatus.NEW, OrderStatus.HELD, OrderStatus.PREVIEW, OrderStatus.AT_WMS,
                 OrderStatus.SHIPPED)
STRAGGLERS_ALERT = "cancel_sweep_stragglers"


@dataclass
class SweepResult:
    houzz_calls: int = 0
    seen: int = 0
    canceled_on_houzz: int = 0
    stragglers: int = 0


def sweep(ctx: IntegrationContext, stop: StopToken | None = None) -> SweepResult:
    """Read every open order's Houzz status once; note the canceled ones."""
    config = ctx.config
    now = ctx.clock.now()
    margin = timedelta(hours=config.cancel_sweep_margin_hours)
    bound = now - timedelta(days=config.cancel_sweep_max_days)
    with ctx.store.session() as session:
        oldest = session.scalar(select(func.min(_open_date())).where(*_open(ctx)))
        old = list(session.scalars(select(_open_date()).where(
            *_open(ctx), _open_date() < bound + margin))) if oldest is not None else []
    windows = plan_windows(oldest, old, now=now, max_days=config.cancel_sweep_max_days,
                           margin=margin)
    result = SweepResult()
    result.stragglers = sum(1 for date in old if date - margin < bound)
    _report_stragglers(ctx, result.stragglers, len(windows) - 1, config.cancel_sweep_max_days)
    for window in windows:
        if stopped(stop):
            break
        _read_window(ctx, window, result, stop)
    return result


def _open_date() -> Any:
    """The Houzz `Created` of an order (its download time when Houzz sent none)."""
    return type_coerce(func.coalesce(Order.order_date, Order.created_at), UtcDateTime())


def _open(ctx: IntegrationContext) -> tuple[Any, ...]:
    return (Order.integration_id == ctx.integration_id, Order.status.in_(OPEN_STATUSES),
            Order.cancel_state.is_(None))


def _read_window(ctx: IntegrationContext, window: Window, result: SweepResult,
                 stop: StopToken | None) -> None:
    page_size = ctx.config.houzz_page_size
    start = 0
    guard = PageGuard("Houzz", "the order list")
    while True:
        page = ctx.houzz.get_orders(status="All", start=start, number=page_size,
                                    created_from=window.start, created_to=window.end,
                                    zone=ctx.config.zone)
        result.houzz_calls += 1
        guard.check(page, f"Start={start}")
        with ctx.store.begin() as session:
            _apply_page(ctx, session, page, result)
        if len(page) < page_size or stopped(stop):
            return
        start = next_page_start(start, page_size)


def _apply_page(ctx: IntegrationContext, session: Session, page: list[dict[str, Any]],
                result: SweepResult) -> None:
    statuses = {channel_order_key(raw): channel_status(raw) for raw in page}
    result.seen += len(page)
    rows = session.scalars(select(Order).where(
        Order.integration_id == ctx.integration_id, Order.status.in_(OPEN_STATUSES),
        Order.channel_order_id.in_(list(statuses))).order_by(Order.id).with_for_update())
    now = ctx.clock.now()
    for order in rows:
        status = statuses.get(order.channel_order_id)
        if not status:
            continue
        if is_canceled_status(status) and order.cancel_state is None:
            note_canceled_on_channel(session, order, status, at=now)
            result.canceled_on_houzz += 1
        elif status != order.channel_status:
            order.channel_status = status


def _report_stragglers(ctx: IntegrationContext, count: int, windows: int,
                       max_days: float) -> None:
    with ctx.store.begin() as session:
        if not count:
            alerts.resolve_alerts(session, ctx.integration_id, kind=STRAGGLERS_ALERT)
            return
        message = (f"{count} open order(s) are older than cancel_sweep_max_days ({max_days:g} "
                   f"days); each cancellation sweep checks them in {windows} extra narrow "
                   "window(s) of their own. Close them (ship, cancel or resolve) or raise "
                   "cancel_sweep_max_days")
        log.warning("%s: %s", ctx.name, message)
        alerts.add_alert(session, ctx.integration_id, kind=STRAGGLERS_ALERT, message=message)
