"""Racing writers: the same Houzz order downloaded by several connections at once is stored once.

Each thread has its own session (its own connection). A barrier releases them together; on
PostgreSQL the losers of ``INSERT ... ON CONFLICT DO NOTHING`` wait for the winner's commit, on
SQLite the write lock serialises them. Either way: one row, one "created", one timeline entry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import func, select

from orderbridge.store import Store
from orderbridge.store.cust_refs import reserve_cust_ref
from orderbridge.store.integrations import get_or_create_integration
from orderbridge.store.tables import CustRef, Integration, Order, OrderEvent
from tests.store.factories import store_order

T = TypeVar("T")
THREADS = 6


def _race(work: Callable[[int], T], threads: int = THREADS) -> list[T]:
    """Run ``work(i)`` in ``threads`` threads released together; re-raise any failure."""
    barrier = threading.Barrier(threads)
    results: list[T] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            result = work(index)
            with lock:
                results.append(result)
        except BaseException as error:  # collected and re-raised in the test thread
            with lock:
                errors.append(error)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    if errors:
        raise errors[0]
    assert len(results) == threads
    return results


def test_the_same_order_inserted_at_once_is_stored_once(store: Store, integration_id: int) -> None:
    for attempt in range(3):
        channel_order_id = f"race-{attempt}"

        def download(_: int, channel_order_id: str = channel_order_id) -> tuple[int, bool]:
            with store.begin() as session:
                return store_order(session, integration_id, channel_order_id)

        outcomes = _race(download)
        assert len({order_id for order_id, _ in outcomes}) == 1
        assert sorted(created for _, created in outcomes) == [False] * (THREADS - 1) + [True]
        with store.begin() as session:
            rows = session.scalar(
                select(func.count())
                .select_from(Order)
                .where(Order.channel_order_id == channel_order_id)
            )
            events = session.scalar(
                select(func.count())
                .select_from(OrderEvent)
                .where(OrderEvent.order_id == outcomes[0][0])
            )
        assert (rows, events) == (1, 1)


def test_racing_orders_never_share_a_reference(store: Store, integration_id: int) -> None:
    def reserve(index: int) -> str:
        with store.begin() as session:
            candidates = ["HZ-1", "HZ-1-2", *(f"HZ-1-{n}" for n in range(3, 20))]
            return reserve_cust_ref(session, integration_id, f"order-{index}", candidates)

    references = _race(reserve)
    assert len(set(references)) == THREADS
    with store.begin() as session:
        assert session.scalar(select(func.count()).select_from(CustRef)) == THREADS


def test_racing_setups_create_one_integration(store: Store) -> None:
    def create(_: int) -> int:
        with store.begin() as session:
            return get_or_create_integration(session, "racing").id

    assert len(set(_race(create))) == 1
    with store.begin() as session:
        assert session.scalar(select(func.count()).select_from(Integration)) == 1
