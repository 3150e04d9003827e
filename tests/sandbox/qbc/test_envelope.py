"""Envelope rules of reference §1 and §6: root keys, status codes per verb, error shapes,
`.json` paths, `X-Request-ID` and value formats."""

from __future__ import annotations

import re
import uuid

from tests.sandbox.qbc.helpers import Qbc

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_create_without_root_key_is_400(qbc: Qbc) -> None:
    response = qbc.post("/companies", {"name": "No root", "company_type": "consumer"})
    assert response.status_code == 400
    assert response.json() == {"type": "Bad Request",
                               "message": "Required parameter missing: company"}


def test_non_json_body_is_400(qbc: Qbc) -> None:
    response = qbc.http.post("/orders", content=b"not json", headers=qbc.headers())
    assert response.status_code == 400
    assert response.json()["message"] == "Required parameter missing: order"


def test_create_answers_201_with_record_and_location(qbc: Qbc) -> None:
    response = qbc.post("/companies", {"company": {"name": "Acme", "company_type": "business",
                                                   "company_code": "C-1"}})
    assert response.status_code == 201
    company = response.json()["company"]
    assert company["name"] == "Acme" and company["company_code"] == "C-1"
    assert isinstance(company["id"], int)
    assert response.headers["Location"].endswith(f"/companies/{company['id']}")
    assert ISO_MS.match(company["created_at"]) and ISO_MS.match(company["updated_at"])


def test_put_answers_204_and_is_partial(qbc: Qbc) -> None:
    company_id, _ = qbc.customer()
    response = qbc.put(f"/companies/{company_id}", {"company": {"email": "j@example.com"}})
    assert response.status_code == 204 and response.content == b""
    company = qbc.show("companies", company_id, "company")
    assert company["email"] == "j@example.com" and company["name"] == "Jane Doe"


def test_address_put_answers_200_with_the_record(qbc: Qbc) -> None:
    _, address_id = qbc.customer()
    response = qbc.put(f"/addresses/{address_id}", {"address": {"city": "Dallas"}})
    assert response.status_code == 200
    address = response.json()["address"]
    assert address["city"] == "Dallas" and address["address1"] == "1 Main St"
    assert address["country_code"] == "US"


def test_delete_answers_204_and_archives(qbc: Qbc) -> None:
    _, address_id = qbc.customer()
    assert qbc.delete(f"/addresses/{address_id}").status_code == 204
    assert qbc.show("addresses", address_id, "address")["status"] == "archived"
    assert qbc.get("/addresses").json()["addresses"] == []
    assert len(qbc.get("/addresses", status="archived").json()["addresses"]) == 1


def test_unknown_id_is_404_with_type_and_message(qbc: Qbc) -> None:
    response = qbc.get("/orders/12345")
    assert response.status_code == 404
    assert response.json() == {"type": "Not Found",
                               "message": "Couldn't find order with id 12345"}


def test_unknown_route_is_404_in_the_same_shape(qbc: Qbc) -> None:
    response = qbc.get("/nonsense")
    assert response.status_code == 404
    assert response.json()["type"] == "Not Found"


def test_validation_error_is_422_with_errors_by_attribute(qbc: Qbc) -> None:
    response = qbc.post("/companies", {"company": {"company_type": "consumer"}})
    assert response.status_code == 422
    assert response.json() == {"errors": {"name": ["can't be blank"]}}


def test_json_suffix_is_accepted(qbc: Qbc) -> None:
    company_id, _ = qbc.customer()
    response = qbc.get(f"/companies/{company_id}.json")
    assert response.status_code == 200
    assert response.json()["company"]["id"] == company_id
    assert qbc.get("/companies.json").json()["companies"][0]["id"] == company_id


def test_every_response_has_a_request_id(qbc: Qbc) -> None:
    seen = set()
    for response in (qbc.get("/accounts/current"), qbc.get("/orders/1"),
                     qbc.http.get("/orders")):
        seen.add(str(uuid.UUID(response.headers["X-Request-ID"])))
    assert len(seen) == 3


def test_money_and_quantities_are_decimal_strings(qbc: Qbc) -> None:
    qbc.seed(skus=1)
    variant = qbc.variants()[0]
    order = qbc.create_order([(variant["id"], 2)])
    line = qbc.get("/order_line_items", order_id=order["id"]).json()["order_line_items"][0]
    assert line["quantity"] == "2.0"
    assert line["price"] == variant["retail_price"]
    assert isinstance(order["total"], str) and order["issued_at"] == "2024-05-01"
    assert isinstance(qbc.variant(variant["id"])["stock_on_hand"], str)
