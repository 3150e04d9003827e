"""Delivery's row reads and writes: locked re-reads, version-checked updates, due ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm.exc import StaleDataError

from orderbridge.model import DeliveryState, OrderStatus
from orderbridge.store import Store
from orderbridge.store.delivery_rows import due_ids, lock_row, update_row
from orderbridge.store.orders import DownloadedOrder, get_order, insert_downloaded_many
from tests.store.factories import canonical, houzz_payload

NOW = datetime(2024, 3, 2, 12, 0, tzinfo=UTC)


def _store(store: Store, integration_id: int, *keys: str) -> list[int]:
    with store.begin() as session:
        stored = insert_downloaded_many(session, integration_id, [
            DownloadedOrder(key, houzz_payload(key), canonical(key, f"R-{key}"))
            for key in keys], at=NOW)
    return [stored[key][0] for key in keys]


def test_a_row_is_read_and_updated_with_its_version(store: Store, integration_id: int) -> None:
    (order_id,) = _store(store, integration_id, "1")
    with store.begin() as session:
        assert lock_row(session, order_id + 100) is None
        row = lock_row(session, order_id)
        assert row is not None
        assert (row.status, row.delivery_state, row.version, row.cust_ref) == (
            OrderStatus.NEW, DeliveryState.IDLE, 1, "R-1")
        assert row.canonical == canonical("1", "R-1").model_dump(mode="json")
        update_row(session, row, {"delivery_state": DeliveryState.IN_FLIGHT,
                                  "idempotency_key": "k", "next_attempt_at": None})
    with store.begin() as session:
        order = get_order(session, order_id)
        assert order is not None
        assert (order.delivery_state, order.idempotency_key, order.version) == (
            DeliveryState.IN_FLIGHT, "k", 2)
        assert order.updated_at > NOW  # the column's onupdate still applies


def test_an_update_from_a_stale_read_is_refused(store: Store, integration_id: int) -> None:
    (order_id,) = _store(store, integration_id, "1")
    with store.begin() as session:
        stale = lock_row(session, order_id)
        assert stale is not None
        update_row(session, stale, {"last_error": "first"})
    with store.begin() as session, pytest.raises(StaleDataError):
        update_row(session, stale, {"last_error": "second"})
    with store.begin() as session:
        order = get_order(session, order_id)
        assert order is not None and order.last_error == "first"


def test_due_ids_are_the_due_orders_oldest_first(store: Store, integration_id: int) -> None:
    first, later, third = _store(store, integration_id, "1", "2", "3")
    with store.begin() as session:
        row = lock_row(session, later)
        assert row is not None
        update_row(session, row, {"next_attempt_at": NOW + timedelta(minutes=5)})
    with store.session() as session:
        assert due_ids(session, integration_id, OrderStatus.NEW, NOW) == [first, third]
        assert due_ids(session, integration_id, OrderStatus.NEW, NOW + timedelta(hours=1),
                       limit=2) == [first, later]
        assert due_ids(session, integration_id, OrderStatus.HELD, NOW) == []
