"""Assembling the QBC simulator app: state, harness, middleware, resources and control routes.

Middleware, outermost first: `X-Request-ID` → harness (call log, faults, rate limit and its
headers) → `Idempotency-Key` replay → `.json` suffix → FastAPI routing. Errors raised as
`ApiError` and unknown routes answer in the QBC `{"type","message"}` shape.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from orderbridge.clock import Clock, SystemClock
from orderbridge.sandbox.harness import SandboxHarness
from orderbridge.sandbox.qbc import control
from orderbridge.sandbox.qbc.auth import authenticate
from orderbridge.sandbox.qbc.context import QbcServices
from orderbridge.sandbox.qbc.envelope import ApiError, error_body, json_response
from orderbridge.sandbox.qbc.events import EventBus
from orderbridge.sandbox.qbc.idempotency import IdempotencyMiddleware, IdempotencyStore
from orderbridge.sandbox.qbc.resources import (
    accounts,
    catalog,
    companies,
    fulfillments,
    order_actions,
    orders,
    webhooks,
)
from orderbridge.sandbox.qbc.resources.webhooks import forget_webhook, subscriptions_of
from orderbridge.sandbox.qbc.settings import QbcSandboxSettings
from orderbridge.sandbox.qbc.state import SandboxState
from orderbridge.sandbox.qbc.tokens import TokenRegistry
from orderbridge.sandbox.qbc.wire import (
    JsonSuffixMiddleware,
    RequestIdMiddleware,
    build_wire_format,
)

try:
    from orderbridge.sandbox.qbc.oauth import build_oauth_router
except ImportError:  # pragma: no cover - written by another helper in parallel
    build_oauth_router = None  # type: ignore[assignment]
try:
    from orderbridge.sandbox.qbc.webhook_delivery import WebhookDispatcher
except ImportError:  # pragma: no cover - written by another helper in parallel
    WebhookDispatcher = None  # type: ignore[assignment,misc]


def _services(settings: QbcSandboxSettings, clock: Clock) -> QbcServices:
    state = SandboxState(clock, settings.primary_location_label, settings.account_name)
    tokens = TokenRegistry(clock, access_ttl_s=settings.access_token_ttl_s)
    services = QbcServices(
        settings=settings, clock=clock, state=state, tokens=tokens, bus=EventBus(),
        harness=None,  # type: ignore[arg-type]  # set just below; needs the services
        idempotency=IdempotencyStore(clock, settings.idempotency_ttl_s),
    )
    services.harness = SandboxHarness(build_wire_format(services), settings.rate_limit, clock)
    if WebhookDispatcher is not None:
        dispatcher: Any = WebhookDispatcher(lambda: subscriptions_of(state), tokens,
                                            lambda webhook_id: forget_webhook(state, webhook_id),
                                            clock=clock)
        services.bus.subscribe(dispatcher.handle)
        services.dispatcher = dispatcher
    return services


def _install_error_handlers(app: FastAPI) -> None:
    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return exc.response()

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = (f"No route matches {request.method} {request.url.path}"
                   if exc.status_code in (404, 405) else str(exc.detail))
        return json_response(error_body(exc.status_code, message), exc.status_code,
                             dict(exc.headers or {}))

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return json_response({"type": "Bad Request", "message": "Invalid request",
                              "errors": exc.errors()}, 400)

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)


def create_qbc_app(settings: QbcSandboxSettings | None = None,
                   clock: Clock | None = None) -> FastAPI:
    """A new, independent QBC simulator with one account and the default token."""
    settings = settings or QbcSandboxSettings()
    services = _services(settings, clock or SystemClock())
    app = FastAPI(title="QuickBooks Commerce sandbox", docs_url="/_sandbox/docs",
                  redoc_url=None, openapi_url="/_sandbox/openapi.json")
    app.state.qbc = services
    _install_error_handlers(app)
    for router in (accounts.router, catalog.router, companies.router, orders.router,
                   order_actions.router, fulfillments.router, webhooks.router):
        app.include_router(router)
    if build_oauth_router is not None:
        app.include_router(build_oauth_router(services.tokens))
    app.include_router(control.router)
    app.add_middleware(JsonSuffixMiddleware)
    app.add_middleware(IdempotencyMiddleware, store=services.idempotency,
                       authenticate=lambda headers: authenticate(services, headers))
    services.harness.install(app)
    app.add_middleware(RequestIdMiddleware)
    return app
