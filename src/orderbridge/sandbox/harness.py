"""What both simulators share: the call log, fault injection, rate limiting and the generic
part of the `/_sandbox/` control API.

Each simulator builds one `SandboxHarness`, tells it how to name an API call, how to answer an
injected error and a rate-limited request in its own wire format, and installs it on its app.
Control calls (`/_sandbox/...`) are neither logged, faulted nor rate limited.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.requests import ClientDisconnect

from orderbridge.clock import Clock, SystemClock
from orderbridge.sandbox.calls import CallLog, CallRecord
from orderbridge.sandbox.faults import FaultInjector, FaultSettings, RateLimitSettings
from orderbridge.sandbox.ratelimit import FixedWindowLimiter, RateDecision

CONTROL_PREFIX = "/_sandbox"
CLIENT_GONE = 499
"""Logged for a request whose caller disconnected before it was read (nobody gets it)."""
_EXTRA_KEY = "orderbridge.call_extra"


@dataclass(frozen=True)
class WireFormat:
    """How a simulator names calls and answers faults in its own API's format."""

    api_method_of: Callable[[Request], str | None]
    error_response: Callable[[Request, int], Response]
    rate_limited_response: Callable[[Request, RateDecision], Response]
    rate_limit_key: Callable[[Request], str | None]
    rate_limit_headers: bool


def note_call(request: Request, **fields: Any) -> None:
    """Attach extra fields (an idempotency key, say) to the call-log entry of `request`."""
    request.scope.setdefault(_EXTRA_KEY, {}).update(fields)


def rate_limit_headers(decision: RateDecision) -> dict[str, str]:
    return {
        "X-Rate-Limit-Limit": str(decision.limit),
        "X-Rate-Limit-Remaining": str(max(decision.remaining, 0)),
        "X-Rate-Limit-Reset": str(decision.reset_epoch),
    }


class SandboxHarness:
    """Call log, faults and rate limits of one simulator."""

    def __init__(
        self,
        wire: WireFormat,
        default_rate_limit: RateLimitSettings | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.wire = wire
        self.clock = clock or SystemClock()
        self.calls = CallLog()
        self.faults = FaultInjector()
        self._default_rate_limit = default_rate_limit
        self.limiter = self._build_limiter(default_rate_limit)

    def _build_limiter(self, settings: RateLimitSettings | None) -> FixedWindowLimiter | None:
        if settings is None:
            return None
        return FixedWindowLimiter(settings.limit, settings.window_s, self.clock)

    def set_faults(self, settings: FaultSettings) -> None:
        self.faults.update(settings)
        self.limiter = self._build_limiter(settings.rate_limit or self._default_rate_limit)

    def reset(self) -> None:
        """Forget calls and faults; the rate-limit window starts afresh."""
        self.calls.clear()
        self.set_faults(FaultSettings())

    def install(self, app: FastAPI) -> None:
        app.middleware("http")(self._middleware)
        app.include_router(self._control_router())

    async def _middleware(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.url.path.startswith(CONTROL_PREFIX):
            return await call_next(request)
        received_at = datetime.now(UTC).isoformat()
        try:
            response, fault = await self._answer(request, call_next)
        except ClientDisconnect:  # the caller went away mid-request (a killed client)
            response, fault = Response(status_code=CLIENT_GONE), "client_gone"
        extra = dict(request.scope.get(_EXTRA_KEY, {}))
        key = request.headers.get("Idempotency-Key")
        if key is not None:  # logged even when a fault answered before the app saw it
            extra.setdefault("idempotency_key", key)
        self.calls.record(
            CallRecord(
                method=request.method,
                path=request.url.path,
                query=request.url.query,
                status=response.status_code,
                at=received_at,
                api_method=self.wire.api_method_of(request),
                fault=fault,
                extra=extra,
            )
        )
        return response

    async def _answer(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> tuple[Response, str | None]:
        draw = self.faults.draw()
        if draw.latency_s:
            await asyncio.sleep(draw.latency_s)
        decision = self._rate_decision(request)
        if decision is not None and not decision.allowed:
            response = self.wire.rate_limited_response(request, decision)
            return self._with_rate_headers(response, decision), "rate_limited"
        if draw.error:
            response = self.wire.error_response(request, self.faults.settings.error_status)
            return self._with_rate_headers(response, decision), "error"
        settings = self.faults.settings
        if draw.timeout and settings.timeout_mode == "before":
            await asyncio.sleep(settings.timeout_hold_s)
            return self.wire.error_response(request, 504), "timeout"
        response = self._with_rate_headers(await call_next(request), decision)
        if draw.timeout:
            await asyncio.sleep(settings.timeout_hold_s)
            return response, "timeout"
        return response, "latency_spike" if draw.spike else None

    def _rate_decision(self, request: Request) -> RateDecision | None:
        limiter = self.limiter
        if limiter is None:
            return None
        key = self.wire.rate_limit_key(request)
        if key is None:
            return None
        return limiter.hit(key)

    def _with_rate_headers(self, response: Response, decision: RateDecision | None) -> Response:
        if decision is not None and self.wire.rate_limit_headers:
            response.headers.update(rate_limit_headers(decision))
        return response

    def _control_router(self) -> APIRouter:
        router = APIRouter(prefix=CONTROL_PREFIX, tags=["sandbox control"])

        @router.get("/calls")
        async def list_calls() -> dict[str, Any]:
            return {"calls": [call.as_json() for call in self.calls.snapshot()]}

        @router.delete("/calls")
        async def clear_calls() -> dict[str, Any]:
            self.calls.clear()
            return {"ok": True}

        @router.get("/faults")
        async def show_faults() -> dict[str, Any]:
            return self.faults.settings.model_dump()

        @router.post("/faults")
        async def set_faults(settings: FaultSettings) -> JSONResponse:
            self.set_faults(settings)
            return JSONResponse(self.faults.settings.model_dump())

        return router
