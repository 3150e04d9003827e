"""Which Houzz orders one download reads: the window of `Created` times and the page starts.

Pure functions, so every rule is testable alone:
- windows overlap: each poll starts `overlap_hours` before the previous poll's start and asks
  up to a day past now, so a time-zone mistake or clock skew cannot lose an order (Houzz times
  carry no zone; reference §8); re-read orders are deduplicated by OrderId;
- the first poll reads open orders created in the last `initial_import_days`, or since
  `earliest_order_date` (midnight in the Houzz zone) when that is set;
- pages overlap too: the next page starts `PAGE_OVERLAP` orders before the end of the previous
  one, so an order leaving the status filter between two page reads cannot shift another out
  of sight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PAGE_OVERLAP = 5
LOOK_AHEAD = timedelta(days=1)


@dataclass(frozen=True)
class Window:
    """A range of Houzz `Created` times (aware datetimes)."""

    start: datetime
    end: datetime


def download_window(cursor: datetime | None, now: datetime, *, overlap_hours: float,
                    earliest_order_date: date | None, initial_import_days: int,
                    zone: ZoneInfo) -> Window:
    """The window of this poll; ``cursor`` is when the last complete poll started."""
    if cursor is not None:
        start = cursor - timedelta(hours=overlap_hours)
    elif earliest_order_date is not None:
        start = datetime.combine(earliest_order_date, time(), tzinfo=zone)
    else:
        start = now - timedelta(days=initial_import_days)
    return Window(start, now + LOOK_AHEAD)


def next_page_start(start: int, page_size: int) -> int:
    """Where the page after the one at ``start`` begins (overlapping it by PAGE_OVERLAP)."""
    return start + max(page_size - PAGE_OVERLAP, 1)
