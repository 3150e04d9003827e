"""The Houzz control API: reset, seed, placing orders (random and as given), buyer cancel,
settings, and what is (not) logged."""

from __future__ import annotations

from typing import Any

from tests.sandbox.houzz.helpers import Houzz, parse_xml


def _random_orders(houzz: Houzz, seed: int) -> tuple[list[Any], list[dict[str, Any]]]:
    houzz.control("POST", "/reset")
    houzz.seed(15, seed=seed)
    listings = houzz.control("GET", "/listings")["listings"]
    houzz.place(count=6, created="2024-06-01 12:00:00", unknown_sku_rate=0.3, coupon_rate=0.3)
    return listings, houzz.orders()


def test_same_seed_same_listings_and_orders(houzz: Houzz) -> None:
    first = _random_orders(houzz, seed=42)
    second = _random_orders(houzz, seed=42)
    other = _random_orders(houzz, seed=43)
    assert first == second
    assert first[1] != other[1]
    assert first[0] != other[0]


def test_unknown_sku_rate_puts_unlisted_skus_on_orders(houzz: Houzz) -> None:
    houzz.seed(5)
    listed = {item["SKU"] for item in houzz.control("GET", "/listings")["listings"]}
    houzz.place(count=10, unknown_sku_rate=1.0)
    skus = {i["SKU"] for o in houzz.orders() for i in o["OrderItems"]}
    assert skus and not skus & listed


def test_seed_replaces_listings_and_reset_empties_everything(houzz: Houzz) -> None:
    houzz.seed(10)
    houzz.seed(3, seed=2)
    assert houzz.ok("getListings")["TotalListingCount"] == 3
    houzz.place(count=2)
    houzz.settings(lifecycle="legacy")
    houzz.control("POST", "/faults", {"latency_ms": 1})
    houzz.control("POST", "/reset")
    assert houzz.ok("getListings") == {"Ack": "Success", "TotalListingCount": 0}
    assert houzz.orders() == []
    assert houzz.control("GET", "/settings")["lifecycle"] == "post2021"
    assert houzz.control("GET", "/faults")["latency_ms"] == 0
    assert [call["api_method"] for call in houzz.calls()] == ["getListings", "getOrders"]


def test_random_orders_need_listings(houzz: Houzz) -> None:
    body = houzz.control("POST", "/orders", {"count": 1}, expect=409)
    assert "/_sandbox/seed" in body["detail"]


def test_orders_as_given_are_stored_as_given(houzz: Houzz) -> None:
    weird: dict[str, Any] = {
        "OrderId": "0000-0000-0000-0001",
        "CustomerName": "Zoë 山田 O'Neil",
        "OrderTotal": "abc",
        "FlatShipping": 12.5,
        "OrderItems": [{"Type": "Product", "SKU": "X", "Quantity": -2, "Price": 10,
                        "Tax": None},
                       {"Type": "Gift Card", "SKU": None, "Quantity": "two"}],
        "Unexpected": {"nested": [1, 2]},
    }
    ids = houzz.place(orders=[weird, {"CustomerName": "Only A Name", "Address": None,
                                      "Status": "Mystery"}])
    assert ids[0] == "0000-0000-0000-0001"
    first, second = sorted(houzz.orders(), key=lambda o: o["OrderId"] != ids[0])
    assert first["Status"] == "Charged"  # filled in by the post2021 lifecycle
    for key in ("CustomerName", "OrderTotal", "FlatShipping", "Unexpected"):
        assert first[key] == weird[key]
    assert first["OrderItems"] == [
        {"Type": "Product", "SKU": "X", "Quantity": -2, "Price": 10},
        {"Type": "Gift Card", "Quantity": "two"},
    ]
    assert "Address" not in first and "Address" not in second
    assert second["Status"] == "Mystery" and second["OrderId"] == ids[1]
    assert set(second) == {"OrderId", "Status", "Created", "CustomerName"}
    root = parse_xml(houzz.api("getOrders", fmt="xml"))
    names = [order.findtext("CustomerName") for order in root.findall("Orders/Order")]
    assert "Zoë 山田 O'Neil" in names
    assert root.find("Orders/Order/Unexpected/nested") is not None


def test_null_order_id_status_and_created_are_left_out(houzz: Houzz) -> None:
    [order_id] = houzz.place(orders=[{"Created": None, "Status": None, "OrderId": None,
                                      "CustomerName": "Anon"}])
    assert houzz.orders() == [{"CustomerName": "Anon"}]
    assert houzz.control("GET", f"/orders/{order_id}")["CustomerName"] == "Anon"


def test_given_created_is_kept_verbatim_and_used_for_filtering(houzz: Houzz) -> None:
    houzz.place(orders=[{"OrderId": "1", "Created": "2023-01-02 03:04:05"},
                        {"OrderId": "2", "Created": "sometime"}])
    assert [o["Created"] for o in houzz.orders(To="2023-01-02")] == ["2023-01-02 03:04:05"]
    assert {o["Created"] for o in houzz.orders()} == {"2023-01-02 03:04:05", "sometime"}


def test_duplicate_order_id_later_one_wins(houzz: Houzz) -> None:
    ids = houzz.place(orders=[{"OrderId": "9-9", "CustomerName": "First"},
                              {"OrderId": "9-9", "CustomerName": "Second"}])
    assert ids == ["9-9", "9-9"]
    assert [o["CustomerName"] for o in houzz.orders()] == ["Second"]


def test_buyer_cancel(houzz: Houzz) -> None:
    houzz.seed(3)
    first, second = houzz.place(count=2)
    view = houzz.control("POST", f"/orders/{first}/cancel", {"comments": "changed my mind"})
    assert view["Status"] == "Canceled" and view["Cancellation"]["By"] == "buyer"
    assert view["Cancellation"]["Comments"] == "changed my mind"
    assert houzz.orders(Status="Canceled")[0]["OrderId"] == first
    assert "Canceled" in houzz.control("POST", f"/orders/{first}/cancel", expect=409)["detail"]
    houzz.update_order(second, "Ship", ShippingMethod="UPS", TrackingNumber="1Z")
    detail = houzz.control("POST", f"/orders/{second}/cancel", expect=409)["detail"]
    assert "Shipped" in detail
    houzz.control("POST", "/orders/0000-0000-0000-0000/cancel", expect=404)


def test_control_reads_not_logged_and_404s(houzz: Houzz) -> None:
    houzz.seed(2)
    houzz.control("GET", "/orders")
    houzz.control("GET", "/listings")
    houzz.control("GET", "/orders/nope", expect=404)
    houzz.control("GET", "/listings/nope", expect=404)
    assert houzz.calls() == []


def test_settings_partial_update_and_validation(houzz: Houzz) -> None:
    before = houzz.control("GET", "/settings")
    after = houzz.settings(accept_cancle_typo=True)
    assert after == {**before, "accept_cancle_typo": True}
    houzz.control("POST", "/settings", {"timezone": "Mars/Olympus"}, expect=422)
    houzz.control("POST", "/settings", {"lifecycle": "2030"}, expect=422)
    houzz.control("POST", "/settings", {"colour": "red"}, expect=422)
    houzz.control("POST", "/orders", {"count": 1, "orders": []}, expect=422)
    houzz.control("POST", "/seed", {"skus": -1}, expect=422)
    assert houzz.control("GET", "/settings") == after
