"""`orderbridge inventory report`: the stock each Houzz SKU gets, how, and what needs a look.

Read from the store only (no API call), as of the last inventory cycle: the QBC figures at the
integration's stock locations, units on Houzz orders QBC has not committed yet, the quantity the
rules give, what Houzz last accepted, and the problems — Houzz listings with no QBC variant,
QBC SKUs Houzz does not list, SKUs shared by several variants, failed pushes.
"""

from __future__ import annotations

from decimal import Decimal
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
    say,
    when,
)
from orderbridge.workflows.context import open_context
from orderbridge.workflows.inventory.report import StockRow, stock_report
from orderbridge.workflows.inventory.report_rows import (
    number_text,
    report_totals,
    row_document,
    select_rows,
)

app = typer.Typer(help="Stock levels sent from QuickBooks Commerce to Houzz.",
                  no_args_is_help=True)


@app.command("report")
@reports_errors
def report(integration: IntegrationOption = "default", as_json: JsonOption = False,
           problems: Annotated[bool, typer.Option(
               "--problems", help="Only SKUs with a problem.")] = False,
           sku: Annotated[str | None, typer.Option(
               "--sku", help="Only this Houzz or QBC SKU.")] = None) -> None:
    """Per Houzz SKU: QBC stock, computed quantity, last pushed, problems."""
    with opened_store() as (settings, store):
        ctx = open_context(store, settings, integration)
        try:
            rows = stock_report(ctx)
        finally:
            ctx.close()
    rows = select_rows(rows, sku=sku, problems_only=problems)
    if as_json:
        print_json([row_document(row) for row in rows])
        return
    if not rows:
        say("No SKU to show" + (" with a problem." if problems else
                                "; run orderbridge sync --once --job inventory first."))
        return
    console().print(_table(rows))
    totals = report_totals(rows)
    say(f"{totals.skus} SKUs; {totals.to_push} to push at the next cycle; "
        f"{totals.with_problem} with a problem.")


def _table(rows: list[StockRow]) -> Table:
    table = Table(title="Stock for Houzz")
    for column in ("Houzz SKU", "QBC SKU", "on hand", "committed", "pending", "computed",
                   "last pushed", "problems"):
        table.add_column(column, justify="right" if column in (
            "on hand", "committed", "pending", "computed") else "left")
    for row in rows:
        pushed = "" if row.pushed is None else f"{row.pushed} ({when(row.pushed_at)})"
        computed = "" if row.computed is None else str(row.computed)
        if row.rule not in (None, "stock"):
            computed += f" ({row.rule.replace('_', ' ')})"
        table.add_row(Text(row.houzz_sku), Text(row.qbc_sku or ""), _text(row.on_hand),
                      _text(row.committed), _text(row.pending), Text(computed),
                      Text(pushed), Text("; ".join(row.problems), style="yellow"))
    return table


def _text(value: Decimal | None) -> Text:
    return Text(number_text(value) or "")
