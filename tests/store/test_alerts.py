"""Alerts: raised once while active, listed newest first, resolved by id or in bulk."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete

from orderbridge.store import Store
from orderbridge.store.alerts import add_alert, list_alerts, resolve_alert, resolve_alerts
from orderbridge.store.integrations import get_or_create_integration
from orderbridge.store.tables import Order
from tests.store.factories import store_order

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def _order(store: Store, integration_id: int, channel_order_id: str) -> int:
    with store.begin() as session:
        return store_order(session, integration_id, channel_order_id)[0]


def test_the_same_active_alert_is_raised_once(store: Store, integration_id: int) -> None:
    order_id = _order(store, integration_id, "1")
    with store.begin() as session:
        first = add_alert(
            session, integration_id, kind="unknown_sku", message="SKU X", order_id=order_id, at=T0
        )
        again = add_alert(
            session, integration_id, kind="unknown_sku", message="SKU X and Y", order_id=order_id
        )
        assert again.id == first.id
        other_kind = add_alert(session, integration_id, kind="paused", message="QBC 401")
        assert other_kind.id != first.id
    with store.begin() as session:
        alerts = list_alerts(session, integration_id)
        assert [(a.kind, a.message) for a in alerts] == [
            ("paused", "QBC 401"),
            ("unknown_sku", "SKU X and Y"),
        ]
        assert alerts[1].created_at == T0


def test_resolve_one_then_a_new_alert_can_be_raised(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        alert = add_alert(session, integration_id, kind="paused", message="QBC 401")
        assert resolve_alert(session, alert.id, at=T0) is True
        assert resolve_alert(session, alert.id) is False
        assert resolve_alert(session, 999_999) is False
        assert list_alerts(session, integration_id) == []
        everything = list_alerts(session, integration_id, active_only=False)
        assert [a.resolved_at for a in everything] == [T0]
        assert add_alert(session, integration_id, kind="paused", message="again").id != alert.id


def test_resolve_in_bulk_by_order_and_kind(store: Store, integration_id: int) -> None:
    first, second = _order(store, integration_id, "1"), _order(store, integration_id, "2")
    with store.begin() as session:
        add_alert(session, integration_id, kind="unknown_sku", message="a", order_id=first)
        add_alert(session, integration_id, kind="bad_address", message="b", order_id=first)
        add_alert(session, integration_id, kind="unknown_sku", message="c", order_id=second)
        assert resolve_alerts(session, integration_id, order_id=first, kind="unknown_sku") == 1
        assert [a.message for a in list_alerts(session, integration_id, order_id=first)] == ["b"]
        assert resolve_alerts(session, integration_id) == 2
        assert list_alerts(session, integration_id) == []


def test_alerts_of_every_integration_can_be_listed(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        other = get_or_create_integration(session, "other").id
        add_alert(session, integration_id, kind="k", message="mine")
        add_alert(session, other, kind="k", message="theirs")
        assert {a.message for a in list_alerts(session)} == {"mine", "theirs"}
        assert [a.message for a in list_alerts(session, other)] == ["theirs"]


def test_an_alert_outlives_its_deleted_order(store: Store, integration_id: int) -> None:
    order_id = _order(store, integration_id, "1")
    with store.begin() as session:
        add_alert(session, integration_id, kind="k", message="m", order_id=order_id)
    with store.begin() as session:
        session.execute(delete(Order).where(Order.id == order_id))
    with store.begin() as session:
        [alert] = list_alerts(session, integration_id)
        assert alert.order_id is None
