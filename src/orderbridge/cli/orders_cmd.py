"""`orderbridge orders list|show|retry`: what happened to each order, and a nudge when needed.

REF is what a merchant has at hand: the `cust_ref` QBC shows as the order number, or the Houzz
OrderId. `retry` releases a held order, or lets a waiting delivery go at the next run instead of
at its backoff time; `--now` runs the delivery at once.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from orderbridge.cli.common import (
    IntegrationOption,
    JsonOption,
    console,
    opened_store,
    print_json,
    reports_errors,
    require_integration,
    say,
)
from orderbridge.cli.order_detail import print_order
from orderbridge.cli.outcomes import describe_outcome
from orderbridge.errors import UsageError
from orderbridge.model import OrderStatus
from orderbridge.runtime.jobs import JOBS, run_job
from orderbridge.workflows.context import open_context
from orderbridge.workflows.order_actions import retry
from orderbridge.workflows.order_view import OrderFilter, find_orders, order_by_ref, order_document

app = typer.Typer(help="Look at orders, and send a held or waiting one again.",
                  no_args_is_help=True)

RefArgument = Annotated[str, typer.Argument(help="The order's cust_ref or Houzz OrderId.")]


def _status(value: str | None) -> OrderStatus | None:
    if value is None:
        return None
    try:
        return OrderStatus(value.strip().lower())
    except ValueError:
        allowed = ", ".join(status.value for status in OrderStatus)
        raise UsageError(f"unknown status {value!r}; use one of: {allowed}") from None


@app.command("list")
@reports_errors
def orders_list(
    status: Annotated[str | None, typer.Option(help="Only orders in this status.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 50,
    integration: IntegrationOption = "default",
    as_json: JsonOption = False,
) -> None:
    """Orders, newest first: cust_ref, Houzz OrderId, status, date, QBC id, hold reason."""
    wanted = _status(status)
    with opened_store() as (_, store), store.session() as session:
        row = require_integration(session, integration)
        summaries, _ = find_orders(session, row.id, OrderFilter(status=wanted), limit=limit)
    if as_json:
        print_json(summaries)
        return
    table = Table(title=f"Orders of {integration!r}" + (f" ({wanted.value})" if wanted else ""))
    for column in ("cust_ref", "Houzz OrderId", "status", "order date", "QBC id"):
        table.add_column(column, no_wrap=True)
    table.add_column("hold reason", ratio=1)
    for item in summaries:
        table.add_row(Text(item["cust_ref"] or ""), Text(item["houzz_order_id"]),
                      item["status"], (item["order_date"] or "")[:10],
                      item["qbc_order_id"] or "", Text(item["hold_reason"] or "", style="red"))
    console().print(table)
    if not summaries:
        say("No orders yet: orderbridge sync --once downloads them.")


@app.command("show")
@reports_errors
def orders_show(
    ref: RefArgument,
    integration: IntegrationOption = "default",
    payload: Annotated[bool, typer.Option(
        "--payload", help="Also print the QBC payload of a delivered order.")] = False,
    as_json: JsonOption = False,
) -> None:
    """One order: details, lines (Houzz SKU → QBC SKU), totals, delivery, timeline."""
    with opened_store() as (_, store), store.session() as session:
        row = require_integration(session, integration)
        document = order_document(session, order_by_ref(session, row, ref))
    if as_json:
        print_json(document)
    else:
        print_order(console(), document, show_payload=payload)


@app.command("retry")
@reports_errors
def orders_retry(
    ref: RefArgument,
    integration: IntegrationOption = "default",
    now: Annotated[bool, typer.Option(
        "--now", help="Run the job that takes the order next at once.")] = False,
) -> None:
    """Send an order again: release a held order, or skip a waiting order's backoff."""
    with opened_store() as (settings, store):
        with store.session() as session:
            row = require_integration(session, integration)
        done = retry(store, row, ref, by="orderbridge orders retry")
        job, cust_ref, paused = done.job, done.cust_ref, done.paused
        say(f"{cust_ref}: {done.message}")
        if paused is not None:
            say(f"Integration {integration!r} is paused ({paused}); nothing is delivered "
                "until it is reconnected or resumed (orderbridge resume).", style="yellow")
        if not now:
            say(f"The next {job} run takes it (orderbridge sync --once, or the running sync).")
            return
        if job not in JOBS:
            raise UsageError(f"this version has no {job} job")
        ctx = open_context(store, settings, integration)
        try:
            outcome = run_job(ctx, job)
        finally:
            ctx.close()
        with store.session() as session:
            after = order_by_ref(session, row, ref)
            status, reason = after.status.value, after.hold_reason
    say(f"{job}: {describe_outcome(outcome)}")
    say(f"{cust_ref} is now {status}" + (f": {reason}" if reason else ""),
        style="green" if status == OrderStatus.AT_WMS else None)
