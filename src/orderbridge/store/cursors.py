"""Named cursors: where each workflow of an integration got to.

A cursor must move in the same transaction that stores what was read up to it (DESIGN,
"Nothing lost"), so ``set_cursor`` never commits: the caller's commit moves both together.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.store._upsert import upsert
from orderbridge.store.tables import Cursor
from orderbridge.store.tables.columns import utcnow


def get_cursor(session: Session, integration_id: int, name: str) -> str | None:
    """The cursor's value, or ``None`` if the workflow never ran."""
    return session.scalars(
        select(Cursor.value).where(Cursor.integration_id == integration_id, Cursor.name == name)
    ).one_or_none()


def set_cursor(session: Session, integration_id: int, name: str, value: str) -> None:
    """Move the cursor to ``value`` (no commit)."""
    upsert(
        session,
        Cursor,
        {"integration_id": integration_id, "name": name, "value": value, "updated_at": utcnow()},
        conflict_on=["integration_id", "name"],
        update=["value", "updated_at"],
    )
