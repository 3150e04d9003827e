"""One HTTP exchange with a remote API, every outcome named: both connectors send through here.

- the whole exchange runs within a deadline (``connectors.deadline``);
- the body is read up to ``MAX_BODY_BYTES`` (after decompression, so a gzip bomb is cut off
  too) and refused beyond, never loaded whole;
- a failure to talk at all (refused, timed out, a body that does not decode as it says) is a
  ``TransientError``;
- a redirect is a ``ConfigurationError`` naming where it points: the hub never follows one
  (it would carry the credentials to another host), the merchant fixes the base URL.

``Retry-After`` is read here too, in both RFC 9110 forms (seconds, or an HTTP-date).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from orderbridge.connectors.deadline import within
from orderbridge.connectors.http import transport_failure
from orderbridge.errors import ConfigurationError, TransientError

MAX_BODY_BYTES = 16 * 1024 * 1024
"""Far above any real answer (a page of 1,000 Houzz orders is a few MB)."""
_CHUNK = 64 * 1024
_DROPPED_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


def exchange(client: httpx.Client, system: str, method: str, url: str, *, timeout_s: float,
             max_body: int = MAX_BODY_BYTES, what: str | None = None,
             **request: Any) -> httpx.Response:
    """Send one request and read its answer, bounded in time and size; ``what`` names the
    call in messages (default: the method and URL)."""
    what = what or f"{method} {url}"
    try:
        with within(timeout_s):
            built = client.build_request(method, url, **request)
            response = client.send(built, stream=True)
            try:
                body = _bounded_body(response, max_body, system, what)
            finally:
                response.close()
    except httpx.TransportError as exc:
        raise transport_failure(system, exc) from exc
    except httpx.DecodingError as exc:
        raise TransientError(system, f"{what} answered a body that does not decode as its "
                             f"Content-Encoding says ({exc})") from exc
    except httpx.HTTPError as exc:
        raise TransientError(system, f"{what} failed: {exc}") from exc
    if response.is_redirect:
        location = response.headers.get("Location", "somewhere else")
        raise ConfigurationError(system, f"the base URL redirects to {location} (HTTP "
                                 f"{response.status_code}); reconnect with the address it "
                                 "points to as --base-url", status=response.status_code)
    headers = [(k, v) for k, v in response.headers.multi_items()
               if k.lower() not in _DROPPED_HEADERS]
    return httpx.Response(response.status_code, headers=headers, content=body,
                          request=built)


def _bounded_body(response: httpx.Response, max_body: int, system: str, what: str) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_body:
        raise _too_large(system, what, max_body)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes(_CHUNK):
        size += len(chunk)
        if size > max_body:
            raise _too_large(system, what, max_body)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(system: str, what: str, max_body: int) -> TransientError:
    return TransientError(system, f"{what} answered more than {max_body // (1024 * 1024)} MB; "
                          "the answer was refused without reading the rest")


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """`Retry-After` as seconds from now: delay-seconds or an HTTP-date (RFC 9110 §10.2.3);
    None when absent or unreadable (``nan``, a negative number, garbage)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        return _seconds_until(text, now or datetime.now(UTC))
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _seconds_until(http_date: str, now: datetime) -> float | None:
    try:
        moment = parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max((moment - now).total_seconds(), 0.0)
