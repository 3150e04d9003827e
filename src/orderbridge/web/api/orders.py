"""``/api/v1/orders``: search and read orders, and the merchant's actions on one (retry, cancel
sending, release hold), with the functions `orderbridge orders` and the Orders screen use.

Every parameter is bounded (lengths, ranges, the status as an enum), so no request can reach
the store with something it cannot take; an unknown integration or order is a 404, an action
that does not apply a 409, each with ``{"error": "..."}`` saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from sqlalchemy.orm import Session

from orderbridge.errors import UsageError
from orderbridge.model import OrderStatus
from orderbridge.store.tables import Integration
from orderbridge.web.api.integrations import integration_named
from orderbridge.web.api.order_models import ActionOut, OrderDetailOut, OrderPageOut
from orderbridge.web.auth import DbSession, store_of
from orderbridge.web.order_jobs import run_now
from orderbridge.workflows import order_actions
from orderbridge.workflows.order_actions import ActionDone
from orderbridge.workflows.order_view import (
    OrderFilter,
    OrderNotFound,
    find_orders,
    order_by_ref,
    order_document,
)

router = APIRouter(prefix="/orders", tags=["orders"])

NO_NUL = r"^[^\x00]*$"
"""Text without NUL characters (PostgreSQL cannot store them)."""
IntegrationName = Annotated[str, Query(min_length=1, max_length=100, pattern=NO_NUL,
                                       description="The integration (default: default)")]
Ref = Annotated[str, Path(min_length=1, max_length=100, pattern=NO_NUL,
                          description="The order's cust_ref or Houzz OrderId")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such integration or order"}}
REFUSED: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND, 409: {"description": "The action does not apply to the order as it is"}}
BY = "the API"


@router.get("", summary="Search the orders", responses=NOT_FOUND)
def search(
    session: DbSession,
    q: Annotated[str | None, Query(max_length=200, pattern=NO_NUL, description=(
        "Part of a cust_ref, a Houzz OrderId (cust_po_no), a buyer's name or a SKU"))] = None,
    status: OrderStatus | None = None,
    date_from: Annotated[date | None, Query(description="Ordered on or after this day "
                                                        "(UTC)")] = None,
    date_to: Annotated[date | None, Query(description="Ordered on or before this day "
                                                      "(UTC)")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    integration: IntegrationName = "default",
) -> OrderPageOut:
    """Newest first; every filter given applies."""
    row = integration_named(session, integration)
    found, total = find_orders(session, row.id, OrderFilter(q, status, date_from, date_to),
                               limit=limit, offset=offset)
    return OrderPageOut.model_validate({"total": total, "limit": limit, "offset": offset,
                                        "orders": found})


@router.get("/{ref}", summary="One order, with its timeline and payloads", responses=NOT_FOUND)
def one(ref: Ref, session: DbSession, integration: IntegrationName = "default") -> OrderDetailOut:
    return _detail(session, integration_named(session, integration), ref)


@router.post("/{ref}/retry", summary="Send an order again (release a held one)",
             responses=REFUSED)
def retry(request: Request, ref: Ref, integration: IntegrationName = "default",
          now: Annotated[bool, Query(description="Run the job that takes it at once")] = True,
          ) -> ActionOut:
    """Like `orderbridge orders retry REF [--now]`."""
    def run(row: Integration, done: ActionDone) -> str | None:
        return run_now(store_of(request), request.app.state.settings, row.name,
                       done.job) if now else None
    return _action(request, integration, ref, order_actions.retry, run)


@router.post("/{ref}/cancel", summary="Cancel sending an order not yet in QBC",
             responses=REFUSED)
def cancel(request: Request, ref: Ref, integration: IntegrationName = "default") -> ActionOut:
    """It is canceled here and never sent to QuickBooks Commerce (it stays open on Houzz)."""
    return _action(request, integration, ref, order_actions.cancel_sending)


@router.post("/{ref}/release", summary="Release a held order", responses=REFUSED)
def release(request: Request, ref: Ref, integration: IntegrationName = "default") -> ActionOut:
    """Held before delivery, it goes back to new; the next delivery run retries it."""
    return _action(request, integration, ref, order_actions.release_hold)


Action = Callable[..., ActionDone]


def _action(request: Request, integration: str, ref: str, action: Action,
            then: Callable[[Integration, ActionDone], str | None] | None = None) -> ActionOut:
    store = store_of(request)
    with store.session() as session:
        row = integration_named(session, integration)
        _detail(session, row, ref)  # a 404 before anything is done
    try:
        done = action(store, row, ref, by=BY)
        ran = None if then is None else then(row, done)
    except OrderNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except UsageError as exc:  # NotApplicable, mostly: the order is not in a state for it
        raise HTTPException(409, str(exc)) from None
    with store.session() as session:
        order = _detail(session, row, ref)
    return ActionOut(message=f"{done.cust_ref}: {done.message}", next_job=done.job,
                     job_run=ran, paused=done.paused, order=order)


def _detail(session: Session, row: Integration, ref: str) -> OrderDetailOut:
    try:
        return OrderDetailOut.model_validate(order_document(session, order_by_ref(session, row,
                                                                                   ref)))
    except OrderNotFound as exc:
        raise HTTPException(404, str(exc)) from None
