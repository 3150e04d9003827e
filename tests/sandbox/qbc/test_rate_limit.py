"""Rate limits (reference §5) and injected server errors, answered in the QBC format."""

from __future__ import annotations

import time

from tests.sandbox.qbc.helpers import Qbc


def test_every_api_response_carries_rate_limit_headers(qbc: Qbc) -> None:
    first = qbc.get("/accounts/current")
    second = qbc.get("/orders/999")
    assert first.headers["X-Rate-Limit-Limit"] == "300"
    remaining = int(first.headers["X-Rate-Limit-Remaining"])
    assert int(second.headers["X-Rate-Limit-Remaining"]) == remaining - 1
    reset = int(first.headers["X-Rate-Limit-Reset"])
    assert reset % 300 == 0 and 0 < reset - time.time() <= 300


def test_small_window_gives_429_with_retry_after(qbc: Qbc) -> None:
    qbc.set_faults(rate_limit={"limit": 5, "window_s": 2})
    start = time.time()
    responses = [qbc.get("/accounts/current") for _ in range(7)]
    if time.time() // 2 != start // 2:  # crossed a window boundary: try once more, aligned
        time.sleep(2 - time.time() % 2)
        responses = [qbc.get("/accounts/current") for _ in range(7)]
    statuses = [r.status_code for r in responses]
    assert statuses == [200] * 5 + [429] * 2
    limited = responses[-1]
    reset = int(limited.headers["X-Rate-Limit-Reset"])
    assert reset % 2 == 0
    assert limited.headers["X-Rate-Limit-Remaining"] == "0"
    assert limited.json() == {"type": "Too Many Requests",
                              "message": f"Rate limit exceeded, retry after {reset}"}
    assert 1 <= int(limited.headers["Retry-After"]) <= 2
    time.sleep(max(0.0, reset - time.time()) + 0.05)
    assert qbc.get("/accounts/current").status_code == 200


def test_limits_are_counted_per_account(qbc: Qbc) -> None:
    qbc.control("POST", "/tokens", {"token": "other", "account_id": 2})
    qbc.set_faults(rate_limit={"limit": 3, "window_s": 60})
    for _ in range(3):
        qbc.get("/accounts/current")
    assert qbc.get("/accounts/current").status_code == 429
    assert qbc.get("/accounts/current", token="other").status_code == 200


def test_control_calls_are_not_limited(qbc: Qbc) -> None:
    qbc.set_faults(rate_limit={"limit": 1, "window_s": 60})
    qbc.get("/accounts/current")
    for _ in range(3):
        qbc.control("GET", "/variants")


def test_injected_errors_use_the_qbc_shape(qbc: Qbc) -> None:
    qbc.set_faults(error_rate=1, error_status=503)
    response = qbc.get("/accounts/current")
    assert response.status_code == 503
    assert response.json()["type"] == "Service Unavailable"
    assert "X-Request-ID" in response.headers
    qbc.set_faults(error_rate=1, error_status=500)
    response = qbc.post("/companies", {"company": {"name": "X", "company_type": "consumer"}})
    assert response.status_code == 500
    assert response.json()["type"] == "Internal Server Error"
    qbc.set_faults()
    assert qbc.get("/companies").json()["companies"] == []
    faults = [call["fault"] for call in qbc.calls()]
    assert faults[:2] == ["error", "error"]
