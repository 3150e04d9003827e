"""Where the next read of QBC fulfillments starts, and moving it back when needed.

The shipments job reads fulfillments updated since this cursor. An order the hub learns about
late (found in QBC by lookup after an interrupted delivery) may have been fulfilled before the
cursor passed, so its QBC id was unknown when its fulfillment went by. Moving the cursor back
to the order's creation in QBC makes the next read pick that fulfillment up. Shared by the
orders workflow (which finds such orders) and the shipments workflow (which reads).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from orderbridge.connectors.qbc.records import iso, moment
from orderbridge.store import cursors

CURSOR = "qbc_fulfillments_updated_at"
MARGIN = timedelta(minutes=5)


def read_cursor(session: Session, integration_id: int) -> datetime | None:
    """The newest `updated_at` (QBC's clock) the last complete read saw."""
    return moment(cursors.get_cursor(session, integration_id, CURSOR))


def move_cursor(session: Session, integration_id: int, to: datetime) -> None:
    cursors.set_cursor(session, integration_id, CURSOR, iso(to))


def rewind_to(session: Session, integration_id: int, created_at: datetime | None) -> None:
    """Make the next fulfillments read start before `created_at` (QBC's clock)."""
    current = read_cursor(session, integration_id)
    if created_at is None or current is None or current <= created_at - MARGIN:
        return  # nothing read yet (the first read starts early enough) or already before it
    move_cursor(session, integration_id, created_at - MARGIN)
