"""The sweep's windows alone: every open order inside one, with its margin, and no window
wider than the bound allows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from orderbridge.workflows.cancellations.sweep_windows import plan_windows
from orderbridge.workflows.orders.download_window import Window

NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)
DAY = timedelta(days=1)


def test_no_open_order_means_no_window() -> None:
    assert plan_windows(None, [], now=NOW, max_days=60, margin=DAY) == []


def test_the_window_starts_a_margin_before_the_oldest_open_order() -> None:
    oldest = NOW - 10 * DAY
    assert plan_windows(oldest, [], now=NOW, max_days=60, margin=DAY) == [
        Window(oldest - DAY, NOW + DAY)]


def test_the_main_window_is_bounded() -> None:
    oldest = NOW - 90 * DAY
    assert plan_windows(oldest, [], now=NOW, max_days=30, margin=DAY) == [
        Window(NOW - 30 * DAY, NOW + DAY)]


def test_orders_past_the_bound_get_narrow_windows_merged_when_close() -> None:
    dates = [NOW - 100 * DAY, NOW - 99 * DAY, NOW - 200 * DAY, NOW - 30.5 * DAY]
    windows = plan_windows(min(dates), dates, now=NOW, max_days=30, margin=DAY)
    bound = NOW - 30 * DAY
    assert windows == [
        Window(NOW - 201 * DAY, NOW - 199 * DAY),
        Window(NOW - 101 * DAY, NOW - 98 * DAY),
        Window(NOW - 31.5 * DAY, bound),
        Window(bound, NOW + DAY),
    ]


def test_windows_that_just_touch_are_merged() -> None:
    dates = [NOW - 100 * DAY, NOW - 98 * DAY]  # ends and starts at NOW - 99 days
    assert plan_windows(min(dates), dates, now=NOW, max_days=30, margin=DAY)[:-1] == [
        Window(NOW - 101 * DAY, NOW - 97 * DAY)]


def test_a_straggler_inside_the_main_window_needs_none_of_its_own() -> None:
    oldest = NOW - 29 * DAY
    assert plan_windows(oldest, [oldest], now=NOW, max_days=30, margin=DAY) == [
        Window(NOW - 30 * DAY, NOW + DAY)]


@given(ages=st.lists(st.floats(0, 400), min_size=1, max_size=8),
       max_days=st.floats(1, 120), margin_h=st.floats(0, 72))
def test_every_open_order_is_in_a_window(ages: list[float], max_days: float,
                                         margin_h: float) -> None:
    margin = timedelta(hours=margin_h)
    dates = [NOW - timedelta(days=age) for age in ages]
    windows = plan_windows(min(dates), dates, now=NOW, max_days=max_days, margin=margin)
    *narrow, main = windows
    assert main.start == max(min(dates) - margin, NOW - timedelta(days=max_days))
    assert main.end == NOW + DAY
    for date in dates:  # each order read, and the margin before it (maybe by two windows)
        for moment in (date - margin, date - margin / 2, date):
            assert any(w.start <= moment <= w.end for w in windows), (date, moment)
    assert all(a.end < b.start for a, b in zip(narrow, narrow[1:], strict=False))
    assert all(w.start <= w.end <= main.start for w in narrow)
