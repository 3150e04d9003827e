"""`/webhooks` CRUD (reference §7.7) and events reaching a subscriber."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI, Request

from orderbridge.sandbox.server import RunningServer, serve_in_thread
from tests.sandbox.qbc.helpers import Qbc


@pytest.fixture(scope="module")
def receiver() -> Iterator[tuple[RunningServer, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []
    app = FastAPI()

    @app.post("/hook")
    async def hook(request: Request) -> dict[str, bool]:
        received.append(await request.json())
        return {"ok": True}

    server = serve_in_thread(app)
    yield server, received
    server.stop()


def test_webhook_crud(qbc: Qbc) -> None:
    body = {"webhook": {"address": "http://127.0.0.1:9/hook", "event": "order.create"}}
    created = qbc.post("/webhooks", body)
    assert created.status_code == 201
    webhook = created.json()["webhook"]
    assert webhook["oauth_application_id"] == 1 and webhook["created_at"]
    assert qbc.put(f"/webhooks/{webhook['id']}",
                   {"webhook": {"event": "fulfillment.fulfilled"}}).status_code == 204
    assert qbc.show("webhooks", webhook["id"], "webhook")["event"] == "fulfillment.fulfilled"
    assert len(qbc.get("/webhooks").json()["webhooks"]) == 1
    assert qbc.delete(f"/webhooks/{webhook['id']}").status_code == 204
    assert qbc.get(f"/webhooks/{webhook['id']}").status_code == 404


def test_webhook_validation(qbc: Qbc) -> None:
    response = qbc.post("/webhooks", {"webhook": {"address": "http://x", "event": "order.void"}})
    assert response.json() == {"errors": {"event": ["is not included in the list"]}}
    response = qbc.post("/webhooks", {"webhook": {}})
    assert set(response.json()["errors"]) == {"address", "event"}


def test_order_create_is_delivered(qbc: Qbc,
                                   receiver: tuple[RunningServer, list[dict[str, Any]]]) -> None:
    server, received = receiver
    received.clear()
    qbc.post("/webhooks", {"webhook": {"address": f"{server.base_url}/hook",
                                       "event": "order.create"}})
    order = qbc.create_order([])
    deadline = time.monotonic() + 5
    while not received and time.monotonic() < deadline:
        time.sleep(0.02)
    assert received and received[0]["event"] == "order.create"
    assert received[0]["object_id"] == order["id"]
    assert received[0]["resource_url"].endswith(f"/orders/{order['id']}.json")
    resource = qbc.http.get(received[0]["resource_url"], headers=qbc.headers())
    assert resource.json()["order"]["id"] == order["id"]
    deliveries = qbc.control("GET", "/webhook-deliveries")
    assert deliveries["wired"] is True and deliveries["deliveries"]
