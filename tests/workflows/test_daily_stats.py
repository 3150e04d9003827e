"""Orders per day and delivery latency per day, from real store rows (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from orderbridge.store import Store
from orderbridge.store.integrations import get_or_create_integration
from orderbridge.store.timeline import append_event
from orderbridge.workflows.daily_stats import (
    latency_per_day,
    median,
    orders_per_day,
    percentile,
    window_days,
)
from tests.store.factories import store_order

NOW = datetime(2024, 3, 30, 12, 0, tzinfo=UTC)


def test_orders_are_counted_on_the_day_they_were_placed(store: Store) -> None:
    with store.begin() as session:
        integration = get_or_create_integration(session).id
        other = get_or_create_integration(session, "other").id
        for number, placed in enumerate([NOW, NOW - timedelta(hours=1), NOW - timedelta(days=2),
                                         NOW - timedelta(days=29, hours=11),  # first day
                                         NOW - timedelta(days=31)]):       # too old
            store_order(session, integration, f"H{number}", order_date=placed)
        store_order(session, other, "X1", order_date=NOW)
    with store.session() as session:
        days = orders_per_day(session, integration, NOW)
    assert len(days) == 30 and days[0][0] == date(2024, 3, 1) and days[-1][0] == date(2024, 3, 30)
    assert days[-1][1] == 2 and dict(days)[date(2024, 3, 28)] == 1 and days[0][1] == 1
    assert sum(count for _, count in days) == 4


def test_latency_is_download_to_delivery_per_day(store: Store) -> None:
    waits = [60, 120, 180, 240, 3600]
    with store.begin() as session:
        integration = get_or_create_integration(session).id
        for number, wait in enumerate(waits):
            downloaded = NOW - timedelta(hours=2)
            order_id, _ = store_order(session, integration, f"H{number}", at=downloaded)
            append_event(session, order_id, kind="delivered", message="Delivered",
                         at=downloaded + timedelta(seconds=wait))
        store_order(session, integration, "never-delivered", at=NOW)
    with store.session() as session:
        days = latency_per_day(session, integration, NOW)
    assert len(days) == 30 and all(day.median_s is None for day in days[:-1])
    today = days[-1]
    assert (today.delivered, today.median_s, today.p95_s) == (5, 180, 3600)


@pytest.mark.parametrize(("values", "middle", "p95"), [
    ([5], 5, 5), ([1, 2], 1.5, 2), ([3, 1, 2], 2, 3), (list(range(1, 101)), 50.5, 95)])
def test_median_and_nearest_rank_percentile(values: list[float], middle: float,
                                            p95: float) -> None:
    assert median(values) == middle and percentile(values, 0.95) == p95


def test_the_window_ends_today() -> None:
    assert window_days(date(2024, 1, 2), 3) == [date(2023, 12, 31), date(2024, 1, 1),
                                                date(2024, 1, 2)]
