"""The single Seller API endpoint, `GET|POST /api?format=...&method=...`.

Order of checks: response format, the three auth headers, the method name, the credential's
permission for it, then the method itself. Every refusal is an `Ack=Error` answer with HTTP
status `error_http_status` (200 by default: the clients parse the body whatever the status).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from orderbridge.sandbox.houzz import render
from orderbridge.sandbox.houzz.auth import authenticate, require_permission
from orderbridge.sandbox.houzz.errors import HouzzApiError
from orderbridge.sandbox.houzz.methods import HANDLERS, NOT_SIMULATED, ApiCall
from orderbridge.sandbox.houzz.state import HouzzState

_SIMULATED = ", ".join(HANDLERS)


def api_router(state: HouzzState) -> APIRouter:
    router = APIRouter()

    @router.api_route("/api", methods=["GET", "POST"], include_in_schema=True)
    async def houzz_api(request: Request) -> Response:
        body = await request.body()
        # From here on nothing awaits, so the state changes below cannot interleave.
        method = request.query_params.get("method", "").strip()
        known = method if method in HANDLERS else None
        fmt = render.requested_format(request)
        try:
            if fmt is None:
                raise HouzzApiError(
                    "InvalidFormat",
                    f"format={request.query_params.get('format')!r} is not supported; "
                    "use format=json or format=xml.",
                )
            credential = authenticate(request.headers, state.credentials)
            handler = HANDLERS.get(method)
            if handler is None:
                raise _unknown_method(method)
            require_permission(credential, method)
            payload = handler(ApiCall(state, request.query_params, body))
        except HouzzApiError as failure:
            return render.error(fmt or "xml", known, failure, state.settings.error_http_status)
        return render.success(fmt, method, payload)

    return router


def _unknown_method(method: str) -> HouzzApiError:
    if not method:
        return HouzzApiError("InvalidMethod", "The method query parameter is missing; use one "
                             f"of {_SIMULATED}.")
    if method in NOT_SIMULATED:
        return HouzzApiError("InvalidMethod", f"Method {method!r} exists on Houzz but is not "
                             f"simulated by this sandbox; simulated methods: {_SIMULATED}.")
    hint = next((name for name in HANDLERS if name.lower() == method.lower()), None)
    did_you_mean = f" Did you mean {hint!r}? Method names are case-sensitive." if hint else ""
    return HouzzApiError("InvalidMethod", f"Unknown method {method!r}; valid methods: "
                         f"{_SIMULATED}.{did_you_mean}")
