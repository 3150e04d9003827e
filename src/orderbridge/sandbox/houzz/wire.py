"""How the shared sandbox harness speaks Houzz: calls are named by their `method` parameter;
an injected server error or a rate-limited call is answered with an `Ack=Error` body in the
requested format; the rate limit (off unless a fault sets one) is counted per API token; and
no `X-Rate-Limit-*` headers are sent, since Houzz documents none."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from orderbridge.sandbox.harness import WireFormat
from orderbridge.sandbox.houzz import render
from orderbridge.sandbox.houzz.auth import token_of
from orderbridge.sandbox.houzz.errors import HouzzApiError
from orderbridge.sandbox.houzz.methods import HANDLERS
from orderbridge.sandbox.ratelimit import RateDecision


def _method_of(request: Request) -> str | None:
    return request.query_params.get("method") or None


def _known_method(request: Request) -> str | None:
    method = (request.query_params.get("method") or "").strip()
    return method if method in HANDLERS else None


def _server_error(request: Request, status: int) -> Response:
    failure = HouzzApiError("ServiceUnavailable" if status in (502, 503, 504) else "InternalError",
                            f"Houzz could not process the request (HTTP {status}); "
                            "retry later.")
    return render.error(render.requested_format(request) or "xml", _known_method(request),
                        failure, status)


def _rate_limited(request: Request, decision: RateDecision) -> Response:
    failure = HouzzApiError("RateLimitExceeded",
                            f"Too many requests: at most {decision.limit} calls per window for "
                            "these credentials; slow down and retry.")
    return render.error(render.requested_format(request) or "xml", _known_method(request),
                        failure, 429)


def _token_key(request: Request) -> str:
    return token_of(request.headers) or "(no token)"


HOUZZ_WIRE = WireFormat(
    api_method_of=_method_of,
    error_response=_server_error,
    rate_limited_response=_rate_limited,
    rate_limit_key=_token_key,
    rate_limit_headers=False,
)
