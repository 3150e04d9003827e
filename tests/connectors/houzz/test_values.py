"""Reading Houzz values: the fast paths give what the general ones would, and nothing raises."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderbridge.connectors.houzz import values

PACIFIC = ZoneInfo("America/Los_Angeles")


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-11-27 23:30:00", datetime(2026, 11, 27, 23, 30, tzinfo=PACIFIC)),
    (" 2026-11-27T23:30:00 ", datetime(2026, 11, 27, 23, 30, tzinfo=PACIFIC)),
    ("2026-11-27 23:30:00.250", datetime(2026, 11, 27, 23, 30, 0, 250000, tzinfo=PACIFIC)),
    ("2026-1-2 3:04:05", datetime(2026, 1, 2, 3, 4, 5, tzinfo=PACIFIC)),
    ("2024-02-29 10:00:00", datetime(2024, 2, 29, 10, tzinfo=PACIFIC)),
    ("2026-02-29 10:00:00", None),
    ("2026-11-27 24:00:00", None),
    ("2026-11-27 23:30:00+01:00", None),
    ("2026-11-27", None),
    ("yesterday", None),
    (20261127, None),
])
def test_created_is_read_in_the_integration_zone(raw: Any, expected: datetime | None) -> None:
    result = values.created_at(raw, PACIFIC)
    assert result == expected
    assert result is None or result.tzinfo is PACIFIC


def test_a_created_date_that_cannot_be_put_in_utc_is_unreadable() -> None:
    assert values.created_at("9999-12-31 23:59:59", PACIFIC) is None  # would be year 10000 UTC
    assert values.created_at("0001-01-01 00:00:00", ZoneInfo("Asia/Tokyo")) is None
    assert values.created_at("9999-12-31 10:00:00", PACIFIC) is not None


@given(moment=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)))
def test_the_houzz_shape_reads_as_strptime_would(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    raw = moment.strftime("%Y-%m-%d %H:%M:%S")
    assert values.created_at(raw, PACIFIC) == moment.replace(tzinfo=PACIFIC)


@pytest.mark.parametrize(("raw", "expected"), [
    ("12.50", Decimal("12.50")), (" 1,234.5 ", Decimal("1234.5")), (3, Decimal(3)),
    (0.1, Decimal("0.1")), ("-7", Decimal(-7)),
    ("999999999999999.99", Decimal("999999999999999.99")),
    ("1e15", None), (1e308, None), ("1e999999", None), ("-1e400", None),
    ("NaN", None), ("inf", None), (float("inf"), None), (True, None), ("x", None), ([], None),
    (None, None),
])
def test_decimals_are_exact_finite_and_of_sane_size(raw: Any, expected: Decimal | None) -> None:
    assert values.decimal(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("  Austin ", "Austin"), ("", None), ("   ", None), (None, None), (78701, "78701"),
    (1.5, "1.5"), (False, None), ({"a": 1}, None), (["a"], None),
])
def test_text_is_stripped_and_never_structured(raw: Any, expected: str | None) -> None:
    assert values.text(raw) == expected


def test_storable_replaces_what_no_database_can_hold() -> None:
    page: list[Any] = [{"OrderId": "12\x0034", "Address": {"City\ud800": ["Aus\udfffin", 5, None]},
             "CustomerName": "Zoë 😀"}, "gar\x00bage"]
    assert values.storable(page) == [
        {"OrderId": "12\ufffd34", "Address": {"City\ufffd": ["Aus\ufffdin", 5, None]},
         "CustomerName": "Zoë 😀"}, "gar\ufffdbage"]
    assert page[0]["OrderId"] == "12\x0034"  # the page given is left as it was


def test_a_clean_payload_is_returned_as_is() -> None:
    page = [{"OrderId": "1234", "CustomerName": "Zoë 😀", "Total": 1.5, "Lines": [1, None]}]
    assert values.storable(page) is page


def test_values_json_cannot_hold_are_walked_not_refused() -> None:
    payload = {"Total": Decimal("1.5"), "Lines": ("a\x00", 1), 7: "b\x00"}
    assert values.storable(payload) == {"Total": Decimal("1.5"), "Lines": ("a\x00", 1),
                                        7: "b\ufffd"}  # tuples are not JSON: left alone


any_character = st.characters(exclude_categories=())  # lone surrogates and NUL included
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats()
    | st.text(any_character, max_size=20) | st.sampled_from(["a\x00b", "\ud800", "x\udfff"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(any_character, max_size=5), inner, max_size=3),
    max_leaves=10,
)


@given(payload=json_values)
def test_storable_leaves_nothing_unstorable(payload: Any) -> None:
    cleaned = values.storable(payload)

    def check(value: Any) -> None:
        if isinstance(value, str):
            assert "\x00" not in value
            value.encode()
        elif isinstance(value, dict):
            for key, item in value.items():
                check(key)
                check(item)
        elif isinstance(value, list):
            for item in value:
                check(item)

    check(cleaned)
