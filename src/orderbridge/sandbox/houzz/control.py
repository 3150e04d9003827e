"""The Houzz-specific control API under `/_sandbox/`: reset, seed listings, place and cancel
orders as a buyer, read orders and listings with extras the real API hides, add credentials and
change settings. The harness adds `/_sandbox/calls` and `/_sandbox/faults`. None of these calls
is logged, faulted or rate limited.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import ValidationError

from orderbridge.sandbox.harness import SandboxHarness
from orderbridge.sandbox.houzz.control_models import (
    BuyerCancel,
    ChargeFailure,
    NewCredential,
    PlaceOrders,
    SeedRequest,
)
from orderbridge.sandbox.houzz.orders import CANCELED, HouzzOrder
from orderbridge.sandbox.houzz.placing import place_orders
from orderbridge.sandbox.houzz.render import jsonable
from orderbridge.sandbox.houzz.settings import Credential, SettingsUpdate
from orderbridge.sandbox.houzz.state import HouzzState

_FINAL = {"shipped", "canceled", "cancelled"}


def control_router(state: HouzzState, harness: SandboxHarness) -> APIRouter:
    router = APIRouter(prefix="/_sandbox", tags=["sandbox control"])

    def order_view(order: HouzzOrder) -> dict[str, Any]:
        settings = state.settings
        shown = order.as_houzz(settings.zone, settings.emit_shipping_option)
        return jsonable({**shown, **order.extras()})  # type: ignore[no-any-return]

    def find_order(order_id: str) -> HouzzOrder:
        order = state.orders.get(order_id)
        if order is None:
            raise HTTPException(404, f"no order {order_id} in the Houzz sandbox")
        return order

    @router.post("/reset")
    async def reset() -> dict[str, Any]:
        state.reset()
        harness.reset()
        return {"ok": True}

    @router.post("/seed")
    async def seed(body: SeedRequest) -> dict[str, Any]:
        return {"listings": state.seed(body.skus, body.seed)}

    @router.post("/orders")
    async def place(body: PlaceOrders) -> dict[str, Any]:
        return {"order_ids": place_orders(state, body)}

    @router.get("/orders")
    async def list_orders() -> dict[str, Any]:
        return {"orders": [order_view(order) for order in state.orders_in_feed_order()]}

    @router.get("/orders/{order_id}")
    async def show_order(order_id: str) -> dict[str, Any]:
        return order_view(find_order(order_id))

    @router.post("/orders/{order_id}/cancel")
    async def buyer_cancels(order_id: str, body: BuyerCancel | None = None) -> dict[str, Any]:
        order = find_order(order_id)
        if order.status_text.lower() in _FINAL:
            raise HTTPException(409, f"order {order_id} is {order.status_text}; "
                                "a buyer cannot cancel it any more")
        order.status = CANCELED
        order.cancel = {"At": state.now_text(), "By": "buyer",
                        "Comments": body.comments if body else None, "CancelCode": None}
        return order_view(order)

    @router.post("/orders/{order_id}/fail_charge")
    async def mark_charge_failure(order_id: str,
                                  body: ChargeFailure | None = None) -> dict[str, Any]:
        order = find_order(order_id)
        order.fail_charge = body.fail if body else True
        return order_view(order)

    @router.get("/listings")
    async def list_listings() -> dict[str, Any]:
        return {"listings": [_listing_view(item.as_houzz(), item.history)
                             for item in state.listings.values()]}

    @router.get("/listings/{sku}")
    async def show_listing(sku: str) -> dict[str, Any]:
        listing = state.listings.get(sku)
        if listing is None:
            raise HTTPException(404, f"no listing with SKU {sku} in the Houzz sandbox")
        return _listing_view(listing.as_houzz(), listing.history)

    @router.post("/credentials")
    async def add_credential(body: NewCredential) -> dict[str, Any]:
        state.add_credential(Credential(body.token, body.username, body.app_name,
                                        frozenset(body.permissions)))
        return {"username": body.username, "app_name": body.app_name,
                "permissions": sorted(set(body.permissions))}

    @router.get("/settings")
    async def show_settings() -> dict[str, Any]:
        return state.settings.model_dump(mode="json")

    @router.post("/settings")
    async def change_settings(body: SettingsUpdate) -> dict[str, Any]:
        try:
            state.settings = body.applied_to(state.settings)
        except ValidationError as exc:
            raise HTTPException(422, exc.errors(include_url=False, include_context=False)) from exc
        return state.settings.model_dump(mode="json")

    return router


def _listing_view(shown: dict[str, Any], history: list[dict[str, Any]]) -> dict[str, Any]:
    return jsonable({**shown, "history": history})  # type: ignore[no-any-return]
