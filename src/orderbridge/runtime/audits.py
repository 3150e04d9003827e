"""Running the audits merchants ask for, and the repairs they choose, for one integration.

An audit is asked for by writing a row (`store.audits`); whoever holds the integration's
``audit`` lease runs every unfinished one, so the command line and the web app can both ask
and the same audit is never run twice at once (one left by a process that died is run again).
A repair runs the job that does the work through the normal workflows, under that job's own
lease, once per job whatever the number of discrepancies it covers (a download is followed
by the delivery of what it found, as in every sync).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import date, datetime

from orderbridge.errors import OrderbridgeError, RemoteError
from orderbridge.runtime.jobs import JobOutcome, run_with_follow_ups
from orderbridge.runtime.lease import held
from orderbridge.store import audits
from orderbridge.store.tables import Audit
from orderbridge.workflows.audit.budget import plan_calls
from orderbridge.workflows.audit.repairs import name_fulfillments
from orderbridge.workflows.audit.run import audit
from orderbridge.workflows.audit.view import audit_view
from orderbridge.workflows.context import IntegrationContext
from orderbridge.workflows.options import JobOptions
from orderbridge.workflows.since import start_of_day
from orderbridge.workflows.stop import StopToken, stopped

log = logging.getLogger(__name__)

LEASE = "audit"
TRIGGER = "audit"
REPAIR_ORDER = ("download", "deliver", "cancellations", "shipments", "inventory")
"""The jobs a repair may run, in the order the sync runs them."""


def ask_for_audit(ctx: IntegrationContext, since: datetime, *, by: str) -> int:
    with ctx.store.begin() as session:
        return audits.request_audit(session, ctx.integration_id, since, by=by,
                                    at=ctx.clock.now()).id


def run_unfinished(ctx: IntegrationContext, progress: Callable[[str], None],
                   stop: StopToken | None = None) -> list[int]:
    """Run every unfinished audit of the integration (raises `LeaseBusy` while another
    process runs them: it will run the new one too)."""
    done = []
    with held(ctx.store, ctx.integration_id, LEASE, stop=stop) as lease:
        with ctx.store.session() as session:
            waiting = [(row.id, row.since) for row in audits.unfinished(session,
                                                                        ctx.integration_id)]
        for audit_id, since in waiting:
            if stopped(lease.stop):
                break
            _run_one(ctx, audit_id, since, progress)
            done.append(audit_id)
    return done


def _run_one(ctx: IntegrationContext, audit_id: int, since: datetime,
             progress: Callable[[str], None]) -> None:
    plan = plan_calls(ctx, since)
    with ctx.store.begin() as session:
        row = session.get(Audit, audit_id)
        if row is None:
            return
        audits.start(session, row, at=ctx.clock.now(), planned=plan.as_json())
    progress(plan.text)
    calls_before = ctx.qbc_calls
    try:
        result = audit(ctx, since, progress, plan)
    except (RemoteError, OrderbridgeError) as exc:
        _finish(ctx, audit_id, error=f"a read failed, so nothing was compared: {exc}; run the "
                "audit again later", spent={"qbc_calls": ctx.qbc_calls - calls_before})
        return
    except Exception as exc:
        log.error("the audit of %s failed unexpectedly: %s: %s", ctx.name,
                  type(exc).__name__, exc)
        _finish(ctx, audit_id, error=f"unexpected failure ({type(exc).__name__}); please "
                "report it", spent={"qbc_calls": ctx.qbc_calls - calls_before})
        return
    _finish(ctx, audit_id, spent=result.spent_json(), checked=result.checked_json(),
            discrepancies=[d.as_json() for d in result.discrepancies])


def _finish(ctx: IntegrationContext, audit_id: int, *, spent: dict[str, int],
            checked: dict[str, int] | None = None,
            discrepancies: list[dict[str, object]] | None = None,
            error: str | None = None) -> None:
    with ctx.store.begin() as session:
        row = session.get(Audit, audit_id)
        if row is not None:
            audits.finish(session, row, at=ctx.clock.now(), spent=spent, checked=checked,
                          discrepancies=discrepancies, error=error)


def repair(ctx: IntegrationContext, audit_id: int, keys: Collection[str] | None = None,
           stop: StopToken | None = None) -> list[JobOutcome]:
    """Carry out the repairs of an audit's discrepancies (only those about ``keys``, when
    given): each job they need, once."""
    with ctx.store.session() as session:
        row = audits.get_audit(session, ctx.integration_id, audit_id)
        chosen = [d for d in audit_view(row).repairable
                  if keys is None or d.key in keys] if row is not None else []
    name_fulfillments(ctx, audit_id, chosen)
    outcomes: list[JobOutcome] = []
    for job in REPAIR_ORDER:
        repairs = [d.repair for d in chosen if d.repair is not None and d.repair.job == job]
        if not repairs or stopped(stop):
            continue
        since = min((r.since for r in repairs if r.since), default=None)
        options = JobOptions(full=any(r.full for r in repairs),
                             since=start_of_day(date.fromisoformat(since)) if since else None)
        ran = {outcome.job for outcome in outcomes}
        if job not in ran:  # a download's follow-up delivery covers a deliver repair too
            outcomes.extend(run_with_follow_ups(ctx, job, stop, options, trigger=TRIGGER))
    return outcomes
