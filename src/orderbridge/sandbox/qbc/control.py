"""The QBC simulator's own control API under `/_sandbox/` (besides the harness's `calls` and
`faults`): reset, seed, set stock, ship or void as the merchant would in QBC, read orders and
variants without spending API calls, add tokens, lapse a subscription, read webhook deliveries
and set webhook delivery faults (drops, duplicates, delays; see `webhook_faults`).

Control calls act on account 1 unless they name another with `account_id`.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orderbridge.sandbox.qbc.auth import services_of
from orderbridge.sandbox.qbc.catalog import render_variant
from orderbridge.sandbox.qbc.context import Caller
from orderbridge.sandbox.qbc.envelope import (
    ApiError,
    JsonDict,
    base_url_of,
    error_body,
    not_found,
    typed_error,
)
from orderbridge.sandbox.qbc.order_lines import render_line
from orderbridge.sandbox.qbc.order_view import order_lines, render_order
from orderbridge.sandbox.qbc.records import Order
from orderbridge.sandbox.qbc.resources.accounts import render_account
from orderbridge.sandbox.qbc.seeding import seed_catalog
from orderbridge.sandbox.qbc.shipping import (
    create_fulfillment,
    ensure_shippable,
    fulfil_order,
    parse_items,
    render_fulfillment,
    render_fulfillment_line,
    tracking_fields,
    void_order,
)
from orderbridge.sandbox.qbc.stock import set_on_hand
from orderbridge.sandbox.qbc.tokens import DEFAULT_APP_ID
from orderbridge.sandbox.qbc.webhook_faults import FAULT_KINDS, WebhookFaultSettings

router = APIRouter(prefix="/_sandbox", tags=["sandbox control"])


class SeedBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    skus: int = Field(ge=0, le=200_000)
    seed: int = 0
    locations: int = Field(default=1, ge=1, le=20)
    account_id: int = 1


class StockBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: str
    stock_on_hand: Decimal
    location_id: int | None = None
    account_id: int = 1


class ShipLine(BaseModel):
    order_line_item_id: int
    quantity: Decimal


class ShipBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tracking_company: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    service: str | None = None
    shipped_at: str | None = None
    lines: list[ShipLine] | None = None


class TokenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1)
    account_id: int = 1
    read_only: bool = False
    app_id: int = DEFAULT_APP_ID


class AccountBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    subscription: Literal["active", "lapsed"] = "active"


def _caller(request: Request, account_id: int = 1) -> Caller:
    services = services_of(request)
    account = services.state.ensure_account(account_id)
    return Caller(services, account, DEFAULT_APP_ID,
                  base_url_of(request, services.settings.base_url))


def _order_detail(caller: Caller, order: Order) -> JsonDict:
    account = caller.account
    fulfillments = []
    for fulfillment_id in order.fulfillment_ids:
        fulfillment = account.fulfillments[fulfillment_id]
        rendered = render_fulfillment(caller, fulfillment)
        rendered["fulfillment_line_items"] = [
            render_fulfillment_line(caller, account.fulfillment_lines[line_id])
            for line_id in fulfillment.line_ids]
        fulfillments.append(rendered)
    return {**render_order(account, order),
            "order_line_items": [render_line(line) for line in order_lines(account, order)],
            "fulfillments": fulfillments}


def _order(caller: Caller, order_id: int) -> Order:
    order = caller.account.orders.get(order_id)
    if order is None:
        raise not_found("order", order_id)
    return order


@router.post("/reset")
async def reset(request: Request) -> JsonDict:
    services = services_of(request)
    services.state.reset()
    services.tokens.reset()
    services.harness.reset()
    services.idempotency.reset()
    if services.dispatcher is not None:
        services.dispatcher.reset()
    return {"ok": True}


@router.post("/seed")
async def seed(body: SeedBody, request: Request) -> JsonDict:
    services = services_of(request)
    account = services.state.ensure_account(body.account_id)
    created, location_ids = seed_catalog(services.state, account, body.skus, body.seed,
                                         body.locations)
    return {"variants": body.skus, "created": created, "location_ids": location_ids}


@router.post("/stock")
async def set_stock(body: StockBody, request: Request) -> JsonDict:
    caller = _caller(request, body.account_id)
    account = caller.account
    variant_ids = account.variants_by_sku.get(body.sku)
    if not variant_ids:
        raise not_found("variant", f"sku {body.sku}")
    location_id = body.location_id or account.primary_location_id
    if location_id not in account.locations:
        raise not_found("location", location_id)
    variant = account.variants[variant_ids[0]]
    set_on_hand(caller, variant, location_id, body.stock_on_hand)
    return {"variant": render_variant(variant, account.products.get(variant.product_id))}


@router.post("/orders/{order_id}/ship")
async def ship(order_id: int, body: ShipBody, request: Request,
               account_id: int = 1) -> JsonDict:
    caller = _caller(request, account_id)
    order = _order(caller, order_id)
    fields = tracking_fields(body.model_dump(exclude={"lines"}, exclude_none=True))
    if body.lines is None:
        fulfillment = fulfil_order(caller, order, fields)
    else:
        raw: list[Any] = [{"order_line_item_id": line.order_line_item_id,
                           "quantity": str(line.quantity)} for line in body.lines]
        ensure_shippable(order)
        items = parse_items(caller, order, raw)
        fulfillment = create_fulfillment(caller, order, items, fields, ship=True)
    rendered = render_fulfillment(caller, fulfillment)
    rendered["fulfillment_line_items"] = [
        render_fulfillment_line(caller, caller.account.fulfillment_lines[line_id])
        for line_id in fulfillment.line_ids]
    return {"fulfillment": rendered}


@router.post("/orders/{order_id}/void")
async def void(order_id: int, request: Request, account_id: int = 1) -> JsonDict:
    caller = _caller(request, account_id)
    order = _order(caller, order_id)
    void_order(caller, order)
    return {"order": _order_detail(caller, order)}


@router.get("/orders")
async def list_orders(request: Request, reference_number: str | None = None,
                      account_id: int = 1) -> JsonDict:
    caller = _caller(request, account_id)
    account = caller.account
    if reference_number is None:
        orders = list(account.orders.values())
    else:
        orders = [account.orders[i] for i in account.orders_by_reference.get(reference_number, ())]
    return {"orders": [_order_detail(caller, order) for order in orders]}


@router.get("/orders/{order_id}")
async def show_order(order_id: int, request: Request, account_id: int = 1) -> JsonDict:
    caller = _caller(request, account_id)
    return {"order": _order_detail(caller, _order(caller, order_id))}


@router.get("/variants")
async def list_variants(request: Request, sku: str | None = None,
                        account_id: int = 1) -> JsonDict:
    account = _caller(request, account_id).account
    ids = account.variants_by_sku.get(sku, []) if sku is not None else list(account.variants)
    variants = [account.variants[i] for i in ids]
    return {"variants": [render_variant(v, account.products.get(v.product_id))
                         for v in variants]}


@router.post("/tokens")
async def add_token(body: TokenBody, request: Request) -> JsonDict:
    services = services_of(request)
    services.state.ensure_account(body.account_id)
    services.tokens.add_privileged_token(body.token, body.account_id, body.app_id)
    if body.read_only:
        services.state.read_only_tokens.add(body.token)
    else:
        services.state.read_only_tokens.discard(body.token)
    return {"token": body.token, "account_id": body.account_id, "app_id": body.app_id,
            "read_only": body.read_only}


@router.post("/accounts/{account_id}")
async def set_account(account_id: int, body: AccountBody, request: Request) -> JsonDict:
    account = services_of(request).state.ensure_account(account_id)
    account.subscription = body.subscription
    return {"account": {**render_account(account), "subscription": account.subscription}}


@router.get("/webhook-deliveries")
async def webhook_deliveries(request: Request) -> JsonDict:
    dispatcher = services_of(request).dispatcher
    if dispatcher is None:
        return {"deliveries": [], "wired": False, "pending": 0,
                "faults": dict.fromkeys(FAULT_KINDS, 0)}
    return {"deliveries": dispatcher.deliveries(), "wired": True,
            "pending": dispatcher.pending(), "faults": dispatcher.fault_counts()}


def _dispatcher(request: Request) -> Any:
    dispatcher = services_of(request).dispatcher
    if dispatcher is None:
        raise typed_error(404, "Webhook delivery is not wired in this sandbox")
    return dispatcher


def _unprocessable(message: str, errors: list[Any]) -> ApiError:
    return ApiError(422, {**error_body(422, message), "errors": errors})


def _webhook_fault_settings(raw: Any) -> WebhookFaultSettings:
    """Validated here, not by FastAPI, whose errors this app answers 400 like the real API."""
    try:
        return WebhookFaultSettings.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False)
        message = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}"
                            for e in errors)
        raise _unprocessable(f"Invalid webhook faults: {message}", errors) from exc


@router.get("/webhook-faults")
async def show_webhook_faults(request: Request) -> JsonDict:
    settings: WebhookFaultSettings = _dispatcher(request).faults.settings
    return settings.model_dump()


@router.post("/webhook-faults", openapi_extra={"requestBody": {"content": {"application/json": {
    "schema": WebhookFaultSettings.model_json_schema()}}}})
async def set_webhook_faults(request: Request) -> JsonDict:
    """Replace the webhook delivery faults; omitted fields take their defaults (no fault)."""
    dispatcher = _dispatcher(request)
    raw = await request.body()
    try:
        parsed = json.loads(raw) if raw.strip() else {}
    except ValueError as exc:
        raise _unprocessable(f"Invalid webhook faults: the body is not JSON ({exc})",
                             []) from exc
    settings = _webhook_fault_settings(parsed)
    dispatcher.faults.update(settings)
    return settings.model_dump()
