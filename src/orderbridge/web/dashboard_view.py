"""What the dashboard shows, read in one place so the page and the API agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fastapi import Request
from sqlalchemy.orm import Session

from orderbridge.model import OrderStatus
from orderbridge.store import alerts, integrations, job_runs, orders
from orderbridge.store.credentials import configured_connectors
from orderbridge.store.tables import Alert, Integration, JobRun
from orderbridge.web.choice import chosen_integration
from orderbridge.workflows.integration_config import config_from_rows

JOB_SCHEDULES = {"download": "download_every_s", "deliver": "deliver_every_s",
                 "cancellations": "cancellations_every_s", "shipments": "shipments_every_s",
                 "inventory": "inventory_every_s"}


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


def dashboard_of(request: Request, session: Session) -> DashboardView:
    row = chosen_integration(request, session)
    if row is None:
        return DashboardView(None)
    config = config_from_rows(integrations.all_settings(session, row.id))
    last = job_runs.last_runs(session, row.id)
    jobs = []
    for job, key in JOB_SCHEDULES.items():
        every = float(getattr(config, key))
        run = last.get(job)
        jobs.append(JobLine(job, every, run, None if run is None
                            else run.finished_at + timedelta(seconds=every)))
    counts = orders.count_by_status(session, row.id)
    return DashboardView(
        row, list(configured_connectors(session, row.id)), jobs,
        {status.value: counts.get(status, 0) for status in OrderStatus},
        alerts.list_alerts(session, row.id, limit=10))
