"""Bring a database to the current schema, safely, from any number of processes at once.

Migrations ship inside the package (``orderbridge/store/migrations``) and run without an
``alembic.ini``. Each upgrade runs in one transaction that first takes a lock, so two processes
starting together cannot both create the tables: on PostgreSQL a transaction-level advisory
lock, on SQLite a ``BEGIN IMMEDIATE`` (the database's write lock). The second process waits,
then finds the schema current and does nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from orderbridge.settings import Settings
from orderbridge.store.engine import (
    SQLITE_BUSY_TIMEOUT_MS,
    create_engine_for,
    ensure_wal,
    session_factory,
)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_ADVISORY_LOCK_KEY = 0x0B_51_0E_DB  # any constant; the same in every orderbridge process


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations (and ``url``, if given)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str | None:
    """The newest revision shipped with this version of orderbridge."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine_or_url: Engine | str) -> None:
    """Run every pending migration (``alembic upgrade head``); a no-op when already current."""
    engine = create_engine_for(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    try:
        if current_revision(engine) == head_revision():
            return
        with _locked_transaction(engine) as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        if engine.dialect.name != "sqlite" or _is_sqlite_file(engine):
            # Pooled connections opened before the migration may see a stale schema.
            # (An in-memory SQLite database lives in its one connection: keep it.)
            engine.dispose()
    finally:
        if isinstance(engine_or_url, str):
            engine.dispose()


@contextmanager
def _locked_transaction(engine: Engine) -> Iterator[Connection]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection, connection.begin():
            lock = text("SELECT pg_advisory_xact_lock(:key)")
            connection.execute(lock, {"key": _ADVISORY_LOCK_KEY})
            yield connection
        return
    if engine.dialect.name == "sqlite" and _is_sqlite_file(engine):
        migration_engine = _sqlite_migration_engine(engine)
        try:
            with migration_engine.connect() as connection, connection.begin():
                yield connection
        finally:
            migration_engine.dispose()
        return
    with engine.connect() as connection, connection.begin():
        yield connection


def _is_sqlite_file(engine: Engine) -> bool:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database:
        return False
    return database != ":memory:" and not str(database).startswith("file:")


def _sqlite_migration_engine(engine: Engine) -> Engine:
    """A second engine on the same file whose transactions are real and take the write lock.

    Python's sqlite3 module runs DDL outside transactions by default; here the driver is put in
    autocommit mode and every transaction starts with ``BEGIN IMMEDIATE``. Foreign keys stay off
    during migrations: SQLite's batch mode recreates tables, and dropping a referenced table
    with foreign keys on would cascade-delete rows.
    """
    migration_engine = create_engine(
        engine.url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, poolclass=NullPool
    )

    @event.listens_for(migration_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        ensure_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(migration_engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return migration_engine


@dataclass(frozen=True)
class Store:
    """An open store: the engine and a factory of sessions on it.

    ``with store.begin() as session:`` runs one transaction (commit on success, rollback on
    error). Repository functions never commit; the caller's transaction decides.
    """

    engine: Engine
    sessions: sessionmaker[Session]

    def session(self) -> Session:
        """A new session; the caller commits and closes it (use it in a ``with`` block)."""
        return self.sessions()

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A session inside one transaction, committed when the block ends without error."""
        with self.sessions.begin() as session:
            yield session

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_store(settings: Settings, *, migrate: bool = True, **engine_kwargs: Any) -> Store:
    """Open the store of ``settings``: create the SQLite file if needed, migrate, connect.

    A new SQLite database file (and its directory, if missing) is created private to the
    user (0600 / 0700): it holds customer addresses and encrypted credentials.
    """
    engine = create_engine_for(settings.database_url, **engine_kwargs)
    if _is_sqlite_file(engine):
        _create_private_file(Path(str(engine.url.database)))
    if migrate:
        upgrade(engine)
    return Store(engine=engine, sessions=session_factory(engine))


def _create_private_file(path: Path) -> None:
    directory = path.absolute().parent
    if not directory.exists():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        directory.chmod(0o700)
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)
