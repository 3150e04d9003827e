"""Migrations: they build exactly the tables the code declares, once, even when raced."""

from __future__ import annotations

import json
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

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
    "api_tokens",
    "audits",
    "buyers",
    "carrier_map",
    "credentials",
    "cursors",
    "cust_refs",
    "integration_settings",
    "integrations",
    "inventory_levels",
    "job_leases",
    "job_runs",
    "login_failures",
    "order_events",
    "orders",
    "qbc_webhook_deliveries",
    "qbc_webhook_subscriptions",
    "ship_method_map",
    "shipments",
    "sku_aliases",
    "users",
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
    assert current_revision(fresh_store.engine) == head_revision() == "0006"
    upgrade(fresh_store.engine)
    upgrade(db_url)
    assert current_revision(fresh_store.engine) == "0006"


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
        assert current_revision(engine) == head_revision()
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


def _at_revision(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_outbound_effects_are_named_for_existing_orders(db_url: str) -> None:
    """0002: the calls an 0001 store had in progress keep going, each under its own name."""
    engine = create_engine_for(db_url)
    try:
        _at_revision(engine, "0001")
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO integrations (id, name, paused, created_at) "
                "VALUES (1, 'm', false, CURRENT_TIMESTAMP)"))
            rows = [  # id, status, delivery_state, attempts, cancel_state, warehouse id
                (1, "new", "in_flight", 2, None, None),
                (2, "at_wms", "in_flight", 1, "requested", "91"),
                (3, "shipped", "in_flight", 1, None, "92"),
                (4, "at_wms", "in_flight", 1, "voided_in_qbc", "93"),
                (5, "confirmed", "done", 1, None, "94"),
                (6, "new", "idle", 0, None, None),
            ]
            for order_id, status, state, attempts, cancel, wid in rows:
                connection.execute(text(
                    "INSERT INTO orders (id, integration_id, channel_order_id, status, "
                    "channel_payload, delivery_state, delivery_attempts, cancel_state, "
                    "warehouse_order_id, created_at, updated_at, version) VALUES (:id, 1, :ch, "
                    ":status, '{}', :state, :attempts, :cancel, :wid, CURRENT_TIMESTAMP, "
                    "CURRENT_TIMESTAMP, 1)"),
                    {"id": order_id, "ch": f"H-{order_id}", "status": status, "state": state,
                     "attempts": attempts, "cancel": cancel, "wid": wid})
            connection.execute(text(
                "INSERT INTO order_events (order_id, at, kind, message, data) VALUES "
                "(3, CURRENT_TIMESTAMP, 'confirming', 'Sending tracking', :data)"),
                {"data": '{"request": {"shipping_method": "UPS", "tracking_numbers": ["1Z"]}}'})
        upgrade(engine)
        with engine.connect() as connection:
            found = connection.execute(text(
                "SELECT id, outbound_effect, outbound_state, outbound_attempts, outbound_request "
                "FROM orders ORDER BY id")).all()
        effects = [(row[0], row[1], row[2], row[3]) for row in found]
        assert effects == [(1, "delivery", "in_flight", 2), (2, "void", "in_flight", 1),
                           (3, "shipment_confirmation", "in_flight", 1),
                           (4, "channel_cancel", "in_flight", 1),
                           (5, "shipment_confirmation", "done", 1), (6, None, "idle", 0)]
        request = found[2][4]
        request = json.loads(request) if isinstance(request, str) else request
        assert request == {"shipping_method": "UPS", "tracking_numbers": ["1Z"]}
        assert all(row[4] is None for row in found if row[0] != 3)
    finally:
        engine.dispose()
