"""A deadline for a whole HTTP exchange, not only for each read.

httpx's timeouts bound each phase and each read, so a server that answers one byte a second
never trips them and holds a sync for ever. Here the deadline bounds the exchange as a whole:
``within(seconds)`` around a request sets it, and a network backend (httpcore's public
extension point) gives every connect, write and read only the time that is left, failing it
as httpcore's own timeout once none is, which httpx reports as ``httpx.TimeoutException``.

httpx 0.28 takes no network backend of its own (encode/httpx#3749 proposes one), so
``bound_by_deadlines`` sets it on the connection pools of a client it built, its proxies'
included; the tests of this module fail if a new httpx moves those pools.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

_deadline: ContextVar[float | None] = ContextVar("orderbridge_http_deadline", default=None)


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Every exchange started in this block (in this thread) ends within ``seconds``."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _time_left(timeout: float | None, timeout_error: type[Exception]) -> float | None:
    """The timeout for one socket operation: the phase's own, cut to what the deadline leaves."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise timeout_error("the exchange took longer than its deadline")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation is bounded by the current exchange's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return DeadlineStream(self._stream.start_tls(
            ssl_context, server_hostname, _time_left(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own backend, its connections bounded by the exchange's deadline."""

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                    ) -> httpcore.NetworkStream:
        return DeadlineStream(self._inner.connect_tcp(
            host, port, _time_left(timeout, httpcore.ConnectTimeout), local_address,
            socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                            ) -> httpcore.NetworkStream:
        return DeadlineStream(self._inner.connect_unix_socket(
            path, _time_left(timeout, httpcore.ConnectTimeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def bound_by_deadlines(client: httpx.Client) -> int:
    """Give every connection pool of ``client`` (its own and each proxy's) the deadline
    backend; how many it found. Transports that are not httpx's (a test's in-process app)
    open no sockets and are left as they are."""
    transports = [client._transport, *client._mounts.values()]
    bounded = 0
    for transport in transports:
        pool = getattr(transport, "_pool", None) if isinstance(
            transport, httpx.HTTPTransport) else None
        if pool is None:
            continue
        if not isinstance(pool._network_backend, DeadlineBackend):
            pool._network_backend = DeadlineBackend(pool._network_backend)
        bounded += 1
    return bounded
