"""The `/_sandbox/` control API: seed, stock, ship, void, order reads, tokens, call log."""

from __future__ import annotations

from orderbridge.sandbox.catalog import build_catalog
from tests.sandbox.qbc.helpers import Qbc


def test_seed_is_deterministic_and_follows_the_catalog(qbc: Qbc) -> None:
    result = qbc.seed(skus=4, seed=11)
    assert result["variants"] == 4 and result["location_ids"] == [1]
    first = qbc.variants()
    catalog = build_catalog(4, 11)
    assert [v["sku"] for v in first] == [item.sku for item in catalog]
    assert first[0]["retail_price"] == str(catalog[0].price)
    assert first[0]["buy_price"] == str(catalog[0].cost)
    assert first[0]["stock_on_hand"] == str(catalog[0].stock_on_hand)
    assert first[0]["manage_stock"] is True and first[0]["keep_selling"] is False
    qbc.control("POST", "/reset")
    qbc.seed(skus=4, seed=11)
    def shape(variants: list[dict[str, object]]) -> list[tuple[object, ...]]:
        return [(v["id"], v["sku"], v["retail_price"], v["stock_on_hand"]) for v in variants]

    assert shape(qbc.variants()) == shape(first)
    assert qbc.seed(skus=4, seed=11)["created"] == 0


def test_seed_with_extra_locations(qbc: Qbc) -> None:
    result = qbc.seed(skus=2, locations=2)
    assert len(result["location_ids"]) == 2
    labels = {loc["label"] for loc in qbc.get("/locations").json()["locations"]}
    assert labels == {"Main Warehouse", "Overflow"}
    locations = qbc.variants()[0]["locations"]
    assert [loc["location_id"] for loc in locations] == result["location_ids"]
    assert locations[1]["stock_on_hand"] == "0"


def test_set_stock_and_unknown_sku(qbc: Qbc) -> None:
    qbc.seed(skus=1)
    sku = qbc.variants()[0]["sku"]
    result = qbc.control("POST", "/stock", {"sku": sku, "stock_on_hand": 42})
    assert result["variant"]["stock_on_hand"] == "42"
    assert qbc.control("GET", "/variants", sku=sku)["variants"][0]["available_stock"] == "42"
    response = qbc.http.post("/_sandbox/stock", json={"sku": "NOPE", "stock_on_hand": 1})
    assert response.status_code == 404


def test_ship_and_read_back_without_api_calls(qbc: Qbc) -> None:
    qbc.seed(skus=2)
    first, second = (v["id"] for v in qbc.variants())
    order = qbc.create_order([(first, 1), (second, 1)], reference_number="HZ-5")
    qbc.control("DELETE", "/calls")
    shipped = qbc.control("POST", f"/orders/{order['id']}/ship", {
        "tracking_company": "UPS", "tracking_number": "1Z999", "service": "Ground",
        "lines": [{"order_line_item_id": order["order_line_item_ids"][0], "quantity": 1}]})
    fulfillment = shipped["fulfillment"]
    assert fulfillment["status"] == "fulfilled" and fulfillment["tracking_number"] == "1Z999"
    assert fulfillment["service"] == "Ground"
    assert len(fulfillment["fulfillment_line_items"]) == 1
    detail = qbc.control("GET", "/orders", reference_number="HZ-5")["orders"][0]
    assert detail["id"] == order["id"] and detail["fulfillment_status"] == "partial"
    assert len(detail["order_line_items"]) == 2
    assert detail["fulfillments"][0]["tracking_company"] == "UPS"
    assert qbc.calls() == []


def test_merchant_void(qbc: Qbc) -> None:
    qbc.seed(skus=1)
    order = qbc.create_order([(qbc.variants()[0]["id"], 2)])
    voided = qbc.control("POST", f"/orders/{order['id']}/void")
    assert voided["order"]["status"] == "void"
    assert qbc.variants()[0]["committed_stock"] == "0"
    void_list = qbc.get("/orders", status="void", updated_at_min=order["created_at"])
    assert [o["id"] for o in void_list.json()["orders"]] == [order["id"]]
    assert qbc.http.post(f"/_sandbox/orders/{order['id']}/void").status_code == 422


def test_call_log_names_calls(qbc: Qbc) -> None:
    qbc.get("/accounts/current")
    qbc.get("/orders", limit=10)
    qbc.get("/orders/5.json")
    qbc.post("/orders/5/actions/fulfil")
    calls = qbc.calls()
    assert [c["api_method"] for c in calls] == ["accounts.current", "orders.index",
                                                "orders.show", "orders.actions.fulfil"]
    assert calls[1]["query"] == "limit=10" and calls[2]["status"] == 404
    assert calls[2]["path"] == "/orders/5.json"
