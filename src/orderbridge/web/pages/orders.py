"""The Orders screen: search and page through the chosen integration's orders, open one, and
act on it (retry now, cancel sending, release hold) with the same functions as
`orderbridge orders`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from orderbridge.errors import UsageError
from orderbridge.model import OrderStatus
from orderbridge.store.tables import Integration, Order
from orderbridge.web.auth import store_of
from orderbridge.web.choice import chosen_integration
from orderbridge.web.order_jobs import run_now
from orderbridge.web.order_search_form import PAGE_SIZE, parse_search, search_links
from orderbridge.web.pages import page_router
from orderbridge.web.templating import flash, render
from orderbridge.workflows import order_actions
from orderbridge.workflows.order_actions import ActionDone
from orderbridge.workflows.order_view import (
    OrderNotFound,
    find_orders,
    order_by_ref,
    order_document,
)

router = page_router()


def detail_href(ref: str, integration: str | None = None) -> str:
    href = f"/orders/{quote(ref, safe='')}"
    return href + (f"?{urlencode({'integration': integration})}" if integration else "")


@router.get("/orders")
def orders_list(request: Request) -> Response:
    search = parse_search(request.query_params)
    with store_of(request).session() as session:
        integration = chosen_integration(request, session)
        rows, total = ([], 0) if integration is None else find_orders(
            session, integration.id, search.filter, limit=PAGE_SIZE, offset=search.offset)
    for row in rows:
        row["href"] = detail_href(row["cust_ref"] or row["houzz_order_id"])
    return render(request, "orders/list.html", status_code=400 if search.errors else 200,
                  integration=integration, rows=rows, total=total, search=search,
                  pages=search_links(search, total),
                  statuses=[status.value for status in OrderStatus])


@router.get("/orders/{ref}")
def order_detail(request: Request, ref: str) -> Response:
    with store_of(request).session() as session:
        integration = _integration(request, session)
        document = order_document(session, _order(session, integration, ref))
    ref_now = document["cust_ref"] or document["houzz_order_id"]
    return render(request, "orders/detail.html", integration=integration, order=document,
                  houzz_json=_pretty(document["houzz_payload"]),
                  qbc_json=None if document["qbc_payload"] is None
                  else _pretty(document["qbc_payload"]),
                  action_href=lambda action: (f"{detail_href(ref_now)}/{action}?"
                                              f"{urlencode({'integration': integration.name})}"))


@router.post("/orders/{ref}/retry")
def retry_now(request: Request, ref: str) -> Response:
    def act(integration: Integration) -> str:
        done = order_actions.retry(store_of(request), integration, ref, by=_by(request))
        ran = run_now(store_of(request), request.app.state.settings, integration.name,
                      done.job)
        return f"{_said(done)} Ran {ran}."
    return _action(request, ref, act)


@router.post("/orders/{ref}/cancel")
def cancel_sending(request: Request, ref: str) -> Response:
    return _action(request, ref, lambda integration: _said(order_actions.cancel_sending(
        store_of(request), integration, ref, by=_by(request))))


@router.post("/orders/{ref}/release")
def release_hold(request: Request, ref: str) -> Response:
    return _action(request, ref, lambda integration: _said(order_actions.release_hold(
        store_of(request), integration, ref, by=_by(request))) + " The next delivery run "
        "takes it.")


def _action(request: Request, ref: str, act: Callable[[Integration], str]) -> Response:
    """Carry out ``act``; flash what it did, or why it does not apply; back to the detail."""
    with store_of(request).session() as session:
        integration = _integration(request, session)
        _order(session, integration, ref)
    try:
        flash(request, act(integration))
    except OrderNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except UsageError as exc:
        flash(request, f"Not done: {exc}", "error")
    return RedirectResponse(detail_href(ref, integration.name), 303)


def _said(done: ActionDone) -> str:
    said = f"{done.cust_ref}: {done.message}."
    if done.paused is not None:
        said += (f" The integration is paused ({done.paused}); nothing moves until it is "
                 "reconnected or resumed.")
    return said


def _by(request: Request) -> str:
    user = getattr(request.state, "user", None)
    return f"the web app, by {user.name}" if user is not None else "the web app"


def _integration(request: Request, session: Session) -> Integration:
    integration = chosen_integration(request, session)
    if integration is None:
        raise HTTPException(404, "There is no integration yet: connect Houzz and QuickBooks "
                                 "Commerce first.")
    return integration


def _order(session: Session, integration: Integration, ref: str) -> Order:
    try:
        return order_by_ref(session, integration, ref)
    except OrderNotFound as exc:
        raise HTTPException(404, str(exc)) from None


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
