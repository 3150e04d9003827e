"""Houzz payload → canonical order: faithful for good orders, never raising for bad ones."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orderbridge.connectors.houzz.mapping import channel_order_key, to_canonical
from orderbridge.model import HoldReason, OrderLine, Party

PACIFIC = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def good_order(**overrides: Any) -> dict[str, Any]:
    order: dict[str, Any] = {
        "OrderId": "1656-9927-9120-7805", "Status": "Charged", "Created": "2026-11-27 23:30:00",
        "CustomerName": "Zoë Okafor Smith",
        "Address": {"Address": "12 Elm St", "Address1": "", "City": "Austin", "State": "Texas",
                    "Zip": "78701", "Phone": "(512) 555-0100", "Country": "US"},
        "OrderTotal": "119.00", "FlatShipping": "10.00", "ShippingOption": "EXPEDITED",
        "OrderItems": [
            {"Type": "Product", "SKU": "OAK-1", "Quantity": 2, "Price": "50.00", "Cost": "30.00",
             "Shipping": "0.50", "Tax": "4.00"},
            {"Type": "Coupon", "SKU": "", "Quantity": 1, "Price": "-0.00"},
        ],
    }
    order.update(overrides)
    return order


def test_good_order_translates_without_problems() -> None:
    result = to_canonical(good_order(), cust_ref="R1", zone=PACIFIC, now=NOW)
    order = result.order
    assert result.problems == []
    assert order.cust_po_no == "1656-9927-9120-7805"
    assert order.order_date == datetime(2026, 11, 28, 7, 30, tzinfo=UTC)  # PST is UTC-8
    assert (order.ship_to.first_name, order.ship_to.last_name) == ("Zoë", "Okafor Smith")
    assert order.ship_to.state == "TX" and order.ship_to.phone == "512-555-0100"
    assert order.shipping_amount == Decimal("11.00") and order.tax_amount == Decimal("8.00")
    assert order.computed_total == Decimal("119.00")
    assert order.ship_code == "EXPEDITED"
    assert [line.line_type for line in order.items] == ["product", "fee"]


def test_json_floats_stay_exact() -> None:
    raw = good_order(OrderTotal=119.1, FlatShipping=10.1)
    result = to_canonical(raw, cust_ref="R1", zone=PACIFIC, now=NOW)
    assert result.order.shipping_amount == Decimal("11.10")
    assert result.problems == []


def test_each_problem_is_named() -> None:
    raw = good_order(Address={"Address": "", "City": "Austin", "State": "Narnia", "Zip": "1"},
                     OrderItems=[{"Type": "Product", "SKU": "A", "Quantity": 0, "Price": "x"}],
                     Created="yesterday", OrderTotal=None)
    result = to_canonical(raw, cust_ref="R1", zone=PACIFIC, now=NOW)
    messages = " | ".join(hold.message for hold in result.problems)
    assert "Created" in messages and "Address.Address" in messages
    assert "'Narnia' is not a US state" in messages
    assert "quantity 0" in messages and "price 'x'" in messages
    codes = {hold.code for hold in result.problems}
    assert codes == {HoldReason.MISSING_FIELD, HoldReason.INVALID_VALUE}


def test_total_mismatch_is_a_problem() -> None:
    result = to_canonical(good_order(OrderTotal="99.00"), cust_ref="R1", zone=PACIFIC, now=NOW)
    assert any("does not match" in hold.message for hold in result.problems)


def test_missing_order_id_gets_a_stable_key() -> None:
    raw = good_order(OrderId=None)
    assert channel_order_key(raw) == channel_order_key(dict(raw))
    assert channel_order_key(raw).startswith("missing-id-")
    result = to_canonical(raw, cust_ref="R1", zone=PACIFIC, now=NOW)
    assert any("without an OrderId" in hold.message for hold in result.problems)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=300),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner,
                                                                 max_size=3),
    max_leaves=10,
)
item = st.fixed_dictionaries({}, optional={
    "Type": json_values, "SKU": json_values, "Quantity": json_values, "Price": json_values,
    "Cost": json_values, "Shipping": json_values, "Tax": json_values})
houzz_order = st.fixed_dictionaries({}, optional={
    "OrderId": json_values, "Created": json_values | st.just("2026-01-02 03:04:05"),
    "CustomerName": json_values, "Address": json_values | st.fixed_dictionaries(
        {}, optional={key: json_values for key in
                      ("Address", "Address1", "City", "State", "Zip", "Phone", "Country")}),
    "OrderTotal": json_values, "FlatShipping": json_values,
    "OrderItems": json_values | st.lists(item, max_size=4)})


@settings(max_examples=300, deadline=None)
@given(raw=houzz_order | json_values)
def test_any_payload_translates_or_names_its_problems(raw: Any) -> None:
    result = to_canonical(raw, cust_ref="R1", zone=PACIFIC, now=NOW)
    assert result.order.cust_po_no == channel_order_key(raw)
    for hold in result.problems:
        assert hold.message
    if not isinstance(raw, dict) or not raw.get("OrderItems"):
        assert result.problems


@pytest.mark.parametrize("overrides", [
    {"Created": "9999-12-31 23:59:59"},  # after UTC's last day
    {"OrderItems": [{"SKU": "OAK-1", "Quantity": "1e999999", "Price": "1e999999"}]},
    {"OrderItems": [{"SKU": "OAK-1", "Quantity": 2, "Price": 1.7976931348623157e308}]},
    {"OrderTotal": "1e999999", "FlatShipping": "9e999999"},
    {"OrderItems": [{"SKU": "OAK-1", "Quantity": 1, "Price": "1", "Shipping": "9e300"}]},
])
def test_extreme_values_are_named_not_raised(overrides: dict[str, Any]) -> None:
    result = to_canonical(good_order(**overrides), cust_ref="R1", zone=PACIFIC, now=NOW)
    assert result.problems
    messages = " | ".join(hold.message for hold in result.problems)
    assert "Created" in messages or "not a valid amount" in messages or "quantity" in messages
    result.order.model_dump_json()  # and the order can be stored


def test_the_parts_are_validated_with_the_order() -> None:
    order = to_canonical(good_order(), cust_ref="R1", zone=PACIFIC, now=NOW).order
    assert isinstance(order.ship_to, Party)
    assert all(isinstance(line, OrderLine) for line in order.items)
    assert order.items[0].extended_amount == Decimal("100.00")


def _messages(**overrides: Any) -> list[str]:
    translation = to_canonical(good_order(**overrides), cust_ref="R1", zone=PACIFIC, now=NOW)
    return [problem.message for problem in translation.problems]


@pytest.mark.parametrize(("overrides", "words"), [
    ({"Created": "1999-06-01 00:00:00"}, "before 2000 or more than a day ahead"),
    ({"Created": "2026-11-30 12:00:00"}, "before 2000 or more than a day ahead"),
    ({"Status": "Teleported"}, "the Houzz status 'Teleported' is not one orderbridge knows"),
    ({"ShippingOption": "X" * 300}, "ShippingOption is longer than 255 characters"),
    ({"OrderId": "9" * 101}, "the OrderId is longer than 100 characters"),
])
def test_an_order_beyond_sane_limits_is_held_with_its_reason(overrides: dict[str, Any],
                                                            words: str) -> None:
    assert any(words in message for message in _messages(**overrides)), _messages(**overrides)


def test_an_order_with_too_many_items_is_held() -> None:
    item = good_order()["OrderItems"][0]
    messages = _messages(OrderItems=[item] * 501)
    assert any("501 items, more than 500" in message for message in messages)
    assert not any("items" in m for m in _messages(OrderItems=[item] * 500) if "more than" in m)


def test_a_long_order_id_keeps_a_key_the_store_can_hold() -> None:
    key = channel_order_key(good_order(OrderId="9" * 101))
    assert key.startswith("long-id-") and len(key) <= 100
    assert channel_order_key(good_order(OrderId="9" * 100)) == "9" * 100
