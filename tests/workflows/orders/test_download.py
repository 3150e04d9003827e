"""Payloads the databases or the canonical model could choke on are stored, on both databases,
and held with a reason a person can read."""

from __future__ import annotations

from typing import Any

import pytest

from orderbridge.model import OrderStatus
from orderbridge.sandbox.launcher import SandboxPair
from orderbridge.settings import Settings
from orderbridge.store import Store, orders
from orderbridge.store.tables import Order
from orderbridge.workflows.orders.download import DownloadResult, store_page
from tests.workflows.conftest import connect

GOOD_ADDRESS = {"Address": "1 Main St", "City": "Austin", "State": "TX", "Zip": "78701"}


def _store(store: Store, settings: Settings, pair: SandboxPair,
           page: list[Any]) -> tuple[DownloadResult, list[Order]]:
    ctx = connect(store, settings, pair)
    result = DownloadResult()
    with ctx.store.begin() as session:
        store_page(ctx, session, page, result)
    with ctx.store.session() as session:
        return result, orders.list_orders(session, ctx.integration_id)


def test_lone_surrogates_are_stored_on_every_database(
        store: Store, settings: Settings, pair: SandboxPair) -> None:
    order = {"OrderId": "1656-9927\ud800", "Status": "Charged", "CustomerName": "Ada\udfff L",
             "Created": "2026-11-27 10:00:00", "Address": GOOD_ADDRESS,
             "OrderItems": [{"SKU": "A", "Quantity": 1, "Price": "5.00"}],
             "Note\ud83d": ["\ud800"]}
    result, [stored] = _store(store, settings, pair, [order])
    assert result.new == 1
    assert stored.channel_order_id == "1656-9927\ufffd"
    assert stored.channel_payload["Note\ufffd"] == ["\ufffd"]
    canonical = orders.load_canonical(stored)
    assert canonical is not None and canonical.ship_to.first_name == "Ada\ufffd"


@pytest.mark.parametrize(("item", "reason"), [
    ({"SKU": "A", "Quantity": 2, "Price": 1.7976931348623157e308}, "price"),
    ({"SKU": "A", "Quantity": "1e999999", "Price": "5"}, "quantity '1e999999'"),
])
def test_absurd_amounts_hold_the_order(store: Store, settings: Settings, pair: SandboxPair,
                                       item: dict[str, Any], reason: str) -> None:
    order = {"OrderId": "1111-2222-3333-4444", "Status": "Charged", "CustomerName": "Ada L",
             "Created": "2026-11-27 10:00:00", "Address": GOOD_ADDRESS, "OrderItems": [item]}
    result, [stored] = _store(store, settings, pair, [order])
    assert (result.new, result.held) == (1, 1)
    assert stored.status is OrderStatus.HELD
    assert stored.hold_reason is not None and reason in stored.hold_reason


def test_a_date_past_the_calendar_holds_the_order(store: Store, settings: Settings,
                                                  pair: SandboxPair) -> None:
    order = {"OrderId": "1111-2222-3333-4444", "Status": "Charged", "CustomerName": "Ada L",
             "Created": "9999-12-31 23:59:59", "Address": GOOD_ADDRESS,
             "OrderItems": [{"SKU": "A", "Quantity": 1, "Price": "5.00"}]}
    _, [stored] = _store(store, settings, pair, [order])
    assert stored.status is OrderStatus.HELD
    assert stored.hold_reason is not None and "Created" in stored.hold_reason
