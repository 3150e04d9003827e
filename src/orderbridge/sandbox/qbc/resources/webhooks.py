"""`/webhooks`: subscriptions to the events of reference §7.7, one event per webhook.

`address` and `event` are required and `event` must be one of the documented names (422
otherwise). The subscription belongs to the calling token's OAuth application, whose secret
signs the deliveries.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from orderbridge.sandbox.qbc.context import Caller
from orderbridge.sandbox.qbc.envelope import JsonDict, created, json_response, no_content, read_root
from orderbridge.sandbox.qbc.events import WebhookSubscription
from orderbridge.sandbox.qbc.listing import Listing, index_response, select
from orderbridge.sandbox.qbc.records import Webhook
from orderbridge.sandbox.qbc.resources.common import CallerDep, find
from orderbridge.sandbox.qbc.state import SandboxState
from orderbridge.sandbox.qbc.validation import Errors
from orderbridge.sandbox.qbc.values import iso_ms

router = APIRouter()

EVENTS = frozenset({
    "account.update", "address.create", "address.update", "channel.destroy", "company.create",
    "company.update", "company.destroy", "contact.create", "contact.update",
    "document_theme.update", "fulfillment.create", "fulfillment.fulfilled",
    "fulfillment_return.create", "fulfillment_return.received", "invoice.create",
    "invoice.destroy", "location.create", "location.update", "order.create", "order.finalized",
    "order.fulfilled", "payment.create", "product.create", "product.destroy",
    "procurement.create", "purchase_order.create", "purchase_order.received",
    "stock_adjustment.create", "stock_transfer.create", "variant.create",
    "variant.stock_level_update", "image.create",
})
WEBHOOKS = Listing(filters={"event": ("str", lambda w: w.event)}, has_status=False)


def render_webhook(webhook: Webhook) -> JsonDict:
    return {"id": webhook.id, "created_at": iso_ms(webhook.created_at),
            "updated_at": iso_ms(webhook.updated_at), "address": webhook.address,
            "event": webhook.event, "oauth_application_id": webhook.oauth_application_id}


def subscriptions_of(state: SandboxState) -> list[WebhookSubscription]:
    """Every account's webhooks, as the dispatcher sees them."""
    return [WebhookSubscription(w.id, w.address, w.event, w.oauth_application_id, account.id)
            for account in list(state.accounts.values())
            for w in list(account.webhooks.values())]


def forget_webhook(state: SandboxState, webhook_id: int) -> None:
    for account in list(state.accounts.values()):
        account.webhooks.pop(webhook_id, None)


def _validate(body: JsonDict, partial: bool) -> None:
    errors = Errors()
    for name in ("address", "event"):
        if (not partial or name in body) and not body.get(name):
            errors.add(name, "can't be blank")
    if body.get("event") and body["event"] not in EVENTS:
        errors.add("event", "is not included in the list")
    errors.check()


@router.get("/webhooks")
async def list_webhooks(request: Request, caller: CallerDep) -> Response:
    webhooks = select(request, caller.account.webhooks.values(), WEBHOOKS)
    return index_response(request, "webhooks", webhooks, render_webhook, caller.services.settings)


@router.get("/webhooks/{webhook_id}")
async def show_webhook(webhook_id: str, caller: CallerDep) -> Response:
    return json_response({"webhook": render_webhook(
        find(caller.account.webhooks, webhook_id, "webhook"))})


def _create(caller: Caller, body: JsonDict) -> Webhook:
    _validate(body, partial=False)
    now = caller.now()
    webhook = Webhook(id=caller.state.next_id("webhook"), created_at=now, updated_at=now,
                      address=str(body["address"]), event=str(body["event"]),
                      oauth_application_id=caller.app_id)
    caller.account.webhooks[webhook.id] = webhook
    return webhook


@router.post("/webhooks")
async def post_webhook(request: Request, caller: CallerDep) -> Response:
    webhook = _create(caller, await read_root(request, "webhook"))
    return created("webhook", render_webhook(webhook), caller.url("webhooks", webhook.id))


@router.put("/webhooks/{webhook_id}")
async def put_webhook(webhook_id: str, request: Request, caller: CallerDep) -> Response:
    body = await read_root(request, "webhook")
    webhook = find(caller.account.webhooks, webhook_id, "webhook")
    _validate(body, partial=True)
    webhook.address = str(body.get("address") or webhook.address)
    webhook.event = str(body.get("event") or webhook.event)
    webhook.updated_at = caller.now()
    return no_content()


@router.delete("/webhooks/{webhook_id}")
async def delete_webhook(webhook_id: str, caller: CallerDep) -> Response:
    webhook = find(caller.account.webhooks, webhook_id, "webhook")
    del caller.account.webhooks[webhook.id]
    return no_content()
