"""The dashboard: per integration, what each job last did and when it runs next, orders by
status, open alerts, the QBC rate budget used, and charts of orders and delivery latency per
day (all read by `dashboard_view`)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from orderbridge.web.auth import store_of
from orderbridge.web.dashboard_view import dashboard_of
from orderbridge.web.pages import page_router
from orderbridge.web.templating import render

router = page_router()


@router.get("/")
def dashboard(request: Request) -> Response:
    with store_of(request).session() as session:
        view = dashboard_of(request, session)
    return render(request, "dashboard.html", view=view)
