"""The jobs screen: the run history of the chosen integration (counts and errors, filtered by
job, paged) and a "Run now" button per job."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from orderbridge.errors import OrderbridgeError
from orderbridge.runtime.jobs import JOBS
from orderbridge.store import job_runs
from orderbridge.web.auth import store_of
from orderbridge.web.choice import chosen_integration
from orderbridge.web.pages import page_router
from orderbridge.web.run_now import known_job, outcome_text, run_now
from orderbridge.web.templating import flash, render

router = page_router()
PAGE_SIZE = 25


@router.get("/jobs")
def history(request: Request,
            job: Annotated[str | None, Query(max_length=50)] = None,
            page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    wanted = (job or "").strip() or None
    job_error = None
    if wanted is not None and not known_job(wanted):
        job_error = f"There is no job named {wanted!r}: pick one of the list."
        wanted = None
    with store_of(request).session() as session:
        row = chosen_integration(request, session)
        runs, total = [], 0
        if row is not None:
            total = job_runs.count_runs(session, row.id, wanted)
            runs = job_runs.list_runs(session, row.id, wanted, limit=PAGE_SIZE,
                                      offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    return render(request, "jobs/history.html", integration=row, jobs=list(JOBS), job=wanted,
                  job_error=job_error, runs=runs, total=total, page=page, pages=pages,
                  status_code=200 if job_error is None else 400)


@router.post("/jobs/{job}/run")
def run(request: Request, job: str) -> Response:
    if not known_job(job):
        raise HTTPException(404, f"There is no job named {job[:50]!r}.")
    with store_of(request).session() as session:
        row = chosen_integration(request, session)
    if row is None:
        flash(request, "No integration yet: connect Houzz and QuickBooks Commerce first.",
              "error")
        return RedirectResponse("/jobs", 303)
    try:
        outcome = run_now(store_of(request), request.app.state.settings, row.name, job)
    except OrderbridgeError as exc:  # the integration went away meanwhile
        flash(request, str(exc), "error")
    else:
        kind, message = outcome_text(outcome)
        flash(request, message, kind)
    return RedirectResponse(f"/jobs?{urlencode({'integration': row.name})}", 303)
