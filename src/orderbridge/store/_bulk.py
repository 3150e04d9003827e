"""Many-row INSERTs whose values arrive ready for the driver.

A page of downloaded orders is thousands of values; running each one through its column type
in SQLAlchemy (and serialising JSON documents through dicts) cost more than the database work.
Here the caller hands over values the driver takes as they are (JSON as text, enums as their
values, datetimes through ``utc_for_driver``), and on PostgreSQL the rows go through psycopg's
own pipelined ``executemany``. Used by ``store.orders.insert_downloaded_many``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Connection, Dialect, Text, bindparam, cast
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine

from orderbridge.store._upsert import table_of
from orderbridge.store.tables import Base
from orderbridge.store.tables.columns import UtcDateTime

_prepared: dict[tuple[Any, ...], Any] = {}
"""Statements (and PostgreSQL's SQL text) built once per database and shape."""


def driver_ready_insert(dialect: Dialect, target: type[Base], columns: tuple[str, ...],
                        conflict_on: tuple[str, ...] | None = None,
                        returning: tuple[str, ...] = ()) -> Any:
    """An INSERT of ``columns`` whose values arrive as the driver takes them: JSON documents
    as text, enums as their values, datetimes through ``utc_for_driver``.

    A page of orders is thousands of values; letting SQLAlchemy run each one through its column
    type (and serialising the canonical order through a dict) cost more than the database
    work. ``conflict_on`` makes it ``ON CONFLICT DO NOTHING``; ``returning`` names columns to
    return.
    """
    key = (dialect.name, dialect.driver, target, columns, conflict_on, returning)
    if key not in _prepared:
        table = table_of(target)
        insert = postgresql.insert if dialect.name == "postgresql" else sqlite.insert
        statement: Any = insert(table).values(
            {name: _driver_param(name, table.c[name].type, dialect) for name in columns})
        if conflict_on is not None:
            statement = statement.on_conflict_do_nothing(index_elements=list(conflict_on))
        if returning:
            statement = statement.returning(*(table.c[name] for name in returning))
        _prepared[key] = statement
    return _prepared[key]


def _driver_param(name: str, column_type: TypeEngine[Any], dialect: Dialect) -> Any:
    if isinstance(column_type, JSON):  # JSON on SQLite, JSONB on PostgreSQL
        param = bindparam(name, type_=Text())
        return cast(param, JSONB) if dialect.name == "postgresql" else param
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    if column_type.dialect_impl(dialect).bind_processor(dialect) is not None:
        column_type = Text()  # SQLite's DATETIME: utc_for_driver has made the text already
    return bindparam(name, type_=column_type)


def utc_for_driver(dialect: Dialect) -> Callable[[datetime], Any]:
    """What ``UtcDateTime`` and the database's own type make of a datetime: checked to be
    aware, in UTC, and on SQLite the text SQLAlchemy stores."""
    process = UtcDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert process is not None, "UtcDateTime always processes its values"
    return process


def inserted_rows(connection: Connection, statement: Any,
                  rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Run an ``INSERT ... RETURNING`` for many rows; the rows it returned.

    On PostgreSQL the driver runs it, once per row in one pipeline (psycopg's ``executemany``
    with ``returning``): SQLAlchemy would send one statement with a parameter per value, which
    psycopg parses in Python at several times the cost of the insert itself. The values need
    no processing by SQLAlchemy (``driver_ready_insert``), and the cursor is the session's
    connection's, inside its transaction.
    """
    if connection.dialect.name != "postgresql":
        return [tuple(row) for row in connection.execute(statement, rows)]
    key = ("sql", connection.dialect.name, connection.dialect.driver, statement)
    if key not in _prepared:
        _prepared[key] = str(statement.compile(dialect=connection.dialect))
    driver_connection = connection.connection.driver_connection
    assert driver_connection is not None, "the session's connection is open"
    cursor = driver_connection.cursor()  # psycopg's own
    try:
        cursor.executemany(_prepared[key], rows, returning=True)
        found: list[tuple[Any, ...]] = []
        while True:
            found.extend(cursor.fetchall())
            if not cursor.nextset():
                return found
    finally:
        cursor.close()
