"""What the dashboard shows, read in one place so the page and the API agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from fastapi import Request
from markupsafe import Markup
from sqlalchemy.orm import Session

from orderbridge.model import OrderStatus
from orderbridge.store import alerts, integrations, job_runs, orders
from orderbridge.store.credentials import configured_connectors
from orderbridge.store.tables import Alert, Integration, JobRun
from orderbridge.store.tables.columns import utcnow
from orderbridge.web.charts import Series, bar_chart, duration, line_chart
from orderbridge.web.choice import chosen_integration
from orderbridge.workflows import daily_stats
from orderbridge.workflows.integration_config import config_from_rows
from orderbridge.workflows.qbc_budget import HOW, Budget, budget_used

JOB_SCHEDULES = {"download": "download_every_s", "deliver": "deliver_every_s",
                 "cancellations": "cancellations_every_s", "shipments": "shipments_every_s",
                 "inventory": "inventory_every_s",
                 "notify": "notify_every_s"}


@dataclass
class JobLine:
    job: str
    every_s: float
    last: JobRun | None
    next_at: datetime | None


@dataclass
class DashboardView:
    integration: Integration | None
    connected: list[str] = field(default_factory=list)
    jobs: list[JobLine] = field(default_factory=list)
    by_status: dict[str, int] = field(default_factory=dict)
    open_alerts: list[Alert] = field(default_factory=list)
    budget: Budget | None = None
    budget_how: str = HOW
    orders_chart: Markup | None = None
    orders_total: int = 0
    latency_chart: Markup | None = None
    delivered_total: int = 0


def dashboard_of(request: Request, session: Session) -> DashboardView:
    row = chosen_integration(request, session)
    if row is None:
        return DashboardView(None)
    now = utcnow()
    config = config_from_rows(integrations.all_settings(session, row.id))
    last = job_runs.last_runs(session, row.id)
    jobs = []
    for job, key in JOB_SCHEDULES.items():
        every = float(getattr(config, key))
        run = last.get(job)
        jobs.append(JobLine(job, every, run, None if run is None
                            else run.finished_at + timedelta(seconds=every)))
    counts = orders.count_by_status(session, row.id)
    per_day = daily_stats.orders_per_day(session, row.id, now)
    latency = daily_stats.latency_per_day(session, row.id, now)
    return DashboardView(
        row, list(configured_connectors(session, row.id)), jobs,
        {status.value: counts.get(status, 0) for status in OrderStatus},
        alerts.list_alerts(session, row.id, limit=10),
        budget=budget_used(session, row.id, now),
        orders_chart=_orders_chart(per_day), orders_total=sum(n for _, n in per_day),
        latency_chart=_latency_chart(latency),
        delivered_total=sum(day.delivered for day in latency))


def _day(day: date) -> str:
    return f"{day:%b %d}"


def _orders_chart(per_day: list[tuple[date, int]]) -> Markup:
    return bar_chart("orders-per-day", "Orders per day",
                     f"Orders placed on each of the last {len(per_day)} days (UTC), "
                     f"{sum(n for _, n in per_day)} in all.",
                     [_day(day) for day, _ in per_day], [float(n) for _, n in per_day],
                     value_name="orders")


def _latency_chart(days: list[daily_stats.DayLatency]) -> Markup:
    return line_chart("delivery-latency", "Delivery latency",
                      "Time from downloading an order from Houzz to delivering it to "
                      "QuickBooks Commerce, per day of delivery: the median and the 95th "
                      "percentile.",
                      [_day(day.day) for day in days],
                      [Series("median", [day.median_s for day in days]),
                       Series("95th percentile", [day.p95_s for day in days])], fmt=duration)
