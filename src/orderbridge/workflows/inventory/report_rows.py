"""Choosing and summing up the rows of the stock report (`report.stock_report`), and each row
as a plain document: what `orderbridge inventory report` and the inventory screen share."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from orderbridge.workflows.inventory.report import StockRow


def select_rows(rows: list[StockRow], *, sku: str | None = None, problems_only: bool = False,
                partial: bool = False) -> list[StockRow]:
    """The rows for ``sku`` (its Houzz or QBC SKU; with ``partial``, any SKU containing it,
    whatever the case), with a problem only if ``problems_only``."""
    wanted = (sku or "").strip()
    if wanted:
        if partial:
            folded = wanted.casefold()
            rows = [row for row in rows if any(folded in code.casefold() for code in (
                row.houzz_sku, row.qbc_sku or ""))]
        else:
            rows = [row for row in rows if wanted in (row.houzz_sku, row.qbc_sku)]
    if problems_only:
        rows = [row for row in rows if row.problems]
    return rows


@dataclass(frozen=True)
class ReportTotals:
    skus: int
    to_push: int
    """SKUs whose computed quantity differs from what Houzz last accepted (and no problem)."""
    with_problem: int


def report_totals(rows: list[StockRow]) -> ReportTotals:
    waiting = sum(1 for row in rows if row.computed is not None and row.computed != row.pushed
                  and not row.problems)
    return ReportTotals(len(rows), waiting, sum(1 for row in rows if row.problems))


def number_text(value: Decimal | None) -> str | None:
    """A stock figure without trailing zeros (``9``, ``2.5``), or None."""
    return None if value is None else format(value.normalize(), "f")


def row_document(row: StockRow) -> dict[str, Any]:
    """The row as `inventory report --json` prints it."""
    return {"houzz_sku": row.houzz_sku, "qbc_sku": row.qbc_sku,
            "on_hand": number_text(row.on_hand), "committed": number_text(row.committed),
            "pending_orders": number_text(row.pending), "computed": row.computed,
            "rule": row.rule, "last_pushed": row.pushed,
            "pushed_at": row.pushed_at.isoformat() if row.pushed_at else None,
            "problems": row.problems}
