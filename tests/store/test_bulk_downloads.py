"""A page of downloads in a few statements: the same results as one call per order."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, text

from orderbridge.model import DeliveryState, OrderStatus
from orderbridge.store import Store
from orderbridge.store.cust_refs import cust_ref_for, reserve_cust_ref, reserve_cust_refs
from orderbridge.store.integrations import get_or_create_integration
from orderbridge.store.orders import (
    DownloadedOrder,
    get_order_by_channel_id,
    insert_downloaded,
    insert_downloaded_many,
    load_canonical,
)
from orderbridge.store.tables import CustRef, Order
from orderbridge.store.timeline import timeline
from tests.store.factories import canonical, houzz_payload

NOW = datetime(2024, 3, 2, 12, 0, tzinfo=UTC)


def _candidates(key: str) -> list[str]:
    """Every order proposes the tail of its id first, then the tail with a suffix."""
    return [key[-3:], f"{key[-3:]}-2", f"{key[-3:]}-3"]


def _downloaded(key: str, cust_ref: str, status: str | None = "Charged") -> DownloadedOrder:
    return DownloadedOrder(key, houzz_payload(key), canonical(key, cust_ref), status)


def test_a_page_of_references_matches_one_call_per_order(store: Store,
                                                         integration_id: int) -> None:
    with store.begin() as session:
        assert reserve_cust_ref(session, integration_id, "9000123", ["123"]) == "123"
    with store.begin() as session:
        # 1000123 and 2000123 share their first candidate: the first in the page wins it
        found = reserve_cust_refs(session, integration_id,
                                  ["1000456", "1000123", "2000123", "9000123", "1000456"],
                                  _candidates, at=NOW)
    assert found == {"1000456": "456", "1000123": "123-2", "2000123": "123-3",
                     "9000123": "123"}
    with store.begin() as session:
        assert cust_ref_for(session, integration_id, "2000123") == "123-3"
        assert reserve_cust_refs(session, integration_id, ["2000123"], _candidates) == {
            "2000123": "123-3"}  # kept, never re-reserved
        count = session.scalar(select(func.count()).select_from(CustRef))
    assert count == 4


def test_a_page_of_references_checks_candidates(store: Store, integration_id: int) -> None:
    with store.begin() as session, pytest.raises(ValueError, match="1-64 characters"):
        reserve_cust_refs(session, integration_id, ["1"], lambda key: ["R" * 65])
    with store.begin() as session:
        assert reserve_cust_refs(session, integration_id, [], _candidates) == {}


def test_a_page_of_orders_is_stored_once_with_its_events(store: Store,
                                                         integration_id: int) -> None:
    with store.begin() as session:
        existing, _ = insert_downloaded(session, integration_id, channel_order_id="100",
                                        channel_payload=houzz_payload("100"),
                                        canonical=canonical("100", "R-100"))
        existing_id = existing.id
    page = [_downloaded("200", "R-200"), _downloaded("100", "R-X"),
            _downloaded("300", "R-300", None), _downloaded("200", "R-200")]
    with store.begin() as session:
        stored = insert_downloaded_many(session, integration_id, page, at=NOW)
    assert stored["100"] == (existing_id, False)
    assert stored["200"][1] and stored["300"][1]
    assert stored["200"][0] < stored["300"][0]  # ids follow the page order
    with store.begin() as session:
        new = get_order_by_channel_id(session, integration_id, "300")
        old = get_order_by_channel_id(session, integration_id, "100")
        assert new is not None and old is not None
        assert (new.status, new.delivery_state, new.version) == (
            OrderStatus.NEW, DeliveryState.IDLE, 1)
        assert new.cust_ref == "R-300" and new.created_at == NOW
        assert load_canonical(new) == canonical("300", "R-300")
        assert old.cust_ref == "R-100"  # a stored order is left untouched
        events = timeline(session, new.id)
        assert [(e.kind, e.message, e.data, e.at) for e in events] == [
            ("downloaded", "Downloaded from the channel (status unknown)",
             {"channel_order_id": "300", "channel_status": None}, NOW)]
        assert len(timeline(session, stored["200"][0])) == 1
        assert len(timeline(session, existing_id)) == 1  # only its own first event


def test_storing_an_empty_page_does_nothing(store: Store, integration_id: int) -> None:
    with store.begin() as session:
        assert insert_downloaded_many(session, integration_id, []) == {}


def _columns(order: Order) -> dict[str, Any]:
    skip = {"id", "integration_id"}
    return {column.key: getattr(order, column.key) for column in Order.__table__.columns
            if column.key not in skip}


@pytest.mark.parametrize("status", ["Charged", None])
def test_a_page_stores_what_one_call_per_order_stores(store: Store, integration_id: int,
                                                      status: str | None) -> None:
    payload = houzz_payload("500", Note="Zoë 😀 \\u0000 \"quoted\"", Lines=[{"Qty": 2}],
                            Amount=Decimal("1.50"), When=NOW, Total=1e-7)
    order = canonical("500", "R-500")
    with store.begin() as session:
        other_id = get_or_create_integration(session, "other").id
        insert_downloaded(session, integration_id, channel_order_id="500",
                          channel_payload=payload, channel_status=status,
                          order_date=order.order_date, canonical=order, at=NOW)
        insert_downloaded_many(session, other_id, [DownloadedOrder("500", payload, order, status)],
                               at=NOW)
    with store.session() as session:
        one = get_order_by_channel_id(session, integration_id, "500")
        page = get_order_by_channel_id(session, other_id, "500")
        assert one is not None and page is not None
        assert _columns(page) == _columns(one)
        assert page.channel_payload["Amount"] == "1.50" and page.channel_payload["Total"] == 1e-7
        assert [(e.kind, e.message, e.data, e.at) for e in timeline(session, page.id)] == [
            (e.kind, e.message, e.data, e.at) for e in timeline(session, one.id)]
        # as the database holds them too (SQLite compares its datetimes as text)
        raw = text("SELECT cust_ref, status, order_date, delivery_state, delivery_attempts, "
                   "created_at, updated_at, version FROM orders WHERE id = :id")
        assert session.execute(raw, {"id": page.id}).one() == session.execute(
            raw, {"id": one.id}).one()
        raw_events = text("SELECT kind, at FROM order_events WHERE order_id = :id")
        assert session.execute(raw_events, {"id": page.id}).all() == session.execute(
            raw_events, {"id": one.id}).all()
