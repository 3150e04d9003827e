"""``POST /webhooks/qbc/{integration}``: where QuickBooks Commerce delivers the webhooks the
hub registered. Public (QBC has no login); each delivery proves itself with its signature
(`workflows.qbc_webhooks.receive`). The answer comes within QBC's 10 s: the delivery is only
checked and recorded here, and the job that owns it runs in the background (`runtime.nudges`),
as a run a webhook started: what the webhook named, without the polling read.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from orderbridge.connectors.qbc.webhooks import DELIVERY_HEADER, SIGNATURE_HEADER
from orderbridge.crypto import SecretBox
from orderbridge.runtime.jobs import JobOutcome, run_job
from orderbridge.runtime.nudges import Nudger
from orderbridge.settings import Settings
from orderbridge.store import Store
from orderbridge.store.tables.columns import utcnow
from orderbridge.workflows.context import opened_context
from orderbridge.workflows.options import JobOptions
from orderbridge.workflows.qbc_webhooks.receive import receive
from orderbridge.workflows.qbc_webhooks.registration import public_url_of

MAX_BODY = 64 * 1024
"""QBC's bodies are four short fields; anything this large is not one of them."""
TRIGGER = "webhook"
ENDPOINT_PATH = "/webhooks/qbc/{integration}"

router = APIRouter()


def delivery_address(public_url: str, integration: str) -> str:
    """Where QBC delivers the integration's webhooks, at the hub's public address (checked)."""
    return public_url_of(public_url) + ENDPOINT_PATH.format(
        integration=quote(integration, safe=""))


def install(app: FastAPI, store: Store, settings: Settings) -> None:
    """The route, and the background runner it nudges."""
    app.state.webhook_box = SecretBox.from_settings(settings)

    def run(integration: str, job: str) -> JobOutcome:
        with opened_context(store, settings, integration) as ctx:
            return run_job(ctx, job, options=JobOptions(webhooks_only=True), trigger=TRIGGER)

    app.state.nudger = Nudger(run)
    app.include_router(router)


@router.post(ENDPOINT_PATH, include_in_schema=False)
async def qbc_webhook(integration: str, request: Request) -> Response:
    body = await _body(request)
    if body is None:
        return JSONResponse({"message": "the body is larger than any QBC delivery"}, 413)
    receipt = await run_in_threadpool(
        receive, request.app.state.store, request.app.state.webhook_box, integration, body,
        signature=request.headers.get(SIGNATURE_HEADER),
        delivery_id=request.headers.get(DELIVERY_HEADER), now=utcnow())
    if receipt.job is not None:
        request.app.state.nudger.nudge(integration, receipt.job)
    return JSONResponse({"message": receipt.message}, receipt.status)


async def _body(request: Request) -> bytes | None:
    """The raw body as sent (the signature covers these bytes); None past ``MAX_BODY``."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
