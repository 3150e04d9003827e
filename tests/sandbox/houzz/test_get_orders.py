"""getOrders: the order object, status filters, From/To windows and paging."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from tests.sandbox.houzz.helpers import Houzz, parse_xml

ORDER_KEYS = ["OrderId", "Status", "Created", "CustomerName", "Address", "OrderTotal",
              "FlatShipping", "ShippingOption", "OrderItems"]
ADDRESS_KEYS = {"Address", "Address1", "City", "State", "Zip", "Phone", "Country"}
ITEM_KEYS = {"Type", "SKU", "Quantity", "Price", "Cost", "Shipping", "Tax"}
MONEY = re.compile(r"^-?\d+\.\d{2}$")


def _total(order: dict[str, Any]) -> Decimal:
    lines = sum(((Decimal(i["Price"]) + Decimal(i["Shipping"]) + Decimal(i["Tax"])) * i["Quantity"]
                 for i in order["OrderItems"]), Decimal(0))
    return lines + Decimal(order["FlatShipping"])


def test_order_fields_in_json(houzz: Houzz) -> None:
    houzz.seed(8)
    houzz.place(count=20, coupon_rate=0.3)
    orders = houzz.orders()
    assert len(orders) == 20
    skus = {item["SKU"] for item in houzz.ok("getListings")["Listings"]}
    for order in orders:
        assert list(order) == ORDER_KEYS
        assert re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{4}", order["OrderId"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", order["Created"])
        assert order["Status"] == "Charged"
        assert " " in order["CustomerName"]
        assert set(order["Address"]) == ADDRESS_KEYS and order["Address"]["Country"] == "US"
        assert re.fullmatch(r"[A-Z]{2}", order["Address"]["State"])
        assert order["ShippingOption"] in {"STANDARD", "EXPEDITED", "CURBSIDE", "INSIDE"}
        for key in ("OrderTotal", "FlatShipping"):
            assert MONEY.match(order[key]), order[key]
        assert 1 <= len([i for i in order["OrderItems"] if i["Type"] == "Product"]) <= 3
        for item in order["OrderItems"]:
            assert set(item) == ITEM_KEYS
            assert all(MONEY.match(item[k]) for k in ("Price", "Cost", "Shipping", "Tax"))
            if item["Type"] == "Product":
                assert item["SKU"] in skus and 1 <= item["Quantity"] <= 3
        assert Decimal(order["OrderTotal"]) == _total(order)
    assert len({order["OrderId"] for order in orders}) == 20
    assert any(i["Type"] != "Product" for o in orders for i in o["OrderItems"])


def test_order_in_xml_matches_json(houzz: Houzz) -> None:
    houzz.seed(5)
    houzz.place(count=3)
    as_json = houzz.orders()
    root = parse_xml(houzz.api("getOrders", fmt="xml"))
    assert root.tag == "GetOrdersResponse" and root.findtext("Ack") == "Success"
    xml_orders = root.findall("Orders/Order")
    assert len(xml_orders) == 3
    for element, order in zip(xml_orders, as_json, strict=True):
        assert element.findtext("OrderId") == order["OrderId"]
        assert element.findtext("OrderTotal") == order["OrderTotal"]
        assert element.findtext("Address/City") == order["Address"]["City"]
        items = element.findall("OrderItems/OrderItem")
        assert [i.findtext("SKU") for i in items] == [i["SKU"] for i in order["OrderItems"]]
        assert [i.findtext("Price") for i in items] == [i["Price"] for i in order["OrderItems"]]
        assert [i.findtext("Quantity") for i in items] == [
            str(i["Quantity"]) for i in order["OrderItems"]]


def test_shipping_option_can_be_omitted(houzz: Houzz) -> None:
    houzz.seed(3)
    [order_id] = houzz.place(count=1)
    houzz.update_order(order_id, "Ship", ShippingMethod="UPS", TrackingNumber="1Z9")
    assert {"ShippingOption", "ShippingMethod", "TrackingNumber"} <= set(houzz.orders()[0])
    houzz.settings(emit_shipping_option=False)
    assert list(houzz.orders()[0]) == [k for k in ORDER_KEYS if k != "ShippingOption"]


def _place_at(houzz: Houzz, created: str, count: int = 1) -> list[str]:
    return houzz.place(count=count, created=created)


@pytest.fixture
def mixed(houzz: Houzz) -> dict[str, str]:
    """One order in each status, legacy lifecycle; returns status -> OrderId."""
    houzz.seed(6)
    houzz.settings(lifecycle="legacy")
    ids = houzz.place(count=6)
    [placed, processing, charged, failed, shipped, canceled] = ids
    for order_id in ids[1:]:
        houzz.update_order(order_id, "Process")
    for order_id in (charged, shipped):
        houzz.update_order(order_id, "Charge")
    houzz.control("POST", f"/orders/{failed}/fail_charge", {"fail": True})
    houzz.update_order(failed, "Charge")
    houzz.update_order(shipped, "Ship", ShippingMethod="FedEx", TrackingNumber="7712")
    houzz.update_order(canceled, "Cancel")
    return {"Placed": placed, "InProduction": processing, "Charged": charged,
            "FailedToCharge": failed, "Shipped": shipped, "Canceled": canceled}


STATUS_FILTERS = [
    ("New", ["Placed"]), ("new", ["Placed"]), ("InProduction", ["InProduction"]),
    ("INPRODUCTION", ["InProduction"]), ("Processing", ["InProduction"]),
    ("Charged", ["Charged"]), ("CHARGED", ["Charged"]),
    ("FailedToCharge", ["FailedToCharge"]), ("Shipped", ["Shipped"]),
    ("Canceled", ["Canceled"]), ("Active", ["Placed", "InProduction", "Charged", "FailedToCharge"]),
    ("all", ["Placed", "InProduction", "Charged", "FailedToCharge", "Shipped", "Canceled"]),
]


def test_status_filters(houzz: Houzz, mixed: dict[str, str]) -> None:
    for status_filter, expected in STATUS_FILTERS:
        found = {o["OrderId"]: o["Status"] for o in houzz.orders(Status=status_filter)}
        assert found == {mixed[status]: status for status in expected}, status_filter
    # Absent = All, Canceled included.
    assert {o["OrderId"] for o in houzz.orders()} == set(mixed.values())


def test_unknown_status_filter_names_the_valid_ones(houzz: Houzz) -> None:
    code, message = houzz.error("getOrders", Status="Pending")
    assert code == "InvalidParameter" and "Status" in message and "FailedToCharge" in message


@pytest.fixture
def timeline(houzz: Houzz) -> dict[str, str]:
    houzz.seed(4)
    houzz.settings(timezone="UTC")
    stamps = ["2024-05-01 00:00:00", "2024-05-01 23:59:59", "2024-05-02 00:00:00",
              "2024-05-02 12:30:00", "2024-05-03 08:00:00"]
    return {_place_at(houzz, stamp)[0]: stamp for stamp in stamps}


def _created(houzz: Houzz, **params: str) -> list[str]:
    return [order["Created"] for order in houzz.orders(**params)]


def test_from_to_dates_are_inclusive_and_to_covers_the_day(houzz: Houzz,
                                                          timeline: dict[str, str]) -> None:
    assert _created(houzz, From="2024-05-01", To="2024-05-01") == [
        "2024-05-01 00:00:00", "2024-05-01 23:59:59"]
    assert _created(houzz, From="2024-05-02") == [
        "2024-05-02 00:00:00", "2024-05-02 12:30:00", "2024-05-03 08:00:00"]
    assert _created(houzz, To="2024-05-02") == sorted(timeline.values())[:4]


def test_from_to_datetimes_fractions_and_offsets(houzz: Houzz, timeline: dict[str, str]) -> None:
    assert _created(houzz, From="2024-05-01 23:59:59", To="2024-05-02 12:30:00") == [
        "2024-05-01 23:59:59", "2024-05-02 00:00:00", "2024-05-02 12:30:00"]
    assert _created(houzz, From="2024-05-02 12:29:59.999999") == [
        "2024-05-02 12:30:00", "2024-05-03 08:00:00"]
    # 14:30 at +02:00 is 12:30 UTC; -07:00 shifts the other way.
    assert _created(houzz, From="2024-05-02 14:30:00+02:00", To="2024-05-03 01:00:00-07:00") == [
        "2024-05-02 12:30:00", "2024-05-03 08:00:00"]


def test_unencoded_plus_in_offset_still_parses(houzz: Houzz, timeline: dict[str, str]) -> None:
    response = houzz.http.get(
        "/api?format=json&method=getOrders&From=2024-05-02 12:30:00+00:00",
        headers={"X-HOUZZ-API-SSL-TOKEN": "sandbox-token",
                 "X-HOUZZ-API-USER-NAME": "sandbox-seller",
                 "X-HOUZZ-API-APP-NAME": "orderbridge-sandbox"})
    assert [o["Created"] for o in response.json()["Orders"]] == [
        "2024-05-02 12:30:00", "2024-05-03 08:00:00"]


def test_from_to_in_the_sandbox_zone(houzz: Houzz) -> None:
    houzz.seed(2)
    [order_id] = _place_at(houzz, "2024-01-15 22:00:00")  # Los Angeles, i.e. 06:00 UTC next day
    assert [o["OrderId"] for o in houzz.orders(From="2024-01-15", To="2024-01-15")] == [order_id]
    assert houzz.orders(From="2024-01-16 00:00:00+00:00", To="2024-01-16 05:59:59+00:00") == []
    assert len(houzz.orders(From="2024-01-16 06:00:00+00:00")) == 1


@pytest.mark.parametrize(("name", "value"), [("From", "05/01/2024"), ("To", "yesterday"),
                                             ("From", "2024-13-01"), ("To", "2024-05-01T25:00")])
def test_unparseable_dates_name_parameter_and_formats(houzz: Houzz, name: str, value: str) -> None:
    code, message = houzz.error("getOrders", **{name: value})
    assert code == "InvalidParameter"
    assert name in message and value in message and "YYYY-MM-DD HH:MM:SS" in message


def test_sorted_by_created_then_order_id(houzz: Houzz) -> None:
    houzz.seed(5)
    late = _place_at(houzz, "2024-02-02 10:00:00", count=3)
    early = _place_at(houzz, "2024-02-01 10:00:00", count=3)
    assert [o["OrderId"] for o in houzz.orders()] == sorted(early) + sorted(late)


def test_paging_covers_everything_once(houzz: Houzz) -> None:
    houzz.seed(5)
    for day in range(1, 8):
        _place_at(houzz, f"2024-03-0{day} 09:00:00", count=3)
    everything = [o["OrderId"] for o in houzz.orders(NumberOfItems=1000)]
    assert len(everything) == 21
    pages = [[o["OrderId"] for o in houzz.orders(Start=start, NumberOfItems=5)]
             for start in range(0, 25, 5)]
    assert [len(page) for page in pages] == [5, 5, 5, 5, 1]
    assert sum(pages, []) == everything
    assert houzz.orders(Start=21) == []
    assert "TotalCount" not in str(houzz.ok("getOrders", NumberOfItems=1).keys())


def test_page_size_defaults_to_100_and_is_capped_at_1000(houzz: Houzz) -> None:
    houzz.seed(3)
    houzz.place(count=1005, created="2024-04-01 10:00:00")
    assert len(houzz.orders()) == 100
    assert len(houzz.orders(NumberOfItems=5000)) == 1000
    assert len(houzz.orders(Start=1000, NumberOfItems=1000)) == 5


@pytest.mark.parametrize(("name", "value"), [("Start", "-1"), ("Start", "abc"),
                                             ("NumberOfItems", "0"), ("NumberOfItems", "1.5")])
def test_bad_paging_values_are_errors(houzz: Houzz, name: str, value: str) -> None:
    code, message = houzz.error("getOrders", **{name: value})
    assert code == "InvalidParameter" and name in message
