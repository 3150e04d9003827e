"""The period an audit covers when nobody says: the last ``DEFAULT_DAYS`` days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

DEFAULT_DAYS = 30


def default_since() -> date:
    return datetime.now(UTC).date() - timedelta(days=DEFAULT_DAYS)
