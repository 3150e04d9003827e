"""The call log and injected faults, answered the Houzz way."""

from __future__ import annotations

import logging
import socket
import time
from datetime import datetime

import pytest

from orderbridge.sandbox.server import RunningServer
from tests.sandbox.houzz.helpers import Houzz, parse_xml, xml_body, xml_errors


def test_call_log_contents(houzz: Houzz) -> None:
    houzz.seed(2)
    houzz.api("getOrders", Status="Charged")
    houzz.api("updateOrder", fmt="xml", body=xml_body("UpdateOrderRequest", OrderId="1"))
    houzz.api("getListings", headers={"X-HOUZZ-API-SSL-TOKEN": "x"})
    calls = houzz.calls()
    assert [(c["method"], c["path"], c["api_method"], c["status"]) for c in calls] == [
        ("GET", "/api", "getOrders", 200),
        ("POST", "/api", "updateOrder", 200),
        ("GET", "/api", "getListings", 200),
    ]
    assert calls[0]["query"] == "Status=Charged&format=json&method=getOrders"
    assert all(datetime.fromisoformat(c["at"]).tzinfo is not None for c in calls)
    houzz.control("DELETE", "/calls")
    assert houzz.calls() == []


def test_injected_server_errors_in_both_formats(houzz: Houzz) -> None:
    houzz.control("POST", "/faults", {"error_rate": 1.0, "error_status": 503})
    response = houzz.api("getOrders")
    assert response.status_code == 503
    data = response.json()
    assert data["Ack"] == "Error" and data["Errors"][0]["Code"] == "ServiceUnavailable"
    response = houzz.api("getListings", fmt="xml")
    assert response.status_code == 503
    root = parse_xml(response)
    assert root.tag == "GetListingsResponse" and root.findtext("Ack") == "Error"
    assert xml_errors(root)[0][0] == "ServiceUnavailable"
    assert [(c["status"], c["fault"]) for c in houzz.calls()] == [(503, "error"), (503, "error")]


def test_injected_error_does_not_apply_the_update(houzz: Houzz) -> None:
    houzz.seed(2)
    [order_id] = houzz.place(count=1)
    houzz.control("POST", "/faults", {"error_rate": 1.0})
    body = xml_body("UpdateOrderRequest", OrderId=order_id, Action="Cancel")
    assert houzz.api("updateOrder", fmt="xml", body=body).status_code == 500
    assert houzz.control("GET", f"/orders/{order_id}")["Status"] == "Charged"


def test_latency(houzz: Houzz) -> None:
    houzz.control("POST", "/faults", {"latency_ms": 250})
    started = time.perf_counter()
    houzz.api("getOrders")
    assert time.perf_counter() - started >= 0.25
    started = time.perf_counter()
    houzz.control("GET", "/orders")
    assert time.perf_counter() - started < 0.25


def test_no_rate_limit_by_default_and_no_rate_headers(houzz: Houzz) -> None:
    for _ in range(15):
        response = houzz.api("getOrders")
        assert response.status_code == 200
        assert not any(name.lower().startswith("x-rate-limit") for name in response.headers)


def test_rate_limit_per_token_answers_429(houzz: Houzz) -> None:
    houzz.control("POST", "/credentials", {"token": "other", "username": "u2", "app_name": "a2"})
    houzz.control("POST", "/faults", {"rate_limit": {"limit": 2, "window_s": 3600}})
    assert [houzz.api("getOrders").status_code for _ in range(2)] == [200, 200]
    limited = houzz.api("getOrders")
    assert limited.status_code == 429
    assert limited.json()["Errors"][0]["Code"] == "RateLimitExceeded"
    assert not any(name.lower().startswith("x-rate-limit") for name in limited.headers)
    root = parse_xml(houzz.api("getOrders", fmt="xml"))
    assert root.tag == "GetOrdersResponse" and xml_errors(root)[0][0] == "RateLimitExceeded"
    other = {"X-HOUZZ-API-SSL-TOKEN": "other", "X-HOUZZ-API-USER-NAME": "u2",
             "X-HOUZZ-API-APP-NAME": "a2"}
    assert houzz.api("getOrders", headers=other).status_code == 200
    assert houzz.calls()[-2]["fault"] == "rate_limited"


def test_latency_spikes_hold_some_answers_longer_and_are_logged(houzz: Houzz) -> None:
    houzz.control("POST", "/faults", {"spike_rate": 0.5, "spike_ms": 150, "seed": 3})
    held = []
    for _ in range(12):
        started = time.perf_counter()
        assert houzz.api("getOrders").status_code == 200
        held.append(time.perf_counter() - started)
    spikes = [c["fault"] == "latency_spike" for c in houzz.calls()]
    assert 0 < sum(spikes) < len(spikes)
    assert all(took >= 0.15 for took, spike in zip(held, spikes, strict=True) if spike)


def test_a_caller_that_goes_away_mid_request_is_logged_not_a_traceback(
        houzz: Houzz, houzz_server: RunningServer, caplog: pytest.LogCaptureFixture) -> None:
    host, port = houzz_server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:  # a client killed mid-upload
        sock.sendall(b"POST /api?method=updateOrder&format=json HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Length: 1000\r\n\r\n<UpdateOrderRequest>")
    deadline = time.monotonic() + 10
    while not houzz.calls() and time.monotonic() < deadline:
        time.sleep(0.05)
    [call] = houzz.calls()
    assert (call["status"], call["fault"]) == (499, "client_gone")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
