"""Which windows of Houzz `Created` times a cancellation sweep reads: a pure function.

The main window covers every open order, bounded by `cancel_sweep_max_days` so one forgotten
order cannot make every sweep read months of orders; each open order older than the bound (a
"straggler") gets a narrow window of its own (`Created` ± the margin), merged when they touch.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from orderbridge.workflows.orders.download_window import LOOK_AHEAD, Window


def plan_windows(oldest: datetime | None, stragglers: list[datetime], *, now: datetime,
                 max_days: float, margin: timedelta) -> list[Window]:
    """The windows that cover every open order: one main window bounded by `max_days`, plus a
    narrow window per straggler (`stragglers` = the open orders' dates older than the bound
    plus the margin), merged when they touch. Empty when nothing is open."""
    if oldest is None:
        return []
    main_start = max(oldest - margin, now - timedelta(days=max_days))
    narrow: list[Window] = []
    for date in sorted(d for d in stragglers if d - margin < main_start):
        start, end = date - margin, min(date + margin, main_start)
        if narrow and start <= narrow[-1].end:
            narrow[-1] = Window(narrow[-1].start, max(narrow[-1].end, end))
        else:
            narrow.append(Window(start, end))
    return [*narrow, Window(main_start, now + LOOK_AHEAD)]
