"""Keeping the hub's index of QBC variants fresh, spending as few calls as possible.

Every read asks for active and archived variants (`VARIANT_STATUSES`), so a variant archived
since the last read is seen. The first read, and every full read, reads every variant (250 a
page, the documented maximum) and archives what QBC no longer lists; later reads ask only for
variants updated since the cursor (`updated_at_min`), usually a single call. Delivery's refresh
and the inventory job move the same cursor, so neither re-reads what the other read.

The cursor is in QBC's clock, never the hub's, so a hub clock running ahead of QBC's cannot
skip a change: it is the newest `updated_at` seen, less a minute of overlap for a change QBC
had not shown yet when its page was read. Alone, that would keep the cursor at the last change
while nothing changes, and every read would re-read that change (after a catalog import: every
variant, each cycle). So the hub also notes when it saw that newest `updated_at`
(`NEWEST_SEEN`): QBC's clock has moved on at least as far as the hub's since, which gives a
later start that is still safe. (So after a change to many variants at once, the next read
re-reads them once more: only then has the hub seen QBC's clock pass them.)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.connectors.qbc.client import VARIANT_STATUSES
from orderbridge.connectors.qbc.records import iso, moment
from orderbridge.connectors.qbc.variants import Variant, variant_from
from orderbridge.store import cursors
from orderbridge.store.tables.warehouse import WarehouseVariant
from orderbridge.store.variants import VariantRow, archive_unseen, upsert_variants
from orderbridge.workflows.context import IntegrationContext

CURSOR = "qbc_variants_updated_at"
FULL_READ_CURSOR = "qbc_variants_full_read_at"
"""When (hub clock) the last full read that completed started."""
NEWEST_SEEN = "qbc_variants_newest_seen"
"""The newest `updated_at` a read saw, and when (hub clock): "<updated_at> <seen at>"."""
OVERLAP = timedelta(minutes=1)
NOT_A_CLOCK_READING = timedelta(days=1)
"""An `updated_at` this far ahead of the hub's clock is a bad record, not QBC's time: it must
not carry the cursor past every later change."""


@dataclass
class IndexRead:
    """What one read of QBC variants into the index spent and saw."""

    full: bool
    """Every variant was read (and what QBC no longer lists archived)."""
    pages: int = 0
    seen: int = 0
    unreadable: int = 0
    """Records QBC sent that could not be read (skipped)."""


def refresh_variant_index(ctx: IntegrationContext, *, full: bool = False) -> int:
    """Read new and changed variants into the index; the number of records read."""
    return read_into_index(ctx, full=full).seen


def read_into_index(ctx: IntegrationContext, *, full: bool = False) -> IndexRead:
    """Read the variants updated since the cursor into the index: every variant when `full`
    or when nothing was read yet."""
    with ctx.store.session() as session:
        since = None if full else _moment_at(session, ctx, CURSOR)
    read = IndexRead(full=since is None)
    started = ctx.clock.now()
    newest: datetime | None = None  # nothing new: the cursor moves on the hub's clock alone
    for page in ctx.qbc.iter_variants(updated_since=since, statuses=VARIANT_STATUSES):
        read.pages += 1
        read.seen += len(page.records)
        read.unreadable += page.unreadable
        newest = store_variants(ctx, page.records, newest)
    with ctx.store.begin() as session:
        finish_read(session, ctx, newest, started=started, full=read.full)
    return read


def store_variants(ctx: IntegrationContext, variants: list[Variant],
                   newest: datetime | None) -> datetime | None:
    """Upsert one page of variants (committed); the newest `updated_at` seen so far."""
    for variant in variants:
        if variant.updated_at and (newest is None or variant.updated_at > newest):
            newest = variant.updated_at
    with ctx.store.begin() as session:
        upsert_variants(session, ctx.integration_id, [_row(variant) for variant in variants],
                        seen_at=ctx.clock.now())
    return newest


def finish_read(session: Session, ctx: IntegrationContext, newest: datetime | None, *,
                started: datetime, full: bool) -> None:
    """After the last page of a read that started at `started` (hub clock): archive what a
    full read did not see and note it; move the cursor (no commit)."""
    integration_id = ctx.integration_id
    if full:
        archive_unseen(session, integration_id, started)
        cursors.set_cursor(session, integration_id, FULL_READ_CURSOR, iso(started))
    seen = _newest_seen(session, ctx)
    # a full read saw every variant: a newer `updated_at` noted before came from a record QBC
    # no longer has so (deleted, or a bad date since fixed); start again from what it saw
    afresh = full and seen is not None and (newest is None or seen[0] > newest)
    if afresh:
        seen = None
    now = ctx.clock.now()
    if newest is not None and newest - now < NOT_A_CLOCK_READING and (
            seen is None or newest > seen[0]):
        seen = (newest, now)
        cursors.set_cursor(session, integration_id, NEWEST_SEEN, f"{iso(newest)} {iso(now)}")
    if seen is None:
        return  # QBC's clock was never read: the next read starts where this one did
    qbc_time_at_start = seen[0] + max(started - seen[1], timedelta(0))
    start = qbc_time_at_start - OVERLAP
    current = None if afresh else _moment_at(session, ctx, CURSOR)
    if current is None or start > current:
        cursors.set_cursor(session, integration_id, CURSOR, iso(start))


def last_full_read(session: Session, ctx: IntegrationContext) -> datetime | None:
    """When (hub clock) the last completed full read started; None before the first."""
    return _moment_at(session, ctx, FULL_READ_CURSOR)


def indexed_variants(session: Session, integration_id: int) -> tuple[list[Variant], int]:
    """Every variant in the index, with the status the index gives it (archived when a full
    read no longer found it), and how many stored records could not be read."""
    found: list[Variant] = []
    unreadable = 0
    rows = session.execute(select(WarehouseVariant.status, WarehouseVariant.record)
                           .where(WarehouseVariant.integration_id == integration_id))
    for status, record in rows:
        variant = variant_from(record)
        if variant is None:
            unreadable += 1
        else:
            found.append(variant if variant.status == status else replace(variant,
                                                                          status=status))
    return found, unreadable


def _newest_seen(session: Session, ctx: IntegrationContext) -> tuple[datetime, datetime] | None:
    value = cursors.get_cursor(session, ctx.integration_id, NEWEST_SEEN) or ""
    updated_at, _, seen_at = value.partition(" ")
    parsed = moment(updated_at), moment(seen_at)
    return (parsed[0], parsed[1]) if parsed[0] and parsed[1] else None


def _moment_at(session: Session, ctx: IntegrationContext, name: str) -> datetime | None:
    return moment(cursors.get_cursor(session, ctx.integration_id, name))


def _row(variant: Variant) -> VariantRow:
    updated = variant.record.get("updated_at")
    return VariantRow(variant.id, variant.sku, variant.name, variant.status, variant.record,
                      None if updated is None else str(updated)[:40])
