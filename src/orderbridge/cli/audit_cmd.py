"""`orderbridge audit`: check the live Houzz and QuickBooks Commerce accounts against each
other — every order in QBC once with the right lines, every cancel voided, every shipment
confirmed, every listing at the computed quantity — and list what is wrong with its fix.

It only reads, in pages, and says how many calls it will spend before it starts. Exit code 0:
nothing wrong; 1: discrepancies found (or the audit could not run). `--fix` then repairs what
the hub can repair through its normal jobs.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from orderbridge.cli.common import (
    IntegrationOption,
    JsonOption,
    console,
    fail,
    opened_store,
    print_json,
    reports_errors,
    say,
    since_date,
    since_moment,
)
from orderbridge.cli.outcomes import summary_table
from orderbridge.runtime.audits import ask_for_audit, repair, run_unfinished
from orderbridge.runtime.lease import LeaseBusy
from orderbridge.store import audits
from orderbridge.workflows.audit.period import DEFAULT_DAYS, default_since
from orderbridge.workflows.audit.view import CHECKED_LABELS, AuditView, audit_view
from orderbridge.workflows.context import IntegrationContext, opened_context
from orderbridge.workflows.since import start_of_day


@reports_errors
def audit(
    since: Annotated[str | None, typer.Option(
        "--since", metavar="YYYY-MM-DD", callback=since_date,
        help=f"Check orders placed from this day (UTC); default: the last {DEFAULT_DAYS} "
             "days.")] = None,
    fix: Annotated[bool, typer.Option(
        "--fix", help="Then repair what the hub can repair (it asks first).")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="With --fix: do not ask.")] = False,
    last: Annotated[bool, typer.Option(
        "--last", help="Show the last audit (from here or the web app) instead of running "
                       "one.")] = False,
    integration: IntegrationOption = "default",
    as_json: JsonOption = False,
) -> None:
    """Check Houzz and QuickBooks Commerce against each other; list each discrepancy and its
    fix."""
    with opened_store() as (settings, store), \
            opened_context(store, settings, integration) as ctx:
        view = _last(ctx) if last else _run(ctx, since, quiet=as_json)
        if as_json:
            print_json(view.as_json())
        else:
            _show(view)
        if fix and view.repairable:
            _repair(ctx, view, yes)
    if view.error or view.discrepancies:
        raise typer.Exit(1)


def _run(ctx: IntegrationContext, since: str | None, *, quiet: bool) -> AuditView:
    moment = since_moment(since) if since else start_of_day(default_since())

    def progress(line: str) -> None:
        if not quiet:
            say(line, style="dim")

    audit_id = ask_for_audit(ctx, moment, by="command line")
    try:
        run_unfinished(ctx, progress)
    except LeaseBusy:
        fail("another process is running this integration's audits right now; it runs this "
             f"one too: see it with orderbridge audit --last --integration {ctx.name}")
    with ctx.store.session() as session:
        row = audits.get_audit(session, ctx.integration_id, audit_id)
        assert row is not None, "the audit row went away"
        return audit_view(row)


def _last(ctx: IntegrationContext) -> AuditView:
    with ctx.store.session() as session:
        row = audits.latest(session, ctx.integration_id)
        if row is None:
            fail(f"no audit yet; run one: orderbridge audit --integration {ctx.name}")
        return audit_view(row)


def _show(view: AuditView) -> None:
    out = console()
    if view.state in ("waiting", "running"):
        say(f"Audit {view.id} ({view.since:%Y-%m-%d} on) is {view.state}.")
        return
    spent = view.spent
    say(f"Audit {view.id}: orders from {view.since:%Y-%m-%d}; spent "
        f"{spent.get('qbc_calls', 0)} QuickBooks Commerce and {spent.get('houzz_calls', 0)} "
        "Houzz call(s).")
    if view.error:
        say(f"It did not finish: {view.error}", style="red")
        return
    checked = Table(title="What was checked")
    checked.add_column("check")
    checked.add_column("count", justify="right")
    for key, label in CHECKED_LABELS.items():
        checked.add_row(label, str(view.checked.get(key, 0)))
    out.print(checked)
    if not view.discrepancies:
        say("No discrepancies: both accounts agree.", style="green")
        return
    table = Table(title=f"{len(view.discrepancies)} discrepancies")
    for column in ("what", "problem", "fix"):
        table.add_column(column)
    for item in view.discrepancies:
        fix = item.fix + (f"\n$ {item.command}" if item.command else "")
        table.add_row(Text(item.subject), Text(item.problem), Text(fix))
    out.print(table)
    if view.repairable:
        say(f"{len(view.repairable)} of them the hub can repair: orderbridge audit --last "
            "--fix", style="yellow")


def _repair(ctx: IntegrationContext, view: AuditView, yes: bool) -> None:
    jobs = sorted({d.repair.job for d in view.repairable if d.repair is not None})
    if not yes and not typer.confirm(f"Repair {len(view.repairable)} discrepancies by running "
                                     f"{', '.join(jobs)}?"):
        say("Nothing repaired.")
        return
    outcomes = repair(ctx, view.id)
    console().print(summary_table([(ctx.name, outcome) for outcome in outcomes]))
    failed = [outcome for outcome in outcomes if outcome.error or outcome.skipped]
    for outcome in failed:
        say(f"{outcome.job}: {escape(outcome.error or outcome.skipped or '')}", style="red")
    say(f"Check again: orderbridge audit --since {view.since:%Y-%m-%d} --integration "
        f"{ctx.name}")
