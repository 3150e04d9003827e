"""The job registry: each job name mapped to its workflow package, and running them for one
integration.

A job that meets a configuration failure (bad credentials, lapsed subscription) pauses the
integration and says so; a transient failure is reported and the job runs again at its next
turn. A paused integration runs nothing until it is reconnected or resumed. Anything else a job
raises (a bug, or an answer no one foresaw) ends that job only: it is logged with its
traceback, reported in one line, and the other jobs and integrations run on.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from orderbridge.errors import ConfigurationError, OrderbridgeError, RemoteError
from orderbridge.logs import log_context
from orderbridge.runtime import metrics
from orderbridge.runtime.lease import LeaseBusy, held
from orderbridge.store import job_runs
from orderbridge.store.tables.columns import utcnow
from orderbridge.workflows.cancellations.job import cancellations
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.inventory.job import inventory
from orderbridge.workflows.notifications.job import notify
from orderbridge.workflows.options import JobOptions
from orderbridge.workflows.orders.delivery import deliver
from orderbridge.workflows.orders.download import download
from orderbridge.workflows.pause import pause, paused_reason
from orderbridge.workflows.qbc_webhooks.registration import check_webhooks
from orderbridge.workflows.shipments.job import shipments
from orderbridge.workflows.stop import StopToken, stopped

log = logging.getLogger(__name__)

Job = Callable[[IntegrationContext, StopToken | None, JobOptions], Any]

JOBS: dict[str, Job] = {
    "download": download,  # workflows.orders
    "cancellations": cancellations,  # workflows.cancellations; before deliver: never sent
    "deliver": deliver,  # workflows.orders
    "shipments": shipments,  # workflows.shipments
    "inventory": inventory,  # workflows.inventory
    "webhooks": check_webhooks,  # workflows.qbc_webhooks: QBC still has the hub's webhooks
    "notify": notify,  # workflows.notifications; last: it sends what the others raised
}

FOLLOW_UPS: dict[str, tuple[str, str]] = {"download": ("new", "deliver")}
"""A job whose run found work for another runs that one right after, in the same cycle: new
orders are delivered at once rather than at the deliver job's next turn (order → QBC latency
is the download interval plus one call, not the sum of two intervals)."""


@dataclass
class JobOutcome:
    """What one job run did, for the summary table and the logs."""

    job: str
    counts: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    skipped: str | None = None
    busy: bool = False
    """Skipped because another process runs the job right now."""


RUNS_WHILE_PAUSED = frozenset({"notify"})
"""Jobs a paused integration still runs: the alert that it is paused must go out."""


def run_job(ctx: IntegrationContext, name: str, stop: StopToken | None = None,
            options: JobOptions | None = None, *, trigger: str = "schedule") -> JobOutcome:
    """Run one job under its lease (`runtime.lease`: skipped while another live process runs
    it; told to stop if the lease is lost); never raises for a remote failure. A run that was
    not skipped goes into the job history (`store.job_runs`), started by ``trigger``."""
    started, calls_before = utcnow(), ctx.qbc_calls
    with log_context(integration=ctx.name, integration_id=ctx.integration_id, job=name):
        outcome = _run_leased(ctx, name, stop, options)
        if outcome.skipped is None:
            _record(ctx, outcome, started, trigger, qbc_calls=ctx.qbc_calls - calls_before)
            metrics.job_ended(ctx, name, outcome.counts, failed=outcome.error is not None,
                              started=started)
    return outcome


def _record(ctx: IntegrationContext, outcome: JobOutcome, started: datetime, trigger: str, *,
            qbc_calls: int) -> None:
    """Into the history, with the QBC calls the run made (the dashboard's rate budget); a
    failure to write it is logged, never the job's failure."""
    counts = json.loads(json.dumps({**outcome.counts, "qbc_calls": max(qbc_calls, 0)},
                                   default=str))
    try:
        with ctx.store.begin() as session:
            job_runs.record_run(session, ctx.integration_id, outcome.job, started_at=started,
                                finished_at=utcnow(), counts=counts, error=outcome.error,
                                trigger=trigger)
    except Exception as exc:
        log.warning("could not record the %s run of %s (%s: %s)", outcome.job, ctx.name,
                    type(exc).__name__, exc)


def _run_leased(ctx: IntegrationContext, name: str, stop: StopToken | None,
                options: JobOptions | None) -> JobOutcome:
    reason = paused_reason(ctx)
    if reason is not None and name not in RUNS_WHILE_PAUSED:
        return JobOutcome(name, skipped=f"integration paused: {reason}")
    lost = False
    try:
        with held(ctx.store, ctx.integration_id, name, stop=stop) as lease:
            ctx.reload_config()
            result = JOBS[name](ctx, lease.stop, options or JobOptions())
            lost = lease.lost.is_set()
    except LeaseBusy as exc:
        return JobOutcome(name, skipped=str(exc), busy=True)
    except ConfigurationError as exc:
        with ctx.store.begin() as session:
            pause(session, ctx, exc.message)
        return JobOutcome(name, error=f"paused the integration: {exc}")
    except (RemoteError, OrderbridgeError) as exc:
        log.warning("%s job of %s failed: %s", name, ctx.name, exc)
        return JobOutcome(name, error=str(exc))
    except Exception as exc:
        log.debug("%s job of %s failed unexpectedly", name, ctx.name, exc_info=True)
        log.error("%s job of %s failed unexpectedly: %s: %s", name, ctx.name,
                  type(exc).__name__, exc)
        return JobOutcome(name, error=f"unexpected failure ({type(exc).__name__}: {exc}); "
                                      "the next run retries; please report it if it repeats")
    is_record = dataclasses.is_dataclass(result) and not isinstance(result, type)
    counts = dataclasses.asdict(result) if is_record else {}
    if counts.get("paused"):
        return JobOutcome(name, counts, error=f"paused the integration: {paused_reason(ctx)}")
    if lost:
        return JobOutcome(name, counts, error="stopped early: its lease lapsed and another "
                                              "process took the job over")
    return JobOutcome(name, counts)


def run_with_follow_ups(ctx: IntegrationContext, name: str, stop: StopToken | None = None,
                        options: JobOptions | None = None, *, trigger: str = "schedule",
                        allowed: Collection[str] = tuple(JOBS)) -> list[JobOutcome]:
    """Run ``name``, then the job it found work for (`FOLLOW_UPS`, if ``allowed``), in the
    same cycle."""
    outcomes = [run_job(ctx, name, stop, options, trigger=trigger)]
    follow_up = FOLLOW_UPS.get(name)
    if follow_up is not None and follow_up[1] in allowed and not stopped(stop):
        count, then = follow_up
        found = outcomes[0].counts.get(count)
        if isinstance(found, int) and found > 0:
            outcomes.append(run_job(ctx, then, stop, trigger=trigger))
    return outcomes


def run_once(ctx: IntegrationContext, names: list[str], stop: StopToken | None = None,
             options: JobOptions | None = None, *, trigger: str = "once") -> list[JobOutcome]:
    outcomes = []
    for name in names:
        if stopped(stop):
            break
        outcomes.append(run_job(ctx, name, stop, options, trigger=trigger))
    return outcomes
