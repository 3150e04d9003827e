"""The timeline: append-only events with remote ids, oldest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from orderbridge.store import Store
from orderbridge.store.timeline import append_event, timeline
from tests.store.factories import store_order

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def test_events_come_back_in_time_order_with_their_data(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        order_id, _ = store_order(session, integration_id, "1", at=T0)
        append_event(
            session,
            order_id,
            kind="delivered",
            message="Delivered to QuickBooks Commerce as order 991",
            data={"qbc_order_id": 991, "idempotency_key": "ob-1"},
            at=T0 + timedelta(minutes=2),
        )
        event = append_event(
            session, order_id, kind="delivery_started", message="Sending", at=T0 + timedelta(1)
        )
        assert event.id is None  # written with the transaction, not before
        same_time = append_event(
            session, order_id, kind="note", message="same instant", at=T0 + timedelta(1)
        )
    with store.begin() as session:
        events = timeline(session, order_id)
    assert [e.kind for e in events] == ["downloaded", "delivered", "delivery_started", "note"]
    assert events[1].data == {"qbc_order_id": 991, "idempotency_key": "ob-1"}
    assert events[1].at == T0 + timedelta(minutes=2)
    assert events[3].id == same_time.id
    assert all(e.at.tzinfo is not None for e in events)


def test_an_order_without_events_has_an_empty_timeline(store: Store) -> None:
    with store.begin() as session:
        assert timeline(session, 12345) == []
