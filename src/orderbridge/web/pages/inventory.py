"""The inventory screen: per Houzz SKU the QBC figures, the quantity the rules give, why it
differs, the last push — `orderbridge inventory report`, searchable by SKU and paged."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from orderbridge.errors import OrderbridgeError
from orderbridge.web.auth import store_of
from orderbridge.web.choice import chosen_integration
from orderbridge.web.pages import page_router
from orderbridge.web.templating import render
from orderbridge.workflows.context import open_context
from orderbridge.workflows.inventory.report import StockRow, stock_report
from orderbridge.workflows.inventory.report_rows import (
    report_totals,
    row_document,
    select_rows,
)

router = page_router()
PAGE_SIZE = 50


@router.get("/inventory")
def inventory(request: Request,
              sku: Annotated[str | None, Query(max_length=200)] = None,
              problems: Annotated[str | None, Query(max_length=10)] = None,
              page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    store = store_of(request)
    with store.session() as session:
        row = chosen_integration(request, session)
    rows: list[StockRow] = []
    not_ready = None
    if row is not None:
        ctx = open_context(store, request.app.state.settings, row.name)
        try:
            rows = stock_report(ctx)
        except OrderbridgeError as exc:  # no inventory cycle yet: says what to run
            not_ready = str(exc)
        finally:
            ctx.close()
    everything = report_totals(rows)
    problems_only = (problems or "").lower() in ("true", "on", "1", "yes")
    rows = select_rows(rows, sku=sku, problems_only=problems_only, partial=True)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    shown = rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    return render(request, "inventory/report.html", integration=row,
                  rows=[row_document(one) for one in shown], matching=len(rows),
                  totals=everything, sku=(sku or "").strip(), problems=problems_only,
                  page=page, pages=pages, not_ready=not_ready)
