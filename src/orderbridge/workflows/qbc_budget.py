"""How much of QuickBooks Commerce's rate budget (300 requests per 300 s per app and account)
the integration's jobs spent in the last window, read from the job history (`store.job_runs`).

A run that recorded its ``qbc_calls`` count is taken at its word. Older runs, and runs of a
runtime that does not record it, are estimated from the counts each job keeps, as a lower
bound: ``inventory`` one call per page of variants read (``pages``), ``deliver`` one call per
order delivered, found by lookup or retried, ``shipments`` one call per 250 fulfillments read,
``cancellations`` one call per order voided; ``download`` talks to Houzz only. Runs still going
are not in the history yet, so a window that holds a long run reads low.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from orderbridge.store import job_runs
from orderbridge.store.tables import JobRun

WINDOW_S = 300
ALLOWED = 300
EXACT_KEY = "qbc_calls"
"""The count a run records when it measured its QBC calls itself."""

HOW = ("QBC calls of the job runs that ended in the last 300 s: the count a run recorded, or, "
       "for a run that recorded none, the least its counts imply (a page of variants, an order "
       "delivered, looked up or retried, 250 fulfillments read, an order voided: one call "
       "each).")


def _number(counts: Mapping[str, Any], key: str) -> int:
    value = counts.get(key, 0)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


_ESTIMATES: dict[str, Callable[[Mapping[str, Any]], int]] = {
    "inventory": lambda c: _number(c, "pages"),
    "deliver": lambda c: _number(c, "delivered") + _number(c, "recovered")
    + _number(c, "retrying"),
    "shipments": lambda c: math.ceil(_number(c, "fulfillments") / 250),
    "cancellations": lambda c: _number(c, "voided"),
}


def qbc_calls_of(job: str, counts: Mapping[str, Any]) -> tuple[int, bool]:
    """The QBC calls of one run, and whether the run measured them (else: estimated)."""
    if EXACT_KEY in counts:
        return _number(counts, EXACT_KEY), True
    estimate = _ESTIMATES.get(job)
    return (0, True) if estimate is None else (estimate(counts), False)


@dataclass(frozen=True)
class Budget:
    used: int
    allowed: int = ALLOWED
    window_s: int = WINDOW_S
    estimated: bool = False
    """Some run's calls were estimated from its counts (a lower bound)."""
    runs: int = 0

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.allowed))


def budget_of(runs: Iterable[JobRun]) -> Budget:
    used, estimated, seen = 0, False, 0
    for run in runs:
        calls, exact = qbc_calls_of(run.job, run.counts or {})
        used += calls
        estimated = estimated or not exact
        seen += 1
    return Budget(used, estimated=estimated, runs=seen)


def budget_used(session: Session, integration_id: int, now: datetime) -> Budget:
    """The budget the integration's runs spent in the window that ends ``now``."""
    since = now - timedelta(seconds=WINDOW_S)
    return budget_of(job_runs.runs_finished_since(session, integration_id, since))


PER_HOUR = ALLOWED * 3600 // WINDOW_S
"""QBC's budget per hour for one app and account: 3,600 calls."""
RECENT_RUNS = 20


@dataclass(frozen=True)
class ScheduleCost:
    """What one job's schedule costs of the QBC budget, from its recent runs."""

    job: str
    every_s: float
    calls_per_run: float | None
    """The mean over the recent runs that measured their calls; None before any did."""

    @property
    def calls_per_hour(self) -> float | None:
        return None if self.calls_per_run is None else self.calls_per_run * 3600 / self.every_s

    @property
    def share(self) -> float | None:
        """The part of the hourly budget it takes (0.1 = 10 %)."""
        per_hour = self.calls_per_hour
        return None if per_hour is None else per_hour / PER_HOUR


def schedule_cost(session: Session, integration_id: int, job: str,
                  every_s: float) -> ScheduleCost:
    """The job's cost at ``every_s``, from its last ``RECENT_RUNS`` measured runs: what
    `orderbridge config show` prints so a schedule explains its budget use."""
    measured = [run.counts[EXACT_KEY] for run in
                job_runs.list_runs(session, integration_id, job, limit=RECENT_RUNS)
                if isinstance((run.counts or {}).get(EXACT_KEY), int)]
    mean = sum(measured) / len(measured) if measured else None
    return ScheduleCost(job, every_s, mean)
