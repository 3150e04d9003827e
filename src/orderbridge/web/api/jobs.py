"""``/api/v1/jobs``: the job run history, and running a job now (as `sync --once --job`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from orderbridge.runtime.jobs import JOBS
from orderbridge.store import integrations, job_runs
from orderbridge.store.tables import JobRun
from orderbridge.web.api.integrations import integration_named
from orderbridge.web.auth import DbSession, store_of
from orderbridge.web.run_now import known_job, run_now

router = APIRouter(prefix="/jobs", tags=["jobs"])
MAX_LIMIT = 500
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Unknown integration or job"}}
JOB_NAMES = ", ".join(JOBS)

IntegrationParam = Annotated[str | None, Query(
    max_length=100, description="Only this integration's runs (default: every integration)")]
JobParam = Annotated[str | None, Query(max_length=50, description=f"One of: {JOB_NAMES}")]


class JobRunOut(BaseModel):
    id: int
    integration: str
    job: str
    trigger: str
    """What started it: schedule, once (`sync --once`) or web (run now)."""
    started_at: datetime
    finished_at: datetime
    counts: dict[str, Any]
    error: str | None


class RunNowOut(BaseModel):
    integration: str
    job: str
    counts: dict[str, Any]
    error: str | None
    """The run happened and failed (a remote failure, a missing connection): it is in the
    history too."""


def _job_named(job: str) -> str:
    if not known_job(job):
        raise HTTPException(404, f"there is no job named {job!r} (known: {JOB_NAMES})")
    return job


def _run_out(run: JobRun, names: dict[int, str]) -> JobRunOut:
    return JobRunOut(id=run.id, integration=names.get(run.integration_id, "?"), job=run.job,
                     trigger=run.trigger, started_at=run.started_at,
                     finished_at=run.finished_at, counts=run.counts or {}, error=run.error)


def _names(session: Session) -> dict[int, str]:
    return {row.id: row.name for row in integrations.list_integrations(session)}


@router.get("", summary="Job run history, newest first", responses=NOT_FOUND)
def history(session: DbSession, integration: IntegrationParam = None, job: JobParam = None,
            limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
            offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[JobRunOut]:
    integration_id = None if integration is None else integration_named(session,
                                                                        integration).id
    wanted = None if job is None else _job_named(job)
    runs = job_runs.list_runs(session, integration_id, wanted, limit=limit, offset=offset)
    names = _names(session)
    return [_run_out(run, names) for run in runs]


@router.post("/{job}/run", summary="Run a job now", responses={
    **NOT_FOUND, 409: {"description": "Not run: another process is running it, or the "
                                      "integration is paused"}},
             description="Runs the job at once under its lease, as `orderbridge sync --once "
                         "--job JOB` does, and records it in the history (trigger `web`).")
def run(request: Request, job: Annotated[str, Path(max_length=50)],
        integration: Annotated[str, Query(max_length=100)] = "default") -> RunNowOut:
    _job_named(job)
    with store_of(request).session() as session:
        name = integration_named(session, integration).name
    outcome = run_now(store_of(request), request.app.state.settings, name, job)
    if outcome.skipped is not None:
        raise HTTPException(409, f"the {job} job did not run: {outcome.skipped}")
    return RunNowOut(integration=name, job=job, counts=outcome.counts, error=outcome.error)
