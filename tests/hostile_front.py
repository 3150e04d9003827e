"""A hostile server in front of a sandbox, on loopback: it forwards every request to the
sandbox unchanged, except those a rule catches, which it answers as an adversary would (a
byte a second, a gzip header on plain text, truncated JSON, an HTML page, an entity bomb, a
redirect, 50 MB...) or rewrites on the way in or out.

The hub is connected to the front's URL, so the real CLI, in its own process, meets the
answers; the test sets and clears rules in its own process while that runs.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-encoding",
               "content-length", "host"}


@dataclass
class Seen:
    """A request as the front saw it."""

    method: str
    path: str
    query: dict[str, str]
    body: bytes

    @property
    def houzz_method(self) -> str:
        return self.query.get("method", "")


@dataclass
class Answer:
    """What the front sends instead of (or after) forwarding."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    trickle_s: float = 0.0
    """Seconds between bytes (status line, headers and body), 0 for all at once."""
    forward_first: bool = False
    """Send the request to the sandbox first (its effect happens), then answer this."""


Matcher = Callable[[Seen], bool]
Rewriter = Callable[[Seen, httpx.Response], Answer]


@dataclass
class Rule:
    matches: Matcher
    answer: Answer | None = None
    rewrite: Rewriter | None = None
    """Forward, then build the answer from the sandbox's."""
    rewrite_query: Callable[[dict[str, str]], dict[str, str]] | None = None
    times: int | None = None
    """How many requests it catches (None: all)."""
    caught: int = 0


class HostileFront:
    """One loopback server in front of ``upstream``."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.rules: list[Rule] = []
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._http = httpx.Client(timeout=30)
        front = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                front._handle(self)

            do_POST = do_PUT = do_DELETE = do_GET

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._http.close()

    def add(self, rule: Rule) -> Rule:
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def _rule_for(self, seen: Seen) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if (rule.times is None or rule.caught < rule.times) and rule.matches(seen):
                    rule.caught += 1
                    return rule
        return None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        seen = Seen(handler.command, parts.path, dict(parse_qsl(parts.query)), body)
        with self._lock:
            self.seen.append(seen)
        rule = self._rule_for(seen)
        try:
            if rule is None:
                _send(handler, _answer_of(self._forward(handler, parts.path, parts.query, body)))
                return
            query = parts.query
            if rule.rewrite_query is not None:
                query = urlencode(rule.rewrite_query(dict(parse_qsl(parts.query))))
            if rule.rewrite is not None:
                upstream = self._forward(handler, parts.path, query, body)
                _send(handler, rule.rewrite(seen, upstream))
                return
            if rule.answer is None:
                _send(handler, _answer_of(self._forward(handler, parts.path, query, body)))
                return
            if rule.answer.forward_first:
                self._forward(handler, parts.path, query, body)
            _send(handler, rule.answer)
        except (BrokenPipeError, ConnectionResetError):
            return  # the hub gave up on this answer (its deadline): what the test wants

    def _forward(self, handler: BaseHTTPRequestHandler, path: str, query: str,
                 body: bytes) -> httpx.Response:
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP_BY_HOP}
        url = f"{self.upstream}{path}" + (f"?{query}" if query else "")
        return self._http.request(handler.command, url, content=body, headers=headers)


def _answer_of(response: httpx.Response) -> Answer:
    headers = {k: v for k, v in response.headers.items() if k.lower() not in _HOP_BY_HOP}
    return Answer(response.status_code, response.content, headers)


def _send(handler: BaseHTTPRequestHandler, answer: Answer) -> None:
    head = [f"HTTP/1.1 {answer.status} Hostile\r\n"]
    headers = {"Content-Length": str(len(answer.body)), **answer.headers}
    head += [f"{name}: {value}\r\n" for name, value in headers.items()]
    data = ("".join(head) + "\r\n").encode("latin-1") + answer.body
    if answer.trickle_s <= 0:
        handler.wfile.write(data)
        handler.wfile.flush()
        return
    for index in range(len(data)):
        handler.wfile.write(data[index:index + 1])
        handler.wfile.flush()
        time.sleep(answer.trickle_s)


@contextmanager
def hostile_front(upstream: str) -> Iterator[HostileFront]:
    front = HostileFront(upstream)
    try:
        yield front
    finally:
        front.close()


# -- matchers and answers the tests share ----------------------------------------------------

def houzz_call(method: str) -> Matcher:
    return lambda seen: seen.path == "/api" and seen.houzz_method == method


def qbc_call(verb: str, path_prefix: str) -> Matcher:
    return lambda seen: seen.method == verb and seen.path.startswith(path_prefix)


def json_answer(document: Any, status: int = 200, headers: dict[str, str] | None = None,
                ) -> Answer:
    return Answer(status, json.dumps(document).encode(),
                  {"Content-Type": "application/json", **(headers or {})})


def html_answer(status: int = 200) -> Answer:
    page = b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>We'll be " \
           b"right back</h1><p>Scheduled maintenance.</p></body></html>"
    return Answer(status, page, {"Content-Type": "text/html"})


ENTITY_BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
               b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
               b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
               b'<UpdateOrderResponse><Ack>&lol3;</Ack></UpdateOrderResponse>')
EXTERNAL_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                   b'<UpdateOrderResponse><Ack>&x;</Ack></UpdateOrderResponse>')
