"""`orderbridge inventory report`: the stock each Houzz SKU gets, how, and what needs a look.

Read from the store only (no API call), as of the last inventory cycle: the QBC figures at the
integration's stock locations, units on Houzz orders QBC has not committed yet, the quantity the
rules give, what Houzz last accepted, and the problems — Houzz listings with no QBC variant,
QBC SKUs Houzz does not list, SKUs shared by several variants, failed pushes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

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
    if sku is not None:
        rows = [row for row in rows if sku.strip() in (row.houzz_sku, row.qbc_sku)]
    if problems:
        rows = [row for row in rows if row.problems]
    if as_json:
        print_json([_document(row) for row in rows])
        return
    if not rows:
        say("No SKU to show" + (" with a problem." if problems else
                                "; run orderbridge sync --once --job inventory first."))
        return
    console().print(_table(rows))
    waiting = sum(1 for row in rows if row.computed is not None and row.computed != row.pushed
                  and not row.problems)
    flagged = sum(1 for row in rows if row.problems)
    say(f"{len(rows)} SKUs; {waiting} to push at the next cycle; {flagged} with a problem.")


def _document(row: StockRow) -> dict[str, Any]:
    return {"houzz_sku": row.houzz_sku, "qbc_sku": row.qbc_sku,
            "on_hand": _number(row.on_hand), "committed": _number(row.committed),
            "pending_orders": _number(row.pending), "computed": row.computed,
            "rule": row.rule, "last_pushed": row.pushed,
            "pushed_at": row.pushed_at.isoformat() if row.pushed_at else None,
            "problems": row.problems}


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


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _text(value: Decimal | None) -> Text:
    return Text(_number(value) or "")
