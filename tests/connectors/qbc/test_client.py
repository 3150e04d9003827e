"""The QBC client against the QBC simulator: pacing, retries, idempotency, error classes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from orderbridge.connectors.qbc.check import check_qbc
from orderbridge.connectors.qbc.client import QbcClient
from orderbridge.errors import ConfigurationError, NotFound, RecordRejected, TransientError
from orderbridge.sandbox.server import RunningServer


def calls(control: httpx.Client) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = control.get("/calls").json()["calls"]
    return result


def order_body(variant_id: int) -> dict[str, Any]:
    return {"order": {"issued_at": "2026-11-28", "status": "active", "reference_number": "R-1",
                      "company": {"name": "Ada", "company_type": "consumer"},
                      "shipping_address": {"address1": "1 Main St", "city": "Austin"},
                      "order_line_items": [{"variant_id": variant_id, "quantity": "1"}]}}


def test_collections_are_read_250_at_a_time(client: QbcClient, control: httpx.Client) -> None:
    control.post("/reset").raise_for_status()
    control.post("/seed", json={"skus": 600, "seed": 9}).raise_for_status()
    pages = list(client.iter_collection("/variants", "variants"))
    assert [len(page) for page in pages] == [250, 250, 100]
    assert all("limit=250" in call["query"] for call in calls(control))


def test_pacing_waits_for_the_window_instead_of_a_429(client: QbcClient,
                                                      control: httpx.Client) -> None:
    control.post("/faults", json={"rate_limit": {"limit": 5, "window_s": 1}}).raise_for_status()
    for _ in range(12):
        client.get("/accounts/current")
    statuses = [call["status"] for call in calls(control)]
    assert statuses == [200] * 12
    assert client.pacer.waited_s > 0


def test_a_429_is_waited_out_and_retried(client: QbcClient, control: httpx.Client) -> None:
    control.post("/faults", json={"rate_limit": {"limit": 2, "window_s": 1}}).raise_for_status()
    other = QbcClient("sandbox-token", str(client._http.base_url))  # spends the budget unseen
    other.get("/accounts/current")
    other.get("/accounts/current")
    other.close()
    assert client.get("/accounts/current")["account"]["id"] == 1
    assert [call["status"] for call in calls(control)][-2:] in ([429, 200], [200, 200])


def test_server_errors_are_retried_with_the_same_idempotency_key(
        client: QbcClient, control: httpx.Client) -> None:
    variant = client.get("/variants", {"limit": 1})["variants"][0]["id"]
    control.post("/faults", json={"error_rate": 0.5, "seed": 3}).raise_for_status()
    created = client.post("/orders", order_body(variant), idempotency_key="key-1")
    control.post("/faults", json={}).raise_for_status()
    posts = [call for call in calls(control) if call["method"] == "POST"]
    assert {call["idempotency_key"] for call in posts} == {"key-1"}
    assert client.retries == len(posts) - 1
    orders = control.get("/orders", params={"reference_number": "R-1"}).json()["orders"]
    assert [order["id"] for order in orders] == [created["order"]["id"]]


def test_timeouts_after_the_effect_do_not_duplicate(qbc_server: RunningServer,
                                                   control: httpx.Client) -> None:
    with QbcClient("sandbox-token", qbc_server.base_url, timeout=0.5,
                   backoff_base_s=0.01) as qbc:
        variant = qbc.get("/variants", {"limit": 1})["variants"][0]["id"]
        control.post("/faults", json={"timeout_rate": 1.0, "timeout_hold_s": 1.0}
                     ).raise_for_status()
        with pytest.raises(TransientError):
            qbc.post("/orders", order_body(variant), idempotency_key="key-2")
        control.post("/faults", json={}).raise_for_status()
        qbc.post("/orders", order_body(variant), idempotency_key="key-2")
    orders = control.get("/orders", params={"reference_number": "R-1"}).json()["orders"]
    assert len(orders) == 1


def test_error_classes(qbc_server: RunningServer, client: QbcClient) -> None:
    with pytest.raises(RecordRejected, match="order_line_items"):
        client.post("/orders", order_body(999999))
    with pytest.raises(NotFound):
        client.get("/orders/424242")
    with QbcClient("nope", qbc_server.base_url) as bad, \
            pytest.raises(ConfigurationError, match="access token was refused"):
        bad.get("/accounts/current")


def test_lapsed_subscription_needs_a_person(client: QbcClient, control: httpx.Client) -> None:
    control.post("/accounts/1", json={"subscription": "lapsed"}).raise_for_status()
    with pytest.raises(ConfigurationError, match="subscription has lapsed"):
        client.get("/orders")


def test_check(client: QbcClient) -> None:
    assert check_qbc(client).ok
    result = check_qbc(client, location_id=77)
    assert not result.ok and "location 77" in result.problems[0]
