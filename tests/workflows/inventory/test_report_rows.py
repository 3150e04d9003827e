"""Choosing the stock report's rows and printing them as documents (the CLI and the web)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from orderbridge.workflows.inventory.report import StockRow
from orderbridge.workflows.inventory.report_rows import (
    report_totals,
    row_document,
    select_rows,
)

ROWS = [StockRow("HZ-Chair", "QBC-CHAIR", Decimal("9.000"), Decimal(1), Decimal(0), 8, "stock",
                 7, datetime(2024, 3, 1, tzinfo=UTC)),
        StockRow("HZ-LAMP", None, problems=["no QBC variant backs this SKU"]),
        StockRow("HZ-TABLE", "QBC-TABLE", Decimal(2), Decimal(0), Decimal(0), 2, "stock", 2)]


def test_rows_by_exact_or_partial_sku_and_problems() -> None:
    assert [r.houzz_sku for r in select_rows(ROWS, sku="QBC-CHAIR")] == ["HZ-Chair"]
    assert select_rows(ROWS, sku="chair") == []
    assert [r.houzz_sku for r in select_rows(ROWS, sku=" chair ", partial=True)] == ["HZ-Chair"]
    assert [r.houzz_sku for r in select_rows(ROWS, sku="hz-", partial=True,
                                             problems_only=True)] == ["HZ-LAMP"]
    assert select_rows(ROWS, sku="  ") == ROWS


def test_totals_and_documents() -> None:
    totals = report_totals(ROWS)
    assert (totals.skus, totals.to_push, totals.with_problem) == (3, 1, 1)
    document = row_document(ROWS[0])
    assert document["on_hand"] == "9" and document["committed"] == "1"
    assert document["pushed_at"] == "2024-03-01T00:00:00+00:00" and document["last_pushed"] == 7
