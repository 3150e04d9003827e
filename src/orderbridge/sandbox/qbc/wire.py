"""How the QBC simulator plugs into the shared harness, plus two small ASGI layers.

- Call names in the log: `orders.index`, `orders.show`, `orders.create`, `orders.update`,
  `orders.destroy`, `orders.actions.fulfil`, `accounts.current`, `oauth.token`...
- Injected 5xx and 504 answer `{"type": "Internal Server Error" | "Service Unavailable" | ...,
  "message": ...}`.
- Rate limits are counted per (OAuth application, account) of the bearer token, the key being
  `f"{app_id}:{account_id}"`; a request with an unknown token is counted under
  `unauthenticated:<token>`; `/oauth/*` calls are not rate limited. A 429 answers
  `{"type":"Too Many Requests","message":"Rate limit exceeded, retry after <reset>"}` with
  `Retry-After` (whole seconds until the reset, at least 1) and the `X-Rate-Limit-*` headers
  (the 429 body and `Retry-After` are undocumented, reference Q1).
- Every response carries a fresh `X-Request-ID`; `/resource/1.json` is served as `/resource/1`.
"""

from __future__ import annotations

import math
import uuid

from fastapi import Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orderbridge.sandbox.harness import WireFormat
from orderbridge.sandbox.qbc.auth import bearer_token
from orderbridge.sandbox.qbc.context import QbcServices
from orderbridge.sandbox.qbc.envelope import error_body, json_response
from orderbridge.sandbox.ratelimit import RateDecision

_VERBS = {"GET": "show", "PUT": "update", "PATCH": "update", "DELETE": "destroy"}


def api_method_of(request: Request) -> str | None:
    parts = [p for p in request.url.path.removesuffix(".json").split("/") if p]
    if not parts or parts[0] == "_sandbox":
        return None
    if parts[0] == "oauth":
        return ".".join(parts)
    if len(parts) == 1:
        return f"{parts[0]}.{'index' if request.method == 'GET' else 'create'}"
    if len(parts) == 2 and not parts[1].isdigit():
        return f"{parts[0]}.{parts[1]}"
    if len(parts) == 2:
        return f"{parts[0]}.{_VERBS.get(request.method, request.method.lower())}"
    return ".".join([parts[0], *parts[2:]])


def build_wire_format(services: QbcServices) -> WireFormat:
    def error_response(request: Request, status: int) -> Response:
        message = ("The server is overloaded or timed out; retry with a smaller page size"
                   if status in (503, 504) else "Something went wrong on our side")
        return json_response(error_body(status, message), status)

    def rate_limited_response(request: Request, decision: RateDecision) -> Response:
        wait = max(1, math.ceil(decision.reset_epoch - services.clock.time()))
        body = error_body(429, f"Rate limit exceeded, retry after {decision.reset_epoch}")
        return json_response(body, 429, {"Retry-After": str(wait)})

    def rate_limit_key(request: Request) -> str | None:
        if request.url.path.startswith("/oauth"):
            return None
        token = bearer_token(request.headers)
        access = services.tokens.authenticate(token) if token else None
        if access is None:
            return f"unauthenticated:{token or ''}"
        return f"{access.app_id}:{access.account_id}"

    return WireFormat(api_method_of=api_method_of, error_response=error_response,
                      rate_limited_response=rate_limited_response,
                      rate_limit_key=rate_limit_key, rate_limit_headers=True)


class RequestIdMiddleware:
    """Adds `X-Request-ID` to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []),
                           (b"x-request-id", str(uuid.uuid4()).encode())]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)


class JsonSuffixMiddleware:
    """Serves `/fulfillments/123.json` as `/fulfillments/123` (reference §1)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] == "http" and path.endswith(".json") and not path.startswith("/_sandbox"):
            stripped = path.removesuffix(".json")
            scope = {**scope, "path": stripped, "raw_path": stripped.encode()}
        await self.app(scope, receive, send)
