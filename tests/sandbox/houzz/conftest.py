"""One real Houzz simulator on loopback for the whole session, reset before every test through
its own control API."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from orderbridge.sandbox.houzz import create_houzz_app
from orderbridge.sandbox.server import RunningServer, serve_in_thread
from tests.sandbox.houzz.helpers import Houzz


@pytest.fixture(scope="session")
def houzz_server() -> Iterator[RunningServer]:
    server = serve_in_thread(create_houzz_app())
    yield server
    server.stop()


@pytest.fixture(scope="session")
def houzz_http(houzz_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=houzz_server.base_url, timeout=10) as client:
        yield client


@pytest.fixture
def houzz(houzz_http: httpx.Client) -> Houzz:
    response = houzz_http.post("/_sandbox/reset")
    assert response.status_code == 200, response.text
    return Houzz(houzz_http)
