"""Alerts by webhook: one signed JSON POST to the merchant's receiver (httpx), with a deadline,
and every failure said in words ("HTTP 500 from the receiver").

The body is signed with the integration's signing secret: header
``X-Orderbridge-Signature: sha256=<hex HMAC-SHA256 of the raw body>``, so a receiver can tell
the call came from this hub (docs/webhooks.md shows how to check it). Only a 2xx answer counts
as received; redirects are not followed (the signed body is for the address given). The
answer's body is never read: a receiver cannot hold the job by answering slowly or at length.
"""

from __future__ import annotations

import hashlib
import hmac

import httpx

from orderbridge import __version__
from orderbridge.workflows.notifications.channels import WebhookChannel
from orderbridge.workflows.notifications.failures import NotificationFailed, network_words

TIMEOUT_S = 15.0
SIGNATURE_HEADER = "X-Orderbridge-Signature"
EVENT_HEADER = "X-Orderbridge-Event"
DELIVERY_HEADER = "X-Orderbridge-Delivery"
"""The same for every resend of the same alerts: a receiver may drop a repeat by it."""


def signature(secret: str, body: bytes) -> str:
    """The header value for ``body``: ``sha256=`` and the hex HMAC-SHA256 with ``secret``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is the signature of ``body`` with ``secret`` (what a receiver does)."""
    return header is not None and hmac.compare_digest(signature(secret, body), header)


def post_webhook(channel: WebhookChannel, body: bytes, *, event: str, delivery: str,
                 timeout_s: float = TIMEOUT_S) -> None:
    """POST ``body``; `NotificationFailed` says why the receiver did not take it."""
    headers = {"Content-Type": "application/json", "User-Agent": f"orderbridge/{__version__}",
               SIGNATURE_HEADER: signature(channel.secret, body), EVENT_HEADER: event,
               DELIVERY_HEADER: delivery}
    where = _where(channel.url)
    try:
        with httpx.Client(timeout=timeout_s, follow_redirects=False) as client, \
                client.stream("POST", channel.url, content=body, headers=headers) as response:
            status = response.status_code
    except httpx.TimeoutException:
        raise _failed(f"no answer from {where} within {timeout_s:g} s") from None
    except httpx.TransportError as exc:
        raise _failed(_transport_words(exc, where, timeout_s)) from None
    if 300 <= status < 400:
        raise _failed(f"HTTP {status} from the receiver at {where}: it redirects, and "
                      "redirects are not followed; put the final address in alert_webhook_url")
    if not 200 <= status < 300:
        raise _failed(f"HTTP {status} from the receiver at {where}{_meaning(status)}")


def _transport_words(exc: httpx.TransportError, where: str, timeout_s: float) -> str:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, OSError):
            return network_words(cause, where, timeout_s)
        cause = cause.__cause__ or cause.__context__
    text = str(exc)
    if "refused" in text.lower():
        return f"connection refused by {where} (is the receiver running, is the port right?)"
    if "certificate" in text.lower() or "ssl" in text.lower():
        return f"TLS with {where} failed ({text})"
    return f"could not reach {where} ({text or type(exc).__name__})"


def _meaning(status: int) -> str:
    if status in (401, 403):
        return " (it refused the call: does it expect this signing secret?)"
    if status == 404:
        return " (no such address there: check alert_webhook_url)"
    if status >= 500:
        return " (the receiver failed; it is sent again at the next run)"
    return ""


def _where(url: str) -> str:
    """Host and port only: a URL's path may hold a token of the receiver's."""
    parts = httpx.URL(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.host}:{port}"


def _failed(message: str) -> NotificationFailed:
    return NotificationFailed("webhook", message)
