"""The Webhooks screen: whether QuickBooks Commerce tells the hub at once what shipped and what
stock changed, for the chosen integration — the state, the address QBC delivers to, each
registered event, what arrived lately and what became of it, what to do — with the forms to
register and remove the webhooks. The work is `workflows.qbc_webhooks`' (what
`orderbridge webhooks` does); the handlers are plain functions, so FastAPI runs their
synchronous QBC calls in its threadpool."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar
from urllib.parse import urlencode

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from orderbridge.errors import OrderbridgeError
from orderbridge.settings import Settings
from orderbridge.store import integrations
from orderbridge.store.tables import Integration
from orderbridge.store.tables.columns import utcnow
from orderbridge.web.auth import store_of
from orderbridge.web.choice import chosen_integration, integration_for_form
from orderbridge.web.pages import page_router
from orderbridge.web.qbc_webhook_route import delivery_address
from orderbridge.web.templating import flash, render
from orderbridge.workflows.context import IntegrationContext, opened_context
from orderbridge.workflows.integration_config import config_from_rows
from orderbridge.workflows.qbc_webhooks.registration import (
    APP_SECRET_WHERE,
    register_webhooks,
    remove_webhooks,
)
from orderbridge.workflows.qbc_webhooks.status import webhook_status

router = page_router()
PAGE = "/webhooks"
TEMPLATE = "webhooks/page.html"
Text = Annotated[str, Form()]
T = TypeVar("T")


def _settings(request: Request) -> Settings:
    settings = request.app.state.settings
    assert isinstance(settings, Settings)
    return settings


def public_url_of(request: Request) -> str:
    """Where QBC should reach this hub: ``ORDERBRIDGE_PUBLIC_URL``, else the address this
    browser used (right when the hub is reached directly, not through a proxy)."""
    return _settings(request).public_url or str(request.base_url).rstrip("/")


def _page(request: Request, row: Integration | None, *, status: int = 200,
          error: str | None = None, url: str | None = None) -> Response:
    if row is None:
        return render(request, TEMPLATE, status_code=status, integration=None)
    store = store_of(request)
    with store.session() as session:
        config = config_from_rows(integrations.all_settings(session, row.id))
    shown = webhook_status(store, row.id, row.name, config, now=utcnow())
    return render(request, TEMPLATE, status_code=status, integration=row, shown=shown,
                  error=error, url=public_url_of(request) if url is None else url,
                  app_secret_where=APP_SECRET_WHERE)


def _back(row: Integration | None) -> RedirectResponse:
    query = f"?{urlencode({'integration': row.name})}" if row is not None else ""
    return RedirectResponse(f"{PAGE}{query}", 303)


def _in_context(request: Request, name: str, work: Callable[[IntegrationContext], T]) -> T:
    with opened_context(store_of(request), _settings(request), name) as ctx:
        return work(ctx)


@router.get(PAGE)
def webhooks(request: Request) -> Response:
    with store_of(request).session() as session:
        row = chosen_integration(request, session)
    return _page(request, row)


@router.post(f"{PAGE}/register")
def register(request: Request, url: Text = "", app_secret: Text = "") -> Response:
    row = integration_for_form(request)
    if row is None:
        return _back(row)
    secret = app_secret.strip()
    try:
        done = _in_context(request, row.name,
                           lambda ctx: register_webhooks(
                               ctx, delivery_address(url, ctx.name), secret or None))
    except OrderbridgeError as exc:  # refused input, no connection, or QBC said no
        message = str(exc).replace(secret, "••••") if secret else str(exc)
        return _page(request, row, status=400, error=message, url=url)
    flash(request, f"QBC webhooks registered at {done.address}: "
                   f"{len(done.created)} new, {len(done.kept)} already there.")
    if done.removed:
        flash(request, f"{done.removed} webhook(s) at an earlier address removed.", "info")
    return _back(row)


@router.post(f"{PAGE}/remove")
def remove(request: Request) -> Response:
    row = integration_for_form(request)
    if row is None:
        return _back(row)
    try:
        deleted = _in_context(request, row.name, remove_webhooks)
    except OrderbridgeError as exc:
        flash(request, f"The webhooks could not be removed: {exc}", "error")
    else:
        flash(request, f"Removed {deleted} webhook(s) in QuickBooks Commerce; shipments and "
                       "stock are polled on their own schedules again.")
    return _back(row)
