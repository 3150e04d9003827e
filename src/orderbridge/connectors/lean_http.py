"""A lean keep-alive HTTP/1.1 client on the standard library, for the hub's hot path.

httpx spends about a millisecond of CPU on each request (URL and header models, cookie
extraction, h11): half the hub's budget for delivering an order, which is one QBC call. The
QBC client therefore sends through `LeanHttp` when nothing needs httpx's extras: no proxy is
configured (httpx honours the proxy variables, see `connectors.http`) and no transport is
injected (tests). TLS uses httpx's own SSL context (same trust store, same `SSL_CERT_*`
variables), and answers come back as `httpx.Response` and failures as httpx's transport
errors, so everything downstream is unchanged.

A connection is reused only if it was left idle after a complete answer and the server has not
closed it since; after any failure it is discarded, so a late answer can never be read as the
answer to the next request.
"""

from __future__ import annotations

import http.client
import select
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode
from urllib.request import getproxies

import httpx

MAX_IDLE = 8


def lean_http_usable(base_url: str, transport: httpx.BaseTransport | None) -> bool:
    """Whether requests to `base_url` can skip httpx: plain HTTP(S), no proxy, no transport."""
    proxies = getproxies()
    return (transport is None and httpx.URL(base_url).scheme in ("http", "https")
            and not any(proxies.get(scheme) for scheme in ("http", "https", "all")))


class LeanHttp:
    """Sends requests to one origin over a small pool of keep-alive connections."""

    def __init__(self, base_url: str, headers: Mapping[str, str], timeout: float) -> None:
        url = httpx.URL(base_url)
        self._base_url = str(url).rstrip("/")
        self._host, self._port = url.host, url.port
        self._prefix = url.raw_path.decode("ascii").rstrip("/")
        self._ssl = httpx.create_ssl_context() if url.scheme == "https" else None
        self._headers = dict(headers)
        self._timeout = timeout
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                content: bytes | None = None,
                headers: Mapping[str, str] | None = None) -> httpx.Response:
        target = self._prefix + path + (f"?{_query(params)}" if params else "")
        connection, fresh = self._checkout()
        try:
            if fresh:
                connection.connect()
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(str(exc), request=self._request(method, target)) from exc
        except OSError as exc:
            raise httpx.ConnectError(str(exc), request=self._request(method, target)) from exc
        try:
            connection.request(method, target, body=content,
                               headers={**self._headers, **(headers or {})})
            answer = connection.getresponse()
            body = answer.read()
        except BaseException as exc:
            connection.close()
            request = self._request(method, target)
            if isinstance(exc, TimeoutError):
                raise httpx.ReadTimeout(str(exc), request=request) from exc
            if isinstance(exc, http.client.HTTPException):
                raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__,
                                                request=request) from exc
            if isinstance(exc, OSError):
                raise httpx.ReadError(str(exc), request=request) from exc
            raise
        self._checkin(connection, reusable=not answer.will_close)
        return httpx.Response(answer.status, headers=answer.getheaders(), content=body)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    def _checkout(self) -> tuple[http.client.HTTPConnection, bool]:
        while True:
            with self._lock:
                connection = self._idle.pop() if self._idle else None
            if connection is None:
                return self._connect(), True
            if connection.sock is not None and not _closed_by_server(connection.sock):
                return connection, False
            connection.close()

    def _checkin(self, connection: http.client.HTTPConnection, *, reusable: bool) -> None:
        with self._lock:
            if reusable and len(self._idle) < MAX_IDLE:
                self._idle.append(connection)
                return
        connection.close()

    def _connect(self) -> http.client.HTTPConnection:
        if self._ssl is not None:
            return http.client.HTTPSConnection(self._host, self._port, timeout=self._timeout,
                                               context=self._ssl)
        return http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)

    def _request(self, method: str, target: str) -> httpx.Request:
        return httpx.Request(method, self._base_url + target[len(self._prefix):])


def _closed_by_server(sock: Any) -> bool:
    """An idle keep-alive socket that is readable has been closed (or spoken on) by the
    server: it must not carry another request."""
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


def _query(params: Mapping[str, Any]) -> str:
    """Query parameters encoded as httpx encodes them (lists repeat the key; booleans are
    `true`/`false`; `None` is empty)."""
    return urlencode([(str(key), _text(item)) for key, value in params.items()
                      for item in (value if isinstance(value, list | tuple) else [value])])


def _text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)
