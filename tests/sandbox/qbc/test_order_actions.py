"""`POST /orders/{id}/actions/{action}` (reference §7.2): pack, fulfil, invoice, pay, void."""

from __future__ import annotations

from typing import Any

from tests.sandbox.qbc.helpers import Qbc


def two_line_order(qbc: Qbc, status: str = "active") -> dict[str, Any]:
    qbc.seed(skus=2)
    first, second = (v["id"] for v in qbc.variants())
    return qbc.create_order([(first, 1), (second, 2)], status=status)


def test_pack_creates_a_packed_fulfillment_for_unpacked_items(qbc: Qbc) -> None:
    order = two_line_order(qbc)
    response = qbc.post(f"/orders/{order['id']}/actions/pack")
    assert response.status_code == 201
    fulfillment = response.json()["fulfillment"]
    assert fulfillment["status"] == "packed" and fulfillment["order_id"] == order["id"]
    assert len(fulfillment["fulfillment_line_item_ids"]) == 2
    shown = qbc.show("orders", order["id"], "order")
    assert shown["packed_status"] == "packed" and shown["fulfillment_status"] == "unshipped"
    again = qbc.post(f"/orders/{order['id']}/actions/pack")
    assert again.status_code == 422 and "base" in again.json()["errors"]


def test_fulfil_ships_packed_fulfillments_and_the_rest(qbc: Qbc) -> None:
    order = two_line_order(qbc)
    first_line = order["order_line_item_ids"][0]
    packed = qbc.post("/fulfillments", {"fulfillment": {
        "order_id": order["id"],
        "fulfillment_line_items": [{"order_line_item_id": first_line, "quantity": 1}]}})
    assert packed.status_code == 201
    response = qbc.post(f"/orders/{order['id']}/actions/fulfil", {"fulfillment": {
        "tracking_company": "FedEx", "tracking_number": "FX1"}})
    assert response.status_code == 201
    created = response.json()["fulfillment"]
    assert created["status"] == "fulfilled" and created["tracking_number"] == "FX1"
    earlier = qbc.show("fulfillments", packed.json()["fulfillment"]["id"], "fulfillment")
    assert earlier["status"] == "fulfilled" and earlier["shipped_at"]
    shown = qbc.show("orders", order["id"], "order")
    assert shown["status"] == "fulfilled" and shown["fulfillment_status"] == "shipped"
    assert sorted(shown["fulfillment_ids"]) == sorted([earlier["id"], created["id"]])
    assert shown["tracking_number"] == "FX1"
    assert qbc.post(f"/orders/{order['id']}/actions/fulfil").status_code == 422


def test_fulfill_spelling_is_an_alias(qbc: Qbc) -> None:
    order = two_line_order(qbc)
    response = qbc.post(f"/orders/{order['id']}/actions/fulfill")
    assert response.status_code == 201
    assert qbc.show("orders", order["id"], "order")["status"] == "fulfilled"


def test_draft_orders_cannot_be_packed_or_fulfilled(qbc: Qbc) -> None:
    order = two_line_order(qbc, status="draft")
    for action in ("pack", "fulfil"):
        response = qbc.post(f"/orders/{order['id']}/actions/{action}")
        assert response.status_code == 422
        assert response.json()["errors"]["base"]


def test_void_rules(qbc: Qbc) -> None:
    order = two_line_order(qbc, status="draft")
    voided = qbc.post(f"/orders/{order['id']}/actions/void")
    assert voided.status_code == 201 and voided.json()["order"]["status"] == "void"
    again = qbc.post(f"/orders/{order['id']}/actions/void")
    assert again.status_code == 422 and again.json()["errors"]["base"]
    shipped = qbc.create_order([(qbc.variants()[0]["id"], 1)])
    qbc.post(f"/orders/{shipped['id']}/actions/fulfil")
    refused = qbc.post(f"/orders/{shipped['id']}/actions/void")
    assert refused.status_code == 422
    assert qbc.show("orders", shipped["id"], "order")["status"] == "fulfilled"


def test_void_voids_packed_fulfillments(qbc: Qbc) -> None:
    order = two_line_order(qbc)
    fulfillment = qbc.post(f"/orders/{order['id']}/actions/pack").json()["fulfillment"]
    assert qbc.post(f"/orders/{order['id']}/actions/void").status_code == 201
    assert qbc.show("fulfillments", fulfillment["id"], "fulfillment")["status"] == "void"


def test_invoice_and_pay(qbc: Qbc) -> None:
    order = two_line_order(qbc)
    invoice = qbc.post(f"/orders/{order['id']}/actions/invoice")
    assert invoice.status_code == 201
    assert invoice.json()["invoice"]["total"] == order["total"]
    payment = qbc.post(f"/orders/{order['id']}/actions/pay",
                       {"payment": {"payment_method_name": "Credit Card"}})
    assert payment.status_code == 201
    assert payment.json()["payment"]["payment_method_name"] == "Credit Card"
    shown = qbc.show("orders", order["id"], "order")
    assert shown["payment_status"] == "paid" and shown["invoice_status"] == "invoiced"
    assert shown["invoice_ids"] == [invoice.json()["invoice"]["id"]]
    assert qbc.post(f"/orders/{order['id']}/actions/pay").status_code == 422


def test_unknown_action_and_order(qbc: Qbc) -> None:
    order = two_line_order(qbc)
    assert qbc.post(f"/orders/{order['id']}/actions/explode").status_code == 404
    assert qbc.post("/orders/99999/actions/void").json()["type"] == "Not Found"
