"""Who may call: bearer tokens (401), lapsed subscriptions (402), read-only tokens (403), and
per-account data."""

from __future__ import annotations

from tests.sandbox.qbc.helpers import Qbc


def test_missing_token_is_401_with_challenge(qbc: Qbc) -> None:
    response = qbc.http.get("/accounts/current")
    assert response.status_code == 401
    assert response.json()["type"] == "Unauthorized"
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_unknown_token_is_401(qbc: Qbc) -> None:
    response = qbc.get("/orders", token="not-a-token")
    assert response.status_code == 401
    assert set(response.json()) == {"type", "message"}


def test_default_token_reads_the_current_account(qbc: Qbc) -> None:
    account = qbc.get("/accounts/current").json()["account"]
    assert account["id"] == 1
    assert account["primary_location_id"] in account["location_ids"]
    location = qbc.show("locations", account["primary_location_id"], "location")
    assert location["label"] == "Main Warehouse"


def test_second_account_sees_none_of_the_first(qbc: Qbc) -> None:
    qbc.seed(skus=3)
    company_id, _ = qbc.customer()
    qbc.control("POST", "/tokens", {"token": "other", "account_id": 2})
    assert qbc.get("/variants", token="other").json()["variants"] == []
    assert qbc.get(f"/companies/{company_id}", token="other").status_code == 404
    other = qbc.get("/accounts/current", token="other").json()["account"]
    assert other["id"] == 2 and other["primary_location_id"] != 1
    assert len(qbc.get("/variants").json()["variants"]) == 3


def test_lapsed_subscription_is_402_on_every_call(qbc: Qbc) -> None:
    qbc.control("POST", "/accounts/1", {"subscription": "lapsed"})
    for response in (qbc.get("/accounts/current"), qbc.post("/companies", {"company": {}})):
        assert response.status_code == 402
        assert response.json()["type"] == "Payment Required"
    qbc.control("POST", "/accounts/1", {"subscription": "active"})
    assert qbc.get("/accounts/current").status_code == 200


def test_read_only_token_may_read_but_not_write(qbc: Qbc) -> None:
    qbc.control("POST", "/tokens", {"token": "viewer", "account_id": 1, "read_only": True})
    assert qbc.get("/orders", token="viewer").status_code == 200
    response = qbc.post("/companies", {"company": {"name": "X", "company_type": "consumer"}},
                        token="viewer")
    assert response.status_code == 403
    assert response.json()["type"] == "Forbidden"
    assert qbc.get("/companies").json()["companies"] == []


def test_reset_forgets_added_tokens(qbc: Qbc) -> None:
    qbc.control("POST", "/tokens", {"token": "temp", "account_id": 1})
    assert qbc.get("/orders", token="temp").status_code == 200
    qbc.control("POST", "/reset")
    assert qbc.get("/orders", token="temp").status_code == 401
