"""The download window and page starts alone (the download job's reads are checked against
the Houzz call log in test_download_paging)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from orderbridge.connectors.houzz.client import houzz_time
from orderbridge.workflows.orders.download_window import (
    LOOK_AHEAD,
    PAGE_OVERLAP,
    Window,
    download_window,
    next_page_start,
)

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
PACIFIC = ZoneInfo("America/Los_Angeles")


def window(cursor: datetime | None, **given_: object) -> Window:
    options: dict[str, object] = {"overlap_hours": 24, "earliest_order_date": None,
                                  "initial_import_days": 14, "zone": PACIFIC, **given_}
    return download_window(cursor, NOW, **options)  # type: ignore[arg-type]


def test_a_later_poll_starts_the_overlap_before_the_last_one() -> None:
    last = NOW - timedelta(minutes=5)
    assert window(last, overlap_hours=6) == Window(last - timedelta(hours=6), NOW + LOOK_AHEAD)
    assert window(last, overlap_hours=0).start == last


def test_the_first_poll_reads_the_initial_import_days() -> None:
    assert window(None, initial_import_days=3) == Window(NOW - timedelta(days=3),
                                                         NOW + timedelta(days=1))
    assert window(None, initial_import_days=0).start == NOW


def test_an_earliest_date_starts_at_its_midnight_in_the_houzz_zone() -> None:
    start = window(None, earliest_order_date=date(2026, 11, 1)).start
    assert start == datetime(2026, 11, 1, 0, 0, tzinfo=PACIFIC)
    assert start.astimezone(UTC) == datetime(2026, 11, 1, 7, 0, tzinfo=UTC)
    # once a poll is done, the cursor decides, not the earliest date
    assert window(NOW, earliest_order_date=date(2026, 11, 1)).start == NOW - timedelta(days=1)


def test_pages_overlap_by_a_few_orders() -> None:
    assert PAGE_OVERLAP == 5
    assert [next_page_start(start, 100) for start in (0, 95, 190)] == [95, 190, 285]
    assert next_page_start(0, 5) == 1 and next_page_start(7, 3) == 8  # always forward


@given(start=st.integers(0, 10_000), size=st.integers(1, 1000))
def test_the_next_page_overlaps_the_last_and_moves_on(start: int, size: int) -> None:
    following = next_page_start(start, size)
    assert start < following <= start + size  # no gap, never stuck
    assert following == start + max(size - PAGE_OVERLAP, 1)


def houzz_from(overlap_hours: float, cursor: datetime) -> str:
    """The `From` Houzz gets for the poll after the one that started at `cursor`: a zone-less
    wall time in the Houzz zone, which Houzz compares with the zone-less `Created` it keeps."""
    start = window(cursor, overlap_hours=overlap_hours).start
    return houzz_time(start, PACIFIC)


def test_less_than_an_hour_of_overlap_loses_an_order_of_the_repeated_fall_back_hour() -> None:
    """Why `window_overlap_hours` is at least 1. The window is computed in UTC, exactly; but
    Houzz is asked in wall time, and on 2026-11-01 Los Angeles lives 01:00-02:00 twice (PDT,
    then PST). The last poll started at 01:10 PST; a buyer ordered at 01:20 PST, just after
    it, so only the next poll can see the order, which Houzz writes as Created 01:20."""
    last_poll = datetime(2026, 11, 1, 9, 10, tzinfo=UTC)  # 01:10 PST, the second 01:10
    created = houzz_time(datetime(2026, 11, 1, 9, 20, tzinfo=UTC), PACIFIC)
    assert last_poll.astimezone(PACIFIC).fold == 1 and created == "2026-11-01 01:20:00"
    # Half an hour before 01:10 PST is 01:40 PDT: asked From 01:40, Houzz skips 01:20.
    assert houzz_from(0.5, last_poll) == "2026-11-01 01:40:00" > created
    # An hour before is 01:10 PDT, the same wall time as the last poll: nothing after it lost.
    assert houzz_from(1, last_poll) == "2026-11-01 01:10:00" <= created
