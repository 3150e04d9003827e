"""Cursors move only with the transaction that stores what was read."""

from __future__ import annotations

from orderbridge.store import Store
from orderbridge.store.cursors import get_cursor, set_cursor
from orderbridge.store.integrations import get_or_create_integration


def test_get_set_and_replace(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        assert get_cursor(session, integration_id, "orders") is None
        set_cursor(session, integration_id, "orders", "2024-03-01T00:00:00Z")
    with store.begin() as session:
        set_cursor(session, integration_id, "orders", "2024-03-02T00:00:00Z")
        set_cursor(session, integration_id, "variants", "page-3")
    with store.begin() as session:
        assert get_cursor(session, integration_id, "orders") == "2024-03-02T00:00:00Z"
        assert get_cursor(session, integration_id, "variants") == "page-3"


def test_a_rolled_back_transaction_does_not_move_the_cursor(
    store: Store, integration_id: int
) -> None:
    with store.begin() as session:
        set_cursor(session, integration_id, "orders", "a")
    with store.session() as session:
        set_cursor(session, integration_id, "orders", "b")
        session.rollback()
    with store.begin() as session:
        assert get_cursor(session, integration_id, "orders") == "a"


def test_cursors_are_per_integration(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        other = get_or_create_integration(session, "other").id
        set_cursor(session, integration_id, "orders", "mine")
        assert get_cursor(session, other, "orders") is None
