"""Where the next read of QBC fulfillments starts, and moving it back when needed.

The shipments job reads fulfillments updated since its cursor. An order the hub learns about
late — found in QBC by lookup after an interrupted delivery — may have been fulfilled before the
cursor passed, so its QBC id was unknown when its fulfillment went by. Moving the cursor back to
the order's creation makes the next read pick that fulfillment up.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from orderbridge.connectors.qbc.fulfillments import parse_updated_at
from orderbridge.store import cursors

CURSOR = "qbc_fulfillments_updated_at"
MARGIN = timedelta(minutes=5)


def rewind_to(session: Session, integration_id: int, created_at: str | None) -> None:
    """Make the next fulfillments read start before `created_at` (a QBC timestamp)."""
    created = parse_updated_at(created_at)
    current = parse_updated_at(cursors.get_cursor(session, integration_id, CURSOR))
    if created is None or current is None or current <= created - MARGIN:
        return  # nothing read yet (the first read starts early enough) or already before it
    start = (created - MARGIN).isoformat().replace("+00:00", "Z")
    cursors.set_cursor(session, integration_id, CURSOR, start)
