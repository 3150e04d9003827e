"""`/fulfillments` and `/fulfillment_line_items` (reference §7.6, 3PL guide)."""

from __future__ import annotations

from typing import Any

from tests.sandbox.qbc.helpers import Qbc


def order_of_three(qbc: Qbc) -> dict[str, Any]:
    qbc.seed(skus=1)
    return qbc.create_order([(qbc.variants()[0]["id"], 3)])


def test_create_packed_then_mark_fulfilled(qbc: Qbc) -> None:
    order = order_of_three(qbc)
    variant = qbc.variants()[0]
    line_id = order["order_line_item_ids"][0]
    response = qbc.post("/fulfillments", {"fulfillment": {
        "order_id": order["id"], "fulfillment_line_items": [
            {"order_line_item_id": line_id, "quantity": 2}]}})
    assert response.status_code == 201
    fulfillment = response.json()["fulfillment"]
    assert fulfillment["status"] == "packed" and fulfillment["shipped_at"] is None
    assert response.headers["Location"].endswith(f"/fulfillments/{fulfillment['id']}")
    assert qbc.show("orders", order["id"], "order")["packed_status"] == "partial"
    update = {"fulfillment": {"status": "fulfilled", "tracking_company": "GeckoShip",
                              "tracking_number": "123TrackMe", "tracking_url": "https://t/1"}}
    assert qbc.put(f"/fulfillments/{fulfillment['id']}", update).status_code == 204
    shipped = qbc.show("fulfillments", fulfillment["id"], "fulfillment")
    assert shipped["status"] == "fulfilled" and shipped["shipped_at"]
    assert shipped["tracking_company"] == "GeckoShip"
    assert qbc.variant(variant["id"])["committed_stock"] == "1"
    assert qbc.show("orders", order["id"], "order")["fulfillment_status"] == "partial"


def test_create_without_lines_is_422(qbc: Qbc) -> None:
    order = order_of_three(qbc)
    response = qbc.post("/fulfillments", {"fulfillment": {"order_id": order["id"]}})
    assert response.status_code == 422
    assert response.json() == {"errors": {
        "base": ["Cannot create or update a Fulfillment without line items"]}}


def test_quantity_beyond_what_is_left_is_422(qbc: Qbc) -> None:
    order = order_of_three(qbc)
    line_id = order["order_line_item_ids"][0]
    response = qbc.post("/fulfillments", {"fulfillment": {
        "order_id": order["id"],
        "fulfillment_line_items": [{"order_line_item_id": line_id, "quantity": 4}]}})
    assert response.status_code == 422
    assert "fulfillment_line_items" in response.json()["errors"]


def test_created_fulfilled_with_shipped_at(qbc: Qbc) -> None:
    order = order_of_three(qbc)
    line_id = order["order_line_item_ids"][0]
    response = qbc.post("/fulfillments", {"fulfillment": {
        "order_id": order["id"], "status": "fulfilled", "shipped_at": "2024-05-02T10:00:00Z",
        "fulfillment_line_items": [{"order_line_item_id": line_id, "quantity": 3}]}})
    fulfillment = response.json()["fulfillment"]
    assert fulfillment["status"] == "fulfilled"
    assert fulfillment["shipped_at"] == "2024-05-02T10:00:00.000Z"
    assert qbc.show("orders", order["id"], "order")["status"] == "fulfilled"


def test_include_line_items_on_index_and_show(qbc: Qbc) -> None:
    order = order_of_three(qbc)
    sku = qbc.variants()[0]["sku"]
    fulfillment = qbc.post(f"/orders/{order['id']}/actions/pack").json()["fulfillment"]
    shown = qbc.get(f"/fulfillments/{fulfillment['id']}", include="fulfillment_line_items")
    lines = shown.json()["fulfillment_line_items"]
    assert len(lines) == 1
    assert lines[0]["variant_sku"] == sku and lines[0]["quantity"] == "3.0"
    assert lines[0]["order_line_item_id"] == order["order_line_item_ids"][0]
    assert lines[0]["base_price"] is not None
    index = qbc.get("/fulfillments", order_id=order["id"], include="fulfillment_line_items")
    assert [f["id"] for f in index.json()["fulfillments"]] == [fulfillment["id"]]
    assert index.json()["fulfillment_line_items"] == lines
    assert "fulfillment_line_items" not in qbc.get("/fulfillments").json()


def test_fulfillment_filters_and_line_items_resource(qbc: Qbc) -> None:
    order = order_of_three(qbc)
    fulfillment = qbc.post(f"/orders/{order['id']}/actions/pack").json()["fulfillment"]
    assert qbc.get("/fulfillments", status="fulfilled").json()["fulfillments"] == []
    by_company = qbc.get("/fulfillments", company_id=order["company_id"]).json()
    assert [f["id"] for f in by_company["fulfillments"]] == [fulfillment["id"]]
    lines = qbc.get("/fulfillment_line_items", fulfillment_id=fulfillment["id"]).json()
    line = lines["fulfillment_line_items"][0]
    assert qbc.show("fulfillment_line_items", line["id"], "fulfillment_line_item") == line


def test_delete_packed_fulfillment_unpacks(qbc: Qbc) -> None:
    order = order_of_three(qbc)
    fulfillment = qbc.post(f"/orders/{order['id']}/actions/pack").json()["fulfillment"]
    assert qbc.delete(f"/fulfillments/{fulfillment['id']}").status_code == 204
    assert qbc.show("orders", order["id"], "order")["packed_status"] == "unpacked"
    assert qbc.post(f"/orders/{order['id']}/actions/pack").status_code == 201
