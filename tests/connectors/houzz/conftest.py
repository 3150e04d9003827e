"""A real Houzz simulator on loopback for the client tests, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from orderbridge.connectors.houzz.client import HouzzClient, HouzzCredentials
from orderbridge.sandbox.houzz import create_houzz_app
from orderbridge.sandbox.server import RunningServer, serve_in_thread

SANDBOX_CREDENTIALS = HouzzCredentials("sandbox-token", "sandbox-seller", "orderbridge-sandbox")


@pytest.fixture(scope="session")
def houzz_server() -> Iterator[RunningServer]:
    server = serve_in_thread(create_houzz_app())
    yield server
    server.stop()


@pytest.fixture
def control(houzz_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{houzz_server.base_url}/_sandbox", timeout=10) as http:
        http.post("/reset").raise_for_status()
        http.post("/seed", json={"skus": 10, "seed": 3}).raise_for_status()
        yield http


@pytest.fixture
def client(houzz_server: RunningServer, control: httpx.Client) -> Iterator[HouzzClient]:
    with HouzzClient(SANDBOX_CREDENTIALS, houzz_server.base_url, timeout=5) as houzz:
        yield houzz
