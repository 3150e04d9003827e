"""``INSERT ... ON CONFLICT`` for the two databases we support, behind one function each.

Both SQLite (3.35+, for ``RETURNING``) and PostgreSQL speak the same clause; only the
SQLAlchemy construct that builds it differs. These are what make "get or create" and "set"
safe under concurrency.

Statements are built once per (database, table, shape) and run with the row as parameters:
building one afresh per call (``.values(...)``, ``.excluded`` aliases, cache keys) cost more
than the database work itself. They run as Core statements on the table, on the session's
connection (``core``), so the session is flushed first, as an ORM statement would autoflush.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, CursorResult, Result, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from orderbridge.store.tables import Base


def _insert(session: Session, target: type[Base] | Table) -> Any:
    return _insert_for(session.get_bind().dialect.name, target)


def _insert_for(dialect: str, target: type[Base] | Table) -> Any:
    if dialect == "postgresql":
        return postgresql.insert(target)
    if dialect == "sqlite":
        return sqlite.insert(target)
    raise NotImplementedError(f"orderbridge supports SQLite and PostgreSQL, not {dialect}")


def core(session: Session) -> Connection:
    """The connection of the session's transaction, for Core statements: the session is
    flushed first, as before an ORM statement, and its ORM machinery is skipped."""
    session.flush()
    return session.connection()


def table_of(target: type[Base]) -> Table:
    """The Core table an ORM class maps."""
    table = target.__table__
    assert isinstance(table, Table)
    return table


@cache
def insert_ignoring(dialect: str, target: type[Base], conflict_on: tuple[str, ...] | None,
                    returning: tuple[str, ...] | None = None) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (the primary key unless ``returning``
    names columns); run it with the row(s) as parameters."""
    table = table_of(target)
    columns = (table.primary_key.columns if returning is None
               else [table.c[name] for name in returning])
    return (
        _insert_for(dialect, table)
        .on_conflict_do_nothing(index_elements=None if conflict_on is None else list(conflict_on))
        # rowcount is unreliable here (PostgreSQL reports -1 when SQLAlchemy adds RETURNING),
        # so ask for the new key explicitly: a row comes back only if one was inserted.
        .returning(*columns)
    )


@cache
def _upsert_statement(dialect: str, target: type[Base], conflict_on: tuple[str, ...],
                      update: tuple[str, ...]) -> Any:
    statement = _insert_for(dialect, table_of(target))
    return statement.on_conflict_do_update(
        index_elements=list(conflict_on),
        set_={column: statement.excluded[column] for column in update},
    )


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
    key = None if conflict_on is None else tuple(conflict_on)
    statement = insert_ignoring(session.get_bind().dialect.name, target, key)
    return core(session).execute(statement, dict(values)).first() is not None


def upsert(
    session: Session,
    target: type[Base],
    values: Mapping[str, Any],
    conflict_on: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert a row, or update the ``update`` columns of the row with the same key."""
    statement = upsert_statement(session, target, tuple(conflict_on), tuple(update))
    core(session).execute(statement, dict(values))


def upsert_statement(session: Session, target: type[Base], conflict_on: tuple[str, ...],
                     update: tuple[str, ...]) -> Any:
    """The statement ``upsert`` runs, to run with many rows at once (``executemany``; the rows
    must have distinct keys: PostgreSQL refuses to update one row twice in a statement)."""
    return _upsert_statement(session.get_bind().dialect.name, target, conflict_on, update)


def rows_affected(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched."""
    return result.rowcount if isinstance(result, CursorResult) else 0
