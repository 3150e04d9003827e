"""Sales orders (reference §7.1, §7.3): creation defaults, nested records, updates, deletes,
sideloading and filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.sandbox.qbc.helpers import Qbc


def test_create_defaults(qbc: Qbc) -> None:
    qbc.seed(skus=2)
    first, second = qbc.variants()
    body = qbc.order_body([(first["id"], 2), (second["id"], 1)])
    del body["order"]["status"]
    order = qbc.post("/orders", body).json()["order"]
    assert order["status"] == "draft"
    assert order["order_number"] == "SO0001"
    assert order["billing_address_id"] == order["shipping_address_id"]
    account = qbc.get("/accounts/current").json()["account"]
    assert order["stock_location_id"] == account["primary_location_id"]
    assert len(order["order_line_item_ids"]) == 2 and "order_line_items" not in order
    expected = Decimal(first["retail_price"]) * 2 + Decimal(second["retail_price"])
    assert Decimal(order["total"]) == expected
    assert order["fulfillment_status"] == "unshipped" and order["packed_status"] == "unpacked"
    assert order["payment_status"] == "unpaid" and order["invoice_status"] == "uninvoiced"
    assert qbc.create_order([(first["id"], 1)])["order_number"] == "SO0002"


def test_total_applies_discount_and_tax_override(qbc: Qbc) -> None:
    qbc.seed(skus=1)
    body = qbc.order_body([])
    body["order"]["order_line_items"] = [
        {"variant_id": qbc.variants()[0]["id"], "quantity": 2, "price": "50.00",
         "discount": "10", "tax_rate_override": "8.25"},
        {"freeform": True, "label": "Shipping", "line_type": "shipping", "quantity": 1,
         "price": "9.99"}]
    order = qbc.post("/orders", body).json()["order"]
    assert Decimal(order["total"]) == Decimal("107.42")  # 90 * 1.0825 = 97.425 + 9.99


def test_nested_company_and_shipping_address(qbc: Qbc) -> None:
    qbc.seed(skus=1)
    body = {"order": {
        "issued_at": "21-02-2018", "status": "active", "reference_number": "HZ-77",
        "company": {"name": "Sam Buyer", "company_type": "consumer", "email": "s@example.com"},
        "shipping_address": {"address1": "5 Elm St", "city": "Reno", "country": "US",
                             "first_name": "Sam", "last_name": "Buyer"},
        "order_line_items": [{"variant_id": qbc.variants()[0]["id"], "quantity": 1}]}}
    order = qbc.post("/orders", body).json()["order"]
    assert order["issued_at"] == "2018-02-21"
    company = qbc.show("companies", order["company_id"], "company")
    assert company["name"] == "Sam Buyer" and company["address_ids"] == [
        order["shipping_address_id"]]
    address = qbc.show("addresses", order["shipping_address_id"], "address")
    assert address["address1"] == "5 Elm St" and address["company_id"] == company["id"]


def test_nested_company_requires_a_nested_shipping_address(qbc: Qbc) -> None:
    body = {"order": {"issued_at": "2024-01-01",
                      "company": {"name": "Sam", "company_type": "consumer"}}}
    response = qbc.post("/orders", body)
    assert response.status_code == 422
    assert "shipping_address" in response.json()["errors"]
    assert qbc.get("/companies").json()["companies"] == []


def test_validation_errors(qbc: Qbc) -> None:
    body = qbc.order_body([(987654, 1)])
    del body["order"]["issued_at"]
    errors = qbc.post("/orders", body).json()["errors"]
    assert errors["issued_at"] == ["can't be blank"]
    assert errors["order_line_items"] == ["variant_id 987654 does not exist"]
    assert qbc.get("/orders").json()["orders"] == []


def test_put_is_partial_and_adds_new_lines(qbc: Qbc) -> None:
    qbc.seed(skus=2)
    first, second = (v["id"] for v in qbc.variants())
    order = qbc.create_order([(first, 1)], status="draft", notes="gift")
    body = {"order": {"status": "active", "reference_number": "HZ-9",
                      "order_line_items": [{"variant_id": second, "quantity": 3}]}}
    assert qbc.put(f"/orders/{order['id']}", body).status_code == 204
    updated = qbc.show("orders", order["id"], "order")
    assert updated["status"] == "active" and updated["notes"] == "gift"
    assert updated["reference_number"] == "HZ-9"
    assert len(updated["order_line_item_ids"]) == 2
    assert updated["updated_at"] >= order["updated_at"]
    assert qbc.variant(second)["committed_stock"] == "3"


def test_invalid_status_change_is_422(qbc: Qbc) -> None:
    order = qbc.create_order([], status="active")
    assert qbc.put(f"/orders/{order['id']}", {"order": {"status": "void"}}).status_code == 422


def test_delete_makes_drafts_deleted_and_others_void(qbc: Qbc) -> None:
    draft = qbc.create_order([], status="draft")
    active = qbc.create_order([], status="active")
    assert qbc.delete(f"/orders/{draft['id']}").status_code == 204
    assert qbc.delete(f"/orders/{active['id']}").status_code == 204
    assert qbc.show("orders", draft["id"], "order")["status"] == "deleted"
    assert qbc.show("orders", active["id"], "order")["status"] == "void"


def test_include_sideloads_on_show_only(qbc: Qbc) -> None:
    qbc.seed(skus=1)
    order = qbc.create_order([(qbc.variants()[0]["id"], 2)])
    body = qbc.get(f"/orders/{order['id']}",
                   include="order_line_items,shipping_address,company").json()
    assert [line["id"] for line in body["order_line_items"]] == order["order_line_item_ids"]
    assert body["addresses"][0]["id"] == order["shipping_address_id"]
    assert body["companies"][0]["id"] == order["company_id"]
    index = qbc.get("/orders", include="order_line_items").json()
    assert set(index) == {"orders"}


def test_order_line_items_resource(qbc: Qbc) -> None:
    qbc.seed(skus=2)
    first, second = (v["id"] for v in qbc.variants())
    order = qbc.create_order([(first, 1), (second, 4)])
    lines = qbc.get("/order_line_items", variant_id=second).json()["order_line_items"]
    assert len(lines) == 1 and lines[0]["order_id"] == order["id"]
    assert lines[0]["quantity"] == "4.0"
    line = qbc.show("order_line_items", lines[0]["id"], "order_line_item")
    assert line["variant_id"] == second


def test_filters(qbc: Qbc) -> None:
    a = qbc.create_order([], status="active", reference_number="HZ-A", tags=["houzz"])
    b = qbc.create_order([], status="draft", reference_number="HZ-B")
    c = qbc.create_order([], status="finalized", reference_number="HZ-C")

    def ids(**params: Any) -> list[int]:
        response = qbc.get("/orders", **params)
        assert response.status_code == 200, response.text
        return sorted(o["id"] for o in response.json()["orders"])

    assert ids() == sorted([a["id"], b["id"], c["id"]])
    assert ids(reference_number="HZ-B") == [b["id"]]
    assert ids(**{"reference_number[]": ["HZ-C", "HZ-A", "HZ-Z"]}) == sorted([a["id"], c["id"]])
    assert ids(status="draft") == [b["id"]]
    assert ids(**{"status[]": ["draft", "finalized"]}) == sorted([b["id"], c["id"]])
    assert ids(ids=f"{a['id']},{c['id']}") == sorted([a["id"], c["id"]])
    assert ids(**{"ids[]": [a["id"], b["id"]]}) == sorted([a["id"], b["id"]])
    assert ids(tags="houzz") == [a["id"]]
    assert ids(company_id=b["company_id"]) == [b["id"]]
    assert ids(order_number=c["order_number"]) == [c["id"]]
    qbc.put(f"/orders/{b['id']}", {"order": {"notes": "changed"}})
    changed_at = qbc.show("orders", b["id"], "order")["updated_at"]
    assert b["id"] in ids(updated_at_min=changed_at)
    assert ids(updated_at_min="2999-01-01") == []
    assert ids(fulfillment_status="unshipped") == sorted([a["id"], b["id"], c["id"]])
    assert qbc.get("/orders", updated_at_min="yesterday").status_code == 400
