"""Racing pages: overlapping pages of downloads stored at once keep every order once.

On PostgreSQL an `ON CONFLICT` on the channel order id alone does not cover the race on
`cust_ref`, another unique column: the download reserves references first, which is what
serialises two downloaders of the same orders, so this test does the same."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from orderbridge.store import Store
from orderbridge.store.cust_refs import reserve_cust_refs
from orderbridge.store.orders import DownloadedOrder, insert_downloaded_many
from orderbridge.store.tables import Order, OrderEvent
from tests.store.factories import canonical, houzz_payload
from tests.store.test_concurrency import THREADS, _race


def test_overlapping_pages_stored_at_once_keep_each_order_once(store: Store,
                                                               integration_id: int) -> None:
    def page(index: int) -> list[DownloadedOrder]:
        keys = [f"{n:04d}" for n in range(index * 3, index * 3 + 10)]  # overlaps its neighbours
        return [DownloadedOrder(key, houzz_payload(key), canonical(key, f"R-{key}"), "Charged")
                for key in keys]

    def download(index: int) -> dict[str, tuple[int, bool]]:
        # as the download job does: the page's references are reserved first, in the same
        # transaction (a second downloader of the same orders waits there for the first)
        downloaded = page(index)
        with store.begin() as session:
            reserve_cust_refs(session, integration_id, [o.channel_order_id for o in downloaded],
                              lambda key: [f"R-{key}"])
            return insert_downloaded_many(session, integration_id, downloaded)

    outcomes = _race(download)
    created = Counter(key for stored in outcomes for key, (_, new) in stored.items() if new)
    expected = {order.channel_order_id for index in range(THREADS) for order in page(index)}
    assert set(created) == expected and set(created.values()) == {1}
    ids = {key: order_id for stored in outcomes for key, (order_id, _) in stored.items()}
    assert all(stored[key][0] == ids[key] for stored in outcomes for key in stored)
    with store.begin() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == len(expected)
        assert session.scalar(select(func.count()).select_from(OrderEvent)) == len(expected)
