"""Engines and sessions, tuned per database.

SQLite (the embedded default) gets write-ahead logging so readers never block the writer,
foreign keys switched on (SQLite leaves them off), and a busy timeout so a second writer waits
instead of failing at once. ``postgresql://`` URLs are sent to psycopg 3, the driver we ship;
any other database (or driver) is refused with a message, since its driver is not installed and
the migrations are written for these two.
"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.errors import UsageError

SQLITE_BUSY_TIMEOUT_MS = 10_000
SUPPORTED_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql+psycopg")
_USE = ("it stores its data in SQLite (sqlite:///PATH/orderbridge.sqlite3, the default) or "
        "PostgreSQL (postgresql://USER:PASSWORD@HOST/DATABASE): set ORDERBRIDGE_DATABASE_URL "
        "to one of those, or leave it unset")


class UnsupportedDatabaseError(UsageError):
    """The database URL does not parse, or names a database orderbridge does not run on."""


def normalize_url(url: str | URL) -> URL:
    """``url`` as a SQLAlchemy URL, with bare PostgreSQL URLs pointed at psycopg 3; an
    ``UnsupportedDatabaseError`` for anything but SQLite and PostgreSQL through psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UnsupportedDatabaseError("the database URL is not a URL orderbridge can read; "
                                       + _USE) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in SUPPORTED_DRIVERS:
        shown = parsed.render_as_string(hide_password=True)
        raise UnsupportedDatabaseError(f"orderbridge cannot use the database URL {shown} "
                                       f"({parsed.drivername}); {_USE}")
    return parsed


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_json_default)
"""The JSON encoder of our engines, made once (``json.dumps`` with options builds one per
call): decimals become strings, datetimes ISO 8601."""


def json_dumps(value: Any) -> str:
    """The JSON serializer of our engines (``JSON_ENCODER``)."""
    return JSON_ENCODER.encode(value)


def create_engine_for(url: str | URL, **kwargs: Any) -> Engine:
    """An engine for ``url``; extra keyword arguments go to ``sqlalchemy.create_engine``."""
    parsed = normalize_url(url)
    kwargs.setdefault("json_serializer", json_dumps)
    if parsed.get_backend_name() == "sqlite":
        connect_args = kwargs.setdefault("connect_args", {})
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _configure_sqlite_connection)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **kwargs)


def ensure_wal(cursor: Any) -> None:
    """Switch the file to WAL once. The switch needs the file to itself and, when several
    processes open a new database at once, can report "locked" without waiting: retry briefly."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        ensure_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on ``engine`` whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def is_sqlite(engine: Engine) -> bool:
    """Whether ``engine`` talks to SQLite."""
    return engine.dialect.name == "sqlite"
