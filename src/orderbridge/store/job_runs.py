"""The history of job runs: one row per run that did something. No function here commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from orderbridge.store.tables import JobRun

KEEP_PER_JOB = 500
"""Runs kept per (integration, job): weeks of history at the default schedules."""


def record_run(session: Session, integration_id: int, job: str, *, started_at: datetime,
               finished_at: datetime, counts: dict[str, Any], error: str | None,
               trigger: str) -> JobRun:
    run = JobRun(integration_id=integration_id, job=job, started_at=started_at,
                 finished_at=finished_at, counts=counts, error=error, trigger=trigger)
    session.add(run)
    session.flush()
    _trim(session, integration_id, job)
    return run


def _trim(session: Session, integration_id: int, job: str) -> None:
    cutoff = session.scalar(
        select(JobRun.id).where(JobRun.integration_id == integration_id, JobRun.job == job)
        .order_by(JobRun.id.desc()).offset(KEEP_PER_JOB).limit(1))
    if cutoff is not None:
        session.execute(delete(JobRun).where(JobRun.integration_id == integration_id,
                                             JobRun.job == job, JobRun.id <= cutoff))


def list_runs(session: Session, integration_id: int | None = None, job: str | None = None, *,
              limit: int = 50, offset: int = 0) -> list[JobRun]:
    """Runs, newest first."""
    query = select(JobRun)
    if integration_id is not None:
        query = query.where(JobRun.integration_id == integration_id)
    if job is not None:
        query = query.where(JobRun.job == job)
    return list(session.scalars(query.order_by(JobRun.id.desc()).limit(limit).offset(offset)))


def last_runs(session: Session, integration_id: int) -> dict[str, JobRun]:
    """The latest run of each job of the integration."""
    latest = (select(JobRun.job, func.max(JobRun.id).label("id"))
              .where(JobRun.integration_id == integration_id).group_by(JobRun.job).subquery())
    runs = session.scalars(select(JobRun).join(latest, JobRun.id == latest.c.id))
    return {run.job: run for run in runs}


def count_runs(session: Session, integration_id: int | None = None,
               job: str | None = None) -> int:
    """How many runs `list_runs` would page through with the same filters."""
    query = select(func.count()).select_from(JobRun)
    if integration_id is not None:
        query = query.where(JobRun.integration_id == integration_id)
    if job is not None:
        query = query.where(JobRun.job == job)
    return session.scalar(query) or 0


def runs_finished_since(session: Session, integration_id: int,
                        since: datetime) -> list[JobRun]:
    """The integration's runs that ended at or after ``since``, oldest first."""
    return list(session.scalars(
        select(JobRun).where(JobRun.integration_id == integration_id,
                             JobRun.finished_at >= since).order_by(JobRun.id)))
