"""The Houzz client against the Houzz simulator over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from orderbridge.connectors.houzz.check import check_houzz
from orderbridge.connectors.houzz.client import HouzzClient, HouzzCredentials
from orderbridge.errors import ConfigurationError, RecordRejected, RemoteError, TransientError
from orderbridge.sandbox.server import RunningServer


def test_orders_are_read_in_pages_without_gaps(client: HouzzClient,
                                               control: httpx.Client) -> None:
    placed = control.post("/orders", json={"count": 7}).json()["order_ids"]
    pages = [client.get_orders(start=start, number=3) for start in (0, 3, 6)]
    assert [len(page) for page in pages] == [3, 3, 1]
    assert sorted(order["OrderId"] for page in pages for order in page) == sorted(placed)


def test_window_filters_on_created_in_the_houzz_zone(client: HouzzClient,
                                                     control: httpx.Client) -> None:
    control.post("/orders", json={"count": 2, "created": "2026-01-10 09:00:00"})
    control.post("/orders", json={"count": 1, "created": "2026-03-10 09:00:00"})
    pacific = ZoneInfo("America/Los_Angeles")
    orders = client.get_orders(created_from=datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
                               created_to=datetime(2026, 4, 1, 7, 0, tzinfo=UTC), zone=pacific)
    assert [order["Created"] for order in orders] == ["2026-03-10 09:00:00"]
    [call] = [c for c in control.get("/calls").json()["calls"] if "getOrders" in c["query"]]
    assert "From=2026-03-01+00%3A00%3A00" in call["query"]  # 08:00 UTC is midnight Pacific


def test_ship_posts_comma_joined_tracking(client: HouzzClient, control: httpx.Client) -> None:
    order_id = control.post("/orders", json={"count": 1}).json()["order_ids"][0]
    client.ship_order(order_id, "UPS", ["1Z001", "1Z002"])
    order = control.get(f"/orders/{order_id}").json()
    assert order["Status"] == "Shipped"
    assert order["TrackingNumber"] == "1Z001,1Z002"
    with pytest.raises(RecordRejected, match="Shipped"):
        client.ship_order(order_id, "UPS", ["1Z003"])


def test_cancel_and_inventory(client: HouzzClient, control: httpx.Client) -> None:
    order_id = control.post("/orders", json={"count": 1}).json()["order_ids"][0]
    client.cancel_order(order_id, "1", "out of stock")
    assert control.get(f"/orders/{order_id}").json()["Status"] == "Canceled"
    sku = control.get("/listings").json()["listings"][0]["SKU"]
    client.update_inventory(sku, 4)
    assert control.get("/listings").json()["listings"][0]["Quantity"] in (4, "4")
    with pytest.raises(RecordRejected, match="NOPE-1"):
        client.update_inventory("NOPE-1", 1)


def test_listings_total_and_every_sku(client: HouzzClient, control: httpx.Client) -> None:
    total, listings = client.get_listings(number=4)
    assert total == 10 and len(listings) == 4
    skus = {listing["SKU"] for listing in control.get("/listings").json()["listings"]}
    assert set(client.iter_listing_skus()) == skus


def test_bad_token_is_a_configuration_error(houzz_server: RunningServer,
                                            control: httpx.Client) -> None:
    wrong = HouzzCredentials("wrong-token", "sandbox-seller", "orderbridge-sandbox")
    with HouzzClient(wrong, houzz_server.base_url) as houzz:
        with pytest.raises(ConfigurationError):
            houzz.get_orders()
        result = check_houzz(houzz)
    assert not result.ok
    assert "wrong-token" not in " ".join(result.problems)


def test_check_names_a_missing_permission(houzz_server: RunningServer,
                                          control: httpx.Client) -> None:
    control.post("/credentials", json={"token": "orders-only", "username": "sandbox-seller",
                                       "app_name": "a", "permissions":
                                       ["List and process orders"]}).raise_for_status()
    creds = HouzzCredentials("orders-only", "sandbox-seller", "a")
    with HouzzClient(creds, houzz_server.base_url) as houzz:
        result = check_houzz(houzz)
    assert not result.ok
    assert any("Update product inventory" in problem for problem in result.problems)
    assert "orders" in result.details


def test_check_passes_with_sandbox_credentials(client: HouzzClient) -> None:
    result = check_houzz(client)
    assert result.ok, result.problems


def test_server_errors_are_transient(client: HouzzClient, control: httpx.Client) -> None:
    control.post("/faults", json={"error_rate": 1.0}).raise_for_status()
    with pytest.raises(TransientError):
        client.get_orders()


def test_unreachable_host_is_transient() -> None:
    creds = HouzzCredentials("t", "u", "a")
    with HouzzClient(creds, "http://127.0.0.1:9", timeout=2) as houzz, \
            pytest.raises(TransientError, match="cannot reach"):
        houzz.get_orders()


def test_a_read_houzz_answers_with_an_error_says_which_read(client: HouzzClient) -> None:
    # found by the fuzz campaign: getOrders refused with only a code failed as "Houzz: 4.14"
    with pytest.raises(RemoteError) as failed:
        client.get_orders(status="Pending")
    assert not isinstance(failed.value, RecordRejected)  # no record to hold
    assert failed.value.message.startswith("getOrders answered an Error: ")
