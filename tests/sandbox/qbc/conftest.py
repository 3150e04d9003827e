"""One real QBC simulator on loopback for the whole session, reset before every test through
its own control API."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from orderbridge.sandbox.qbc import create_qbc_app
from orderbridge.sandbox.server import RunningServer, serve_in_thread
from tests.sandbox.qbc.helpers import Qbc


@pytest.fixture(scope="session")
def qbc_server() -> Iterator[RunningServer]:
    server = serve_in_thread(create_qbc_app())
    yield server
    server.stop()


@pytest.fixture(scope="session")
def qbc_http(qbc_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=qbc_server.base_url, timeout=10) as client:
        yield client


@pytest.fixture
def qbc(qbc_http: httpx.Client) -> Qbc:
    response = qbc_http.post("/_sandbox/reset")
    assert response.status_code == 200, response.text
    return Qbc(qbc_http)
