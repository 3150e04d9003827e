"""Webhook delivery: real POSTs to a receiver app on loopback, signatures checked from raw bytes."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from orderbridge.sandbox.qbc.events import Event, WebhookSubscription
from orderbridge.sandbox.qbc.tokens import TokenRegistry
from orderbridge.sandbox.qbc.webhook_delivery import WebhookDispatcher
from orderbridge.sandbox.server import RunningServer, serve_in_thread

APP_SECRET = "sandbox-app-secret"
FAST = (0.01, 0.01, 0.01)


@dataclass
class Hit:
    name: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Receiver:
    """A webhook endpoint that records raw requests and answers planned status codes."""

    hits: list[Hit] = field(default_factory=list)
    plans: dict[str, list[int]] = field(default_factory=dict)
    hold_s: float = 0.0
    on_hit: Callable[[str], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def plan(self, name: str, *statuses: int) -> None:
        """Answer `name` with these statuses in turn, then 200."""
        self.plans[name] = list(statuses)

    def status_for(self, name: str) -> int:
        with self.lock:
            plan = self.plans.get(name, [])
            return plan.pop(0) if plan else 200

    def of(self, name: str) -> list[Hit]:
        with self.lock:
            return [hit for hit in self.hits if hit.name == name]


def receiver_app(receiver: Receiver) -> FastAPI:
    app = FastAPI()

    @app.post("/hooks/{name}")
    async def hook(name: str, request: Request) -> Response:
        body = await request.body()
        with receiver.lock:
            receiver.hits.append(Hit(name, body, dict(request.headers)))
        if receiver.on_hit is not None:
            receiver.on_hit(name)
        if name == "slow":
            await asyncio.sleep(receiver.hold_s)
        return Response(status_code=receiver.status_for(name))

    return app


@pytest.fixture(scope="module")
def receiver_server() -> Iterator[tuple[Receiver, RunningServer]]:
    receiver = Receiver()
    server = serve_in_thread(receiver_app(receiver))
    yield receiver, server
    server.stop()


@pytest.fixture
def receiver(receiver_server: tuple[Receiver, RunningServer]) -> Receiver:
    found, _ = receiver_server
    with found.lock:
        found.hits.clear()
        found.plans.clear()
    found.on_hit = None
    found.hold_s = 0.0
    return found


@pytest.fixture
def base_url(receiver_server: tuple[Receiver, RunningServer]) -> str:
    return receiver_server[1].base_url


class World:
    """Subscriptions in a list, the dispatcher over them, and the ids `on_gone` was told."""

    def __init__(self, retry_delays_s: tuple[float, ...] = FAST, timeout_s: float = 5) -> None:
        self.subscriptions: list[WebhookSubscription] = []
        self.gone: list[int] = []
        self.tokens = TokenRegistry()
        self.dispatcher = WebhookDispatcher(lambda: list(self.subscriptions), self.tokens,
                                            self.on_gone, retry_delays_s=retry_delays_s,
                                            timeout_s=timeout_s)

    def on_gone(self, subscription_id: int) -> None:
        self.gone.append(subscription_id)
        self.subscriptions = [s for s in self.subscriptions if s.id != subscription_id]

    def subscribe(self, address: str, event: str = "order.create", account_id: int = 1,
                  app_id: int = 1) -> WebhookSubscription:
        sub = WebhookSubscription(len(self.subscriptions) + 100, address, event, app_id,
                                  account_id)
        self.subscriptions.append(sub)
        return sub

    def publish(self, *events: Event, timeout_s: float = 5) -> None:
        """Call `handle` from inside a running loop, as a request handler would, and wait."""
        async def run() -> None:
            for event in events:
                self.dispatcher.handle(event)
            assert await self.dispatcher.drain(timeout_s)

        asyncio.run(run())


def order_event(object_id: int = 42, name: str = "order.create", account_id: int = 1) -> Event:
    return Event(name, object_id, f"https://api.tradegecko.com/orders/{object_id}.json",
                 account_id, 1_700_000_000 + object_id)


def expected_signature(body: bytes) -> str:
    return base64.b64encode(hmac.new(APP_SECRET.encode(), body, hashlib.sha256).digest()).decode()


def test_delivery_posts_a_signed_json_body(receiver: Receiver, base_url: str) -> None:
    world = World()
    sub = world.subscribe(f"{base_url}/hooks/a")
    world.publish(order_event(42))
    [hit] = receiver.of("a")
    assert json.loads(hit.body) == {
        "object_id": 42, "event": "order.create", "timestamp": 1_700_000_042,
        "resource_url": "https://api.tradegecko.com/orders/42.json"}
    assert b" " not in hit.body and b"\n" not in hit.body  # compact, like Ruby's to_json
    assert hit.headers["content-type"] == "application/json"
    signature = hit.headers["x-gecko-signature"]
    assert signature == expected_signature(hit.body)
    assert signature.strip() == signature and " " not in signature
    assert uuid.UUID(hit.headers["x-gecko-delivery"])
    [attempt] = world.dispatcher.deliveries()
    assert attempt["delivery_id"] == hit.headers["x-gecko-delivery"]
    assert (attempt["subscription_id"], attempt["event"], attempt["object_id"]) == (
        sub.id, "order.create", 42)
    assert (attempt["attempt"], attempt["status"], attempt["error"]) == (1, 200, None)
    assert attempt["address"] == sub.address and attempt["at"]
    assert world.gone == []


def test_every_delivery_has_its_own_id(receiver: Receiver, base_url: str) -> None:
    world = World()
    world.subscribe(f"{base_url}/hooks/u1")
    world.subscribe(f"{base_url}/hooks/u2")
    world.publish(order_event(1), order_event(2))
    ids = [hit.headers["x-gecko-delivery"] for hit in receiver.of("u1") + receiver.of("u2")]
    assert len(ids) == 4 and len(set(ids)) == 4


def test_failures_are_retried_with_the_same_bytes_until_success(receiver: Receiver,
                                                                base_url: str) -> None:
    world = World()
    receiver.plan("flaky", 500, 503)
    world.subscribe(f"{base_url}/hooks/flaky")
    world.publish(order_event(7))
    hits = receiver.of("flaky")
    assert len(hits) == 3
    assert len({hit.body for hit in hits}) == 1
    assert len({hit.headers["x-gecko-delivery"] for hit in hits}) == 1
    assert all(hit.headers["x-gecko-signature"] == expected_signature(hit.body) for hit in hits)
    attempts = world.dispatcher.deliveries()
    assert [(a["attempt"], a["status"]) for a in attempts] == [(1, 500), (2, 503), (3, 200)]
    assert world.gone == []


def test_redirect_counts_as_success(receiver: Receiver, base_url: str) -> None:
    world = World()
    receiver.plan("moved", 302)
    world.subscribe(f"{base_url}/hooks/moved")
    world.publish(order_event())
    assert [a["status"] for a in world.dispatcher.deliveries()] == [302]


def test_410_gone_deletes_the_webhook_without_retrying(receiver: Receiver, base_url: str) -> None:
    world = World()
    receiver.plan("gone", 410, 410, 410)
    sub = world.subscribe(f"{base_url}/hooks/gone")
    world.publish(order_event())
    assert world.gone == [sub.id]
    assert len(receiver.of("gone")) == 1
    world.publish(order_event(43))  # the subscription is gone now
    assert len(receiver.of("gone")) == 1


def test_exhausted_retries_delete_the_webhook(receiver: Receiver, base_url: str) -> None:
    world = World(retry_delays_s=(0.01, 0.01))
    receiver.plan("down", 500, 500, 500, 500)
    sub = world.subscribe(f"{base_url}/hooks/down")
    world.publish(order_event())
    assert [a["status"] for a in world.dispatcher.deliveries()] == [500, 500, 500]
    assert world.gone == [sub.id]


def test_transport_errors_are_failed_attempts() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    world = World(retry_delays_s=(0.01,))
    sub = world.subscribe(f"http://127.0.0.1:{closed_port}/hook")
    world.publish(order_event())
    attempts = world.dispatcher.deliveries()
    assert [(a["status"], bool(a["error"])) for a in attempts] == [(None, True), (None, True)]
    assert world.gone == [sub.id]


def test_a_slow_endpoint_times_out_and_is_retried(receiver: Receiver, base_url: str) -> None:
    world = World(retry_delays_s=(0.01,), timeout_s=0.2)
    receiver.hold_s = 1.0
    world.subscribe(f"{base_url}/hooks/slow")
    world.publish(order_event())
    attempts = world.dispatcher.deliveries()
    assert [a["status"] for a in attempts] == [None, None]
    assert "0.2" in attempts[0]["error"]


def test_only_matching_event_and_account_are_delivered(receiver: Receiver,
                                                       base_url: str) -> None:
    world = World()
    world.subscribe(f"{base_url}/hooks/match")
    world.subscribe(f"{base_url}/hooks/other-event", event="fulfillment.create")
    world.subscribe(f"{base_url}/hooks/other-account", account_id=2)
    world.publish(order_event(5), order_event(6, name="order.finalized"),
                  order_event(7, account_id=3))
    assert [json.loads(hit.body)["object_id"] for hit in receiver.of("match")] == [5]
    assert receiver.of("other-event") == [] and receiver.of("other-account") == []
    world.publish(order_event(8, account_id=2))
    assert [json.loads(hit.body)["object_id"] for hit in receiver.of("other-account")] == [8]


def test_retries_stop_once_the_subscription_is_deleted(receiver: Receiver,
                                                       base_url: str) -> None:
    world = World()
    receiver.plan("deleted", 500, 500)
    receiver.on_hit = lambda name: world.subscriptions.clear()
    world.subscribe(f"{base_url}/hooks/deleted")
    world.publish(order_event())
    assert len(receiver.of("deleted")) == 1
    assert world.gone == []


def test_reset_cancels_pending_retries(receiver: Receiver, base_url: str) -> None:
    world = World(retry_delays_s=(30,))
    receiver.plan("later", 500)
    world.subscribe(f"{base_url}/hooks/later")

    async def run() -> None:
        world.dispatcher.handle(order_event())
        for _ in range(500):
            if world.dispatcher.deliveries():
                break
            await asyncio.sleep(0.01)
        assert world.dispatcher.pending() == 1
        world.dispatcher.reset()
        assert await world.dispatcher.drain(2)

    asyncio.run(run())
    assert world.dispatcher.deliveries() == []
    assert len(receiver.of("later")) == 1


def test_handle_without_a_running_loop_delivers_from_a_thread(receiver: Receiver,
                                                              base_url: str) -> None:
    world = World()
    world.subscribe(f"{base_url}/hooks/threaded")
    world.dispatcher.handle(order_event(9))
    assert world.dispatcher.wait_idle(5)
    assert [json.loads(hit.body)["object_id"] for hit in receiver.of("threaded")] == [9]


def test_handle_never_raises(receiver: Receiver, base_url: str) -> None:
    def broken() -> list[WebhookSubscription]:
        raise RuntimeError("store is down")

    dispatcher = WebhookDispatcher(broken, TokenRegistry(), lambda _: None)
    dispatcher.handle(order_event())
    assert dispatcher.pending() == 0

    world = World(retry_delays_s=())
    world.subscribe("not a url")
    world.subscribe(f"{base_url}/hooks/orphan", app_id=99)  # no such OAuth application
    world.publish(order_event())
    errors = [a["error"] for a in world.dispatcher.deliveries()]
    assert len(errors) == 2 and all(errors)
    assert receiver.of("orphan") == []


def test_handle_from_an_async_request_handler_of_a_served_app(receiver: Receiver,
                                                              base_url: str) -> None:
    world = World()
    world.subscribe(f"{base_url}/hooks/from-app")
    app = FastAPI()

    @app.post("/orders/{object_id}")
    async def create(object_id: int) -> dict[str, Any]:
        world.dispatcher.handle(order_event(object_id))
        return {"queued": world.dispatcher.pending()}

    server = serve_in_thread(app)
    try:
        response = httpx.post(f"{server.base_url}/orders/11", trust_env=False)
        assert response.json() == {"queued": 1}
        assert world.dispatcher.wait_idle(5)
    finally:
        server.stop()
    [hit] = receiver.of("from-app")
    assert json.loads(hit.body)["object_id"] == 11
    assert hit.headers["x-gecko-signature"] == expected_signature(hit.body)
