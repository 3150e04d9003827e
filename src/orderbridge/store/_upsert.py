"""``INSERT ... ON CONFLICT`` for the two databases we support, behind one function each.

Both SQLite (3.35+, for ``RETURNING``) and PostgreSQL speak the same clause; only the
SQLAlchemy construct that builds it differs. These are what make "get or create" and "set"
safe under concurrency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import CursorResult, Result, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from orderbridge.store.tables import Base


def _insert(session: Session, target: type[Base]) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(target)
    if dialect == "sqlite":
        return sqlite.insert(target)
    raise NotImplementedError(f"orderbridge supports SQLite and PostgreSQL, not {dialect}")


def insert_or_ignore(
    session: Session,
    target: type[Base],
    values: Mapping[str, Any],
    conflict_on: Sequence[str] | None,
) -> bool:
    """Insert a row unless one with the same ``conflict_on`` columns exists; True if inserted.

    ``conflict_on=None`` ignores a conflict on any unique constraint. On PostgreSQL a concurrent
    insert of the same key waits for the other transaction and then does nothing, so exactly
    one row results.
    """
    index_elements = None if conflict_on is None else list(conflict_on)
    statement = (
        _insert(session, target)
        .values(dict(values))
        .on_conflict_do_nothing(index_elements=index_elements)
        # rowcount is unreliable here (PostgreSQL reports -1 when SQLAlchemy adds RETURNING),
        # so ask for the new key explicitly: a row comes back only if one was inserted.
        .returning(*inspect(target).primary_key)
    )
    return session.execute(statement).first() is not None


def upsert(
    session: Session,
    target: type[Base],
    values: Mapping[str, Any],
    conflict_on: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert a row, or update the ``update`` columns of the row with the same key."""
    statement = _insert(session, target).values(dict(values))
    statement = statement.on_conflict_do_update(
        index_elements=list(conflict_on),
        set_={column: statement.excluded[column] for column in update},
    )
    session.execute(statement)


def rows_affected(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched."""
    return result.rowcount if isinstance(result, CursorResult) else 0
