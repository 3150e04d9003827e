"""The QBC client against the QBC simulator: typed verbs, pacing, retries, idempotency, error
classes. Answers the simulator never gives (an order without its id) come from a fake server
at the edge (httpx.MockTransport)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from orderbridge.connectors.qbc.check import check_qbc
from orderbridge.connectors.qbc.client import QbcClient
from orderbridge.connectors.qbc.records import QbcOrder
from orderbridge.errors import ConfigurationError, NotFound, RecordRejected, TransientError
from orderbridge.sandbox.server import RunningServer


def calls(control: httpx.Client) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = control.get("/calls").json()["calls"]
    return result


def order_body(variant_id: int, reference: str = "R-1") -> dict[str, Any]:
    return {"order": {"issued_at": "2026-11-28", "status": "active",
                      "reference_number": reference,
                      "company": {"name": "Ada", "company_type": "consumer"},
                      "shipping_address": {"address1": "1 Main St", "city": "Austin"},
                      "order_line_items": [{"variant_id": variant_id, "quantity": "1"}]}}


def first_variant(client: QbcClient) -> int:
    return next(iter(client.iter_variants())).records[0].id


def test_collections_are_read_250_at_a_time(client: QbcClient, control: httpx.Client) -> None:
    control.post("/reset").raise_for_status()
    control.post("/seed", json={"skus": 600, "seed": 9}).raise_for_status()
    pages = list(client.iter_variants())
    assert [len(page.records) for page in pages] == [250, 250, 100]
    assert [page.last for page in pages] == [False, False, True]
    assert all("limit=250" in call["query"] for call in calls(control))
    assert all(variant.sku for page in pages for variant in page.records)


def test_variants_updated_since_and_by_status(client: QbcClient, control: httpx.Client) -> None:
    later = datetime.now(UTC) + timedelta(hours=1)
    assert [page.records for page in client.iter_variants(updated_since=later)] == [[]]
    list(client.iter_variants(statuses=("active", "archived")))
    queries = [call["query"] for call in calls(control)]
    assert "updated_at_min=" in queries[0] and "status%5B%5D=archived" in queries[1]


def test_an_order_is_created_found_read_and_voided(client: QbcClient,
                                                   control: httpx.Client) -> None:
    variant = first_variant(client)
    one = client.create_order(order_body(variant, "R-1"), idempotency_key="k-1")
    two = client.create_order(order_body(variant, "R-2"), idempotency_key="k-2")
    assert isinstance(one, QbcOrder) and one.reference_number == "R-1" and one.company_id
    found = client.find_orders(["R-1", "R-2", "R-3"])
    assert sorted(order.id for order in found) == sorted([one.id, two.id])
    lookups = [call for call in calls(control) if call["method"] == "GET"
               and call["path"] == "/orders"]
    assert len(lookups) == 1  # several references, one call
    assert client.get_order(one.id).status == "active"
    voided = client.void_order(one.id, idempotency_key=f"void-{one.id}")
    assert voided is not None and voided.is_void
    since = datetime.now(UTC) - timedelta(hours=1)
    voids = [order.id for page in client.iter_voided_orders(since) for order in page.records]
    assert voids == [one.id]
    assert client.find_orders([]) == []


def test_fulfillments_come_with_their_lines(client: QbcClient, control: httpx.Client) -> None:
    variant = first_variant(client)
    order = client.create_order(order_body(variant), idempotency_key="k-3")
    control.post(f"/orders/{order.id}/ship", json={"tracking_company": "UPS",
                                                   "tracking_number": "1Z1"}).raise_for_status()
    since = datetime.now(UTC) - timedelta(hours=1)
    [page] = list(client.iter_fulfillments(updated_since=since))
    [package] = page.records
    assert (package.warehouse_order_id, package.carrier, package.tracking_number) == (
        order.id, "UPS", "1Z1")
    assert [line.variant_id for line in package.lines] == [variant]
    assert package.updated is not None and page.last


def test_account_and_locations(client: QbcClient) -> None:
    account = client.current_account()
    assert account.primary_location_id in account.location_ids
    assert [location.id for location in client.locations()] == list(account.location_ids)


def test_pacing_waits_for_the_window_instead_of_a_429(client: QbcClient,
                                                      control: httpx.Client) -> None:
    control.post("/faults", json={"rate_limit": {"limit": 5, "window_s": 1}}).raise_for_status()
    for _ in range(12):
        client.current_account()
    statuses = [call["status"] for call in calls(control)]
    assert statuses == [200] * 12
    assert client.pacer.waited_s > 0


def test_a_429_is_waited_out_and_retried(client: QbcClient, control: httpx.Client,
                                         qbc_server: RunningServer) -> None:
    control.post("/faults", json={"rate_limit": {"limit": 2, "window_s": 1}}).raise_for_status()
    with QbcClient("sandbox-token", qbc_server.base_url) as other:  # spends the budget unseen
        other.current_account()
        other.current_account()
    assert client.current_account().id == "1"
    assert [call["status"] for call in calls(control)][-2:] in ([429, 200], [200, 200])


def test_server_errors_are_retried_with_the_same_idempotency_key(
        client: QbcClient, control: httpx.Client) -> None:
    variant = first_variant(client)
    control.post("/faults", json={"error_rate": 0.5, "seed": 3}).raise_for_status()
    created = client.create_order(order_body(variant), idempotency_key="key-1")
    control.post("/faults", json={}).raise_for_status()
    posts = [call for call in calls(control) if call["method"] == "POST"]
    assert {call["idempotency_key"] for call in posts} == {"key-1"}
    assert client.transport.retries == len(posts) - 1
    orders = control.get("/orders", params={"reference_number": "R-1"}).json()["orders"]
    assert [str(order["id"]) for order in orders] == [created.id]


def test_timeouts_after_the_effect_do_not_duplicate(qbc_server: RunningServer,
                                                   control: httpx.Client) -> None:
    with QbcClient("sandbox-token", qbc_server.base_url, timeout=0.5,
                   backoff_base_s=0.01) as qbc:
        variant = first_variant(qbc)
        control.post("/faults", json={"timeout_rate": 1.0, "timeout_hold_s": 1.0}
                     ).raise_for_status()
        with pytest.raises(TransientError):
            qbc.create_order(order_body(variant), idempotency_key="key-2")
        control.post("/faults", json={}).raise_for_status()
        qbc.create_order(order_body(variant), idempotency_key="key-2")
    orders = control.get("/orders", params={"reference_number": "R-1"}).json()["orders"]
    assert len(orders) == 1


def test_error_classes(qbc_server: RunningServer, client: QbcClient) -> None:
    with pytest.raises(RecordRejected, match="order_line_items"):
        client.create_order(order_body(999999), idempotency_key="k")
    with pytest.raises(NotFound):
        client.get_order("424242")
    with QbcClient("nope", qbc_server.base_url) as bad, \
            pytest.raises(ConfigurationError, match="access token was refused"):
        bad.current_account()


def test_lapsed_subscription_needs_a_person(client: QbcClient, control: httpx.Client) -> None:
    control.post("/accounts/1", json={"subscription": "lapsed"}).raise_for_status()
    with pytest.raises(ConfigurationError, match="subscription has lapsed"):
        client.find_orders(["R-1"])


def _answering(body: Any, status: int = 201) -> QbcClient:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=json.dumps(body).encode(),
                              headers={"Content-Type": "application/json"})
    return QbcClient("t", "http://qbc.test", transport=httpx.MockTransport(answer),
                     max_attempts=1)


def test_an_order_answered_without_its_id_is_transient_not_lost() -> None:
    with _answering({"order": {}}) as client, pytest.raises(TransientError, match="order's id"):
        client.create_order({"order": {}}, idempotency_key="k")


def test_unreadable_records_are_skipped_and_counted() -> None:
    body = {"variants": [{"id": 1, "sku": "A"}, "junk", {"id": "x1", "sku": "B"}, {"sku": "C"}]}
    with _answering(body, 200) as client:
        [page] = list(client.iter_variants())
    assert [variant.sku for variant in page.records] == ["A"]
    assert page.unreadable == 3


def test_check(client: QbcClient) -> None:
    assert check_qbc(client).ok
    result = check_qbc(client, location_id=77)
    assert not result.ok and "location 77" in result.problems[0]
