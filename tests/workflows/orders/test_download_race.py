"""Racing downloads: overlapping pages stored at once, through the download job's own
`store_page`, keep every order once (with one `downloaded` event and one reference).

On PostgreSQL an `ON CONFLICT` on the channel order id alone does not cover the race on
`cust_ref`, another unique column: `store_page` reserves the references first, in the same
transaction, which is what serialises two downloaders of the same orders."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select

from orderbridge.settings import Settings
from orderbridge.store import Store
from orderbridge.store.tables import CustRef, Order, OrderEvent
from orderbridge.workflows.context import open_context
from orderbridge.workflows.orders.download import DownloadResult, store_page
from tests.store.test_concurrency import THREADS, _race

ADDRESS = {"Address": "1 Main St", "City": "Austin", "State": "TX", "Zip": "78701"}


def _houzz_order(number: int) -> dict[str, Any]:
    return {"OrderId": f"1656-0000-0000-{number:04d}", "Status": "Charged",
            "CustomerName": f"Buyer {number}", "Created": "2026-11-27 10:00:00",
            "Address": ADDRESS, "OrderItems": [{"SKU": "A", "Quantity": 1, "Price": "5.00"}]}


def test_overlapping_pages_stored_at_once_keep_each_order_once(store: Store,
                                                               settings: Settings) -> None:
    ctx = open_context(store, settings, "race", create=True)

    def page(index: int) -> list[dict[str, Any]]:
        return [_houzz_order(n) for n in range(index * 3, index * 3 + 10)]  # overlapping

    def download(index: int) -> DownloadResult:
        result = DownloadResult()
        with store.begin() as session:
            store_page(ctx, session, page(index), result)
        return result

    results = _race(download)
    expected = {raw["OrderId"] for index in range(THREADS) for raw in page(index)}
    assert sum(result.new for result in results) == len(expected)
    assert sum(result.seen for result in results) == 10 * THREADS
    with store.session() as session:
        stored = Counter(session.scalars(select(Order.channel_order_id)))
        assert set(stored) == expected and set(stored.values()) == {1}
        assert session.scalar(select(func.count()).select_from(OrderEvent)) == len(expected)
        references = session.scalars(select(CustRef.cust_ref)).all()
        assert len(references) == len(set(references)) == len(expected)
