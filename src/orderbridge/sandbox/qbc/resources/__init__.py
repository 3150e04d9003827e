"""The QBC REST resources, one module per resource family; `api_routers()` lists them all."""

from __future__ import annotations

from fastapi import APIRouter


def api_routers() -> list[APIRouter]:
    from orderbridge.sandbox.qbc.resources import (
        accounts,
        catalog,
        companies,
        fulfillments,
        order_actions,
        orders,
        webhooks,
    )

    return [accounts.router, catalog.router, companies.router, orders.router,
            order_actions.router, fulfillments.router, webhooks.router]
