"""A lean keep-alive HTTP/1.1 client on bare sockets, for the hub's hot path.

httpx spends about a millisecond of CPU on each request (URL and header models, cookie
extraction, h11), and `http.client` still a quarter of one (headers parsed by the `email`
package): a large share of the hub's budget for delivering an order, which is one QBC call. The
QBC client therefore sends through `LeanHttp` when nothing needs httpx's extras: no proxy is
configured (httpx honours the proxy variables, see `connectors.http`) and no transport is
injected (tests). Each request goes out as one byte string and the answer is read by
`connectors.http1`. TLS uses httpx's own SSL context (same trust store, same `SSL_CERT_*`
variables), answers come back as `httpx.Response` and failures as httpx's transport errors, so
everything downstream is unchanged.

A connection is reused only if it was left idle after a complete answer with nothing unread
behind it, the server has not closed it since, and it has not been idle for long (see
`MAX_IDLE_S`). After any failure it is discarded, so a late answer can never be read as the
answer to the next request.
"""

from __future__ import annotations

import re
import select
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode
from urllib.request import getproxies

import httpx

from orderbridge.connectors.http1 import Http1Connection, ProtocolViolation

MAX_IDLE = 8
"""Idle connections kept per origin."""
MAX_IDLE_S = 4.0
"""A connection idle longer than this is closed instead of reused. Servers end idle keep-alive
connections on their own schedule without warning (uvicorn and Node after 5 s, nginx after
75 s). A close that has already arrived is seen before sending (`_closed_by_server`), but one
still on the wire is not: the request crosses it and is lost without an answer, and the caller
cannot tell whether it was carried out. The QBC client then retries, which its Idempotency-Key
makes safe, at the price of a call and possibly a replay. Staying under the common 5 s avoids
the crossing for those servers; it costs a new connection only after a pause, when a handshake
is cheap next to the pause itself. (Servers with shorter timeouts, gunicorn's 2 s, still rely
on the retry.)"""

_NEEDS_QUOTING = re.compile(r"[\x00-\x20\x7f-\U0010ffff]")
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BAD_HEADER_VALUE = re.compile(r"[\r\n\x00]")
_METHODS_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
_FRAMING = frozenset({"content-length", "transfer-encoding"})


class LeanResponse(httpx.Response):
    """An `httpx.Response` for a body already read in full, built at a fifth of the cost.

    `httpx.Response(content=...)` pushes the body through its stream, decoder and chunker
    machinery to end up with the same bytes; here the response starts out read, as one that
    httpx itself has read to the end (`_content` is how httpx marks that).
    """

    def __init__(self, status_code: int, headers: list[tuple[bytes, bytes]],
                 content: bytes) -> None:
        super().__init__(status_code, headers=headers, stream=httpx.ByteStream(content))
        self._content = content
        self.is_stream_consumed = True
        self.is_closed = True


def lean_http_usable(base_url: str, transport: httpx.BaseTransport | None) -> bool:
    """Whether requests to `base_url` can skip httpx: plain HTTP(S), no proxy, no transport."""
    proxies = getproxies()
    return (transport is None and httpx.URL(base_url).scheme in ("http", "https")
            and not any(proxies.get(scheme) for scheme in ("http", "https", "all")))


class LeanHttp:
    """Sends requests to one origin over a small pool of keep-alive connections."""

    def __init__(self, base_url: str, headers: Mapping[str, str], timeout: float, *,
                 max_idle_s: float = MAX_IDLE_S) -> None:
        url = httpx.URL(base_url)
        self._base_url = str(url).rstrip("/")
        self._host = url.raw_host.decode("ascii")
        self._port = url.port or (443 if url.scheme == "https" else 80)
        self._prefix = url.raw_path.decode("ascii").rstrip("/")
        self._ssl = httpx.create_ssl_context() if url.scheme == "https" else None
        self._headers = _overridden({"Host": url.netloc.decode("ascii"),
                                     "Accept-Encoding": "identity"}, headers)
        """Host and Accept-Encoding as http.client sent them, unless the caller sets them."""
        self._header_block = _header_block(self._headers)
        self._header_names = {name.lower() for name in self._headers}
        if self._header_names & _FRAMING:
            raise ValueError("LeanHttp frames the body itself (Content-Length)")
        self._timeout = timeout
        self._max_idle_s = max_idle_s
        self._idle: list[Http1Connection] = []
        self._lock = threading.Lock()

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                content: bytes | None = None,
                headers: Mapping[str, str] | None = None) -> httpx.Response:
        target = self._prefix + path + (f"?{_query(params)}" if params else "")
        if _NEEDS_QUOTING.search(target):
            target = _NEEDS_QUOTING.sub(lambda match: quote(match.group()), target)
        message = self._message(method, target, content, headers)
        connection = self._checkout() or self._connect(method, target)
        try:
            connection.sock.sendall(message)
            answer = connection.read_answer(to_head=method == "HEAD")
        except BaseException as exc:
            connection.close()
            request = self._request(method, target)
            if isinstance(exc, TimeoutError):
                raise httpx.ReadTimeout(str(exc), request=request) from exc
            if isinstance(exc, ProtocolViolation):
                raise httpx.RemoteProtocolError(str(exc), request=request) from exc
            if isinstance(exc, OSError):
                raise httpx.ReadError(str(exc) or type(exc).__name__, request=request) from exc
            raise
        self._checkin(connection, reusable=answer.keep_alive)
        if answer.content_coded:  # not asked for (Accept-Encoding: identity); httpx decodes
            return httpx.Response(answer.status, headers=answer.headers, content=answer.body)
        return LeanResponse(answer.status, answer.headers, answer.body)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    # -- the request on the wire -----------------------------------------------------------

    def _message(self, method: str, target: str, content: bytes | None,
                 headers: Mapping[str, str] | None) -> bytes:
        """The whole request as one byte string, so it leaves in one send."""
        block = self._header_block
        if headers:
            names = {name.lower() for name in headers}
            if names & _FRAMING:
                raise ValueError("LeanHttp frames the body itself (Content-Length)")
            if names & self._header_names:
                block = _header_block(_overridden(self._headers, headers))
            else:
                block += _header_block(headers)
        if content is not None:
            block += f"Content-Length: {len(content)}\r\n"
        elif method in _METHODS_WITH_BODY:
            block += "Content-Length: 0\r\n"
        head = f"{method} {target} HTTP/1.1\r\n{block}\r\n".encode("latin-1")
        return head + content if content else head

    # -- the pool ------------------------------------------------------------------------

    def _checkout(self) -> Http1Connection | None:
        """An idle connection fit for another request, or None."""
        while True:
            with self._lock:
                connection = self._idle.pop() if self._idle else None
            if connection is None:
                return None
            if (time.monotonic() - connection.idle_since <= self._max_idle_s
                    and not _closed_by_server(connection.sock)):
                return connection
            connection.close()

    def _checkin(self, connection: Http1Connection, *, reusable: bool) -> None:
        if reusable and not connection.buffered:
            connection.idle_since = time.monotonic()
            with self._lock:
                if len(self._idle) < MAX_IDLE:
                    self._idle.append(connection)
                    return
        connection.close()

    def _connect(self, method: str, target: str) -> Http1Connection:
        sock: socket.socket | None = None
        try:
            sock = socket.create_connection((self._host, self._port), timeout=self._timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # one send, no wait
            if self._ssl is not None:
                sock = self._ssl.wrap_socket(sock, server_hostname=self._host)
        except BaseException as exc:
            if sock is not None:
                sock.close()
            if isinstance(exc, TimeoutError):
                raise httpx.ConnectTimeout(str(exc),
                                           request=self._request(method, target)) from exc
            if isinstance(exc, OSError):
                raise httpx.ConnectError(str(exc), request=self._request(method, target)) from exc
            raise
        return Http1Connection(sock)

    def _request(self, method: str, target: str) -> httpx.Request:
        return httpx.Request(method, self._base_url + target[len(self._prefix):])


_poll = getattr(select, "poll", None)
"""poll() has no limit on descriptor numbers; select() fails beyond 1023."""


def _closed_by_server(sock: socket.socket) -> bool:
    """An idle keep-alive socket that is readable has been closed (or spoken on) by the
    server: it must not carry another request."""
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    if _poll is None:  # pragma: no cover - platforms without poll()
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable)
    poller = _poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


def _overridden(base: Mapping[str, str], override: Mapping[str, str]) -> dict[str, str]:
    """`base` with the fields named in `override` (in any case) replaced by its own."""
    names = {name.lower() for name in override}
    return {**{name: value for name, value in base.items() if name.lower() not in names},
            **override}


def _header_block(headers: Mapping[str, str]) -> str:
    """Header lines, each ending in CRLF; refuses what could split the request."""
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name) or _BAD_HEADER_VALUE.search(value):
            raise ValueError(f"invalid header {name!r}")
    return "".join(f"{name}: {value}\r\n" for name, value in headers.items())


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
