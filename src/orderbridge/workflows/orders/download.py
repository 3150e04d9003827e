"""The `download` job: poll Houzz `getOrders` over the window (`download_window`) and store
each order once.

- The cursor (when the last complete poll started) moves only in the transaction that stores
  the window's last page: a poll cut short reads the whole window again next time.
- Shipped or canceled orders are never imported; an order Houzz sends twice (within a page, or
  again in the overlap) is stored once.
- An order that cannot be translated is stored and held with what is wrong (`connectors.houzz
  .mapping`): nothing is lost, the rest flow on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.connectors.houzz.mapping import channel_order_key, channel_status, to_canonical
from orderbridge.connectors.houzz.values import storable
from orderbridge.connectors.paging import PageGuard
from orderbridge.store import cursors, orders
from orderbridge.store.cust_refs import reserve_cust_refs
from orderbridge.store.tables import Order
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.options import JobOptions
from orderbridge.workflows.orders.cust_ref import candidates
from orderbridge.workflows.orders.download_window import (
    Window,
    download_window,
    next_page_start,
)
from orderbridge.workflows.orders.verbs import hold_new_order
from orderbridge.workflows.stop import StopToken, stopped

CURSOR = "houzz_orders_polled_at"
CLOSED_STATUSES = {"shipped", "canceled", "cancelled"}


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
    window = download_window(
        None if cursor is None else datetime.fromisoformat(cursor), started,
        overlap_hours=config.window_overlap_hours, earliest_order_date=config.earliest_order_date,
        initial_import_days=config.initial_import_days, zone=config.zone)
    if options is not None and options.since is not None:
        window = Window(min(window.start, options.since), window.end)
    result = DownloadResult()
    start = 0
    page_size = config.houzz_page_size
    guard = PageGuard("Houzz", "the order list")
    while True:
        page = ctx.houzz.get_orders(status=config.status_filter or None, start=start,
                                    number=page_size, created_from=window.start,
                                    created_to=window.end, zone=config.zone)
        result.pages += 1
        guard.check(page, f"Start={start}")
        halted = stopped(stop)
        last = len(page) < page_size or halted
        with ctx.store.begin() as session:
            store_page(ctx, session, page, result)
            if last and not halted:
                cursors.set_cursor(session, ctx.integration_id, CURSOR, started.isoformat())
        if last:
            return result
        start = next_page_start(start, page_size)


def store_page(ctx: IntegrationContext, session: Session, page: Sequence[Any],
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
    stored = orders.insert_downloaded(session, ctx.integration_id, [
        orders.DownloadedOrder(key, _as_object(raw), translations[key].order, status)
        for key, (raw, status) in fresh.items()], at=now)
    held = {}
    for key, translation in translations.items():
        order_id, created = stored[key]
        if not created:
            continue
        result.new += 1
        problems = translation.problems
        if problems and not ctx.config.hold_on_total_mismatch:
            problems = [p for p in problems if "does not match" not in p.message]
        if problems:
            held[order_id] = problems
    for order_id, order in orders.lock_orders(session, list(held)).items():
        hold_new_order(session, order, held[order_id], at=now)
        result.held += 1


def _as_object(raw: Any) -> dict[str, Any]:
    return raw if isinstance(raw, dict) else {"_payload": raw}
