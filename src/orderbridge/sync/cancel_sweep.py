"""The cancellation sweep: read Houzz over the window that covers every order still open in the
hub, and note the ones the buyer canceled.

Houzz has no "changed since" query and no cancellation push, so the only way to see a cancel is
to read the orders again (`getOrders` Status `All`) and compare statuses. The window follows the
open orders: From = the oldest open order's `Created` minus `cancel_sweep_margin_hours` (in the
Houzz zone, as download writes windows), To = now plus a day. Open = new, held, preview, at_wms
or shipped, with no cancellation noted yet (a noted one has nothing left to learn from Houzz:
`Canceled` is final there).

No open order is ever outside the sweep. The main window is bounded by `cancel_sweep_max_days`
so one forgotten order cannot make every sweep read months of orders; each open order older than
the bound (a "straggler") gets a narrow window of its own (`Created` ± the margin, merged when
they overlap), and an alert says how many there are and what they cost. Pages overlap like
download's, so a page boundary cannot hide an order.

Every order read that the hub holds gets its latest Houzz status in `orders.channel_status`;
a canceled one gets `cancel_state = requested` (acted on by `sync.cancellations`). Each page is
applied in one transaction that locks the rows it changes (`SELECT ... FOR UPDATE` on
PostgreSQL), so it serialises with a delivery committing the same order *in flight*.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session

from orderbridge.connectors.houzz.mapping import channel_order_key, channel_status
from orderbridge.model import OrderStatus
from orderbridge.runtime.stopping import StopToken
from orderbridge.store import alerts
from orderbridge.store.tables import Order
from orderbridge.store.tables.columns import UtcDateTime
from orderbridge.sync.cancel_verbs import is_canceled_status, note_canceled_on_channel
from orderbridge.sync.context import IntegrationContext
from orderbridge.sync.download import HOUZZ_TIME, PAGE_OVERLAP

log = logging.getLogger(__name__)

OPEN_STATUSES = (OrderStatus.NEW, OrderStatus.HELD, OrderStatus.PREVIEW, OrderStatus.AT_WMS,
                 OrderStatus.SHIPPED)
STRAGGLERS_ALERT = "cancel_sweep_stragglers"


@dataclass(frozen=True)
class Window:
    """A From/To range of Houzz `Created` times (aware datetimes)."""

    start: datetime
    end: datetime


@dataclass
class SweepResult:
    houzz_calls: int = 0
    seen: int = 0
    canceled_on_houzz: int = 0
    stragglers: int = 0


def plan_windows(oldest: datetime | None, stragglers: list[datetime], *, now: datetime,
                 max_days: float, margin: timedelta) -> list[Window]:
    """The windows that cover every open order: one main window bounded by `max_days`, plus a
    narrow window per straggler (`stragglers` = the open orders' dates older than the bound
    plus the margin), merged when they touch. Empty when nothing is open."""
    if oldest is None:
        return []
    main_start = max(oldest - margin, now - timedelta(days=max_days))
    narrow: list[Window] = []
    for date in sorted(d for d in stragglers if d - margin < main_start):
        start, end = date - margin, min(date + margin, main_start)
        if narrow and start <= narrow[-1].end:
            narrow[-1] = Window(narrow[-1].start, max(narrow[-1].end, end))
        else:
            narrow.append(Window(start, end))
    return [*narrow, Window(main_start, now + timedelta(days=1))]


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
        if stop is not None and stop.stopped:
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
    zone = ctx.config.zone
    date_from = window.start.astimezone(zone).strftime(HOUZZ_TIME)
    date_to = window.end.astimezone(zone).strftime(HOUZZ_TIME)
    page_size = ctx.config.houzz_page_size
    start = 0
    while True:
        page = ctx.houzz.get_orders(status="All", start=start, number=page_size,
                                    date_from=date_from, date_to=date_to)
        result.houzz_calls += 1
        with ctx.store.begin() as session:
            _apply_page(ctx, session, page, result)
        if len(page) < page_size or (stop is not None and stop.stopped):
            return
        start += max(page_size - PAGE_OVERLAP, 1)


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
