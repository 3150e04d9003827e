"""A real QBC simulator on loopback for the client tests, reset and seeded before each test."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from orderbridge.connectors.qbc.client import QbcClient
from orderbridge.sandbox.qbc import create_qbc_app
from orderbridge.sandbox.server import RunningServer, serve_in_thread


@pytest.fixture(scope="session")
def qbc_server() -> Iterator[RunningServer]:
    server = serve_in_thread(create_qbc_app())
    yield server
    server.stop()


@pytest.fixture
def control(qbc_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{qbc_server.base_url}/_sandbox", timeout=10) as http:
        http.post("/reset").raise_for_status()
        http.post("/seed", json={"skus": 12, "seed": 2}).raise_for_status()
        yield http


@pytest.fixture
def client(qbc_server: RunningServer, control: httpx.Client) -> Iterator[QbcClient]:
    with QbcClient("sandbox-token", qbc_server.base_url, timeout=5, backoff_base_s=0.01,
                   backoff_cap_s=0.05) as qbc:
        yield qbc
