"""Turning QBC answers into the hub's error classes (reference §6).

401, 402 and 403 need a person (bad token, lapsed subscription, missing permission): the
integration pauses. 422 refuses one record: it is held with QBC's own words. 429, 5xx and
transport failures are transient.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from orderbridge.connectors.exchange import retry_after_seconds
from orderbridge.errors import (
    ConfigurationError,
    NotFound,
    RecordRejected,
    RemoteError,
    TransientError,
)

SYSTEM = "QuickBooks Commerce"

_CONFIG_MESSAGES = {
    401: "the access token was refused; reconnect with a valid token "
         "(orderbridge connect qbc --token ...)",
    402: "the QuickBooks Commerce subscription has lapsed; renew it, then resume the integration",
    403: "the token is not permitted to do this; use a token of an admin user with API access",
}


def describe_errors(body: Any) -> str:
    """QBC's error body in one line: `{"errors": {attr: [msg]}}`, a list, or `{type, message}`."""
    if not isinstance(body, dict):
        return str(body)[:300]
    errors = body.get("errors")
    if isinstance(errors, dict):
        parts: list[str] = []
        for field, messages in errors.items():
            texts = messages if isinstance(messages, list) else [messages]
            parts.extend(f"{field} {text}" if field != "base" else str(text) for text in texts)
        return "; ".join(parts)
    if isinstance(errors, list):
        return "; ".join(str(item) for item in errors)
    if errors:
        return str(errors)
    return str(body.get("message") or body.get("type") or body)[:300]


def _body(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content) if response.content else {}
    except ValueError:
        return response.text[:300]


def raise_for_status(response: httpx.Response, what: str) -> None:
    """Raise the hub's error for a non-2xx answer to `what` (e.g. "POST /orders")."""
    status = response.status_code
    if status < 300:
        return
    detail = describe_errors(_body(response))
    if status in _CONFIG_MESSAGES:
        raise ConfigurationError(SYSTEM, f"{_CONFIG_MESSAGES[status]} ({detail})", status=status)
    if status == 404:
        raise NotFound(SYSTEM, f"{what} answered HTTP 404: {detail}", status=status)
    if status == 422 and not what.startswith("GET "):  # a read refuses no record to hold
        raise RecordRejected(SYSTEM, detail, status=status)
    if status == 429 or status >= 500:
        raise TransientError(SYSTEM, f"{what} answered HTTP {status}: {detail}", status=status,
                             retry_after=retry_after_seconds(response.headers.get("Retry-After")))
    raise RemoteError(SYSTEM, f"{what} answered HTTP {status}: {detail}", status=status)
