"""`Idempotency-Key` (reference §2, Q10): one effect per key, the first answer replayed."""

from __future__ import annotations

import uuid

from tests.sandbox.qbc.helpers import Qbc


def test_replay_returns_the_first_response_and_creates_one_order(qbc: Qbc) -> None:
    qbc.seed(skus=1)
    variant_id = qbc.variants()[0]["id"]
    body = qbc.order_body([(variant_id, 1)], reference_number="HZ-1")
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = qbc.post("/orders", body, headers=key)
    second = qbc.post("/orders", body, headers=key)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert first.headers["Location"] == second.headers["Location"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert len(qbc.control("GET", "/orders", reference_number="HZ-1")["orders"]) == 1
    assert qbc.variant(variant_id)["committed_stock"] == "1"


def test_same_key_with_another_body_is_422(qbc: Qbc) -> None:
    key = {"Idempotency-Key": "abc-123"}
    company = {"company": {"name": "One", "company_type": "consumer"}}
    assert qbc.post("/companies", company, headers=key).status_code == 201
    other = {"company": {"name": "Two", "company_type": "consumer"}}
    response = qbc.post("/companies", other, headers=key)
    assert response.status_code == 422
    assert response.json() == {"errors": {
        "idempotency_key": ["has already been used with a different request"]}}
    assert len(qbc.get("/companies").json()["companies"]) == 1


def test_keys_are_scoped_per_account(qbc: Qbc) -> None:
    qbc.control("POST", "/tokens", {"token": "other", "account_id": 2})
    key = {"Idempotency-Key": "shared"}
    company = {"company": {"name": "One", "company_type": "consumer"}}
    assert qbc.post("/companies", company, headers=key).status_code == 201
    response = qbc.post("/companies", company, headers=key, token="other")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers


def test_failed_request_does_not_use_up_the_key(qbc: Qbc) -> None:
    key = {"Idempotency-Key": "retry-me"}
    bad = qbc.post("/companies", {"company": {"name": "X"}}, headers=key)
    assert bad.status_code == 422
    good = qbc.post("/companies", {"company": {"name": "X", "company_type": "consumer"}},
                    headers=key)
    assert good.status_code == 201 and "Idempotent-Replayed" not in good.headers


def test_put_replay_and_call_log(qbc: Qbc) -> None:
    company_id, _ = qbc.customer()
    key = {"Idempotency-Key": "put-1"}
    body = {"company": {"email": "a@example.com"}}
    assert qbc.put(f"/companies/{company_id}", body, headers=key).status_code == 204
    replay = qbc.put(f"/companies/{company_id}", body, headers=key)
    assert replay.status_code == 204 and replay.headers["Idempotent-Replayed"] == "true"
    logged = [c for c in qbc.calls() if c.get("idempotency_key") == "put-1"]
    assert [c["api_method"] for c in logged] == ["companies.update", "companies.update"]
    assert logged[1]["idempotent_replayed"] is True


def test_replay_counts_against_the_rate_limit(qbc: Qbc) -> None:
    qbc.set_faults(rate_limit={"limit": 2, "window_s": 60})
    key = {"Idempotency-Key": "limited"}
    company = {"company": {"name": "One", "company_type": "consumer"}}
    assert qbc.post("/companies", company, headers=key).status_code == 201
    second = qbc.post("/companies", company, headers=key)
    assert second.headers["X-Rate-Limit-Remaining"] == "0"
    assert qbc.post("/companies", company, headers=key).status_code == 429
