"""The canonical order: exact decimals, UTC dates, lossless JSON, totals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from orderbridge.model import CanonicalOrder, OrderLine, Party, Shipment, ShippedItem

PACIFIC = timezone(timedelta(hours=-8))


def _line(line_no: int = 1, **overrides: Any) -> OrderLine:
    fields: dict[str, Any] = {
        "line_no": line_no,
        "item": f"SKU-{line_no}",
        "quantity": Decimal("2"),
        "price": Decimal("10.25"),
        "extended_amount": Decimal("20.50"),
    }
    fields.update(overrides)
    return OrderLine(**fields)


def _order(**overrides: Any) -> CanonicalOrder:
    fields: dict[str, Any] = {
        "cust_po_no": "1234567890123",
        "cust_ref": "HZ-0123",
        "order_date": datetime(2024, 3, 1, 9, 30, tzinfo=PACIFIC),
        "ship_to": Party(first_name="Ada", last_name="Lovelace", city="Austin", state="TX"),
        "items": (_line(1), _line(2, line_type="fee", extended_amount=Decimal("1.00"))),
        "shipping_amount": Decimal("7.95"),
        "tax_amount": Decimal("2.10"),
    }
    fields.update(overrides)
    return CanonicalOrder(**fields)


def test_order_date_is_stored_in_utc() -> None:
    order = _order()
    assert order.order_date == datetime(2024, 3, 1, 17, 30, tzinfo=UTC)
    assert order.order_date.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        _order(order_date=datetime(2024, 3, 1, 9, 30))
    with pytest.raises(ValidationError):
        Shipment(shipped_at=datetime(2024, 3, 1))


def test_money_given_as_float_is_refused() -> None:
    with pytest.raises(ValidationError, match="float"):
        _line(price=10.25)
    with pytest.raises(ValidationError, match="float"):
        _order(shipping_amount=7.95)


def test_non_finite_decimals_are_refused() -> None:
    with pytest.raises(ValidationError):
        _line(quantity=Decimal("NaN"))
    with pytest.raises(ValidationError):
        _line(price="Infinity")


def test_strings_and_ints_become_exact_decimals() -> None:
    line = _line(quantity=3, price="0.10", extended_amount="0.30")
    assert line.quantity == Decimal(3)
    assert str(line.price) == "0.10"


def test_json_round_trip_is_lossless() -> None:
    order = _order(
        bill_to=Party(company="Acme", e_mail="a@example.com"),
        order_total=Decimal("41.55"),
        shipments=(
            Shipment(
                carrier="UPS",
                tracking_no="1Z999",
                shipped_at=datetime(2024, 3, 2, tzinfo=UTC),
                items=(ShippedItem(line_no=1, quantity=Decimal("2")),),
            ),
        ),
    )
    dumped = order.model_dump(mode="json")
    assert dumped["shipping_amount"] == "7.95"
    assert dumped["items"][0]["extended_amount"] == "20.50"
    again = CanonicalOrder.model_validate(dumped)
    assert again == order
    assert str(again.items[0].extended_amount) == "20.50"
    assert CanonicalOrder.model_validate_json(order.model_dump_json()) == order


@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=None),
    st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=4),
)
def test_any_finite_decimal_survives_json(price: Decimal, quantity: Decimal) -> None:
    line = _line(price=price, quantity=quantity, extended_amount=price)
    again = OrderLine.model_validate(line.model_dump(mode="json"))
    assert str(again.price) == str(price)
    assert str(again.quantity) == str(quantity)


def test_computed_total_counts_lines_shipping_and_tax_once() -> None:
    order = _order()
    assert order.computed_total == Decimal("20.50") + Decimal("1.00") + Decimal("7.95") + Decimal(
        "2.10"
    )
    assert order.total_matches  # no stated total
    assert _order(order_total=Decimal("31.55")).total_matches
    assert not _order(order_total=Decimal("31.56")).total_matches


def test_discount_lines_lower_the_total() -> None:
    order = _order(
        items=(
            _line(1),
            _line(2, line_type="discount", quantity=1, price="-5", extended_amount="-5"),
        ),
        shipping_amount=0,
        tax_amount=0,
    )
    assert order.computed_total == Decimal("15.50")
    assert [line.line_no for line in order.product_lines] == [1]


def test_line_numbers_must_be_unique() -> None:
    with pytest.raises(ValidationError, match="line_no 1 appears more than once"):
        _order(items=(_line(1), _line(1)))
    assert _order().line(2).line_type == "fee"
    with pytest.raises(KeyError):
        _order().line(9)


def test_models_are_frozen_strict_and_hashable() -> None:
    order = _order()
    with pytest.raises(ValidationError):
        order.cust_ref = "other"
    with pytest.raises(ValidationError, match="extra"):
        Party(first_name="A", nickname="B")
    with pytest.raises(ValidationError):
        _order(currency="usd")
    assert hash(order) == hash(_order())
    changed = order.model_copy(update={"warehouse_ship_code": "ground"})
    assert changed.warehouse_ship_code == "ground" and order.warehouse_ship_code is None


def test_missing_business_data_is_representable_so_it_can_be_held() -> None:
    order = _order(ship_to=Party(), items=(_line(1, quantity=0, price="-1", extended_amount="0"),))
    assert order.ship_to.address_1 is None
    assert order.items[0].quantity == 0
    with pytest.raises(ValidationError):
        _order(cust_ref="")
    with pytest.raises(ValidationError):
        _line(line_no=0)
