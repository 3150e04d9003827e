"""A paged read that would never end is stopped, and says why."""

from __future__ import annotations

import pytest

from orderbridge.connectors.paging import PageGuard
from orderbridge.errors import RemoteError


def test_the_same_page_twice_stops_the_read() -> None:
    guard = PageGuard("Remote", "GET /things")
    guard.check([{"id": 1}, {"id": 2}], "page 1")
    guard.check([{"id": 2}, {"id": 3}], "page 2")  # overlapping pages are fine
    with pytest.raises(RemoteError, match="same page again at page 3"):
        guard.check([{"id": 2}, {"id": 3}], "page 3")


def test_empty_pages_never_count_as_repeats() -> None:
    guard = PageGuard("Remote", "GET /things")
    guard.check([], "page 1")
    guard.check([], "page 2")


def test_more_pages_than_the_maximum_stop_the_read() -> None:
    guard = PageGuard("Remote", "GET /things", max_pages=3)
    for number in range(1, 4):
        guard.check([number], f"page {number}")
    with pytest.raises(RemoteError, match="stopped after 3 pages"):
        guard.check([4], "page 4")
