"""Sending one QuickBooks Commerce request: bearer token (a privileged one, or an OAuth one
through an ``httpx.Auth`` that refreshes it), paced by the rate-limit headers,
retried with jittered backoff, bounded by a deadline for the whole exchange.

Retrying a POST is safe because it carries an `Idempotency-Key`: QBC carries a key out once
and replays the first answer (reference §2). Callers pass a key derived from the record, so
even a retry after a crash, from another process, is recognised.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from orderbridge.clock import Clock
from orderbridge.connectors.exchange import exchange
from orderbridge.connectors.http import build_http_client
from orderbridge.connectors.qbc.errors import SYSTEM, raise_for_status
from orderbridge.connectors.qbc.pacing import RatePacer
from orderbridge.errors import ConfigurationError, RemoteError, TransientError

PAGE_SIZE = 250  # the documented maximum (reference §3)


class QbcTransport:
    """The HTTP side of one QBC account: every call counted, paced and bounded."""

    def __init__(self, token: str | httpx.Auth, base_url: str, *,
                 transport: httpx.BaseTransport | None = None, timeout: float = 30.0,
                 max_attempts: int = 5, backoff_base_s: float = 0.5, backoff_cap_s: float = 30.0,
                 clock: Clock | None = None, sleep: Callable[[float], None] = time.sleep,
                 pacer: RatePacer | None = None, max_wait_s: float = 300.0) -> None:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if isinstance(token, str):  # a privileged token: the same for ever
            headers["Authorization"] = f"Bearer {token.strip()}"
        self._http = build_http_client(base_url.rstrip("/"), headers=headers, timeout_s=timeout,
                                       transport=transport)
        if not isinstance(token, str):  # an OAuth token, refreshed as it goes (qbc.oauth)
            self._http.auth = token
        self._timeout = timeout
        self.pacer = pacer or RatePacer(clock=clock, sleep=sleep, max_wait_s=max_wait_s)
        self._sleep = sleep
        self._max_attempts = max_attempts
        self._backoff = (backoff_base_s, backoff_cap_s)
        self.calls = 0
        self.retries = 0

    def close(self) -> None:
        self._http.close()

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return json_body(self.request("GET", path, params=params))

    def get_page(self, path: str, params: dict[str, Any] | None = None,
                 ) -> tuple[Any, dict[str, Any]]:
        """One collection page and its `X-Pagination` header (keys may be missing)."""
        response = self.request("GET", path, params=params)
        raw = response.headers.get("X-Pagination")
        try:
            pagination = json.loads(raw) if raw else {}
        except ValueError:
            pagination = {}
        return json_body(response), pagination if isinstance(pagination, dict) else {}

    def post(self, path: str, body: dict[str, Any] | None = None, *,
             idempotency_key: str | None = None) -> Any:
        key = idempotency_key or str(uuid.uuid4())
        return json_body(self.request("POST", path, json_body=body, idempotency_key=key))

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                json_body: dict[str, Any] | None = None,
                idempotency_key: str | None = None) -> httpx.Response:
        """Send with pacing and retries; raise the hub's error for a failure."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        content = json.dumps(json_body).encode() if json_body is not None else None
        what = f"{method} {path}"
        for attempt in range(1, self._max_attempts + 1):
            self.pacer.before_request()
            self.calls += 1
            try:
                response = exchange(self._http, SYSTEM, method, path, timeout_s=self._timeout,
                                    params=params, content=content, headers=headers)
            except ConfigurationError:
                self.pacer.after_response({})
                raise
            except TransientError as exc:
                self.pacer.after_response({})
                error: TransientError = exc
            else:
                self.pacer.after_response(response.headers)
                try:
                    raise_for_status(response, what)
                    return response
                except TransientError as exc:
                    error = exc
                    if response.status_code == 429:
                        self.pacer.wait_until_reset(exc.retry_after)
            if attempt == self._max_attempts:
                raise error
            self.retries += 1
            if error.status != 429:
                self._sleep(self._backoff_delay(attempt))
        raise RemoteError(SYSTEM, f"{what}: gave up")  # pragma: no cover - loop always returns

    def _backoff_delay(self, attempt: int) -> float:
        base, cap = self._backoff
        return random.uniform(0, min(cap, base * 2 ** (attempt - 1)))  # full jitter


def json_body(response: httpx.Response) -> Any:
    """The answer's JSON document (None for an empty body)."""
    if not response.content:
        return None
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise TransientError(SYSTEM, "answered with something that is not JSON",
                             status=response.status_code) from exc
