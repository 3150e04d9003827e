"""Delivery's row reads and writes: locked group re-reads, version-checked updates, due ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm.exc import StaleDataError

from orderbridge.model import DeliveryState, OrderStatus
from orderbridge.store import Store
from orderbridge.store.delivery_rows import DeliveryRow, due_ids, lock_rows, update_rows
from orderbridge.store.orders import DownloadedOrder, get_order, insert_downloaded_many
from tests.store.factories import canonical, houzz_payload

NOW = datetime(2024, 3, 2, 12, 0, tzinfo=UTC)


def _store(store: Store, integration_id: int, *keys: str) -> list[int]:
    with store.begin() as session:
        stored = insert_downloaded_many(session, integration_id, [
            DownloadedOrder(key, houzz_payload(key), canonical(key, f"R-{key}"))
            for key in keys], at=NOW)
    return [stored[key][0] for key in keys]


def _row(store: Store, order_id: int) -> DeliveryRow:
    with store.begin() as session:
        return lock_rows(session, [order_id])[order_id]


def test_rows_are_read_and_updated_with_their_versions(store: Store, integration_id: int) -> None:
    first, second = _store(store, integration_id, "1", "2")
    with store.begin() as session:
        rows = lock_rows(session, [second, first, second + 100])
        assert sorted(rows) == [first, second]  # a missing id is left out
        row = rows[first]
        assert (row.status, row.delivery_state, row.version, row.cust_ref) == (
            OrderStatus.NEW, DeliveryState.IDLE, 1, "R-1")
        assert row.canonical == canonical("1", "R-1").model_dump(mode="json")
        update_rows(session, [
            (rows[first], {"delivery_state": DeliveryState.IN_FLIGHT, "idempotency_key": "k1"}),
            (rows[second], {"delivery_state": DeliveryState.IN_FLIGHT, "idempotency_key": "k2"}),
        ])
    with store.begin() as session:
        for order_id, key in ((first, "k1"), (second, "k2")):
            order = get_order(session, order_id)
            assert order is not None
            assert (order.delivery_state, order.idempotency_key, order.version) == (
                DeliveryState.IN_FLIGHT, key, 2)
            assert order.updated_at > NOW  # the column's onupdate still applies
        assert lock_rows(session, []) == {}


def test_a_group_with_one_stale_read_is_refused_whole(store: Store, integration_id: int) -> None:
    first, second = _store(store, integration_id, "1", "2")
    stale, fresh = _row(store, first), _row(store, second)
    with store.begin() as session:
        update_rows(session, [(stale, {"last_error": "first"})])
    with pytest.raises(StaleDataError), store.begin() as session:
        update_rows(session, [(fresh, {"last_error": "second"}),
                              (stale, {"last_error": "second"})])
    assert [_row(store, first).version, _row(store, second).version] == [2, 1]
    with store.begin() as session:
        order = get_order(session, first)
        assert order is not None and order.last_error == "first"


def test_every_change_of_a_group_sets_the_same_columns(store: Store, integration_id: int) -> None:
    first, second = _store(store, integration_id, "1", "2")
    with store.begin() as session, pytest.raises(ValueError, match="same columns"):
        rows = lock_rows(session, [first, second])
        update_rows(session, [(rows[first], {"last_error": "x"}),
                              (rows[second], {"next_attempt_at": NOW})])


def test_due_ids_are_the_due_orders_oldest_first(store: Store, integration_id: int) -> None:
    first, later, third = _store(store, integration_id, "1", "2", "3")
    with store.begin() as session:
        row = lock_rows(session, [later])[later]
        update_rows(session, [(row, {"next_attempt_at": NOW + timedelta(minutes=5)})])
    with store.session() as session:
        assert due_ids(session, integration_id, OrderStatus.NEW, NOW) == [first, third]
        assert due_ids(session, integration_id, OrderStatus.NEW, NOW + timedelta(hours=1),
                       limit=2) == [first, later]
        assert due_ids(session, integration_id, OrderStatus.HELD, NOW) == []
