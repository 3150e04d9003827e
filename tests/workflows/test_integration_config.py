"""Every setting has bounds, and a stored value outside them runs at its default (and is
reported) instead of stopping every later sync."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from orderbridge.errors import UsageError
from orderbridge.workflows.integration_config import (
    IntegrationConfig,
    allowed_range,
    config_from_rows,
    config_problems,
    validated_value,
)

NUMBERS = [name for name, field in IntegrationConfig.model_fields.items()
           if field.annotation in (float, int, int | None)]


def refused(key: str, value: str, rows: dict[str, str] | None = None) -> str:
    with pytest.raises(UsageError) as caught:
        validated_value(rows or {}, key, value)
    return str(caught.value)


def test_every_number_has_a_lower_and_an_upper_bound() -> None:
    assert len(NUMBERS) >= 20  # the list is read from the model, not typed twice
    for key in NUMBERS:
        span = allowed_range(key)
        assert span is not None and (" to " in span or key == "location_id"), key


@pytest.mark.parametrize(("key", "value"), [
    (key, value) for key in NUMBERS for value in ["inf", "-inf", "nan", "1e309", "-1", "1e12"]
    if (key, value) != ("location_id", "1e12")  # any positive id may be a QBC location
])
def test_no_number_takes_infinity_nan_or_absurd_values(key: str, value: str) -> None:
    assert refused(key, value).startswith(f"{key} = {value!r} is not allowed: ")


@pytest.mark.parametrize(("key", "value", "why"), [
    ("window_overlap_hours", "0.5", "greater than or equal to 1 (allowed: 1 to 168)"),
    ("window_overlap_hours", "169", "less than or equal to 168"),
    ("initial_import_days", "1000000", "(allowed: 0 to 3,650)"),
    ("download_every_s", "0", "(allowed: 0.1 to 604,800)"),
    ("retry_max_attempts", "101", "(allowed: 1 to 100)"),
    ("qbc_timeout_s", "601", "(allowed: 0.1 to 600)"),
    ("fulfillment_overlap_minutes", "1441", "(allowed: 0 to 1,440)"),
    ("cancel_sweep_max_days", "366", "(allowed: 1 to 365)"),
    ("cancel_sweep_margin_hours", "-1", "(allowed: 0 to 168)"),
    ("inventory_buffer", "1000001", "(allowed: 0 to 1,000,000)"),
    ("location_id", "0", "(allowed: 1 or more)"),
    ("max_wait_s", "3601", "(allowed: 1 to 3,600)"),
    ("inventory_full_every_s", "59", "(allowed: 60 to 604,800)"),
    ("reconcile_every_s", "86401", "(allowed: 10 to 86,400)"),
    ("webhooks_every_s", "9", "(allowed: 10 to 86,400)"),
    ("webhooks", "yes", "'off' or 'on'"),
    ("earliest_order_date", "1999-12-31", "on or after 2000-01-01"),
    ("order_tags", "houzz\nvip", "control character U+000A"),
])
def test_a_value_out_of_bounds_says_what_is_allowed(key: str, value: str, why: str) -> None:
    assert why in refused(key, value)


def test_the_bounds_themselves_are_allowed() -> None:
    for key, value in [("window_overlap_hours", "1"), ("window_overlap_hours", "168"),
                       ("initial_import_days", "3650"), ("retry_max_attempts", "100"),
                       ("max_wait_s", "1"), ("earliest_order_date", "2000-01-01"),
                       ("location_id", "1"), ("location_id", "")]:
        assert validated_value({}, key, value) == value


def test_the_new_max_wait_setting_defaults_to_five_minutes() -> None:
    assert config_from_rows({}).max_wait_s == 300


def test_schedules_poll_often_and_webhooks_start_off() -> None:
    config = config_from_rows({})
    assert (config.download_every_s, config.shipments_every_s, config.inventory_every_s,
            config.inventory_full_every_s) == (60, 120, 120, 6 * 3600)
    assert (config.webhooks, config.reconcile_every_s, config.webhooks_every_s) == (
        "off", 900, 3600)
    assert config_from_rows({"webhooks": "on"}).webhooks == "on"


def test_an_earliest_order_date_in_the_future_is_refused() -> None:
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    assert "is in the future (today is" in refused("earliest_order_date", tomorrow)


def test_the_retry_cap_is_never_below_the_base() -> None:
    assert "retry_cap_s (10) must be at least retry_base_s (30)" in refused("retry_cap_s", "10")
    # the default cap (3600) counts too: a base above it needs the cap raised first
    assert "retry_cap_s (3600) must be at least retry_base_s (7200)" in refused(
        "retry_base_s", "7200")
    assert validated_value({"retry_cap_s": "86400"}, "retry_base_s", "7200") == "7200"


def test_a_prefix_that_leaves_no_room_for_the_order_says_how_long_it_may_be() -> None:
    message = refused("cust_ref_prefix", "HOUZZ-ORDERS-", {"cust_ref_max_length": "16"})
    assert ("the cust_ref prefix 'HOUZZ-ORDERS-' is 13 characters; with cust_ref_max_length 16 "
            "it may be at most 10, so 6 are left for the order number") in message
    shrink = refused("cust_ref_max_length", "8", {"cust_ref_prefix": "HZ-ORD"})
    assert "it may be at most 2" in shrink


def test_a_stored_value_no_longer_allowed_runs_at_its_default_and_is_reported() -> None:
    stored = {"window_overlap_hours": "0.5", "retry_max_attempts": "10000", "delivery": "preview",
              "houzz_timeout_s": "inf", "retry_base_s": "7200", "colour": "blue"}
    config = config_from_rows(stored)  # does not raise
    assert (config.window_overlap_hours, config.retry_max_attempts, config.houzz_timeout_s,
            config.retry_base_s) == (24, 12, 30, 30)
    assert config.delivery == "preview"  # the valid values stay
    problems = config_problems(stored, "acme")
    assert len(problems) == 4
    assert ("stored window_overlap_hours = '0.5' is not allowed (Input should be greater than or "
            "equal to 1 (allowed: 1 to 168)); it runs at its default 24; fix it with orderbridge "
            "config set window_overlap_hours VALUE --integration acme") in problems
    assert any(p.startswith("stored retry_base_s = '7200' is not allowed (retry_cap_s (3600) "
                            "must be at least") for p in problems)
    assert config_problems({"delivery": "preview"}) == []


def test_a_bad_stored_value_never_blocks_fixing_another_one() -> None:
    stored = {"window_overlap_hours": "0.5"}
    assert validated_value(stored, "delivery", "preview") == "preview"
