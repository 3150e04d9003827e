"""The single endpoint: format selection, response roots, method dispatch, error shapes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orderbridge.clock import FrozenClock
from orderbridge.sandbox.houzz import HouzzSandboxSettings, create_houzz_app
from tests.sandbox.houzz.helpers import AUTH, Houzz, TestClient, parse_xml, xml_errors


def test_format_defaults_to_xml_with_method_named_root(houzz: Houzz) -> None:
    response = houzz.api("getOrders", fmt=None)
    assert response.headers["content-type"].startswith("text/xml")
    root = parse_xml(response)
    assert root.tag == "GetOrdersResponse"
    assert root.findtext("Ack") == "Success"
    assert root.find("Orders") is not None and list(root.find("Orders") or []) == []


@pytest.mark.parametrize("fmt", ["JSON", "json", " json "])
def test_format_is_case_insensitive(houzz: Houzz, fmt: str) -> None:
    assert houzz.api("getOrders", fmt=fmt).json()["Ack"] == "Success"


def test_unsupported_format_is_an_xml_error(houzz: Houzz) -> None:
    root = parse_xml(houzz.api("getOrders", fmt="csv"))
    assert root.findtext("Ack") == "Error"
    [(code, message)] = xml_errors(root)
    assert code == "InvalidFormat" and "format=json" in message


def test_parameter_order_does_not_matter(houzz: Houzz) -> None:
    first = houzz.http.get("/api?method=getOrders&format=json&Status=All", headers=AUTH)
    second = houzz.http.get("/api?Status=All&format=json&method=getOrders", headers=AUTH)
    assert first.json() == second.json() == {"Ack": "Success", "Orders": []}


def test_missing_method_names_the_valid_ones(houzz: Houzz) -> None:
    code, message = houzz.error(None)
    assert code == "InvalidMethod"
    for name in ("getOrders", "updateOrder", "updateInventory", "getListings", "getListing"):
        assert name in message


def test_unknown_method_in_xml_uses_error_response_root(houzz: Houzz) -> None:
    root = parse_xml(houzz.api("changeOrderStatus", fmt="xml"))
    assert root.tag == "ErrorResponse"
    [(code, message)] = xml_errors(root)
    assert code == "InvalidMethod" and "changeOrderStatus" in message and "getOrders" in message


def test_wrong_case_method_gets_a_suggestion(houzz: Houzz) -> None:
    code, message = houzz.error("GetOrders")
    assert code == "InvalidMethod" and "Did you mean 'getOrders'" in message


def test_observed_but_unsimulated_method_says_so(houzz: Houzz) -> None:
    code, message = houzz.error("getPayments")
    assert code == "InvalidMethod" and "not simulated" in message


def test_json_error_shape_is_exact(houzz: Houzz) -> None:
    data = houzz.api("getListing", SKU="nope").json()
    assert set(data) == {"Ack", "Errors"}
    assert data["Ack"] == "Error"
    assert [set(error) for error in data["Errors"]] == [{"Code", "Message"}]


def test_in_process_with_frozen_clock_and_custom_zone() -> None:
    """Through starlette's TestClient: Created follows the clock and the configured zone."""
    clock = FrozenClock(datetime(2024, 3, 10, 18, 30, 5, tzinfo=UTC))
    app = create_houzz_app(HouzzSandboxSettings(timezone="America/New_York"), clock)
    with TestClient(app) as client:
        client.post("/_sandbox/seed", json={"skus": 4, "seed": 9})
        client.post("/_sandbox/orders", json={"count": 2})
        data = client.get("/api", params={"format": "json", "method": "getOrders"},
                          headers=AUTH).json()
        assert [order["Created"] for order in data["Orders"]] == ["2024-03-10 14:30:05"] * 2
        clock.advance(3600)
        client.post("/_sandbox/settings", json={"timezone": "UTC"})
        client.post("/_sandbox/orders", json={"count": 1})
        data = client.get("/api", params={"format": "json", "method": "getOrders"},
                          headers=AUTH).json()
        assert [order["Created"] for order in data["Orders"]] == [
            "2024-03-10 18:30:05", "2024-03-10 18:30:05", "2024-03-10 19:30:05"]
        client.post("/_sandbox/reset")
        settings = client.get("/_sandbox/settings").json()
        assert settings["timezone"] == "America/New_York"
