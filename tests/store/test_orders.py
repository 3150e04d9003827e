"""Orders: stored once, found by any id, paged, moved only along the lifecycle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from orderbridge.model import (
    Hold,
    HoldReason,
    InvalidTransitionError,
    OrderStatus,
    OutboundState,
)
from orderbridge.store import Store
from orderbridge.store.integrations import get_or_create_integration
from orderbridge.store.orders import (
    change_status,
    count_by_status,
    due_ids,
    find_order,
    get_order,
    get_order_by_channel_id,
    get_order_by_cust_ref,
    list_orders,
    load_canonical,
    store_canonical,
)
from orderbridge.store.tables import Order
from orderbridge.store.timeline import timeline
from tests.store.factories import ORDER_DATE, canonical, houzz_payload, store_order

NOW = datetime(2024, 3, 2, 12, 0, tzinfo=UTC)


def _insert(store: Store, integration_id: int, order_id: str, **kwargs: object) -> int:
    with store.begin() as session:
        return store_order(session, integration_id, order_id, **kwargs)[0]  # type: ignore[arg-type]


def test_a_downloaded_order_starts_new_with_nothing_outbound(store: Store,
                                                             integration_id: int) -> None:
    with store.begin() as session:
        order_id, created = store_order(
            session, integration_id, "100200300",
            payload=houzz_payload("100200300", Note="ünïcode"),
            order_date=datetime(2024, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=-8))),
            at=NOW)
        assert created is True
    with store.begin() as session:
        order = get_order(session, order_id)
        assert order is not None
        assert (order.status, order.outbound_effect, order.outbound_state) == (
            OrderStatus.NEW, None, OutboundState.IDLE)
        assert (order.outbound_attempts, order.version) == (0, 1)
        assert order.channel_payload == houzz_payload("100200300", Note="ünïcode")
        assert order.channel_status == "Charged"
        assert order.order_date == ORDER_DATE  # stored and returned as aware UTC
        assert order.created_at == order.updated_at == NOW
        events = timeline(session, order.id)
        assert [(e.kind, e.at, e.data) for e in events] == [
            ("downloaded", NOW, {"channel_order_id": "100200300", "channel_status": "Charged"})
        ]


def test_a_duplicate_download_returns_the_stored_order_untouched(
    store: Store, integration_id: int
) -> None:
    first = _insert(store, integration_id, "555", status="Charged")
    with store.begin() as session:
        again, created = store_order(session, integration_id, "555", payload={"changed": True},
                                     status="Shipped", cust_ref="R-OTHER")
        assert (again, created) == (first, False)
        order = get_order(session, first)
        assert order is not None and order.channel_status == "Charged"
        assert order.channel_payload == houzz_payload("555") and order.cust_ref == "R-555"
        assert len(timeline(session, first)) == 1
        assert len(session.scalars(select(Order)).all()) == 1


def test_the_same_channel_id_in_another_integration_is_another_order(
    store: Store, integration_id: int
) -> None:
    with store.begin() as session:
        other = get_or_create_integration(session, "other").id
    assert _insert(store, integration_id, "777") != _insert(store, other, "777")


def test_canonical_form_is_kept_exactly(store: Store, integration_id: int) -> None:
    order_id = _insert(store, integration_id, "900", cust_ref="HZ-900")
    with store.begin() as session:
        order = get_order(session, order_id)
        assert order is not None
        assert order.cust_ref == "HZ-900"
        loaded = load_canonical(order)
    assert loaded == canonical("900", "HZ-900")
    assert loaded is not None and str(loaded.items[0].extended_amount) == "20.50"
    assert loaded.computed_total == Decimal("31.55")


def test_store_canonical_refuses_a_mismatched_reference(store: Store,
                                                        integration_id: int) -> None:
    order_id = _insert(store, integration_id, "901")
    with store.begin() as session:
        order = get_order(session, order_id)
        assert order is not None
        changed = canonical("901", "R-901").model_copy(update={"ship_code": "EXPRESS"})
        store_canonical(order, changed)
    with store.begin() as session:
        order = get_order(session, order_id)
        assert order is not None and load_canonical(order) == changed
        with pytest.raises(ValueError, match="differs"):
            store_canonical(order, canonical("901", "OTHER"))


def test_find_an_order_by_any_of_its_ids(store: Store, integration_id: int) -> None:
    order_id = _insert(store, integration_id, "12345678", cust_ref="HZ-5678")
    with store.begin() as session:
        assert get_order_by_channel_id(session, integration_id, "12345678").id == order_id  # type: ignore[union-attr]
        assert get_order_by_cust_ref(session, integration_id, "HZ-5678").id == order_id  # type: ignore[union-attr]
        assert find_order(session, integration_id, "HZ-5678").id == order_id  # type: ignore[union-attr]
        assert find_order(session, integration_id, "12345678").id == order_id  # type: ignore[union-attr]
        assert find_order(session, integration_id, "nope") is None
        assert get_order(session, 10_000) is None


def _hold(session_store: Store, order_id: int) -> None:
    with session_store.begin() as session:
        order = get_order(session, order_id)
        assert order is not None
        change_status(
            session,
            order,
            OrderStatus.HELD,
            kind="held",
            message="SKU X is not in QuickBooks Commerce",
            hold=Hold(code=HoldReason.UNKNOWN_SKU, message="SKU X is not in QuickBooks Commerce"),
        )


def test_list_by_status_with_keyset_pages(store: Store, integration_id: int) -> None:
    ids = [_insert(store, integration_id, f"o-{n}") for n in range(5)]
    _hold(store, ids[1])
    _hold(store, ids[3])
    with store.begin() as session:
        page = list_orders(session, integration_id, status=OrderStatus.NEW, limit=2)
        assert [o.id for o in page] == [ids[0], ids[2]]
        page = list_orders(session, integration_id, status=OrderStatus.NEW, after_id=ids[2])
        assert [o.id for o in page] == [ids[4]]
        held = list_orders(session, integration_id, status=[OrderStatus.HELD, OrderStatus.AT_WMS])
        assert [o.id for o in held] == [ids[1], ids[3]]
        newest = list_orders(session, integration_id, newest_first=True, limit=2)
        assert [o.id for o in newest] == [ids[4], ids[3]]
        older = list_orders(session, integration_id, newest_first=True, after_id=ids[3])
        assert [o.id for o in older] == [ids[2], ids[1], ids[0]]
        counts = count_by_status(session, integration_id)
        assert counts[OrderStatus.NEW] == 3 and counts[OrderStatus.HELD] == 2
        assert counts[OrderStatus.CONFIRMED] == 0 and set(counts) == set(OrderStatus)


def test_due_ids_respect_the_retry_schedule(store: Store, integration_id: int) -> None:
    ids = [_insert(store, integration_id, f"d-{n}") for n in range(3)]
    with store.begin() as session:
        later = get_order(session, ids[1])
        earlier = get_order(session, ids[2])
        assert later is not None and earlier is not None
        later.next_attempt_at = NOW + timedelta(minutes=5)
        earlier.next_attempt_at = NOW - timedelta(minutes=5)
    with store.begin() as session:
        assert due_ids(session, integration_id, OrderStatus.NEW, NOW) == [ids[0], ids[2]]
        assert due_ids(session, integration_id, OrderStatus.NEW, NOW, limit=1) == [ids[0]]
        assert due_ids(session, integration_id, OrderStatus.NEW, NOW, after_id=ids[0]) == [
            ids[2]]
        assert due_ids(session, integration_id, OrderStatus.AT_WMS, NOW) == []


def test_hold_and_release_keep_the_hold_fields_right(store: Store, integration_id: int) -> None:
    order_id = _insert(store, integration_id, "h-1")
    _hold(store, order_id)
    with store.begin() as session:
        order = get_order(session, order_id)
        assert order is not None
        assert order.status is OrderStatus.HELD
        assert order.held_from_status is OrderStatus.NEW
        assert order.hold_reason_code is HoldReason.UNKNOWN_SKU
        assert order.hold_reason == "SKU X is not in QuickBooks Commerce"
        event = change_status(
            session,
            order,
            OrderStatus.NEW,
            kind="released",
            message="Alias added",
            data={"alias": "X"},
        )
        assert event.data == {"from": "held", "to": "new", "alias": "X"}
    with store.begin() as session:
        order = get_order(session, order_id)
        assert order is not None
        assert (order.status, order.held_from_status) == (OrderStatus.NEW, None)
        assert (order.hold_reason_code, order.hold_reason) == (None, None)
        kinds = [(e.kind, (e.data or {}).get("hold_reason")) for e in timeline(session, order_id)]
        assert kinds == [("downloaded", None), ("held", "unknown_sku"), ("released", None)]


def test_forbidden_moves_change_nothing(store: Store, integration_id: int) -> None:
    order_id = _insert(store, integration_id, "f-1")
    with store.begin() as session:
        order = get_order(session, order_id)
        assert order is not None
        with pytest.raises(InvalidTransitionError):
            change_status(session, order, OrderStatus.SHIPPED, kind="x", message="x")
        with pytest.raises(ValueError, match="needs a Hold"):
            change_status(session, order, OrderStatus.HELD, kind="x", message="x")
        with pytest.raises(ValueError, match="only goes with the held status"):
            change_status(
                session,
                order,
                OrderStatus.AT_WMS,
                kind="x",
                message="x",
                hold=Hold(code=HoldReason.OTHER, message="x"),
            )
        assert order.status is OrderStatus.NEW
        assert len(timeline(session, order_id)) == 1


def test_a_stale_copy_cannot_overwrite_a_newer_change(store: Store, integration_id: int) -> None:
    order_id = _insert(store, integration_id, "v-1")
    with store.session() as stale_session:
        stale = get_order(stale_session, order_id)
        assert stale is not None
        with store.begin() as session:
            fresh = get_order(session, order_id)
            assert fresh is not None
            change_status(session, fresh, OrderStatus.AT_WMS, kind="delivered", message="ok")
        assert fresh.version == 2
        stale.last_error = "from an old copy"
        with pytest.raises(StaleDataError):
            stale_session.commit()
