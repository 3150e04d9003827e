"""Keeping the hub's index of QBC variants fresh, spending as few calls as possible.

The first refresh reads every variant (250 a page, the documented maximum) and archives what
QBC no longer lists; later refreshes read only variants updated since the last one
(`updated_at_min`, with a minute of overlap), usually a single call. The inventory job reads
every variant each cycle anyway and refreshes the index from the same pages
(`store_variants`, `finish_read`), so delivery then costs no read of its own.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from orderbridge.connectors.qbc.records import iso, moment
from orderbridge.connectors.qbc.variants import Variant
from orderbridge.store import cursors
from orderbridge.store.variants import VariantRow, archive_unseen, upsert_variants
from orderbridge.workflows.context import IntegrationContext

CURSOR = "qbc_variants_updated_at"
OVERLAP = timedelta(minutes=1)


def refresh_variant_index(ctx: IntegrationContext, *, full: bool = False) -> int:
    """Read new and changed variants into the index; the number of records read."""
    with ctx.store.session() as session:
        cursor = None if full else moment(cursors.get_cursor(session, ctx.integration_id,
                                                             CURSOR))
    run_started = ctx.clock.now()
    newest: datetime | None = None  # nothing new: the cursor stays where it is
    read = 0
    for page in ctx.qbc.iter_variants(updated_since=cursor):
        read += len(page.records)
        newest = store_variants(ctx, page.records, newest)
    with ctx.store.begin() as session:
        finish_read(session, ctx, newest, full_read_started=run_started if cursor is None
                    else None)
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
                full_read_started: datetime | None) -> None:
    """After the last page: archive what a full read did not see; move the cursor (no
    commit)."""
    if full_read_started is not None:
        archive_unseen(session, ctx.integration_id, full_read_started)
    if newest is not None:
        cursors.set_cursor(session, ctx.integration_id, CURSOR, iso(newest - OVERLAP))


def _row(variant: Variant) -> VariantRow:
    updated = variant.record.get("updated_at")
    return VariantRow(variant.id, variant.sku, variant.name, variant.status, variant.record,
                      None if updated is None else str(updated)[:40])
