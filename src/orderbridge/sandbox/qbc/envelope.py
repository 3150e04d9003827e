"""The QBC wire envelope: root keys on requests and responses, error bodies, status codes.

Bodies are `{"<singular>": {...}}` in and out; collections answer `{"<plural>": [...]}`.
Errors come in two shapes: `{"type", "message"}` for protocol-level failures (400, 401, 402,
403, 404, 429, 5xx) and `{"errors": {attr: [msg]}}` for validation (422). See reference §1, §6.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import Response

JsonDict = dict[str, Any]

STATUS_TYPES = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    414: "URI Too Long",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ApiError(Exception):
    """An error answered in the QBC format; raised from handlers, rendered by the app."""

    def __init__(self, status: int, body: JsonDict, headers: dict[str, str] | None = None):
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}

    def response(self) -> Response:
        return json_response(self.body, self.status, self.headers)


def error_body(status: int, message: str) -> JsonDict:
    return {"type": STATUS_TYPES.get(status, "Error"), "message": message}


def typed_error(status: int, message: str, headers: dict[str, str] | None = None) -> ApiError:
    return ApiError(status, error_body(status, message), headers)


def bad_request(message: str) -> ApiError:
    return typed_error(400, message)


def not_found(resource: str, ident: object) -> ApiError:
    return typed_error(404, f"Couldn't find {resource} with id {ident}")


def invalid(errors: dict[str, list[str]]) -> ApiError:
    return ApiError(422, {"errors": errors})


def invalid_base(message: str) -> ApiError:
    return invalid({"base": [message]})


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    content = json.dumps(body, separators=(",", ":")).encode()
    return Response(content, status, headers, media_type="application/json")


def no_content() -> Response:
    return Response(status_code=204)


def created(root: str, record: JsonDict, location: str) -> Response:
    return json_response({root: record}, 201, {"Location": location})


def parse_json(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None


async def read_root(request: Request, root: str) -> JsonDict:
    """The object under `root` in the request body; 400 when it is missing or not JSON."""
    body = parse_json(await request.body())
    if not isinstance(body, dict) or not isinstance(body.get(root), dict):
        raise bad_request(f"Required parameter missing: {root}")
    inner: JsonDict = body[root]
    return inner


async def read_optional_root(request: Request, root: str) -> JsonDict:
    """Like `read_root` for action bodies, which may be empty; a present body must be valid."""
    raw = await request.body()
    if not raw.strip():
        return {}
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise bad_request(f"Required parameter missing: {root}")
    inner = body.get(root, {})
    if not isinstance(inner, dict):
        raise bad_request(f"Required parameter missing: {root}")
    return inner


def base_url_of(request: Request, configured: str | None) -> str:
    return (configured or str(request.base_url)).rstrip("/")
