"""Order download: poll Houzz `getOrders` in overlapping windows and store each order once.

- Windows overlap: each poll re-reads `window_overlap_hours` before the previous poll's start,
  and asks up to a day past now, so a time-zone mistake or clock skew cannot lose an order
  (Houzz times carry no zone; reference §8). Re-read orders are deduplicated by OrderId.
- Pages overlap too: the next page starts a few orders before the end of the previous one, so
  an order leaving the status filter between two page reads cannot shift another out of sight.
- The cursor moves only in the transaction that stores the window's last page.
- First run: open orders created in the last `initial_import_days` (or since
  `earliest_order_date`); shipped or canceled orders are never imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.connectors.houzz.mapping import channel_order_key, channel_status, to_canonical
from orderbridge.connectors.houzz.values import storable
from orderbridge.runtime.stopping import StopToken
from orderbridge.store import cursors, orders
from orderbridge.store.cust_refs import reserve_cust_refs
from orderbridge.store.tables import Order
from orderbridge.sync.context import IntegrationContext
from orderbridge.sync.cust_ref import candidates
from orderbridge.sync.options import JobOptions
from orderbridge.sync.verbs import hold_new_order

CURSOR = "houzz_orders_polled_at"
PAGE_OVERLAP = 5
CLOSED_STATUSES = {"shipped", "canceled", "cancelled"}
HOUZZ_TIME = "%Y-%m-%d %H:%M:%S"


@dataclass
class DownloadResult:
    pages: int = 0
    seen: int = 0
    new: int = 0
    held: int = 0
    skipped_closed: int = 0


def download(ctx: IntegrationContext, stop: StopToken | None = None,
                 options: JobOptions | None = None) -> DownloadResult:
    """One poll of Houzz; returns what it found."""
    config = ctx.config
    started = ctx.clock.now()
    with ctx.store.session() as session:
        cursor = cursors.get_cursor(session, ctx.integration_id, CURSOR)
    since = _window_start(ctx, cursor, started)
    date_from = since.astimezone(config.zone).strftime(HOUZZ_TIME)
    date_to = (started + timedelta(days=1)).astimezone(config.zone).strftime(HOUZZ_TIME)
    result = DownloadResult()
    start = 0
    page_size = config.houzz_page_size
    while True:
        page = ctx.houzz.get_orders(status=config.status_filter or None, start=start,
                                    number=page_size, date_from=date_from, date_to=date_to)
        result.pages += 1
        last = len(page) < page_size or (stop is not None and stop.stopped)
        with ctx.store.begin() as session:
            store_page(ctx, session, page, result)
            if last and not (stop is not None and stop.stopped):
                cursors.set_cursor(session, ctx.integration_id, CURSOR, started.isoformat())
        if last:
            return result
        start += max(page_size - PAGE_OVERLAP, 1)


def _window_start(ctx: IntegrationContext, cursor: str | None, now: datetime) -> datetime:
    config = ctx.config
    if cursor is not None:
        return datetime.fromisoformat(cursor) - timedelta(hours=config.window_overlap_hours)
    if config.earliest_order_date is not None:
        return datetime.combine(config.earliest_order_date, time(), tzinfo=config.zone)
    return now - timedelta(days=config.initial_import_days)


def store_page(ctx: IntegrationContext, session: Session, page: list[dict[str, Any]],
               result: DownloadResult) -> None:
    """Store a page's new orders in a few statements (references, orders, their events)."""
    page = storable(page)
    keys = [channel_order_key(raw) for raw in page]
    known = set(session.scalars(select(Order.channel_order_id).where(
        Order.integration_id == ctx.integration_id, Order.channel_order_id.in_(set(keys)))))
    fresh: dict[str, tuple[dict[str, Any], str | None]] = {}
    for key, raw in zip(keys, page, strict=True):
        result.seen += 1
        if key in known or key in fresh:  # a duplicated OrderId within one page: stored once
            continue
        status = channel_status(raw)
        if (status or "").lower() in CLOSED_STATUSES:
            result.skipped_closed += 1
            continue
        fresh[key] = (raw, status)
    if fresh:
        _store_new(ctx, session, fresh, result)


def _store_new(ctx: IntegrationContext, session: Session,
               fresh: dict[str, tuple[dict[str, Any], str | None]],
               result: DownloadResult) -> None:
    rules = ctx.config.cust_ref_rules
    now = ctx.clock.now()
    cust_refs = reserve_cust_refs(session, ctx.integration_id, list(fresh),
                                  lambda key: candidates(key, rules), at=now)
    translations = {key: to_canonical(raw, cust_ref=cust_refs[key], zone=ctx.config.zone,
                                      now=now) for key, (raw, _) in fresh.items()}
    stored = orders.insert_downloaded_many(session, ctx.integration_id, [
        orders.DownloadedOrder(key, _as_object(raw), translations[key].order, status)
        for key, (raw, status) in fresh.items()], at=now)
    for key, translation in translations.items():
        order_id, created = stored[key]
        if not created:
            continue
        result.new += 1
        problems = translation.problems
        if problems and not ctx.config.hold_on_total_mismatch:
            problems = [p for p in problems if "does not match" not in p.message]
        if problems:
            order = orders.get_order(session, order_id)
            assert order is not None, "stored just now"
            hold_new_order(session, order, problems, at=now)
            result.held += 1


def _as_object(raw: Any) -> dict[str, Any]:
    return raw if isinstance(raw, dict) else {"_payload": raw}
