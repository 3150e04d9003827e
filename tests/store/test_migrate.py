"""Migrations: they build exactly the tables the code declares, once, even when raced."""

from __future__ import annotations

import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from orderbridge.settings import Settings
from orderbridge.store import Store, create_engine_for, open_store, upgrade
from orderbridge.store.migrate import alembic_config, current_revision, head_revision
from orderbridge.store.tables import metadata


@pytest.fixture
def fresh_store(db_url: str, tmp_path: Path) -> Iterator[Store]:
    """A store opened (and so migrated) on a new, empty database."""
    store = open_store(Settings(home=tmp_path, database_url=db_url))
    try:
        yield store
    finally:
        store.close()


TABLES = {
    "alembic_version",
    "alerts",
    "buyers",
    "carrier_map",
    "credentials",
    "cursors",
    "cust_refs",
    "integration_settings",
    "integrations",
    "inventory_levels",
    "order_events",
    "orders",
    "ship_method_map",
    "shipments",
    "sku_aliases",
    "warehouse_variants",
}


def test_the_migration_matches_the_declared_tables(fresh_store: Store) -> None:
    store = fresh_store
    with store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, metadata) == []
    assert set(inspect(store.engine).get_table_names()) == TABLES


def test_unique_constraints_are_the_ones_the_design_needs(fresh_store: Store) -> None:
    inspector = inspect(fresh_store.engine)
    orders = {tuple(c["column_names"]) for c in inspector.get_unique_constraints("orders")}
    assert orders == {("integration_id", "channel_order_id"), ("integration_id", "cust_ref")}
    refs = {tuple(c["column_names"]) for c in inspector.get_unique_constraints("cust_refs")}
    assert ("integration_id", "cust_ref") in refs


def test_upgrade_is_idempotent_and_reaches_head(fresh_store: Store, db_url: str) -> None:
    assert current_revision(fresh_store.engine) == head_revision() == "0001"
    upgrade(fresh_store.engine)
    upgrade(db_url)
    assert current_revision(fresh_store.engine) == "0001"


def test_downgrade_removes_everything_and_upgrade_rebuilds(db_url: str) -> None:
    engine = create_engine_for(db_url)
    try:
        upgrade(engine)
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) == TABLES
    finally:
        engine.dispose()


def test_processes_starting_together_migrate_once(db_url: str, tmp_path: Path) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def start() -> None:
        try:
            barrier.wait()
            open_store(Settings(home=tmp_path, database_url=db_url)).close()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    engine = create_engine_for(db_url)
    try:
        assert current_revision(engine) == "0001"
    finally:
        engine.dispose()


def test_a_new_sqlite_database_is_private(tmp_path: Path) -> None:
    database = tmp_path / "deep" / "dir" / "orders.sqlite3"
    store = open_store(Settings(home=tmp_path, database_url=f"sqlite:///{database}"))
    store.close()
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(database.stat().st_mode) == 0o600


def test_open_store_without_migrating_leaves_the_database_empty(sqlite_url: str) -> None:
    store = open_store(Settings(database_url=sqlite_url), migrate=False)
    try:
        assert inspect(store.engine).get_table_names() == []
    finally:
        store.close()


def test_an_in_memory_sqlite_database_can_be_migrated() -> None:
    store = open_store(Settings(database_url="sqlite://"))
    try:
        assert "orders" in inspect(store.engine).get_table_names()
    finally:
        store.close()
