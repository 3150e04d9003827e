"""Webhook delivery faults: the real QBC sandbox drops, duplicates and delays the webhooks it
POSTs to a real receiver on loopback, as set through `/_sandbox/webhook-faults`."""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from typing import Any

import httpx
import pytest

import tests.sandbox.qbc.test_webhook_delivery as delivery_tests
from orderbridge.sandbox.launcher import start_sandboxes
from orderbridge.sandbox.qbc.webhook_faults import WebhookFaultInjector, WebhookFaultSettings
from tests.sandbox.qbc.helpers import Qbc

Receiver = delivery_tests.Receiver
receiver_server, receiver, base_url = (delivery_tests.receiver_server, delivery_tests.receiver,
                                       delivery_tests.base_url)
NO_FAULTS = WebhookFaultSettings().model_dump()
SETTLE_S = 10.0


def set_webhook_faults(qbc: Qbc, **settings: Any) -> dict[str, Any]:
    landed: dict[str, Any] = qbc.control("POST", "/webhook-faults", settings)
    return landed


def subscribe(qbc: Qbc, base_url: str, name: str) -> None:
    response = qbc.post("/webhooks", {"webhook": {"address": f"{base_url}/hooks/{name}",
                                                  "event": "order.create"}})
    assert response.status_code == 201, response.text


def webhook_state(qbc: Qbc) -> dict[str, Any]:
    state: dict[str, Any] = qbc.control("GET", "/webhook-deliveries")
    return state


def settle(qbc: Qbc) -> dict[str, Any]:
    """Wait until the sandbox has nothing left to deliver (delays and retries included)."""
    deadline = time.monotonic() + SETTLE_S
    while (state := webhook_state(qbc))["pending"]:
        if time.monotonic() > deadline:
            raise AssertionError(f"webhook deliveries still pending after {SETTLE_S:g} s")
        time.sleep(0.01)
    return state


def object_ids(hits: list[delivery_tests.Hit]) -> list[int]:
    return [json.loads(hit.body)["object_id"] for hit in hits]


def test_settings_read_back_as_set(qbc: Qbc) -> None:
    assert qbc.control("GET", "/webhook-faults") == NO_FAULTS
    settings = {"drop_rate": 0.1, "duplicate_rate": 0.2, "duplicate_gap_max_s": 0.5,
                "delay_rate": 0.3, "delay_min_s": 0.25, "delay_max_s": 2.0, "seed": 9}
    assert set_webhook_faults(qbc, **settings) == settings
    assert qbc.control("GET", "/webhook-faults") == settings
    assert set_webhook_faults(qbc, drop_rate=0.5) == {**NO_FAULTS, "drop_rate": 0.5}


def test_dropped_deliveries_are_never_sent_but_logged(qbc: Qbc, receiver: Receiver,
                                                      base_url: str) -> None:
    subscribe(qbc, base_url, "dropped")
    set_webhook_faults(qbc, drop_rate=1)
    orders = [qbc.create_order([])["id"] for _ in range(3)]
    state = settle(qbc)
    assert receiver.of("dropped") == []
    assert [(d["object_id"], d["attempt"], d["status"], d["fault"])
            for d in state["deliveries"]] == [(order, 0, None, "dropped") for order in orders]
    assert state["faults"] == {"dropped": 3, "duplicate": 0, "delayed": 0}

    set_webhook_faults(qbc)  # faults off: the next order's webhook does arrive
    after = qbc.create_order([])["id"]
    settle(qbc)
    assert object_ids(receiver.of("dropped")) == [after]


def test_duplicated_deliveries_arrive_twice_with_the_same_id_and_bytes(
        qbc: Qbc, receiver: Receiver, base_url: str) -> None:
    subscribe(qbc, base_url, "twice")
    set_webhook_faults(qbc, duplicate_rate=1, duplicate_gap_max_s=0.02)
    orders = [qbc.create_order([])["id"] for _ in range(2)]
    state = settle(qbc)
    by_id: dict[str, list[delivery_tests.Hit]] = defaultdict(list)
    for hit in receiver.of("twice"):
        by_id[hit.headers["x-gecko-delivery"]].append(hit)
    assert sorted(object_ids([hits[0] for hits in by_id.values()])) == sorted(orders)
    for hits in by_id.values():
        assert len(hits) == 2
        assert hits[0].body == hits[1].body
        assert hits[0].headers["x-gecko-signature"] == hits[1].headers["x-gecko-signature"]
        assert hits[0].headers["x-gecko-signature"] == delivery_tests.expected_signature(
            hits[0].body)
    marks: dict[str, list[Any]] = defaultdict(list)
    for attempt in state["deliveries"]:
        marks[attempt["delivery_id"]].append((attempt["status"], attempt["fault"]))
    assert marks == {delivery_id: [(200, None), (200, "duplicate")] for delivery_id in by_id}
    assert state["faults"] == {"dropped": 0, "duplicate": 2, "delayed": 0}


def test_a_delayed_delivery_is_overtaken_and_arrives_after_its_delay(
        qbc: Qbc, receiver: Receiver, base_url: str) -> None:
    arrived_at: dict[int, float] = {}
    lock = threading.Lock()

    def note_arrival(name: str) -> None:
        with lock:
            for object_id in object_ids(receiver.of(name)):
                arrived_at.setdefault(object_id, time.monotonic())

    receiver.on_hit = note_arrival
    subscribe(qbc, base_url, "late")
    set_webhook_faults(qbc, delay_rate=1, delay_min_s=0.8, delay_max_s=1.0)
    published = time.monotonic()
    held = qbc.create_order([])["id"]
    set_webhook_faults(qbc)
    prompt = qbc.create_order([])["id"]
    state = settle(qbc)

    assert object_ids(receiver.of("late")) == [prompt, held]  # out of order
    records = {d["object_id"]: d for d in state["deliveries"]}
    assert records[prompt]["fault"] is None and "delay_s" not in records[prompt]
    assert records[held]["fault"] == "delayed" and records[held]["status"] == 200
    delay_s = records[held]["delay_s"]
    assert 0.8 <= delay_s <= 1.0
    clock_resolution_s = 0.005  # the event loop may wake that much before a sleep's end
    assert arrived_at[held] - published >= delay_s - clock_resolution_s
    assert state["faults"] == {"dropped": 0, "duplicate": 0, "delayed": 1}


def fault_pattern(qbc: Qbc, base_url: str, seed: int) -> list[list[tuple[str | None, Any]]]:
    """From a fresh sandbox: per order published, the (fault, delay) of each logged attempt."""
    qbc.control("POST", "/reset")
    subscribe(qbc, base_url, f"seeded-{seed}")
    set_webhook_faults(qbc, drop_rate=0.3, duplicate_rate=0.4, duplicate_gap_max_s=0.01,
                       delay_rate=0.4, delay_min_s=0.01, delay_max_s=0.05, seed=seed)
    orders = [qbc.create_order([])["id"] for _ in range(8)]
    deliveries = settle(qbc)["deliveries"]
    return [sorted(((d["fault"], d.get("delay_s")) for d in deliveries
                    if d["object_id"] == order), key=repr) for order in orders]


def test_seeded_faults_repeat_exactly(qbc: Qbc, receiver: Receiver, base_url: str) -> None:
    first = fault_pattern(qbc, base_url, seed=11)
    marks = {fault for attempts in first for fault, _ in attempts}
    assert {"dropped", None} <= marks and len(marks) >= 3  # a mix, not all one way
    assert fault_pattern(qbc, base_url, seed=11) == first
    assert fault_pattern(qbc, base_url, seed=12) != first


def test_the_injector_restarts_its_sequence_from_the_seed() -> None:
    settings = WebhookFaultSettings(drop_rate=0.3, duplicate_rate=0.5, delay_rate=0.5,
                                    delay_min_s=1, delay_max_s=2, seed=4)
    injector = WebhookFaultInjector(settings)
    draws = [injector.draw() for _ in range(50)]
    assert any(d.dropped for d in draws) and any(d.delay_s for d in draws)
    assert all(1 <= d.delay_s <= 2 for d in draws if d.delay_s is not None)
    fresh = WebhookFaultInjector(settings)
    assert [fresh.draw() for _ in range(50)] == draws
    injector.update(settings)
    assert [injector.draw() for _ in range(50)] == draws


@pytest.mark.parametrize(("body", "named"), [
    ({"drop_rate": 1.5}, "drop_rate"),
    ({"duplicate_rate": -0.1}, "duplicate_rate"),
    ({"delay_rate": "NaN", "delay_max_s": 1}, "delay_rate"),
    ({"delay_rate": 1, "delay_max_s": 301}, "delay_max_s"),
    ({"delay_rate": 1, "delay_min_s": 2, "delay_max_s": 1}, "delay_min_s"),
    ({"delay_rate": 0.5}, "delay_max_s"),
    ({"delay_min_s": 0.1, "delay_max_s": 1}, "delay_rate"),
    ({"dropp_rate": 1}, "dropp_rate"),
    ({"seed": "eleven"}, "seed"),
    ([0.5], "body"),
])
def test_bad_settings_answer_422_and_change_nothing(qbc: Qbc, body: Any, named: str) -> None:
    set_webhook_faults(qbc, drop_rate=0.2)
    response = qbc.http.post("/_sandbox/webhook-faults", json=body)
    assert response.status_code == 422, response.text
    assert named in response.json()["message"]
    assert response.json()["errors"]
    assert qbc.control("GET", "/webhook-faults") == {**NO_FAULTS, "drop_rate": 0.2}


def test_a_body_that_is_not_json_answers_422(qbc: Qbc) -> None:
    response = qbc.http.post("/_sandbox/webhook-faults", content=b"drop_rate=1",
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert "not JSON" in response.json()["message"]


def test_reset_clears_faults_and_counts(qbc: Qbc, receiver: Receiver, base_url: str) -> None:
    subscribe(qbc, base_url, "before-reset")
    set_webhook_faults(qbc, drop_rate=1, seed=3)
    qbc.create_order([])
    assert settle(qbc)["faults"]["dropped"] == 1
    qbc.control("POST", "/reset")
    assert qbc.control("GET", "/webhook-faults") == NO_FAULTS
    state = webhook_state(qbc)
    assert state["deliveries"] == []
    assert state["faults"] == {"dropped": 0, "duplicate": 0, "delayed": 0}
    subscribe(qbc, base_url, "after-reset")
    order = qbc.create_order([])["id"]
    settle(qbc)
    assert object_ids(receiver.of("after-reset")) == [order]
    assert receiver.of("before-reset") == []


def test_the_sandbox_pair_sets_webhook_faults_and_checks_them() -> None:
    pair = start_sandboxes()
    try:
        landed = pair.set_webhook_faults(drop_rate=0.25, delay_rate=1, delay_min_s=0.1,
                                         delay_max_s=0.2, seed=5)
        assert landed == {**NO_FAULTS, "drop_rate": 0.25, "delay_rate": 1,
                          "delay_min_s": 0.1, "delay_max_s": 0.2, "seed": 5}
        shown = httpx.get(f"{pair.qbc_url}/_sandbox/webhook-faults", trust_env=False).json()
        assert shown == landed
        with pytest.raises(httpx.HTTPStatusError):
            pair.set_webhook_faults(drop_rate=2)
        pair.reset()
        assert httpx.get(f"{pair.qbc_url}/_sandbox/webhook-faults",
                         trust_env=False).json() == NO_FAULTS
    finally:
        pair.stop()
