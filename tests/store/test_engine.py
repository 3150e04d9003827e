"""Engines: SQLite tuned for an embedded hub, PostgreSQL URLs sent to psycopg 3."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text

from orderbridge.store import Store, create_engine_for
from orderbridge.store.engine import json_dumps, normalize_url


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(sqlite_url: str) -> None:
    engine = create_engine_for(sqlite_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
    finally:
        engine.dispose()


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_bare_postgresql_urls_use_psycopg_3(scheme: str) -> None:
    url = normalize_url(f"{scheme}://user@db.example:5432/orders")
    assert url.drivername == "postgresql+psycopg"
    assert url.host == "db.example" and url.database == "orders"
    assert normalize_url("postgresql+psycopg://x/y").drivername == "postgresql+psycopg"
    assert normalize_url("sqlite:///a.db").drivername == "sqlite"


def test_json_serializer_keeps_decimals_exact_and_dates_readable() -> None:
    encoded = json_dumps({"price": Decimal("10.10"), "at": datetime(2024, 1, 2, tzinfo=UTC)})
    assert json.loads(encoded) == {"price": "10.10", "at": "2024-01-02T00:00:00+00:00"}
    with pytest.raises(TypeError):
        json_dumps({"x": object()})


def test_store_sessions_keep_objects_readable_after_commit(store: Store) -> None:
    assert store.sessions.kw["expire_on_commit"] is False
    with store.session() as session:
        assert session.execute(text("SELECT 1")).scalar() == 1
