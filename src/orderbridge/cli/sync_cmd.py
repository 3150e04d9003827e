"""`orderbridge sync`: run the workflows, once (`--once`) or on their schedules until stopped.

The jobs come from `orderbridge.runtime.jobs.JOBS`, in their order, so a workflow added there is
run here with no CLI change. `--once` prints its table whatever happened and exits 1 when an
integration cannot run (not connected, or paused by a configuration failure), saying why and
what fixes it, or when a job failed (a transient failure: the next run retries it), so a cron
job or a monitor sees the night that did not go well.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from orderbridge.cli.common import (
    console,
    fail,
    opened_store,
    reports_errors,
    since_date,
    since_moment,
)
from orderbridge.cli.outcomes import summary_table
from orderbridge.cli.sync_loop import run_forever
from orderbridge.errors import OrderbridgeError, UsageError
from orderbridge.runtime.jobs import JOBS, JobOutcome, run_once
from orderbridge.runtime.stopping import stop_on_signals
from orderbridge.settings import Settings
from orderbridge.store import Store, integrations
from orderbridge.store.credentials import CONNECTORS, configured_connectors
from orderbridge.workflows.context import open_context
from orderbridge.workflows.options import JobOptions
from orderbridge.workflows.stop import StopToken

_CONNECT = {"houzz": "orderbridge connect houzz --token T --username U --app-name A",
            "qbc": "orderbridge connect qbc --token T"}


@reports_errors
def sync(
    once: Annotated[bool, typer.Option("--once", help="Run each job once, print a summary.")]
    = False,
    integration: Annotated[str | None, typer.Option(
        "--integration", "-i", help="Only this integration (default: all).")] = None,
    job: Annotated[list[str] | None, typer.Option(
        "--job", "-j", help=f"Only these jobs (repeatable): {', '.join(JOBS)}.")] = None,
    full: Annotated[bool, typer.Option(
        "--full", help="Redo everything, not only what changed (first run only without "
                       "--once): e.g. --job inventory --full re-pushes every stock level.")]
    = False,
    since: Annotated[str | None, typer.Option(
        "--since", metavar="YYYY-MM-DD", callback=since_date,
        help="The download job reads Houzz again from this day (UTC), beyond its usual "
             "window: orders the hub never downloaded (an audit names them).")] = None,
) -> None:
    """Download orders from Houzz and deliver them to QuickBooks Commerce.

    Without --once the jobs run on their schedules (config: download_every_s,
    deliver_every_s) until Ctrl-C, which finishes the current step first.
    """
    names = job_names(job)
    try:
        with opened_store() as (settings, store):
            targets = integration_names(store, integration)
            if once:
                options = JobOptions(full=full, since=since_moment(since) if since else None)
                code = _sync_once(store, settings, targets, names, options)
            else:
                if since:
                    fail("--since works with --once only: run orderbridge sync --once --job "
                         "download --since DAY, then sync as usual")
                code = run_forever(store, settings, targets, names, cannot_run,
                                   JobOptions(full=full))
    except KeyboardInterrupt:
        fail("interrupted; an order caught mid-delivery is checked in QuickBooks Commerce "
             "before it is sent again, so nothing is duplicated")
    raise typer.Exit(code)


def job_names(given: list[str] | None) -> list[str]:
    """The jobs asked for, in `JOBS` order; all of them by default."""
    if not given:
        return list(JOBS)
    unknown = [name for name in given if name not in JOBS]
    if unknown:
        raise UsageError(f"unknown job {', '.join(unknown)}; jobs: {', '.join(JOBS)}")
    return [name for name in JOBS if name in given]


def integration_names(store: Store, only: str | None) -> list[str]:
    with store.session() as session:
        known = [row.name for row in integrations.list_integrations(session)]
    if only is not None:
        if only not in known:
            raise UsageError(f"there is no integration named {only!r}"
                             + (f" (known: {', '.join(known)})" if known else "")
                             + f"; create it with orderbridge connect ... --integration {only}")
        return [only]
    if not known:
        raise UsageError("no integration yet; connect one first: "
                         f"{_CONNECT['houzz']}, then {_CONNECT['qbc']}")
    return known


def cannot_run(store: Store, name: str) -> tuple[str, bool] | None:
    """Why the integration cannot run, and whether only a pause is the reason; None if it can."""
    with store.session() as session:
        row = integrations.get_integration(session, name)
        assert row is not None
        return _problem(session, row.id, name, row.paused, row.paused_reason)


def _problem(session: Session, integration_id: int, name: str, paused: bool,
             reason: str | None) -> tuple[str, bool] | None:
    missing = [c for c in CONNECTORS if c not in configured_connectors(session, integration_id)]
    if missing:
        commands = "; ".join(f"{_CONNECT[c]} --integration {name}" for c in missing)
        sides = " and ".join(missing)
        return f"integration {name!r} is not connected to {sides}: run {commands}", False
    if paused:
        return (f"integration {name!r} is paused: {reason or 'no reason recorded'}. Once fixed, "
                f"reconnect (orderbridge connect ... --integration {name}) or run "
                f"orderbridge resume --integration {name}"), True
    return None


def _sync_once(store: Store, settings: Settings, targets: list[str], names: list[str],
               options: JobOptions) -> int:
    """Each integration's jobs in turn; one integration's failure never stops the next, and
    the table is printed whatever happened. Exit 1 when anything failed or cannot run."""
    rows: list[tuple[str, JobOutcome]] = []
    problems: list[str] = []
    with stop_on_signals(StopToken()) as stop:
        for name in targets:
            try:
                rows.extend((name, outcome) for outcome in
                            _run_integration(store, settings, name, names, stop, options,
                                             problems))
            except OrderbridgeError as exc:
                problems.append(f"integration {name!r}: {exc}")
            if stop.stopped:
                break
    if rows:
        console().print(summary_table(rows))
    err = console(stderr=True)
    for problem in problems:
        err.print(f"[red]Error:[/red] {escape(problem)}", highlight=False)
    failed = any(outcome.error for _, outcome in rows)
    return 1 if problems or failed else 0


def _run_integration(store: Store, settings: Settings, name: str, names: list[str],
                     stop: StopToken, options: JobOptions,
                     problems: list[str]) -> list[JobOutcome]:
    before = cannot_run(store, name)
    if before is not None:
        problems.append(before[0])
        return []
    ctx = open_context(store, settings, name)
    try:
        outcomes = run_once(ctx, names, stop, options)
    finally:
        ctx.close()
    after = cannot_run(store, name)
    if after is not None:
        problems.append(after[0])
    return outcomes
