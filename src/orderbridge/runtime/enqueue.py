"""The scale-out scheduler: enqueues each integration's jobs on their schedules, read from the
database (`orderbridge scheduler`; Celery's beat is not used, so schedules change with `config
set` and new integrations are picked up without a restart).

Each (integration, job) is enqueued at most once per ``<job>_every_s``, however many schedulers
run: enqueueing claims a lease named ``enqueue:<job>`` that lasts one interval, under a holder
name made for that claim alone, so it is taken only once it has expired and by one scheduler
(`store.leases.take`). The task itself runs under the job's own lease, so even a task given out
twice (a redelivery after a worker died) never runs the job twice at once.

A paused integration's jobs are not enqueued (they would only skip), except the ones that run
while paused (`runtime.jobs.RUNS_WHILE_PAUSED`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from orderbridge.runtime.jobs import JOBS, RUNS_WHILE_PAUSED
from orderbridge.runtime.lease import new_holder
from orderbridge.runtime.schedules import every_s
from orderbridge.store import Store, leases
from orderbridge.store.tables import Integration, IntegrationSetting, JobLease
from orderbridge.workflows.integration_config import config_from_rows

log = logging.getLogger(__name__)
PREFIX = "enqueue:"

Send = Callable[[int, str], None]


@dataclass(frozen=True)
class Due:
    integration_id: int
    integration: str
    job: str
    every_s: float


def due_jobs(store: Store, now: datetime) -> list[Due]:
    """The (integration, job) pairs whose enqueue lease has lapsed (or was never taken): two
    queries, whatever the number of integrations."""
    with store.session() as session:
        rows = session.execute(select(Integration.id, Integration.name, Integration.paused)
                               .order_by(Integration.id)).all()
        settings: dict[int, dict[str, str]] = {}
        for integration_id, key, value in session.execute(select(
                IntegrationSetting.integration_id, IntegrationSetting.key,
                IntegrationSetting.value)):
            settings.setdefault(integration_id, {})[key] = value
        waiting = {(integration_id, job.removeprefix(PREFIX)) for integration_id, job in
                   session.execute(select(JobLease.integration_id, JobLease.job).where(
                       JobLease.job.startswith(PREFIX), JobLease.expires_at > now))}
    due = []
    for integration_id, name, paused in rows:
        config = config_from_rows(settings.get(integration_id, {}))
        for job in JOBS:
            if (integration_id, job) in waiting or (paused and job not in RUNS_WHILE_PAUSED):
                continue
            due.append(Due(integration_id, name, job, every_s(config, job)))
    return due


def enqueue_due(store: Store, send: Send, now: datetime) -> list[Due]:
    """Claim every due pair's interval and send its task; the ones this scheduler sent."""
    sent = []
    for item in due_jobs(store, now):
        with store.begin() as session:
            claimed = leases.take(session, item.integration_id, PREFIX + item.job,
                                  new_holder(), item.every_s, now)
        if not claimed:
            continue  # another scheduler claimed it first
        try:
            send(item.integration_id, item.job)
        except Exception as exc:  # the broker is away: the job waits one interval
            log.warning("could not enqueue %s/%s (%s: %s); it is enqueued again at its next "
                        "turn", item.integration, item.job, type(exc).__name__, exc)
            continue
        sent.append(item)
    return sent
