"""`Idempotency-Key` on POST and PUT: the operation runs once, a retry gets the first answer.

The reference (§2) says only that keys make an operation run once and expire after 24 h. The
simulator's choices (reference Q10):

- keys are scoped per account; requests with an unknown token are not de-duplicated (they fail
  authentication anyway);
- only successful (2xx) answers are remembered: a request that failed validation or was refused
  leaves the key free for a corrected retry;
- a replay within the TTL answers the first response's status, body and `Location`, plus
  `Idempotent-Replayed: true`, without running the handler again;
- the same key with a different method, path, query or body answers 422
  `{"errors":{"idempotency_key":["has already been used with a different request"]}}`
  (bodies are compared as canonical JSON, so key order and spacing do not matter);
- a second request arriving while the first with the same key is still running waits for it.

It sits inside the harness middleware, so replays are logged (with `idempotency_key` and
`idempotent_replayed` in the call log) and count against the rate limit.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orderbridge.clock import Clock
from orderbridge.sandbox.harness import note_call
from orderbridge.sandbox.qbc.tokens import AccessToken

MISMATCH = {"errors": {"idempotency_key": ["has already been used with a different request"]}}
SKIPPED_PREFIXES = ("/_sandbox", "/oauth")


@dataclass(frozen=True)
class StoredResponse:
    fingerprint: str
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    stored_at: float


class IdempotencyStore:
    """Remembered responses per (account, key), and the keys whose first request is running."""

    def __init__(self, clock: Clock, ttl_s: float) -> None:
        self.clock = clock
        self.ttl_s = ttl_s
        self.responses: dict[tuple[int, str], StoredResponse] = {}
        self.in_flight: dict[tuple[int, str], asyncio.Event] = {}

    def get(self, slot: tuple[int, str]) -> StoredResponse | None:
        stored = self.responses.get(slot)
        if stored is not None and self.clock.time() - stored.stored_at >= self.ttl_s:
            del self.responses[slot]
            return None
        return stored

    def reset(self) -> None:
        self.responses.clear()


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    path = path.removesuffix(".json")
    return f"{method} {path}?{query} {hashlib.sha256(canonical).hexdigest()}"


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


class IdempotencyMiddleware:
    """Pure ASGI middleware applying `IdempotencyStore` to POST and PUT API calls."""

    def __init__(self, app: ASGIApp, store: IdempotencyStore,
                 authenticate: Callable[[Headers], AccessToken | None]) -> None:
        self.app = app
        self.store = store
        self.authenticate = authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (scope["type"] != "http" or scope["method"] not in ("POST", "PUT")
                or path.startswith(SKIPPED_PREFIXES)):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get("idempotency-key")
        access = self.authenticate(headers) if key else None
        if not key or access is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        note_call(request, idempotency_key=key)
        body = await _read_body(receive)
        query = scope.get("query_string", b"").decode("latin-1")
        print_ = fingerprint(scope["method"], path, query, body)
        slot = (access.account_id, key)
        while (running := self.store.in_flight.get(slot)) is not None:
            await running.wait()
        stored = self.store.get(slot)
        if stored is not None:
            await self._replay(request, stored, print_, send)
            return
        event = self.store.in_flight[slot] = asyncio.Event()
        try:
            await self._run(scope, receive, send, body, slot, print_)
        finally:
            del self.store.in_flight[slot]
            event.set()

    async def _replay(self, request: Request, stored: StoredResponse, print_: str,
                      send: Send) -> None:
        if stored.fingerprint != print_:
            body = json.dumps(MISMATCH, separators=(",", ":")).encode()
            await _send(send, 422, [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode())], body)
            return
        note_call(request, idempotent_replayed=True)
        headers = [*stored.headers, (b"idempotent-replayed", b"true")]
        await _send(send, stored.status, headers, stored.body)

    async def _run(self, scope: Scope, receive: Receive, send: Send, body: bytes,
                   slot: tuple[int, str], print_: str) -> None:
        delivered = False

        async def replay_receive() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, replay_receive, capture)
        status = int(start.get("status", 500))
        if 200 <= status < 300:
            self.store.responses[slot] = StoredResponse(
                print_, status, list(start.get("headers", [])), b"".join(chunks),
                self.store.clock.time())


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
