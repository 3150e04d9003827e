"""Keeping the hub's index of QBC variants fresh, spending as few calls as possible.

The first refresh reads every variant (250 a page, the documented maximum) and archives what
QBC no longer lists; later refreshes read only variants updated since the last one
(`updated_at_min`, with a minute of overlap), usually a single call.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from orderbridge.store import cursors
from orderbridge.store.variants import archive_unseen, upsert_variants
from orderbridge.sync.context import IntegrationContext

CURSOR = "qbc_variants_updated_at"
OVERLAP = timedelta(minutes=1)


def refresh_variant_index(ctx: IntegrationContext, *, full: bool = False) -> int:
    """Read new and changed variants into the index; the number of records read."""
    with ctx.store.session() as session:
        cursor = None if full else cursors.get_cursor(session, ctx.integration_id, CURSOR)
    run_started = ctx.clock.now()
    params = {"updated_at_min": cursor} if cursor else {}
    newest = _parse(cursor)
    read = 0
    for page in ctx.qbc.iter_collection("/variants", "variants", params):
        read += len(page)
        newest = store_page(ctx, page, newest)
    with ctx.store.begin() as session:
        finish_read(session, ctx, newest, full_read_started=run_started if cursor is None
                    else None)
    return read


def store_page(ctx: IntegrationContext, page: list[dict[str, Any]],
               newest: datetime | None) -> datetime | None:
    """Upsert one page of variants (committed); the newest `updated_at` seen so far."""
    for record in page:
        updated = _parse(record.get("updated_at"))
        if updated and (newest is None or updated > newest):
            newest = updated
    with ctx.store.begin() as session:
        upsert_variants(session, ctx.integration_id, page, seen_at=ctx.clock.now())
    return newest


def finish_read(session: Session, ctx: IntegrationContext, newest: datetime | None, *,
                full_read_started: datetime | None) -> None:
    """After the last page: archive what a full read did not see; move the cursor (no commit).

    The inventory job reads every variant each cycle and calls this too, so the index stays
    fresh without a read of its own."""
    if full_read_started is not None:
        archive_unseen(session, ctx.integration_id, full_read_started)
    if newest is not None:
        mark = (newest - OVERLAP).isoformat().replace("+00:00", "Z")
        cursors.set_cursor(session, ctx.integration_id, CURSOR, mark)


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
