"""Answers in the format the caller asked for: `format=json` or `format=xml` (the default).

Both carry `Ack`. XML answers have one root, `<{Method}Response>` with the method's first letter
capitalised (`GetOrdersResponse`); errors from a call whose method is unknown use
`<ErrorResponse>`. Money (`Decimal`) is written as a string with two places in both formats.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from fastapi import Request
from fastapi.responses import Response
from starlette.responses import JSONResponse

from orderbridge.sandbox.houzz.errors import HouzzApiError
from orderbridge.sandbox.houzz.xmlio import money, render_document

Format = Literal["json", "xml"]
XML_MEDIA_TYPE = "text/xml; charset=utf-8"


def requested_format(request: Request) -> Format | None:
    """`json` or `xml` from the query (default xml); None when the value is something else."""
    value = request.query_params.get("format", "xml").strip().lower() or "xml"
    if value in ("json", "xml"):
        return value  # type: ignore[return-value]
    return None


def root_name(method: str | None) -> str:
    if not method:
        return "ErrorResponse"
    return method[0].upper() + method[1:] + "Response"


def jsonable(value: Any) -> Any:
    """Plain JSON data: Decimals become two-place strings, everything else is kept as is."""
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value


def render(fmt: Format, method: str | None, payload: dict[str, Any], status: int = 200) -> Response:
    if fmt == "json":
        return JSONResponse(jsonable(payload), status_code=status)
    return Response(render_document(root_name(method), payload), status_code=status,
                    media_type=XML_MEDIA_TYPE)


def success(fmt: Format, method: str, payload: dict[str, Any] | None = None) -> Response:
    return render(fmt, method, {"Ack": "Success", **(payload or {})})


def error(fmt: Format, method: str | None, failure: HouzzApiError, status: int) -> Response:
    payload = {"Ack": "Error", "Errors": [{"Code": failure.code, "Message": failure.message}]}
    return render(fmt, method, payload, status)
