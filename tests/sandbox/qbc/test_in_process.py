"""The QBC simulator driven in-process with a frozen clock: time-dependent rules (timestamps,
idempotency-key expiry, rate-limit windows) checked exactly."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from orderbridge.clock import FrozenClock
from orderbridge.sandbox.faults import RateLimitSettings
from orderbridge.sandbox.qbc import QbcSandboxSettings, create_qbc_app

with warnings.catch_warnings():  # Starlette 1.x asks for `httpx2`; plain httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

AUTH = {"Authorization": "Bearer sandbox-token"}
START = datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def client(clock: FrozenClock) -> Iterator[TestClient]:
    settings = QbcSandboxSettings(base_url="https://api.tradegecko.com",
                                  rate_limit=RateLimitSettings(limit=3, window_s=300))
    with TestClient(create_qbc_app(settings, clock)) as test_client:
        yield test_client


def company(name: str) -> dict[str, object]:
    return {"company": {"name": name, "company_type": "consumer"}}


def test_timestamps_and_location_use_the_clock_and_base_url(client: TestClient) -> None:
    response = client.post("/companies", json=company("A"), headers=AUTH)
    record = response.json()["company"]
    assert record["created_at"] == "2024-05-01T12:00:00.250Z"
    assert response.headers["Location"] == f"https://api.tradegecko.com/companies/{record['id']}"


def test_idempotency_keys_expire_after_24_hours(client: TestClient, clock: FrozenClock) -> None:
    headers = {**AUTH, "Idempotency-Key": "k1"}
    first = client.post("/companies", json=company("A"), headers=headers)
    clock.advance(24 * 3600 - 1)
    replay = client.post("/companies", json=company("A"), headers=headers)
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json() == first.json()
    clock.advance(2)
    fresh = client.post("/companies", json=company("A"), headers=headers)
    assert "Idempotent-Replayed" not in fresh.headers
    assert fresh.json()["company"]["id"] != first.json()["company"]["id"]


def test_rate_limit_window_is_epoch_aligned(client: TestClient, clock: FrozenClock) -> None:
    window_end = (int(START.timestamp()) // 300 + 1) * 300
    responses = [client.get("/accounts/current", headers=AUTH) for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert {r.headers["X-Rate-Limit-Reset"] for r in responses} == {str(window_end)}
    assert responses[3].headers["Retry-After"] == str(window_end - int(clock.time()))
    clock.advance(window_end - clock.time())
    again = client.get("/accounts/current", headers=AUTH)
    assert again.status_code == 200
    assert again.headers["X-Rate-Limit-Remaining"] == "2"
    assert again.headers["X-Rate-Limit-Reset"] == str(window_end + 300)
