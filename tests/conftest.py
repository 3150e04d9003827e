"""Fixtures shared by the whole suite: an isolated environment and databases to test against.

Every test runs with the ``ORDERBRIDGE_*`` variables cleared and ``ORDERBRIDGE_HOME`` pointing
into its own temporary directory, so nothing touches ``~/.orderbridge``. Store tests run on both
SQLite (a temporary file) and PostgreSQL (the local server, user ``postgres``, trust auth).
Without a reachable PostgreSQL the PostgreSQL half is skipped, or fails when ``CI=true``.

- ``sqlite_url`` / ``postgres_url`` / ``db_url``: an empty database (PostgreSQL: a new database
  ``ob_test_<hex>``, dropped after the test); use them to test migrations.
- ``store_url`` / ``settings`` / ``store``: a database to use through the store. PostgreSQL
  databases take a while to create, so these share one migrated database per session and empty
  every table (``TRUNCATE ... RESTART IDENTITY``) before each test.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet
from hypothesis import settings as hypothesis_settings
from psycopg import sql

from orderbridge.settings import Settings
from orderbridge.store import Store, open_store, upgrade
from orderbridge.store.tables import metadata

POSTGRES_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_URL_TEMPLATE = "postgresql+psycopg://postgres@127.0.0.1:5432/{database}"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("ORDERBRIDGE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ORDERBRIDGE_HOME", str(tmp_path / "orderbridge-home"))


@cache
def _postgres_problem() -> str | None:
    try:
        with psycopg.connect(POSTGRES_ADMIN_DSN, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL is not reachable at {POSTGRES_ADMIN_DSN}: {error}".strip()


def _require_postgres() -> None:
    problem = _postgres_problem()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{problem} (CI=true: PostgreSQL tests must run)")
    pytest.skip(problem)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """The URL of a SQLite database file in the test's temporary directory (not created)."""
    return f"sqlite:///{tmp_path / 'orderbridge.sqlite3'}"


@contextmanager
def _fresh_postgres_database() -> Iterator[str]:
    _require_postgres()
    database = f"ob_test_{secrets.token_hex(6)}"
    with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    try:
        yield POSTGRES_URL_TEMPLATE.format(database=database)
    finally:
        with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped after the test."""
    with _fresh_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """An empty database; each test using it runs twice: on SQLite and on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture(scope="session")
def _shared_postgres_url() -> Iterator[str]:
    with _fresh_postgres_database() as url:
        upgrade(url)
        yield url


@pytest.fixture
def migrated_postgres_url(_shared_postgres_url: str) -> str:
    """A migrated PostgreSQL database with every table emptied (shared by the session)."""
    tables = sql.SQL(", ").join(sql.Identifier(table.name) for table in metadata.sorted_tables)
    dsn = _shared_postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(tables))
    return _shared_postgres_url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> str:
    """A database for store users, on SQLite and on PostgreSQL; empty, maybe already migrated."""
    fixture = "sqlite_url" if request.param == "sqlite" else "migrated_postgres_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def settings(tmp_path: Path, store_url: str) -> Settings:
    """Settings with a private home, the parametrized database and a fresh encryption key."""
    return Settings(
        home=tmp_path / "orderbridge-home",
        database_url=store_url,
        secret_key=Fernet.generate_key().decode(),
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """An open, migrated store on the parametrized database."""
    opened = open_store(settings)
    try:
        yield opened
    finally:
        opened.close()


# Fuzz tests explore new inputs on developers' machines; in CI they replay a fixed sequence so
# a run cannot fail on a case nobody has seen (found cases are kept in .hypothesis/).
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None,
                                     print_blob=True)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")
