"""Audits and repairs asked for on the Audit screen run in the background of the web app, so
the browser never waits on an audit's reads (the page refreshes itself until it is done).

One `Nudger` (coalescing, one thread per piece of work, every wait bounded): ``audit`` runs
every unfinished audit of the integration; ``repair:<audit id>[:<key>]`` carries out the
repairs of one audit (or of one discrepancy in it) through the jobs.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request

from orderbridge.runtime.audits import LEASE, repair, run_unfinished
from orderbridge.runtime.jobs import JobOutcome
from orderbridge.runtime.lease import LeaseBusy
from orderbridge.runtime.nudges import Nudger
from orderbridge.settings import Settings
from orderbridge.store import Store
from orderbridge.workflows.context import opened_context

log = logging.getLogger(__name__)
AUDIT = "audit"
REPAIR = "repair"


def install(app: FastAPI, store: Store, settings: Settings) -> None:
    def run(integration: str, work: str) -> JobOutcome:
        with opened_context(store, settings, integration) as ctx:
            if work == AUDIT:
                try:
                    done = run_unfinished(ctx, lambda line: log.info("audit of %s: %s",
                                                                     integration, line))
                except LeaseBusy as exc:
                    return JobOutcome(LEASE, skipped=str(exc), busy=True)
                return JobOutcome(LEASE, {"audits": len(done)})
            _, audit_id, *key = work.split(":", 2)
            outcomes = repair(ctx, int(audit_id), key or None)
            busy = any(outcome.busy for outcome in outcomes)
            return JobOutcome(REPAIR, {"jobs": len(outcomes)}, busy=busy)

    app.state.audit_runner = Nudger(run)


def start_audits(request: Request, integration: str) -> None:
    request.app.state.audit_runner.nudge(integration, AUDIT)


def start_repair(request: Request, integration: str, audit_id: int, key: str | None) -> None:
    work = f"{REPAIR}:{audit_id}" + (f":{key}" if key else "")
    request.app.state.audit_runner.nudge(integration, work)


def runner_of(app: FastAPI) -> Nudger:
    runner = app.state.audit_runner
    assert isinstance(runner, Nudger)
    return runner
