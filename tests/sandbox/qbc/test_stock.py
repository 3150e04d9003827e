"""Stock effects of orders (reference §7.5, §9): commit on active, release on void, on-hand
drop on fulfilment, and the order becoming fulfilled."""

from __future__ import annotations

from typing import Any

from tests.sandbox.qbc.helpers import Qbc


def levels(variant: dict[str, Any]) -> tuple[str, str, str]:
    return variant["stock_on_hand"], variant["committed_stock"], variant["available_stock"]


def first_variant(qbc: Qbc) -> dict[str, Any]:
    qbc.seed(skus=1)
    qbc.control("POST", "/stock", {"sku": qbc.variants()[0]["sku"], "stock_on_hand": 10})
    return qbc.variants()[0]


def test_active_orders_commit_and_drafts_do_not(qbc: Qbc) -> None:
    variant = first_variant(qbc)
    qbc.create_order([(variant["id"], 2)], status="draft")
    assert levels(qbc.variant(variant["id"])) == ("10", "0", "10")
    qbc.create_order([(variant["id"], 3)], status="active")
    qbc.create_order([(variant["id"], 1)], status="finalized")
    shown = qbc.variant(variant["id"])
    assert levels(shown) == ("10", "4", "6")
    assert shown["locations"][0]["committed"] == "4" and shown["locations"][0]["available"] == "6"


def test_void_releases_committed_stock(qbc: Qbc) -> None:
    variant = first_variant(qbc)
    order = qbc.create_order([(variant["id"], 3)])
    assert qbc.post(f"/orders/{order['id']}/actions/void").status_code == 201
    assert levels(qbc.variant(variant["id"])) == ("10", "0", "10")
    assert qbc.show("orders", order["id"], "order")["status"] == "void"


def test_fulfilment_moves_committed_out_of_on_hand(qbc: Qbc) -> None:
    variant = first_variant(qbc)
    order = qbc.create_order([(variant["id"], 3)])
    before = qbc.variant(variant["id"])["updated_at"]
    line_id = order["order_line_item_ids"][0]
    qbc.control("POST", f"/orders/{order['id']}/ship",
                {"tracking_company": "UPS", "tracking_number": "1Z1",
                 "lines": [{"order_line_item_id": line_id, "quantity": 1}]})
    after = qbc.variant(variant["id"])
    assert levels(after) == ("9", "2", "7")
    assert after["updated_at"] > before
    partial = qbc.show("orders", order["id"], "order")
    assert partial["status"] == "active" and partial["fulfillment_status"] == "partial"
    qbc.control("POST", f"/orders/{order['id']}/ship", {"tracking_company": "UPS"})
    assert levels(qbc.variant(variant["id"])) == ("7", "0", "7")
    done = qbc.show("orders", order["id"], "order")
    assert done["status"] == "fulfilled" and done["fulfillment_status"] == "shipped"
    assert done["packed_status"] == "packed"


def test_stock_may_go_negative(qbc: Qbc) -> None:
    variant = first_variant(qbc)
    order = qbc.create_order([(variant["id"], 12)])
    assert qbc.show("orders", order["id"], "order")["shippability_status"] == "not_shippable"
    qbc.control("POST", f"/orders/{order['id']}/ship", {})
    assert levels(qbc.variant(variant["id"])) == ("-2", "0", "-2")


def test_put_of_stock_fields_is_a_silent_no_op(qbc: Qbc) -> None:
    variant = first_variant(qbc)
    response = qbc.put(f"/variants/{variant['id']}",
                       {"variant": {"stock_on_hand": "99", "available_stock": "99"}})
    assert response.status_code == 204
    assert levels(qbc.variant(variant["id"])) == ("10", "0", "10")


def test_orders_commit_at_their_stock_location(qbc: Qbc) -> None:
    qbc.seed(skus=1, locations=2)
    variant = qbc.variants()[0]
    overflow = qbc.control("POST", "/seed", {"skus": 0, "locations": 2})["location_ids"][1]
    qbc.control("POST", "/stock", {"sku": variant["sku"], "stock_on_hand": 5,
                                   "location_id": overflow})
    qbc.create_order([(variant["id"], 2)], stock_location_id=overflow)
    by_location = {loc["location_id"]: loc for loc in qbc.variant(variant["id"])["locations"]}
    assert by_location[overflow]["committed"] == "2"
    assert by_location[overflow]["available"] == "3"
    assert len(by_location) == 2
