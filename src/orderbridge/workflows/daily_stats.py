"""Orders per day and delivery latency per day, the dashboard's two charts, from the store.

Days are UTC calendar days, the last ``days`` of them ending today, every day present (a day
without orders is 0, a day without deliveries has no latency). Latency is the time from the
order's download to its delivery to the warehouse (the timeline's ``downloaded`` and
``delivered`` events), in seconds; per day, the median and the 95th percentile (nearest rank)
of the orders delivered that day.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from orderbridge.store import orders

DAYS = 30


@dataclass(frozen=True)
class DayLatency:
    day: date
    delivered: int
    median_s: float | None
    p95_s: float | None


def window_days(today: date, days: int = DAYS) -> list[date]:
    return [today - timedelta(days=back) for back in range(days - 1, -1, -1)]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def orders_per_day(session: Session, integration_id: int, now: datetime,
                   days: int = DAYS) -> list[tuple[date, int]]:
    """How many orders were placed on each of the last ``days`` days."""
    span = window_days(now.astimezone(UTC).date(), days)
    placed = Counter(at.astimezone(UTC).date() for at in orders.order_dates_since(
        session, integration_id, _start_of(span[0])))
    return [(day, placed.get(day, 0)) for day in span]


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of non-empty ``values`` (0 < fraction <= 1)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def latency_per_day(session: Session, integration_id: int, now: datetime,
                    days: int = DAYS) -> list[DayLatency]:
    """The delivery latency of the orders delivered on each of the last ``days`` days."""
    span = window_days(now.astimezone(UTC).date(), days)
    by_day: dict[date, list[float]] = defaultdict(list)
    for downloaded, delivered in orders.delivery_times_since(session, integration_id,
                                                             _start_of(span[0])):
        by_day[delivered.astimezone(UTC).date()].append(
            max(0.0, (delivered - downloaded).total_seconds()))
    return [DayLatency(day, len(values), median(values), percentile(values, 0.95))
            if (values := by_day.get(day)) else DayLatency(day, 0, None, None)
            for day in span]
