"""A page of downloads in a few statements: references reserved, orders stored once, events."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from orderbridge.model import OrderStatus, OutboundState
from orderbridge.store import Store
from orderbridge.store.cust_refs import cust_ref_for, reserve_cust_ref, reserve_cust_refs
from orderbridge.store.orders import (
    DownloadedOrder,
    get_order_by_channel_id,
    insert_downloaded,
    load_canonical,
)
from orderbridge.store.tables import CustRef
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
        existing_id = insert_downloaded(session, integration_id,
                                        [_downloaded("100", "R-100")])["100"][0]
    page = [_downloaded("200", "R-200"), _downloaded("100", "R-X"),
            _downloaded("300", "R-300", None), _downloaded("200", "R-200")]
    with store.begin() as session:
        stored = insert_downloaded(session, integration_id, page, at=NOW)
    assert stored["100"] == (existing_id, False)
    assert stored["200"][1] and stored["300"][1]
    assert stored["200"][0] < stored["300"][0]  # ids follow the page order
    with store.begin() as session:
        new = get_order_by_channel_id(session, integration_id, "300")
        old = get_order_by_channel_id(session, integration_id, "100")
        assert new is not None and old is not None
        assert (new.status, new.outbound_state, new.version) == (
            OrderStatus.NEW, OutboundState.IDLE, 1)
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
        assert insert_downloaded(session, integration_id, []) == {}


def test_payload_values_survive_the_store(store: Store, integration_id: int) -> None:
    payload = houzz_payload("500", Note="Zoë 😀 \\u0000 \"quoted\"", Lines=[{"Qty": 2}],
                            Amount=Decimal("1.50"), When=NOW, Total=1e-7)
    with store.begin() as session:
        insert_downloaded(session, integration_id,
                          [DownloadedOrder("500", payload, canonical("500", "R-500"), None)],
                          at=NOW)
    with store.session() as session:
        order = get_order_by_channel_id(session, integration_id, "500")
        assert order is not None
        assert order.channel_payload["Amount"] == "1.50" and order.channel_payload["Total"] == 1e-7
        assert order.channel_payload["Note"] == payload["Note"]
        assert order.channel_payload["When"] == NOW.isoformat()
        raw = text("SELECT status, outbound_state, outbound_attempts FROM orders WHERE id = :id")
        assert tuple(session.execute(raw, {"id": order.id}).one()) == ("new", "idle", 0)
